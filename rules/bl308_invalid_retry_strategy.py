from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.retry import rejected
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
        for path, problem in rejected(resource):
            yield self.finding(resource, f"job definition `{resource.name}` {problem}", path)
