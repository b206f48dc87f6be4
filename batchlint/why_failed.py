"""Why a FAILED job failed: each attempt's ``statusReason``, container ``reason`` and exit
code explained, with the rule that prevents it.

Sources: the ECS stopped-task errors (CannotPullContainerError, ResourceInitializationError,
OutOfMemoryError, CannotStartContainerError:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html),
Batch's retry guide (``Host EC2 (instance i-…) terminated.``, retried with
``onStatusReason: "Host EC2*"``: https://docs.aws.amazon.com/batch/latest/userguide/job_retries.html),
job timeouts (not retried: https://docs.aws.amazon.com/batch/latest/userguide/job_timeouts.html),
and jobStateTimeLimitActions' cancel message
(https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable_capacity.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from batchlint.model import Json, Resource
from batchlint.why_reasons import BATCH_REASONS
from batchlint.why_types import Failure, text

_NETWORK = r"timeout|timed out|i/o timeout|dial tcp|deadline exceeded|RequestCanceled|connection"
_DENIED = r"AccessDenied|not authorized|403|denied|no basic auth|authorization"

# (pattern on "statusReason | reason", explanation, rules that prevent it), first match wins
PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE | re.DOTALL), explanation, rules)
    for pattern, explanation, rules in (
        (r"no space left on device",
         "the instance's disk filled up (image layers and job data share the Docker volume); "
         "give the compute environment a launch template with a larger volume",
         ("BL103", "BL106")),
        (rf"CannotPullContainerError.*({_DENIED})",
         "the registry refused the image pull: the execution role lacks the ECR pull "
         "permissions, or a private registry's repositoryCredentials are missing",
         ("BL311",)),
        (r"CannotPullContainerError.*(not found|manifest unknown|does not exist|404)",
         "the image or its tag does not exist in the registry; fix the image name (a pinned "
         "tag or digest keeps it from changing under you)", ("BL306",)),
        (rf"CannotPullContainerError.*({_NETWORK})",
         "the host could not reach the registry: the subnets have no NAT, no public IP with an "
         "internet gateway, and no ECR VPC endpoints", ("BL113", "BL310")),
        (r"CannotPullContainerError",
         "the image could not be pulled: check the image name, the registry's credentials, "
         "the execution role and the network path to the registry", ("BL311", "BL113")),
        (r"ResourceInitializationError",
         "the task's secrets or registry authentication could not be fetched: the execution "
         "role lacks secretsmanager:GetSecretValue / ssm:GetParameters / ECR permissions, or "
         "the subnets have no path to Secrets Manager, SSM and ECR (on Fargate, a public IP "
         "or a NAT)", ("BL311", "BL310", "BL113")),
        (r"OutOfMemoryError|killed due to memory|\bOOM",
         "the container used more memory than its MEMORY requirement and was killed; raise "
         "MEMORY (BL302 checks that the new value still fits an instance)", ("BL302",)),
        (r"^Host EC2 \(instance [^)]*\) terminated",
         "the instance running the job was terminated (a Spot reclaim, or the instance failed "
         "or was scaled in); retry it with evaluateOnExit onStatusReason \"Host EC2*\" → RETRY",
         ("BL301", "BL307")),
        (r"Your Spot Task was interrupted",
         "Fargate Spot reclaimed the task; retry it (retryStrategy with attempts ≥ 2)",
         ("BL301",)),
        (r"Job attempt duration exceeded timeout",
         "the attempt ran longer than timeout.attemptDurationSeconds and was stopped; a timed-out "
         "job is not retried", ("BL305",)),
        (r"Timeout waiting for network interface provisioning",
         "the task's network interface was not ready in time: check the subnets (free IP "
         "addresses) and the network path", ("BL310", "BL113")),
        (r"DockerTimeoutError|CannotInspectContainerError|CannotCreateContainerError",
         "Docker on the host was too slow or out of space (small or throttled root volume, "
         "many containers per host)", ("BL103",)),
        (r"CannotStartContainerError",
         "the container could not start: check the image's entrypoint and the job's command",
         ()),
        (r"Task failed to start",
         "ECS could not start the task; the container reason says more", ()),
    ))
_CANCELLED = re.compile(r"Canceled by JobStateTimeLimit action due to reason: (\S+)")
# Exit codes of a container that stopped on its own ("Essential container in task exited").
EXIT_CODES = {
    1: "the program failed (exit code 1): read its log stream",
    2: "the program was called wrongly (exit code 2): check the command",
    126: "the command is not executable (exit code 126)",
    127: "the command was not found in the image (exit code 127)",
    137: "the container was killed (exit code 137, SIGKILL): most often out of memory, else "
         "stopped or terminated",
    139: "the program crashed (exit code 139, segmentation fault)",
    143: "the container was stopped (exit code 143, SIGTERM): terminated, timed out or "
         "reclaimed",
}


def failures(job: Resource) -> list[Failure]:
    """One explained failure per attempt, or the job's own reason when it has none."""
    attempts = job.data.get("attempts")
    found = [_explain(i + 1, text(a.get("statusReason")), *_container(a))
             for i, a in enumerate(attempts if isinstance(attempts, list) else ())
             if isinstance(a, Mapping)]
    if found:
        return found
    container = job.data.get("container")
    reason, code = _container({"container": container}) if isinstance(container, Mapping) \
        else ("", None)
    return [_explain(None, text(job.data.get("statusReason")), reason, code)]


def _container(attempt: Mapping[str, Json]) -> tuple[str, int | None]:
    """(reason, exit code) of an attempt's container, or its first failed task container."""
    reasons: list[str] = []
    codes: list[int] = []
    for container in _containers(attempt):
        if text(container.get("reason")):
            reasons.append(text(container.get("reason")))
        code = container.get("exitCode")
        if isinstance(code, int) and not isinstance(code, bool):
            codes.append(code)
    failed = [c for c in codes if c != 0] or codes
    return "; ".join(reasons), failed[0] if failed else None


def _containers(attempt: Mapping[str, Json]) -> Iterator[Mapping[str, Json]]:
    container = attempt.get("container")
    if isinstance(container, Mapping):
        yield container
    for task in attempt.get("taskProperties") or []:
        for item in (task.get("containers") or []) if isinstance(task, Mapping) else []:
            if isinstance(item, Mapping):
                yield item


def _explain(attempt: int | None, status_reason: str, reason: str,
             exit_code: int | None) -> Failure:
    both = f"{status_reason} | {reason}"
    cancelled = _CANCELLED.search(status_reason)
    if cancelled:
        meaning, _, rule = BATCH_REASONS.get(cancelled.group(1), ("", (), None))
        why = f": {meaning}" if meaning else ""
        return Failure(attempt, status_reason, reason, exit_code,
                       f"it waited RUNNABLE with {cancelled.group(1)} longer than the queue's "
                       f"jobStateTimeLimitActions allow and was cancelled{why}",
                       (rule,) if rule else ())
    for pattern, explanation, rules in PATTERNS:
        if pattern.search(both) or (pattern.pattern.startswith("^") and
                                    pattern.search(reason)):
            return Failure(attempt, status_reason, reason, exit_code, explanation, rules)
    if exit_code == 137:
        return Failure(attempt, status_reason, reason, exit_code, EXIT_CODES[137], ("BL302",))
    if exit_code is not None and exit_code in EXIT_CODES:
        return Failure(attempt, status_reason, reason, exit_code, EXIT_CODES[exit_code])
    if exit_code:
        return Failure(attempt, status_reason, reason, exit_code,
                       f"the program exited with code {exit_code}: read its log stream")
    return Failure(attempt, status_reason, reason, exit_code,
                   "Batch gives no more detail" if not both.strip(" |") else
                   "not a failure batchlint knows; the reason above is Batch's own")
