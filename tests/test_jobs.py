"""`--jobs N`: files, or one big stream's documents, parsed in worker processes give byte-identical reports.

The size threshold below which reads stay serial is lowered to 0 here, so small inputs go through the
workers too; a spy on the pool proves they did.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gie_lint.source import opening, workers

from tests.conftest import CORPUS, ROOT
from tests.reporting_helpers import run

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every input goes to the workers; the list counts the batches they took."""
    monkeypatch.setattr(workers, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    taken: list[int] = []
    real = workers.ordered_map

    def counting(pool, function, items):  # type: ignore[no-untyped-def]
        taken.append(len(items))
        return real(pool, function, items)

    monkeypatch.setattr(workers, "ordered_map", counting)
    return taken


def _inputs(tmp_path: Path, corpus: bool = False) -> list[Path]:
    trees = [ROOT / "examples" / name for name in ("vllm", "epp", "epp-leader-election", "gateway", "broken")]
    if corpus and (CORPUS / "expected.yaml").exists():  # the whole corpus once (json): it is the slow part
        trees.append(CORPUS)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "not-utf8.yaml").write_bytes(b"kind: \xff\xfe\n")
    (bad / "syntax.yaml").write_text("a: [1, 2\nb: c\n")
    (bad / "tag.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: !!int ''}\n")
    return [*trees, bad]


def _report(capsys: pytest.CaptureFixture[str], fmt: str, jobs: str, *paths: str) -> tuple[int, str]:
    code, out, err = run(capsys, "check", "--jobs", jobs, "--format", fmt, "--gie-version", "v1.5.0", *paths)
    assert "Traceback" not in err, err
    return code, out + err


@pytest.mark.parametrize("fmt", FORMATS)
def test_many_files_in_workers_report_byte_identically(fmt: str, tmp_path: Path, spied: list[int],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(p) for p in _inputs(tmp_path, corpus=fmt == "json")]
    serial = _report(capsys, fmt, "1", *paths)
    assert spied == []
    parallel = _report(capsys, fmt, "2", *paths)
    assert spied and spied[0] > 8  # every file went to the workers
    assert parallel == serial


@pytest.mark.parametrize("fmt", ("json", "sarif", "text"))
def test_one_stream_in_workers_reports_byte_identically(fmt: str, tmp_path: Path, spied: list[int],
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    stream = tmp_path / "all.yaml"
    parts = [p.read_text(encoding="utf-8") for tree in _inputs(tmp_path)[:5] for p in sorted(tree.rglob("*.yaml"))]
    stream.write_text("\n---\n".join(parts), encoding="utf-8")
    monkeypatch.setattr(workers, "_BATCH_BYTES", 2000)  # several batches even for this small stream
    serial = _report(capsys, fmt, "1", str(stream))
    parallel = _report(capsys, fmt, "2", str(stream))
    assert len(spied) == 1 and spied[0] > 3
    assert parallel == serial


def test_workers_keep_the_max_file_size(tmp_path: Path, spied: list[int], capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opening, "MAX_FILE_BYTES", opening.MAX_FILE_BYTES)  # restored after --max-file-size sets it
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n" + "# pad\n" * 100)
    code, out, _ = run(capsys, "check", "--jobs", "2", "--max-file-size", "100", "--allow-empty", str(tmp_path))
    assert spied and out.count("GIE906") == 2, out


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "-1", "two"):
        code, _, err = run(capsys, "check", "--jobs", bad, "x.yaml")
        assert code == 2 and "expected a number of processes, 1 or more" in err


def test_large_inputs_use_every_cpu_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cpus", lambda: 3)
    with workers.parallel(None):
        assert workers.pool_for(workers.MIN_PARALLEL_BYTES - 1) is None  # small: serial
        pool = workers.pool_for(workers.MIN_PARALLEL_BYTES)
        assert pool is not None and pool._max_workers == 3
        assert workers.pool_for(workers.MIN_PARALLEL_BYTES) is pool  # one pool per run
    with workers.parallel(1):
        assert workers.pool_for(1 << 40) is None
    assert workers.pool_for(1 << 40) is None  # outside a run: serial


def _dies_in_a_worker(value: int) -> int:
    if workers._in_worker:
        os._exit(3)  # as the kernel's OOM killer would end it
    return value * 2


def test_a_dead_worker_costs_speed_not_the_run() -> None:
    with workers.parallel(2):
        pool = workers.pool_for(workers.MIN_PARALLEL_BYTES)
        assert pool is not None
        assert workers.ordered_map(pool, _dies_in_a_worker, [1, 2, 3]) == [2, 4, 6]  # done here instead
        assert workers.pool_for(workers.MIN_PARALLEL_BYTES) is None  # and the rest of the run is serial


def test_no_process_pool_here_means_a_serial_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import concurrent.futures

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")  # no /dev/shm semaphores in some containers

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    with workers.parallel(2):
        assert workers.pool_for(workers.MIN_PARALLEL_BYTES) is None
