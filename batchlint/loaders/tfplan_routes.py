"""A plan's route tables in the ``ec2 describe-route-tables`` shape.

``aws_route_table`` (inline ``route`` blocks), ``aws_default_route_table`` (a VPC's main
table, its routes as written), ``aws_route``, ``aws_route_table_association`` and
``aws_main_route_table_association``. A VPC the plan creates has a main table with only
its local route unless the plan adds routes to it. A route's ``gateway_id`` that reaches
an ``aws_internet_gateway`` of the plan is marked as one
(:data:`batchlint.facts.vpc.GATEWAY_KIND`).

What the plan does not decide is never guessed: an association whose route table is not
known gives its subnet a table whose routes are unknown; a route or main association
whose table is not known leaves every table it could be unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batchlint import model as m
from batchlint.facts.vpc import GATEWAY_KIND
from batchlint.loaders.tfplan_netids import (
    DEFAULT_TABLE,
    SUBNET,
    VPC,
    Ids,
    ReaderFor,
    Shaped,
    created,
)
from batchlint.loaders.tfplan_refs import Instance, Outside, Target
from batchlint.loaders.tfplan_values import Reader, display, reason
from batchlint.model import Pointer

TABLE_TYPES = ("aws_route_table", DEFAULT_TABLE, VPC)
_TARGETS = {  # route attribute → API field
    "gateway_id": "GatewayId", "nat_gateway_id": "NatGatewayId", "instance_id": "InstanceId",
    "transit_gateway_id": "TransitGatewayId",
    "vpc_peering_connection_id": "VpcPeeringConnectionId",
    "network_interface_id": "NetworkInterfaceId", "carrier_gateway_id": "CarrierGatewayId",
    "local_gateway_id": "LocalGatewayId", "core_network_arn": "CoreNetworkArn",
    "vpc_endpoint_id": "GatewayId",
    "egress_only_gateway_id": "EgressOnlyInternetGatewayId",  # IPv6 routes only
}
_KINDS = {"aws_internet_gateway": "internet", "aws_vpn_gateway": "vgw-",
          "aws_vpc_endpoint": "vpce-"}
_GATEWAYS = ("aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint", "aws_nat_gateway",
             "aws_ec2_transit_gateway", "aws_vpc_peering_connection", "aws_network_interface",
             "aws_ec2_carrier_gateway", "aws_egress_only_internet_gateway")

_FITS = {"gateway_id": ("aws_internet_gateway", "aws_vpn_gateway", "aws_vpc_endpoint"),
         "nat_gateway_id": ("aws_nat_gateway",), "vpc_endpoint_id": ("aws_vpc_endpoint",),
         "transit_gateway_id": ("aws_ec2_transit_gateway",),
         "vpc_peering_connection_id": ("aws_vpc_peering_connection",),
         "network_interface_id": ("aws_network_interface",),
         "carrier_gateway_id": ("aws_ec2_carrier_gateway",),
         "egress_only_gateway_id": ("aws_egress_only_internet_gateway",)}


class _Table:
    def __init__(self, inst: Instance, data: dict[str, Any]):
        self.inst = inst
        self.data = data
        self.unknown: dict[Pointer, str] = {}

    def add_routes(self, routes: list[tuple[dict[str, Any], dict[str, str]]]) -> None:
        for route, unknown in routes:
            i = len(self.data["Routes"])
            self.data["Routes"].append(route)
            for field, why in unknown.items():
                self.unknown[("Routes", i, field)] = why


def shaped(ids: Ids, reader_for: ReaderFor) -> list[Shaped]:
    tables: dict[str, _Table] = {}
    for inst in ids.of_type.get("aws_route_table", []):
        r = reader_for(inst)
        table = tables[ids.own(inst)] = _Table(inst, {"RouteTableId": ids.own(inst),
                                                      "Associations": [], "Routes": []})
        vpc_id = ids.one(r, ("VpcId",), ("vpc_id",), (VPC,))
        if vpc_id is not None:
            table.data["VpcId"] = vpc_id
        table.unknown.update(r.unknown)
        _inline(ids, r, table)
    defaults = {ids.main.get(v.address): v for v in ids.of_type.get(VPC, [])}
    for inst in ids.of_type.get(DEFAULT_TABLE, []):
        tid = ids.of(Target(inst, "id"), TABLE_TYPES) or ids.own(inst)
        owner = defaults.get(tid)
        table = tables[tid] = _Table(inst, {"RouteTableId": tid, "Associations": [{"Main": True}],
                                            "Routes": []})
        if owner is not None:
            table.data["VpcId"] = ids.own(owner)
        _inline(ids, reader_for(inst), table)
    for vpc in ids.of_type.get(VPC, []):
        tid = ids.main_table(vpc)
        if tid in tables:
            continue
        table = tables[tid] = _Table(vpc, {"RouteTableId": tid, "VpcId": ids.own(vpc),
                                           "Associations": [{"Main": True}], "Routes": []})
        if not created(vpc):
            table.unknown[("Routes",)] = (f"the routes of the main route table of "
                                          f"`{vpc.address}` are not in the plan")
    loose = _routes(ids, reader_for, tables)
    placeholders = _associations(ids, reader_for, tables)
    loose += _main_associations(ids, reader_for, tables)
    out: list[Shaped] = []
    for tid, table in [*placeholders.items(), *tables.items()]:
        if loose and tid in tables:
            table.unknown[("Routes",)] = loose[0]
        out.append((table.inst, m.ROUTE_TABLE, table.data, table.unknown,
                    (table.inst.address,) if table.inst.address != tid else ()))
    return out


def _inline(ids: Ids, r: Reader, table: _Table) -> None:
    inst = r.inst
    if inst.is_unknown("route"):
        if inst.expression("route") is None and created(inst):
            return  # not written: the provider leaves the new table's routes alone
        table.unknown[("Routes",)] = reason("route", ids.index.origins(inst, "route"))
        return
    blocks = inst.value("route")
    table.add_routes([_route(ids, r, ("route", i), "cidr_block")
                      for i in range(len(blocks) if isinstance(blocks, list) else 0)])


def _route(ids: Ids, r: Reader, at: tuple[str | int, ...],
           destination: str) -> tuple[dict[str, Any], dict[str, str]]:
    """One route, and why its fields are not known."""
    inst = r.inst
    route: dict[str, Any] = {}
    unknown: dict[str, str] = {}
    dest = inst.value(*at, destination)
    if inst.is_unknown(*at, destination):
        unknown["DestinationCidrBlock"] = ids.index.why(inst, (*at, destination)) or reason(
            display((*at, destination)), ids.index.origins(inst, *at, destination))
    elif isinstance(dest, str) and dest:
        route["DestinationCidrBlock"] = dest
    for attribute, api in _TARGETS.items():
        path = (*at, attribute)
        value = inst.value(*path)
        if isinstance(value, str) and value:
            route[api] = value
            if attribute == "vpc_endpoint_id":
                route[GATEWAY_KIND] = "vpce-"
            continue
        if not inst.is_unknown(*path) or r.unset(*path):
            continue
        origins = ids.index.origins(inst, *path)
        if not origins and at:  # a `route` block's references are the whole attribute's
            fits = {o.instance.address: o for o in ids.index.origins(inst, str(at[0]))
                    if isinstance(o, Target)
                    and o.instance.type in _FITS.get(attribute, _GATEWAYS)}
            origins = list(fits.values())
        found = origins[0] if len(origins) == 1 else None
        if isinstance(found, Target) and found.instance.type in _GATEWAYS:
            route[api] = ids.own(found.instance)
            kind = _KINDS.get(found.instance.type)
            if kind is not None:
                route[GATEWAY_KIND] = kind
        elif api == "GatewayId":  # an internet gateway or not: the plan does not say
            unknown[api] = ids.index.why(inst, path) or reason(display(path), origins)
        else:  # a NAT gateway, transit gateway, …: its kind is the attribute's
            route[api] = _words(origins, display(path))
    if not unknown and not any(api in route for api in _TARGETS.values()):
        # every route has a target: one the plan leaves out is not known
        where = display(at) or inst.address
        unknown["GatewayId"] = f"the target of `{where}` is not in the plan"
    return route, unknown


def _words(origins: list[Target | Outside], attribute: str) -> str:
    if len(origins) == 1 and isinstance(origins[0], Outside):
        return origins[0].text
    if len(origins) == 1 and isinstance(origins[0], Target):
        return origins[0].instance.address
    return attribute


def _routes(ids: Ids, reader_for: ReaderFor, tables: dict[str, _Table]) -> list[str]:
    """``aws_route`` s into their tables; why some route's table is not known."""
    loose: list[str] = []
    for inst in ids.of_type.get("aws_route", []):
        r = reader_for(inst)
        tid = ids.one(r, ("RouteTableId",), ("route_table_id",), TABLE_TYPES)
        if tid is None:
            loose.append(f"`{inst.address}` adds a route to a table the plan does not name: "
                         + r.unknown.get(("RouteTableId",), "its `route_table_id` is not set"))
        elif tid in tables:
            tables[tid].add_routes([_route(ids, r, (), "destination_cidr_block")])
    return loose


def _associations(ids: Ids, reader_for: ReaderFor,
                  tables: dict[str, _Table]) -> dict[str, _Table]:
    """Subnet associations; a subnet whose table is not known gets a table of unknown
    routes (returned, to be read before any other table of the subnet)."""
    placeholders: dict[str, _Table] = {}
    for inst in ids.of_type.get("aws_route_table_association", []):
        if inst.value("gateway_id") or inst.expression("gateway_id") is not None:
            continue  # an edge association: a gateway's, not a subnet's
        r = reader_for(inst)
        subnet = ids.one(r, ("SubnetId",), ("subnet_id",), (SUBNET,))
        tid = ids.one(r, ("RouteTableId",), ("route_table_id",), TABLE_TYPES)
        if subnet is not None and tid in tables:
            tables[tid].data["Associations"].append({"SubnetId": subnet, "Main": False})
            continue
        if subnet is not None:
            subnets = [subnet]
        else:  # one of the plan's subnets, the plan does not say which
            origins = ids.index.origins(inst, "subnet_id")
            subnets = [ids.own(c) for o in origins if isinstance(o, Outside)
                       for c in o.candidates if c.type == SUBNET]
        why = r.unknown.get(("RouteTableId",)) or r.unknown.get(("SubnetId",)) or \
            f"route table `{tid}` is not in the plan"
        for sid in subnets:
            table = placeholders[f"{inst.address} ({sid})"] = _Table(inst, {
                "RouteTableId": f"{inst.address} ({sid})",
                "Associations": [{"SubnetId": sid, "Main": False}], "Routes": []})
            table.unknown[("Routes",)] = f"the route table of subnet `{sid}` is not known: {why}"
    return placeholders


def _main_associations(ids: Ids, reader_for: ReaderFor, tables: dict[str, _Table]) -> list[str]:
    loose: list[str] = []
    for inst in ids.of_type.get("aws_main_route_table_association", []):
        r = reader_for(inst)
        vpc = ids.one(r, ("VpcId",), ("vpc_id",), (VPC,))
        tid = ids.one(r, ("RouteTableId",), ("route_table_id",), TABLE_TYPES)
        if vpc is None or tid is None:
            loose.append(f"`{inst.address}` makes a table the plan does not name main")
            continue
        for table in tables.values():  # the VPC's former main table is main no more
            if table.data.get("VpcId") == vpc:
                table.data["Associations"] = [a for a in table.data["Associations"]
                                              if not _main(a)]
        if tid in tables:
            tables[tid].data["Associations"].append({"Main": True})
            tables[tid].data.setdefault("VpcId", vpc)
    return loose


def _main(association: object) -> bool:
    return isinstance(association, Mapping) and association.get("Main") is True
