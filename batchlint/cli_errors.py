"""The command line's errors: a :class:`BatchlintError` is one line on stderr and exit 2; an
unexpected error too, naming where it happened but never its message."""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from batchlint.errors import BatchlintError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> typer.Exit:
    from batchlint.terminal import escape

    # file and resource names come from the input: a control character in one must not
    # rewrite the terminal or start a line of its own
    print(f"batchlint: error: {escape(message)}", file=sys.stderr)
    return typer.Exit(2)


def user_errors(func: F) -> F:
    """Turn a BatchlintError into one line on stderr and exit 2; an unexpected error too,
    naming where it happened but not its message (it may hold a value from the input, a
    secret even). BATCHLINT_DEBUG=1 shows the traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stdout = sys.stdout
        sys.stdout = _GuardedStdout(stdout)
        try:
            try:
                result = func(*args, **kwargs)
            finally:
                sys.stdout = stdout
            _flush(stdout)
            return result
        except StdoutError as exc:
            raise _stdout_failed(stdout, exc) from None
        except BatchlintError as exc:
            raise fail(str(exc)) from None
        except typer.Exit:
            try:
                _flush(stdout)  # the report written before a non-zero exit status
            except StdoutError as exc:
                raise _stdout_failed(stdout, exc) from None
            raise
        except (typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BATCHLINT_DEBUG"):
                raise
            raise fail(internal_error(exc)) from None

    return wrapper  # type: ignore[return-value]


class StdoutError(OSError):
    """Standard output could not be written: a full disk, a closed pipe, a closed stdout."""


class _GuardedStdout:
    """``sys.stdout`` while a command runs: its write errors become :class:`StdoutError`, so
    they are told apart from any other OSError (which would be a bug)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:  # started with stdout closed (`>&-`)
            raise StdoutError(errno.EBADF, "standard output is closed")
        try:
            return int(self._stream.write(text))
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from None

    def flush(self) -> None:
        _flush(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _flush(stream: Any) -> None:
    try:
        if stream is not None:
            stream.flush()
    except OSError as exc:
        raise StdoutError(exc.errno, exc.strerror) from None


def _stdout_failed(stream: Any, exc: StdoutError) -> typer.Exit:
    """A closed pipe (``batchlint scan | head -1``) ends the run quietly with exit 1, as click
    (and so black) does; any other write error is one line and exit 2. Either way stdout
    becomes /dev/null, so the unwritten rest is not tried again, and reported, at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):  # no file descriptor: a test's stream
        pass
    if exc.errno == errno.EPIPE:
        return typer.Exit(1)
    return fail(f"<stdout>: cannot write: {exc.strerror or exc}")


def internal_error(exc: BaseException) -> str:
    """One line for a bug: the exception's type and innermost batchlint frame."""
    import traceback

    ours = (f"{os.sep}batchlint{os.sep}", f"{os.sep}rules{os.sep}")
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if any(part in f.filename for part in ours)]
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return (f"internal error ({type(exc).__name__}{where}); please report it with the input "
            "that caused it (BATCHLINT_DEBUG=1 shows the traceback)")
