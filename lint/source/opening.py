"""Opening an input safely: only regular files, never more than `--max-file-size` read, nothing that blocks.

A FIFO, socket or device is refused without being opened (opening a FIFO waits for a writer forever); an
unreadable file or folder, a symlink loop or a dangling link is refused too, as one finding, and the run goes
on. A missing path is a usage error (`SourceError`, exit 2).
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

MAX_FILE_BYTES = 256 * 1024 * 1024  # `--max-file-size`; a 20k-object cluster dump is ~100 MiB


class SourceError(Exception):
    """An input that cannot be opened at all (missing path, permission): a usage/I-O error, exit 2."""


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


class Refused(Exception):
    """A path that is not read: no regular file, or the system refuses it (one GIE906 finding; the run goes on)."""


def check_readable(name: str) -> None:
    """Raise `Refused` for what must not or cannot be read, without opening it; a missing path, or a readable
    directory that is not a kustomization, is a usage error (SourceError)."""
    try:
        info = os.stat(name)
    except OSError as exc:
        if os.path.islink(name):
            raise Refused("symbolic link loop; not linted" if exc.errno == errno.ELOOP
                           else "dangling symbolic link (its target does not exist); not linted") from None
        if exc.errno == errno.ENOENT:
            raise SourceError(f"{name}: {exc.strerror or exc}") from None
        raise Refused(f"not readable ({exc.strerror or exc}); not linted") from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        try:
            with os.scandir(name):
                pass
        except OSError as exc:
            raise Refused(f"folder not readable ({exc.strerror or exc}): the files in it are not linted") from None
        raise SourceError(f"{name}: is a directory")
    if not stat.S_ISREG(mode):
        kind = next((kind for test, kind in _KINDS if test(mode)), "not a regular file")
        raise Refused(f"{kind}, not a file: not read")
    if info.st_size > MAX_FILE_BYTES:
        raise Refused(too_large())


def too_large() -> str:
    size = MAX_FILE_BYTES
    unit = next((f"{size >> shift} {name}" for shift, name in ((30, "GiB"), (20, "MiB"), (10, "KiB"))
                 if size % (1 << shift) == 0), f"{size} bytes")
    return f"larger than {unit} (--max-file-size); not linted"


def read_bounded(handle: BinaryIO) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes. `read(n)` allocates all n bytes up front (the 256 MiB default limit for
    every small file); growing by chunks keeps the peak at the file's size."""
    parts: list[bytes] = []
    left = MAX_FILE_BYTES + 1
    while left > 0:
        part = handle.read(min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def read_bytes(name: str) -> bytes:
    check_readable(name)
    # O_NONBLOCK: should a FIFO replace the file after the check, opening it does not wait for a writer.
    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as handle:
            return read_bounded(handle)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.EISDIR):
            raise SourceError(f"{name}: {exc.strerror or exc}") from None
        raise Refused(f"not readable ({exc.strerror or exc}); not linted") from None
