"""Kubernetes quantities and how an EKS pod's ask is worked out (BL302)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from batchlint import model as m
from batchlint.facts import kube_quantity
from batchlint.facts.eks_pods import pod_sizes
from batchlint.model import Resource


@pytest.mark.parametrize(("text", "value"), [
    ("2", Decimal(2)), ("1.5", Decimal("1.5")), ("500m", Decimal("0.5")), (".25", Decimal("0.25")),
    ("4Gi", Decimal(4 * 2**30)), ("4096Mi", Decimal(4 * 2**30)), ("1G", Decimal(10**9)),
    ("1k", Decimal(1000)), ("1Ki", Decimal(1024)), ("1e3", Decimal(1000)), (" 2 ", Decimal(2)),
    ("100u", Decimal("0.0001")),
])
def test_quantities(text: str, value: Decimal) -> None:
    assert kube_quantity.parse(text) == value


@pytest.mark.parametrize("text", ["", "lots", "4GB", "4 Gi", "1..5", "Gi", "${Memory}Mi", "1" * 80])
def test_not_quantities(text: str) -> None:
    assert kube_quantity.parse(text) is None


def test_units() -> None:
    assert kube_quantity.has_unit("4096Mi") and kube_quantity.has_unit("1e3")
    assert not kube_quantity.has_unit("4096")


def _pod(**pod: Any) -> Resource:
    return Resource(m.JOB_DEFINITION, "job", {"eksProperties": {"podProperties": pod}})


def _c(requests: dict[str, Any] | None = None, limits: dict[str, Any] | None = None,
       ) -> dict[str, Any]:
    return {"image": "busybox", "resources": {"requests": requests or {}, "limits": limits or {}}}


def test_requests_win_and_limits_stand_in() -> None:
    [pod] = pod_sizes(_pod(containers=[_c({"cpu": "1"}, {"cpu": "16", "memory": "2Gi"})]))
    assert (pod.low.vcpus, pod.low.memory, pod.low.gpus) == (1.0, 2048, 0)
    assert pod.high == pod.low and not pod.doubts
    assert pod.path == "eksProperties.podProperties.containers[0].resources"


def test_containers_summed_init_containers_at_their_largest() -> None:
    [pod] = pod_sizes(_pod(
        containers=[_c({"cpu": "2", "memory": "1Gi"}), _c({"cpu": "3", "memory": "1Gi"})],
        initContainers=[_c({"cpu": "4", "nvidia.com/gpu": "1"}), _c({"memory": "3Gi"})]))
    assert (pod.low.vcpus, pod.low.memory, pod.low.gpus) == (5.0, 3072, 1)
    assert pod.path == "eksProperties.podProperties"


def test_unreadable_and_unitless_quantities_leave_a_range() -> None:
    [pod] = pod_sizes(_pod(containers=[_c({"cpu": "lots", "memory": "2048"})]))
    assert pod.high is None and (pod.low.vcpus, pod.low.memory) == (0.0, 1)
    assert len(pod.doubts) == 2 and "not a Kubernetes quantity" in pod.doubts[0]
    [pod] = pod_sizes(_pod(containers=[_c(limits={"memory": 2048})]))  # a template's number
    assert pod.high is not None and pod.high.memory == 2048 and pod.low.memory == 1


def test_node_range_pods_are_apart() -> None:
    jobdef = Resource(m.JOB_DEFINITION, "mnp", {"nodeProperties": {"nodeRangeProperties": [
        {"eksProperties": {"podProperties": {"containers": [_c({"cpu": "1"})]}}},
        {"eksProperties": {"podProperties": {"containers": [_c({"cpu": "2"})]}}}]}})
    assert [p.low.vcpus for p in pod_sizes(jobdef)] == [1.0, 2.0]
