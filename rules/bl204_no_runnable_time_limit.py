from __future__ import annotations

from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts.compute import is_enabled
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import API, CLOUDFORMATION, TERRAFORM, pick, spell

MIN_SECONDS, MAX_SECONDS = 600, 86400  # what Batch accepts for maxTimeSeconds
_REASONS = ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
            "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
            "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT")
_FIELD = {API: "jobStateTimeLimitActions", CLOUDFORMATION: "JobStateTimeLimitActions",
          TERRAFORM: "job_state_time_limit_action"}  # Terraform's block is singular


class NoRunnableTimeLimit(Rule):
    """
    ## What it does
    Reports an `ENABLED` job queue with no `jobStateTimeLimitActions` entry for
    state `RUNNABLE`, and any entry whose `maxTimeSeconds` is outside 600-86400
    (10 minutes to 24 hours, the range Batch accepts). Off by default: select it
    (`--select BL204`) for queues whose jobs must not wait unseen.

    ## Why is this bad?
    A job at the head of a queue that Batch can never place — no capacity
    (`CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY`), a job larger than every
    environment's `maxvCpus` (`MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE`)
    or than any instance it can launch
    (`MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT`) — waits in `RUNNABLE`
    forever and blocks the jobs behind it. A time-limit action cancels it after
    `maxTimeSeconds`, with the reason in its `statusReason`.

    ## Example
    ```json
    {"jobQueueName": "genomics", "state": "ENABLED", "priority": 1,
     "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "spot"}]}
    ```

    ## Use instead
    ```json
    {"jobQueueName": "genomics", "state": "ENABLED", "priority": 1,
     "computeEnvironmentOrder": [{"order": 1, "computeEnvironment": "spot"}],
     "jobStateTimeLimitActions": [
       {"state": "RUNNABLE", "action": "CANCEL", "maxTimeSeconds": 14400,
        "reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"},
       {"state": "RUNNABLE", "action": "CANCEL", "maxTimeSeconds": 600,
        "reason": "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"}]}
    ```

    ## References
    - [Automatic remediation with jobStateTimeLimitActions](https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable_time_limit_actions.html)
    - [JobStateTimeLimitAction](https://docs.aws.amazon.com/batch/latest/APIReference/API_JobStateTimeLimitAction.html)
    - [Jobs stuck in RUNNABLE due to capacity](https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable_capacity.html)
    """

    id = "BL204"
    name = "no-runnable-time-limit"
    summary = ("An enabled job queue has no jobStateTimeLimitActions for RUNNABLE, so a job "
               "that can never be placed waits forever.")
    severity = "note"
    kinds = (m.JOB_QUEUE,)
    tags = ("reliability", "availability")
    enabled_by_default = False
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if not is_enabled(resource):
            return
        actions = resource.data.get("jobStateTimeLimitActions")
        entries = [(i, a) for i, a in enumerate(actions if isinstance(actions, list) else [])
                   if isinstance(a, Mapping)]
        field, seconds_field = pick(resource, _FIELD), spell(resource, "maxTimeSeconds")
        for i, action in entries:
            seconds = action.get("maxTimeSeconds")
            if not isinstance(seconds, int):  # required: Batch rejects the entry without it
                yield self.not_verified(resource, f"{field}[{i}] gives no {seconds_field} "
                                        "that is a number")
            elif not MIN_SECONDS <= seconds <= MAX_SECONDS:
                yield self.finding(resource, f"job queue `{resource.name}` sets "
                                   f"{field}[{i}].{seconds_field} {seconds}, outside the "
                                   f"{MIN_SECONDS}-{MAX_SECONDS} seconds Batch accepts; "
                                   f"set it within that range",
                                   f"jobStateTimeLimitActions[{i}].maxTimeSeconds")
        if not any(str(a.get("state", "")).upper() == "RUNNABLE" for _, a in entries):
            yield self.finding(resource, f"job queue `{resource.name}` has no {field} entry "
                               "for state RUNNABLE, so a job that can never be placed waits "
                               "at the head of the queue forever; add entries with state "
                               f"RUNNABLE, action CANCEL, a {seconds_field} of {MIN_SECONDS}-"
                               f"{MAX_SECONDS} and a reason, one each for {', '.join(_REASONS)}",
                               "jobStateTimeLimitActions" if actions is not None else ())
