"""The shapes a job's explanation is made of, shared by ``why`` and the modules that find
its causes (why_runnable.py, why_failed.py, why_reasons.py): they import these, and why.py
imports them, so the imports flow one way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from batchlint.model import Json, Resource
from batchlint.refs import ResourceRef
from batchlint.rule import Finding, NotVerified

# certainty of a cause, most likely first: "certain" (the job can never be placed as
# configured), "batch" (Batch's own statusReason, unexplained), "likely" (a finding that
# stops instances from starting or joining), "possible" (a partial or indirect reason)
CERTAINTY = ("certain", "batch", "likely", "possible")


@dataclass(frozen=True)
class Cause:
    """One reason a job is not placed: what, why and what to do, and the rule that would
    have caught it before deploy."""

    title: str  # one line
    detail: str  # the finding's message, or why's own explanation
    certainty: str
    kind: str  # what it is about: capacity, max-vcpus, ce-state, network, quota, …
    rule_id: str | None = None
    rule_name: str | None = None
    resource: str | None = None  # a label: "compute-environment `spot-ce`"
    batch_agrees: bool = False  # Batch's statusReason points the same way


@dataclass(frozen=True)
class Failure:
    """One attempt of a failed job (or the job itself when it has no attempts)."""

    attempt: int | None
    status_reason: str
    reason: str
    exit_code: int | None
    explanation: str
    rule_ids: tuple[str, ...] = ()


@dataclass
class Explanation:
    job: Resource
    status: str
    summary: str = ""
    queue: Resource | None = None
    queue_ref: str = ""
    environments: list[Resource] = field(default_factory=list)
    missing_environments: list[str] = field(default_factory=list)
    job_definition: Resource | None = None
    causes: list[Cause] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    age_ms: int | None = None


@dataclass
class Diagnosis:
    """The relevant rules' results on one model, by resource: given whole, or worked out
    for each resource the first time it is asked about (``check``: the rules over one
    resource), so BL402 explaining a few stuck jobs does not rerun every rule."""

    findings: dict[tuple[str, str | None, str | None, str], list[Finding]]
    not_verified: dict[tuple[str, str | None, str | None, str], list[NotVerified]]
    rule_names: Mapping[str, str]
    check: Callable[[Resource], tuple[list[Finding], list[NotVerified]]] | None = None
    _checked: set[tuple[str, str | None, str | None, str]] = field(default_factory=set)

    def on(self, res: Resource) -> list[Finding]:
        self._visit(res)
        return self.findings.get(resource_key(res), [])

    def unverified_on(self, res: Resource) -> list[NotVerified]:
        self._visit(res)
        return self.not_verified.get(resource_key(res), [])

    def ran(self, rule_id: str) -> bool:
        return rule_id in self.rule_names

    def _visit(self, res: Resource) -> None:
        key = resource_key(res)
        if self.check is None or key in self._checked:
            return
        self._checked.add(key)
        self.add(*self.check(res))

    def add(self, findings: list[Finding], gaps: list[NotVerified]) -> None:
        for finding in findings:
            self.findings.setdefault(resource_key(finding.resource), []).append(finding)
        for gap in gaps:
            self.not_verified.setdefault(resource_key(gap.resource), []).append(gap)


def _key(res: Resource | ResourceRef) -> tuple[str, str | None, str | None, str]:
    return res.kind, res.account, res.region, res.name


def resource_key(res: Resource | ResourceRef) -> tuple[str, str | None, str | None, str]:
    return res.kind, res.account, res.region, res.name


def order(causes: list[Cause]) -> list[Cause]:
    """Most likely first: by certainty, then those Batch's statusReason agrees with."""
    return sorted(causes, key=lambda c: (CERTAINTY.index(c.certainty), not c.batch_agrees))


def duration(ms: int) -> str:
    minutes = int(ms // 60_000)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h {minutes % 60} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"


def text(value: Json) -> str:
    return value.strip() if isinstance(value, str) else ""
