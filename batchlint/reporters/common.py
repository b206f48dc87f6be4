"""What several reporters share: findings with their locations, counts, the fix."""

from __future__ import annotations

from batchlint.engine import Report
from batchlint.rule import SEVERITIES, Finding, NotVerified


def findings_of(report: Report) -> tuple[list[Finding], list[NotVerified], list[Finding]]:
    """The report's findings, not-verified checks and suppressed findings: finished, each
    with the location the engine resolved (reporters never look into the files)."""
    return report.findings, report.not_verified, report.suppressed


def summary(report: Report) -> dict[str, int]:
    counts = {severity: 0 for severity in reversed(SEVERITIES)}
    for finding in report.findings:
        counts[finding.severity] += 1
    counts["not_verified"] = len(report.not_verified)
    return counts


RELATED = ". Related findings: "  # what the engine appends to a finding's message


def split_fix(message: str) -> tuple[str, str]:
    """(the problem, the fix) of a message written as rules write them: ``problem; fix``.

    The fix is what follows the last ``"; "`` outside backticks, brackets and
    parentheses (``{attempts: 3}`` and ``(`a`; `b`)`` hold their own); the related
    findings the engine appends stay with the problem. No fix found: ``(message, "")``.
    """
    body, related, names = message.partition(RELATED)
    depth, quoted, cut = 0, False, -1
    for i, char in enumerate(body):
        if char == "`":
            quoted = not quoted
        elif quoted:
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0 and body[i + 1:i + 2] == " ":
            cut = i
    if cut < 0 or not body[cut + 2:].strip():
        return message, ""
    problem, fix = body[:cut], body[cut + 2:].strip()
    if related:
        problem += RELATED + names
    return problem, fix
