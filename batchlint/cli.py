"""The ``batchlint`` command line (typer).

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it (or
not-verified checks under ``--strict``); 2 usage errors, unreadable or invalid
input. Errors are one line on stderr; reports go to stdout or ``--output``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer

from batchlint import __version__
from batchlint.errors import BatchlintError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="batchlint",
    help="Linter and account health checker for AWS Batch.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


def fail(message: str) -> typer.Exit:
    print(f"batchlint: error: {message}", file=sys.stderr)
    return typer.Exit(2)


def user_errors(func: F) -> F:
    """Turn a BatchlintError into one line on stderr and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BatchlintError as exc:
            raise fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        print(f"batchlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Linter and account health checker for AWS Batch."""
    # JSON may carry lone surrogates ("\ud800"); print them escaped rather than crash
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


@app.command()
@user_errors
def scan(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files to lint: raw `aws batch|ec2|iam|service-quotas` JSON outputs or a "
             "batchlint snapshot. Several files form one view.")] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f",
                                                  help="Report format.")] = Format.text,
    output: Annotated[str | None, typer.Option("--output", "-o",
                                               help="Write the report here, not stdout.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="Lowest severity that makes the exit code 1 [default: warning].",
        show_default=False)] = None,
    select: Annotated[str | None, typer.Option(
        help="Only these rules: ids, names or id prefixes such as BL1, comma-separated.")] = None,
    ignore: Annotated[str | None, typer.Option(
        help="Skip these rules: ids, names or id prefixes, comma-separated.")] = None,
    config: Annotated[str | None, typer.Option(
        help="Config file [default: .batchlint.toml, else [tool.batchlint] in "
             "pyproject.toml, looked up from the current folder].", show_default=False)] = None,
    rules_dir: Annotated[list[str] | None, typer.Option(
        "--rules-dir", help="A folder of your own rules (repeatable).")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Checks that could not be verified fail the run.")] = False,
    all_revisions: Annotated[bool, typer.Option(
        "--all-revisions", help="Lint every ACTIVE job definition revision, not only the "
                                "latest of each name.")] = False,
) -> None:
    """Lint AWS Batch configuration files."""
    from batchlint.scan import ScanOptions, run_scan

    if not paths:
        raise BatchlintError(
            "give the files to lint (raw AWS CLI JSON outputs or a snapshot); "
            "scanning a live account is not available in this version")
    options = ScanOptions(
        paths=list(paths), output_format=output_format.value, output=output,
        fail_on=fail_on.value if fail_on else None, select=select, ignore=ignore,
        config=config, rules_dirs=list(rules_dir or []), strict=strict,
        all_revisions=all_revisions,
    )
    raise typer.Exit(run_scan(options))


@app.command("rules")
@user_errors
def list_rules(
    output_format: Annotated[Format, typer.Option("--format", "-f",
                                                  help="Table or JSON.")] = Format.text,
    rules_dir: Annotated[list[str] | None, typer.Option(
        "--rules-dir", help="Also list the rules in this folder (repeatable).")] = None,
) -> None:
    """List every rule."""
    from batchlint.catalog import print_rules

    print_rules(output_format.value, list(rules_dir or []))


@app.command()
@user_errors
def explain(
    rule: Annotated[str, typer.Argument(help="A rule id (BL103) or name (small-node-disk).")],
    rules_dir: Annotated[list[str] | None, typer.Option(
        "--rules-dir", help="Also look in this folder (repeatable).")] = None,
) -> None:
    """Show a rule's full documentation."""
    from batchlint.catalog import print_explanation

    print_explanation(rule, list(rules_dir or []))


def main() -> None:
    app(prog_name="batchlint")
