"""``--statistics``: a count per rule instead of the findings (ruff's ``--statistics``).

Text: one line per rule, ``COUNT  BLnnn  name``, most frequent first, then the
checks not verified per rule. With ``--format json``: a list of
``{"rule_id", "rule_name", "count", "not_verified"}``.
"""

from __future__ import annotations

import json
from typing import IO

from batchlint.reporters import ReportInput
from batchlint.terminal import escape

FORMATS = ("text", "concise", "json")  # the formats --statistics can be written in


def write(result: ReportInput, out: IO[str]) -> None:
    rows = counts(result)
    if result.output_format == "json":
        json.dump([{"rule_id": rule_id, "rule_name": name, "count": found,
                    "not_verified": unsure} for rule_id, name, found, unsure in rows],
                  out, indent=2)
        out.write("\n")
        return
    width = max((len(str(max(found, unsure))) for _, _, found, unsure in rows), default=1)
    for rule_id, name, found, _ in rows:
        if found:
            out.write(escape(f"{found:>{width}}  {rule_id}  {name}") + "\n")
    for rule_id, name, _, unsure in rows:
        if unsure:
            out.write(escape(f"{unsure:>{width}}  {rule_id}  {name} (not verified)") + "\n")


def counts(result: ReportInput) -> list[tuple[str, str, int, int]]:
    """(rule id, name, findings, not verified) per rule that has either, most findings
    first, then by id."""
    table: dict[tuple[str, str], list[int]] = {}
    for f in result.report.findings:
        table.setdefault((f.rule_id, f.rule_name), [0, 0])[0] += 1
    for n in result.report.not_verified:
        table.setdefault((n.rule_id, n.rule_name), [0, 0])[1] += 1
    rows = [(rule_id, name, found, unsure) for (rule_id, name), (found, unsure) in table.items()]
    return sorted(rows, key=lambda row: (-row[2], -row[3], row[0]))
