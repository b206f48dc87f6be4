"""Whether a compute environment's instances can reach the ECS, ECR and S3 endpoints.

One verdict, shared by BL113, BL310's network clause and ``batchlint why``:
:func:`network_path` reads the environment's subnets, their route tables (the
explicit association, else the VPC's main table), the VPCs' endpoints and the
environment's security groups, and says for each subnet whether it has a path, has
none, or why that is not known.

A subnet has a path when its default route (``0.0.0.0/0``, active) goes to a NAT
gateway or NAT instance; or to an internet gateway while instances get a public IP
(EC2/SPOT: the subnet's ``MapPublicIpOnLaunch`` or the launch template's
``AssociatePublicIpAddress``; Fargate: only for jobs that assign one, which BL310
judges); or when the VPC has interface endpoints with private DNS for every service in
:data:`batchlint.facts.vpc.INTERFACE_SERVICES` and an ``s3`` endpoint. A blackhole route
is no route; a default route to what batchlint cannot see through makes the subnet
unknown. What the VPC gives (route tables, endpoints) is read in :mod:`vpc`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import FARGATE_TYPES, compute_type, resources_of
from batchlint.facts.vpc import DEFAULT_ROUTE, default_route, endpoint_set, route_table
from batchlint.model import Absent, Json, Model, Resource, Unknown
from batchlint.syntax import quoted

HTTPS = 443

# states of a subnet's way out
PATH = "path"  # instances reach ECS, ECR and S3
PUBLIC_ONLY = "public-only"  # Fargate behind an internet gateway: only with a public IP
NONE = "none"  # no way out
UNKNOWN = "unknown"


@dataclass(frozen=True)
class SubnetPath:
    """One subnet's way to ECS, ECR and S3."""

    subnet: str
    state: str  # PATH, PUBLIC_ONLY, NONE or UNKNOWN
    why: str  # in words, naming the route or what is missing
    exit: str = ""  # what the default route reaches: nat, igw, none, opaque; "" unknown
    endpoints: bool | None = None  # the VPC has the whole endpoint set (None: not known)


@dataclass(frozen=True)
class NetworkVerdict:
    """A compute environment's network path: per subnet, and its security groups' egress."""

    subnets: tuple[SubnetPath, ...]
    egress: bool | None  # the security groups together allow outbound TCP 443
    egress_why: str
    fix_groups: str = ""  # the API field of its own groups ("": the launch template's)

    @property
    def reaches(self) -> bool | None:
        """Some subnet has a path (True), none has (False), or it is not known (None)."""
        states = {s.state for s in self.subnets}
        if states & {PATH, PUBLIC_ONLY}:
            return True
        return None if UNKNOWN in states or not states else False

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it is not known, one line per subnet or group (subnets missing for the same
        reason in one line: a configuration may name a dozen of the account's subnets)."""
        out = _grouped([s for s in self.subnets if s.state == UNKNOWN])
        if not self.subnets:
            out.append("the environment names no subnets")
        if self.egress is None:
            out.append(self.egress_why)
        return tuple(out)


def _grouped(subnets: list[SubnetPath]) -> list[str]:
    """Each subnet's why; the whys that differ only in the subnet named (``subnet `x` is
    not in the …: only the account has it``) once, naming them all."""
    shapes: dict[str, list[SubnetPath]] = {}
    for s in subnets:
        shapes.setdefault(s.why.replace(f"subnet `{s.subnet}` is ", "\0", 1), []).append(s)
    out = []
    for shape, alike in shapes.items():
        if len(alike) < 2 or "\0" not in shape:
            out += [s.why for s in alike]
        else:
            named = quoted([s.subnet for s in alike], 4)
            out.append(shape.replace("\0", f"subnets {named} are ").replace(" has it ",
                                                                             " has them "))
    return out


def network_path(model: Model, ce: Resource) -> NetworkVerdict:
    """The verdict for one environment (read once per model and environment)."""
    return ce.cached(f"network:{id(model)}", lambda: _verdict(model, ce))


def _verdict(model: Model, ce: Resource) -> NetworkVerdict:
    cr = resources_of(ce)
    ids = [s for s in cr.get("subnets") or [] if isinstance(s, str)]
    fargate = compute_type(ce) in FARGATE_TYPES
    public = (False, "") if fargate else _template_public_ip(model, ce)
    subnets = tuple(_subnet(model, ce, sid, fargate, public) for sid in dict.fromkeys(ids))
    egress, egress_why = _egress(model, ce, subnets)
    own = "securityGroupIds" in cr  # else its launch template's groups, if any
    return NetworkVerdict(subnets, egress, egress_why,
                          "computeResources.securityGroupIds" if own else "")


def _subnet(model: Model, ce: Resource, sid: str, fargate: bool,
            template_public: tuple[bool | None, str]) -> SubnetPath:
    found = model.lookup(m.SUBNET, sid, m.SUBNETS, ce.account, ce.region)
    if isinstance(found, Absent):
        return SubnetPath(sid, NONE, f"subnet `{sid}` does not exist", "none", False)
    if isinstance(found, Unknown):
        return SubnetPath(sid, UNKNOWN, found.reason)
    table = route_table(model, found, ce)
    if isinstance(table, Absent | Unknown):
        vpc = str(found.data.get("VpcId") or "")
        if endpoint_set(model, vpc, ce)[0]:  # the endpoints decide, whatever the routes
            return SubnetPath(sid, PATH, f"VPC `{vpc}` of subnet `{sid}` has the ECS, ECR "
                              "and S3 endpoints", "", True)
        return SubnetPath(sid, UNKNOWN, lt.why(table))
    exit_, target = default_route(table)
    where = f"subnet `{sid}` (route table `{table.name}`)"
    if exit_ == "nat":
        return SubnetPath(sid, PATH, f"{where} routes {DEFAULT_ROUTE} to {target}", exit_)
    vpc = str(found.data.get("VpcId") or "")  # read only when the routes do not decide
    endpoints, missing = endpoint_set(model, vpc, ce)
    if exit_ == "igw":
        if fargate:
            return SubnetPath(sid, PUBLIC_ONLY, f"{where} routes {DEFAULT_ROUTE} to {target}: "
                              "only tasks with a public IP get out", exit_, endpoints)
        own = found.data.get("MapPublicIpOnLaunch") is True
        if own or template_public[0]:
            how = "MapPublicIpOnLaunch" if own else "the launch template's " \
                "AssociatePublicIpAddress"
            return SubnetPath(sid, PATH, f"{where} routes {DEFAULT_ROUTE} to {target} and "
                              f"instances get a public IP ({how})", exit_, endpoints)
    if endpoints:
        return SubnetPath(sid, PATH, f"VPC `{vpc}` of subnet `{sid}` has the ECS, ECR and "
                          "S3 endpoints", exit_, endpoints)
    if exit_ == "igw" and template_public[0] is None:
        return SubnetPath(sid, UNKNOWN, f"{where} routes {DEFAULT_ROUTE} to {target} but "
                          f"whether instances get a public IP is not known: "
                          f"{template_public[1]}", exit_, endpoints)
    if exit_ == "opaque":
        return SubnetPath(sid, UNKNOWN, f"{where} routes {DEFAULT_ROUTE} to {target}, which "
                          "batchlint cannot see through", exit_, endpoints)
    if endpoints is None:
        return SubnetPath(sid, UNKNOWN, f"{where} has {_route_words(exit_, target)} and "
                          f"{missing}", exit_, endpoints)
    return SubnetPath(sid, NONE, f"{where} has {_route_words(exit_, target)} and its VPC "
                      f"`{vpc}` lacks {missing}", exit_, endpoints)


def _route_words(exit_: str, target: str) -> str:
    if exit_ == "igw":
        return f"a default route to {target} but instances get no public IP"
    return f"no NAT route ({target})" if target else "no NAT route"


def _template_public_ip(model: Model, ce: Resource) -> tuple[bool | None, str]:
    """Whether the launch template gives instances a public IP, or why not known."""
    version = lt.resolve_version(model, ce)
    if version is None:
        return False, ""
    if isinstance(version, Absent | Unknown):
        return None, lt.why(version)
    nics = lt.template_data(version).get("NetworkInterfaces") or []
    return any(isinstance(n, Mapping) and n.get("AssociatePublicIpAddress") is True
               for n in nics), ""


def _egress(model: Model, ce: Resource, subnets: tuple[SubnetPath, ...]) -> tuple[bool | None,
                                                                                 str]:
    ids = [g for g in resources_of(ce).get("securityGroupIds") or [] if isinstance(g, str)]
    whose = "its security groups"
    if not ids and compute_type(ce) not in FARGATE_TYPES:
        whose = "its launch template's security groups"
        version = lt.resolve_version(model, ce)
        data = lt.template_data(version) if isinstance(version, Resource) else {}
        ids = [g for g in data.get("SecurityGroupIds") or [] if isinstance(g, str)]
        ids += [g for nic in data.get("NetworkInterfaces") or [] if isinstance(nic, Mapping)
                for g in nic.get("Groups") or [] if isinstance(g, str)]
    if not ids:
        return None, (f"compute environment `{ce.name}` names no security groups (the VPC's "
                      "default group applies), so its outbound rules are not known")
    unknown: list[str] = []
    for gid in dict.fromkeys(ids):
        group = model.lookup(m.SECURITY_GROUP, gid, m.SECURITY_GROUPS, ce.account, ce.region)
        if isinstance(group, Resource):
            if allows_https(group.data):
                return True, ""
        elif isinstance(group, Unknown):
            unknown.append(group.reason)
    if unknown:
        return None, unknown[0]
    named = ", ".join(f"`{g}`" for g in dict.fromkeys(ids))
    return False, f"{whose} ({named}) allow no outbound TCP {HTTPS}"


def allows_https(group: Mapping[str, Json]) -> bool:
    """An outbound rule of the group allows TCP 443 (to any destination)."""
    for perm in group.get("IpPermissionsEgress") or []:
        if not isinstance(perm, Mapping):
            continue
        protocol = str(perm.get("IpProtocol", "")).lower()
        if protocol in ("-1", "all"):
            return True
        if protocol in ("tcp", "6"):
            low, high = perm.get("FromPort"), perm.get("ToPort")
            if not isinstance(low, int) or not isinstance(high, int) or low == -1 \
                    or low <= HTTPS <= high:
                return True
    return False


def internet_only_through_gateway(model: Model, environments: list[Resource]) -> bool | str:
    """Whether every subnet of ``environments`` reaches the internet only through an
    internet gateway (no NAT route, not the whole endpoint set): BL310's network clause.
    True: a Fargate task without a public IP cannot pull its image; False: some subnet has
    another way out (or none at all, BL113's finding); a string: why it is not known."""
    unknown: list[str] = []
    for ce in environments:
        for subnet in network_path(model, ce).subnets:
            if subnet.exit == "igw" and subnet.endpoints is False:
                continue
            if subnet.exit in ("nat", "none") or subnet.endpoints is True:
                return False
            unknown.append(subnet.why)
        if not resources_of(ce).get("subnets"):
            unknown.append(f"compute environment `{ce.name}` names no subnets")
    return unknown[0] if unknown else True
