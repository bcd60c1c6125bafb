"""Worker processes for reading: `--jobs N` parses files, or the documents of one big stream, N at a time.

Parsing (libyaml's compose plus building plain data) is most of a big check and needs nothing but the text,
so it is the part worth spreading over cores: each worker returns plain, picklable results (`SourceFile`,
`Document`), and the caller puts them back in input order, so the output is byte-identical to a serial run.
Everything after reading (topology, schemas, rules) stays in the parent, which owns the one schema store.

The engine opens a block around a run (`parallel`); the pool starts only when a read is big enough to gain
from it (`pool_for`). Workers are forked where the platform allows it (Linux): they start in milliseconds
and inherit the process-wide settings; elsewhere they are spawned and handed `--max-file-size` explicitly.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # imported when a pool starts: a small check never pays for multiprocessing
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

# Below this much input, starting workers and pickling results cost more than they save (bench/bench_floor.py
# `--jobs` rows). Tests lower it to run small inputs through the workers.
MIN_PARALLEL_BYTES = 4 << 20
_BATCH_BYTES = 1 << 20  # a stream's documents travel in batches of about this much text


@dataclass
class _Block:
    jobs: int | None  # None: every CPU
    pool: ProcessPoolExecutor | None = None


_block: _Block | None = None  # the open `parallel` block of this process
_in_worker = False


def cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def parallel(jobs: int | None) -> Iterator[None]:
    """Reads inside the block may use `jobs` worker processes (None: the CPU count; 1: none)."""
    global _block
    outer, _block = _block, _Block(jobs)
    try:
        yield
    finally:
        block, _block = _block, outer
        if block is not None and block.pool is not None:
            block.pool.shutdown(wait=True, cancel_futures=True)


def pool_for(total_bytes: int) -> ProcessPoolExecutor | None:
    """The workers for a read of `total_bytes`, started on first use; None when a serial read is as fast."""
    if _block is None or _in_worker or total_bytes < MIN_PARALLEL_BYTES:
        return None
    jobs = cpus() if _block.jobs is None else _block.jobs
    if jobs <= 1:
        return None
    if _block.pool is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from gie_lint.source import opening

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        try:
            _block.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_initialize,
                                              initargs=(opening.MAX_FILE_BYTES,))
        except (OSError, NotImplementedError, ImportError):  # no semaphores (/dev/shm) or no processes here
            _block.jobs = 1
            return None
    return _block.pool


def _initialize(max_file_bytes: int) -> None:
    global _in_worker
    _in_worker = True  # a worker never starts workers of its own
    from gie_lint.source import opening

    opening.MAX_FILE_BYTES = max_file_bytes


def ordered_map(pool: ProcessPoolExecutor, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`function` over `items` in the workers, results in the order of `items`. Should a worker die (killed
    for memory, say), the work is done here instead and the run goes on serially: slower, the same output."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return list(pool.map(function, items))
    except (BrokenProcessPool, OSError):  # OSError: no process could be started (fork failing for memory)
        if _block is not None:
            _block.jobs, _block.pool = 1, None
        pool.shutdown(wait=False, cancel_futures=True)
        return [function(item) for item in items]


def batches(items: Iterable[tuple[Any, str]]) -> list[list[tuple[Any, str]]]:
    """`(key, text)` items grouped into runs of about `_BATCH_BYTES` characters, in order."""
    size = _BATCH_BYTES
    out: list[list[tuple[Any, str]]] = []
    batch: list[tuple[Any, str]] = []
    length = 0
    for item in items:
        batch.append(item)
        length += len(item[1])
        if length >= size:
            out.append(batch)
            batch, length = [], 0
    if batch:
        out.append(batch)
    return out
