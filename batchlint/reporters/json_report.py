"""``--format json``: the stable, versioned JSON document of SPEC.md."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from batchlint import __version__
from batchlint.engine import Report
from batchlint.loaders.builder import Document
from batchlint.locations import Location
from batchlint.model import Resource
from batchlint.reporters import Located, locate_all, summary

SCHEMA_VERSION = 1


def write(report: Report, documents: Mapping[str, Document], out: IO[str],
          notes: list[str] | None = None) -> None:
    findings, gaps, suppressed = locate_all(report, documents)
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "batchlint", "version": __version__},
        "findings": [_finding(item) for item in findings],
        "not_verified": [
            {
                "rule_id": gap.gap.rule_id,
                "rule_name": gap.gap.rule_name,
                "resource": _resource(gap.gap.resource),
                "reason": gap.gap.reason,
                "location": _location(gap.location),
            }
            for gap in gaps
        ],
        "suppressed": [{**_finding(item), "suppressed_by": item.finding.suppressed_by}
                       for item in suppressed],
        "notes": list(notes or []),  # files skipped, regions or accounts not scanned
        "summary": summary(report),
    }
    json.dump(doc, out, indent=2)
    out.write("\n")


def _finding(item: Located) -> dict[str, Any]:
    f = item.finding
    return {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": f.severity,
        "message": f.message,
        "resource": _resource(f.resource),
        "location": _location(item.location),
    }


def _resource(res: Resource) -> dict[str, Any]:
    return {"kind": res.kind, "name": res.name, "arn": res.arn, "account": res.account,
            "region": res.region}


def _location(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column}
