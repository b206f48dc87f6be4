from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import (
    is_enabled,
    is_usable,
    missing_environments,
    queue_compute_environments,
)
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.unknowns import because, recording


class QueueWithoutUsableCompute(Rule):
    """
    ## What it does
    Reports an `ENABLED` job queue that has no compute environment, or whose
    compute environments are all `DISABLED` or `INVALID`. When some environments
    are not in the data given and none of the known ones is usable, the check is
    not verified. SageMaker Training queues, which use service environments, are
    skipped.

    ## Why is this bad?
    Jobs submitted to the queue are accepted and then sit in `RUNNABLE` forever:
    there is nowhere to place them. Batch now marks such jobs with
    `ACTION_REQUIRED - CE(s) associated with the job queue are invalid.`, but
    nothing fails loudly, and a workflow engine waits without end.

    ## Example
    ```json
    {"jobQueueName": "main", "state": "ENABLED",
     "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "old-al1"}]}
    ```
    where `old-al1` has `"status": "INVALID"`.

    ## Use instead
    Attach at least one `ENABLED`, `VALID` compute environment (fix or replace an
    invalid one; its `statusReason` says why), or disable the queue if it is unused.

    ## References
    - [Job stuck in RUNNABLE: invalid compute environment](https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html)
    - [ComputeEnvironmentOrder](https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeEnvironmentOrder.html)
    """

    id = "BL201"
    name = "queue-without-usable-compute"
    summary = "An enabled job queue has no compute environment that is ENABLED and VALID."
    severity = "error"
    kinds = (m.JOB_QUEUE,)
    tags = ("reliability", "availability")
    precision = "very-high"
    reads_unknowns = True  # a queue with one usable environment needs no other

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        with recording() as hits:
            idle = not is_enabled(resource) or _service_queue(resource)
            found, missing = queue_compute_environments(ctx.model, resource)
        if idle and not hits:
            return
        for ce in found:
            with recording() as read:
                usable = is_usable(ce)
            if usable and not read:  # one environment known to run jobs is enough
                return
            hits += read
        if hits:
            yield self.not_verified(resource, because(hits, resource.label))
            return
        if missing:
            known = ", and none of the known ones is ENABLED and VALID" if found else ""
            yield self.not_verified(resource, missing_environments(ctx.model, missing, known))
            return
        if not found:
            yield self.finding(resource, f"job queue `{resource.name}` is ENABLED but has no "
                               "compute environment, so its jobs stay RUNNABLE; attach an "
                               "ENABLED, VALID compute environment or disable the queue",
                               "computeEnvironmentOrder")
            return
        states = ", ".join(f"`{ce.name}` ({_condition(ce)})" for ce in found)
        yield self.finding(resource, f"job queue `{resource.name}` is ENABLED but none of its "
                           f"compute environments can run jobs: {states}; enable or repair one, "
                           "or attach a usable one, else its jobs stay RUNNABLE",
                           "computeEnvironmentOrder")


def _service_queue(queue: Resource) -> bool:
    """A SageMaker Training queue runs on service environments, not compute environments."""
    return (str(queue.data.get("jobQueueType", "")).upper() == "SAGEMAKER_TRAINING"
            or bool(queue.data.get("serviceEnvironmentOrder")))


def _condition(ce: Resource) -> str:
    """DISABLED and/or INVALID, with Batch's statusReason when there is one."""
    parts = [] if is_enabled(ce) else ["DISABLED"]
    if str(ce.data.get("status", "")).upper() == "INVALID":
        reason = ce.data.get("statusReason")
        parts.append(f"INVALID: {reason}" if isinstance(reason, str) and reason else "INVALID")
    return ", ".join(parts)
