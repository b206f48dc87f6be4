from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import queue_limits as ql
from batchlint.facts.compute import is_enabled
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import API, CLOUDFORMATION, TERRAFORM, pick, spell

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
        field, seconds_field = pick(resource, _FIELD), spell(resource, "maxTimeSeconds")
        for i, seconds in ql.seconds_out_of_range(resource):
            if not isinstance(seconds, int):  # required: Batch rejects the entry without it
                yield self.not_verified(resource, f"{field}[{i}] gives no {seconds_field} "
                                        "that is a number")
            else:
                yield self.finding(resource, f"job queue `{resource.name}` sets "
                                   f"{field}[{i}].{seconds_field} {seconds}, outside the "
                                   f"{ql.ACCEPTED}; set it within that range",
                                   f"jobStateTimeLimitActions[{i}].maxTimeSeconds")
        if not ql.limits_runnable(resource):
            given = resource.data.get("jobStateTimeLimitActions") is not None
            yield self.finding(resource, f"job queue `{resource.name}` has no {field} entry "
                               "for state RUNNABLE, so a job that can never be placed waits "
                               "at the head of the queue forever; "
                               f"{ql.runnable_limit_advice(seconds_field)}",
                               "jobStateTimeLimitActions" if given else ())
