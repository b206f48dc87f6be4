from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts.compute import queue_compute_environments
from batchlint.model import Model, Resource, Unknown, arn_resource_name, parse_arn
from batchlint.rule import Context, Option, Result, Rule

QueueKey = tuple[str | None, str | None, str]  # account, region, queue name
# The statusReason codes that jobStateTimeLimitActions can act on.
_TIME_LIMIT_REASONS = {"CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                       "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
                       "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"}


class JobsStuckRunnable(Rule):
    """
    ## What it does
    A live check: for each job queue, finds the jobs that are `RUNNABLE` and were
    submitted more than `stuck_runnable_minutes` (default 30) before the data was
    read, and reports them once per queue with their number, the age of the
    oldest and Batch's own `statusReason` values (such as
    `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT`). The findings of other rules on
    the queue's compute environments (an `INVALID` environment, a missing role, a
    quota below `maxvCpus`) are named in the message, and so is the most likely
    cause that `batchlint why` gives for the oldest job (one function decides both).

    It needs the queue's RUNNABLE jobs: a live scan, or a snapshot exported with
    `--include-jobs` (which records `collectedAt`). Other inputs hold no jobs, and
    the rule stays silent; when reading the jobs failed, the queue is not verified.

    ## Why is this bad?
    A RUNNABLE job waits for capacity that may never come: a compute environment
    that is invalid or disabled, a job larger than any instance it may launch, an
    EC2 quota, a role Batch cannot use. Nothing fails, so workflows wait silently.
    The age counts from submission, so a job that waited on dependencies first
    looks older than it is, and a queue whose running jobs fill `maxvCpus` builds
    up a normal backlog: Batch then gives no `statusReason`, and the message says so.

    ## Example
    A queue whose 40 jobs were submitted 3 hours ago and are RUNNABLE with
    `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT`: each job asks for more memory
    than any instance type of the environment registers.

    ## Use instead
    Fix the cause Batch and the related findings name, then let the jobs run or
    cancel them. For the three reasons that support it
    (`CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY`,
    `MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE`,
    `MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT`), give the queue
    `jobStateTimeLimitActions`, so that a job blocked at the head of the queue is
    cancelled after `maxTimeSeconds` (600 to 86400) instead of holding up the rest:
    ```json
    {"jobStateTimeLimitActions": [{"reason": "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
      "state": "RUNNABLE", "maxTimeSeconds": 3600, "action": "CANCEL"}]}
    ```

    ## References
    - [Jobs stuck in a RUNNABLE status](https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html)
    - [Job state time limit actions](https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable_time_limit_actions.html)
    - [ListJobs](https://docs.aws.amazon.com/batch/latest/APIReference/API_ListJobs.html)
    """

    id = "BL402"
    name = "jobs-stuck-runnable"
    summary = "A live job queue holds jobs RUNNABLE for longer than stuck_runnable_minutes."
    severity = "warning"
    kinds = (m.JOB_QUEUE,)
    tags = ("reliability", "availability")
    options: Mapping[str, Option] = {"stuck_runnable_minutes": Option(
        30, "minutes since submission after which a RUNNABLE job counts as stuck")}
    precision = "medium"  # a backlog behind running jobs also waits in RUNNABLE

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        by_queue = ctx.memo(("BL402", "runnable"), lambda: _runnable_by_queue(ctx.model))
        jobs = by_queue.get((resource.account, resource.region, resource.name), [])
        minutes = ctx.option("stuck_runnable_minutes")
        now_ms = int(ctx.now.timestamp() * 1000)  # ints: createdAt may be any size
        stuck = sorted(((now_ms - job.data["createdAt"], job) for job in jobs
                        if now_ms - job.data["createdAt"] > minutes * 60_000),
                       key=lambda pair: -pair[0])
        if not stuck:
            yield from self._unless_collected(resource, ctx.model)
            return
        age, oldest = stuck[0]
        count = f"{len(stuck)} job{'s' if len(stuck) > 1 else ''}"
        name = oldest.data.get("jobName") or oldest.name
        found, _ = queue_compute_environments(ctx.model, resource)
        yield self.finding(resource, f"job queue `{resource.name}` has {count} RUNNABLE for more "
                           f"than {minutes} minutes (the oldest, `{name}`, was submitted "
                           f"{_duration(age)} ago); {_reasons([job for _, job in stuck])}"
                           f"{_likely_cause(ctx, oldest)}; fix the cause, or cancel the jobs"
                           f"{_auto_cancel(resource, stuck)}", related=tuple(found))

    def _unless_collected(self, queue: Resource, model: Model) -> Iterable[Result]:
        """Not verified when reading the queue's jobs failed; silent when none were read."""
        account, region = queue.account, queue.region
        if model.is_complete(m.JOBS, account, region):
            return
        if any(scope in model.unavailable for scope in ((m.JOBS, account, region),
                                                         (m.JOBS, account, None))):
            gap = model.missing(m.JOBS, account, region,
                                f"the RUNNABLE jobs of job queue `{queue.name}`")
            if isinstance(gap, Unknown):
                yield self.not_verified(queue, gap.reason)


def _likely_cause(ctx: Context, job: Resource) -> str:
    """What `batchlint why` gives first for the oldest job: the same function decides.
    (``why`` and the modules that explain a job are read only once a queue has stuck jobs:
    a scan without any does not pay for importing them.)"""
    from batchlint import why

    diagnosis = ctx.memo(("BL402", "diagnosis"), lambda: why.diagnose(ctx.model))
    cause = why.most_likely_cause(ctx.model, job, diagnosis)
    if cause is None or cause.certainty == "batch":  # Batch's own reason is given above
        return ""
    rule = f" ({cause.rule_id} {cause.rule_name})" if cause.rule_id and cause.rule_name else ""
    return f"; most likely cause (`batchlint why {job.name}`): {cause.title}{rule}"


def _reasons(jobs: list[Resource]) -> str:
    """Batch's statusReason values, most frequent first, with their counts."""
    counts = Counter(str(job.data.get("statusReason") or "").strip() for job in jobs)
    named = [f"`{reason}` ({n} job{'s' if n > 1 else ''})"
             for reason, n in counts.most_common() if reason]
    if not named:
        return ("Batch gives no statusReason: the jobs may simply wait behind running ones "
                "(maxvCpus reached), or for instances that never start")
    more = f"; and {len(named) - 3} more" if len(named) > 3 else ""
    return "Batch's statusReason: " + "; ".join(named[:3]) + more


def _auto_cancel(queue: Resource, stuck: list[tuple[int, Resource]]) -> str:
    """A hint at jobStateTimeLimitActions when Batch supports it for the jobs' reason."""
    reasons = {str(job.data.get("statusReason") or "").split(" ", 1)[0] for _, job in stuck}
    if queue.data.get("jobStateTimeLimitActions") or not reasons & _TIME_LIMIT_REASONS:
        return ""
    return " (jobStateTimeLimitActions on the queue can cancel jobs blocked for this reason)"


def _runnable_by_queue(model: Model) -> dict[QueueKey, list[Resource]]:
    """RUNNABLE jobs with a submission time, by the queue they wait in."""
    by_queue: dict[QueueKey, list[Resource]] = {}
    for job in model.of_kind(m.JOB):
        queue, status = job.data.get("jobQueue"), job.data.get("status", "RUNNABLE")
        if (not isinstance(queue, str) or not queue or str(status).upper() != "RUNNABLE"
                or not isinstance(job.data.get("createdAt"), int)):
            continue  # a job without its queue or submission time cannot be placed or aged
        _, region, account = parse_arn(queue)
        if queue.startswith("arn:"):
            key = (account or job.account, region or job.region, arn_resource_name(queue))
        else:
            key = (job.account, job.region, queue)
        by_queue.setdefault(key, []).append(job)
    return by_queue


def _duration(ms: int) -> str:
    minutes = int(ms // 60_000)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min"
    return f"{hours // 24} d {hours % 24} h"
