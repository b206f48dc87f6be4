"""Reporters turn a run's report into text for people or JSON for machines.

Each reporter takes the report, the documents (to turn paths inside resources
into lines and columns) and writes to a stream. None of them ever sees an
environment variable's value: rules never put one into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint.engine import Report
from batchlint.loaders.builder import Document
from batchlint.locations import Location, locate
from batchlint.rule import SEVERITIES, Finding, NotVerified


@dataclass(frozen=True)
class Located:
    finding: Finding
    location: Location | None


@dataclass(frozen=True)
class LocatedGap:
    gap: NotVerified
    location: Location | None


def locate_all(report: Report, documents: Mapping[str, Document]) -> tuple[
        list[Located], list[LocatedGap], list[Located]]:
    findings = [Located(f, locate(f.resource, f.path, documents)) for f in report.findings]
    gaps = [LocatedGap(n, locate(n.resource, (), documents)) for n in report.not_verified]
    suppressed = [Located(f, locate(f.resource, f.path, documents)) for f in report.suppressed]
    return findings, gaps, suppressed


def summary(report: Report) -> dict[str, int]:
    counts = {severity: 0 for severity in reversed(SEVERITIES)}
    for finding in report.findings:
        counts[finding.severity] += 1
    counts["not_verified"] = len(report.not_verified)
    return counts
