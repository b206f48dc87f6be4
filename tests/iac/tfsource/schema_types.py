"""Generate ``batchlint/data/terraform_types.json``: the number and bool attributes (at
every block depth) of the resource types the Terraform source loader reads.

Terraform converts an attribute's value to the type the provider's schema gives it
(``max_vcpus = "256"`` is the number 256, ``"true"`` a bool), so the source loader does
too (:mod:`batchlint.loaders.tfsource_schema`). The schema comes from ``terraform
providers schema -json`` of a configuration requiring hashicorp/aws (see
``tests/iac/terraform/planner.py`` for an offline one)::

    python -m tests.iac.tfsource.schema_types SCHEMA.json

writes the file; ``test_schema_types.py`` re-derives it where terraform is available.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
OUTPUT = REPO / "batchlint" / "data" / "terraform_types.json"
PROVIDER = "registry.terraform.io/hashicorp/aws"
RESOURCES = (
    "aws_batch_compute_environment", "aws_batch_job_definition", "aws_batch_job_queue",
    "aws_batch_scheduling_policy", "aws_iam_instance_profile", "aws_iam_policy",
    "aws_iam_policy_attachment", "aws_iam_role", "aws_iam_role_policy",
    "aws_iam_role_policy_attachment", "aws_launch_template", "aws_default_route_table",
    "aws_ec2_carrier_gateway", "aws_ec2_transit_gateway", "aws_egress_only_internet_gateway",
    "aws_internet_gateway", "aws_main_route_table_association", "aws_nat_gateway",
    "aws_network_interface", "aws_route", "aws_route_table", "aws_route_table_association",
    "aws_security_group", "aws_security_group_rule", "aws_subnet", "aws_vpc",
    "aws_vpc_endpoint", "aws_vpc_peering_connection", "aws_vpc_security_group_egress_rule",
    "aws_vpn_gateway")
_KEPT = ("number", "bool")


def _kept(kind: Any) -> bool:
    """A number or bool, or a list, set or map of them."""
    return kind in _KEPT or (isinstance(kind, list) and len(kind) == 2
                             and kind[0] in ("list", "set", "map") and kind[1] in _KEPT)


def _types(block: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {name: attr["type"] for name, attr
                           in sorted(block.get("attributes", {}).items())
                           if _kept(attr.get("type"))}
    for name, nested in sorted(block.get("block_types", {}).items()):
        inner = _types(nested.get("block", {}))
        if inner:
            out[name] = inner
    return out


def table(schema: dict[str, Any]) -> dict[str, Any]:
    """The data file's content, from ``terraform providers schema -json``."""
    resources = schema["provider_schemas"][PROVIDER]["resource_schemas"]
    return {"resource": {t: _types(resources[t]["block"]) for t in RESOURCES}}


if __name__ == "__main__":
    found = table(json.loads(Path(sys.argv[1]).read_text()))
    OUTPUT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUTPUT}")
