"""Whether a RUNNABLE job fits where its queue sends it: its tasks against the capacity of
the queue's compute environments (BL302's model, batchlint/facts/capacity.py; Fargate's
sizes and maxvCpus) and the EC2 vCPU quotas those environments count against (BL401's,
batchlint/facts/quotas.py). Each misfit is a cause; what cannot be compared is a note.
"""

from __future__ import annotations

from batchlint import model as m
from batchlint.facts import fargate, quotas
from batchlint.facts.capacity import Capacity, ec2_capacity
from batchlint.facts.compute import FARGATE_TYPES, compute_type
from batchlint.facts.instance_catalog import KERNEL_PERCENT
from batchlint.facts.jobdefs import on_fargate
from batchlint.facts.launch_templates import why as lookup_why
from batchlint.facts.tasks import Task, job_tasks
from batchlint.model import Model, Resource
from batchlint.why_types import Cause


def capacity_causes(model: Model, needs: Resource, pool: list[Resource], causes: list[Cause],
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


def quota_causes(model: Model, needs: Resource, usable: list[Resource], causes: list[Cause],
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
