"""The README's option table lists every option of `batchlint scan`, and nothing more."""

from __future__ import annotations

import re

import typer

from batchlint.cli import app

from .conftest import REPO


def _table() -> str:
    readme = (REPO / "README.md").read_text()
    begin = readme.index("<!-- scan-options:begin")
    return readme[begin:readme.index("<!-- scan-options:end -->", begin)]


def test_the_readme_lists_every_scan_option() -> None:
    group = typer.main.get_command(app)
    scan = group.commands["scan"]  # type: ignore[attr-defined]
    parent = group.make_context("batchlint", ["scan"], resilient_parsing=True)
    ctx = scan.make_context("scan", [], parent=parent, resilient_parsing=True)
    options = {opt for param in scan.get_params(ctx) for opt in param.opts + param.secondary_opts
               if opt.startswith("-")}
    listed = set(re.findall(r"`(--?[a-z][a-z-]*)", _table()))
    assert options - listed == set(), "options missing from the README's table"
    assert listed - options == set(), "options in the README's table that scan does not have"


def test_the_readme_names_every_format() -> None:
    from batchlint.reporters import REPORTERS

    line = next(row for row in _table().splitlines() if "`--format" in row)
    assert re.search(r"--format ([a-z\\|]+)`", line).group(1).split("\\|") == list(REPORTERS)
