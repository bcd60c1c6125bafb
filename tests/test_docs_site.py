"""The documentation site and the `gie-lint` MkDocs plugin (lint/docs/).

The fast tests check the pieces (one docs URL, escaping, markers, the releases matrix); the slow ones build
sites strictly with `mkdocs build --strict` in a subprocess: this repository's, a copy of it with other replica
counts (numbers are never typed by hand), and the minimal second site in tests/docsite/.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import gie_lint
import pytest
import yaml
from gie_lint.docs import markers, releases
from gie_lint.docs.lintrun import lint as run_lint
from gie_lint.docs.text import esc
from gie_lint.releases import builds
from gie_lint.reporters import Options, rule_url
from gie_lint.rules import registry

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<img src=x onerror=alert(1)>|`x`{{ y }}-->"


def _site_url() -> str:
    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    data = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    return str(data["site_url"])


def test_one_docs_url() -> None:
    assert _site_url() == gie_lint.DOCS_URL
    assert rule_url("GIE040") == f"{gie_lint.DOCS_URL}rules/GIE040/"


def test_docs_url_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIE_LINT_DOCS_URL", "https://docs.example.org/gie")
    assert rule_url("GIE040") == "https://docs.example.org/gie/rules/GIE040/"
    assert Options().docs_base == "https://docs.example.org/gie/rules/"


def test_escaping_leaves_no_markup() -> None:
    escaped = esc(HOSTILE + "\nline two")
    assert not set("<>|`{}") & set(escaped.replace("<br>", ""))
    assert html.unescape(escaped.replace("<br>", "\n")) == HOSTILE + "\nline two"


def test_markers_replaced_and_unknown_ones_warned() -> None:
    outcome = run_lint(ROOT / ".gie-lint.yaml")
    manifest = "examples/vllm/sim-deployment.yaml"
    links = markers.Links("why.md", {manifest: f"manifests/{manifest}.md"}, "rules")
    warnings: list[str] = []
    page = ("<!-- gie-lint:replicas scenario=default -->\n<!-- gie-lint:nope -->\n"
            "<!-- gie-lint:topology scenario=missing -->\n<!-- gie-lint:diff colour=red -->\n")
    out = markers.replace(page, outcome, links, warnings.append)
    assert "| default | model server | Deployment default/vllm-qwen3-sim | **3** |" in out
    assert "[examples/vllm/sim-deployment.yaml:21](manifests/examples/vllm/sim-deployment.yaml.md#L21)" in out
    assert warnings == ["unknown marker gie-lint:nope (known: diff, explain, findings, replicas, summary, topology)",
                        "marker gie-lint:topology: unknown scenario 'missing' (linted: default, leader-election)",
                        "marker gie-lint:diff: unknown argument 'colour' (known: scenario)"]


def test_releases_matrix_comes_from_the_release_data() -> None:
    gie = next(line for line in builds.lines() if line.project == "gie")
    rows = {row["release"]: row for row in releases.rows(gie)}
    assert "ha-enable-leader-election" in rows["v1.0.0"]["flags_added"]
    assert "kv-cache-scorer → kv-cache-utilization-scorer" in rows["v1.0.0"]["renames"]
    assert "kv-cache-scorer" in rows["v1.0.0"]["plugins_removed"]
    assert "InferencePool inference.networking.k8s.io/v1" in rows["v1.0.0"]["crds_added"]
    assert rows["v1.0.0"]["crds_removed"] == ["InferenceModel inference.networking.x-k8s.io/v1alpha2"]
    assert rows["v1.5.0"]["config_fields_removed"] == ["data"]
    assert "EPP flags camelCase → kebab-case (poolName → pool-name)" in rows["v1.0.0"]["renames"]
    assert "flag parser goflag → pflag" in rows["v1.3.0"]["renames"]


def _build(config: Path, site: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          cwd=config.parent, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def _text(page: Path) -> str:
    """A built page's visible text: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<script.*?</script>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("mkdocs.yml", ".gie-lint.yaml"):
        shutil.copy(ROOT / name, project / name)
    for name in ("docs", "examples"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("vendor"))
    (project / "schemas").symlink_to(ROOT / "schemas")
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = _build(ROOT / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return site


@pytest.mark.slow
def test_every_rule_has_a_page(built: Path) -> None:
    for rule in registry.all_rules():
        page = built / "rules" / rule.id / "index.html"
        assert page.is_file(), rule.id
        assert f"{rule.id} {rule.name}" in _text(page)
    index = _text(built / "rules" / "index.html")
    assert all(rule.id in index for rule in registry.all_rules())


@pytest.mark.slow
def test_why_3_replicas_page_shows_the_run(built: Path) -> None:
    text = _text(built / "why-3-replicas" / "index.html")
    assert "default model server Deployment default/vllm-qwen3-sim 3 – – – examples/vllm/sim-deployment.yaml:21" in text
    assert "default endpoint picker Deployment default/vllm-qwen3-sim-epp 1 off 1 0 examples/epp/deployment.yaml:17" \
        in text
    assert ("leader-election endpoint picker Deployment default/vllm-qwen3-sim-epp 3 on 1 2 "
            "examples/epp-leader-election/deployment.yaml:21") in text
    assert 'class="mermaid"' in (built / "why-3-replicas" / "index.html").read_text()


@pytest.mark.slow
def test_findings_link_to_rule_and_manifest_line(built: Path) -> None:
    page = (built / "results" / "index.html").read_text()
    assert 'href="../rules/GIE002/"' in page
    link = re.search(r'href="\.\./manifests/examples/broken/pool-v1-legacy-fields\.yaml/#L(\d+)"', page)
    assert link is not None
    manifest = (built / "manifests" / "examples" / "broken" / "pool-v1-legacy-fields.yaml" / "index.html").read_text()
    assert f'id="L{link.group(1)}"' in manifest


@pytest.mark.slow
def test_numbers_follow_the_manifests(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    manifest = project / "examples" / "vllm" / "sim-deployment.yaml"
    text = manifest.read_text()
    assert text.count("replicas: 3") == 1
    manifest.write_text(text.replace("replicas: 3", "replicas: 5"))
    done = _build(project / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    page = _text(tmp_path / "site" / "why-3-replicas" / "index.html")
    assert "default model server Deployment default/vllm-qwen3-sim 5 –" in page
    assert "5 model-server replicas give the EPP 5 endpoints" in page
    assert "Deployment default/vllm-qwen3-sim<br/>5 replicas" in page  # the topology diagram's node
    assert "vllm-qwen3-sim 3 –" not in page


@pytest.mark.slow
def test_unknown_marker_fails_the_strict_build(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    (project / "docs" / "index.md").write_text("# x\n\n<!-- gie-lint:replicaz -->\n")
    done = _build(project / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0
    assert "unknown marker gie-lint:replicaz" in done.stderr


@pytest.mark.slow
def test_unknown_option_and_scenario_fail_the_strict_build(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text.replace("      fail_on: error\n", "      fail_on: error\n      colour: red\n"))
    done = _build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "Plugin 'gie-lint' option 'colour': Unrecognised configuration name" in done.stderr
    config.write_text(text.replace("      fail_on: error\n",
                                   "      fail_on: error\n      scenarios: [default, nope]\n"))
    done = _build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "unknown scenario 'nope' in the plugin's scenarios" in done.stderr


@pytest.mark.slow
def test_fail_on_fails_the_build_on_a_scenario_finding(tmp_path: Path) -> None:
    site = ROOT / "tests" / "docsite"
    project = tmp_path / "docsite"
    shutil.copytree(site, project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("fail_on: never", "fail_on: error"))
    done = _build(config, tmp_path / "site")
    assert done.returncode != 0
    assert "findings at or above error in the scenarios, first manifests/pool.yaml:" in done.stderr


@pytest.mark.slow
def test_second_site_uses_the_plugin_and_escapes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = _build(ROOT / "tests" / "docsite" / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    for page, content in pages.items():
        assert "<img src=x" not in content and "<script>alert" not in content, page
    index = _text(site / "index.html")
    assert f"InferencePool default/{HOSTILE}" in index
    assert "GIE002" in index
    manifest = site / "manifests" / "manifests" / "pool.yaml" / "index.html"
    assert "{{ .Values.x }} --> `tick`" in _text(manifest)
    assert (site / "rules" / "GIE002" / "index.html").is_file()
