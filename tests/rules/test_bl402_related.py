"""BL402 names the other rules' findings on the stuck queue's compute environments."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.registry import load_rules

from ..conftest import compute_environment

ACCOUNT, REGION = "123456789012", "us-east-1"
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
RULES = {rule.id: rule for rule in load_rules(entry_points=False)}


def _queue(name: str, *environments: str) -> dict[str, Any]:
    arn = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{name}"
    return {"jobQueueName": name, "jobQueueArn": arn, "state": "ENABLED", "status": "VALID",
            "priority": 1,
            "computeEnvironmentOrder": [{"order": i + 1, "computeEnvironment": ce}
                                        for i, ce in enumerate(environments)]}


def _job(job_id: str, queue: str, minutes_ago: int, reason: str) -> dict[str, Any]:
    created = NOW - datetime.timedelta(minutes=minutes_ago)
    return {"jobId": job_id, "jobName": f"job-{job_id}", "status": "RUNNABLE",
            "statusReason": reason, "createdAt": int(created.timestamp() * 1000),
            "jobArn": f"arn:aws:batch:{REGION}:{ACCOUNT}:job/{job_id}",
            "jobQueue": f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{queue}"}


def test_stuck_queue_names_the_invalid_compute_environment(
        write_json: Callable[[str, Any], str]) -> None:
    broken = compute_environment("broken-ec2", status="INVALID",
                                 statusReason="CLIENT_ERROR - Not authorized to perform "
                                              "sts:AssumeRole")
    healthy = compute_environment("healthy-ec2")
    reason = "ACTION_REQUIRED - CE(s) associated with the job queue are invalid."
    snapshot = {
        "batchlint_snapshot": 1, "collectedAt": NOW.isoformat(),
        "accounts": [{"account": ACCOUNT, "regions": [{
            "region": REGION,
            "computeEnvironments": [broken, healthy],
            "jobQueues": [_queue("stuck", "broken-ec2"), _queue("other", "healthy-ec2")],
            "jobs": [_job("0001", "stuck", 120, reason), _job("0002", "other", 90, reason)],
        }]}],
    }
    model = load_files([write_json("snapshot.json", snapshot)]).model
    runs = [RuleRun(RULES[code], RULES[code].severity, {}) for code in ("BL110", "BL402")]
    report = run(model, runs)

    stuck = {f.resource.name: f.message for f in report.findings if f.rule_id == "BL402"}
    assert set(stuck) == {"stuck", "other"}
    assert "`ACTION_REQUIRED - CE(s) associated with the job queue are invalid.`" in stuck["stuck"]
    assert stuck["stuck"].endswith(
        "Related findings: BL110 compute-environment-invalid on compute-environment `broken-ec2`")
    assert "Related findings" not in stuck["other"]  # its environment has no finding
