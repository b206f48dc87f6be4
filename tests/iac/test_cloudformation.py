"""CloudFormation templates: mapping, references, unknown values, positions, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.engine import RuleRun, run
from batchlint.errors import InputError
from batchlint.loaders import load_files
from batchlint.registry import load_rules

from ..conftest import REPO

REALWORLD = REPO / "tests" / "iac" / "realworld" / "cfn"
RULES = {r.id: r for r in load_rules(entry_points=False)}

TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Parameters:
  MaxCpus:
    Type: Number
    Default: 256
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  BatchRole:
    Type: AWS::IAM::Role
    Properties:
      Path: /service-role/
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: batch.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBatchServiceRole
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref InstanceRole]
  Disk:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs: {VolumeSize: 20}
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Metadata:
      batchlint:
        ignore: [BL109]
    Properties:
      Type: MANAGED
      ServiceRole: !GetAtt BatchRole.Arn
      ComputeResources:
        Type: EC2
        AllocationStrategy: BEST_FIT_PROGRESSIVE
        MinvCpus: 0
        MaxvCpus: !Ref MaxCpus
        InstanceTypes: [optimal]
        Subnets: !Ref Subnets
        InstanceRole: !GetAtt Profile.Arn
        LaunchTemplate:
          LaunchTemplateId: !Ref Disk
          Version: !GetAtt Disk.LatestVersionNumber
        Ec2Configuration:
          - ImageType: ECS_AL2023
  Imported:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ServiceRole: !ImportValue shared-batch-service-role
      ComputeResources:
        Type: EC2
        MaxvCpus: 16
        InstanceTypes: [m5.large]
        Subnets: [subnet-1]
        InstanceRole: !ImportValue shared-instance-profile
  Queue:
    Type: AWS::Batch::JobQueue
    Properties:
      Priority: 1
      ComputeEnvironmentOrder:
        - Order: 1
          ComputeEnvironment: !Ref Compute
  Job:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      Tags: {"batchlint:ignore": "BL305"}
      ContainerProperties:
        Image: public.ecr.aws/docker/library/busybox:1.36
        ResourceRequirements:
          - {Type: VCPU, Value: 1}
          - {Type: MEMORY, Value: 2048}
"""


def _scan(path: Path, *codes: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(RULES[c], RULES[c].severity, {}) for c in codes])
    found: dict[str, list[str]] = {}
    for f in report.findings:
        found.setdefault(f.rule_id, []).append(f.resource.name)
    gaps: dict[str, list[str]] = {}
    for n in report.not_verified:
        gaps.setdefault(n.rule_id, []).append(n.resource.name)
    return found, gaps


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "batch.yaml"
    path.write_text(TEMPLATE)
    return path


def test_resources_are_mapped_to_api_shapes(template: Path) -> None:
    model = load_files([str(template)]).templates[0]
    ce = model.find(m.COMPUTE_ENVIRONMENT, "Compute")
    assert ce is not None and ce.arn is None and ce.account is None
    cr = ce.data["computeResources"]
    assert cr["maxvCpus"] == 256  # the parameter's default
    assert cr["instanceRole"] == "arn:aws:iam:::instance-profile/Profile"
    assert cr["launchTemplate"] == {"launchTemplateId": "Disk", "version": "1"}
    assert ce.data["serviceRole"] == "arn:aws:iam:::role/service-role/BatchRole"
    assert ce.data["tags"] == {"batchlint:ignore": "BL109"}  # from Metadata
    # no default: not known; a list not known is left out, the reason is recorded
    assert "subnets" not in cr
    assert ce.unknown[("computeResources", "subnets")] == (
        "`ComputeResources.Subnets` depends on parameter `Subnets`, which has no default")
    jd = model.find(m.JOB_DEFINITION, "Job")
    assert jd is not None
    assert jd.data["containerProperties"]["resourceRequirements"] == [
        {"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "2048"}]
    profile = model.find(m.INSTANCE_PROFILE, "Profile")
    assert profile is not None and profile.data["Roles"][0]["RoleName"] == "InstanceRole"


def test_role_rules_work_from_the_template_alone(template: Path) -> None:
    found, gaps = _scan(template, "BL101", "BL102")
    assert found == {"BL102": ["Compute"]}  # InstanceRole lacks the ECS policy
    # imports cannot be known statically: not verified, never a finding
    assert gaps == {"BL101": ["Imported"], "BL102": ["Imported"]}


def test_launch_template_disk_is_read(template: Path) -> None:
    found, _ = _scan(template, "BL103")
    assert found == {"BL103": ["Compute", "Imported"]}


@pytest.mark.parametrize(("attribute", "words"), [("LatestVersionNumber", "latest"),
                                                  ("DefaultVersionNumber", "default")])
def test_a_computed_version_is_named_as_the_template_writes_it(
        template: Path, attribute: str, words: str) -> None:
    # the version the stack creates (1) is the one read; the template states no number
    template.write_text(TEMPLATE.replace("Disk.LatestVersionNumber", f"Disk.{attribute}"))
    report = run(load_files([str(template)]).models, [RuleRun(RULES["BL103"], "warning", {})])
    [finding] = [f for f in report.findings if f.resource.name == "Compute"]
    assert finding.message.startswith(f"compute environment `Compute` uses the {words} "
                                      f"version (`{attribute}`) of launch template `Disk`, "
                                      "which maps /dev/xvda to 20 GiB")


def test_suppressions_by_metadata_and_tags(template: Path, cli) -> None:
    doc = json.loads(cli("scan", str(template), "--select", "BL109,BL305", "--format",
                         "json").stdout)
    assert {(f["rule_id"], f["resource"]["name"]) for f in doc["suppressed"]} >= {
        ("BL109", "Compute"), ("BL305", "Job")}
    assert not [f for f in doc["findings"] if f["resource"]["name"] in ("Compute", "Job")
                and f["rule_id"] in ("BL109", "BL305")]


def test_findings_point_at_the_template_property(template: Path, cli) -> None:
    doc = json.loads(cli("scan", str(template), "--select", "BL102", "--format", "json").stdout)
    [finding] = doc["findings"]
    assert finding["resource"] == {"kind": "compute-environment", "name": "Compute",
                                   "arn": None, "account": None, "region": None}
    line = TEMPLATE.splitlines()[finding["location"]["line"] - 1]
    assert line.strip().startswith("InstanceRole: !GetAtt Profile.Arn")


def test_json_template(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"Resources": {"Q": {
        "Type": "AWS::Batch::JobQueue",
        "Properties": {"Priority": 1, "State": "ENABLED", "ComputeEnvironmentOrder": []}}}},
        indent=2))
    found, _ = _scan(path, "BL201")
    assert found == {"BL201": ["Q"]}


def test_templates_are_separate_views(tmp_path: Path) -> None:
    queue = {"Resources": {"Queue": {"Type": "AWS::Batch::JobQueue", "Properties": {
        "Priority": 1, "ComputeEnvironmentOrder": [{"Order": 1, "ComputeEnvironment": "CE"}]}}}}
    other = {"Resources": {"CE": {"Type": "AWS::Batch::ComputeEnvironment",
                                  "Properties": {"Type": "MANAGED", "State": "DISABLED"}}}}
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(queue))
    b.write_text(json.dumps(other))
    loaded = load_files([str(a), str(b)])
    assert len(loaded.templates) == 2
    report = run(loaded.models, [RuleRun(RULES["BL201"], "error", {})])
    # the queue's CE is not in its own template: not verified, not DISABLED-by-association
    assert [f.resource.name for f in report.findings] == []
    assert [n.resource.name for n in report.not_verified] == ["Queue"]


def test_scheduling_policy_is_mapped(tmp_path: Path) -> None:
    path = tmp_path / "fair.yaml"
    path.write_text("Resources:\n"
                    "  Fair:\n"
                    "    Type: AWS::Batch::SchedulingPolicy\n"
                    "    Properties:\n"
                    "      FairsharePolicy: {ShareDecaySeconds: 3600, ComputeReservation: 10}\n"
                    "  Queue:\n"
                    "    Type: AWS::Batch::JobQueue\n"
                    "    Properties:\n"
                    "      Priority: 1\n"
                    "      SchedulingPolicyArn: !Ref Fair\n"
                    "      ComputeEnvironmentOrder: []\n")
    model = load_files([str(path)]).templates[0]
    policy = model.find(m.SCHEDULING_POLICY, "Fair")
    assert policy is not None
    assert policy.data["fairsharePolicy"] == {"shareDecaySeconds": 3600, "computeReservation": 10}
    queue = model.find(m.JOB_QUEUE, "Queue")
    assert queue is not None
    assert model.find(m.SCHEDULING_POLICY, queue.data["schedulingPolicyArn"]) is policy


def test_numbers_only_known_at_deploy_time_are_not_read_as_unset(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("Parameters:\n"
                    "  Min: {Type: Number}\n"
                    "  Desired: {Type: Number}\n"
                    "Resources:\n"
                    "  Compute:\n"
                    "    Type: AWS::Batch::ComputeEnvironment\n"
                    "    Properties:\n"
                    "      Type: MANAGED\n"
                    "      ComputeResources:\n"
                    "        Type: EC2\n"
                    "        MinvCpus: !Ref Min\n"
                    "        DesiredvCpus: !Ref Desired\n"
                    "        MaxvCpus: 16\n"
                    "        InstanceTypes: [optimal]\n")
    found, _ = _scan(path, "BL108", "BL109")
    # minvCpus is a parameter without default: not known, so BL109 cannot say it is 0;
    # DesiredvCpus is set in the template, whatever its value: BL108 holds
    assert found == {"BL108": ["Compute"]}


def test_template_without_batch_resources_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bucket.yaml"
    path.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    loaded = load_files([str(path)])
    assert loaded.notes == [f"skipped {path}: a CloudFormation template without AWS Batch "
                            "resources"]


@pytest.mark.parametrize(("text", "message"), [
    ("Resources:\n  A:\n    Type: AWS::Batch::JobQueue\n    Properties: !Bogus x\n",
     ":4:17: unknown tag !Bogus"),
    ("Resources:\n  A: [1, 2\n", ":3:1: invalid YAML: did not find expected ',' or ']'"),
    ("AWSTemplateFormatVersion: 2010-09-09\nDescription: nothing\n",
     ":1:1: template has no Resources"),
])
def test_bad_templates(tmp_path: Path, cli, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError):
        load_files([str(path)])
    result = cli("scan", str(path))
    assert (result.exit_code, result.stderr) == (2, f"batchlint: error: {path}{message}\n")


def test_a_key_given_twice_keeps_the_last_value_as_cloudformation_does(tmp_path: Path,
                                                                      cli) -> None:
    """CloudFormation deploys a template with a key given twice, keeping the last value:
    batchlint lints it so, says so in one line, and locates findings in the last one."""
    path = tmp_path / "twice.yaml"
    path.write_text("Resources:\n"
                    "  Job:\n"
                    "    Type: AWS::Batch::JobDefinition\n"
                    "    Properties:\n"
                    "      Type: container\n"
                    "      RetryStrategy: {Attempts: 3}\n"
                    "      ContainerProperties: {Image: 'busybox:1.36'}\n"
                    "  Job:\n"
                    "    Type: AWS::Batch::JobDefinition\n"
                    "    Properties:\n"
                    "      Type: container\n"
                    "      ContainerProperties: {Image: 'busybox:1.36'}\n")
    result = cli("scan", str(path), "--format", "concise", "--select", "BL301")
    assert result.exit_code == 1
    assert result.stderr == (f"batchlint: {path}:8:3: duplicate key 'Job': CloudFormation keeps "
                             "the last value, and so does batchlint\n")
    # the first Job's RetryStrategy (line 6) is gone: the finding is on the last Job's
    # Properties, which have none
    assert result.stdout.startswith(f"{path}:10:5: BL301 [warning] job definition `Job` has no "
                                    "RetryStrategy")


def test_plain_yaml_is_not_batch_configuration(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text("name: web\nreplicas: 3\n")
    assert load_files([str(path)]).notes == [f"skipped {path}: not AWS Batch configuration"]


@pytest.mark.parametrize("name", sorted(p.name for p in REALWORLD.glob("*.yaml")))
def test_real_templates_load(name: str, cli) -> None:
    result = cli("scan", str(REALWORLD / name), "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stdout


def test_keys_of_the_users_own_maps_are_spelled_as_written(tmp_path: Path) -> None:
    """API paths are spelled as the template spells them (``LogConfiguration``), but a
    log driver's option is the user's own key: ``awslogs-region``, not ``Awslogs-region``."""
    path = tmp_path / "t.yaml"
    path.write_text('''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Region: {Type: String}
Resources:
  JD:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: repo:1
        LogConfiguration:
          LogDriver: awslogs
          Options:
            awslogs-region: !Ref Region
''')
    [model] = load_files([str(path)]).templates
    [jd] = list(model.resources)
    assert jd.unknown == {("containerProperties", "logConfiguration", "options", "awslogs-region"):
                          "`ContainerProperties.LogConfiguration.Options.awslogs-region` depends "
                          "on parameter `Region`, which has no default"}
