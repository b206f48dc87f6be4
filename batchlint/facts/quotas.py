"""EC2 vCPU quotas: which Service Quotas code an instance type counts against.

EC2 counts running instances in vCPUs per region, in one quota per family group
(batch-facts.md section 4): On-Demand and Spot have separate codes. The group is
the letters before the generation digit (``c7gn`` → ``c``, ``inf2`` → ``inf``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from batchlint import model as m
from batchlint.facts.compute import (
    compute_type,
    family,
    instance_types,
    is_managed_ec2,
    is_usable,
    resources_of,
)
from batchlint.model import Model, Resource

STANDARD = "Standard"
G_VT = "G and VT"
P = "P"
F = "F"
X = "X"
INF = "Inf"
DL = "DL"
TRN = "Trn"
HPC = "HPC"
HIGH_MEMORY = "High Memory"

ON_DEMAND_CODES = {
    STANDARD: "L-1216C47A",
    G_VT: "L-DB2E81BA",
    P: "L-417A185B",
    F: "L-74FC7D96",
    X: "L-7295265B",
    INF: "L-1945791B",
    DL: "L-6E869C2A",
    TRN: "L-2C3B7624",
    HPC: "L-F7808C92",
    HIGH_MEMORY: "L-43DA4232",
}
# Trn Spot: two public sources disagree on the code; HPC and High Memory
# instances are not sold as Spot. Those have no code here, so not verified.
SPOT_CODES = {
    STANDARD: "L-34B43A08",
    G_VT: "L-3819A6DF",
    P: "L-7212CCBC",  # "All P4, P3 and P2 Spot Instance Requests" only; see quota_code
    F: "L-88CF9481",
    X: "L-E3A00192",
    INF: "L-B5D1601B",
    DL: "L-85EED4F7",
}
_GROUPS = {code: group for codes in (ON_DEMAND_CODES, SPOT_CODES) for group, code in codes.items()}
_SPOT = set(SPOT_CODES.values())

# Letters before the generation digit → group. Whole prefixes are matched, so
# inf/trn/hpc/dl/vt/im/is/gr never fall to the single letters i, t, h, d, v, g.
_PREFIXES = {
    **dict.fromkeys(("a", "c", "d", "h", "i", "m", "r", "t", "z", "im", "is"), STANDARD),
    **dict.fromkeys(("g", "gr", "vt"), G_VT),
    "p": P,
    "f": F,
    "x": X,
    "inf": INF,
    "dl": DL,
    "trn": TRN,
    "hpc": HPC,
    "u": HIGH_MEMORY,  # u-6tb1, u7i-12tb, u7in-16tb
}
# Batch's instance-type keywords and the families they launch; `optimal` moved
# from the 4th/5th generation to default_x86_64's families on 2025-11-01.
KEYWORD_FAMILIES = {
    "optimal": ("c4", "m4", "r4", "c5", "m5", "r5", "m6i", "c6i", "r6i", "c7i"),
    "default_x86_64": ("m6i", "c6i", "r6i", "c7i"),
    "default_arm64": ("m6g", "c6g", "r6g", "c7g"),
}
_LETTERS = re.compile(r"^([a-z]+)(\d*)")


def group(instance_type: str) -> str | None:
    """The quota group of an instance type, family or keyword; None when unknown."""
    fam = family(instance_type)
    if fam in KEYWORD_FAMILIES:
        return STANDARD
    match = _LETTERS.match(fam)
    return _PREFIXES.get(match.group(1)) if match else None


def quota_code(instance_type: str, spot: bool) -> str | None:
    """The vCPU quota code ``instance_type`` counts against; None when not known."""
    grp = group(instance_type)
    if grp is None:
        return None
    if not spot:
        return ON_DEMAND_CODES[grp]
    if grp == P:
        # P5 and later have their own Spot quota, whose code is UNCONFIRMED.
        match = _LETTERS.match(family(instance_type))
        generation = match.group(2) if match else ""
        if not generation or int(generation) >= 5:
            return None
    return SPOT_CODES.get(grp)


def describe(code: str) -> str:
    """``the On-Demand Standard vCPU quota (L-1216C47A)``, for messages."""
    market = "Spot" if code in _SPOT else "On-Demand"
    return f"the {market} {_GROUPS.get(code, 'EC2')} vCPU quota ({code})"


def families(instance_type: str) -> tuple[str, ...]:
    """The families a keyword stands for; the family of a type or family otherwise."""
    fam = family(instance_type)
    return KEYWORD_FAMILIES.get(fam, (fam,))


# -- how much of each quota the compute environments of a region can use ------


@dataclass(frozen=True)
class Usage:
    """What one compute environment can hold of one quota.

    ``overshoot`` is the vCPUs of the largest instance Batch may launch beyond
    ``maxvCpus`` (0 when it never overshoots); ``unknown`` says why ``total`` is
    only a lower bound (instance types or ``maxvCpus`` not in the data).
    """

    ce: Resource
    max_vcpus: int
    overshoot: int
    unknown: str = ""

    @property
    def total(self) -> int:
        return self.max_vcpus + self.overshoot


@dataclass(frozen=True)
class QuotaGroup:
    """The enabled EC2/SPOT environments of one account and region that share a quota."""

    account: str | None
    region: str | None
    code: str
    usages: tuple[Usage, ...]  # largest maxvCpus first

    @property
    def total(self) -> int:
        return sum(u.total for u in self.usages)


@dataclass(frozen=True)
class QuotaUse:
    """Quota groups by the environment each is reported on, and types with no known quota."""

    groups: Mapping[Resource, list[QuotaGroup]]
    no_code: Mapping[Resource, list[str]]


def market(ce: Resource) -> str:
    return "Spot" if compute_type(ce) == "SPOT" else "On-Demand"


def overshoots(ce: Resource) -> bool:
    """Batch may exceed maxvCpus by one instance, except with BEST_FIT On-Demand."""
    strategy = str(resources_of(ce).get("allocationStrategy") or "BEST_FIT").upper()
    return compute_type(ce) == "SPOT" or strategy != "BEST_FIT"


def quota_use(model: Model) -> QuotaUse:
    """Group every enabled managed EC2/SPOT environment by (account, region, quota code);
    once per model (BL401 and every `why` of BL402 ask)."""
    return model.cached("quotas.use", lambda: _group(model))


def _group(model: Model) -> QuotaUse:
    by_family: dict[str, list[Resource]] = defaultdict(list)
    for res in model.of_kind(m.INSTANCE_TYPE):
        by_family[family(res.name)].append(res)
    members: dict[tuple[str | None, str | None, str], list[Usage]] = defaultdict(list)
    no_code: dict[Resource, list[str]] = {}
    for ce in model.linted(m.COMPUTE_ENVIRONMENT):
        if not (is_managed_ec2(ce) and is_usable(ce)):
            continue
        spot = compute_type(ce) == "SPOT"
        types_by_code: dict[str, list[str]] = defaultdict(list)
        for itype in instance_types(ce) or ["optimal"]:
            code = quota_code(itype, spot)
            if code is None:
                no_code.setdefault(ce, []).append(itype)
            else:
                types_by_code[code].append(itype)
        for code, types in types_by_code.items():
            members[(ce.account, ce.region, code)].append(_usage(model, ce, types, by_family))
    groups: dict[Resource, list[QuotaGroup]] = defaultdict(list)
    for (account, region, code), usages in sorted(members.items(), key=lambda kv: str(kv[0])):
        ordered = tuple(sorted(usages, key=lambda u: (-u.max_vcpus, u.ce.name)))
        groups[ordered[0].ce].append(QuotaGroup(account, region, code, ordered))
    return QuotaUse(dict(groups), no_code)


def _usage(model: Model, ce: Resource, types: list[str],
           by_family: Mapping[str, list[Resource]]) -> Usage:
    max_vcpus = resources_of(ce).get("maxvCpus")
    if not isinstance(max_vcpus, int) or isinstance(max_vcpus, bool):
        return Usage(ce, 0, 0, f"`{ce.name}` has no maxvCpus")
    if not overshoots(ce):
        return Usage(ce, max_vcpus, 0)
    largest, missing = 0, []
    for itype in types:
        if "." in itype:
            found = model.find(m.INSTANCE_TYPE, itype, ce.account, ce.region)
            groups_of_types = [[found] if found is not None else []]
        else:  # a family, or a keyword for several: the largest of each family in the data
            groups_of_types = [[r for r in by_family.get(fam, ()) if _in_scope(r, ce)]
                               for fam in families(itype)]
        for candidates in groups_of_types:
            vcpus = [v for r in candidates if (v := _vcpus(r)) is not None]
            largest = max([largest, *vcpus])
            if not vcpus and itype not in missing:
                missing.append(itype)
    unknown = ""
    if missing:
        unknown = (f"the vCPUs of the largest instance `{ce.name}` may launch beyond its "
                   f"maxvCpus are not known: no instance-type data for {', '.join(missing)}")
        refused = model.unavailable.get((m.INSTANCE_TYPES, ce.account, ce.region))
        if refused:
            unknown += f" ({refused})"
    return Usage(ce, max_vcpus, largest, unknown)


def _vcpus(instance_type: Resource) -> int | None:
    info = instance_type.data.get("VCpuInfo")
    vcpus = info.get("DefaultVCpus") if isinstance(info, Mapping) else None
    return vcpus if isinstance(vcpus, int) and not isinstance(vcpus, bool) else None


def _in_scope(res: Resource, ce: Resource) -> bool:
    return ((not res.account or not ce.account or res.account == ce.account)
            and (not res.region or not ce.region or res.region == ce.region))
