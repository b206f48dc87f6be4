"""Raw EC2 network and placement outputs: ``describe-subnets``, ``describe-route-tables``,
``describe-vpc-endpoints``, ``describe-security-groups`` and
``describe-instance-type-offerings --location-type availability-zone``.

They carry no ARN (subnets and newer security groups aside): the account is the
``OwnerId``, the region comes from an Availability Zone or an endpoint's service name.
A ``describe-vpc-endpoints`` output covers its region: a VPC absent from it has no
endpoints. A region the output does not reveal (an empty list) is any region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from batchlint import model as m
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.model import Json

NETWORK_KEYS = {
    "Subnets": m.SUBNET,  # ec2 describe-subnets
    "RouteTables": m.ROUTE_TABLE,  # ec2 describe-route-tables
    "VpcEndpoints": m.VPC_ENDPOINT,  # ec2 describe-vpc-endpoints
    "SecurityGroups": m.SECURITY_GROUP,  # ec2 describe-security-groups
    "InstanceTypeOfferings": m.INSTANCE_TYPE_OFFERING,  # ec2 describe-instance-type-offerings
}
_REGION = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)")
_SERVICE_REGION = re.compile(r"^(?:cn\.)?com\.amazonaws\.([a-z]{2}(?:-[a-z]+)+-\d+)\.")


def az_region(zone: Json) -> str | None:
    """``us-east-1a`` (or a Local Zone, ``us-west-2-lax-1a``) → ``us-east-1``."""
    match = _REGION.match(zone) if isinstance(zone, str) else None
    return match.group(1) if match else None


def item_region(item: Json) -> str | None:
    if not isinstance(item, Mapping):
        return None
    service = item.get("ServiceName")
    if isinstance(service, str):
        match = _SERVICE_REGION.match(service)
        return match.group(1) if match else None
    arn = item.get("SecurityGroupArn")
    _, region, _ = m.parse_arn(arn)
    return region or az_region(item.get("AvailabilityZone") or item.get("Location"))


def item_account(item: Json) -> str | None:
    owner = item.get("OwnerId") if isinstance(item, Mapping) else None
    return owner if isinstance(owner, str) and owner else None


def load(doc: Document, builder: ModelBuilder) -> None:
    data = doc.data
    for key, kind in NETWORK_KEYS.items():
        if key not in data:
            continue
        items = builder.expect_list(doc, (key,), data[key])
        added = [builder.add(doc, kind, (key, i), item, item_account(item), item_region(item))
                 for i, item in enumerate(items)]
        if kind == m.VPC_ENDPOINT and not data.get("NextToken"):
            scopes = {(r.account, r.region) for r in added} or {(None, None)}
            for account, region in scopes:
                builder.complete.add((m.VPC_ENDPOINTS, account, region))
