"""Reporters: one table, one interface.

Every reporter is a module with ``write(result: ReportInput, out: IO[str]) -> None``.
:data:`REPORTERS` names them; the command line's ``--format`` choices are its keys,
and ``scan`` looks the chosen one up here — adding a format is one module and one
entry. This module imports nothing heavy: the CLI reads the table at start-up, and
a reporter's module is imported only when it is used.

None of them ever sees an environment variable's value: rules never put one into a
message.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    from batchlint.engine import Report


@dataclass(frozen=True)
class Reporter:
    name: str  # the --format value
    module: str  # batchlint.reporters.<module> holds write(result, out)
    summary: str  # for --help


REPORTERS: dict[str, Reporter] = {r.name: r for r in (
    Reporter("text", "text", "findings grouped by resource, for people (default)"),
    Reporter("concise", "concise", "one line per finding, PATH:LINE:COL: BLnnn [severity] "
                                   "message"),
    Reporter("json", "json_report", "the stable, versioned JSON document"),
    Reporter("sarif", "sarif", "SARIF 2.1.0 for GitHub code scanning"),
    Reporter("github", "github", "GitHub Actions annotations"),
    Reporter("html", "html", "one self-contained HTML page to open or attach to a ticket"),
)}


@dataclass(frozen=True)
class ReportInput:
    """Everything a reporter may need, in one value."""

    report: Report  # finished findings: each holds its resource's reference and location
    notes: tuple[str, ...] = ()  # files skipped, regions or accounts not read
    resources_checked: int = 0
    # each rule's severity as configured for this run (SARIF's rule levels)
    severities: Mapping[str, str] = field(default_factory=dict)
    sarif_category: str = "batchlint"
    verbose: bool = False  # text: every not-verified check, not only their groups
    width: int | None = None  # text: wrap to this many columns; None: the terminal's
    baseline_hidden: int | None = None  # findings the --baseline file hid (None: no baseline)
    sources: tuple[str, ...] = ()  # what was read: files, or accounts and regions
    output_format: str = "text"  # the --format asked for (--statistics writes several)


Writer = Callable[[ReportInput, IO[str]], None]


def writer(name: str) -> Writer:
    """The ``write`` function of the reporter named ``name`` (a --format value)."""
    module = importlib.import_module(f"batchlint.reporters.{REPORTERS[name].module}")
    return cast(Writer, module.write)
