"""Network paths and instance-type offerings, live from moto (BL113, BL114, BL310's network
clause): the collector reads only what the compute environments name, in batched calls,
and a refused network call leaves the network rules not verified, naming the call.

The account (its own moto, one region):
- ``private``: a subnet whose VPC's main table has only the local route, no endpoints;
- ``behind-nat``: a subnet routed to a NAT gateway (its public subnet behind an IGW);
- ``endpoints``: a subnet in a VPC with the ECS, ECR interface endpoints and an S3 one;
- ``closed``: behind the NAT, but its security group's egress rule was revoked;
- ``gpu-zone``: behind the NAT, in us-east-1f, naming p4d.24xlarge (offered in 1a-1d);
- ``fargate-public`` (subnet routed to the IGW) and a Fargate job definition without a
  public IP: BL310's network clause.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from .conftest import (
    EAST,
    MOTO_CONFIG,
    Call,
    Hooks,
    aws_environment,
    batch_roles,
    by_rule,
    error,
    scan_json,
)

ONLY = ("--region", EAST, "--select", "BL113,BL114,BL310")
NETWORK_ACTIONS = {"ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints",
                   "ec2:DescribeSecurityGroups", "ec2:DescribeInstanceTypeOfferings"}


def _vpc(ec2: Any, cidr: str, zone: str = "us-east-1a") -> tuple[str, str, str]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"),
                               AvailabilityZone=zone)["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="batch", Description="b", VpcId=vpc)["GroupId"]
    return vpc, subnet, group


def _build(session: boto3.Session) -> dict[str, Any]:
    ec2 = session.client("ec2", region_name=EAST)
    batch = session.client("batch", region_name=EAST)
    iam = session.client("iam")
    service, arn = batch_roles(iam)
    _, private, private_sg = _vpc(ec2, "10.1.0.0/16")
    # a VPC with a public subnet (IGW) and a NAT gateway, and private subnets behind it
    vpc, public, nat_sg = _vpc(ec2, "10.2.0.0/16")
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0",
                     NatGatewayId=nat)
    behind: dict[str, str] = {}
    for zone, cidr in (("us-east-1a", "10.2.2.0/24"), ("us-east-1f", "10.2.3.0/24")):
        behind[zone] = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr,
                                         AvailabilityZone=zone)["Subnet"]["SubnetId"]
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=behind[zone])
    closed = ec2.create_security_group(GroupName="closed", Description="c",
                                       VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    # a VPC without a way out but with every endpoint
    endpoint_vpc, isolated, isolated_sg = _vpc(ec2, "10.3.0.0/16")
    for service_name in ("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr"):
        ec2.create_vpc_endpoint(VpcId=endpoint_vpc, VpcEndpointType="Interface",
                                ServiceName=f"com.amazonaws.{EAST}.{service_name}",
                                PrivateDnsEnabled=True)
    ec2.create_vpc_endpoint(VpcId=endpoint_vpc, VpcEndpointType="Gateway",
                            ServiceName=f"com.amazonaws.{EAST}.s3")

    def ec2_env(name: str, subnet: str, group: str, types: list[str]) -> None:
        batch.create_compute_environment(
            computeEnvironmentName=name, type="MANAGED", state="ENABLED", serviceRole=service,
            computeResources={"type": "EC2", "minvCpus": 0, "maxvCpus": 16,
                              "instanceTypes": types, "subnets": [subnet],
                              "securityGroupIds": [group], "instanceRole": arn})

    ec2_env("private", private, private_sg, ["m5"])
    ec2_env("behind-nat", behind["us-east-1a"], nat_sg, ["m5.large"])
    ec2_env("endpoints", isolated, isolated_sg, ["m5"])
    ec2_env("closed", behind["us-east-1a"], closed, ["m5"])
    ec2_env("gpu-zone", behind["us-east-1f"], nat_sg, ["p4d.24xlarge"])
    batch.create_compute_environment(
        computeEnvironmentName="fargate-public", type="MANAGED", state="ENABLED",
        serviceRole=service, computeResources={"type": "FARGATE", "maxvCpus": 16,
                                               "subnets": [public],
                                               "securityGroupIds": [nat_sg]})
    batch.register_job_definition(
        jobDefinitionName="fargate-private", type="container",
        platformCapabilities=["FARGATE"], retryStrategy={"attempts": 2},
        containerProperties={"image": "busybox", "executionRoleArn": service,
                             "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                      {"type": "MEMORY", "value": "2048"}]})
    return {"private": private, "closed": closed, "nat": nat}


@pytest.fixture(scope="module")
def network_account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp, mock_aws(config=MOTO_CONFIG):
        aws_environment(mp, tmp_path_factory.mktemp("aws"))
        yield _build(boto3.Session(region_name=EAST))


def test_a_private_subnet_without_nat_or_endpoints_is_found_before_any_job_runs(
        cli: Any, network_account: dict[str, Any]) -> None:
    report = scan_json(cli, *ONLY)
    found = by_rule(report, "BL113")
    assert sorted(found) == ["closed", "private"]
    assert network_account["private"] in found["private"]
    assert "no NAT route" in found["private"] and "never join the cluster" in found["private"]
    assert network_account["closed"] in found["closed"] and "TCP 443" in found["closed"]
    assert by_rule(report, "BL113", "not_verified") == {}
    assert by_rule(report, "BL114") == {"gpu-zone": by_rule(report, "BL114")["gpu-zone"]}
    assert "us-east-1f" in by_rule(report, "BL114")["gpu-zone"]
    assert "internet gateway" in by_rule(report, "BL310")["fargate-private"]


def test_network_calls_are_few_read_only_and_batched(
        cli: Any, network_account: dict[str, Any], calls: list[Call]) -> None:
    scan_json(cli, *ONLY)
    network = [c for c in calls if c.action in NETWORK_ACTIONS]
    # one call each; route tables twice (explicit associations, then the VPCs' main tables)
    assert sorted(c.action for c in network) == sorted([*NETWORK_ACTIONS,
                                                        "ec2:DescribeRouteTables"])
    subnets = next(c for c in network if c.action == "ec2:DescribeSubnets")
    assert len(subnets.params["Filters"][0]["Values"]) == 5  # every subnet named, once


def test_access_denied_on_a_network_call_leaves_the_rules_not_verified_naming_it(
        cli: Any, network_account: dict[str, Any], hooks: Hooks) -> None:
    hooks.add("before-call.ec2.DescribeRouteTables",
              lambda **_: error("UnauthorizedOperation", "not allowed"))
    report = scan_json(cli, *ONLY)
    assert by_rule(report, "BL113") == {"closed": by_rule(report, "BL113")["closed"]}
    reasons = by_rule(report, "BL113", "not_verified")
    assert "private" in reasons and "endpoints" not in reasons  # the endpoints still decide
    assert all("UnauthorizedOperation on ec2:DescribeRouteTables" in r for r in reasons.values())
    assert "gpu-zone" in by_rule(report, "BL114")  # the scan went on


def test_the_export_carries_the_network_and_scans_alike(
        cli: Any, network_account: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "snapshot.json"
    assert cli("export", "--region", EAST, "--output", str(out)).exit_code == 0
    snapshot = json.loads(out.read_text())
    region = snapshot["accounts"][0]["regions"][0]
    assert snapshot["batchlint_snapshot"] == 3
    assert {"subnets", "routeTables", "vpcEndpoints", "securityGroups",
            "instanceTypeOfferings"} <= region.keys()
    assert {o["InstanceType"] for o in region["instanceTypeOfferings"]} == {"m5.large",
                                                                           "p4d.24xlarge"}
    live = scan_json(cli, *ONLY)
    from_file = scan_json(cli, str(out), "--select", "BL113,BL114,BL310")
    for key in ("findings", "not_verified"):
        assert sorted((f["rule_id"], f["resource"]["name"], f.get("message", f.get("reason")))
                      for f in live[key]) == \
            sorted((f["rule_id"], f["resource"]["name"], f.get("message", f.get("reason")))
                   for f in from_file[key])
