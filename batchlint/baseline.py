"""Baselines: ``--write-baseline FILE`` records today's findings, ``--baseline FILE``
reports only new ones. Findings are keyed by rule and resource identity, so
reformatting or reordering a file changes nothing."""

from __future__ import annotations

import json
from dataclasses import replace

from batchlint.engine import Report
from batchlint.errors import BatchlintError, InputError
from batchlint.fileio import read_text, write_text
from batchlint.fingerprint import fingerprint, identity
from batchlint.rule import Finding

FORMAT_KEY = "batchlint_baseline"


def write_baseline(path: str, findings: list[Finding]) -> None:
    entries = sorted({fingerprint(f): {"fingerprint": fingerprint(f), "rule_id": f.rule_id,
                                       "resource": identity(f).split("|", 1)[1]}
                      for f in findings}.values(), key=lambda e: (e["rule_id"], e["resource"]))
    write_text(path, json.dumps({FORMAT_KEY: 1, "findings": entries}, indent=2,
                                sort_keys=True) + "\n")


def read_baseline(path: str) -> set[str]:
    try:
        data = json.loads(read_text(path))
    except InputError as exc:
        if str(exc).endswith(": no such file"):
            raise BatchlintError(f"{path}: no such baseline file") from None
        raise
    except (ValueError, RecursionError) as exc:
        raise BatchlintError(f"{path}: not a batchlint baseline: {exc}") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != 1 or not isinstance(
            data.get("findings"), list):
        raise BatchlintError(f"{path}: not a batchlint baseline (no \"{FORMAT_KEY}\": 1)")
    return {e["fingerprint"] for e in data["findings"]
            if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)}


def new_findings(findings: list[Finding], known: set[str]) -> list[Finding]:
    return [f for f in findings if fingerprint(f) not in known]


def apply_baseline(report: Report, known: set[str]) -> tuple[Report, int]:
    """A new report without the findings the baseline knows, and how many it hid."""
    kept = new_findings(report.findings, known)
    return replace(report, findings=kept), len(report.findings) - len(kept)
