"""BL311 on a live account: the execution roles job definitions name are read with their
policy documents, and what a refused read hides is not verified, naming the call.

The account (moto, us-east-1) has no compute environment; its job definitions
name execution roles (moto keeps only ``containerProperties``: it drops
``nodeProperties`` and refuses ``ecsProperties``, so those kinds are covered
by :func:`test_every_container_kind_names_its_role`):

- ``fargate-ok``: Fargate, an ECR image and a Secrets Manager secret; its role
  trusts ecs-tasks, has AmazonECSTaskExecutionRolePolicy and a customer managed
  policy allowing the secret: passes.
- ``fargate-no-pull``: Fargate, an ECR image; its role has only an inline policy
  allowing s3:GetObject: fails (CannotPullContainerError).
- ``fargate-wrong-trust``: its role trusts ec2.amazonaws.com: fails.
- ``ec2-secret``: EC2, an SSM parameter; its role's inline policy allows it: passes.
- ``fargate-gone``: names a role that does not exist: fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from batchlint.aws.policy import policy_document

from .conftest import (
    ACCOUNT,
    EAST,
    MOTO_CONFIG,
    Call,
    Hooks,
    aws_environment,
    by_rule,
    error,
    scan_json,
    trust,
)
from .enforcement import enforced, principal

EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
IMAGE = f"{ACCOUNT}.dkr.ecr.{EAST}.amazonaws.com/etl:1.4"
SECRET = f"arn:aws:secretsmanager:{EAST}:{ACCOUNT}:secret:db-AbCdEf"
PARAMETER = f"arn:aws:ssm:{EAST}:{ACCOUNT}:parameter/db"
ONLY = ("--region", EAST, "--select", "BL311")


def _allow(action: str, resource: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}]})


def _build() -> None:
    iam = boto3.client("iam")

    def role(name: str, service: str = "ecs-tasks.amazonaws.com") -> str:
        arn: str = iam.create_role(RoleName=name,
                                   AssumeRolePolicyDocument=trust(service))["Role"]["Arn"]
        return arn

    ok = role("exec-ok")
    iam.attach_role_policy(RoleName="exec-ok", PolicyArn=EXEC_POLICY)
    secret_policy = iam.create_policy(PolicyName="read-db-secret", PolicyDocument=_allow(
        "secretsmanager:GetSecretValue", SECRET))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="exec-ok", PolicyArn=secret_policy)
    no_pull = role("exec-no-pull")
    iam.put_role_policy(RoleName="exec-no-pull", PolicyName="s3-only",
                        PolicyDocument=_allow("s3:GetObject", "*"))
    wrong = role("exec-trusts-ec2", "ec2.amazonaws.com")
    iam.attach_role_policy(RoleName="exec-trusts-ec2", PolicyArn=EXEC_POLICY)
    ssm = role("exec-ssm")
    iam.put_role_policy(RoleName="exec-ssm", PolicyName="read-db",
                        PolicyDocument=_allow("ssm:GetParameters", PARAMETER))
    batch = boto3.client("batch", region_name=EAST)
    fargate = {"platformCapabilities": ["FARGATE"], "retryStrategy": {"attempts": 2}}
    sizes = [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}]
    for name, arn, extra in (
            ("fargate-ok", ok, {"secrets": [{"name": "DB", "valueFrom": SECRET}]}),
            ("fargate-no-pull", no_pull, {}),
            ("fargate-wrong-trust", wrong, {}),
            ("fargate-gone", f"arn:aws:iam::{ACCOUNT}:role/exec-deleted", {})):
        batch.register_job_definition(
            jobDefinitionName=name, type="container", **fargate, containerProperties={
                "image": IMAGE, "executionRoleArn": arn, "resourceRequirements": sizes,
                **extra})
    batch.register_job_definition(
        jobDefinitionName="ec2-secret", type="container", retryStrategy={"attempts": 2},
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 512,
                             "executionRoleArn": ssm,
                             "secrets": [{"name": "DB", "valueFrom": PARAMETER}]})


@pytest.fixture(scope="module", autouse=True)
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp, mock_aws(config=MOTO_CONFIG):
        aws_environment(mp, tmp_path_factory.mktemp("aws"))
        _build()
        yield


EXPECTED_FINDINGS = {"fargate-no-pull", "fargate-wrong-trust", "fargate-gone"}


def test_bl311_reads_the_execution_roles_of_a_live_account(cli) -> None:
    report = scan_json(cli, *ONLY)
    found = by_rule(report, "BL311")
    assert set(found) == EXPECTED_FINDINGS
    assert report["not_verified"] == []
    assert found["fargate-no-pull"] == (
        "job definition `fargate-no-pull`: execution role `exec-no-pull` does not allow "
        "ecr:GetAuthorizationToken on *; ecr:BatchCheckLayerAvailability, "
        "ecr:GetDownloadUrlForLayer, ecr:BatchGetImage on "
        f"arn:aws:ecr:{EAST}:{ACCOUNT}:repository/etl; logs:CreateLogStream, logs:PutLogEvents "
        f"on arn:aws:logs:{EAST}:{ACCOUNT}:log-group:/aws/batch/job:log-stream:*, which the job "
        "needs to start (it fails with CannotPullContainerError); attach "
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy or allow them "
        "in one of its policies")
    assert "is not assumable by `ecs-tasks.amazonaws.com`" in found["fargate-wrong-trust"]
    assert found["fargate-gone"].startswith(
        "job definition `fargate-gone`: containerProperties.executionRoleArn "
        f"`arn:aws:iam::{ACCOUNT}:role/exec-deleted` does not exist")


def test_each_role_and_policy_is_read_once_and_known_aws_policies_not_at_all(
        cli, calls: list[Call]) -> None:
    scan_json(cli, *ONLY)
    iam = [(c.action, c.params.get("RoleName"), c.params.get("PolicyName"),
            c.params.get("PolicyArn")) for c in calls if c.action.startswith("iam:")]
    assert len(iam) == len(set(iam))
    roles = {role for action, role, _, _ in iam if action == "iam:GetRole"}
    assert roles == {"exec-ok", "exec-no-pull", "exec-trusts-ec2", "exec-ssm", "exec-deleted"}
    assert {(role, policy) for action, role, policy, _ in iam
            if action == "iam:GetRolePolicy"} == {("exec-no-pull", "s3-only"),
                                                  ("exec-ssm", "read-db")}
    secret_policy = f"arn:aws:iam::{ACCOUNT}:policy/read-db-secret"
    assert [(action, arn) for action, _, _, arn in iam if arn] == [
        ("iam:GetPolicy", secret_policy), ("iam:GetPolicyVersion", secret_policy)]


@pytest.mark.parametrize(("operation", "unread"), [
    ("GetRolePolicy", {"fargate-no-pull", "ec2-secret"}),
    ("GetPolicy", {"fargate-ok"}),
    ("GetPolicyVersion", {"fargate-ok"}),
])
def test_a_refused_policy_read_leaves_only_its_roles_not_verified(
        cli, hooks: Hooks, operation: str, unread: set[str]) -> None:
    hooks.add(f"before-call.iam.{operation}", lambda **_: error("AccessDenied"), first=True)
    report = scan_json(cli, *ONLY)
    assert report["_stderr"] == ""
    reasons = by_rule(report, "BL311", "not_verified")
    assert set(reasons) == unread
    assert all(f"AccessDenied on iam:{operation}" in why for why in reasons.values()), reasons
    # the others are decided as with every permission: nothing made up, nothing lost
    assert set(by_rule(report, "BL311")) == EXPECTED_FINDINGS - unread


def test_without_iam_get_role_every_execution_role_is_not_verified(cli, hooks: Hooks) -> None:
    hooks.add("before-call.iam.GetRole", lambda **_: error("AccessDenied"), first=True)
    report = scan_json(cli, *ONLY)
    assert by_rule(report, "BL311") == {}
    reasons = by_rule(report, "BL311", "not_verified")
    assert set(reasons) == {"fargate-ok", "fargate-no-pull", "fargate-wrong-trust",
                            "fargate-gone", "ec2-secret"}
    assert all("AccessDenied on iam:GetRole" in why for why in reasons.values()), reasons


def test_the_export_carries_the_documents_and_scans_like_the_account(
        cli, tmp_path: Path) -> None:
    out = tmp_path / "snapshot.json"
    assert cli("export", "--region", EAST, "--output", str(out)).exit_code == 0
    (account,) = json.loads(out.read_text())["accounts"]
    roles = {r["RoleName"]: r for r in account["iam"]["roles"]}
    assert roles["exec-ssm"]["RolePolicyList"] == [{"PolicyName": "read-db", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": PARAMETER}]}}]
    assert [p["PolicyName"] for p in account["iam"]["policies"]] == ["read-db-secret"]
    live, from_file = scan_json(cli, *ONLY), scan_json(cli, str(out), "--select", "BL311")
    assert by_rule(from_file, "BL311") == by_rule(live, "BL311")
    assert from_file["not_verified"] == []


def test_a_principal_with_exactly_the_printed_policy_is_refused_nothing(
        cli, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = scan_json(cli, *ONLY)
    keys = principal("batchlint-scanner", policy_document())
    report: dict[str, Any] = enforced(cli, monkeypatch, keys, *ONLY)
    assert report["notes"] == [] and report["_stderr"] == ""
    assert report["not_verified"] == []
    assert by_rule(report, "BL311") == by_rule(admin, "BL311")


def test_every_container_kind_names_its_role() -> None:
    """The roles read are those of every ECS task (moto keeps only containerProperties, so
    the other kinds are shown here); another account's role and EKS pods are not read."""
    from batchlint.aws.references import execution_roles

    role = f"arn:aws:iam::{ACCOUNT}:role/"
    jobdefs = [
        {"jobDefinitionName": "single", "containerProperties": {
            "image": "busybox", "executionRoleArn": role + "single"}},
        {"jobDefinitionName": "nodes", "nodeProperties": {"nodeRangeProperties": [
            {"targetNodes": "0:", "container": {"image": "busybox",
                                                "executionRoleArn": role + "nodes"}}]}},
        {"jobDefinitionName": "tasks", "ecsProperties": {"taskProperties": [
            {"executionRoleArn": role + "path/tasks", "containers": [{"image": "busybox"}]}]}},
        {"jobDefinitionName": "elsewhere", "containerProperties": {
            "image": "busybox", "executionRoleArn": "arn:aws:iam::111122223333:role/other"}},
        {"jobDefinitionName": "eks", "eksProperties": {"podProperties": {"containers": [
            {"image": "busybox"}]}}},
    ]
    assert execution_roles(jobdefs, ACCOUNT) == {"single", "nodes", "tasks"}
