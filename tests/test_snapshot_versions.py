"""Snapshots of every format version are read; a newer one is refused with "upgrade".

Version 3 added ``iam-policies`` to ``notCollected`` (a live scan that could not read
a policy document says so), a dataset a reader of version 2 rejects: the version was
bumped so that such a reader says "upgrade batchlint" instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from batchlint.loaders.snapshot import FORMAT_VERSION, READS

from .conftest import compute_environment

ACCOUNT, REGION = "123456789012", "us-east-1"
CE = compute_environment("genomics", computeResources={
    "type": "EC2", "minvCpus": 0, "maxvCpus": 16, "instanceTypes": ["m5.large"],
    "subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]})
SUBNET = {"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a",
          "MapPublicIpOnLaunch": False}
REFUSED = "AccessDenied on iam:GetPolicy"


def _snapshot(version: int) -> dict[str, Any]:
    """What the batchlint of each version wrote: 1 no network data, 2 subnets, 3 a
    policy document it could not read."""
    region: dict[str, Any] = {"region": REGION, "computeEnvironments": [CE]}
    account: dict[str, Any] = {"account": ACCOUNT, "regions": [region]}
    if version >= 2:
        region["subnets"] = [SUBNET]
    if version >= 3:
        account["notCollected"] = [{"dataset": "iam-policies", "reason": REFUSED}]
    return {"batchlint_snapshot": version, "accounts": [account]}


def _scan(cli: Callable[..., Any], path: str) -> dict[str, Any]:
    result = cli("scan", path, "--format", "json", "--fail-on", "never", "--select", "BL113")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_the_exporter_writes_the_newest_version_and_reads_every_older_one() -> None:
    assert FORMAT_VERSION == 3 and READS == (1, 2, 3)


@pytest.mark.parametrize(("version", "reason"), [
    # version 1 has no subnets: not collected
    (1, "subnet `subnet-1` is not in the data given: no complete subnets"),
    # version 2 has them; its route tables are not in this file
    (2, "the route table of subnet `subnet-1` is not in the data given"),
    (3, "the route table of subnet `subnet-1` is not in the data given"),
])
def test_each_version_is_read(cli: Callable[..., Any], write_json: Callable[[str, Any], str],
                              version: int, reason: str) -> None:
    report = _scan(cli, write_json(f"v{version}.json", _snapshot(version)))
    [gap] = report["not_verified"]
    assert gap["rule_id"] == "BL113" and gap["resource"]["name"] == "genomics"
    assert gap["reason"].startswith(reason), gap["reason"]


def test_a_newer_version_asks_for_an_upgrade(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "v4.json"
    path.write_text(json.dumps({**_snapshot(3), "batchlint_snapshot": 4}))
    result = cli("scan", str(path))
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {path}:1:2: snapshot format 4 is newer than this batchlint "
           "reads (3); upgrade batchlint\n")


def test_an_unknown_dataset_is_named(cli: Callable[..., Any], tmp_path: Path) -> None:
    data = _snapshot(3)
    data["accounts"][0]["notCollected"][0]["dataset"] = "iam-polices"
    path = tmp_path / "typo.json"
    path.write_text(json.dumps(data))
    result = cli("scan", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "accounts[0].notCollected[0].dataset must be one of iam, iam-policies," \
        in result.stderr
