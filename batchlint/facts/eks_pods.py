"""What the EKS pod of a job definition asks of one instance (BL302).

From the AWS Batch User Guide, "Memory and vCPU considerations for AWS Batch on Amazon
EKS" (https://docs.aws.amazon.com/batch/latest/userguide/memory-cpu-batch-eks.html):
Batch uses a container's ``requests`` for scaling decisions, and where a resource has
no ``requests`` value the ``limits`` value is copied to it. So a container asks for
``requests[r]``, else ``limits[r]``, of ``cpu``, ``memory`` and ``nvidia.com/gpu``.

Containers combine as Kubernetes schedules a pod
(https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers):
the larger of the sum over ``containers`` and the largest single ``initContainers``
request. That is never more than the sum over all of them, so however Batch itself
adds them up, a pod too big by this count is too big.

A quantity that cannot be read leaves a *low* and a *high* reading of the pod: an
unreadable one counts 0 in the low and has no high; a ``memory`` without a unit is
bytes to Kubernetes (low) but MiB in Batch's documentation (high).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from batchlint.facts import kube_quantity
from batchlint.facts.jobdefs import Container, containers
from batchlint.facts.tasks import Task
from batchlint.jsonvalues import mapping
from batchlint.model import Resource

RESOURCES = ("cpu", "memory", "nvidia.com/gpu")
_UNREAD = Decimal("Infinity")


@dataclass(frozen=True)
class PodSize:
    """One pod: what it asks for at least, at most (None: unbounded) and why they differ."""

    path: str  # where a finding points: the pod, or its only container's `resources`
    low: Task
    high: Task | None
    doubts: tuple[str, ...]


def pod_sizes(jobdef: Resource) -> Iterator[PodSize]:
    """Every EKS pod of the job definition (its own, or a node range's)."""
    pods: dict[str, list[tuple[bool, Container]]] = {}
    for container in containers(jobdef):
        if container.env_key == "env":
            pod, _, place = container.path.rpartition(".")
            pods.setdefault(pod, []).append((place.startswith("initContainers"), container))
    for pod, members in pods.items():
        doubts: list[str] = []
        asks = [(init, _asks(c, doubts)) for init, c in members]
        low = _combine([(init, a[0]) for init, a in asks])
        high = _combine([(init, a[1]) for init, a in asks])
        apps = [c for init, c in members if not init]
        path = f"{apps[0].path}.resources" if len(members) == 1 and apps else pod
        yield PodSize(path, _task(pod, low),
                      None if _UNREAD in high.values() else _task(pod, high), tuple(doubts))


def _asks(container: Container, doubts: list[str]) -> tuple[dict[str, Decimal],
                                                             dict[str, Decimal]]:
    """(low, high) asks of one container, in vCPUs, MiB and GPUs."""
    resources = mapping(container.data.get("resources"))
    requests, limits = mapping(resources.get("requests")), mapping(resources.get("limits"))
    low: dict[str, Decimal] = {}
    high: dict[str, Decimal] = {}
    for name in RESOURCES:
        kind, value = ("request", requests[name]) if name in requests else \
            ("limit", limits.get(name))
        if value is None:
            continue
        text = value if isinstance(value, str) else \
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""
        amount = kube_quantity.parse(text)
        where = f"`{name}` {kind} of {_label(container)}"
        if amount is None or amount < 0:
            shown = text if 0 < len(text) <= 32 else "a value"
            doubts.append(f"the {where} ({shown}) is not a Kubernetes quantity")
            low[name], high[name] = Decimal(0), _UNREAD
        elif name == "memory" and not kube_quantity.has_unit(text):
            doubts.append(f"the {where} ({text}) has no unit: bytes to Kubernetes, "
                          "MiB in AWS Batch's documentation")
            low[name], high[name] = amount / kube_quantity.MIB, amount
        else:
            low[name] = high[name] = amount / kube_quantity.MIB if name == "memory" else amount
    return low, high


def _combine(asks: list[tuple[bool, dict[str, Decimal]]]) -> dict[str, Decimal]:
    """The pod's ask: the sum over its containers or its largest init container."""
    pod = {}
    for name in RESOURCES:
        summed = sum((a.get(name, Decimal(0)) for init, a in asks if not init), Decimal(0))
        pod[name] = max([summed, *(a.get(name, Decimal(0)) for init, a in asks if init)])
    return pod


def _task(pod: str, ask: Mapping[str, Decimal]) -> Task:
    """The pod as one task (``containers`` 1: its containers are combined already)."""
    return Task(pod, float(ask["cpu"]), math.ceil(ask["memory"]),
                math.ceil(ask["nvidia.com/gpu"]), 1)


def _label(container: Container) -> str:
    name = container.data.get("name")
    return f"container `{name}`" if isinstance(name, str) and name else container.path

