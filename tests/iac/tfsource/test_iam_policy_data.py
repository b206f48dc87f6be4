"""``data "aws_iam_policy"`` from source, and a policy ARN known only at apply.

The provider (hashicorp/aws ``internal/service/iam/policy_data_source.go``) sets ``arn``
and ``id`` to the ARN it was given, or, given ``name`` (and ``path_prefix``), to that of
the one policy of that exact name under the prefix, the account's or AWS's: an AWS
managed policy whose path batchlint knows, in the provider's partition. Any other ARN is
unknown, and an unknown element of ``managed_policy_arns`` leaves the check not verified
(it used to be dropped, and the role read as lacking the policy).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.iac.terraform.planner import Planner, unavailable

from .test_tfsource import ROLES, ce, lint, results, write

BATCH = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
ECS = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
S3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
CE = "aws_batch_compute_environment.this"
LACKS = (f"compute environment `{CE}`: service role `aws_iam_role.service` lacks the managed "
         f"policy AWSBatchServiceRole; attach {BATCH}")
NOT_KNOWN = "it depends on values not known before deployment: "
OF_ROLE = " (of iam-role `aws_iam_role.service`)"


def _trust(service: str) -> str:
    return ('jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", '
            f'Action = "sts:AssumeRole", Principal = {{ Service = "{service}" }} }}] }})')


def _roles(service: str, instance: str) -> str:
    """A service and an instance role whose ``managed_policy_arns`` are these expressions."""
    return f'''
resource "aws_iam_role" "service" {{
  name                = "service"
  managed_policy_arns = {service}
  assume_role_policy  = {_trust("batch.amazonaws.com")}
}}
resource "aws_iam_role" "instance" {{
  name                = "instance"
  managed_policy_arns = {instance}
  assume_role_policy  = {_trust("ec2.amazonaws.com")}
}}
resource "aws_iam_instance_profile" "instance" {{
  name = "instance"
  role = aws_iam_role.instance.name
}}
'''


def _data(name: str, body: str) -> str:
    return f'data "aws_iam_policy" "{name}" {{\n  {body}\n}}\n'


def test_a_policy_read_by_arn_is_that_arn(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": ce(), "iam.tf": _roles(
        "[data.aws_iam_policy.batch.arn]", "[data.aws_iam_policy.ecs.id]") + _data(
        "batch", f'arn = "{BATCH}"') + _data("ecs", f'arn = "{ECS}"')})
    _, report = lint([str(tmp_path)], "BL101", "BL102")
    assert results(report) == (set(), {})  # were two errors: "lacks the managed policy"


def test_an_attachment_of_a_policy_read_by_arn(tmp_path: Path) -> None:
    roles = ROLES.replace(f'"{BATCH}"', "data.aws_iam_policy.batch.arn")
    write(tmp_path, {"main.tf": ce(), "iam.tf": roles + _data("batch", f'arn = "{BATCH}"')})
    _, report = lint([str(tmp_path)], "BL101")
    assert results(report) == (set(), {})  # was not verified: "read only at apply"


def test_a_policy_read_by_arn_that_is_not_the_one_needed(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": ce(), "iam.tf": _roles(
        "[data.aws_iam_policy.s3.arn]", f'["{ECS}"]') + _data("s3", f'arn = "{S3}"')})
    _, report = lint([str(tmp_path)], "BL101", "BL102")
    assert [f.message for f in report.findings] == [LACKS]
    assert report.not_verified == []


def test_policies_read_by_arn_with_count_and_a_splat(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": ce(), "iam.tf": _roles(
        "data.aws_iam_policy.p[*].arn", f'["{ECS}"]') + _data(
        "p", f'count = 2\n  arn   = ["{S3}", "{BATCH}"][count.index]')})
    _, report = lint([str(tmp_path)], "BL101", "BL102")
    assert results(report) == (set(), {})


def test_an_arn_given_by_an_unset_variable_says_so(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": ce(), "iam.tf": _roles(
        "[data.aws_iam_policy.batch.arn]", f'["{ECS}"]') + _data(
        "batch", "arn = var.policy") + 'variable "policy" {}\n'})
    _, report = lint([str(tmp_path)], "BL101", "BL102")
    assert results(report) == (set(), {("BL101", CE): (
        f"{NOT_KNOWN}`managed_policy_arns[0]` comes from `var.policy`, which has no default "
        f"and no value in a tfvars file{OF_ROLE}")})


_READ_AT_APPLY = (f"{NOT_KNOWN}`managed_policy_arns[0]` comes from "
                  f"`data.aws_iam_policy.batch`, which is read only at apply{OF_ROLE}")
_NAMED = 'name        = "AWSBatchServiceRole"'


@pytest.mark.parametrize(("provider", "body", "why"), [
    ('region = "us-east-1"', 'name = "AWSBatchServiceRole"', None),
    ('region = "cn-north-1"', 'name = "AWSBatchServiceRole"', None),  # arn:aws-cn:…
    ('region = "us-east-1"', f'{_NAMED}\n  path_prefix = "/service-role/"', None),
    # a customer policy of that name is found, or none
    ('region = "us-east-1"', f'{_NAMED}\n  path_prefix = "/custom/"', _READ_AT_APPLY),
    ('region = "us-east-1"', 'name = "my-batch-service"', _READ_AT_APPLY),
    ("", 'name = "AWSBatchServiceRole"',
     f"{NOT_KNOWN}`managed_policy_arns[0]` comes from `data.aws_iam_policy.batch`, which "
     "depends on the region of provider `aws`, which the configuration does not set (the "
     f"environment or profile does){OF_ROLE}"),
    ('region = "us-east-1"', f'arn  = "{BATCH}"\n  name = "AWSBatchServiceRole"',
     f"{NOT_KNOWN}`managed_policy_arns[0]` comes from `data.aws_iam_policy.batch`, which "
     "batchlint cannot evaluate: `arn` of data.aws_iam_policy conflicts with `name` and "
     f"`path_prefix`{OF_ROLE}"),
])
def test_a_policy_found_by_name_is_known_when_aws_manages_it(
        tmp_path: Path, provider: str, body: str, why: str | None) -> None:
    write(tmp_path, {"main.tf": f'provider "aws" {{\n  {provider}\n}}\n' + ce(),
                     "iam.tf": _roles("[data.aws_iam_policy.batch.arn]", f'["{ECS}"]')
                     + _data("batch", body)})
    _, report = lint([str(tmp_path)], "BL101", "BL102")
    assert results(report) == (set(), {} if why is None else {("BL101", CE): why})


# `managed_policy_arns` with policies of the configuration: unknown until apply, each read
# with its document, as an aws_iam_role_policy_attachment of one is
POLICIES = '''
resource "aws_iam_policy" "enough" {
  name   = "enough"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Resource = "*",
    Action = ["ecs:CreateCluster", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"] }] })
}
resource "aws_iam_policy" "weak" {
  name   = "weak"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Resource = "*",
    Action = ["s3:GetObject"] }] })
}
'''
PROVIDER = '''provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
'''


@pytest.mark.parametrize(("policy", "found"), [("enough", []), ("weak", [LACKS])])
def test_a_policy_of_the_configuration_is_read_with_its_document(
        tmp_path: Path, policy: str, found: list[str]) -> None:
    write(tmp_path, {"main.tf": ce(), "iam.tf": POLICIES + _roles(
        f"[aws_iam_policy.{policy}.arn]", f'["{ECS}"]')})
    _, report = lint([str(tmp_path)], "BL101", "BL102")
    assert [f.message for f in report.findings] == found  # "enough" was an error too
    assert report.not_verified == []


_WHY_NOT = unavailable()


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_a_plan_knows_no_element_of_the_set(tmp_path: Path) -> None:
    """A set with an element known only after apply is unknown as a whole in a plan: not
    verified there, where the source decides."""
    source = write(tmp_path / "source", {"main.tf": PROVIDER + ce(), "iam.tf": POLICIES + _roles(
        "[aws_iam_policy.weak.arn]", f'["{ECS}"]')})
    directory = tmp_path / "planned"
    shutil.copytree(source, directory)
    plan = Planner(tmp_path / "work").plan(directory, tmp_path / "plan.json")
    _, report = lint([str(plan)], "BL101")
    assert results(report) == (set(), {("BL101", CE): (
        f"{NOT_KNOWN}`managed_policy_arns` is known only after apply{OF_ROLE}")})
    _, report = lint([str(source)], "BL101")
    assert [f.message for f in report.findings] == [LACKS]
