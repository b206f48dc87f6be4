"""``--format text``: findings grouped by resource, for people.

Colour only on a terminal and never when ``NO_COLOR`` is set. Control characters in
names, paths and messages are escaped (``\\x1b``). Without colour
the lines are written as they are: rich, which renders the colours, costs a
fifth of a small scan's start-up and is imported only when there is colour to
render.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from itertools import groupby
from typing import IO

from batchlint.engine import Report
from batchlint.loaders.builder import Document
from batchlint.locations import Location
from batchlint.model import Resource
from batchlint.reporters import locate_all, summary
from batchlint.terminal import escape

STYLES = {"error": "bold red", "warning": "yellow", "note": "cyan"}

Span = tuple[str, str]  # (text, rich style; "" for none)
Line = list[Span]


def write(report: Report, documents: Mapping[str, Document], out: IO[str],
          resources_checked: int) -> None:
    lines = render(report, documents, resources_checked)
    if _colour(out):
        from rich.console import Console
        from rich.text import Text

        console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
        for line in lines:
            console.print(Text.assemble(*line))
    else:
        out.write("".join("".join(text for text, _ in line) + "\n" for line in lines))


def _colour(out: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) or bool(os.environ.get("FORCE_COLOR"))


def render(report: Report, documents: Mapping[str, Document], resources_checked: int) -> list[Line]:
    findings, gaps, _ = locate_all(report, documents)
    lines: list[Line] = []
    for resource, items in groupby(findings, key=lambda item: item.finding.resource):
        lines.append(_header(resource))
        for item in items:
            f = item.finding
            lines.append([("  ", ""), _where(item.location),
                          (f"{f.severity:<8}", STYLES[f.severity]), (f"{f.rule_id} ", "bold"),
                          (f"{f.rule_name}  ", "dim"), (f.message, "")])
        lines.append([])
    if gaps:
        lines.append([(f"Not verified ({len(gaps)}): the data these checks need was not given",
                       "bold magenta")])
        for gap in gaps:
            n = gap.gap
            lines.append([("  ", ""), _where(gap.location), (f"{n.rule_id} ", "bold"),
                          (f"{n.rule_name}  ", "dim"), (f"{n.resource.label}: {n.reason}", "")])
        lines.append([])
    lines.append(_summary_line(report, resources_checked))
    # names, paths and messages come from the input: no control character reaches a terminal
    return [[(escape(text), style) for text, style in line] for line in lines]


def _header(resource: Resource) -> Line:
    line: Line = [(f"{resource.kind} ", "bold"), (resource.name, "bold underline")]
    scope = " · ".join(part for part in (resource.account, resource.region) if part)
    if scope:
        line.append((f"  ({scope})", "dim"))
    return line


def _where(location: Location | None) -> Span:
    if location is None:
        return ("", "")
    return (f"{location.path}:{location.line}:{location.column}  ", "blue")


def _summary_line(report: Report, resources_checked: int) -> Line:
    counts = summary(report)
    parts = [_plural(counts[s], s) for s in ("error", "warning", "note")]
    line: Line = []
    if any(counts[s] for s in ("error", "warning", "note")):
        line.append(("Found " + ", ".join(parts), "bold"))
    else:
        line.append(("No findings", "bold green"))
    line.append((f" in {_plural(resources_checked, 'resource')} "
                 f"checked by {_plural(len(report.rules), 'rule')}", ""))
    if counts["not_verified"]:
        line.append((f"; {_plural(counts['not_verified'], 'check')} not verified", "magenta"))
    if report.suppressed:
        line.append((f"; {len(report.suppressed)} suppressed", ""))
    line.append((".", ""))
    return line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
