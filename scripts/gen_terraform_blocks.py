"""Generate batchlint/data/terraform_blocks.json: which keys of a Terraform JSON-syntax
(``*.tf.json``) resource body are nested blocks, for the resource types batchlint reads;
and batchlint/data/terraform_types.json: their number and bool attributes at every block
depth, which Terraform converts a string to (``max_vcpus = "256"``), as the source loader
does (batchlint/loaders/tfsource_schema.py).

HCL's JSON syntax writes a nested block and a map attribute alike (``{"compute_resources":
{…}}``, ``{"tags": {…}}``); Terraform tells them apart by the provider's schema. This
script reads that schema from ``terraform providers schema -json`` of a configuration
requiring hashicorp/aws (run it where ``terraform init`` can install the provider)::

    python scripts/gen_terraform_blocks.py SCHEMA.json

and keeps, for each resource and data source type the loaders read, the nested block
types at every depth (``{"aws_batch_compute_environment": {"compute_resources":
{"ec2_configuration": {}, …}}}``). Attributes whose type is a list or set of objects
(``ingress`` of ``aws_security_group``) are written as arrays of objects either way and
need no entry.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "batchlint" / "data" / "terraform_blocks.json"
TYPES_OUTPUT = REPO / "batchlint" / "data" / "terraform_types.json"
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
DATA = ("aws_iam_policy_document", "aws_partition", "aws_region")
_KEPT = ("number", "bool")


def _blocks(block: dict[str, Any]) -> dict[str, Any]:
    return {name: _blocks(nested.get("block", {}))
            for name, nested in sorted(block.get("block_types", {}).items())}


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


def types_table(schema: dict[str, Any]) -> dict[str, Any]:
    """terraform_types.json's content, from ``terraform providers schema -json``."""
    resources = schema["provider_schemas"][PROVIDER]["resource_schemas"]
    return {"resource": {t: _types(resources[t]["block"]) for t in RESOURCES}}


def main(schema_path: str) -> None:
    whole = json.loads(Path(schema_path).read_text())
    schema = whole["provider_schemas"][PROVIDER]
    table = {"resource": {t: _blocks(schema["resource_schemas"][t]["block"])
                          for t in RESOURCES},
             "data": {t: _blocks(schema["data_source_schemas"][t]["block"]) for t in DATA}}
    for path, content in ((OUTPUT, table), (TYPES_OUTPUT, types_table(whole))):
        path.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1])
