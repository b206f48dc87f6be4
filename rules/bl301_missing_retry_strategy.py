from __future__ import annotations

from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts.compute import spot_environments
from batchlint.facts.retry import lost_attempt
from batchlint.model import Model, Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import pick, quoted, spell


class MissingRetryStrategy(Rule):
    """
    ## What it does
    Reports a job definition with no `retryStrategy`, or whose `attempts` is
    below 2 (unset means 1). The message says when enabled `SPOT` or
    `FARGATE_SPOT` compute environments exist in the same account and region.

    ## Why is this bad?
    By default a job gets one attempt: a reclaimed Spot instance, a failed host
    or an internal service error fails it for good, and the workflow around it
    fails too. A reclaimed host shows `statusReason` `Host EC2 (instance i-…)
    terminated.`, which a retry strategy can match.

    ## Example
    ```json
    {"jobDefinitionName": "align", "type": "container",
     "containerProperties": {"image": "bwa:0.7.17"}}
    ```

    ## Use instead
    Retry infrastructure failures and exit on everything else; the catch-all
    `EXIT` goes last, because a failure that matches no entry is retried:
    ```json
    {"retryStrategy": {"attempts": 3, "evaluateOnExit": [
      {"onStatusReason": "Host EC2*", "action": "RETRY"},
      {"onReason": "*", "action": "EXIT"}]}}
    ```
    On Fargate no EC2 host is involved, and `Host EC2*` matches nothing: a job
    definition for Fargate is shown the retry guide's `Task failed to start` and
    the status reason Fargate Spot interruptions are reported with, `Your Spot
    Task was interrupted.`:
    ```json
    {"retryStrategy": {"attempts": 3, "evaluateOnExit": [
      {"onStatusReason": "Task failed to start", "action": "RETRY"},
      {"onStatusReason": "Your Spot Task was interrupted*", "action": "RETRY"},
      {"onReason": "*", "action": "EXIT"}]}}
    ```

    ## References
    - [Automated job retries](https://docs.aws.amazon.com/batch/latest/userguide/job_retries.html)
    - [RetryStrategy](https://docs.aws.amazon.com/batch/latest/APIReference/API_RetryStrategy.html)
    """

    id = "BL301"
    name = "missing-retry-strategy"
    summary = "A job definition has no retryStrategy or fewer than 2 attempts."
    severity = "warning"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability",)
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        strategy = resource.data.get("retryStrategy")
        attempts = strategy.get("attempts") if isinstance(strategy, Mapping) else None
        if isinstance(attempts, int) and attempts >= 2:
            return
        if not isinstance(strategy, Mapping):
            problem, path = f"has no {spell(resource, 'retryStrategy')}", ""
        elif attempts is None:
            problem, path = (f"has a {spell(resource, 'retryStrategy')} without attempts "
                             "(1 attempt)", "retryStrategy")
        else:
            problem, path = (f"sets {spell(resource, 'retryStrategy.attempts')} to {attempts}",
                             "retryStrategy.attempts")
        context = ctx.memo(("BL301", resource.account, resource.region),
                           lambda: _spot(ctx.model, resource.account, resource.region))
        what, _, fix = lost_attempt(resource)
        yield self.finding(resource, f"job definition `{resource.name}` {problem}, so one "
                           f"{what} fails the job for good{context}; add {pick(resource, fix)}",
                           path)


def _spot(model: Model, account: str | None, region: str | None) -> str:
    """``, and Spot compute environments run in us-east-1 (`a`, `b`, `c` and 2 more)``, or
    nothing when none does (once per region: many job definitions say it)."""
    spot = spot_environments(model, account, region)
    where = f" in {region}" if region else ""
    return f", and Spot compute environments run{where} ({quoted(spot, 3)})" if spot else ""
