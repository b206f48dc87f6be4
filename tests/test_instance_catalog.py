"""The instance-type catalog (bundled table + model data), the memory model, Fargate
pairs and what a job definition asks for; the bundled table is current with its script."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from batchlint import model as m
from batchlint.facts import fargate
from batchlint.facts import instance_catalog as ic
from batchlint.facts.capacity import region_capacity
from batchlint.facts.instance_catalog import known_architecture
from batchlint.facts.tasks import job_tasks
from batchlint.model import Model, Resource

from .conftest import REPO

TABLE = REPO / "batchlint" / "data" / "instance_types.json"
ACCOUNT, REGION = "123456789012", "us-east-1"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_instance_types",
                                                  REPO / "scripts" / "gen_instance_types.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the bundled table ------------------------------------------------------------


def test_bundled_table_is_small_and_records_its_provenance() -> None:
    assert TABLE.stat().st_size < 300_000
    meta = ic.table()["metadata"]
    assert meta["source"] and meta["generated"] and meta["generator"]
    assert len(meta["sourceSha256"]) == 64
    assert meta["count"] == len(ic.bundled()) > 1000
    assert meta["columns"] == ["vcpus", "memoryMiB", "gpus", "architectures"]


def test_bundled_table_holds_the_facts_rules_need() -> None:
    types = ic.bundled()
    assert types["m4.large"] == ic.InstanceType("m4.large", 2, 8192, 0, ("x86_64",))
    assert types["g5.xlarge"].gpus == 1 and types["g5.48xlarge"].gpus == 8
    assert types["m6g.large"].arm and not types["m6i.large"].arm
    assert types["r5.24xlarge"].memory_mib == 786432


def test_bundled_table_is_current_with_its_script() -> None:
    """Regenerating from the same source gives the same bytes (run the script when not)."""
    pytest.importorskip("moto")
    script = _script()
    source, _version = script.moto_source()
    meta = json.loads(TABLE.read_text())["metadata"]
    if hashlib.sha256(gzip.decompress(source.read_bytes())).hexdigest() != meta["sourceSha256"]:
        pytest.skip("the installed moto ships other instance types than the table was made "
                    "from: run scripts/gen_instance_types.py")
    previous = TABLE.read_text()
    assert script.generate(None, meta["source"], "2000-01-01", previous) == previous
    # and a changed table gets a new date, the rest of the metadata unchanged
    changed = script.generate(None, meta["source"], "2000-01-01", previous.replace("8192", "1"))
    assert '"generated": "2000-01-01"' in changed and changed.replace(
        '"generated": "2000-01-01"', f'"generated": "{meta["generated"]}"') == previous


def test_script_reads_a_describe_instance_types_output(tmp_path: Path) -> None:
    script = _script()
    source = tmp_path / "types.json"
    source.write_text(json.dumps({"InstanceTypes": [
        {"InstanceType": "x9.large", "VCpuInfo": {"DefaultVCpus": 2},
         "MemoryInfo": {"SizeInMiB": 4096}, "ProcessorInfo": {"SupportedArchitectures": ["x86_64"]},
         "GpuInfo": {"Gpus": [{"Count": 2}, {"Count": 1}]}},
        {"InstanceType": "broken.large"}]}))
    out = tmp_path / "table.json"
    assert script.main(["--source", str(source), "--output", str(out), "--date", "2001-02-03"]) == 0
    written = json.loads(out.read_text())
    assert written["instanceTypes"] == {"x9.large": [2, 4096, 3, ["x86_64"]]}
    assert written["metadata"]["generated"] == "2001-02-03"
    assert written["metadata"]["sourceVersion"] is None
    assert "types.json" in written["metadata"]["source"]


# -- the memory model ---------------------------------------------------------------


def test_registered_memory_follows_the_documented_model() -> None:
    # AWS's m4.large example: 8,373,026,816 bytes (7,985 MiB) reach the OS; Batch keeps 32 MiB
    assert abs(ic.registered_memory(8192) + ic.ECS_RESERVED_MIB - 7985) <= 3
    assert ic.registered_memory(8192) == 7955
    assert ic.registered_memory(8192, 0) == 8160
    assert ic.registered_memory(16) == 0
    assert ic.registered_memory(8192, -5) == 8160  # never more than the instance has


# -- the catalog: model data first, the table for the rest -------------------------------


def _instance_type(name: str, **fields: Any) -> Resource:
    return Resource(m.INSTANCE_TYPE, name, {"InstanceType": name, **fields},
                    account=ACCOUNT, region=REGION)


def test_model_data_wins_and_fills_gaps_from_the_table() -> None:
    model = Model((
        _instance_type("m4.large", VCpuInfo={"DefaultVCpus": 4}, MemoryInfo={"SizeInMiB": 9000}),
        _instance_type("g5.xlarge", VCpuInfo={"DefaultVCpus": 4},
                       MemoryInfo={"SizeInMiB": 16384}),  # GpuInfo left out: the table's count
        _instance_type("zz1.large", VCpuInfo={"DefaultVCpus": 2}, MemoryInfo={"SizeInMiB": 1024},
                       GpuInfo={"Gpus": [{"Count": 2}]}),
        _instance_type("zz1.xlarge", VCpuInfo={"DefaultVCpus": "many"}),  # unusable
    ))
    cat = ic.Catalog.for_region(model, ACCOUNT, REGION)
    assert cat.get("m4.large") == ic.InstanceType("m4.large", 4, 9000, 0, ("x86_64",))
    assert cat.get("g5.xlarge") is not None and cat.get("g5.xlarge").gpus == 1  # type: ignore[union-attr]
    assert cat.launchable("zz1") == ([ic.InstanceType("zz1.large", 2, 1024, 2)], [])
    assert cat.launchable("zz1.xlarge") == ([], ["zz1.xlarge"])
    other_region = ic.Catalog.for_region(model, ACCOUNT, "eu-west-1")
    assert other_region.get("m4.large") == ic.bundled()["m4.large"]


def test_entries_resolve_to_types_families_and_keywords() -> None:
    cat = ic.bundled_catalog()
    m5, unknown = cat.launchable("m5")
    assert {t.name for t in m5} >= {"m5.large", "m5.24xlarge"} and not unknown
    optimal, unknown = cat.launchable("optimal")
    assert {t.family for t in optimal} >= {"c4", "m4", "r4", "c5", "m5", "r5"} and not unknown
    arm, _ = cat.launchable("default_arm64")
    assert arm and all(t.arm for t in arm)
    assert cat.launchable("M5.Large")[0] == [ic.bundled()["m5.large"]]
    assert cat.launchable("qq7") == ([], ["qq7"])


def test_known_architecture_reads_the_table_before_guessing() -> None:
    assert known_architecture("m6g.large") == "arm64"
    assert known_architecture("default_arm64") == "arm64"
    assert known_architecture("optimal") == "x86_64"
    assert known_architecture("a1") == "arm64"
    assert known_architecture("zz7g.large") == "arm64"  # not known: from the name
    model = Model((_instance_type("m6g.large", ProcessorInfo={
        "SupportedArchitectures": ["x86_64"]}),))
    assert known_architecture("m6g.large", model) == "x86_64"  # the data given wins


# -- capacity ---------------------------------------------------------------------------


def _ce(name: str, **resources: Any) -> Resource:
    data: dict[str, Any] = {"computeEnvironmentName": name, "type": "MANAGED",
                            "computeResources": resources}
    return Resource(m.COMPUTE_ENVIRONMENT, name, data, account=ACCOUNT, region=REGION)


def test_region_capacity_splits_platforms_and_says_what_is_unknown() -> None:
    eks = _ce("eks", type="EC2", maxvCpus=1024, instanceTypes=["x2idn"])
    eks = Resource(eks.kind, eks.name, {**eks.data, "containerOrchestrationType": "EKS"},
                   account=ACCOUNT, region=REGION)
    unmanaged = Resource(m.COMPUTE_ENVIRONMENT, "own", {"type": "UNMANAGED"},
                         account=ACCOUNT, region=REGION)
    model = Model((
        _ce("small", type="EC2", maxvCpus=16, instanceTypes=["m4.large", "m4.xlarge"]),
        _ce("odd", type="SPOT", maxvCpus=16, instanceTypes=["qq7"]),
        _ce("no-max", type="EC2", instanceTypes=["m5"]),
        _ce("fargate", type="FARGATE", maxvCpus=8), eks, unmanaged))
    caps = region_capacity(model, ACCOUNT, REGION, ic.KERNEL_PERCENT)
    ec2, on_fargate = caps["EC2"], caps["Fargate"]
    assert {ce.name for ce in ec2.environments} == {"small", "odd", "no-max", "own"}
    assert len(ec2.unknown) == 3 and any("qq7" in u for u in ec2.unknown)
    assert [s.itype.name for s in ec2.slots] == ["m4.xlarge"]  # m4.large is dominated
    assert ec2.fits(4, 15000, 0) and not ec2.fits(4, 16384, 0) and not ec2.fits(1, 100, 1)
    assert ec2.best_memory(4, 0) == ic.registered_memory(16384)
    assert on_fargate.fits(8, 30720, 0) and not on_fargate.fits(16, 30720, 0)
    assert on_fargate.max_vcpus is not None and on_fargate.max_vcpus[0] == 8


def test_max_vcpus_caps_what_an_instance_offers() -> None:
    model = Model((_ce("tiny", type="EC2", maxvCpus=4, instanceTypes=["m5"]),))
    cap = region_capacity(model, ACCOUNT, REGION, ic.KERNEL_PERCENT)["EC2"]
    assert cap.fits(4, 300_000, 0) and not cap.fits(8, 1024, 0)
    assert cap.max_vcpus is not None and cap.max_vcpus[0] == 4


# -- what a job definition asks for --------------------------------------------------------


def _jobdef(**data: Any) -> Resource:
    return Resource(m.JOB_DEFINITION, "job", {"jobDefinitionName": "job", **data},
                    account=ACCOUNT, region=REGION)


def _req(kind: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "value": value}


def test_tasks_sum_ecs_containers_and_prefer_resource_requirements() -> None:
    job = _jobdef(ecsProperties={"taskProperties": [{"containers": [
        {"resourceRequirements": [_req("VCPU", "1"), _req("MEMORY", "2048")]},
        {"resourceRequirements": [_req("vcpu", "0.5"), _req("GPU", "1")], "memory": 512}]}]})
    (task,) = job_tasks(job)
    assert (task.vcpus, task.memory, task.gpus, task.containers) == (1.5, 2560, 1, 2)
    assert task.path == "ecsProperties.taskProperties[0]"
    assert task.describe() == "1.5 vCPUs, 2,560 MiB and 1 GPU (summed over 2 containers)"
    job = _jobdef(containerProperties={"vcpus": 4, "memory": 100, "resourceRequirements": [
        _req("MEMORY", "8192"), _req("VCPU", "lots"), _req("GPU", "1e9"), "junk"]})
    (task,) = job_tasks(job)
    assert (task.vcpus, task.memory, task.gpus) == (4, 8192, 0)
    assert task.path == "containerProperties.resourceRequirements"
    (task,) = job_tasks(_jobdef(containerProperties={"memory": 2048}))
    assert task.describe() == "2,048 MiB" and task.path == "containerProperties"


def test_tasks_of_node_ranges_and_eks() -> None:
    job = _jobdef(nodeProperties={"nodeRangeProperties": [
        {"container": {"vcpus": 2, "memory": 1024}},
        {"container": {"resourceRequirements": [_req("VCPU", "64")]}}]},
        eksProperties={"podProperties": {"containers": [{"name": "eks"}]}})
    first, second = job_tasks(job)
    assert first.path == "nodeProperties.nodeRangeProperties[0].container"
    assert second.describe() == "64 vCPUs in nodeProperties.nodeRangeProperties[1].container"
    assert not list(job_tasks(_jobdef(eksProperties={"podProperties": {"containers": [{}]}})))


# -- Fargate ---------------------------------------------------------------------------------


def test_fargate_pairs() -> None:
    assert fargate.is_valid(0.25, 512) and fargate.is_valid(1, 8192)
    assert fargate.is_valid(32, 249856)
    assert not fargate.is_valid(1, 16384) and not fargate.is_valid(3, 8192)
    assert fargate.vcpus_for(16384) == (2, 4, 8)
    assert fargate.vcpus_for(61440) == (8, 32)
    assert fargate.vcpus_for(5000) == ()
    assert fargate.describe_memory(1) == "2048-8192 MiB in 1024 MiB steps"
    assert fargate.describe_memory(0.25) == "512, 1024 or 2048 MiB"
    assert fargate.describe_memory(3) == "nothing"
    assert fargate.describe_vcpus(16384) == "2, 4 or 8"
    assert fargate.vcpu_words(0.5) == "0.5 vCPU" and fargate.vcpu_words(2) == "2 vCPUs"
    assert fargate.words(["a", "b", "c"]) == "a, b or c" and fargate.words([]) == ""
    assert (fargate.MAX_VCPUS, fargate.MAX_MEMORY) == (32, 249856)
