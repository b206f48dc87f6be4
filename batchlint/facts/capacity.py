"""What the compute environments of a region can place: per platform (EC2, Fargate, EKS),
the instance shapes no other shape beats, from the instance types each environment may
launch (instance_catalog.py) and memory as the ECS agent registers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from batchlint import model as m
from batchlint.facts import fargate
from batchlint.facts.compute import (
    EC2_TYPES,
    FARGATE_TYPES,
    compute_type,
    instance_types,
    is_eks,
    is_managed,
    resources_of,
)
from batchlint.facts.instance_catalog import Catalog, InstanceType, catalog, registered_memory
from batchlint.jsonvalues import integer
from batchlint.model import Model, Resource


@dataclass(frozen=True)
class Slot:
    """One instance type a compute environment may launch, as a job sees it."""

    ce: Resource
    itype: InstanceType
    vcpus: int  # the instance's vCPUs, capped by the environment's maxvCpus
    memory: int  # MiB the ECS agent registers
    gpus: int


@dataclass(frozen=True)
class Capacity:
    """What a region's compute environments of one platform can place.

    ``slots`` keeps only the instance shapes no other shape beats in every
    dimension; ``most_memory``, ``most_vcpus`` and ``most_gpus`` are the
    instances with the most of each (for messages), ``max_vcpus`` the largest
    ``maxvCpus``, ``by_environment`` the slots of each environment. ``unknown``
    says why some environment's capacity is not known.
    """

    environments: tuple[Resource, ...] = ()
    slots: tuple[Slot, ...] = ()
    unknown: tuple[str, ...] = ()
    most_memory: Slot | None = None
    most_vcpus: Slot | None = None
    most_gpus: Slot | None = None
    max_vcpus: tuple[int, Resource] | None = None
    by_environment: Mapping[Resource, tuple[Slot, ...]] = field(default_factory=dict)

    def fits(self, vcpus: float, memory: int, gpus: int) -> bool:
        """One instance can place it: vCPUs, memory and GPUs together."""
        for slot in self.slots:
            if slot.vcpus >= vcpus and slot.memory >= memory and slot.gpus >= gpus:
                return True
        return False

    def best_memory(self, vcpus: float, gpus: int) -> int:
        """The most registered memory one instance with ``vcpus`` and ``gpus`` offers."""
        return max((s.memory for s in self.slots if s.vcpus >= vcpus and s.gpus >= gpus),
                   default=0)


def ec2_capacity(model: Model, account: str | None, region: str | None,
                 environments: Iterable[Resource], kernel_percent: float,
                 nominal_memory: bool = False) -> Capacity:
    """The capacity of the compute environments of one region that launch EC2 instances
    (managed EC2/SPOT; unmanaged and other types count as not known). Memory is what the
    ECS agent registers, or with ``nominal_memory`` the instance's whole memory."""
    plans = _Plans(catalog(model, account, region), kernel_percent, nominal_memory)
    envs: list[Resource] = []
    unknown: list[str] = []
    by_environment: dict[Resource, tuple[Slot, ...]] = {}
    widest: list[Slot] = []  # each environment's slot with the most vCPUs
    for ce in environments:
        envs.append(ce)
        if not is_managed(ce):
            unknown.append(f"`{ce.name}` is UNMANAGED: the instances in it are yours, so their "
                           "sizes are not known")
            continue
        if compute_type(ce) not in EC2_TYPES:
            unknown.append(f"`{ce.name}` is of compute type {compute_type(ce) or 'none'}, "
                           "whose instances batchlint does not know")
            continue
        max_vcpus = integer(resources_of(ce).get("maxvCpus"))
        entries = instance_types(ce)
        if max_vcpus is None or not entries:
            unknown.append(f"`{ce.name}` has no {'maxvCpus' if entries else 'instanceTypes'}")
            continue
        frontier, most_vcpus, missing = plans.plan(tuple(entries), max_vcpus)
        by_environment[ce] = tuple(Slot(ce, *spec) for spec in frontier)
        widest += [Slot(ce, *most_vcpus)] if most_vcpus else []
        if missing:
            unknown.append(f"the instance types {', '.join(missing)} of `{ce.name}` are in "
                           "neither the instance-type data given nor batchlint's table")
    maxima = [(mv, ce) for ce in envs if is_managed(ce) and compute_type(ce) in EC2_TYPES
              and (mv := integer(resources_of(ce).get("maxvCpus"))) is not None]
    # a slot another slot of its environment beats is never the best of the region either
    slots = [slot for own in by_environment.values() for slot in own]
    return Capacity(
        tuple(envs), _frontier(slots, _shape), tuple(unknown),
        max(slots, key=lambda s: (s.memory, s.vcpus, s.gpus), default=None),
        max(widest, key=lambda s: (s.itype.vcpus, s.memory, s.gpus), default=None),
        max(slots, key=lambda s: (s.gpus, s.vcpus, s.memory), default=None),
        max(maxima, key=lambda pair: pair[0], default=None),
        by_environment,
    )


Spec = tuple[InstanceType, int, int, int]  # a slot but its environment: type, vCPUs, MiB, GPUs
T = TypeVar("T")


class _Plans:
    """What a list of ``instanceTypes`` with a ``maxvCpus`` offers, worked out once for the
    environments that share them: the slots no other beats, the one with the most vCPUs,
    and the types or families no source knows."""

    def __init__(self, cat: Catalog, kernel_percent: float, nominal_memory: bool):
        self.cat, self.kernel_percent, self.nominal_memory = cat, kernel_percent, nominal_memory
        self.types: dict[str, tuple[list[tuple[InstanceType, int]], list[str]]] = {}
        self.plans: dict[tuple[tuple[str, ...], int],
                         tuple[tuple[Spec, ...], Spec | None, list[str]]] = {}

    def plan(self, entries: tuple[str, ...], max_vcpus: int
             ) -> tuple[tuple[Spec, ...], Spec | None, list[str]]:
        found = self.plans.get((entries, max_vcpus))
        if found is None:
            specs: list[Spec] = []
            missing: list[str] = []
            for entry in entries:
                types, names = self._launchable(entry)
                specs += [(t, min(t.vcpus, max_vcpus), mib, t.gpus) for t, mib in types]
                missing += names
            found = self.plans[(entries, max_vcpus)] = (
                _frontier(specs, lambda spec: spec[1:]),
                max(specs, key=lambda spec: (spec[0].vcpus, spec[2], spec[3]), default=None),
                missing)
        return found

    def _launchable(self, entry: str) -> tuple[list[tuple[InstanceType, int]], list[str]]:
        """The types an entry may launch, each with the memory a job sees on it."""
        found = self.types.get(entry)
        if found is None:
            types, names = self.cat.launchable(entry)
            found = self.types[entry] = ([(t, t.memory_mib if self.nominal_memory else
                                           registered_memory(t.memory_mib, self.kernel_percent))
                                          for t in types], names)
        return found


def _shape(slot: Slot) -> tuple[int, int, int]:
    return slot.vcpus, slot.memory, slot.gpus


def _frontier(items: list[T], shape: Callable[[T], tuple[int, int, int]]) -> tuple[T, ...]:
    """The items whose shape (vCPUs, memory, GPUs) no other beats in all three together;
    the first of each shape."""
    shapes: dict[tuple[int, int, int], T] = {}
    for item in items:
        shapes.setdefault(shape(item), item)
    kept: list[tuple[int, int, int]] = []
    for each in sorted(shapes, reverse=True):  # a shape can only be beaten by an earlier one
        vcpus, memory, gpus = each
        if not any(v >= vcpus and m >= memory and g >= gpus for v, m, g in kept):
            kept.append(each)
    return tuple(shapes[each] for each in kept)


def region_capacity(model: Model, account: str | None, region: str | None,
                    kernel_percent: float) -> dict[str, Capacity]:
    """What the compute environments of a region can place: ``EC2`` and ``Fargate`` (ECS
    jobs), and ``EKS`` (EKS pods, whose memory is counted as the instance's whole memory:
    what Kubernetes and its daemons keep is not documented for Batch, docs/memory-model.md).

    Every environment counts, enabled or not (one can be enabled later). A Fargate
    environment is one slot of its ``maxvCpus`` with Fargate's largest memory: the
    pairs are checked apart.
    """
    ec2: list[Resource] = []
    on_fargate: list[Resource] = []
    eks: list[Resource] = []
    for ce in model.in_region(m.COMPUTE_ENVIRONMENT, account, region):
        if is_eks(ce):
            eks.append(ce)
            continue
        (on_fargate if compute_type(ce) in FARGATE_TYPES else ec2).append(ce)
    biggest, unknown = fargate.max_vcpus(on_fargate)
    slots: tuple[Slot, ...] = ()
    if biggest is not None:
        shape = InstanceType("Fargate", biggest[0], fargate.MAX_MEMORY)
        slots = (Slot(biggest[1], shape, biggest[0], fargate.MAX_MEMORY, 0),)
    return {"EC2": ec2_capacity(model, account, region, ec2, kernel_percent),
            "Fargate": Capacity(tuple(on_fargate), slots, tuple(unknown), max_vcpus=biggest),
            "EKS": ec2_capacity(model, account, region, eks, kernel_percent, nominal_memory=True)}
