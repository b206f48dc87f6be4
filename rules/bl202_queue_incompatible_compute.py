from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import (
    EC2_TYPES,
    FARGATE_TYPES,
    architecture,
    compute_type,
    instance_types,
    missing_environments,
    queue_compute_environments,
)
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import quoted

MAX_ENVIRONMENTS = 3  # a hard Batch quota per job queue


class QueueIncompatibleCompute(Rule):
    """
    ## What it does
    Reports a job queue that orders more than 3 compute environments, mixes EC2
    or SPOT environments with FARGATE or FARGATE_SPOT ones, or mixes x86 and Arm
    (Graviton) instance types across its environments; one finding per problem,
    naming the environments. Environments not in the data given make a check not
    verified only when they could change its answer. Architectures come from
    instance-type data when given, else from the type names (`m7g` is Arm).

    ## Why is this bad?
    Batch allows at most 3 compute environments per queue, and requires all of
    them to be EC2-based or all Fargate, and to share one architecture. Templates
    that break this fail to deploy; a queue that drifts into it never schedules
    the jobs meant for the odd environment.

    ## Example
    ```json
    {"jobQueueName": "mixed", "computeEnvironmentOrder": [
      {"order": 1, "computeEnvironment": "spot-x86"},
      {"order": 2, "computeEnvironment": "fargate"}]}
    ```

    ## Use instead
    One queue per platform and architecture, each with at most 3 environments:
    ```json
    {"jobQueueName": "ec2-x86", "computeEnvironmentOrder": [
      {"order": 1, "computeEnvironment": "spot-x86"},
      {"order": 2, "computeEnvironment": "ondemand-x86"}]}
    ```

    ## References
    - [ComputeEnvironmentOrder](https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeEnvironmentOrder.html)
    - [AWS Batch service quotas](https://docs.aws.amazon.com/batch/latest/userguide/service_limits.html)
    """

    id = "BL202"
    name = "queue-incompatible-compute"
    summary = ("A job queue mixes EC2 and Fargate compute environments or x86 and Arm "
               "instance types, or orders more than 3 compute environments.")
    severity = "error"
    kinds = (m.JOB_QUEUE,)
    tags = ("reliability",)
    precision = "high"  # architectures may be guessed from instance type names

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        found, missing = queue_compute_environments(ctx.model, resource)
        queue, where = f"job queue `{resource.name}`", "computeEnvironmentOrder"
        if len(found) + len(missing) > MAX_ENVIRONMENTS:
            names = quoted([ce.name for ce in found] + missing)
            yield self.finding(resource, f"{queue} orders {len(found) + len(missing)} compute "
                               f"environments ({names}); Batch allows at most "
                               f"{MAX_ENVIRONMENTS}: split it into several queues", where)
        undecided = []
        ec2 = [ce.name for ce in found if compute_type(ce) in EC2_TYPES]
        fargate = [ce.name for ce in found if compute_type(ce) in FARGATE_TYPES]
        if ec2 and fargate:
            yield self.finding(resource, f"{queue} mixes EC2/SPOT compute environments "
                               f"({quoted(ec2)}) with FARGATE/FARGATE_SPOT ones "
                               f"({quoted(fargate)}); Batch requires one platform per queue: "
                               "use one queue for each", where)
        elif missing and len(ec2) + len(fargate) + len(missing) > 1:
            undecided.append("EC2 and Fargate")
        archs = {ce.name: {architecture(t, ctx.model) for t in instance_types(ce)}
                 for ce in found if compute_type(ce) in EC2_TYPES and instance_types(ce)}
        arm = [name for name, kinds in archs.items() if "arm64" in kinds]
        x86 = [name for name, kinds in archs.items() if "x86_64" in kinds]
        if len(archs) > 1 and arm and x86:
            yield self.finding(resource, f"{queue} mixes x86 compute environments "
                               f"({_typed(found, x86)}) with Arm ones ({_typed(found, arm)}); "
                               "all compute environments of a queue must share one "
                               "architecture: use one queue for each", where)
        elif missing and len(archs) + len(missing) > 1:
            undecided.append("x86 and Arm instance types")
        if undecided:
            yield self.not_verified(resource, missing_environments(
                ctx.model, missing, f", so whether the queue mixes {' or '.join(undecided)} is "
                "unknown"))


def _typed(found: list[Resource], names: list[str]) -> str:
    """`ce-a`: m6i, c6i; `ce-b`: r6i — the named environments with their instance types."""
    return "; ".join(f"`{ce.name}`: {', '.join(instance_types(ce))}"
                     for ce in found if ce.name in names)
