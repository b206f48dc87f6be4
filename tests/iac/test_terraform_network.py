"""Terraform plans and source with their VPCs: BL113 (network path) and BL114 (offerings).

``configs/network`` makes three VPCs by hand and two with the vendored
terraform-aws-modules/vpc v5.21.0 (``modules/terraform-aws-vpc``), and a Batch environment
on each; see the table at the top of its ``main.tf``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.registry import load_rules
from tests.iac.terraform.planner import HERE, Planner, unavailable

RULES = {r.id: r for r in load_rules(entry_points=False)}
_WHY_NOT = unavailable()
real = pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real Terraform plans: {_WHY_NOT}")
CE = "aws_batch_compute_environment."
OFFERINGS = ("which Availability Zones offer instance type `{}` is not in a Terraform "
             "configuration: only the account says (a live scan, or `ec2 "
             "describe-instance-type-offerings --location-type availability-zone` output "
             "scanned with the account's subnets)")


def _network_dir(work: Path) -> tuple[Planner, Path]:
    planner = Planner(work)
    directory = planner.config_dir("network")
    shutil.copytree(HERE / "modules" / "terraform-aws-vpc", directory / "vpc")
    return planner, directory


@pytest.fixture(scope="module")
def network_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    planner, directory = _network_dir(tmp_path_factory.mktemp("terraform-network"))
    return planner.plan(directory, planner.work / "network.json")


def _report(paths: list[str]) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    loaded = load_files(paths)
    report = run(loaded.models, [RuleRun(RULES[c], RULES[c].severity, {})
                                 for c in ("BL113", "BL114")])
    found = {(f.rule_id, f.resource.name): f.message for f in report.findings}
    gaps = {(n.rule_id, n.resource.name): n.reason for n in report.not_verified}
    return found, gaps


def _no_path(ce: str, subnets: list[tuple[str, str]], vpc: str) -> str:
    """BL113's message for (subnet, route table) pairs without a way out, in one VPC."""
    why = "; ".join(f"subnet `{s}` (route table `{t}`) has no NAT route (no default route) "
                    f"and its VPC `{vpc}` lacks every ECS, ECR and S3 endpoint" for s, t in subnets)
    return (f"compute environment `{CE}{ce}` has no network path to ECS, ECR and S3: {why}, so "
            "its instances never join the cluster and jobs stay RUNNABLE; route "
            "compute_resources.subnets through a NAT gateway, give instances a public IP "
            "behind an internet gateway, or add the ecs, ecs-agent, ecs-telemetry, ecr.api, "
            "ecr.dkr and s3 VPC endpoints")


CLOSED = (f"compute environment `{CE}closed`: its security groups "
          "(`aws_security_group.closed`) allow no outbound TCP 443, so its instances never "
          "join the cluster; add an outbound rule for TCP 443 to "
          "compute_resources.security_group_ids")
OUTSIDE = ("subnet `subnet-0a1b2c3d4e5f6071{}` is not in the Terraform configuration: only "
           "the account has it (scan the account, live or from a snapshot)")
# no groups of its own: its launch template's group has no egress rule
LT_CLOSED = (f"compute environment `{CE}lt_closed`: its launch template's security groups "
             "(`aws_security_group.closed`) allow no outbound TCP 443, so its instances never "
             "join the cluster; add an outbound rule for TCP 443 to them")
# private subnets whose table has only the local route, in a VPC without endpoints
ISOLATED = _no_path("isolated", [(f"aws_subnet.isolated[{i}]",
                                  'aws_route_table.private["isolated"]') for i in (0, 1)],
                    'aws_vpc.this["isolated"]')
GAPS = {  # plan and source alike
    # subnets from a variable: a VPC outside the plan
    # the subnets missing for the same reason, in one line
    ("BL113", f"{CE}outside"): "subnets `subnet-0a1b2c3d4e5f60711`, `subnet-0a1b2c3d4e5f60712` "
                               "are not in the Terraform configuration: only the account has "
                               "them (scan the account, live or from a snapshot)",
    ("BL114", f"{CE}outside"): OUTSIDE.format(1),
    # the subnets' zones are known; which zones offer the type only files or a live account say
    ("BL114", f"{CE}endpoints"): OFFERINGS.format("p4d.24xlarge"),
}


@real
def test_plan_network_paths(network_plan: Path) -> None:
    found, gaps = _report([str(network_plan)])
    assert found == {
        ("BL113", f"{CE}isolated"): ISOLATED,
        # Terraform removed AWS's allow-all egress rule of a group without egress blocks
        ("BL113", f"{CE}closed"): CLOSED,
        ("BL113", f"{CE}lt_closed"): LT_CLOSED,  # lt_open's group allows egress
    }
    assert gaps == {
        # the VPC module's subnets name their VPC through a local value, which a plan does
        # not carry: without a NAT route, whether the VPC has the endpoints is not known
        ("BL113", f"{CE}module_private"): (
            "it depends on values not known before deployment: `vpc_id` comes from "
            "`module.vpc_private.local.vpc_id`, known only after apply (of subnet "
            "`module.vpc_private.aws_subnet.private[0]`); `vpc_id` comes from "
            "`module.vpc_private.local.vpc_id`, known only after apply (of subnet "
            "`module.vpc_private.aws_subnet.private[1]`)"),
        **GAPS,
    }
    # natted (NAT route, egress from an aws_vpc_security_group_egress_rule), endpoints (the
    # five interface endpoints with private DNS and S3) and module_nat (the module's single
    # NAT gateway) pass; environments naming only families (m6i) have no BL114 check


@real
def test_plan_network_model(network_plan: Path) -> None:
    [model] = load_files([str(network_plan)]).templates
    ce = model.find(m.COMPUTE_ENVIRONMENT, f"{CE}module_nat")
    assert ce is not None and ce.data["computeResources"]["subnets"] == [
        "module.vpc_nat.aws_subnet.private[0]", "module.vpc_nat.aws_subnet.private[1]"]
    table = model.find(m.ROUTE_TABLE, "module.vpc_nat.aws_route_table.private[0]")
    assert table is not None and table.data["Routes"] == [
        {"DestinationCidrBlock": "0.0.0.0/0",
         "NatGatewayId": "module.vpc_nat.aws_nat_gateway.this[0]"}]
    assert [a["SubnetId"] for a in table.data["Associations"]] == [
        "module.vpc_nat.aws_subnet.private[0]", "module.vpc_nat.aws_subnet.private[1]"]
    public = model.find(m.ROUTE_TABLE, "aws_route_table.public")
    assert public is not None and public.data["Routes"] == [
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "aws_internet_gateway.natted",
         "batchlintGatewayKind": "internet"}]
    subnet = model.find(m.SUBNET, "aws_subnet.public")
    assert subnet is not None and subnet.data == {
        "SubnetId": "aws_subnet.public", "VpcId": 'aws_vpc.this["natted"]',
        "AvailabilityZone": "us-east-1a", "MapPublicIpOnLaunch": True}
    group = model.find(m.SECURITY_GROUP, "aws_security_group.by_rule")
    assert group is not None and group.data["IpPermissionsEgress"] == [{"IpProtocol": "-1"}]


def test_source_network_paths(tmp_path: Path) -> None:
    """The same configuration read as source (no terraform needed): the VPC module's locals
    are evaluated, so its VPC without NAT is known to lack the endpoints (a plan cannot say),
    and its VPC with NAT has its NAT route."""
    directory = tmp_path / "network"
    shutil.copytree(HERE / "configs" / "network", directory)
    shutil.copytree(HERE / "modules" / "terraform-aws-vpc", directory / "vpc")
    found, gaps = _report([str(directory)])
    assert found == {
        ("BL113", f"{CE}isolated"): ISOLATED,
        ("BL113", f"{CE}closed"): CLOSED,
        ("BL113", f"{CE}lt_closed"): LT_CLOSED,
        ("BL113", f"{CE}module_private"): _no_path("module_private", [
            (f"module.vpc_private.aws_subnet.private[{i}]",
             f"module.vpc_private.aws_route_table.private[{i}]") for i in (0, 1)],
            "module.vpc_private.aws_vpc.this[0]"),
    }
    # module_nat passes, as in the plan: the module's NAT route table is counted by
    # `nat_gateway_count = var.single_nat_gateway ? 1 : var.one_nat_gateway_per_az ? … : …`,
    # a conditional in a conditional (right-associative, as Terraform reads it)
    assert gaps == GAPS


def _resource(address: str, values: dict[str, object]) -> dict[str, object]:
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "values": values}


def _refs(*addresses: str) -> dict[str, object]:
    return {"references": [r for a in addresses for r in (a, a.rsplit(".", 1)[0])]}


def test_what_a_plan_leaves_open_is_not_guessed(tmp_path: Path) -> None:
    """A hand-made plan (no resource_changes: a null value with references is known only
    after apply): a subnet associated with a table from a variable, a subnet on a main table
    another table replaced, whose default route goes to a gateway from a variable."""
    resources = [
        _resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
        _resource("aws_subnet.a", {"availability_zone": "us-east-1a", "vpc_id": None}),
        _resource("aws_subnet.b", {"availability_zone": "us-east-1b", "vpc_id": None}),
        _resource("aws_route_table_association.a", {"subnet_id": None, "route_table_id": None}),
        _resource("aws_route_table.main", {"vpc_id": None, "route": [
            {"cidr_block": "0.0.0.0/0", "gateway_id": None},
            {"ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-0abc"}]}),
        _resource("aws_main_route_table_association.main", {"vpc_id": None,
                                                            "route_table_id": None}),
        _resource("aws_security_group.open", {"vpc_id": None, "egress": [
            {"protocol": "-1", "from_port": 0, "to_port": 0}]}),
        _resource("aws_batch_compute_environment.ce", {"type": "MANAGED", "compute_resources": [
            {"type": "EC2", "max_vcpus": 4, "instance_type": ["m6i"], "subnets": None,
             "security_group_ids": None,
             "instance_role": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"}]}),
    ]
    config = [
        {"address": "aws_subnet.a", "expressions": {"vpc_id": _refs("aws_vpc.main.id")}},
        {"address": "aws_subnet.b", "expressions": {"vpc_id": _refs("aws_vpc.main.id")}},
        {"address": "aws_route_table_association.a", "expressions": {
            "subnet_id": _refs("aws_subnet.a.id"), "route_table_id": _refs("var.table.id")}},
        {"address": "aws_route_table.main", "expressions": {
            "vpc_id": _refs("aws_vpc.main.id"), "route": _refs("var.gateway.id")}},
        {"address": "aws_main_route_table_association.main", "expressions": {
            "vpc_id": _refs("aws_vpc.main.id"),
            "route_table_id": _refs("aws_route_table.main.id")}},
        {"address": "aws_security_group.open", "expressions": {
            "vpc_id": _refs("aws_vpc.main.id")}},
        {"address": "aws_batch_compute_environment.ce", "expressions": {"compute_resources": [{
            "subnets": {"references": ["aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id",
                                       "aws_subnet.b"]},
            "security_group_ids": _refs("aws_security_group.open.id")}]}},
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": resources}},
        "configuration": {"root_module": {"resources": config}}}))
    [model] = load_files([str(path)]).templates
    main = model.find(m.ROUTE_TABLE, "aws_route_table.main")
    assert main is not None and main.data["Associations"] == [{"Main": True}]
    vpc_main = model.find(m.ROUTE_TABLE, "aws_vpc.main main route table")
    assert vpc_main is not None and vpc_main.data["Associations"] == []  # main no more
    assert main.data["Routes"][1] == {"EgressOnlyInternetGatewayId": "eigw-0abc"}  # IPv6
    found, gaps = _report([str(path)])
    assert found == {}
    assert gaps == {("BL113", f"{CE}ce"): (
        "it depends on values not known before deployment: the route table of subnet "
        "`aws_subnet.a` is not known: `route_table_id` is known only after apply (of "
        "route-table `aws_route_table_association.a (aws_subnet.a)`); the target of "
        "`route[0]` is not in the plan (of route-table `aws_route_table.main`)")}


def test_a_version_through_a_dynamic_index_is_not_the_template(tmp_path: Path) -> None:
    """``aws_launch_template.lt[each.key].latest_version`` reaches a plan as a reference to
    ``aws_launch_template.lt`` alone: the instance is known (the environment's own key) but
    not which attribute is read. The id is the template; the version is not known, not the
    template's address read as a version."""
    lt_data = {"name": "a", "vpc_security_group_ids": None}
    ce_data = {"type": "MANAGED", "compute_resources": [{
        "type": "EC2", "max_vcpus": 4, "instance_type": ["m6i"],
        "launch_template": [{"launch_template_id": None, "version": None}]}]}
    each = {"references": ["aws_launch_template.lt", "each.key"]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": [
            {"address": 'aws_launch_template.lt["a"]', "mode": "managed",
             "type": "aws_launch_template", "name": "lt", "index": "a", "values": lt_data},
            {"address": 'aws_batch_compute_environment.ce["a"]', "mode": "managed",
             "type": "aws_batch_compute_environment", "name": "ce", "index": "a",
             "values": ce_data}]}},
        "configuration": {"root_module": {"resources": [
            {"address": "aws_launch_template.lt", "expressions": {
                "vpc_security_group_ids": _refs("aws_security_group.x.id")}},
            {"address": "aws_batch_compute_environment.ce", "expressions": {
                "compute_resources": [{"launch_template": [
                    {"launch_template_id": each, "version": each}]}]}}]}}}))
    [model] = load_files([str(path)]).templates
    ce = model.find(m.COMPUTE_ENVIRONMENT, 'aws_batch_compute_environment.ce["a"]')
    assert ce is not None
    assert ce.data["computeResources"]["launchTemplate"] == {  # the version as written
        "launchTemplateId": 'aws_launch_template.lt["a"]',
        "version": '${aws_launch_template.lt["a"]}'}
    assert ce.unknown == {("computeResources", "launchTemplate", "version"):
                          "`compute_resources.launch_template.version` is known only after apply"}
    lt = model.find(m.LAUNCH_TEMPLATE_VERSION, 'aws_launch_template.lt["a"]')
    assert lt is not None and lt.unknown == {
        ("LaunchTemplateData", "SecurityGroupIds"):
            "`vpc_security_group_ids` is known only after apply"}  # a group outside the plan
