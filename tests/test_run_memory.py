"""A scan keeps nothing of its model once it is over: per-run memos die with the run."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.model import Model
from batchlint.registry import load_rules
from batchlint.why import diagnose, explain, find_job

from .conftest import compute_environment

RULES = load_rules(entry_points=False)
ARN = "arn:aws:batch:us-east-1:123456789012"


def _account(tmp_path: Path) -> str:
    """EC2 and Spot environments (BL401 groups their quotas), a subnet's routes (the network
    index) and a job stuck in RUNNABLE (its `why` asks for the quota grouping again)."""
    spot = compute_environment("spot", computeResources={
        "type": "SPOT", "minvCpus": 0, "maxvCpus": 64, "instanceTypes": ["c5"],
        "subnets": ["subnet-1"]})
    queue = {"jobQueueName": "q", "jobQueueArn": f"{ARN}:job-queue/q", "state": "ENABLED",
             "status": "VALID", "priority": 1, "computeEnvironmentOrder": [
                 {"order": 1, "computeEnvironment": f"{ARN}:compute-environment/spot"}]}
    job = {"jobId": "j-1", "jobName": "stuck", "jobQueue": f"{ARN}:job-queue/q",
           "status": "RUNNABLE", "createdAt": 1, "jobDefinition": f"{ARN}:job-definition/d:1",
           "container": {"vcpus": 2, "memory": 2048}}
    path = tmp_path / "account.json"
    path.write_text(json.dumps({
        "computeEnvironments": [compute_environment("ec2"), spot], "jobQueues": [queue],
        "jobs": [job],
        "routeTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [],
                         "Associations": [{"SubnetId": "subnet-1", "Main": False}]}]}))
    return str(path)


def _scan(path: str) -> weakref.ref[Model]:
    [model] = load_files([path]).models
    report = run(model, [RuleRun(rule, rule.severity, {}) for rule in RULES])
    assert any(f.rule_id == "BL401" for f in report.findings + report.not_verified)
    job = find_job(model, "j-1")
    assert job is not None
    explain(model, job, diagnose(model))
    return weakref.ref(model)


def test_a_scans_model_is_freed_after_the_run(tmp_path: Path) -> None:
    model = _scan(_account(tmp_path))
    gc.collect()
    assert model() is None, [type(r).__name__ for r in gc.get_referrers(model())][:5]
