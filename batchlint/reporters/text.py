"""``--format text``: findings grouped by resource, for people.

On a terminal the report is wrapped to its width with a hanging indent: each
resource's heading names its file, each finding starts with its line and column,
severity and rule, and the fix (what follows a message's last ``"; "``) has a line
of its own. Anywhere else — a pipe, a file — every finding stays one unwrapped line
(``PATH:LINE:COL  severity  BLnnn name  message``), so it can be grepped. Within a
resource errors come first. Checks that could not be verified are grouped by rule
and reason, with a count; ``--verbose`` lists each of them.

Colour only on a terminal and never when ``NO_COLOR`` is set. Control characters in
names, paths and messages are escaped (``\\x1b``). rich, which renders the colours,
costs a fifth of a small scan's start-up and is imported only when there is colour
to render.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from itertools import groupby
from typing import IO

from batchlint.locations import Location
from batchlint.refs import ResourceRef
from batchlint.reporters import ReportInput
from batchlint.reporters.common import findings_of, split_fix, summary
from batchlint.reporters.wrap import Line, plain, wrap
from batchlint.rule import SEVERITIES, Finding, NotVerified
from batchlint.terminal import escape

STYLES = {"error": "bold red", "warning": "yellow", "note": "cyan"}
_RANK = {severity: -i for i, severity in enumerate(SEVERITIES)}  # errors first
_NOT_A_FIX = ("with", "only", "all", "which", "so", "but")
_QUOTED = re.compile(r"`[^`]*`")


def write(result: ReportInput, out: IO[str]) -> None:
    width = result.width if result.width is not None else _terminal_width(out)
    lines = render(result, width)
    if _colour(out):
        from rich.console import Console
        from rich.text import Text

        console = Console(file=out, highlight=False, soft_wrap=True, emoji=False)
        for line in lines:
            console.print(Text.assemble(*line))
    else:
        out.write("".join(plain(line) + "\n" for line in lines))


def _terminal_width(out: IO[str]) -> int | None:
    isatty = getattr(out, "isatty", None)
    if not (isatty and isatty()):
        return None
    return max(shutil.get_terminal_size().columns, 40)


def _colour(out: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) or bool(os.environ.get("FORCE_COLOR"))


def render(result: ReportInput, width: int | None = None) -> list[Line]:
    """The report's lines, wrapped to ``width`` columns (None: one line per finding)."""
    findings, gaps, _ = findings_of(result.report)
    lines: list[Line] = []
    for resource, group in groupby(findings, key=lambda item: item.resource):
        items = sorted(group, key=lambda item: _RANK[item.severity])
        path = items[0].location.path if width and items[0].location else None
        lines += wrap(_safe(_header(resource, path)), width, 4)
        where = max(len(_where(item.location, path)) for item in items)
        for item in items:
            lines += _finding(item, path, where, width)
        lines.append([])
    if gaps:
        lines += _gaps(gaps, result.verbose, width)
    if findings:
        lines += wrap(_safe(_hint(findings)), width, 4)
    lines += wrap(_safe(_summary_line(result)), width, 4)
    return lines


def _safe(line: Line) -> Line:
    # names, paths and messages come from the input: no control character reaches a terminal
    return [(escape(text), style) for text, style in line]


def _header(resource: ResourceRef, path: str | None) -> Line:
    line: Line = [(f"{resource.kind} ", "bold"), (resource.name, "bold underline")]
    scope = " · ".join(part for part in (resource.account, resource.region) if part)
    if scope:
        line.append((f"  ({scope})", "dim"))
    if path:
        line.append((f"  {path}", "blue"))
    return line


def _where(location: Location | None, path: str | None) -> str:
    if location is None:
        return ""
    if path is not None and location.path == path:
        return f"{location.line}:{location.column}"
    return f"{location.path}:{location.line}:{location.column}"


def _finding(item: Finding, path: str | None, where_width: int, width: int | None) -> list[Line]:
    f = item
    where = _where(item.location, path)
    head: Line = [("  ", "")]
    if where:
        head.append((f"{where:<{where_width}}  " if width else f"{where}  ", "blue"))
    head += [(f"{f.severity:<8}", STYLES[f.severity]), (f"{f.rule_id} ", "bold"),
             (f"{f.rule_name}  ", "dim")]
    if width is None:  # one greppable line, the message whole
        return [_safe([*head, (f.message, "")])]
    problem, fix = split_fix(f.message)
    lines = wrap(_safe([*head, (problem, "")]), width, 6)
    if fix:
        label = "" if fix.split(" ", 1)[0] in _NOT_A_FIX or fix[:1].isupper() else "fix: "
        lines += wrap(_safe([("      ", ""), (label, "green"), (fix, "")]), width,
                      6 + len(label))
    return lines


def _gaps(gaps: list[NotVerified], verbose: bool, width: int | None) -> list[Line]:
    lines: list[Line] = [[(f"Not verified ({len(gaps)}): the data these checks need was not "
                           "given", "bold magenta")]]
    if verbose:
        for gap in gaps:
            n = gap
            where = _where(gap.location, None)
            lines += wrap(_safe([("  ", ""), (f"{where}  " if where else "", "blue"),
                                 (f"{n.rule_id} ", "bold"), (f"{n.rule_name}  ", "dim"),
                                 (f"{n.resource.label}: {n.reason}", "")]), width, 6)
        return [*lines, []]
    groups: dict[tuple[str, str], list[NotVerified]] = {}
    for gap in gaps:
        general = _first_clause(_QUOTED.sub("`…`", gap.reason))
        groups.setdefault((gap.rule_id, general), []).append(gap)
    for members in groups.values():
        n = members[0]
        if len(members) == 1:
            text = f"{n.resource.label}: {n.reason}"
        else:
            cut = any(_first_clause(m.reason) != m.reason for m in members)
            text = (f"{len(members)} checks on {_names(members)}: "
                    f"{_common([_first_clause(m.reason) for m in members])}"
                    f"{'; …' if cut else ''}")
        lines += wrap(_safe([("  ", ""), (f"{n.rule_id} ", "bold"), (f"{n.rule_name}  ", "dim"),
                             (text, "")]), width, 6)
    lines.append([("  (--verbose lists each check with its resource and location)", "dim")])
    return [*lines, []]


def _common(reasons: list[str]) -> str:
    """Reasons alike but for their quoted names, written once: each name they all give as it
    is, a name that differs as `…`."""
    names = [_QUOTED.findall(reason) for reason in reasons]
    slots = iter([quoted[0] if len(set(quoted)) == 1 else "`…`"  # alike: as many names
                  for quoted in zip(*names, strict=True)])
    return _QUOTED.sub(lambda _: next(slots), reasons[0])


def _first_clause(reason: str) -> str:
    """A reason up to its first ``"; "`` (several unknowns are joined so)."""
    problem, fix = split_fix(reason)
    while fix:
        reason = problem
        problem, fix = split_fix(reason)
    return reason


def _names(members: list[NotVerified]) -> str:
    """``compute-environment `a`, `b` and 2 more``: each kind named once."""
    names: list[str] = []
    kind = ""
    for member in members[:3]:
        res = member.resource
        names.append(f"`{res.name}`" if res.kind == kind else res.label)
        kind = res.kind
    more = f" and {len(members) - 3} more" if len(members) > 3 else ""
    return ", ".join(names) + more


def _hint(findings: list[Finding]) -> Line:
    seen = Counter(item.rule_id for item in findings)
    ids = sorted(seen)
    first = seen.most_common(1)[0][0]
    listed = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
    return [("What a rule checks and how to fix it: ", "dim"),
            (f"batchlint explain {first}", "bold"), (f"  (rules seen: {listed})", "dim")]


def _summary_line(result: ReportInput) -> Line:
    report = result.report
    counts = summary(report)
    parts = [_plural(counts[s], s) for s in ("error", "warning", "note")]
    line: Line = []
    if any(counts[s] for s in ("error", "warning", "note")):
        line.append(("Found " + ", ".join(parts), "bold"))
    else:
        line.append(("No findings", "bold green"))
    line.append((f" in {_plural(result.resources_checked, 'resource')} "
                 f"checked by {_plural(len(report.rules), 'rule')}", ""))
    if counts["not_verified"]:
        line.append((f"; {_plural(counts['not_verified'], 'check')} not verified", "magenta"))
    if report.suppressed:
        line.append((f"; {len(report.suppressed)} suppressed", ""))
    if result.baseline_hidden:
        line.append((f"; {result.baseline_hidden} in the baseline", ""))
    line.append((".", ""))
    return line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"

