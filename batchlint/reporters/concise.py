"""``--format concise``: one line per finding, ruff's concise form.

``PATH:LINE:COL: BLnnn [severity] message``; for a live scan, which has no file,
``ACCOUNT/REGION/KIND/NAME`` stands in for ``PATH:LINE:COL``. Checks that could not
be verified are lines too, ``[not-verified]``, naming the reason. Control characters
are escaped.
"""

from __future__ import annotations

from typing import IO

from batchlint.locations import Location
from batchlint.refs import ResourceRef
from batchlint.reporters import ReportInput
from batchlint.reporters.common import findings_of
from batchlint.terminal import escape


def write(result: ReportInput, out: IO[str]) -> None:
    findings, gaps, _ = findings_of(result.report)
    for item in findings:
        f = item
        out.write(escape(f"{where(item.location, f.resource)}: {f.rule_id} [{f.severity}] "
                         f"{f.message}") + "\n")
    for gap in gaps:
        n = gap
        out.write(escape(f"{where(gap.location, n.resource)}: {n.rule_id} [not-verified] "
                         f"{n.resource.label}: {n.reason}") + "\n")


def where(location: Location | None, resource: ResourceRef) -> str:
    """``PATH:LINE:COL``, or ``ACCOUNT/REGION/KIND/NAME`` for a resource read live."""
    if location is not None:
        return f"{location.path}:{location.line}:{location.column}"
    return "/".join((resource.account or "-", resource.region or "-", resource.kind,
                     resource.name))
