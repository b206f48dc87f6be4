"""The network and placement data a region's compute environments name, and only that.

Their subnets; those subnets' route tables (the explicitly associated ones, and the
main table of each of their VPCs); those VPCs' endpoints; the environments' security
groups (and their launch templates'); and the Availability Zone offerings of the exact
instance types they name. Ids go to EC2 in filters of up to :data:`BATCH` values, so
the calls grow with pages, not with resources; each call is paginated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from batchlint.model import Json

BATCH = 200  # values per EC2 filter

# what the rules read of each: the rest (CIDRs, tags, IPv6, DNS entries…) would only
# make snapshots larger
_FIELDS = {
    "subnets": ("SubnetId", "SubnetArn", "VpcId", "AvailabilityZone", "MapPublicIpOnLaunch",
                "OwnerId"),
    "routeTables": ("RouteTableId", "VpcId", "OwnerId", "Associations", "Routes"),
    "vpcEndpoints": ("VpcEndpointId", "VpcId", "ServiceName", "VpcEndpointType", "State",
                     "PrivateDnsEnabled", "OwnerId", "RouteTableIds"),
    "securityGroups": ("GroupId", "GroupName", "VpcId", "OwnerId", "IpPermissionsEgress"),
    "instanceTypeOfferings": ("InstanceType", "LocationType", "Location"),
}


def _resources(ce: Json) -> Mapping[str, Json]:
    cr = ce.get("computeResources") if isinstance(ce, Mapping) else None
    return cr if isinstance(cr, Mapping) else {}


def _strings(value: Json) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def subnet_ids(ces: list[Json]) -> list[str]:
    return sorted({s for ce in ces for s in _strings(_resources(ce).get("subnets"))})


def group_ids(ces: list[Json], versions: list[Json]) -> list[str]:
    ids = {g for ce in ces for g in _strings(_resources(ce).get("securityGroupIds"))}
    for version in versions:
        data = version.get("LaunchTemplateData") if isinstance(version, Mapping) else None
        data = data if isinstance(data, Mapping) else {}
        ids.update(_strings(data.get("SecurityGroupIds")))
        for nic in data.get("NetworkInterfaces") or []:
            if isinstance(nic, Mapping):
                ids.update(_strings(nic.get("Groups")))
    return sorted(ids)


def exact_types(ces: list[Json]) -> list[str]:
    return sorted({t for ce in ces for t in _strings(_resources(ce).get("instanceTypes"))
                   if "." in t})


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]


def _slim(key: str, items: list[Json]) -> list[Json]:
    fields = _FIELDS[key]
    seen: dict[str, Json] = {}
    for item in items:
        seen.setdefault(str(item.get(fields[0])) + str(item.get(fields[-1])),
                        {k: item[k] for k in fields if k in item})
    return list(seen.values())


class NetworkReader:
    """Reads one region's network data with ``pages(client, operation, key, **params)``."""

    def __init__(self, ec2: Any, pages: Any, data: dict[str, Any]):
        self.ec2 = ec2
        self.pages = pages
        self.data = data

    def _filtered(self, operation: str, key: str, name: str, values: list[str],
                  *extra: dict[str, Any], **params: Any) -> list[Json]:
        found: list[Json] = []
        for chunk in _chunks(values):
            found.extend(self.pages(self.ec2, operation, key,
                                    Filters=[{"Name": name, "Values": chunk}, *extra],
                                    **params))
        return found

    def subnets(self) -> None:
        ids = subnet_ids(self.data["computeEnvironments"])
        self.data["subnets"] = _slim("subnets", self._filtered(
            "describe_subnets", "Subnets", "subnet-id", ids, MaxResults=1000))

    def _vpcs(self) -> list[str]:
        if "subnets" not in self.data:  # refused: what needs the VPCs cannot be read either
            raise _needs_subnets()
        return sorted({str(s["VpcId"]) for s in self.data["subnets"] if s.get("VpcId")})

    def route_tables(self) -> None:
        vpcs = self._vpcs()
        ids = [str(s["SubnetId"]) for s in self.data["subnets"] if s.get("SubnetId")]
        explicit = self._filtered("describe_route_tables", "RouteTables",
                                  "association.subnet-id", ids, MaxResults=100)
        main = self._filtered("describe_route_tables", "RouteTables", "vpc-id", vpcs,
                              {"Name": "association.main", "Values": ["true"]},
                              MaxResults=100)
        self.data["routeTables"] = _slim("routeTables", [*explicit, *main])

    def vpc_endpoints(self) -> None:
        self.data["vpcEndpoints"] = _slim("vpcEndpoints", self._filtered(
            "describe_vpc_endpoints", "VpcEndpoints", "vpc-id", self._vpcs(), MaxResults=1000))

    def security_groups(self) -> None:
        ids = group_ids(self.data["computeEnvironments"],
                        self.data.get("launchTemplateVersions") or [])
        self.data["securityGroups"] = _slim("securityGroups", self._filtered(
            "describe_security_groups", "SecurityGroups", "group-id", ids, MaxResults=1000))

    def offerings(self) -> None:
        types = exact_types(self.data["computeEnvironments"])
        self.data["instanceTypeOfferings"] = _slim("instanceTypeOfferings", self._filtered(
            "describe_instance_type_offerings", "InstanceTypeOfferings", "instance-type",
            types, LocationType="availability-zone", MaxResults=1000))


class SubnetsMissing(Exception):
    """The subnets were not read, so neither can what hangs on their VPCs."""


def _needs_subnets() -> SubnetsMissing:
    return SubnetsMissing("not read: it needs the subnets (ec2:DescribeSubnets)")
