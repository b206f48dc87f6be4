"""A job queue's ``jobStateTimeLimitActions``: what Batch accepts, and the RUNNABLE entry.

Batch cancels a job that waits in RUNNABLE for one of the blocked reasons longer than
an entry's ``maxTimeSeconds`` (600 to 86400, required); without an entry for state
RUNNABLE such a job waits at the head of its queue forever (BL204).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from batchlint.jsonvalues import items
from batchlint.model import Json, Resource

MIN_SECONDS, MAX_SECONDS = 600, 86400  # what Batch accepts for maxTimeSeconds
ACCEPTED = f"{MIN_SECONDS}-{MAX_SECONDS} seconds Batch accepts"
BLOCKED_REASONS = ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                   "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
                   "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT")


def time_limit_actions(queue: Resource) -> list[tuple[int, Mapping[str, Json]]]:
    """(index, entry) of every ``jobStateTimeLimitActions`` entry that is an object."""
    return list(items(queue.data.get("jobStateTimeLimitActions")))


def seconds_out_of_range(queue: Resource) -> Iterator[tuple[int, Json]]:
    """(index, ``maxTimeSeconds``) of each entry whose seconds Batch rejects or that has
    none that is a number (the value is then not an int)."""
    for i, action in time_limit_actions(queue):
        seconds = action.get("maxTimeSeconds")
        if not isinstance(seconds, int) or not MIN_SECONDS <= seconds <= MAX_SECONDS:
            yield i, seconds


def limits_runnable(queue: Resource) -> bool:
    """Whether an entry acts on jobs in state RUNNABLE (any case)."""
    return any(str(a.get("state", "")).upper() == "RUNNABLE"
               for _, a in time_limit_actions(queue))


def runnable_limit_advice(seconds_field: str) -> str:
    """The entries that give up on jobs blocked in RUNNABLE (``seconds_field`` spelled for
    the input: ``maxTimeSeconds``, ``MaxTimeSeconds``, ``max_time_seconds``)."""
    return (f"add entries with state RUNNABLE, action CANCEL, a {seconds_field} of "
            f"{MIN_SECONDS}-{MAX_SECONDS} and a reason, one each for "
            f"{', '.join(BLOCKED_REASONS)}")
