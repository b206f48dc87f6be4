"""The command line's errors: a :class:`BatchlintError` is one line on stderr and exit 2; an
unexpected error too, naming where it happened but never its message."""

from __future__ import annotations

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
        try:
            return func(*args, **kwargs)
        except BatchlintError as exc:
            raise fail(str(exc)) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("BATCHLINT_DEBUG"):
                raise
            raise fail(internal_error(exc)) from None

    return wrapper  # type: ignore[return-value]


def internal_error(exc: BaseException) -> str:
    """One line for a bug: the exception's type and innermost batchlint frame."""
    import traceback

    ours = (f"{os.sep}batchlint{os.sep}", f"{os.sep}rules{os.sep}")
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if any(part in f.filename for part in ours)]
    where = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return (f"internal error ({type(exc).__name__}{where}); please report it with the input "
            "that caused it (BATCHLINT_DEBUG=1 shows the traceback)")
