"""Terraform source: IAM names read for what they are.

A policy's name grants nothing: an ``inline_policy`` block counts by its document, whatever
its name (one from a variable without default included). A role's name is no instance
profile's: ``instance_role = aws_iam_role.x.name`` works only if an instance profile of
that name exists, which the configuration does not show unless it creates one.
"""

from __future__ import annotations

import json
from pathlib import Path

from batchlint import model as m
from batchlint.loaders import load_files

from .test_tfsource import ROLES, ce, lint, results, write

PULL = ('["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", '
        '"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", '
        '"logs:PutLogEvents"]')
EXEC_ROLE = '''
variable "stack" {
  type = string
}
resource "aws_iam_role" "exec" {
  name = "exec"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
  inline_policy {
    name = "${var.stack}-s3"
    policy = jsonencode({ Version = "2012-10-17",
      Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  }
  inline_policy {
    name = NAME
    policy = jsonencode({ Version = "2012-10-17",
      Statement = [{ Effect = "Allow", Action = PULL, Resource = "*" }] })
  }
}
resource "aws_batch_job_definition" "jd" {
  name                  = "jd"
  type                  = "container"
  platform_capabilities = ["FARGATE"]
  container_properties = jsonencode({
    image            = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0"
    executionRoleArn = aws_iam_role.exec.arn
    resourceRequirements = [{ type = "VCPU", value = "1" }, { type = "MEMORY", value = "2048" }]
    logConfiguration = { logDriver = "awslogs", options = { "awslogs-region" = "us-east-1" } }
  })
}
'''
JD = "aws_batch_job_definition.jd"
CE = "aws_batch_compute_environment.this"


def test_inline_policy_blocks_grant_by_their_documents_whatever_their_names(
        tmp_path: Path) -> None:
    for name in ('"pull"', '"${var.stack}-pull"'):
        write(tmp_path, {"main.tf": EXEC_ROLE.replace("NAME", name).replace("PULL", PULL)})
        _, report = lint([str(tmp_path)], "BL311")
        assert results(report) == (set(), {}), name


def test_an_inline_policy_block_that_does_not_allow_the_pull_is_read(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": EXEC_ROLE.replace("NAME", '"sqs"').replace(
        "PULL", '"sqs:SendMessage"')})
    _, report = lint([str(tmp_path)], "BL311")
    assert results(report)[0] == {("BL311", JD)}


def _instance_role(tmp_path: Path, profile_name: str, instance_role: str) -> dict[str, str]:
    """BL102's not-verified reasons (none when it finds a problem or none)."""
    roles = 'variable "profile" {\n  type = string\n}\n' + ROLES.replace(
        'name = "instance"\n  role', f"name = {profile_name}\n  role")
    write(tmp_path, {"iam.tf": roles, "main.tf": ce().replace(
        "aws_iam_instance_profile.instance.arn", instance_role)})
    _, report = lint([str(tmp_path)], "BL102")
    found, gaps = results(report)
    assert found == ({("BL102", CE)} if instance_role.endswith(".arn") else set())
    return {name: why for (_, name), why in gaps.items()}


def test_instance_role_by_a_role_name(tmp_path: Path) -> None:
    named = ("compute_resources.instance_role is `instance`, the name of role "
             "`aws_iam_role.instance`, where Batch needs an instance profile: it works only if "
             "an instance profile of that name exists outside this Terraform configuration")
    by_name = "aws_iam_role.instance.name"
    assert _instance_role(tmp_path, '"profile"', by_name) == {
        CE: f"{named}, which creates none of that name"}
    assert _instance_role(tmp_path, 'var.profile', by_name) == {
        CE: f"{named}, or the Terraform configuration's instance profile "
            "`aws_iam_instance_profile.instance`, whose name is not known before deployment, "
            "has it"}
    assert _instance_role(tmp_path, by_name, by_name) == {}  # the profile has it too


def test_instance_role_by_a_role_arn_is_an_error(tmp_path: Path) -> None:
    assert _instance_role(tmp_path, '"profile"', "aws_iam_role.instance.arn") == {}


def test_a_plan_reads_the_inline_policy_blocks_it_configures(tmp_path: Path) -> None:
    """Configured blocks count, one whose name is known only after apply too; a role that
    configures none keeps no block the provider computes."""
    policy = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
              '"Resource":"*"}]}')

    def role(name: str, blocks: list[dict[str, object]]) -> dict[str, object]:
        return {"address": f"aws_iam_role.{name}", "mode": "managed", "type": "aws_iam_role",
                "name": name, "values": {"name": name, "inline_policy": blocks}}

    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [
                role("set", [{"name": "s3", "policy": policy},
                             {"name": None, "policy": policy}]),
                role("computed", [{"name": "", "policy": ""}]),
                {"address": "aws_batch_compute_environment.this", "mode": "managed",
                 "type": "aws_batch_compute_environment", "name": "this",
                 "values": {"type": "UNMANAGED"}}]}},
            "configuration": {"root_module": {"resources": [
                {"address": "aws_iam_role.set", "expressions": {"inline_policy": [
                    {"name": {"constant_value": "s3"}, "policy": {"constant_value": policy}},
                    {"name": {"references": ["var.stack"]},
                     "policy": {"constant_value": policy}}]}},
                {"address": "aws_iam_role.computed", "expressions": {}}]}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    model = load_files([str(path)]).templates[0]
    lists = {r.name: [p["PolicyName"] for p in r.data["RolePolicyList"]]
             for r in model.of_kind(m.IAM_ROLE)}
    assert lists == {"aws_iam_role.set": ["s3", "inline_policy[1]"], "aws_iam_role.computed": []}


def test_instance_role_by_the_name_of_a_role_without_one(tmp_path: Path) -> None:
    """`aws_iam_role.x.name` of a role whose name Terraform generates is that name, not the
    role's ARN: an instance profile created with the same name may carry it (it was a false
    "is the ARN of role" error)."""
    write(tmp_path, {"main.tf": '''
resource "aws_iam_role" "instance" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]
}
resource "aws_iam_instance_profile" "p" {
  name = aws_iam_role.instance.name
  role = aws_iam_role.instance.name
}
resource "aws_batch_compute_environment" "this" {
  type = "MANAGED"
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m6i"]
    subnets            = ["subnet-1"]
    security_group_ids = ["sg-1"]
    instance_role      = aws_iam_role.instance.name
  }
}
'''})
    _, report = lint([str(tmp_path)], "BL102")
    assert report.findings == []
    assert [n.reason for n in report.not_verified] == [
        "compute_resources.instance_role is `aws_iam_role.instance.name`, the name of role "
        "`aws_iam_role.instance`, where Batch needs an instance profile: it works only if an "
        "instance profile of that name exists outside this Terraform configuration, or the "
        "Terraform configuration's instance profile `aws_iam_instance_profile.p`, whose name "
        "is not known before deployment, has it"]
