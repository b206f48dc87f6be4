"""A realistic AWS Batch account in moto (in-process ``mock_aws``) and ways to put faults in it.

The account (built once per test module, since building it costs moto a few
seconds) has two regions:

us-east-1
    IAM (global): the Batch service role with AWSBatchServiceRole, a legacy
    service role that trusts EC2 and has no policy (BL101), the ECS instance
    role (with an inline policy) and its instance profile, the Spot Fleet role,
    and a role nothing references. Three AMIs registered in the account (Amazon
    Linux 1, 2 and 2023 ECS-optimized) besides moto's ~1300 public ones. A launch
    template with two versions (30 GiB then 200 GiB root disk; MIME user data
    with a token in it) and an unreferenced one. Four compute environments: EC2
    with the template by name ($Latest), SPOT with it by id ($Default), EC2
    pinning an AMI by imageId, SPOT pinning one by ec2Configuration and without
    a Spot Fleet role. Three queues. Job definitions ``train`` (three ACTIVE
    revisions, only the last with a retry strategy), ``etl`` (a password in its
    environment), ``eks-etl`` (an API key in its EKS pod's environment),
    ``cleanup`` (its only revision deregistered).
us-west-2
    One SPOT compute environment with the same IAM roles, its own launch
    template, a queue and a job definition.

Where moto does not serve something, the response is put in at the botocore
layer, never by mocking boto3: ``Hooks`` adds event handlers to
``botocore.handlers.BUILTIN_HANDLERS`` for the length of one test, so every
botocore session batchlint creates (its base session, each worker's frozen
copy, each assumed role's session) carries them, as it carries moto's own
``before-send`` handler. A ``before-call`` handler that returns
``(http_response, parsed)`` replaces the call (no retry); a ``before-send``
handler that returns an ``AWSResponse`` replaces one HTTP attempt (retried
like a real response).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.handlers
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

ACCOUNT = DEFAULT_ACCOUNT_ID
EAST, WEST = "us-east-1", "us-west-2"
MOTO_CONFIG: Any = {
    "iam": {"load_aws_managed_policies": True},  # AWSBatchServiceRole & co. exist
    "batch": {"use_docker": False},  # a submitted job must never start a container
}
MANAGED = "arn:aws:iam::aws:policy/"
BATCH_POLICY = MANAGED + "service-role/AWSBatchServiceRole"
INSTANCE_POLICY = MANAGED + "service-role/AmazonEC2ContainerServiceforEC2Role"
SPOT_FLEET_POLICY = MANAGED + "service-role/AmazonEC2SpotFleetTaggingRole"
USER_DATA_HEADERS = ('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="==BOUNDARY=="'
                     "\n\n")
USER_DATA = (USER_DATA_HEADERS + "--==BOUNDARY==\nContent-Type: text/x-shellscript; "
             'charset="us-ascii"\n\n#!/bin/bash\nexport API_TOKEN=ghp_user_data_secret_value\n'
             "echo ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=10m >> /etc/ecs/ecs.config\n"
             "--==BOUNDARY==--\n")
DB_PASSWORD = "hunter2-correct-horse"  # the secret-looking value in job definition `etl`
EKS_API_KEY = "sk-live-eks-0123456789abcdef"  # and in `eks-etl` (an EKS pod's `env`)
# Quota codes the environments of each region need (quotas.quota_code of their families).
ON_DEMAND_STANDARD, SPOT_STANDARD = "L-1216C47A", "L-34B43A08"


# -- the account --------------------------------------------------------------


@dataclass
class Account:
    """What the fixture built: names and ids the tests look for."""

    account: str = ACCOUNT
    roles: dict[str, str] = field(default_factory=dict)  # name -> ARN
    profile_arn: str = ""
    images: dict[str, str] = field(default_factory=dict)  # label -> AMI id
    templates: dict[str, str] = field(default_factory=dict)  # name -> LaunchTemplateId
    compute_environments: dict[str, list[str]] = field(default_factory=dict)  # region -> names
    queues: dict[str, list[str]] = field(default_factory=dict)
    job_definitions: dict[str, list[str]] = field(default_factory=dict)  # region -> name:rev


def trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def batch_roles(iam: Any) -> tuple[str, str]:
    """A Batch service role and the ``ecsInstanceRole`` instance profile (no policies): the
    ARNs of the role and the profile, for accounts that only need environments to exist."""
    service = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument=trust(
        "batch.amazonaws.com"))["Role"]["Arn"]
    iam.create_role(RoleName="ecsInstanceRole",
                    AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    profile = iam.create_instance_profile(InstanceProfileName="ecsInstanceRole")
    iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole",
                                     RoleName="ecsInstanceRole")
    return service, profile["InstanceProfile"]["Arn"]


def build_iam(session: boto3.Session, out: Account) -> None:
    iam = session.client("iam")

    def role(name: str, service: str, path: str = "/", *policies: str) -> None:
        arn = iam.create_role(RoleName=name, Path=path,
                              AssumeRolePolicyDocument=trust(service))["Role"]["Arn"]
        for policy in policies:
            iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        out.roles[name] = arn

    role("AWSBatchServiceRole", "batch.amazonaws.com", "/service-role/", BATCH_POLICY)
    role("legacy-batch-service", "ec2.amazonaws.com")  # wrong trust, no policy: BL101
    role("ecsInstanceRole", "ec2.amazonaws.com", "/", INSTANCE_POLICY)
    iam.put_role_policy(RoleName="ecsInstanceRole", PolicyName="read-artifacts",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    role("AmazonEC2SpotFleetRole", "spotfleet.amazonaws.com", "/service-role/",
         SPOT_FLEET_POLICY)
    role("unrelated-lambda-role", "lambda.amazonaws.com")  # referenced by nothing
    profile = iam.create_instance_profile(InstanceProfileName="ecsInstanceRole")
    iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole",
                                     RoleName="ecsInstanceRole")
    out.profile_arn = profile["InstanceProfile"]["Arn"]


def network(ec2: Any) -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="batch", Description="Batch instances",
                                      VpcId=vpc)["GroupId"]
    return subnet, group


def resources(subnet: str, group: str, profile: str, **extra: Any) -> dict[str, Any]:
    return {"minvCpus": 0, "desiredvCpus": 0, "subnets": [subnet], "securityGroupIds": [group],
            "instanceRole": profile, **extra}


def build_east(session: boto3.Session, out: Account) -> None:
    ec2 = session.client("ec2", region_name=EAST)
    batch = session.client("batch", region_name=EAST)
    subnet, group = network(ec2)
    out.images["al1"] = ec2.register_image(
        Name="amzn-ami-2018.03.20230606-amazon-ecs-optimized")["ImageId"]
    out.images["al2023"] = ec2.register_image(
        Name="al2023-ami-ecs-hvm-2023.0.20240109-kernel-6.1-x86_64")["ImageId"]
    out.images["al2"] = ec2.register_image(
        Name="amzn2-ami-ecs-hvm-2.0.20240109-x86_64-ebs")["ImageId"]
    nodes = ec2.create_launch_template(LaunchTemplateName="batch-nodes", LaunchTemplateData={
        "ImageId": out.images["al2023"],
        "UserData": base64.b64encode(USER_DATA.encode()).decode(),
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                 "Ebs": {"VolumeSize": 30, "VolumeType": "gp3"}}],
    })["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=nodes, SourceVersion="1",
                                       LaunchTemplateData={"BlockDeviceMappings": [
                                           {"DeviceName": "/dev/xvda",
                                            "Ebs": {"VolumeSize": 200, "VolumeType": "gp3"}}]})
    out.templates["batch-nodes"] = nodes
    out.templates["unused-template"] = ec2.create_launch_template(
        LaunchTemplateName="unused-template", LaunchTemplateData={"ImageId": "ami-760aaa0f"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    service, legacy = out.roles["AWSBatchServiceRole"], out.roles["legacy-batch-service"]
    fleet = out.roles["AmazonEC2SpotFleetRole"]
    environments = {
        "ondemand-lt": (service, resources(
            subnet, group, out.profile_arn, type="EC2", maxvCpus=256, instanceTypes=["m5"],
            launchTemplate={"launchTemplateName": "batch-nodes", "version": "$Latest"})),
        "spot-lt": (service, resources(
            subnet, group, out.profile_arn, type="SPOT", maxvCpus=128, bidPercentage=60,
            instanceTypes=["c5.large", "c5.xlarge"], spotIamFleetRole=fleet,
            launchTemplate={"launchTemplateId": nodes, "version": "$Default"})),
        "ondemand-plain": (legacy, resources(
            subnet, group, "ecsInstanceRole", type="EC2", maxvCpus=64, instanceTypes=["optimal"],
            imageId=out.images["al1"])),
        "spot-plain": (service, resources(
            subnet, group, out.profile_arn, type="SPOT", maxvCpus=64, instanceTypes=["r5"],
            ec2Configuration=[{"imageType": "ECS_AL2", "imageIdOverride": out.images["al2"]}])),
    }
    for name, (role, compute) in environments.items():
        batch.create_compute_environment(computeEnvironmentName=name, type="MANAGED",
                                         state="ENABLED", serviceRole=role,
                                         computeResources=compute)
    out.compute_environments[EAST] = sorted(environments)
    queues = {"high-priority": ["ondemand-lt", "spot-lt"], "spot-only": ["spot-plain"],
              "legacy": ["ondemand-plain"]}
    for priority, (name, ces) in enumerate(queues.items(), 1):
        batch.create_job_queue(jobQueueName=name, state="ENABLED", priority=priority,
                               computeEnvironmentOrder=[{"order": i, "computeEnvironment": ce}
                                                        for i, ce in enumerate(ces, 1)])
    out.queues[EAST] = sorted(queues)
    container = {"image": "public.ecr.aws/docker/library/python:3.12", "vcpus": 2,
                 "memory": 4096, "command": ["python", "train.py"]}
    for revision in (1, 2, 3):
        retry = {"retryStrategy": {"attempts": 3}} if revision == 3 else {}
        batch.register_job_definition(
            jobDefinitionName="train", type="container",
            containerProperties={**container, "vcpus": 2 * revision}, **retry)
    batch.register_job_definition(
        jobDefinitionName="etl", type="container", retryStrategy={"attempts": 2},
        containerProperties={**container, "environment": [
            {"name": "DB_PASSWORD", "value": DB_PASSWORD},
            {"name": "LOG_LEVEL", "value": "debug"}]})
    batch.register_job_definition(
        jobDefinitionName="eks-etl", type="container", retryStrategy={"attempts": 2},
        eksProperties={"podProperties": {"containers": [{
            "name": "main", "image": "public.ecr.aws/docker/library/python:3.12",
            "env": [{"name": "API_KEY", "value": EKS_API_KEY}]}]}})
    cleanup = batch.register_job_definition(jobDefinitionName="cleanup", type="container",
                                            containerProperties=container)
    batch.deregister_job_definition(jobDefinition=cleanup["jobDefinitionArn"])
    out.job_definitions[EAST] = ["eks-etl:1", "etl:1", "train:1", "train:2", "train:3"]


def build_west(session: boto3.Session, out: Account) -> None:
    ec2 = session.client("ec2", region_name=WEST)
    batch = session.client("batch", region_name=WEST)
    subnet, group = network(ec2)
    out.templates["west-nodes"] = ec2.create_launch_template(
        LaunchTemplateName="west-nodes", LaunchTemplateData={"BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 100}}]},
    )["LaunchTemplate"]["LaunchTemplateId"]
    batch.create_compute_environment(
        computeEnvironmentName="west-spot", type="MANAGED", state="ENABLED",
        serviceRole=out.roles["AWSBatchServiceRole"],
        computeResources=resources(
            subnet, group, out.profile_arn, type="SPOT", maxvCpus=32, instanceTypes=["m5"],
            spotIamFleetRole=out.roles["AmazonEC2SpotFleetRole"],
            allocationStrategy="BEST_FIT",
            launchTemplate={"launchTemplateName": "west-nodes"}))
    out.compute_environments[WEST] = ["west-spot"]
    batch.create_job_queue(jobQueueName="west", state="ENABLED", priority=1,
                           computeEnvironmentOrder=[{"order": 1,
                                                     "computeEnvironment": "west-spot"}])
    out.queues[WEST] = ["west"]
    batch.register_job_definition(jobDefinitionName="west-report", type="container",
                                  retryStrategy={"attempts": 2},
                                  containerProperties={"image": "busybox", "vcpus": 1,
                                                       "memory": 512})
    out.job_definitions[WEST] = ["west-report:1"]


def aws_environment(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    """Credentials and region from the environment only: no user AWS files, no IMDS."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN",
                 "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_REGION"):
        mp.delenv(name, raising=False)
    mp.setenv("AWS_CONFIG_FILE", str(tmp / "no-config"))
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-credentials"))
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.setenv("AWS_DEFAULT_REGION", EAST)


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Account]:
    """The two-region account above, in a moto that lives as long as the test module."""
    with pytest.MonkeyPatch.context() as mp, mock_aws(config=MOTO_CONFIG):
        aws_environment(mp, tmp_path_factory.mktemp("aws"))
        out = Account()
        session = boto3.Session(region_name=EAST)
        build_iam(session, out)
        build_east(session, out)
        build_west(session, out)
        yield out


# -- botocore hooks -------------------------------------------------------------


class Hooks:
    """Event handlers that every botocore session created during the test registers."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self._handlers = list(botocore.handlers.BUILTIN_HANDLERS)
        monkeypatch.setattr(botocore.handlers, "BUILTIN_HANDLERS", self._handlers)

    def add(self, event: str, handler: Callable[..., Any], first: bool = False) -> None:
        if first:
            self._handlers.append((event, handler, botocore.handlers.REGISTER_FIRST))
        else:
            self._handlers.append((event, handler))


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Hooks:
    return Hooks(monkeypatch)


@dataclass(frozen=True)
class Call:
    action: str  # IAM-style: batch:DescribeJobQueues
    region: str | None
    params: dict[str, Any]


@pytest.fixture
def calls(hooks: Hooks) -> list[Call]:
    """Every AWS operation attempted during the test (before batchlint's guard sees it)."""
    seen: list[Call] = []

    def record(model: Any, params: dict[str, Any], context: dict[str, Any] | None = None,
               **_: Any) -> None:
        action = f"{model.service_model.signing_name}:{model.name}"
        seen.append(Call(action, (context or {}).get("client_region"), dict(params)))

    hooks.add("before-parameter-build", record, first=True)
    return seen


def response(status: int, parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    """What a ``before-call`` handler returns in place of the call."""
    parsed.setdefault("ResponseMetadata", {"HTTPStatusCode": status, "HTTPHeaders": {}})
    return AWSResponse("https://injected.invalid/", status, {}, None), parsed


def error(code: str, message: str = "injected", status: int = 403) -> Any:
    return response(status, {"Error": {"Code": code, "Message": message}})


def region_of(context: dict[str, Any] | None) -> str | None:
    return (context or {}).get("client_region")


def inject_quotas(hooks: Hooks, values: dict[str, float],
                  seen: list[tuple[str | None, str]] | None = None) -> None:
    """Serve EC2 vCPU quotas (moto's service-quotas knows only VPC quotas) at the botocore
    layer: a ``before-call.service-quotas.GetServiceQuota`` handler answers in moto's
    place."""

    def answer(params: dict[str, Any], context: dict[str, Any] | None = None,
               **_: Any) -> Any:
        body = json.loads(params["body"])
        code, region = body["QuotaCode"], region_of(context)
        if seen is not None:
            seen.append((region, code))
        if code not in values:
            return error("NoSuchResourceException", f"quota {code} not found", 400)
        return response(200, {"Quota": {
            "ServiceCode": "ec2", "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
            "QuotaArn": f"arn:aws:servicequotas:{region}:{ACCOUNT}:ec2/{code}",
            "QuotaCode": code, "QuotaName": f"vCPU quota {code}", "Value": float(values[code]),
            "Unit": "None", "Adjustable": True, "GlobalQuota": False}})

    hooks.add("before-call.service-quotas.GetServiceQuota", answer)


GENEROUS = {ON_DEMAND_STANDARD: 5000.0, SPOT_STANDARD: 5000.0}


# -- running batchlint ----------------------------------------------------------


def scan_json(cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    """``batchlint scan --format json ARGS``; the report (exit code 0 or 1 expected)."""
    result = cli("scan", "--format", "json", *args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash, which the runner would report as exit code 1
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr, result.stdout)
    report: dict[str, Any] = json.loads(result.stdout)
    report["_stderr"] = result.stderr
    return report


def identity(resource: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(resource.get(k) for k in ("kind", "name", "arn", "account", "region"))


def findings(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(rule, resource identity, message) of every finding, location left out."""
    return sorted((f["rule_id"], identity(f["resource"]), f["message"])
                  for f in report["findings"])


def not_verified(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((n["rule_id"], identity(n["resource"]), n["reason"])
                  for n in report["not_verified"])


def by_rule(report: dict[str, Any], rule: str, key: str = "findings") -> dict[str, str]:
    """{resource name: message or reason} of one rule's findings or not-verified checks."""
    text = "message" if key == "findings" else "reason"
    return {f["resource"]["name"]: f[text] for f in report[key] if f["rule_id"] == rule}


BOTH_REGIONS = ("--region", EAST, "--region", WEST)
