"""Why a RUNNABLE job is not placed: every reason found, most likely first.

The checks follow AWS's own troubleshooting — the "Jobs stuck in a RUNNABLE status"
guide (https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html)
and the AWSSupport-TroubleshootAWSBatchJob runbook
(https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-troubleshoot-aws-batch-job.html):
the queue's state; its compute environments' state and status; the job's vCPUs,
memory and GPUs against their ``maxvCpus`` and instance types (BL302's capacity model,
batchlint/facts/capacity.py; why_fit.py); the EC2 vCPU quotas (BL401's, in why_fit.py); the
findings of the rules that keep instances from starting or joining the cluster (roles,
network path, instance-type offerings, GPU images); and Batch's own ``statusReason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from batchlint import model as m
from batchlint.facts.compute import EC2_TYPES, compute_type, is_enabled, is_usable
from batchlint.facts.network import NONE, network_path
from batchlint.facts.tasks import job_tasks
from batchlint.model import Model, Resource
from batchlint.why_fit import capacity_causes, quota_causes
from batchlint.why_reasons import (
    BATCH_REASONS,
    NETWORK_RULE,
    OFFERINGS_RULE,
    RULE_CAUSES,
    TIME_LIMIT_REASONS,
    batch_reason,
)
from batchlint.why_types import Cause, Diagnosis, Explanation, order, text


def runnable_causes(model: Model, job: Resource, out: Explanation,
                    diag: Diagnosis) -> tuple[list[Cause], list[str]]:
    causes: list[Cause] = []
    notes: list[str] = []
    _queue(out, causes, notes)
    usable = [ce for ce in out.environments if is_usable(ce)]
    _environments(out, usable, causes)
    needs = requests(job, out)
    if needs is None:
        jd = text(job.data.get("jobDefinition")) or "not named"
        notes.append(f"the job's vCPUs, memory and GPUs are not in the data given (its job "
                     f"definition, {jd}, is not either): capacity and quotas not compared")
    checked = needs is not None and capacity_causes(model, needs, usable or out.environments,
                                              causes, notes)
    _network(model, usable, diag, causes, notes)
    _findings(out, needs, diag, checked, causes, notes)
    if needs is not None:  # a quota below maxvCpus still lets some instances start
        quota_causes(model, needs, usable, causes, notes)
    return _with_batch_reason(job, out, order(_merged(causes))), list(dict.fromkeys(notes))


def _merged(causes: list[Cause]) -> list[Cause]:
    """One cause per rule and title: the same finding on several environments is one
    reason, its messages kept."""
    merged: dict[tuple[str | None, str], Cause] = {}
    for cause in causes:
        key = (cause.rule_id, cause.title)
        seen = merged.get(key)
        if seen is None:
            merged[key] = cause
        elif cause.detail not in seen.detail:
            merged[key] = replace(seen, detail=f"{seen.detail}; {cause.detail}",
                                  resource=f"{seen.resource}, {cause.resource}")
    return list(merged.values())


def requests(job: Resource, out: Explanation) -> Resource | None:
    """What the job asks for, shaped as a job definition: the job's own containers (a
    describe-jobs record, overrides applied), else its job definition's."""
    data = job.data
    shaped = {key: data[key] for key in ("ecsProperties", "nodeProperties", "eksProperties",
                                         "platformCapabilities") if key in data}
    if isinstance(data.get("container"), Mapping):
        shaped["containerProperties"] = data["container"]
    if set(shaped) - {"platformCapabilities"}:
        return Resource(m.JOB_DEFINITION, job.name, shaped, account=job.account,
                        region=job.region)
    return out.job_definition


def _queue(out: Explanation, causes: list[Cause], notes: list[str]) -> None:
    queue = out.queue
    if queue is None:
        if out.queue_ref:
            notes.append(f"job queue {out.queue_ref} is not in the data given: its compute "
                         "environments were not checked")
        return
    if not is_enabled(queue):
        causes.append(Cause(f"job queue `{queue.name}` is DISABLED",
                            "A DISABLED queue accepts no new jobs; enable it (jobs already "
                            "in it may still be scheduled).", "possible", "queue-state",
                            resource=queue.label))
    if str(queue.data.get("status", "")).upper() == "INVALID":
        why = text(queue.data.get("statusReason")) or "no statusReason given"
        causes.append(Cause(f"job queue `{queue.name}` is INVALID ({why})",
                            "Fix what the statusReason names and update the queue.",
                            "likely", "queue-state", resource=queue.label))
    if not out.environments and not out.missing_environments:
        causes.append(Cause(f"job queue `{queue.name}` has no compute environment",
                            "Attach an ENABLED, VALID compute environment.", "certain",
                            "ce-state", "BL201", resource=queue.label))
    for ref in out.missing_environments:
        notes.append(f"compute environment {ref} of the queue is not in the data given")


def _environments(out: Explanation, usable: list[Resource], causes: list[Cause]) -> None:
    for ce in out.environments:
        if ce in usable:
            continue
        invalid = str(ce.data.get("status", "")).upper() == "INVALID"
        state = ", ".join(([] if is_enabled(ce) else ["DISABLED"]) + (["INVALID"] if invalid
                                                                        else []))
        reason = text(ce.data.get("statusReason"))
        title = f"compute environment `{ce.name}` is {state}" + (f" ({reason})" if reason
                                                                  and invalid else "")
        fix = ("fix the cause in its statusReason and update it until it is VALID" if invalid
               else "enable it")
        rest = (" The queue's other compute environments can still place jobs." if usable
                else " The queue has no other usable compute environment.")
        causes.append(Cause(title, f"Batch places no job on it: {fix}.{rest}",
                            "possible" if usable else "certain", "ce-state",
                            "BL110" if invalid else "BL201", resource=ce.label))


def _findings(out: Explanation, needs: Resource | None, diag: Diagnosis, capacity_done: bool,
              causes: list[Cause], notes: list[str]) -> None:
    """Map the findings of the rules that explain a RUNNABLE job onto it."""
    resources = [r for r in (out.queue, *out.environments, out.job_definition) if r is not None]
    gpus = needs is not None and any(t.gpus for t in job_tasks(needs))
    unverified: set[str] = set()
    for res in resources:
        for finding in diag.on(res):
            if finding.rule_id == "BL302" and not capacity_done:
                meta: tuple[str, str, str] | None = ("capacity", "certain", "its job definition "
                                                     "asks for more than its region can place")
            else:
                meta = RULE_CAUSES.get(finding.rule_id)
            if meta is None:
                continue
            kind, certainty, title = meta
            if finding.rule_id == "BL115" and not gpus:
                certainty = "possible"  # a CPU job runs on the environment's other types
            causes.append(Cause(title, finding.message, certainty, kind, finding.rule_id,
                                finding.rule_name, res.label))
        for gap in diag.unverified_on(res):
            if gap.rule_id in RULE_CAUSES and gap.rule_id not in unverified:
                unverified.add(gap.rule_id)  # one note per rule: the reasons are alike
                notes.append(f"{gap.rule_id} {gap.rule_name} not verified on {res.label}: "
                             f"{gap.reason}")
    if out.environments and not diag.ran(OFFERINGS_RULE):
        notes.append(f"instance-type offerings not checked: no rule {OFFERINGS_RULE}")


def _network(model: Model, usable: list[Resource], diag: Diagnosis, causes: list[Cause],
             notes: list[str]) -> None:
    """The network module's verdict (batchlint/network.py, shared with BL113) on each usable
    EC2 environment: instances with no path to ECS, ECR and S3 never register."""
    verdicts = [(ce, network_path(model, ce)) for ce in usable if compute_type(ce) in EC2_TYPES]
    fine = any(v.reaches and v.egress is not False for _, v in verdicts)
    for ce, verdict in verdicts:
        if verdict.reaches is False or verdict.egress is False:
            words = [s.why for s in verdict.subnets if s.state == NONE]
            if verdict.egress is False:
                words.append(verdict.egress_why)
            message = next((f.message for f in diag.on(ce) if f.rule_id == NETWORK_RULE),
                           "; ".join(words))
            causes.append(Cause(f"instances of `{ce.name}` have no network path to ECS, ECR "
                                "and S3, so they never register", message,
                                "likely" if fine else "certain", "network", NETWORK_RULE,
                                resource=ce.label))
        elif verdict.reaches is None or verdict.egress is None:
            notes.append(f"network path of compute environment `{ce.name}` not verified: "
                         + "; ".join(verdict.reasons))


def _with_batch_reason(job: Resource, out: Explanation, causes: list[Cause]) -> list[Cause]:
    """Batch's own statusReason: folded into the causes it agrees with, else a cause."""
    code, whole = batch_reason(job)
    if not whole:
        return causes
    meaning, kinds, rule = BATCH_REASONS.get(code, ("", (), None))
    agreed = [replace(c, batch_agrees=True, detail=f"{c.detail} Batch agrees: {code}.")
              if c.kind in kinds else c for c in causes]
    if any(c.batch_agrees for c in agreed):
        return order(agreed)
    limit = ""
    if code in TIME_LIMIT_REASONS and out.queue is not None and not out.queue.data.get(
            "jobStateTimeLimitActions"):
        limit = (" The queue's jobStateTimeLimitActions could cancel jobs blocked for this "
                 "reason (BL204).")
    title = f"Batch says: {meaning}" if meaning else f"Batch's statusReason: {whole}"
    cause = Cause(title, f"statusReason `{whole}`.{limit}", "batch", "batch", rule,
                  resource=job.label)
    return order([*agreed, cause])
