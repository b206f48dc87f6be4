"""What a job definition asks of one instance: each ECS task's vCPUs, memory and GPUs,
its containers summed (EKS pods: eks_pods.py)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from batchlint.facts import fargate
from batchlint.facts.jobdefs import containers
from batchlint.jsonvalues import integer, mapping
from batchlint.model import Json, Resource, parse_path
from batchlint.syntax import spell
from batchlint.unknowns import value_at


class Task(NamedTuple):  # a tuple: made for every job definition (a frozen dataclass costs 2x)
    """What one task of a job definition, placed on one instance, asks for."""

    path: str  # where it sits, e.g. "containerProperties.resourceRequirements"
    vcpus: float
    memory: int  # MiB
    gpus: int
    containers: int

    @property
    def empty(self) -> bool:
        return not (self.vcpus or self.memory or self.gpus)

    def describe(self, resource: Resource | None = None) -> str:
        """``2 vCPUs, 8,192 MiB and 1 GPU (summed over 2 containers)``; a node range's
        place spelled as ``resource``'s source writes it."""
        parts = [fargate.vcpu_words(self.vcpus)] if self.vcpus else []
        parts += [f"{self.memory:,} MiB"] if self.memory else []
        parts += [f"{self.gpus} GPU{'' if self.gpus == 1 else 's'}"] if self.gpus else []
        text = fargate.words(parts, "and") or "nothing"
        if self.containers > 1:
            text += f" (summed over {self.containers} containers)"
        if self.path.startswith("nodeProperties"):
            where = self.path.removesuffix(".resourceRequirements")
            text += f" in {spell(resource, where) if resource else where}"
        return text


_NUMBER = re.compile(r"^\s*[0-9]{1,9}(\.[0-9]{1,6})?\s*$")


def job_tasks(jobdef: Resource) -> Iterator[Task]:
    """The ECS tasks of a job definition: its container, each node range's, and each
    ``ecsProperties`` task with its containers summed. EKS pods are left out."""
    groups: dict[str, list[Mapping[str, Json]]] = {}
    for container in containers(jobdef):
        if container.eks:
            continue
        key = container.path
        if "ecsProperties" in key:
            key = key.rsplit(".containers[", 1)[0]
        groups.setdefault(key, []).append(container.data)
    for path, members in groups.items():
        if len(members) == 1:
            vcpus, memory, gpus = _needs(members[0])
            if members[0].get("resourceRequirements"):
                path += ".resourceRequirements"
            yield Task(path, vcpus, memory, gpus, 1)
            continue
        needs = [_needs(c) for c in members]
        yield Task(path, sum(n[0] for n in needs), sum(n[1] for n in needs),
                   sum(n[2] for n in needs), len(members))


def _needs(container: Mapping[str, Json]) -> tuple[float, int, int]:
    """(vCPUs, MiB, GPUs) of a container: resourceRequirements, else the deprecated
    ``vcpus``/``memory``. Values that are not plain numbers count as not given."""
    found: dict[str, float] = {}
    requirements = container.get("resourceRequirements")
    for req in requirements if isinstance(requirements, list) else ():
        if not isinstance(req, (dict, Mapping)):
            continue
        kind, value = req.get("type"), req.get("value")
        if isinstance(kind, str) and isinstance(value, str):
            number = _number(value)
            if number is not None:
                found[kind.upper()] = number
    for kind, legacy in (("VCPU", "vcpus"), ("MEMORY", "memory")):
        value = integer(container.get(legacy))
        if value is not None and kind not in found and 0 <= value < 10**9:
            found[kind] = float(value)
    return (found.get("VCPU", 0.0), math.ceil(found.get("MEMORY", 0.0)),
            math.ceil(found.get("GPU", 0.0)))


@functools.lru_cache(maxsize=1024)  # the same sizes recur across job definitions
def _number(text: str) -> float | None:
    """A requirement's value as a number; None when it is not a plain one."""
    return float(text) if _NUMBER.match(text) else None


def pinned_type(jobdef: Resource, task: Task) -> tuple[str, str] | None:
    """(where, name) of the instance type a node range pins (its container's
    ``instanceType``, else the range's one-element ``instanceTypes``): every node group of a
    multi-node job runs on it. None for other tasks, or when none is pinned."""
    if not task.path.startswith("nodeProperties.nodeRangeProperties["):
        return None
    where = task.path.removesuffix(".resourceRequirements")
    node = where.removesuffix(".container")
    for path, key in ((where, "instanceType"), (node, "instanceTypes")):
        value = mapping(value_at(jobdef.data, parse_path(path))).get(key)
        value = value[0] if isinstance(value, list) and len(value) == 1 else value
        if isinstance(value, str) and value:
            return f"{path}.{key}", value
    return None
