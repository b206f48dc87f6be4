from __future__ import annotations

from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts import fargate
from batchlint.facts.capacity import Capacity, Slot, region_capacity
from batchlint.facts.compute import resources_of
from batchlint.facts.eks_pods import pod_sizes
from batchlint.facts.instance_catalog import KERNEL_PERCENT, catalog, registered_memory
from batchlint.facts.jobdefs import on_fargate as runs_on_fargate
from batchlint.facts.tasks import Task, job_tasks, pinned_type
from batchlint.model import Resource
from batchlint.rule import Context, Option, Result, Rule
from batchlint.syntax import spell


class JobExceedsCapacity(Rule):
    """
    ## What it does
    Reports a job definition that no compute environment in its account and
    region can ever place. A job definition is not bound to a queue, so each of
    its tasks (the container, the summed containers of `ecsProperties`, each node
    range) is compared with every compute environment of its platform in the
    region, enabled or not. EC2 jobs: vCPUs, memory and GPUs must fit together on
    one instance type the environment may launch (explicit types, families such
    as `m5`, `optimal`, `default_x86_64`, `default_arm64`), and vCPUs within its
    `maxvCpus`. Fargate jobs: the vCPU/memory pair must be one Fargate offers
    (whatever the environments), and vCPUs within a Fargate environment's
    `maxvCpus`. A node range that pins an instance type (its container's
    `instanceType`, or the range's `instanceTypes`) must also fit that type, on which
    every node of the job runs. Memory counts as the ECS agent registers it: the instance's
    memory less the kernel's share (`kernel_memory_percent`, 2.5 % in AWS's
    example) and the 32 MiB the Batch AMI reserves. Asking for more than the
    memory less 32 MiB never places; the band just below rests on the estimate
    (docs/memory-model.md). Instance facts come from the
    `describe-instance-types` data given, else from batchlint's bundled table
    (docs/instance-types.md). Not verified when the region has no compute
    environment of the job's platform in the data, or when one that could
    decide is unmanaged or launches types found in neither source.

    EKS jobs: each pod (`eksProperties.podProperties`, or a node range's) is
    compared with the EKS compute environments of the region. A container asks
    for its `resources.requests` (`cpu`, `memory`, `nvidia.com/gpu`), else its
    `limits`, in Kubernetes quantities (`2`, `0.5`, `500m`, `4096Mi`, `4Gi`,
    `1G`); a pod asks for the sum over its `containers` or its largest
    `initContainers` entry, whichever is larger. Memory counts as the instance's
    whole memory: what the kubelet and the cluster's daemons keep is not
    documented for Batch, so a pod just under an instance's size may still never
    place, and is not reported. A quantity that cannot be read (or a `memory`
    without a unit, bytes to Kubernetes but MiB to Batch) is not verified when it
    decides the answer.

    ## Why is this bad?
    Batch never places a job bigger than every instance it may launch, or than
    every `maxvCpus`: the job waits in `RUNNABLE` and blocks its queue
    (`MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT` or
    `MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE`). An 8 GiB instance
    registers only about 7,955 MiB, so a job asking for 8192 MiB never runs on it.

    ## Example
    With one compute environment that launches `m5.large` (2 vCPUs, 8 GiB):
    ```json
    {"jobDefinitionName": "align", "type": "container",
     "containerProperties": {"image": "bwa:0.7.17", "resourceRequirements": [
       {"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "8192"}]}}
    ```

    ## Use instead
    Ask for what the instance registers, leaving a margin (AWS suggests 5 %):
    ```json
    {"type": "MEMORY", "value": "7680"}
    ```
    or let the environment launch larger types (`"instanceTypes": ["m5"]`).

    ## References
    - [Compute resource memory management](https://docs.aws.amazon.com/batch/latest/userguide/memory-management.html)
    - [Jobs stuck in RUNNABLE](https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html)
    - [ResourceRequirement (Fargate vCPU/memory pairs)](https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html)
    - [ComputeResource (instanceTypes, maxvCpus)](https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html)
    - [Memory and vCPU considerations for AWS Batch on Amazon EKS](https://docs.aws.amazon.com/batch/latest/userguide/memory-cpu-batch-eks.html)
    - [EksContainerResourceRequirements](https://docs.aws.amazon.com/batch/latest/APIReference/API_EksContainerResourceRequirements.html)
    - [Kubernetes: resource sharing within init containers](https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers)
    """

    id = "BL302"
    name = "job-exceeds-capacity"
    summary = ("A job definition (EKS pods included) asks for more vCPUs, memory or GPUs than any "
               "compute environment in its region can place, or an unknown Fargate size.")
    severity = "error"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability", "availability")
    precision = "high"  # memory just below an instance's size is judged on an estimate
    options: Mapping[str, Option] = {"kernel_memory_percent": Option(
        KERNEL_PERCENT, "Share (%) of an instance's memory the kernel keeps before the ECS "
        "agent registers it; 0 reports only jobs that need more than the memory less 32 MiB.",
        minimum=0, maximum=100)}

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        kernel = float(ctx.option("kernel_memory_percent"))
        caps = ctx.memo(("BL302", resource.account, resource.region, kernel),
                        lambda: region_capacity(ctx.model, resource.account, resource.region,
                                                kernel))
        on_fargate = runs_on_fargate(resource)
        platform, region = ("Fargate" if on_fargate else "EC2"), resource.region or "its region"
        for task in job_tasks(resource):
            problem = _fargate_problem(task) if on_fargate else None
            cap = caps[platform]
            pinned = None if on_fargate or task.empty else self._pinned(resource, task, ctx)
            if problem:
                yield self.finding(resource, f"job definition `{resource.name}` {problem}",
                                   task.path)
            elif pinned:
                yield self.finding(resource, f"job definition `{resource.name}` {pinned[1]}",
                                   pinned[0])
            elif task.empty or cap.fits(task.vcpus, task.memory, task.gpus):
                continue
            elif cap.unknown or not cap.environments:
                more = len(cap.unknown) - 3
                why = "; ".join(cap.unknown[:3]) + (f"; and {more} more" if more > 0 else "")
                why = why or f"there is no {platform} compute environment in {region} in the data"
                yield self.not_verified(resource, f"whether {platform} compute can place "
                                        f"{task.describe(resource)} is not known: {why}")
            else:
                yield self.finding(resource, f"job definition `{resource.name}` asks for "
                                   f"{task.describe(resource)}, which no {platform} compute "
                                   f"environment in {region} can place: {_why(task, cap)}",
                                   task.path)
        yield from self._check_pods(resource, caps["EKS"], region)

    def _pinned(self, resource: Resource, task: Task, ctx: Context) -> tuple[str, str] | None:
        """(where, problem) when a node range asks for more than the type it pins offers."""
        found = pinned_type(resource, task)
        if found is None:
            return None
        itype = ctx.memo(("BL302", resource.account, resource.region, "types"), lambda: catalog(
            ctx.model, resource.account, resource.region)).get(found[1])
        if itype is None:
            return None
        memory = registered_memory(itype.memory_mib, float(ctx.option("kernel_memory_percent")))
        if task.vcpus <= itype.vcpus and task.memory <= memory and task.gpus <= itype.gpus:
            return None
        return found[0], (f"asks for {task.describe(resource)}, more than its node's "
                          f"{spell(resource, found[0])} `{itype.name}` offers ({itype.vcpus} "
                          f"vCPUs, about {memory:,} MiB registered, {itype.gpus} GPUs), and "
                          "every node runs on that type, so the job never starts; ask for less "
                          "or pin a larger type")

    def _check_pods(self, resource: Resource, cap: Capacity, region: str) -> Iterable[Result]:
        """EKS pods, against the whole memory of the instances (docs/memory-model.md)."""
        for pod in pod_sizes(resource):
            if pod.high is not None and (pod.high.empty or cap.fits(
                    pod.high.vcpus, pod.high.memory, pod.high.gpus)):
                continue
            what = f"its pod ({pod.low.describe(resource)}{' at least' if pod.doubts else ''})"
            if cap.unknown or not cap.environments:
                more = len(cap.unknown) - 3
                why = "; ".join(cap.unknown[:3]) + (f"; and {more} more" if more > 0 else "")
                why = why or f"there is no EKS compute environment in {region} in the data"
                yield self.not_verified(resource, f"whether EKS compute can place {what} is "
                                        f"not known: {why}")
            elif cap.fits(pod.low.vcpus, pod.low.memory, pod.low.gpus):
                yield self.not_verified(resource, f"whether EKS compute can place {what} is not "
                                        f"known: {'; '.join(pod.doubts)}")
            else:
                where = "" if pod.low.path.startswith("nodeProperties") else " in its EKS pod"
                yield self.finding(resource, f"job definition `{resource.name}` asks for "
                                   f"{pod.low.describe(resource)}{where}, which no EKS compute "
                                   f"environment in {region} can place: "
                                   f"{_why(pod.low, cap, eks=True)}", pod.path)


def _fargate_problem(task: Task) -> str | None:
    """What Fargate never offers, whatever the compute environments; None if it may."""
    vcpus, memory = task.vcpus, task.memory
    if task.gpus:
        return ("asks for GPUs on Fargate, which has none; run it on EC2 compute with GPU "
                "instances (platformCapabilities EC2)")
    if task.containers > 1:  # how Batch sizes a multi-container task is not documented
        if vcpus > fargate.MAX_VCPUS or memory > fargate.MAX_MEMORY:
            return (f"asks Fargate for {task.describe()}, more than its largest size "
                    f"({fargate.number(fargate.MAX_VCPUS)} vCPUs, {fargate.MAX_MEMORY:,} MiB)")
        return None
    if vcpus and vcpus not in fargate.PAIRS:
        return (f"asks Fargate for {fargate.vcpu_words(vcpus)}, which it does not offer; use "
                f"{fargate.supported_vcpus()} vCPUs")
    if memory and not fargate.vcpus_for(memory):
        with_vcpus = (f"; with {fargate.vcpu_words(vcpus)} it offers "
                      f"{fargate.describe_memory(vcpus)}") if vcpus else ""
        return f"asks Fargate for {memory:,} MiB, a memory size it does not offer{with_vcpus}"
    if vcpus and memory and not fargate.is_valid(vcpus, memory):
        return (f"asks Fargate for {fargate.vcpu_words(vcpus)} with {memory:,} MiB, a pair "
                f"Fargate does not offer, so the job never starts; with "
                f"{fargate.vcpu_words(vcpus)} it offers {fargate.describe_memory(vcpus)}, and "
                f"{memory:,} MiB comes with {fargate.describe_vcpus(memory)} vCPUs")
    return None


def _why(task: Task, cap: Capacity, eks: bool = False) -> str:
    """Which limit the task exceeds, with the largest instance, and the fix (on EKS, memory
    is the instance's whole memory)."""
    # On EKS the kubelet and the daemon sets keep an undocumented part of every instance.
    bound = "less than" if eks else "at most"
    vcpus, memory, gpus = task.vcpus, task.memory, task.gpus
    most = cap.most_gpus
    if gpus and (most is None or most.gpus < gpus):
        if most is None or not most.gpus:
            return ("none of the instance types they may launch has a GPU; add a GPU family "
                    "(g5, g6, p4d, …) to a compute environment")
        return (f"the instance with the most GPUs they may launch, {most.itype.name} "
                f"(`{most.ce.name}`), has {most.gpus}; ask for at most {most.gpus} GPUs or add "
                "instance types with more GPUs")
    if cap.max_vcpus and vcpus > cap.max_vcpus[0]:
        limit, ce = cap.max_vcpus
        return (f"every one has a smaller maxvCpus (the largest is {limit}, on `{ce.name}`); "
                f"raise maxvCpus to at least {fargate.number(vcpus)} or ask for fewer vCPUs")
    most = cap.most_vcpus
    if most and vcpus > most.itype.vcpus:
        return (f"the instance with the most vCPUs they may launch, {most.itype.name} "
                f"(`{most.ce.name}`), has {most.itype.vcpus}; ask for {bound} "
                f"{most.itype.vcpus} vCPUs or add larger instance types")
    most, best = cap.most_memory, cap.best_memory(vcpus, gpus)
    fix = f"ask for {bound} {best:,} MiB, " if best else ""
    if most and memory > most.memory:
        registers = "" if eks else (f", of which the ECS agent registers only about "
                                    f"{most.memory:,} MiB")
        return (f"the instance with the most memory they may launch, {most.itype.name} "
                f"(`{most.ce.name}`), has {most.itype.memory_mib:,} MiB{registers}; "
                f"{fix and fix + 'or '}add instance types with more memory")
    shown = [_ce_why(task, ce, slots, eks) for ce, slots in list(cap.by_environment.items())[:3]]
    more = len(cap.by_environment) - len(shown)
    return ("no single instance offers all of it within its environment's maxvCpus ("
            + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
            + f"); {fix}add larger instance types or raise maxvCpus")


def _ce_why(task: Task, ce: Resource, slots: tuple[Slot, ...], eks: bool) -> str:
    """Why one environment cannot place the task, briefly."""
    limit = resources_of(ce).get("maxvCpus")
    if isinstance(limit, int) and task.vcpus > limit:
        return f"`{ce.name}` has maxvCpus {limit}"
    gpus = max((s.gpus for s in slots), default=0)
    if task.gpus > gpus:
        return (f"`{ce.name}` has at most {gpus} GPUs per instance" if gpus
                else f"`{ce.name}` launches no GPU instance")
    most = max(slots, key=lambda s: (s.itype.vcpus, s.memory), default=None)
    if most and task.vcpus > most.itype.vcpus:
        return f"`{ce.name}` launches at most {most.itype.vcpus} vCPUs, on {most.itype.name}"
    most = max(slots, key=lambda s: (s.memory, s.vcpus), default=None)
    if most and task.memory > most.memory:
        offers = "has at most" if eks else "registers at most about"
        return f"`{ce.name}` {offers} {most.memory:,} MiB, on {most.itype.name}"
    return f"`{ce.name}` has no instance type with all of it"
