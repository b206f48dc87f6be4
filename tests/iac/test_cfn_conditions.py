"""CloudFormation as real templates write it: conditions, ``Fn::If`` anywhere,
``AWS::NoValue``, names built with ``Fn::Join``/``Fn::Sub``, public AMI parameters,
SAM, and resources of a shape batchlint cannot read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from batchlint.cli import app

_ROLES = """
  BatchRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: batch.amazonaws.com},
                     Action: sts:AssumeRole}]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole]
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com},
                     Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref InstanceRole]
"""


def scan(tmp_path: Path, text: str, *args: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "template.yaml"
    path.write_text(text)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["scan", str(path), "--format", "json", "--output",
                                      str(out), *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(out.read_text())


def results(report: dict[str, Any]) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str],
                                                                             str]]:
    found = {(f["rule_id"], f["resource"]["name"]): f["message"] for f in report["findings"]}
    gaps = {(n["rule_id"], n["resource"]["name"]): n["reason"] for n in report["not_verified"]}
    return found, gaps


def test_if_in_a_list_with_no_value_loads_and_is_read(tmp_path: Path) -> None:
    code, report = scan(tmp_path, """
Parameters:
  Env: {Type: String, Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      RetryStrategy: {Attempts: 3}
      Timeout: {AttemptDurationSeconds: 600}
      ContainerProperties:
        Image: public.ecr.aws/x/y:1.0
        Environment:
          - {Name: STAGE, Value: !Ref Env}
          - !If [IsProd, {Name: DB_PASSWORD, Value: hunter2}, !Ref AWS::NoValue]
""", "--select", "BL303")
    assert code == 0  # not prod under the default: the secret-looking variable is not there
    assert report["findings"] == [] and report["not_verified"] == []


def test_if_in_a_list_is_found_when_its_condition_holds(tmp_path: Path) -> None:
    code, report = scan(tmp_path, """
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: public.ecr.aws/x/y:1.0
        Environment:
          - !If [IsProd, {Name: DB_PASSWORD, Value: hunter2}, !Ref AWS::NoValue]
""", "--select", "BL303")
    found, _ = results(report)
    assert code == 1 and ("BL303", "Job") in found
    assert "hunter2" not in json.dumps(report)


_SPOT_OR_EC2 = """
Parameters:
  UseSpotInstances: {Type: String, AllowedValues: ["yes", "no"]}
Conditions:
  UseSpot: !Equals [!Ref UseSpotInstances, "yes"]
Resources:
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources:
        Type: !If [UseSpot, SPOT, EC2]
        MaxvCpus: 64
        InstanceTypes: [optimal]
        Subnets: [subnet-1]
"""


def test_an_undecided_condition_is_read_both_ways(tmp_path: Path) -> None:
    code, report = scan(tmp_path, _SPOT_OR_EC2, "--select", "BL102,BL111")
    found, gaps = results(report)
    # no InstanceRole: wrong whichever type the condition picks
    assert "BL102" in {rule for rule, _ in found}
    # a BEST_FIT Spot environment without a fleet role is wrong only when UseSpot holds
    assert ("BL111", "Compute") not in found
    assert gaps[("BL111", "Compute")].startswith(
        "it depends on conditions that cannot be decided before deployment: when condition "
        "`UseSpot` is true, compute environment `Compute` is SPOT")
    assert gaps[("BL111", "Compute")].endswith("not when condition `UseSpot` is false")
    assert code == 1


def test_a_condition_decided_by_its_default_picks_the_branch(tmp_path: Path) -> None:
    text = _SPOT_OR_EC2.replace('AllowedValues: ["yes", "no"]',
                                'AllowedValues: ["yes", "no"], Default: "yes"')
    _, report = scan(tmp_path, text, "--select", "BL111")
    found, gaps = results(report)
    assert ("BL111", "Compute") in found and not gaps


def test_a_resource_whose_condition_is_false_is_not_linted(tmp_path: Path) -> None:
    code, report = scan(tmp_path, """
Parameters:
  CreateGpu: {Type: String, Default: "N"}
Conditions:
  MakeGpu: !Equals [!Ref CreateGpu, "Y"]
Resources:
  GpuJob:
    Type: AWS::Batch::JobDefinition
    Condition: MakeGpu
    Properties:
      Type: container
      ContainerProperties: {Image: "x/y", Vcpus: 8, Memory: 16000}
""")
    assert code == 0 and report["findings"] == [] and report["not_verified"] == []


def test_names_built_in_the_template_resolve(tmp_path: Path) -> None:
    code, report = scan(tmp_path, """
Parameters:
  Env: {Type: String}
  ProfileName: {Type: String}
Resources:
""" + _ROLES.replace("      Roles:", "      InstanceProfileName: !Ref ProfileName\n      Roles:")
    + """
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      ComputeEnvironmentName: !Sub "batch-${Env}"
      Type: MANAGED
      ServiceRole: !GetAtt BatchRole.Arn
      ComputeResources:
        Type: EC2
        MaxvCpus: 64
        InstanceTypes: [optimal]
        Subnets: [subnet-1]
        InstanceRole: !Ref ProfileName
  Queue:
    Type: AWS::Batch::JobQueue
    Properties:
      Priority: 1
      ComputeEnvironmentOrder:
        - {Order: 1, ComputeEnvironment: !Join ["", ["batch-", !Ref Env]]}
""", "--select", "BL102,BL201")
    found, gaps = results(report)
    assert found == {} and gaps == {}, (found, gaps)
    assert code == 0


def test_unknown_values_are_named_in_the_users_words(tmp_path: Path) -> None:
    _, report = scan(tmp_path, """
Parameters:
  BatchServiceRoleArn: {Type: String}
Resources:
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ServiceRole: !Ref BatchServiceRoleArn
      ComputeResources:
        Type: EC2
        MaxvCpus: !ImportValue shared-max-vcpus
        InstanceTypes: [optimal]
        Subnets: !Split [",", !ImportValue shared-subnets]
        InstanceRole: !Sub "arn:aws:iam::${AWS::AccountId}:instance-profile/ecs"
""")
    _, gaps = results(report)
    assert gaps[("BL101", "Compute")] == (
        "it depends on values not known before deployment: `ServiceRole` depends on "
        "parameter `BatchServiceRoleArn`, which has no default")
    assert gaps[("BL102", "Compute")] == (
        "it depends on values not known before deployment: `ComputeResources.InstanceRole` "
        "depends on `AWS::AccountId`, known only at deployment")
    assert "`ComputeResources.MaxvCpus` depends on import `shared-max-vcpus`" in \
        gaps[("BL401", "Compute")]
    text = json.dumps(report)
    assert "${unknown" not in text and "UNKNOWN" not in text


@pytest.mark.parametrize(("family", "rule", "linux"), [
    ("amazon-linux", "BL104", "Amazon Linux 1"), ("amazon-linux-2", "BL105", "Amazon Linux 2")])
def test_public_ecs_ami_parameters_name_the_image_family(tmp_path: Path, family: str,
                                                         rule: str, linux: str) -> None:
    code, report = scan(tmp_path, f"""
Parameters:
  LatestAmi:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ecs/optimized-ami/{family}/recommended/image_id
Resources:
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources:
        Type: EC2
        MaxvCpus: 64
        InstanceTypes: [optimal]
        Subnets: [subnet-1]
        ImageId: !Ref LatestAmi
""", "--select", f"BL103,{rule}")
    found, gaps = results(report)
    # the family's image, named by the parameter: the image's name in batchlint is a
    # representative of the family, not the image the parameter resolves to
    assert found[(rule, "Compute")].startswith(
        "compute environment `Compute` runs the AMI of parameter `LatestAmi` (default "
        f"`/aws/service/ecs/optimized-ami/{family}/recommended/image_id`), an {linux} ")
    assert "-ami-" not in found[(rule, "Compute")]
    assert "Compute" in {name for _, name in found} and not gaps
    assert code == 1


def test_sam_templates_are_read_like_any_other(tmp_path: Path) -> None:
    code, report = scan(tmp_path, """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.12, CodeUri: src/}
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties: {Image: "public.ecr.aws/x/y:latest"}
""", "--select", "BL306", "--fail-on", "note")
    found, _ = results(report)
    assert code == 1 and ("BL306", "Job") in found


@pytest.mark.parametrize("resource", [
    "  Odd:\n    Type: [AWS::Batch::JobDefinition]\n",
    "  Odd:\n    Type: {Ref: Something}\n",
    "  Odd:\n    Type: AWS::Batch::JobDefinition\n    Properties: [1, 2]\n",
    "  Odd:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n"
    "      ContainerProperties: {Environment: [3]}\n",
])
def test_a_resource_batchlint_cannot_read_costs_only_that_resource(
        tmp_path: Path, resource: str) -> None:
    code, report = scan(tmp_path, """
Resources:
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties: {Image: "x/y:latest"}
""" + resource, "--select", "BL306", "--fail-on", "note")
    found, gaps = results(report)
    assert ("BL306", "Job") in found and code == 1  # the rest of the file is still linted
    if ("BL306", "Odd") in gaps:
        assert gaps[("BL306", "Odd")].startswith("`Odd` could not be read: ")


_SIZE_BY_CONDITION = """
Parameters:
  Size: {Type: String, AllowedValues: [small, large]}
Conditions:
  IsSmall: !Equals [!Ref Size, small]
Resources:
  JD:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      RetryStrategy: {Attempts: 3}
      Timeout: {AttemptDurationSeconds: 3600}
      ContainerProperties:
        Image: public.ecr.aws/amazonlinux/amazonlinux:2023
        Vcpus: !If [IsSmall, 2, 64]
        Memory: !If [IsSmall, 4096, 500000]
"""


def test_values_that_differ_with_the_conditions_say_when_they_hold(tmp_path: Path) -> None:
    """A finding every world has but words with its own values says which world's values
    it names; not-verified reasons that differ say their world; the resource counts once."""
    _, report = scan(tmp_path, _SIZE_BY_CONDITION, "--select", "BL302,BL309")
    found, _ = results(report)
    assert found[("BL309", "JD")].startswith(
        "when condition `IsSmall` is true (with other values when not), job definition `JD` "
        "sets the deprecated Vcpus 2 and Memory 4096")
    reasons = sorted(n["reason"] for n in report["not_verified"] if n["rule_id"] == "BL302")
    assert reasons == [
        "when condition `IsSmall` is false, whether EC2 compute can place 64 vCPUs and 500,000 "
        "MiB is not known: there is no EC2 compute environment in its region in the data",
        "when condition `IsSmall` is true, whether EC2 compute can place 2 vCPUs and 4,096 MiB "
        "is not known: there is no EC2 compute environment in its region in the data"]
    text = CliRunner().invoke(app, ["scan", str(tmp_path / "template.yaml"), "--select",
                                    "BL302,BL309"]).output
    assert "in 1 resource checked by 2 rules" in text
