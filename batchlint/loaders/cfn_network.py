"""A template's VPC resources in the ``ec2 describe-*`` shapes the network rules read.

``AWS::EC2::Subnet``, ``RouteTable`` (with the ``Route`` s and
``SubnetRouteTableAssociation`` s that name it), ``VPCEndpoint``, ``SecurityGroup``
(with its ``SecurityGroupEgress`` property, else CloudFormation's default allow-all
rule, and the ``AWS::EC2::SecurityGroupEgress`` resources that name it). Each is named
by its logical ID, which is what ``!Ref`` of it resolves to; a VPC of the template has
a main route table with only its local route (a template cannot add routes to it), and
its endpoints are the template's.
A route's ``GatewayId`` that names an ``AWS::EC2::InternetGateway`` of the template is
marked as one (:data:`batchlint.facts.vpc.GATEWAY_KIND`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from batchlint import model as m
from batchlint import shapes
from batchlint.facts.vpc import GATEWAY_KIND
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.loaders.cfn_intrinsics import (
    ASSOCIATION,
    EGRESS,
    ENDPOINT,
    GROUP,
    IGW,
    NETWORK_TYPES,
    ROUTE,
    ROUTE_TABLE,
    SUBNET,
    VGW,
    VPC,
    Resolver,
)
from batchlint.loaders.cfn_settle import settle
from batchlint.loaders.cfn_values import UNREADABLE, Unk
from batchlint.model import Json, Pointer

_ALLOW_ALL = {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}
_REGION_SERVICE = re.compile(r"^(?:cn\.)?com\.amazonaws\.\$\{AWS::Region\}\.(.+)$")
_ROUTE_TARGETS = ("GatewayId", "NatGatewayId", "InstanceId", "TransitGatewayId",
                  "VpcPeeringConnectionId", "NetworkInterfaceId", "CarrierGatewayId",
                  "LocalGatewayId", "CoreNetworkArn")


def add(doc: Document, builder: ModelBuilder, resolver: Resolver) -> None:
    """Add the template's network resources (those created in this world)."""
    live = {lid: r for lid, r in resolver.resources.items()
            if isinstance(r, Mapping) and r.get("Type") in (*NETWORK_TYPES, ROUTE,
                                                             ASSOCIATION, EGRESS)
            and ("Condition" not in r or resolver.condition(r["Condition"]) is not False)}
    props = {lid: _props(resolver, r) for lid, r in live.items()}
    by_type: dict[str, list[str]] = {}
    for lid, r in live.items():
        by_type.setdefault(str(r["Type"]), []).append(lid)
    for lid in by_type.get(VPC, []):  # the main table CloudFormation cannot route
        builder.complete.add((m.VPC_ENDPOINTS, None, lid))  # its endpoints are the template's
        builder.add(doc, m.ROUTE_TABLE, ("Resources", lid), {
            "RouteTableId": f"{lid} main route table", "VpcId": lid,
            "Associations": [{"Main": True}], "Routes": []})
    shaped: list[tuple[str, str, dict[str, Json]]] = []
    for lid in by_type.get(SUBNET, []):
        p = props[lid]
        shaped.append((m.SUBNET, lid, {"SubnetId": lid, **_pick(p, "VpcId", "AvailabilityZone",
                                                                 "MapPublicIpOnLaunch")}))
    for lid in by_type.get(ROUTE_TABLE, []):
        shaped.append((m.ROUTE_TABLE, lid, {
            "RouteTableId": lid, **_pick(props[lid], "VpcId"),
            "Associations": [{"SubnetId": props[a].get("SubnetId"), "Main": False}
                             for a in by_type.get(ASSOCIATION, [])
                             if props[a].get("RouteTableId") == lid],
            "Routes": [_route(resolver, props[r]) for r in by_type.get(ROUTE, [])
                       if props[r].get("RouteTableId") == lid]}))
    for lid in by_type.get(ENDPOINT, []):
        p = props[lid]
        service = p.get("ServiceName")
        match = _REGION_SERVICE.match(service.text) if isinstance(service, Unk) else None
        shaped.append((m.VPC_ENDPOINT, lid, {
            "VpcEndpointId": lid, **_pick(p, "VpcId"), "State": "available",
            "ServiceName": f"com.amazonaws.region.{match.group(1)}" if match else service,
            "VpcEndpointType": p.get("VpcEndpointType", "Gateway"),
            "PrivateDnsEnabled": p.get("PrivateDnsEnabled", False)}))
    for lid in by_type.get(GROUP, []):
        p = props[lid]
        own = p.get("SecurityGroupEgress")
        rules = own if isinstance(own, list) else [_ALLOW_ALL]
        rules = [*rules, *(props[e] for e in by_type.get(EGRESS, [])
                           if props[e].get("GroupId") == lid)]
        shaped.append((m.SECURITY_GROUP, lid, {
            "GroupId": lid, "GroupName": p.get("GroupName", lid), **_pick(p, "VpcId"),
            "IpPermissionsEgress": [_pick(r, "IpProtocol", "FromPort", "ToPort")
                                    for r in rules if isinstance(r, Mapping)]}))
    for kind, lid, data in shaped:
        unknown: dict[Pointer, str] = {}
        settled = settle(data, _SPECS[kind], (), unknown)
        problem = shapes.shape_error(settled, _SPECS[kind])
        if problem:  # a value of a type the API never gives: this resource is not known
            settled = {next(iter(_SPECS[kind])): lid}
            unknown = {(): f"`{lid}` could not be read"}
        builder.add(doc, kind, ("Resources", lid, "Properties"), settled, unknown=unknown)


_SPECS: dict[str, Any] = {m.SUBNET: shapes.SUBNET, m.ROUTE_TABLE: shapes.ROUTE_TABLE,
                          m.VPC_ENDPOINT: shapes.VPC_ENDPOINT,
                          m.SECURITY_GROUP: shapes.SECURITY_GROUP}


def _props(resolver: Resolver, resource: Mapping[str, Json]) -> Mapping[str, Json]:
    raw = resource.get("Properties")
    try:
        resolved = resolver.resolve(raw) if isinstance(raw, Mapping) else {}
    except UNREADABLE:
        return {}
    return resolved if isinstance(resolved, Mapping) else {}


def _pick(props: Mapping[str, Json], *keys: str) -> dict[str, Json]:
    return {k: props[k] for k in keys if k in props}


def _route(resolver: Resolver, props: Mapping[str, Json]) -> dict[str, Json]:
    route = _pick(props, "DestinationCidrBlock", *_ROUTE_TARGETS)
    endpoint = props.get("VpcEndpointId")
    if endpoint is not None and "GatewayId" not in route:  # a firewall or GWLB endpoint
        route["GatewayId"], route[GATEWAY_KIND] = endpoint, "vpce-"
    gateway = route.get("GatewayId")
    target = resolver.resources.get(gateway) if isinstance(gateway, str) else None
    kind = target.get("Type") if isinstance(target, Mapping) else None
    if kind == IGW:
        route[GATEWAY_KIND] = "internet"
    elif kind == VGW:
        route[GATEWAY_KIND] = "vgw-"
    return route
