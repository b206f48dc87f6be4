"""``data "aws_partition"`` and ``data "aws_region"`` from source: known where the provider
configuration they use sets its region, as a real plan shows them (``configs/provider_data/
shown.json``, re-checked below where terraform is available); unknown, saying why, where
the region comes from the environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from batchlint.loaders.tfsource_eval import Unknown
from tests.iac.terraform.planner import unavailable

from .test_policy_document import data_read_in_plan, root_module
from .test_tfsource import ROLES, ce, lint, write

CONFIG = Path(__file__).parent / "configs" / "provider_data"
SHOWN: dict[str, dict[str, str]] = json.loads((CONFIG / "shown.json").read_text())


def _from_source() -> dict[str, Any]:
    root = root_module(CONFIG)
    out = {f"data.{key}": root.data(*key.split(".")) for key in root.definition.data}
    for call in ("inherits", "given"):
        [child] = root.call(call).children()
        out.update({f"module.{call}.data.{key}": child.data(*key.split("."))
                    for key in child.definition.data})
    return out


def test_source_gives_what_the_plan_shows_but_the_region_description() -> None:
    ours = _from_source()
    assert sorted(ours) == sorted(SHOWN)
    for address, shown in SHOWN.items():
        if "aws_region" in address:
            assert isinstance(ours[address].pop("description"), Unknown)
            shown = {k: v for k, v in shown.items() if k != "description"}
        assert ours[address] == shown, address


_WHY_NOT = unavailable()


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_a_real_plan_shows_what_is_pinned(tmp_path: Path) -> None:
    assert data_read_in_plan(CONFIG, tmp_path) == SHOWN


@pytest.mark.parametrize(("provider", "why"), [
    ('provider "aws" {}\n', "depends on the region of provider `aws`, which the "
                            "configuration does not set (the environment or profile does)"),
    ("", "depends on the region of provider `aws`, which has no provider block (the "
         "environment or profile sets it)"),
    ('provider "aws" {\n  region = "cn-north-1"\n}\n', None),
])
def test_a_partition_is_known_where_the_provider_sets_its_region(
        tmp_path: Path, provider: str, why: str | None) -> None:
    arn = "arn:${data.aws_partition.current.partition}:iam::123456789012:instance-profile/i"
    write(tmp_path, {"iam.tf": ROLES, "main.tf": provider + 'data "aws_partition" "current" '
                     '{}\n' + ce().replace("aws_iam_instance_profile.instance.arn", f'"{arn}"')})
    _, report = lint([str(tmp_path)], "BL102")
    [gap] = report.not_verified
    if why is None:
        # the profile's ARN is known, in the China partition; the profile is not in the files
        assert ("instance-profile `arn:aws-cn:iam::123456789012:instance-profile/i` is not "
                "in the Terraform configuration") in gap.reason
    else:
        assert gap.reason == ("it depends on values not known before deployment: "
                              "`compute_resources.instance_role` comes from "
                              f"`data.aws_partition.current`, which {why}")
