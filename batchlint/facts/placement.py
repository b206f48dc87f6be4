"""Where a compute environment can launch: its subnets' Availability Zones, and the zones
in which an instance type is offered (``ec2 describe-instance-type-offerings
--location-type availability-zone``). Read by BL114 and ``batchlint why``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint import model as m
from batchlint.facts.compute import resources_of
from batchlint.model import Model, Resource, Unknown

ZONE = "availability-zone"


@dataclass(frozen=True)
class Zones:
    """The zones of an environment's subnets; ``unknown``: why some subnets' are not known."""

    zones: dict[str, str]  # zone → the first subnet in it
    unknown: tuple[str, ...]


def subnet_zones(model: Model, ce: Resource) -> Zones:
    zones: dict[str, str] = {}
    unknown: list[str] = []
    for sid in dict.fromkeys(s for s in resources_of(ce).get("subnets") or []
                             if isinstance(s, str)):
        found = model.lookup(m.SUBNET, sid, m.SUBNETS, ce.account, ce.region)
        if isinstance(found, Unknown):
            unknown.append(found.reason)
        elif isinstance(found, Resource):
            zone = found.data.get("AvailabilityZone")
            if isinstance(zone, str) and zone:
                zones.setdefault(zone, sid)
            else:
                unknown.append(f"the Availability Zone of subnet `{sid}` is not known")
    return Zones(zones, tuple(unknown))




def offered_zones(model: Model, instance_type: str, account: str | None,
                  region: str | None, source: str = "") -> set[str] | Unknown:
    """The zones of the region that offer the type; Unknown when the offerings given do not
    say (a type missing from complete offerings is offered nowhere in the region). A
    template or plan (``source``) never says: offerings come from the account."""
    zones = {str(o.data.get("Location")) for o in
             model.find_all(m.INSTANCE_TYPE_OFFERING, instance_type, account, region)
             if str(o.data.get("LocationType") or ZONE) == ZONE
             and isinstance(o.data.get("Location"), str)}
    if zones or model.is_complete(m.OFFERINGS, account, region):
        return zones
    if source in m.IAC_WORDS:
        return Unknown(f"which Availability Zones offer instance type `{instance_type}` is "
                       f"not in a {m.IAC_WORDS[source]}: only the account says (a live scan, "
                       "or `ec2 describe-instance-type-offerings --location-type "
                       "availability-zone` output scanned with the account's subnets)")
    lookup = model.missing(m.OFFERINGS, account, region,
                           f"the offering list of instance type `{instance_type}`")
    return lookup if isinstance(lookup, Unknown) else set()


def exact_types(ce: Resource) -> list[tuple[int, str]]:
    """(index, type) of the exact instance types the environment names (not families)."""
    types = resources_of(ce).get("instanceTypes") or []
    return [(i, t) for i, t in enumerate(types if isinstance(types, list) else [])
            if isinstance(t, str) and "." in t]


def describe(zones: Mapping[str, str]) -> str:
    return ", ".join(sorted(zones))
