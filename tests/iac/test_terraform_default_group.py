"""A VPC's default security group under Terraform (``aws_default_security_group``): BL113.

Terraform does not create the group but adopts it, removes every rule it has and adds
only those of the configuration: without an ``egress`` block (or an egress rule naming
it) the group allows no outbound traffic. Every VPC below has a public subnet behind an
internet gateway (its main route table, an ``aws_default_route_table``), so only the
security groups decide:

    open       the default group allows all egress             → passes
    https      egress TCP 443 only                             → passes
    ssh        egress TCP 22 only                              → BL113 finding
    closed     no egress block                                 → BL113 finding, also for
               an environment naming ``aws_vpc.this["closed"].default_security_group_id``
    ruled      no egress block, an aws_vpc_security_group_egress_rule for TCP 443 → passes
    unmanaged  no aws_default_security_group: the VPC's default group is not in the
               configuration                                   → not verified
"""

from __future__ import annotations

import json
from pathlib import Path

from batchlint import model as m
from batchlint.loaders import load_files
from tests.iac.terraform.planner import Planner
from tests.iac.test_terraform_network import CE, _report, _resource, real

CONFIG = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

locals {
  vpcs = { open = "10.1.0.0/16", https = "10.2.0.0/16", ssh = "10.3.0.0/16",
           closed = "10.4.0.0/16", ruled = "10.5.0.0/16", unmanaged = "10.6.0.0/16" }
}

resource "aws_vpc" "this" {
  for_each   = local.vpcs
  cidr_block = each.value
}

resource "aws_subnet" "this" {
  for_each                = local.vpcs
  vpc_id                  = aws_vpc.this[each.key].id
  cidr_block              = cidrsubnet(each.value, 8, 0)
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}

resource "aws_internet_gateway" "this" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
}

resource "aws_default_route_table" "this" {
  for_each               = local.vpcs
  default_route_table_id = aws_vpc.this[each.key].default_route_table_id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[each.key].id
  }
}

resource "aws_default_security_group" "open" {
  vpc_id = aws_vpc.this["open"].id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_default_security_group" "https" {
  vpc_id = aws_vpc.this["https"].id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_default_security_group" "ssh" {
  vpc_id = aws_vpc.this["ssh"].id
  egress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_default_security_group" "closed" {
  vpc_id = aws_vpc.this["closed"].id
}

resource "aws_default_security_group" "ruled" {
  vpc_id = aws_vpc.this["ruled"].id
}

resource "aws_vpc_security_group_egress_rule" "ruled" {
  security_group_id = aws_default_security_group.ruled.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

"""
# environment → (the VPC of its subnet, its security group)
ENVIRONMENTS = {
    "open": ("open", "aws_default_security_group.open.id"),
    "https": ("https", "aws_default_security_group.https.id"),
    "ssh": ("ssh", "aws_default_security_group.ssh.id"),
    "closed": ("closed", "aws_default_security_group.closed.id"),
    "by_vpc": ("closed", 'aws_vpc.this["closed"].default_security_group_id'),
    "ruled": ("ruled", "aws_default_security_group.ruled.id"),
    "unmanaged": ("unmanaged", 'aws_vpc.this["unmanaged"].default_security_group_id'),
}


def _environment(name: str, vpc: str, group: str) -> str:
    return f"""
resource "aws_batch_compute_environment" "{name}" {{
  compute_environment_name = "{name}"
  type                     = "MANAGED"
  compute_resources {{
    type               = "EC2"
    max_vcpus          = 4
    instance_role      = "arn:aws:iam::123456789012:instance-profile/batch"
    instance_type      = ["m5"]  # a family: no BL114 check
    subnets            = [aws_subnet.this["{vpc}"].id]
    security_group_ids = [{group}]
  }}
}}
"""


def _config(directory: Path) -> Path:
    directory.mkdir()
    text = CONFIG + "".join(_environment(n, v, g) for n, (v, g) in ENVIRONMENTS.items())
    (directory / "main.tf").write_text(text)
    return directory


def _closed(name: str, group: str) -> str:
    return (f"compute environment `{CE}{name}`: its security groups (`{group}`) allow no "
            "outbound TCP 443, so its instances never join the cluster; add an outbound "
            "rule for TCP 443 to compute_resources.security_group_ids")


FOUND = {
    ("BL113", f"{CE}ssh"): _closed("ssh", "aws_default_security_group.ssh"),
    # Terraform removed every rule of the adopted group and added none
    ("BL113", f"{CE}closed"): _closed("closed", "aws_default_security_group.closed"),
    # the VPC's default_security_group_id is the group its aws_default_security_group adopts
    ("BL113", f"{CE}by_vpc"): _closed("by_vpc", "aws_default_security_group.closed"),
}
UNMANAGED = ("it depends on values not known before deployment: "
             "`compute_resources.security_group_ids{}` is "
             '`aws_vpc.this["unmanaged"].default_security_group_id`, known only after apply')


def test_source_default_security_groups(tmp_path: Path) -> None:
    found, gaps = _report([str(_config(tmp_path / "default_group"))])
    assert found == FOUND
    assert gaps == {("BL113", f"{CE}unmanaged"): UNMANAGED.format("[0]")}


def test_source_default_group_model(tmp_path: Path) -> None:
    [model] = load_files([str(_config(tmp_path / "default_group"))]).templates
    ce = model.find(m.COMPUTE_ENVIRONMENT, f"{CE}by_vpc")
    assert ce is not None
    assert ce.data["computeResources"]["securityGroupIds"] == [
        "aws_default_security_group.closed"]
    groups = {g: model.find(m.SECURITY_GROUP, f"aws_default_security_group.{g}")
              for g in ("open", "closed", "ruled")}
    assert {g: r.data["IpPermissionsEgress"] for g, r in groups.items() if r is not None} == {
        "open": [{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0}], "closed": [],
        "ruled": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]}


@real
def test_plan_default_security_groups(tmp_path: Path) -> None:
    planner = Planner(tmp_path)
    plan = planner.plan(_config(tmp_path / "default_group"), tmp_path / "default_group.json")
    found, gaps = _report([str(plan)])
    assert found == FOUND
    assert gaps == {("BL113", f"{CE}unmanaged"): UNMANAGED.format("")}


def test_an_adopted_group_of_an_existing_vpc_is_its_id(tmp_path: Path) -> None:
    """A hand-made plan: the VPC exists (its default group's id is known) and its default
    group is adopted now (its own id known only after apply), named by a known ``vpc_id``.
    The group is the VPC's default group: an environment naming that id reads its rules."""
    resources = [
        _resource("aws_vpc.main", {"id": "vpc-0a1b2c3d", "cidr_block": "10.0.0.0/16",
                                   "default_security_group_id": "sg-0a1b2c3d"}),
        _resource("aws_default_security_group.main", {"vpc_id": "vpc-0a1b2c3d",
                                                      "egress": []}),
        _resource("aws_batch_compute_environment.ce", {"type": "MANAGED", "compute_resources": [
            {"type": "EC2", "max_vcpus": 4, "instance_type": ["m6i"],
             "subnets": ["subnet-0a1b2c3d"], "security_group_ids": ["sg-0a1b2c3d"],
             "instance_role": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"}]}),
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": resources}}}))
    [model] = load_files([str(path)]).templates
    group = model.find(m.SECURITY_GROUP, "sg-0a1b2c3d")
    assert group is not None and group is model.find(m.SECURITY_GROUP,
                                                     "aws_default_security_group.main")
    assert group.data == {"GroupId": "sg-0a1b2c3d", "GroupName": "aws_default_security_group.main",
                          "VpcId": "vpc-0a1b2c3d", "IpPermissionsEgress": []}


@real
def test_plan_dynamic_egress_over_values_known_after_apply(tmp_path: Path) -> None:
    """A plan shows an ``egress`` written as a dynamic block over values known only after
    apply as one block whose protocol and ports are unknown (checked with Terraform 1.11):
    the egress is not known, so BL113 is not verified (it was a false error, the block
    read as allowing nothing). The source scan of the same directory says the same."""
    directory = tmp_path / "dynamic"
    directory.mkdir()
    (directory / "main.tf").write_text(DYNAMIC)
    plan = Planner(tmp_path).plan(directory, tmp_path / "dynamic.json")
    found, gaps = _report([str(plan)])
    assert found == {}
    gaps.pop(("BL114", f"{CE}ce"))  # the Availability Zones of m5.large: only the account
    assert gaps == {("BL113", f"{CE}ce"): "it depends on values not known before deployment: "
                    "`egress[0].protocol` is known only after apply (of security-group "
                    "`aws_security_group.main`)"}
    found, gaps = _report([str(directory / "main.tf")])  # the source: no block known
    assert found == {}
    assert gaps[("BL113", f"{CE}ce")] == (
        "it depends on values not known before deployment: `egress` is known only after "
        "apply (of security-group `aws_security_group.main`)")


DYNAMIC = CONFIG.split("locals {")[0] + """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "main" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.0.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.main.default_route_table_id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}
resource "aws_security_group" "main" {
  vpc_id = aws_vpc.main.id
  dynamic "egress" {
    for_each = split(",", aws_vpc.main.id)
    content {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
resource "aws_batch_compute_environment" "ce" {
  compute_environment_name = "ce"
  type                     = "MANAGED"
  compute_resources {
    type               = "EC2"
    max_vcpus          = 4
    instance_role      = "arn:aws:iam::123456789012:instance-profile/x"
    instance_type      = ["m5.large"]
    subnets            = [aws_subnet.main.id]
    security_group_ids = [aws_security_group.main.id]
  }
}
"""


def test_source_dynamic_egress_over_a_set_of_lists(tmp_path: Path) -> None:
    """``toset()`` of a list of lists is a set of lists (Terraform accepts it), as
    popiol/daytrader writes its default group's egress: each rule a list of port, port,
    protocol, CIDR. All traffic out is allowed, so BL113 passes (it said ``toset()`` of
    arguments Terraform would reject)."""
    config = DYNAMIC.replace("""  dynamic "egress" {
    for_each = split(",", aws_vpc.main.id)
    content {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }""", """  dynamic "egress" {
    for_each = toset(var.egress)
    content {
      from_port   = egress.key[0]
      to_port     = egress.key[1]
      protocol    = egress.key[2]
      cidr_blocks = [egress.key[3]]
    }
  }""")
    assert "toset(var.egress)" in config
    (tmp_path / "main.tf").write_text(config + """
variable "egress" {
  type    = list(list(string))
  default = [["0", "0", "-1", "0.0.0.0/0"]]
}
""")
    found, gaps = _report([str(tmp_path / "main.tf")])
    assert found == {}
    assert ("BL113", f"{CE}ce") not in gaps
