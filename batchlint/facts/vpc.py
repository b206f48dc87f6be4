"""What a VPC gives its subnets: the route table of a subnet (its explicit association,
else the VPC's main table), where a table's default route goes, and whether the VPC has
every endpoint instances need to reach ECS, ECR and S3 without the internet. Read by
:func:`batchlint.facts.network.network_path`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.model import Absent, Model, Resource, Unknown

INTERFACE_SERVICES = ("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr")
GATEWAY_OR_INTERFACE = ("s3",)
DEFAULT_ROUTE = "0.0.0.0/0"
# a key templates and plans add to a route whose GatewayId is not an AWS id: "internet",
# "vgw-" or "vpce-" (the kind of gateway the template names)
GATEWAY_KIND = "batchlintGatewayKind"
# default-route targets batchlint cannot see through: route field → words
_OPAQUE = {"TransitGatewayId": "transit gateway", "VpcPeeringConnectionId": "peering connection",
           "NetworkInterfaceId": "network interface", "CarrierGatewayId": "carrier gateway",
           "LocalGatewayId": "local gateway", "CoreNetworkArn": "core network"}
_GATEWAY_WORDS = {"vgw-": "virtual private gateway", "vpce-": "firewall endpoint"}
_SERVICE = re.compile(r"^(?:cn\.)?com\.amazonaws\.[a-z0-9-]+\.(.+)$")
_GONE = {"deleted", "deleting", "failed", "rejected", "expired"}


def route_table(model: Model, subnet: Resource, ce: Resource) -> Resource | Absent | Unknown:
    """The subnet's explicit route table, else its VPC's main table."""
    index = _index(model)
    sid = str(subnet.data.get("SubnetId") or subnet.name)
    table = index.by_subnet.get(sid) or index.main.get(str(subnet.data.get("VpcId") or ""))
    if table is not None:
        return table
    return model.missing(m.ROUTE_TABLES, ce.account, ce.region,
                         f"the route table of subnet `{sid}`")


def default_route(table: Resource) -> tuple[str, str]:
    """(nat | igw | opaque | none, the target in words) of the table's 0.0.0.0/0 route."""
    for route in table.data.get("Routes") or []:
        if not isinstance(route, Mapping) or route.get("DestinationCidrBlock") != DEFAULT_ROUTE:
            continue
        if str(route.get("State", "active")).lower() == "blackhole":
            return "none", "its default route is a blackhole"
        gateway = str(route.get("GatewayId") or "")
        if route.get("NatGatewayId"):
            return "nat", f"NAT gateway `{route['NatGatewayId']}`"
        if route.get("InstanceId"):
            return "nat", f"NAT instance `{route['InstanceId']}`"
        # templates and plans name gateways by logical ID or address: the loader says which
        kind = str(route.get(GATEWAY_KIND) or "")
        if gateway.startswith("igw-") or kind == "internet":
            return "igw", f"internet gateway `{gateway}`"
        for prefix, words in _GATEWAY_WORDS.items():
            if gateway.startswith(prefix) or kind == prefix:
                return "opaque", f"{words} `{gateway}`"
        for key, words in _OPAQUE.items():
            if route.get(key):
                return "opaque", f"{words} `{route[key]}`"
        if gateway and gateway != "local":
            return "opaque", f"gateway `{gateway}`"
    return "none", "no default route"


def endpoint_set(model: Model, vpc: str, ce: Resource) -> tuple[bool | None, str]:
    """(whether the VPC has every endpoint needed, what it lacks or why not known)."""
    endpoints = _index(model).endpoints.get(vpc)
    if endpoints is None:
        # a template or plan that creates the VPC knows all its endpoints: (…, None, vpc)
        scopes = {(m.VPC_ENDPOINTS, None, None), (m.VPC_ENDPOINTS, None, ce.region),
                  (m.VPC_ENDPOINTS, None, vpc)}
        if not (model.is_complete(m.VPC_ENDPOINTS, ce.account, ce.region)
                or scopes & model.complete):
            lookup = model.missing(m.VPC_ENDPOINTS, ce.account, ce.region,
                                   f"the endpoint list of VPC `{vpc}`")
            return None, lt.why(lookup) if isinstance(lookup, Absent | Unknown) else ""
        endpoints = []
    have: set[str] = set()
    no_dns: list[str] = []
    for ep in endpoints:
        match = _SERVICE.match(str(ep.data.get("ServiceName") or ""))
        if not match or str(ep.data.get("State", "available")).lower() in _GONE:
            continue
        service = match.group(1)
        interface = str(ep.data.get("VpcEndpointType", "Interface")).lower() == "interface"
        if service in INTERFACE_SERVICES and interface \
                and ep.data.get("PrivateDnsEnabled") is not True:
            no_dns.append(service)
            continue
        if service in INTERFACE_SERVICES and not interface:
            continue
        have.add(service)
    lacking = [s for s in (*INTERFACE_SERVICES, *GATEWAY_OR_INTERFACE) if s not in have]
    if not lacking:
        return True, ""
    words = "the endpoints " + ", ".join(lacking) if have or no_dns else \
        "every ECS, ECR and S3 endpoint"
    if no_dns:
        words += f" (private DNS is off for {', '.join(no_dns)})"
    return False, words


class _Index:
    """Route tables by subnet and by VPC (main), endpoints by VPC: built once per model."""

    def __init__(self, model: Model):
        self.by_subnet: dict[str, Resource] = {}
        self.main: dict[str, Resource] = {}
        self.endpoints: dict[str, list[Resource]] = {}
        for table in model.of_kind(m.ROUTE_TABLE):
            for assoc in table.data.get("Associations") or []:
                if not isinstance(assoc, Mapping):
                    continue
                if assoc.get("Main") is True:
                    self.main.setdefault(str(table.data.get("VpcId") or ""), table)
                elif isinstance(assoc.get("SubnetId"), str):
                    self.by_subnet.setdefault(assoc["SubnetId"], table)
        for ep in model.of_kind(m.VPC_ENDPOINT):
            self.endpoints.setdefault(str(ep.data.get("VpcId") or ""), []).append(ep)


def _index(model: Model) -> _Index:
    """The model's index, kept in its cache (the run's: it dies with the model). Not through
    ``cached``: which route tables a check consults is the check's own reading."""
    index = model.cache.get("network.index")
    if index is None:
        index = model.cache["network.index"] = _Index(model)
    assert isinstance(index, _Index)
    return index
