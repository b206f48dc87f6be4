"""Terraform plans (`terraform show -json`): mapping, references through configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.registry import load_rules

PLAN = Path(__file__).parent / "data" / "plan.json"
RULES = {r.id: r for r in load_rules(entry_points=False)}


def _findings(path: Path, *codes: str) -> dict[str, set[str]]:
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(RULES[c], RULES[c].severity, {}) for c in codes])
    found: dict[str, set[str]] = {}
    for f in report.findings:
        found.setdefault(f.rule_id, set()).add(f.resource.name)
    return found


def test_plan_resources_are_named_by_address() -> None:
    model = load_files([str(PLAN)]).templates[0]
    ce = model.find(m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.spot")
    assert ce is not None and ce.origin.source == "terraform"
    cr = ce.data["computeResources"]
    assert cr["instanceTypes"] == ["m5", "c5"]
    assert cr["instanceRole"] == (
        "arn:aws:iam:::instance-profile/aws_iam_instance_profile.ecs_instance")
    assert cr["launchTemplate"] == {"launchTemplateId": "aws_launch_template.batch",
                                    "version": "$Latest"}
    assert ce.data["serviceRole"] == "arn:aws:iam:::role/service-role/aws_iam_role.batch_service"
    queue = model.find(m.JOB_QUEUE, "aws_batch_job_queue.genomics")
    assert queue is not None
    assert queue.data["computeEnvironmentOrder"] == [
        {"order": 1, "computeEnvironment": "aws_batch_compute_environment.spot"}]
    jd = model.find(m.JOB_DEFINITION, "aws_batch_job_definition.align")
    assert jd is not None and jd.data["containerProperties"]["image"] == "bwa:0.7.17"


def test_rules_on_a_plan() -> None:
    found = _findings(PLAN, "BL101", "BL102", "BL103", "BL108", "BL111", "BL301")
    spot = "aws_batch_compute_environment.spot"
    # the service role has AWSBatchServiceRole through an aws_iam_role_policy_attachment
    assert "BL101" not in found
    assert found == {"BL102": {spot}, "BL103": {spot}, "BL108": {spot}, "BL111": {spot},
                     "BL301": {"aws_batch_job_definition.align"}}


def test_unknown_format_version_is_refused(tmp_path: Path, cli) -> None:
    plan = json.loads(PLAN.read_text())
    plan["format_version"] = "2.0"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = cli("scan", str(path))
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {path}:1:2: Terraform JSON format '2.0' is not supported "
           "(batchlint reads format 1.x)\n")


def test_plan_without_batch_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.5",
                                "planned_values": {"root_module": {"resources": []}}}))
    assert load_files([str(path)]).notes == [
        f"skipped {path}: a Terraform plan without AWS Batch resources"]


def test_child_modules_and_outside_references(tmp_path: Path) -> None:
    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"child_modules": [{"resources": [{
                "address": "module.batch.aws_batch_compute_environment.this", "mode": "managed",
                "type": "aws_batch_compute_environment", "name": "this",
                "values": {"type": "MANAGED", "compute_resources": [{
                    "type": "EC2", "max_vcpus": 16, "instance_type": ["optimal"]}]}}]}]}},
            "configuration": {"root_module": {"module_calls": {"batch": {"module": {
                "resources": [{"address": "aws_batch_compute_environment.this",
                               "expressions": {"compute_resources": [{"instance_role": {
                                   "references": ["var.instance_profile_arn"]}}]}}]}}}}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(RULES["BL102"], "error", {})])
    assert report.findings == []  # a variable from outside the plan: not verified
    [gap] = report.not_verified
    assert gap.resource.name == "module.batch.aws_batch_compute_environment.this"


def test_scheduling_policy(tmp_path: Path) -> None:
    plan = json.loads(PLAN.read_text())
    plan["planned_values"]["root_module"]["resources"].append({
        "address": "aws_batch_scheduling_policy.fair", "mode": "managed",
        "type": "aws_batch_scheduling_policy", "name": "fair",
        "values": {"name": "fair", "fair_share_policy": [{"share_decay_seconds": 3600}]}})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    policy = load_files([str(path)]).templates[0].find(m.SCHEDULING_POLICY,
                                                       "aws_batch_scheduling_policy.fair")
    assert policy is not None and policy.data["fairsharePolicy"] == {"shareDecaySeconds": 3600}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_on_a_plan(cli, fmt: str) -> None:
    result = cli("scan", str(PLAN), "--format", fmt)
    assert result.exit_code == 1
    assert "aws_batch_compute_environment.spot" in result.stdout
