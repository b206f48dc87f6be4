"""A cached answer is never quieter than a fresh one (batchlint.unknowns.remember), whether
it was first computed while nothing recorded (a model without unknown values) or while a
check recorded."""

from __future__ import annotations

from typing import Any

from batchlint.model import Resource
from batchlint.unknowns import recording, remember

WHY = "`Size` is parameter `Size`, which has no default"


def _job() -> Resource:
    return Resource("job-definition", "j", {"timeout": {"attemptDurationSeconds": None}},
                    unknown={("timeout", "attemptDurationSeconds"): WHY})


def test_an_answer_kept_while_nothing_recorded_is_recomputed_for_a_recording_caller() -> None:
    job, calls = _job(), []
    store: dict[str, Any] = {}

    def compute() -> Any:
        calls.append(1)
        return job.data["timeout"].get("attemptDurationSeconds")

    assert remember(store, "t", compute) is None  # nothing records: kept without its reads
    assert remember(store, "t", compute) is None and len(calls) == 1
    with recording() as hits:
        remember(store, "t", compute)
    assert len(calls) == 2 and [why for _, why, _ in hits] == [WHY]
    with recording() as hits:  # and from then on replayed, not computed
        remember(store, "t", compute)
    assert len(calls) == 2 and [why for _, why, _ in hits] == [WHY]


def test_a_recorded_answer_is_replayed_to_every_later_recording_caller() -> None:
    job = _job()
    store: dict[str, Any] = {}
    with recording() as first:
        remember(store, "t", lambda: job.data["timeout"].get("attemptDurationSeconds"))
    assert remember(store, "t", lambda: 0) is None  # outside any check: the kept answer
    with recording() as later:
        remember(store, "t", lambda: 0)
    assert first == later and len(later) == 1
