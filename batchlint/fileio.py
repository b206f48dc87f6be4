"""Reading input files within limits, and writing output files whole or not at all.

Reading: regular files only (a device, a FIFO or a symlink to one is refused
without being opened for a blocking read), at most ``Limits.max_file_size``
bytes, UTF-8 (or UTF-16/32 with a byte order mark).

Writing: every file batchlint writes (``--output``, ``--write-baseline``,
snapshots) goes through :func:`atomic_output`: a temporary file in the same
folder, flushed and fsync'ed, then renamed over the target, so a failed run
never leaves a truncated file where a good one was.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from batchlint.errors import BatchlintError, InputError
from batchlint.terminal import escape as printable

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one input file may cost; each is documented in the README and changeable."""

    max_file_size: int = 256 * MiB  # bytes per file (--max-file-size)
    max_depth: int = 200  # nesting of objects and lists (--max-depth)
    # values that YAML aliases may repeat in one file; aliases are shared, not copied,
    # but everything downstream walks the repeats ("billion laughs")
    max_alias_values: int = 1_000_000


DEFAULT_LIMITS = Limits()

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))

# byte order marks, longest first; and the NUL patterns of BOM-less UTF-16/32 JSON
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig"))
# JSON or YAML starts with an ASCII character: "0" marks the NUL bytes its encoding adds
_NUL_PATTERNS = (("000x", "UTF-32-BE"), ("x000", "UTF-32-LE"), ("0x0x", "UTF-16-BE"),
                 ("x0x0", "UTF-16-LE"))


# the largest --max-file-size: larger sizes mean "no limit" and are taken as this one, which
# no file reaches and which Python's reads accept (a size must fit in a C ssize_t)
MAX_FILE_SIZE = 1 << 60


def parse_size(text: str) -> int:
    """``256MiB``, ``1G``, ``500k``, ``1000000`` → bytes (binary multiples), at most
    :data:`MAX_FILE_SIZE`."""
    units = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": MiB, "mb": MiB,
             "mib": MiB, "g": 1024 * MiB, "gb": 1024 * MiB, "gib": 1024 * MiB}
    number = text.strip().lower()
    unit = number.lstrip("0123456789")
    digits = number[:len(number) - len(unit)].lstrip("0")
    if not digits or unit.strip() not in units:
        raise BatchlintError(f"--max-file-size: {printable(text)!r} is not a size such as "
                             "256MiB, 1G or 500000")
    if len(digits) > len(str(MAX_FILE_SIZE)):  # int() refuses 4300 digits and more
        return MAX_FILE_SIZE
    return min(int(digits) * units[unit.strip()], MAX_FILE_SIZE)


def describe_size(size: int) -> str:
    return f"{size // MiB} MiB" if size % MiB == 0 else f"{size} bytes"


def read_text(path: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of a regular file, decoded; one clear InputError for anything else."""
    try:
        info = os.stat(path)  # follows symlinks: x.json -> /dev/zero is a device
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a directory; pass the files in it (for example "
                               f"{os.path.join(path, '*.json')})")
    _check_regular(path, info, limits)
    try:
        # O_NONBLOCK: should the path become a FIFO after the stat, opening it cannot hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    with open(fd, "rb") as raw:
        try:
            _check_regular(path, os.fstat(fd), limits)
            return _decode_limited(path, raw, limits.max_file_size)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def _check_regular(path: str, info: os.stat_result, limits: Limits) -> None:
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise InputError(path, f"is {kind}, not a regular file; not read")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "is not a regular file; not read")
    if info.st_size > limits.max_file_size:
        raise _too_large(path, limits.max_file_size)


def _too_large(path: str, limit: int) -> InputError:
    return InputError(path, f"larger than the {describe_size(limit)} limit for one file "
                            "(raise it with --max-file-size)")


def _decode_limited(path: str, raw: IO[bytes], limit: int) -> str:
    head = raw.read(4)
    encoding = _encoding(path, head)
    raw.seek(0)
    # decoded while read, so a large file is never held as bytes and text at once
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        # characters: never fewer than bytes / 4; in chunks, as read(n) would first ask
        # the buffer for n bytes at once
        parts: list[str] = []
        left = limit + 1
        while left > 0 and (part := text.read(min(left, MiB))):
            parts.append(part)
            left -= len(part)
        content = "".join(parts)
        if len(content) > limit or raw.read(1):  # a file that grew, or /proc's size 0
            raise _too_large(path, limit)
    except UnicodeDecodeError:
        raw.seek(0)
        return decode(path, read_at_most(raw, limit))  # raises, naming the byte offset
    finally:
        text.detach()
    return content


def read_at_most(raw: IO[bytes], limit: int) -> bytes:
    """Up to ``limit`` bytes, in chunks: ``read(limit)`` would allocate ``limit`` bytes."""
    chunks: list[bytes] = []
    left = limit
    while left > 0 and (chunk := raw.read(min(left, MiB))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _encoding(path: str, head: bytes) -> str:
    """From the byte order mark; UTF-8 without one. JSON and YAML begin with ASCII, so
    NUL bytes among the first four are UTF-16/32 without a mark, which is refused."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" not in head:
        return "utf-8-sig"
    for pattern, guess in _NUL_PATTERNS:
        if len(head) == 4 and all((byte == 0) == (mark == "0")
                                  for byte, mark in zip(head, pattern, strict=True)):
            raise InputError(path, f"looks like {guess} text without a byte order mark; save "
                                   "it as UTF-8")
    raise InputError(path, "binary data, not text (a NUL byte in the first four bytes)")


def decode(path: str, raw: bytes) -> str:
    encoding = _encoding(path, raw[:4])
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not {encoding.replace('-sig', '').upper()} text "
                               f"(undecodable byte at offset {exc.start})") from None


def check_distinct(output: str | None, inputs: Iterable[tuple[str, str]]) -> None:
    """Refuse to write over a file this run reads: ``inputs`` are (option, path)."""
    if output is None or output == "-":
        return
    target = os.path.realpath(output)
    for option, path in inputs:
        if path and path != "-" and os.path.realpath(path) == target:
            raise BatchlintError(f"{printable(output)}: is also read by this run ({option}); "
                                 "write the output to another file")


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[IO[str]]:
    """A text stream that replaces ``path`` only once everything was written.

    Devices and pipes (``/dev/null``, ``/dev/stdout``, a FIFO) are written directly:
    they cannot be renamed over, and hold no file to protect. A symlink is followed,
    so the file it names is replaced and the link stays.
    """
    target = os.path.realpath(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except OSError:
        info = None
    try:
        if info is not None and not stat.S_ISREG(info.st_mode):
            with open(target, "w", encoding="utf-8", errors="backslashreplace") as fh:
                yield fh
            return
        if info is not None and not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        folder = os.path.dirname(target) or "."
        fd, temp = _temporary(target, folder)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        os.chmod(temp, stat.S_IMODE(info.st_mode) if info is not None else _default_mode())
        with open(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except OSError as exc:
        _remove(temp)
        raise _cannot_write(path, exc) from None
    except BaseException:
        _remove(temp)
        raise


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path) as fh:
        fh.write(text)


def _temporary(target: str, folder: str) -> tuple[int, str]:
    import tempfile  # only for --output and the files batchlint writes: not at every start

    try:
        return tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp",
                                dir=folder)
    except OSError as exc:
        if not os.path.isdir(folder):
            raise
        raise OSError(exc.errno, "cannot create a temporary file beside it to write "
                                 f"into first ({exc.strerror})") from None


def _cannot_write(path: str, exc: OSError) -> BatchlintError:
    return BatchlintError(f"{printable(path)}: cannot write: {exc.strerror or exc}")


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _default_mode() -> int:
    """What ``open(path, "w")`` would give a new file: 0o666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


