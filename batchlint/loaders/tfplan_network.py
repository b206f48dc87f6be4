"""A plan's VPC resources in the ``ec2 describe-*`` shapes the network rules read.

``aws_subnet``, ``aws_vpc_endpoint``, ``aws_security_group`` and
``aws_default_security_group`` (inline ``egress``, with ``aws_security_group_rule`` of type
egress and ``aws_vpc_security_group_egress_rule`` that name it) here; route tables in
:mod:`tfplan_routes`. Each is named by its ``id`` when the plan knows it (an existing
resource), else by its address, which is what a reference to its ``id`` stands for (see
:class:`Ids`). A reference is followed as the plan loader follows any
(:mod:`tfplan_refs`); one that reaches no resource of the plan, or several the plan does
not choose between, leaves the value unknown, in Terraform's words, and the checks that
read it are not verified. A subnet outside the plan is not in the model: BL113 and BL114
say so.

Terraform removes the default allow-all egress rule of a security group it creates: a
group with no ``egress`` block and no egress rules allows no outbound traffic. So does a
VPC's default group that an ``aws_default_security_group`` adopts: Terraform removes its
rules and adds only those of the configuration. A VPC the plan creates has only the
endpoints of the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from batchlint import model as m
from batchlint.loaders import tfplan_routes
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.loaders.tfplan_netids import (
    DEFAULT_GROUP,
    DEFAULT_TABLE,
    GROUP,
    SUBNET,
    VPC,
    Ids,
    ReaderFor,
    Shaped,
    add,
    created,
)
from batchlint.loaders.tfplan_refs import Instance, PlanIndex
from batchlint.loaders.tfplan_values import Reader
from batchlint.model import Json, Pointer

ENVIRONMENT_LISTS = (("subnets", "subnets", SUBNET),
                     ("security_group_ids", "securityGroupIds", GROUP))


def environment_lists(r: Reader, out: dict[str, Any], at: Pointer, cr: tuple[str | int, ...],
                      fields: tuple[tuple[str, str, str], ...] = ENVIRONMENT_LISTS) -> None:
    """Lists of ids known only after apply, when they are the plan's subnets and security
    groups: (attribute, API key, resource type) of ``fields``, by default a compute
    environment's ``subnets`` and ``securityGroupIds``."""
    ids: Ids | None = None  # read only for a list not fully known: most are
    for field, api, kind in fields:
        value = out.get(api)
        partial = isinstance(value, list) and not all(isinstance(v, str) for v in value)
        if not partial and (*at, api) not in r.unknown:
            continue
        ids = ids or Ids(r.index)
        if partial and isinstance(value, list):
            # some elements known only after apply: each the resource it references
            elements = [v if isinstance(v, str) else
                        ids.one(r, (*at, api), (*cr, field, i), (kind,))
                        for i, v in enumerate(value)]
            if all(isinstance(e, str) for e in elements):
                out[api] = elements
            else:
                del out[api]
            continue
        found = ids.listed(r, (*at, api), (*cr, field), (kind,))
        if found is not None:
            out[api] = found
            del r.unknown[(*at, api)]


def shaped(index: PlanIndex, reader_for: ReaderFor) -> list[Shaped]:
    """Every subnet, route table, endpoint and security group of the plan."""
    ids = Ids(index)
    out: list[Shaped] = []
    for inst in ids.of_type.get(SUBNET, []):
        r = reader_for(inst)
        data: dict[str, Any] = {"SubnetId": ids.own(inst)}
        _put(data, "VpcId", ids.one(r, ("VpcId",), ("vpc_id",), (VPC,)))
        r.put(data, "AvailabilityZone", ("AvailabilityZone",), "availability_zone")
        public = r.get(("MapPublicIpOnLaunch",), "map_public_ip_on_launch")
        data["MapPublicIpOnLaunch"] = public is True
        out.append((inst, m.SUBNET, data, r.unknown, (inst.address,)))
    out += tfplan_routes.shaped(ids, reader_for)
    out += _endpoints(ids, reader_for)
    out += _groups(ids, reader_for)
    return out


def _put(data: dict[str, Any], key: str, value: Json) -> None:
    if value is not None:
        data[key] = value


def _endpoints(ids: Ids, reader_for: ReaderFor) -> list[Shaped]:
    out: list[Shaped] = []
    for inst in ids.of_type.get("aws_vpc_endpoint", []):
        r = reader_for(inst)
        kind = inst.value("vpc_endpoint_type")
        kind = kind if isinstance(kind, str) else "Gateway"  # the provider's default
        data: dict[str, Any] = {"VpcEndpointId": ids.own(inst), "State": "available",
                                "VpcEndpointType": kind}
        _put(data, "VpcId", ids.one(r, ("VpcId",), ("vpc_id",), (VPC,)))
        r.put(data, "ServiceName", ("ServiceName",), "service_name")
        if kind.lower() == "interface":
            dns = inst.value("private_dns_enabled")
            if isinstance(dns, bool):
                data["PrivateDnsEnabled"] = dns
            else:
                r.unknown[("PrivateDnsEnabled",)] = (
                    f"`private_dns_enabled` of `{inst.address}` is not set, so AWS decides it")
        for attribute, api, kind in (("route_table_ids", "RouteTableIds", "route_table"),
                                     ("subnet_ids", "SubnetIds", "subnet")):
            listed = _attached(ids, inst, attribute, kind)
            if listed:
                data[api] = listed
        out.append((inst, m.VPC_ENDPOINT, data, r.unknown, (inst.address,)))
    return out


def _attached(ids: Ids, endpoint: Instance, attribute: str, kind: str) -> list[str]:
    """The route tables or subnets of an endpoint: its own list, and the
    ``aws_vpc_endpoint_{kind}_association`` s that name it (those the plan can tell)."""
    own = endpoint.value(attribute)
    found = [i for i in own if isinstance(i, str)] if isinstance(own, list) else []
    types = (("aws_route_table", DEFAULT_TABLE, VPC) if kind == "route_table" else (SUBNET,))
    for inst in ids.of_type.get(f"aws_vpc_endpoint_{kind}_association", []):
        r = Reader(ids.index, inst)
        if ids.one(r, (), ("vpc_endpoint_id",), ("aws_vpc_endpoint",)) == ids.own(endpoint):
            target = ids.one(r, (), (f"{kind}_id",), types)
            if target is not None:
                found.append(target)
    return list(dict.fromkeys(found))


def _groups(ids: Ids, reader_for: ReaderFor) -> list[Shaped]:
    """Security groups with their egress: inline blocks, then the rules that name them."""
    rules: dict[str, list[dict[str, Any]]] = {}
    loose: list[str] = []  # why some rule's group is not known
    for inst in ids.of_type.get("aws_security_group_rule", []) + \
            ids.of_type.get("aws_vpc_security_group_egress_rule", []):
        if inst.type == "aws_security_group_rule" and inst.value("type") != "egress":
            continue
        r = reader_for(inst)
        group = ids.one(r, ("GroupId",), ("security_group_id",), (GROUP,))
        if group is None:
            loose.append(r.unknown.get(("GroupId",), f"`{inst.address}` names no group"))
            continue
        protocol = inst.value("protocol" if inst.type == "aws_security_group_rule"
                              else "ip_protocol")
        rules.setdefault(group, []).append(_permission(protocol, inst.value("from_port"),
                                                       inst.value("to_port")))
    out: list[Shaped] = []
    for inst in ids.of_type.get(GROUP, []) + ids.of_type.get(DEFAULT_GROUP, []):
        r = reader_for(inst)
        gid = ids.own(inst)
        name = inst.value("name")
        data: dict[str, Any] = {"GroupId": gid,
                                "GroupName": name if isinstance(name, str) else inst.address}
        _put(data, "VpcId", ids.one(r, ("VpcId",), ("vpc_id",), (VPC,)))
        own = r.blocks(("IpPermissionsEgress",), "egress")
        permissions = [_permission(b.get("protocol"), b.get("from_port"), b.get("to_port"))
                       for b in own or ()]
        open_fields = [f"egress[{i}].{key}" for i in range(len(own or ())) for key in
                       ("protocol", "from_port", "to_port") if inst.is_unknown("egress", i, key)]
        if open_fields:  # a dynamic block over values known only after apply
            r.unknown[("IpPermissionsEgress",)] = f"`{open_fields[0]}` is known only after apply"
        data["IpPermissionsEgress"] = [*permissions, *rules.get(gid, [])]
        if loose:
            r.unknown[("IpPermissionsEgress",)] = loose[0]
        out.append((inst, m.SECURITY_GROUP, data, r.unknown, (inst.address,)))
    return out


def _permission(protocol: Json, low: Json, high: Json) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(protocol, str | int) and not isinstance(protocol, bool):
        out["IpProtocol"] = str(protocol)
    if isinstance(low, int) and not isinstance(low, bool):
        out["FromPort"] = low
    if isinstance(high, int) and not isinstance(high, bool):
        out["ToPort"] = high
    return out


def complete_vpcs(index: PlanIndex) -> list[str]:
    """The VPCs the plan creates: their endpoints are the plan's."""
    ids = Ids(index)
    return [ids.own(v) for v in ids.of_type.get(VPC, []) if created(v)]


def into(builder: ModelBuilder, index: PlanIndex, found: list[Shaped],
         place: Callable[[Instance], tuple[Document, Pointer]]) -> None:
    """Add what :func:`shaped` found, each at its ``place`` (document and pointer); the
    VPCs the plan creates have only the plan's endpoints."""
    for inst, kind, data, unknown, aliases in found:
        doc, pointer = place(inst)
        add(builder, doc, kind, pointer, data, unknown, aliases)
    for vpc in complete_vpcs(index):
        builder.complete.add((m.VPC_ENDPOINTS, None, vpc))
