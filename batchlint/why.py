"""``batchlint why JOB_ID``: one job explained from the model the rules read.

A RUNNABLE job gets every reason found why it cannot be placed (why_runnable.py), a
FAILED job each attempt's reason explained (why_failed.py), any other job a short
description. Each reason names the rule that would have caught it before deploy: the
relevant rules run over the same model (:func:`diagnose`) and their findings on the
job's queue, compute environments and job definition are mapped to the job.

BL402 gives, for a stuck queue, :func:`most_likely_cause` of its oldest RUNNABLE job:
the same function ``why`` orders its causes with, so both say the same thing.

Job states: https://docs.aws.amazon.com/batch/latest/userguide/job_states.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from batchlint import model as m
from batchlint.engine import RuleRun, run, run_on
from batchlint.errors import BatchlintError
from batchlint.facts.compute import queue_compute_environments
from batchlint.model import LINTED_KINDS, Model, Resource, arn_resource_name, parse_arn
from batchlint.rule import Finding, NotVerified, Rule
from batchlint.unknowns import isolated
from batchlint.why_failed import failures
from batchlint.why_runnable import runnable_causes
from batchlint.why_types import Cause, Diagnosis, Explanation, duration, resource_key, text

# A job id is a UUID; an array job's child adds ":index", a multi-node job's node "#node"
# (SubmitJob, DescribeJobs: https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobs.html).
_HEX = "[0-9a-fA-F]"
_JOB_ID = rf"{_HEX}{{8}}-(?:{_HEX}{{4}}-){{3}}{_HEX}{{12}}(?::\d{{1,5}})?(?:#\d{{1,5}})?"
JOB_ID = re.compile(rf"^{_JOB_ID}$")
JOB_ARN = re.compile(rf"^arn:aws[a-z-]*:batch:([a-z0-9-]+):(\d{{12}}):job/({_JOB_ID})$")

# The rules whose findings can explain a RUNNABLE or FAILED job (why_runnable.py and
# why_failed.py say which explains what); BL402 itself is not among them.
RELEVANT_RULES = frozenset({
    "BL101", "BL102", "BL103", "BL104", "BL106", "BL107", "BL110", "BL111", "BL112", "BL113",
    "BL114", "BL115", "BL201", "BL202", "BL301", "BL302", "BL305", "BL310", "BL311", "BL401"})

@lru_cache(maxsize=1)
def _builtin_rules() -> tuple[Rule, ...]:
    from batchlint.registry import load_rules

    return tuple(load_rules(entry_points=False))


def rule_name(rule_id: str | None) -> str | None:
    """The name of a built-in rule; None for a rule this batchlint does not have."""
    return next((rule.name for rule in _builtin_rules() if rule.id == rule_id), None)


def diagnose(model: Model) -> Diagnosis:
    """The relevant built-in rules (default options) over the model: over each resource the
    first time the diagnosis is asked about it (a template's worlds: all at once)."""
    rules = [rule for rule in _builtin_rules() if rule.id in RELEVANT_RULES]
    runs = [RuleRun(rule, rule.severity, {}) for rule in rules]
    names = {rule.id: rule.name for rule in rules}
    if model.world:
        with isolated():  # its rules weigh the unknowns they read in their own results
            report = run(model, runs, located=False)  # diagnoses name resources, not lines
        diagnosis = Diagnosis({}, {}, names)
        diagnosis.add(report.findings, report.not_verified)
        return diagnosis
    memo: dict[Any, Any] = {}
    linted: dict[tuple[str, str | None, str | None, str], Resource] = {}

    def check(res: Resource) -> tuple[list[Finding], list[NotVerified]]:
        if not linted:  # rules run on one revision of a job definition: the latest
            linted.update((resource_key(r), r) for kind in LINTED_KINDS
                          for r in model.linted(kind))
        target = linted.get(resource_key(res))
        if target is None:
            return [], []
        with isolated():
            report = run_on(model, runs, target, memo)
        return report.findings, report.not_verified

    return Diagnosis({}, {}, names, check)


# -- finding the job ------------------------------------------------------------------


def parse_job_ref(ref: str) -> tuple[str, str | None, str | None]:
    """(job id, region, account) of a job id or job ARN; a usage error when malformed."""
    ref = ref.strip()
    if JOB_ID.match(ref):
        return ref, None, None
    arn = JOB_ARN.match(ref)
    if arn:
        return arn.group(3), arn.group(1), arn.group(2)
    raise BatchlintError(f"malformed job id {ref!r}: a Batch job id is a UUID such as "
                         "876da822-4198-45f2-a252-6cea32512ea8 (or a job ARN)")


def find_job(model: Model, job_id: str) -> Resource | None:
    """The job with this id; a describe-jobs record wins over a list-jobs summary."""
    found = [job for job in model.of_kind(m.JOB) if job.name == job_id]
    return max(found, key=lambda job: len(job.data), default=None)


def job_queue(model: Model, job: Resource) -> tuple[Resource | None, str]:
    ref = job.data.get("jobQueue")
    if not isinstance(ref, str) or not ref:
        return None, ""
    _, region, account = parse_arn(ref)
    found = model.find(m.JOB_QUEUE, ref, account or job.account, region or job.region)
    if found is None and ref.startswith("arn:"):
        found = model.find(m.JOB_QUEUE, arn_resource_name(ref), account or job.account,
                           region or job.region)
    return found, ref


def job_definition(model: Model, job: Resource) -> Resource | None:
    ref = job.data.get("jobDefinition")
    if not isinstance(ref, str) or not ref:
        return None
    found = model.find(m.JOB_DEFINITION, ref, job.account, job.region)
    if found is not None or not ref.startswith("arn:"):
        return found
    name, _, revision = arn_resource_name(ref).partition(":")
    for jd in model.find_all(m.JOB_DEFINITION, name, job.account, job.region):
        if str(jd.data.get("revision")) == revision:
            return jd
    return None


# -- explaining it ----------------------------------------------------------------------


def explain(model: Model, job: Resource, diagnosis: Diagnosis | None = None) -> Explanation:
    status = str(job.data.get("status") or "UNKNOWN").upper()
    out = Explanation(job, status, job_definition=job_definition(model, job))
    out.queue, out.queue_ref = job_queue(model, job)
    if out.queue is not None:
        out.environments, out.missing_environments = queue_compute_environments(
            model, out.queue)
    created = job.data.get("createdAt")
    if isinstance(created, int) and not isinstance(created, bool):
        out.age_ms = max(0, now_ms(model) - created)
    if status == "RUNNABLE":
        causes, out.not_checked = runnable_causes(
            model, job, out, diagnosis if diagnosis is not None else diagnose(model))
        out.causes = [replace(c, rule_name=c.rule_name or rule_name(c.rule_id)) for c in causes]
    elif status == "FAILED":
        out.failures = failures(job)
    out.summary = summary(out)
    return out


def most_likely_cause(model: Model, job: Resource, diagnosis: Diagnosis) -> Cause | None:
    """The first cause ``batchlint why`` gives for a RUNNABLE job (shared with BL402)."""
    causes = explain(model, job, diagnosis).causes
    return causes[0] if causes else None


def now_ms(model: Model) -> int:
    import datetime

    now = model.collected_at or datetime.datetime.now(datetime.UTC)
    return int(now.timestamp() * 1000)


_STATES = {  # job_states.html, in a few words
    "SUBMITTED": "is SUBMITTED: the scheduler has not evaluated it yet",
    "PENDING": "is PENDING: it waits for the jobs it depends on",
    "STARTING": "is STARTING: it is placed on a host, and its container is being pulled "
                "and started",
    "RUNNING": "is RUNNING",
    "SUCCEEDED": "SUCCEEDED: it exited with code 0",
}


def summary(out: Explanation) -> str:
    job = out.job
    name = text(job.data.get("jobName")) or job.name
    where = f" in job queue `{out.queue.name if out.queue else arn_resource_name(out.queue_ref)}`" \
        if out.queue_ref else ""
    if out.status == "RUNNABLE":
        age = f" for {duration(out.age_ms)}" if out.age_ms is not None else ""
        head = f"job `{name}` has been RUNNABLE{age}{where}"
        if out.causes:
            cause = out.causes[0]
            rule = f" ({cause.rule_id})" if cause.rule_id else ""
            return f"{head}; most likely: {cause.title}{rule}"
        return (f"{head}; batchlint found no reason in the configuration and Batch gives none: "
                "it may wait behind running jobs (maxvCpus reached) or for instances to start")
    if out.status == "FAILED":
        last = out.failures[-1] if out.failures else None
        tries = sum(1 for f in out.failures if f.attempt is not None)
        attempts = f" after {tries} attempt{'s' if tries != 1 else ''}" if tries else ""
        why = f"; last: {last.explanation}" if last else ""
        return f"job `{name}` FAILED{where}{attempts}{why}"
    if out.status == "PENDING":
        deps = [text(d.get("jobId")) for d in job.data.get("dependsOn") or []
                if isinstance(d, Mapping)]
        named = f" ({', '.join(d for d in deps if d)})" if any(deps) else ""
        return f"job `{name}`{where} {_STATES['PENDING']}{named}"
    described = _STATES.get(out.status, f"is {out.status}")
    return f"job `{name}`{where} {described}"
