"""BL115, BL116 and BL204 on a live moto account: the rules of issue 12 that read what a
live scan collects of launch templates, images and queues (the network rules have
``test_network.py``).

The account (its own moto, one region):
- ``gpu-generic``: g4dn.xlarge with image type ECS_AL2023 (no NVIDIA driver) → BL115;
- ``gpu-nvidia``: the same with ECS_AL2023_NVIDIA → passes;
- ``gpu-pinned-ami``: the same pinning an AMI of the user's own → passes (it may carry the
  drivers); ``gpu-gone-template``: its launch template, which may pin one, does not exist →
  BL115 not verified;
- ``floating``: a launch template at ``$Latest`` → BL116 (and ``gpu-gone-template``'s
  ``$Default``); ``pinned``: version 1 → passes;
- queue ``no-limit`` (no jobStateTimeLimitActions: BL204, off by default, selected here).
  moto keeps no jobStateTimeLimitActions (a queue created with them describes without), so
  BL204's passing case is the files' (``tests/rules/cases/bl204``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from .conftest import EAST, MOTO_CONFIG, aws_environment, batch_roles, by_rule, scan_json

ONLY = ("--region", EAST, "--select", "BL115,BL116,BL204")
UNKNOWN_AMI = "ami-0abcdef1234567890"


def _build(session: boto3.Session) -> None:
    ec2 = session.client("ec2", region_name=EAST)
    batch = session.client("batch", region_name=EAST)
    iam = session.client("iam")
    service, profile = batch_roles(iam)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="batch", Description="b", VpcId=vpc)["GroupId"]
    ec2.create_launch_template(LaunchTemplateName="nodes", LaunchTemplateData={
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 100}}]})

    def environment(name: str, types: list[str], **extra: Any) -> None:
        batch.create_compute_environment(
            computeEnvironmentName=name, type="MANAGED", state="ENABLED", serviceRole=service,
            computeResources={"type": "EC2", "minvCpus": 0, "maxvCpus": 16,
                              "instanceTypes": types, "subnets": [subnet],
                              "securityGroupIds": [group],
                              "instanceRole": profile, **extra})

    environment("gpu-generic", ["g4dn.xlarge"], ec2Configuration=[{"imageType": "ECS_AL2023"}])
    environment("gpu-nvidia", ["g4dn.xlarge"],
                ec2Configuration=[{"imageType": "ECS_AL2023_NVIDIA"}])
    environment("gpu-pinned-ami", ["g4dn.xlarge"], imageId=UNKNOWN_AMI,
                ec2Configuration=[{"imageType": "ECS_AL2023"}])
    environment("gpu-gone-template", ["g4dn.xlarge"],
                ec2Configuration=[{"imageType": "ECS_AL2023"}],
                launchTemplate={"launchTemplateName": "gone", "version": "$Default"})
    environment("floating", ["m5"], ec2Configuration=[{"imageType": "ECS_AL2023"}],
                launchTemplate={"launchTemplateName": "nodes", "version": "$Latest"})
    environment("pinned", ["m5"], ec2Configuration=[{"imageType": "ECS_AL2023"}],
                launchTemplate={"launchTemplateName": "nodes", "version": "1"})
    order = [{"order": 1, "computeEnvironment": "pinned"}]
    batch.create_job_queue(jobQueueName="no-limit", state="ENABLED", priority=1,
                           computeEnvironmentOrder=order)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from typer.testing import CliRunner

    from batchlint.cli import app

    def cli(*args: str) -> Any:
        return CliRunner().invoke(app, list(args))

    with pytest.MonkeyPatch.context() as mp, mock_aws(config=MOTO_CONFIG):
        aws_environment(mp, tmp_path_factory.mktemp("aws"))
        _build(boto3.Session(region_name=EAST))
        yield scan_json(cli, *ONLY)


def test_gpu_instances_need_a_gpu_image(report: dict[str, Any]) -> None:
    found = by_rule(report, "BL115")
    assert set(found) == {"gpu-generic"}
    assert "g4dn.xlarge" in found["gpu-generic"] and "ECS_AL2023_NVIDIA" in found["gpu-generic"]
    unverified = by_rule(report, "BL115", "not_verified")
    assert set(unverified) == {"gpu-gone-template"}
    assert "`gone`" in unverified["gpu-gone-template"]


def test_a_floating_launch_template_version_is_found(report: dict[str, Any]) -> None:
    found = by_rule(report, "BL116")
    assert set(found) == {"floating", "gpu-gone-template"}  # $Default floats too
    assert "$Latest" in found["floating"] and "$Default" in found["gpu-gone-template"]
    assert by_rule(report, "BL116", "not_verified") == {}  # live versions are always known


def test_queues_without_a_runnable_time_limit(report: dict[str, Any]) -> None:
    assert set(by_rule(report, "BL204")) == {"no-limit"}
    assert by_rule(report, "BL204", "not_verified") == {}
