from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import jobdefs
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule


class InvalidRetryStrategy(Rule):
    """
    ## What it does
    Reports a `retryStrategy` that Batch rejects: `attempts` outside 1 to 10;
    `evaluateOnExit` with more than 5 entries, or given without `attempts`; an
    entry whose `action` is not `RETRY` or `EXIT` (any case); or a pattern
    (`onStatusReason`, `onReason`, `onExitCode`) longer than 512 characters, with
    a `*` anywhere but as its last character, or with other characters than
    letters, digits, `.`, `:` and white space (`onExitCode`: digits only). The
    catch-all `*` alone is valid.

    ## Why is this bad?
    `RegisterJobDefinition` refuses the definition, so a template or pipeline that
    carries it fails to deploy, often far from where the pattern was written. A
    pattern such as `Host EC2 (instance*` looks plausible and is refused for its
    parentheses; `*CannotPull*` is refused for its leading `*`.

    ## Example
    ```json
    {"retryStrategy": {"attempts": 3, "evaluateOnExit": [
      {"onStatusReason": "*Host EC2 (instance*", "action": "RETRY"}]}}
    ```

    ## Use instead
    Patterns match from the start of the text and may end with `*`:
    ```json
    {"retryStrategy": {"attempts": 3, "evaluateOnExit": [
      {"onStatusReason": "Host EC2*", "action": "RETRY"},
      {"onReason": "*", "action": "EXIT"}]}}
    ```

    ## References
    - [RetryStrategy](https://docs.aws.amazon.com/batch/latest/APIReference/API_RetryStrategy.html)
    - [EvaluateOnExit](https://docs.aws.amazon.com/batch/latest/APIReference/API_EvaluateOnExit.html)
    """

    id = "BL308"
    name = "invalid-retry-strategy"
    summary = "The retryStrategy has attempts, entries or patterns that Batch rejects."
    severity = "error"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability",)
    precision = "high"  # the accepted characters are documented in words, not as a regex

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        strategy = jobdefs.retry_strategy(resource)
        attempts, entries = strategy.get("attempts"), strategy.get("evaluateOnExit")
        who = f"job definition `{resource.name}`"
        if isinstance(attempts, int) and not 1 <= attempts <= 10:
            yield self.finding(resource, f"{who} sets retryStrategy.attempts to {attempts}; "
                               "Batch accepts 1 to 10", "retryStrategy.attempts")
        if isinstance(entries, list) and len(entries) > 5:
            yield self.finding(resource, f"{who} has {len(entries)} evaluateOnExit entries; "
                               "Batch accepts at most 5; drop or merge entries (a pattern "
                               "ending in `*` matches every reason that starts the same way)",
                               "retryStrategy.evaluateOnExit")
        if isinstance(entries, list) and entries and attempts is None:
            yield self.finding(resource, f"{who} gives evaluateOnExit without attempts, which "
                               "Batch requires with it; set retryStrategy.attempts",
                               "retryStrategy")
        for i, entry in jobdefs.exit_conditions(resource):
            at = f"retryStrategy.evaluateOnExit[{i}]"
            action = entry.get("action")
            if not (isinstance(action, str) and action.strip().upper() in ("RETRY", "EXIT")):
                shown = f"action `{action}`" if isinstance(action, str) else "no action"
                yield self.finding(resource, f"{who} has {shown} in {at}; Batch requires "
                                   "RETRY or EXIT", f"{at}.action")
            for key in jobdefs.RETRY_PATTERN_FIELDS:
                pattern = entry.get(key)
                if not isinstance(pattern, str):
                    continue
                problem = jobdefs.pattern_problem(key, pattern)
                if problem:
                    shown = pattern if len(pattern) <= 80 else pattern[:80] + "…"
                    yield self.finding(resource, f"{who} has {at}.{key} `{shown}`, which "
                                       f"Batch rejects: {problem}", f"{at}.{key}")

