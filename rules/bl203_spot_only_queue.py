from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import (
    SPOT_TYPES,
    compute_type,
    is_enabled,
    missing_environments,
    queue_compute_environments,
)
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule


class SpotOnlyQueue(Rule):
    """
    ## What it does
    Reports an `ENABLED` job queue all of whose compute environments are `SPOT`
    or `FARGATE_SPOT`. When some environments are not in the data given and all
    the known ones are Spot, the check is not verified. A queue with no compute
    environment is left to BL201.

    ## Why is this bad?
    Spot capacity can be reclaimed at any time and can be unavailable for hours
    in a region. With no on-demand environment after the Spot ones, jobs that
    must finish wait in `RUNNABLE` until Spot capacity returns, and every reclaim
    fails a running job unless its retry strategy retries `Host EC2*` exits.
    That is fine for cheap, retryable work, hence only a note.

    ## Example
    ```json
    {"jobQueueName": "nightly", "state": "ENABLED", "computeEnvironmentOrder": [
      {"order": 1, "computeEnvironment": "spot-ce"}]}
    ```

    ## Use instead
    Order an on-demand environment (`EC2` or `FARGATE`) after the Spot one:
    ```json
    {"jobQueueName": "nightly", "state": "ENABLED", "computeEnvironmentOrder": [
      {"order": 1, "computeEnvironment": "spot-ce"},
      {"order": 2, "computeEnvironment": "ondemand-ce"}]}
    ```

    ## References
    - [Handling task errors: failover from Spot to On-Demand](https://docs.aws.amazon.com/whitepapers/latest/genomics-data-transfer-analytics-and-machine-learning/appendix-h-handling-secondary-analysis-task-errors-and-workflow-failures.html)
    - [ComputeEnvironmentOrder](https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeEnvironmentOrder.html)
    """

    id = "BL203"
    name = "spot-only-queue"
    summary = "Every compute environment of an enabled job queue is Spot: no on-demand fallback."
    severity = "note"
    kinds = (m.JOB_QUEUE,)
    tags = ("reliability", "availability")
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if not is_enabled(resource):
            return
        found, missing = queue_compute_environments(ctx.model, resource)
        if any(compute_type(ce) not in SPOT_TYPES for ce in found):
            return  # an on-demand (or unmanaged) environment is there
        if missing:
            yield self.not_verified(resource, missing_environments(
                ctx.model, missing, ", and one of them may be on-demand"))
        elif found:
            names = ", ".join(f"`{ce.name}` ({compute_type(ce)})" for ce in found)
            yield self.finding(resource, f"job queue `{resource.name}` runs only on Spot "
                               f"capacity ({names}); order an on-demand EC2 or FARGATE compute "
                               "environment after the Spot ones as a fallback for jobs that "
                               "must finish", "computeEnvironmentOrder")
