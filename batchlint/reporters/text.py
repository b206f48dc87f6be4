"""``--format text``: findings grouped by resource, for people.

Colour only on a terminal, never when ``NO_COLOR`` is set (rich honours both).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from itertools import groupby
from typing import IO

from rich.console import Console
from rich.text import Text

from batchlint.engine import Report
from batchlint.loaders.builder import Document
from batchlint.locations import Location
from batchlint.model import Resource
from batchlint.reporters import locate_all, summary

STYLES = {"error": "bold red", "warning": "yellow", "note": "cyan"}


def write(report: Report, documents: Mapping[str, Document], out: IO[str],
          resources_checked: int) -> None:
    console = Console(file=out, highlight=False, soft_wrap=True,
                      no_color=bool(os.environ.get("NO_COLOR")), emoji=False)
    findings, gaps, _ = locate_all(report, documents)
    for resource, items in groupby(findings, key=lambda item: item.finding.resource):
        console.print(_header(resource))
        for item in items:
            f = item.finding
            line = Text("  ")
            line.append(_where(item.location))
            line.append(f"{f.severity:<8}", style=STYLES[f.severity])
            line.append(f"{f.rule_id} ", style="bold")
            line.append(f"{f.rule_name}  ", style="dim")
            line.append(f.message)
            console.print(line)
        console.print()
    if gaps:
        console.print(Text(f"Not verified ({len(gaps)}): the data these checks need was not "
                           "given", style="bold magenta"))
        for gap in gaps:
            n = gap.gap
            line = Text("  ")
            line.append(_where(gap.location))
            line.append(f"{n.rule_id} ", style="bold")
            line.append(f"{n.rule_name}  ", style="dim")
            line.append(f"{n.resource.label}: {n.reason}")
            console.print(line)
        console.print()
    console.print(_summary_line(report, resources_checked))


def _header(resource: Resource) -> Text:
    text = Text(f"{resource.kind} ", style="bold")
    text.append(resource.name, style="bold underline")
    scope = " · ".join(part for part in (resource.account, resource.region) if part)
    if scope:
        text.append(f"  ({scope})", style="dim")
    return text


def _where(location: Location | None) -> Text:
    if location is None:
        return Text("")
    return Text(f"{location.path}:{location.line}:{location.column}  ", style="blue")


def _summary_line(report: Report, resources_checked: int) -> Text:
    counts = summary(report)
    parts = [_plural(counts[s], s) for s in ("error", "warning", "note")]
    text = Text()
    if any(counts[s] for s in ("error", "warning", "note")):
        text.append("Found " + ", ".join(parts), style="bold")
    else:
        text.append("No findings", style="bold green")
    text.append(f" in {_plural(resources_checked, 'resource')} "
                f"checked by {_plural(len(report.rules), 'rule')}")
    if counts["not_verified"]:
        text.append(f"; {_plural(counts['not_verified'], 'check')} not verified",
                    style="magenta")
    if report.suppressed:
        text.append(f"; {len(report.suppressed)} suppressed")
    text.append(".")
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
