"""Usage errors in one line, like every other error.

click prints a usage block for an unknown option, command or choice; batchlint
prints ``batchlint: error: … (see 'batchlint scan --help')`` and exits 2.
"""

from __future__ import annotations

import sys
from typing import Any

from typer.core import TyperGroup

try:  # newer typers carry their own copy of click
    from typer._click import Context
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover
    from click import ClickException, Context, UsageError  # type: ignore[assignment]
    from click.exceptions import NoArgsIsHelpError  # type: ignore[assignment]


class OneLineErrors(TyperGroup):
    """Usage errors (an unknown option, a bad choice) as one line, like every other
    error: ``batchlint: error: …`` and exit 2, not click's usage block."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Context | None = None, **extra: Any) -> Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise _one_line(exc) from None


class UsageLine(ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        print(f"batchlint: error: {self.message}", file=sys.stderr)


def _one_line(exc: UsageError) -> ClickException:
    if isinstance(exc, NoArgsIsHelpError):
        return exc  # `batchlint` alone prints the help
    from batchlint.selectors import shorten

    message = " ".join(exc.format_message().split())
    if len(message) > 300:  # a long value echoed back by click
        message = shorten(message[:120]) + " …"
    command = exc.ctx.command_path if exc.ctx is not None else "batchlint"
    return UsageLine(f"{escape_line(message)} (see '{command} --help')")


def escape_line(text: str) -> str:
    from batchlint.terminal import escape

    return escape(text)
