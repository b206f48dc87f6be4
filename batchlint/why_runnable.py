"""Why a RUNNABLE job is not placed: every reason found, most likely first.

The checks follow AWS's own troubleshooting — the "Jobs stuck in a RUNNABLE status"
guide (https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html)
and the AWSSupport-TroubleshootAWSBatchJob runbook
(https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-troubleshoot-aws-batch-job.html):
the queue's state; its compute environments' state and status; the job's vCPUs,
memory and GPUs against their ``maxvCpus`` and instance types (BL302's capacity model,
batchlint/facts/capacity.py); the EC2 vCPU quotas (BL401's, batchlint/facts/quotas.py); the
findings of the rules that keep instances from starting or joining the cluster (roles,
network path, instance-type offerings, GPU images); and Batch's own ``statusReason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from batchlint import model as m
from batchlint.facts import fargate, quotas
from batchlint.facts.capacity import Capacity, ec2_capacity
from batchlint.facts.compute import EC2_TYPES, FARGATE_TYPES, compute_type, is_enabled, is_usable
from batchlint.facts.instance_catalog import KERNEL_PERCENT
from batchlint.facts.jobdefs import on_fargate
from batchlint.facts.launch_templates import why as lookup_why
from batchlint.facts.network import NONE, network_path
from batchlint.facts.tasks import Task, job_tasks
from batchlint.model import Model, Resource
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
    checked = needs is not None and _capacity(model, needs, usable or out.environments,
                                              causes, notes)
    _network(model, usable, diag, causes, notes)
    _findings(out, needs, diag, checked, causes, notes)
    if needs is not None:  # a quota below maxvCpus still lets some instances start
        _quota(model, needs, usable, causes, notes)
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


def _capacity(model: Model, needs: Resource, pool: list[Resource], causes: list[Cause],
              notes: list[str]) -> bool:
    """The job's tasks against the queue's environments; False when not compared."""
    if not pool or needs.data.get("eksProperties"):
        return False  # EKS pods: BL302's own finding on the job definition speaks for them
    account, region = pool[0].account, pool[0].region
    if on_fargate(needs):
        envs = [ce for ce in pool if compute_type(ce) in FARGATE_TYPES]
        biggest, unknown = fargate.max_vcpus(envs)
        for task in job_tasks(needs):
            if task.gpus or (task.vcpus and task.memory
                             and not fargate.is_valid(task.vcpus, task.memory)):
                causes.append(Cause(f"it asks Fargate for {task.describe()}, a size Fargate "
                                    "does not offer", "Use a vCPU/memory pair Fargate offers "
                                    "(ResourceRequirement); Fargate has no GPUs.", "certain",
                                    "capacity", "BL302", resource=needs.label))
            elif biggest and task.vcpus > biggest[0]:
                causes.append(_max_vcpus(task, biggest[0], biggest[1]))
            elif not envs or unknown:
                notes.append("Fargate capacity not compared: " + ("; ".join(unknown) or
                             "the queue has no Fargate compute environment"))
        return True
    envs = [ce for ce in pool if compute_type(ce) not in FARGATE_TYPES]
    cap = ec2_capacity(model, account, region, envs, KERNEL_PERCENT)
    for task in job_tasks(needs):
        if task.empty or cap.fits(task.vcpus, task.memory, task.gpus):
            continue
        if cap.unknown or not cap.environments:
            notes.append(f"whether the queue's compute can place {task.describe()} is not known: "
                         + ("; ".join(cap.unknown[:3]) or "no EC2 compute environment"))
        else:
            causes.append(_too_big(task, cap))
    return True


def _max_vcpus(task: Task, limit: int, ce: Resource) -> Cause:
    return Cause(f"it asks for {fargate.vcpu_words(task.vcpus)}, more than the maxvCpus of "
                 f"every compute environment of its queue (the largest is {limit}, on "
                 f"`{ce.name}`)", f"Raise maxvCpus to at least {fargate.number(task.vcpus)} "
                 "or ask for fewer vCPUs.", "certain", "max-vcpus", "BL302",
                 resource=ce.label)


def _too_big(task: Task, cap: Capacity) -> Cause:
    """Which limit the task exceeds, with the instance that comes closest (BL302's model)."""
    if cap.max_vcpus and task.vcpus > cap.max_vcpus[0]:
        return _max_vcpus(task, *cap.max_vcpus)
    most = cap.most_gpus
    if task.gpus and (most is None or most.gpus < task.gpus):
        has = f"the most is {most.gpus}, on {most.itype.name}" if most and most.gpus else \
            "none has a GPU"
        title = f"it asks for {task.gpus} GPU(s), and {has} among the instance types its " \
                "queue's compute environments may launch"
        fix = "Add a GPU family (g5, g6, p4d, …) with enough GPUs, or ask for fewer."
    elif cap.most_vcpus and task.vcpus > cap.most_vcpus.itype.vcpus:
        widest = cap.most_vcpus.itype
        title = (f"it asks for {fargate.vcpu_words(task.vcpus)}, more than any instance type "
                 f"its queue's compute environments may launch (the largest, {widest.name}, "
                 f"has {widest.vcpus})")
        fix = "Add larger instance types, or ask for fewer vCPUs."
    elif cap.most_memory and task.memory > cap.most_memory.memory:
        top = cap.most_memory
        title = (f"it asks for {task.memory:,} MiB, more than any instance type its queue's "
                 f"compute environments may launch registers (the largest, {top.itype.name}, "
                 f"has {top.itype.memory_mib:,} MiB, of which the ECS agent registers about "
                 f"{top.memory:,})")
        best = cap.best_memory(task.vcpus, task.gpus)
        fix = (f"Ask for at most {best:,} MiB, or add" if best else "Add") + \
            " instance types with more memory."
    else:
        title = (f"no single instance type of its queue's compute environments offers all of "
                 f"{task.describe()}")
        fix = "Add larger instance types, or ask for less."
    return Cause(title, f"Batch never places a job no instance can hold. {fix}", "certain",
                 "capacity", "BL302")


def _quota(model: Model, needs: Resource, usable: list[Resource], causes: list[Cause],
           notes: list[str]) -> None:
    """The EC2 vCPU quotas the queue's usable environments count against (BL401's model;
    with a live `why` only this queue's environments are read, so a sum is a lower bound)."""
    need = max((t.vcpus for t in job_tasks(needs)), default=0.0)
    use = quotas.quota_use(model)
    for groups in use.groups.values():
        for group in groups:
            mine = [u.ce for u in group.usages if any(u.ce is ce for ce in usable)]
            if not mine:
                continue
            found = model.lookup(m.SERVICE_QUOTA, group.code, m.SERVICE_QUOTAS, group.account,
                                 group.region)
            value = found.data.get("Value") if isinstance(found, Resource) else None
            if not isinstance(value, int | float) or isinstance(value, bool):
                why = "it has no Value" if isinstance(found, Resource) else lookup_why(found)
                notes.append(f"{quotas.describe(group.code)} not compared: {why}")
                continue
            where = ", ".join(f"`{ce.name}`" for ce in mine)
            quota = f"{quotas.describe(group.code)} is {fargate.number(value)}"
            if value < need:
                causes.append(Cause(f"{quota}, less than the {fargate.number(need)} vCPUs the "
                                    "job asks for", f"EC2 never launches an instance for it in "
                                    f"{where}; request a quota increase.", "certain", "quota",
                                    "BL401", resource=mine[0].label))
            elif value < group.total:
                causes.append(Cause(f"{quota}, below the {group.total} vCPUs {where} can use",
                                    "Instances beyond the quota are refused and jobs wait; "
                                    "request a quota increase or lower maxvCpus.", "likely",
                                    "quota", "BL401", resource=mine[0].label))


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
