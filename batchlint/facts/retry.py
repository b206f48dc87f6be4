"""A job definition's ``retryStrategy``: what Batch rejects in it, and how its list ends.

Batch accepts ``attempts`` of 1 to 10, at most 5 ``evaluateOnExit`` entries (which
need ``attempts``), each with ``action`` RETRY or EXIT (any case), and patterns
(``onStatusReason``, ``onReason``, ``onExitCode``) of at most 512 characters whose only
``*`` is the last one. An ``evaluateOnExit`` failure that matches no entry is retried,
so a list should end with a catch-all EXIT (BL307).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from batchlint.facts.jobdefs import on_fargate
from batchlint.jsonvalues import items, mapping
from batchlint.model import Json, Resource
from batchlint.syntax import API, CLOUDFORMATION, TERRAFORM
from batchlint.unknowns import isolated

RETRY_PATTERN_FIELDS = ("onStatusReason", "onReason", "onExitCode")
MAX_ATTEMPTS, MAX_EXIT_ENTRIES = 10, 5

# the fixes, as each source writes them: a final catch-all EXIT, and a strategy that
# retries a lost host (statusReason `Host EC2 (instance i-…) terminated.`) and exits
# on anything else
CATCH_ALL = {API: '{"onReason": "*", "action": "EXIT"}',
             CLOUDFORMATION: '{OnReason: "*", Action: EXIT}',
             TERRAFORM: 'evaluate_on_exit { on_reason = "*" action = "EXIT" }'}
HOST_RETRY = {
    API: ('retryStrategy: {attempts: 3, evaluateOnExit: [{onStatusReason: "Host EC2*", '
          'action: RETRY}, {onReason: "*", action: EXIT}]}'),
    CLOUDFORMATION: ('RetryStrategy: {Attempts: 3, EvaluateOnExit: [{OnStatusReason: "Host '
                     'EC2*", Action: RETRY}, {OnReason: "*", Action: EXIT}]}'),
    TERRAFORM: ('retry_strategy { attempts = 3 evaluate_on_exit { on_status_reason = "Host '
                'EC2*" action = "RETRY" } evaluate_on_exit { on_reason = "*" action = "EXIT" } }'),
}
# On Fargate no EC2 host is involved: a task that fails to start (the status reason the
# retry guide's example retries) and a Fargate Spot interruption ("Your Spot Task was
# interrupted.", as users report it) are what to retry
FARGATE_REASONS = ('"Task failed to start"', '"Your Spot Task was interrupted*"')
FARGATE_RETRY = {
    API: ('retryStrategy: {attempts: 3, evaluateOnExit: [{onStatusReason: "Task failed to '
          'start", action: RETRY}, {onStatusReason: "Your Spot Task was interrupted*", action: '
          'RETRY}, {onReason: "*", action: EXIT}]}'),
    CLOUDFORMATION: ('RetryStrategy: {Attempts: 3, EvaluateOnExit: [{OnStatusReason: "Task '
                     'failed to start", Action: RETRY}, {OnStatusReason: "Your Spot Task was '
                     'interrupted*", Action: RETRY}, {OnReason: "*", Action: EXIT}]}'),
    TERRAFORM: ('retry_strategy { attempts = 3 evaluate_on_exit { on_status_reason = "Task '
                'failed to start" action = "RETRY" } evaluate_on_exit { on_status_reason = "Your '
                'Spot Task was interrupted*" action = "RETRY" } evaluate_on_exit { on_reason = '
                '"*" action = "EXIT" } }'),
}


def lost_attempt(jobdef: Resource) -> tuple[str, str, Mapping[str, str]]:
    """(what loses an attempt to infrastructure, the status reasons that say so, the
    strategy that retries them), worded for Fargate when the platform is known to be
    Fargate. Only the words depend on it, so a platform not known before deployment is no
    read that leaves the check not verified (it is advised as EC2)."""
    with isolated():
        fargate = on_fargate(jobdef)
    if fargate:
        return ("task that fails to start or Spot interruption", " or ".join(FARGATE_REASONS),
                FARGATE_RETRY)
    return "host failure or Spot reclaim", '"Host EC2*"', HOST_RETRY


def retry_strategy(jobdef: Resource) -> Mapping[str, Json]:
    """The ``retryStrategy`` object, or an empty mapping."""
    return mapping(jobdef.data.get("retryStrategy"))


def exit_conditions(jobdef: Resource) -> list[tuple[int, Mapping[str, Json]]]:
    """(index, entry) of every ``retryStrategy.evaluateOnExit`` entry that is an object."""
    return list(items(retry_strategy(jobdef).get("evaluateOnExit")))


def catch_all_exit(conditions: list[tuple[int, Mapping[str, Json]]]) -> int | None:
    """The index of the first catch-all EXIT entry of ``evaluateOnExit`` (its
    :func:`exit_conditions`), if any."""
    return next((i for i, entry in conditions if is_catch_all_exit(entry)), None)


def is_catch_all_exit(condition: Mapping[str, Json]) -> bool:
    """An entry that exits on any failure: action EXIT (any case), every pattern it gives ``*``.

    The conditions of one entry must all match, so a ``*`` next to a narrower pattern
    does not catch everything. An EXIT entry with no pattern at all counts as a
    catch-all: whether Batch matches it is undocumented, and a rule should not fire on
    a guess.
    """
    action = condition.get("action")
    patterns = [condition[key] for key in RETRY_PATTERN_FIELDS if condition.get(key) is not None]
    return (isinstance(action, str) and action.strip().upper() == "EXIT"
            and all(p == "*" for p in patterns))


@functools.lru_cache(maxsize=4096)  # the same patterns recur across job definitions
def pattern_problem(key: str, pattern: str) -> str | None:
    """Why Batch rejects an ``evaluateOnExit`` pattern (``onExitCode``, ``onReason``,
    ``onStatusReason``), or None when it is accepted."""
    if len(pattern) > 512:
        return f"it is {len(pattern)} characters long, above 512"
    body = pattern[:-1] if pattern.endswith("*") else pattern
    if "*" in body:
        return "`*` may only be its last character (patterns match from the start)"
    if key == "onExitCode":
        bad = [c for c in body if c not in "0123456789"]
        allowed = "digits"
    else:  # letters of any script are let through: where the line lies is not documented
        bad = [c for c in body if not (c.isalpha() or c in "0123456789.:" or c.isspace())]
        allowed = "letters, digits, `.`, `:`, white space"
    if bad:
        shown = " ".join(f"`{c}`" if c != "`" else "a backtick" for c in dict.fromkeys(bad))
        return f"it contains {shown}; only {allowed} and a final `*` are allowed"
    return None


def rejected(jobdef: Resource) -> Iterator[tuple[str, str]]:
    """(path, what Batch rejects there) of every part of the strategy Batch refuses.

    The text follows the job definition's name ("job definition `x` …").
    """
    strategy = retry_strategy(jobdef)
    attempts, entries = strategy.get("attempts"), strategy.get("evaluateOnExit")
    if isinstance(attempts, int) and not 1 <= attempts <= MAX_ATTEMPTS:
        yield "retryStrategy.attempts", (f"sets retryStrategy.attempts to {attempts}; Batch "
                                         f"accepts 1 to {MAX_ATTEMPTS}")
    if isinstance(entries, list) and len(entries) > MAX_EXIT_ENTRIES:
        yield "retryStrategy.evaluateOnExit", (
            f"has {len(entries)} evaluateOnExit entries; Batch accepts at most "
            f"{MAX_EXIT_ENTRIES}; drop or merge entries (a pattern ending in `*` matches every "
            "reason that starts the same way)")
    if isinstance(entries, list) and entries and attempts is None:
        yield "retryStrategy", ("gives evaluateOnExit without attempts, which Batch requires "
                                "with it; set retryStrategy.attempts")
    for i, entry in items(entries):  # exit_conditions, from the strategy read above
        at = f"retryStrategy.evaluateOnExit[{i}]"
        action = entry.get("action")
        if not (isinstance(action, str) and action.strip().upper() in ("RETRY", "EXIT")):
            shown = f"action `{action}`" if isinstance(action, str) else "no action"
            yield f"{at}.action", f"has {shown} in {at}; Batch requires RETRY or EXIT"
        for key in RETRY_PATTERN_FIELDS:
            pattern = entry.get(key)
            problem = pattern_problem(key, pattern) if isinstance(pattern, str) else None
            if isinstance(pattern, str) and problem:
                shown = pattern if len(pattern) <= 80 else pattern[:80] + "…"
                yield f"{at}.{key}", f"has {at}.{key} `{shown}`, which Batch rejects: {problem}"


def exit_gap(jobdef: Resource) -> tuple[str, int | None] | None:
    """How ``evaluateOnExit`` fails to end with a catch-all EXIT, or None when it does.

    ``("none", None)``: no entries, every failure is retried; ``("misplaced", i)``: entry
    ``i`` is a catch-all EXIT but not the last one; ``("missing", i)``: the last entry
    ``i`` is no catch-all EXIT.
    """
    conditions = exit_conditions(jobdef)
    if not conditions:
        return "none", None
    catch_all = catch_all_exit(conditions)
    last = conditions[-1][0]
    if catch_all == last:
        return None
    return ("misplaced", catch_all) if catch_all is not None else ("missing", last)
