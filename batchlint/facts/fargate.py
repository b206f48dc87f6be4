"""The vCPU and memory pairs Fargate offers to Batch jobs.

From the Batch API reference, ``ResourceRequirement.value`` (botocore 1.44):
a Fargate job's VCPU must be one of the supported values and its MEMORY one of
the values supported for that VCPU. The 32 vCPU row is newer than some copies
of the documentation (which stop at 16); it is included, so that a pair is
reported only when no version of the table allows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from batchlint.facts.compute import resources_of
from batchlint.model import Resource


def _steps(first: int, last: int, step: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1, step))


# vCPUs -> the MEMORY values (MiB) Fargate offers with them
PAIRS: dict[float, tuple[int, ...]] = {
    0.25: (512, 1024, 2048),
    0.5: _steps(1024, 4096, 1024),
    1: _steps(2048, 8192, 1024),
    2: _steps(4096, 16384, 1024),
    4: _steps(8192, 30720, 1024),
    8: _steps(16384, 61440, 4096),
    16: _steps(32768, 122880, 8192),
    32: (61440, 122880, 249856),
}
MAX_VCPUS = max(PAIRS)
MAX_MEMORY = max(max(memory) for memory in PAIRS.values())


def is_valid(vcpus: float, memory: int) -> bool:
    return memory in PAIRS.get(vcpus, ())


def vcpus_for(memory: int) -> tuple[float, ...]:
    """The vCPU values Fargate offers with ``memory`` MiB; empty when none does."""
    return tuple(v for v, allowed in PAIRS.items() if memory in allowed)


def number(value: float) -> str:
    """2.0 → ``2``, 0.25 → ``0.25``."""
    return str(int(value)) if float(value).is_integer() else str(value)


def vcpu_words(value: float) -> str:
    """``1 vCPU``, ``0.5 vCPU``, ``2 vCPUs``."""
    return f"{number(value)} vCPU{'s' if value > 1 else ''}"


def describe_memory(vcpus: float) -> str:
    """The memory Fargate offers with ``vcpus``, in words: ``2048-8192 MiB in 1024 MiB steps``."""
    allowed = PAIRS.get(vcpus, ())
    if not allowed:
        return "nothing"
    steps = {b - a for a, b in pairwise(allowed)}
    if len(allowed) > 3 and len(steps) == 1:
        return f"{allowed[0]}-{allowed[-1]} MiB in {steps.pop()} MiB steps"
    return words(str(m) for m in allowed) + " MiB"


def describe_vcpus(memory: int) -> str:
    return words(number(v) for v in vcpus_for(memory))


def supported_vcpus() -> str:
    return words(number(v) for v in PAIRS)


def words(items: Iterable[str], last: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c`` (``last`` joins the last two)."""
    values = list(items)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + f" {last} " + values[-1]


def max_vcpus(environments: Iterable[Resource]) -> tuple[tuple[int, Resource] | None, list[str]]:
    """The largest ``maxvCpus`` of Fargate compute environments (with the environment),
    and why some environment's is not known."""
    best: tuple[int, Resource] | None = None
    unknown = []
    for ce in environments:
        value = resources_of(ce).get("maxvCpus")
        if not isinstance(value, int) or isinstance(value, bool):
            unknown.append(f"`{ce.name}` has no maxvCpus")
        elif best is None or value > best[0]:
            best = (value, ce)
    return best, unknown
