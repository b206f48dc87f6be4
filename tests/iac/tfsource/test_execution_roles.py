"""BL311 from Terraform: execution roles and their policies, from source and from a plan.

``configs/execution_roles`` names four roles from Fargate job definitions twice: by
reference inside ``jsonencode()`` (``executionRoleArn = each.value.arn``), which a plan
knows only after apply and the source reads as the role, and by an ARN built from the
role's name, which both read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.iac.terraform.planner import Planner, unavailable

from .test_tfsource import lint

CONFIG = Path(__file__).parent / "configs" / "execution_roles"
ROLES = ("no_pull", "trusts_ec2", "ok", "from_data")
ECR = ("ecr:GetAuthorizationToken on *; ecr:BatchCheckLayerAvailability, "
       "ecr:GetDownloadUrlForLayer, ecr:BatchGetImage on "
       "arn:aws:ecr:us-east-1:123456789012:repository/etl")
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
LOGS = ("logs:CreateLogStream, logs:PutLogEvents on "
        "arn:aws:logs:*:*:log-group:/aws/batch/job:log-stream:*")


def _bl311(path: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """{job definition: its BL311 messages}, {job definition: why BL311 is not verified}."""
    _, report = lint([str(path)], "BL311")
    found: dict[str, list[str]] = {}
    for f in report.findings:
        found.setdefault(f.resource.name, []).append(f.message)
    return found, {n.resource.name: n.reason for n in report.not_verified}


def _expected(kind: str, role: str) -> tuple[list[str], str | None]:
    """What BL311 says of ``aws_batch_job_definition.<kind>["<role>"]``: messages, and why
    it is not verified (None: it is verified)."""
    jd = f'aws_batch_job_definition.{kind}["{role}"]'
    role_named = f"execution role `aws_iam_role.{role}`"  # as a not-verified line says
    about = f"job definition `{jd}`: {role_named}"
    if role == "no_pull":  # the logs' account is not in the configuration
        return ([f"{about} does not allow {ECR}; secretsmanager:GetSecretValue on {SECRET}, "
                 "which the job needs to start (it fails with CannotPullContainerError); allow "
                 "them in one of its policies"],
                f"{role_named}: whether it allows {LOGS} (the log group's account or region is "
                "known only at deployment) is not known")
    if role == "trusts_ec2":  # AmazonECSTaskExecutionRolePolicy by managed_policy_arns
        return ([f"{about} is not assumable by `ecs-tasks.amazonaws.com`, so no task can "
                 "start; add it as a Service principal allowed sts:AssumeRole in the role's "
                 "trust policy",
                 f"{about} does not allow secretsmanager:GetSecretValue on {SECRET}, which the "
                 "job needs to start (it fails with ResourceInitializationError); allow it in "
                 "one of its policies"], None)
    if role == "from_data":
        return [], (f"{role_named}: whether it allows {ECR}; {LOGS}; secretsmanager:GetSecretValue "
                    f"on {SECRET} (its inline policy `shared` has no readable policy "
                    "document) is not known")
    return [], None  # ok: the managed policy attached, the secret by an aws_iam_policy


def _check(found: dict[str, list[str]], gaps: dict[str, str], kind: str) -> None:
    for role in ROLES:
        jd = f'aws_batch_job_definition.{kind}["{role}"]'
        messages, why = _expected(kind, role)
        assert sorted(found.get(jd, [])) == sorted(messages), jd
        assert gaps.get(jd) == why, jd


def test_source_reads_the_execution_role_however_it_is_named_and_its_policies() -> None:
    found, gaps = _bl311(CONFIG)
    for kind in ("by_reference", "by_arn"):
        _check(found, gaps, kind)


_WHY_NOT = unavailable()


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_the_plan_agrees_where_it_knows_the_role(tmp_path: Path) -> None:
    """By ARN, plan and source say the same (the plan keeps `aws_iam_policy.read_secret`'s
    document for the role it is attached to). By reference, the plan knows the container
    properties only after apply: not verified, where the source decides."""
    directory = tmp_path / "execution_roles"
    shutil.copytree(CONFIG, directory)
    plan = Planner(tmp_path).plan(directory, tmp_path / "plan.json")
    found, gaps = _bl311(plan)
    _check(found, gaps, "by_arn")
    for role in ROLES:
        jd = f'aws_batch_job_definition.by_reference["{role}"]'
        assert jd not in found
        assert gaps[jd].startswith("it depends on values not known before deployment: "
                                   "`container_properties` ")
