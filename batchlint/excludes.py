"""Config-file excludes: mute rules on resources by name or ARN glob, with a reason.

```toml
[[exclude]]
rules = ["BL103", "small-node-disk"]        # ids, names or id prefixes
resources = ["legacy-*", "arn:aws:batch:*:*:compute-environment/old-*"]
reason = "legacy environments, retired in Q3"
```

Excluded findings stay visible as suppressed (JSON, SARIF); an exclude that
matches nothing is reported, so stale ones get cleaned up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any

from batchlint.engine import Report
from batchlint.errors import BatchlintError
from batchlint.rule import Finding

_KEYS = {"rules", "resources", "reason"}


@dataclass(frozen=True)
class Exclude:
    rules: tuple[str, ...]
    resources: tuple[str, ...]
    reason: str

    def matches(self, finding: Finding) -> bool:
        rule = any(sel.lower() == finding.rule_name or finding.rule_id.startswith(sel.upper())
                   for sel in self.rules)
        res = finding.resource
        names = [n for n in (res.name, res.arn) if n]
        return rule and any(fnmatchcase(n, pattern) for n in names for pattern in self.resources)


def parse_excludes(path: str, entries: Any) -> tuple[Exclude, ...]:
    if not isinstance(entries, list):
        raise BatchlintError(f"{path}: [[exclude]] entries must be tables")
    out = []
    for i, entry in enumerate(entries, 1):
        where = f"{path}: exclude #{i}"
        if not isinstance(entry, Mapping):
            raise BatchlintError(f"{where} must be a table")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise BatchlintError(f"{where}: unknown key(s) {', '.join(unknown)}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise BatchlintError(f"{where} needs a reason")
        lists = []
        for key in ("rules", "resources"):
            value = entry.get(key)
            if not isinstance(value, list) or not value or not all(
                    isinstance(v, str) and v for v in value):
                raise BatchlintError(f"{where}: {key} must be a non-empty list of strings")
            lists.append(tuple(value))
        out.append(Exclude(lists[0], lists[1], reason.strip()))
    return tuple(out)


def apply_excludes(report: Report, excludes: tuple[Exclude, ...]) -> tuple[Report, list[str]]:
    """A new report whose excluded findings are suppressed (with the exclude's reason),
    and notes for the excludes that matched none."""
    used = [False] * len(excludes)
    kept = []
    muted = list(report.suppressed)
    for finding in report.findings:
        hit = next((i for i, ex in enumerate(excludes) if ex.matches(finding)), None)
        if hit is None:
            kept.append(finding)
            continue
        used[hit] = True
        muted.append(replace(finding, suppressed_by=excludes[hit].reason))
    return replace(report, findings=kept, suppressed=muted), [
        f"exclude #{i} ({ex.reason}) matched no finding; remove it if it is stale"
        for i, (ex, hit) in enumerate(zip(excludes, used, strict=True), 1) if not hit]
