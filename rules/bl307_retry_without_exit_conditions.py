from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.retry import CATCH_ALL, exit_gap, lost_attempt, retry_strategy
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import pick, spell


class RetryWithoutExitConditions(Rule):
    """
    ## What it does
    Reports a job definition whose `retryStrategy.attempts` is 2 or more and that
    either has no `evaluateOnExit` (or an empty one), or whose last
    `evaluateOnExit` entry is not a catch-all `EXIT`: `action` `EXIT` (in any
    case) with every pattern it gives (`onStatusReason`, `onReason`, `onExitCode`)
    equal to `*`. Job definitions with fewer than 2 attempts are left to BL301.

    ## Why is this bad?
    Without `evaluateOnExit`, Batch retries every failure: an application bug, a
    bad input or an out-of-memory kill runs again `attempts` times, costing time
    and money before the job fails anyway. With `evaluateOnExit`, a failure that
    matches no entry is also retried, so the list needs a final entry that exits
    on anything the entries before it do not retry.

    ## Example
    ```json
    {"retryStrategy": {"attempts": 3, "evaluateOnExit": [
      {"onStatusReason": "Host EC2*", "action": "RETRY"}]}}
    ```

    ## Use instead
    Retry what is worth retrying, then exit on everything else:
    ```json
    {"retryStrategy": {"attempts": 3, "evaluateOnExit": [
      {"onStatusReason": "Host EC2*", "action": "RETRY"},
      {"onReason": "*", "action": "EXIT"}]}}
    ```

    ## References
    - [Automated job retries](https://docs.aws.amazon.com/batch/latest/userguide/job_retries.html)
    - [EvaluateOnExit](https://docs.aws.amazon.com/batch/latest/APIReference/API_EvaluateOnExit.html)
    """

    id = "BL307"
    name = "retry-without-exit-conditions"
    summary = ("A job definition allows 2+ attempts without evaluateOnExit or a final catch-all "
               "EXIT, so failures that match nothing are retried.")
    severity = "note"
    kinds = (m.JOB_DEFINITION,)
    tags = ("cost", "reliability")
    precision = "high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        attempts = retry_strategy(resource).get("attempts")
        gap = exit_gap(resource) if isinstance(attempts, int) and attempts >= 2 else None
        if gap is None:
            return
        kind, i = gap
        who = f"job definition `{resource.name}` allows {attempts} attempts"
        on_exit, fix = spell(resource, "evaluateOnExit"), pick(resource, CATCH_ALL)
        at = f"retryStrategy.evaluateOnExit[{i}]"
        yield self.finding(resource, {
            "none": f"{who} but has no {on_exit}, so every failure is retried, application "
                    "errors included; add entries that RETRY infrastructure failures "
                    f"({spell(resource, 'onStatusReason')} {lost_attempt(resource)[1]}) and end "
                    f"with {fix}",
            "misplaced": f"{who}, but its catch-all EXIT is {on_exit}[{i}], not the last "
                         "entry, so the entries after it never apply; move the catch-all EXIT "
                         "to the end",
            "missing": f"{who} and its {on_exit} does not end with a catch-all EXIT, so every "
                       f"failure that matches no entry is retried; append {fix}",
        }[kind], "retryStrategy" if i is None else at)
