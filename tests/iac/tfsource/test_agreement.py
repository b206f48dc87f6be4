"""Source and plan of the same configuration give the same findings: the configuration is
read from its `.tf` files and planned with `terraform plan` / `show -json` (offline, from
the provider mirror), and both readings are linted. Where one knows more than the other,
the difference is listed here with its cause; a check the plan decides and the source
cannot is not verified from source, never a different answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.iac.terraform.planner import HERE as PLANNER_DIR
from tests.iac.terraform.planner import Planner, unavailable

from .test_tfsource import lint, results

CONFIGS = {"agree": Path(__file__).parent / "configs" / "agree",
           "handwritten": PLANNER_DIR / "configs" / "handwritten"}
_WHY_NOT = unavailable()
pytestmark = pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """(source directory, plan) of each configuration; planned one after the other, as
    parallel `terraform init`s race on a shared plugin cache."""
    work = tmp_path_factory.mktemp("tfsource-plans")
    planner = Planner(work)
    out = {}
    for name, source in CONFIGS.items():
        directory = work / name
        shutil.copytree(source, directory)
        out[name] = (source, planner.plan(directory, work / f"{name}.json"))
    return out


def _compare(source: Path, plan: Path, plan_wrong: frozenset[tuple[str, str]] = frozenset(),
             ) -> tuple[set[tuple[str, str]], set[tuple[str, str]],
                        dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(findings only the source has, only the plan has, source gaps, plan gaps)."""
    _, from_source = lint([str(source)])
    _, from_plan = lint([str(plan)])
    found_source, gaps_source = results(from_source)
    found_plan, gaps_plan = results(from_plan)
    only_plan = found_plan - found_source
    # a finding of the plan's is, from source, the same finding or not verified
    assert all(k in gaps_source for k in only_plan), only_plan - set(gaps_source)
    only_source = found_source - found_plan
    # a finding only the source has is one the plan could not decide
    assert all(k in gaps_plan for k in only_source - plan_wrong), only_source - set(gaps_plan)
    return only_source, only_plan, gaps_source, gaps_plan


def test_agree(planned: dict[str, tuple[Path, Path]]) -> None:
    ce = "aws_batch_compute_environment.this"
    # `version = each.key == "large" ? aws_launch_template.disk.latest_version : "$Latest"`:
    # the plan's configuration names one reference, which the plan loader takes for the
    # value of both branches (a pinned version); the source sees "$Latest" for "small"
    floating = ("BL116", f'{ce}["small"]')
    only_source, only_plan, gaps_source, gaps_plan = _compare(
        *planned["agree"], plan_wrong=frozenset({floating}))
    assert only_plan == set()
    assert only_source == {floating}
    # the small environment's launch template takes its AMI from a data source, which
    # batchlint does not read
    for rule in ("BL103", "BL104"):
        assert gaps_source[(rule, f'{ce}["small"]')].endswith(
            "`image_id` comes from `data.aws_ssm_parameter.image`, a data source batchlint "
            "does not read (of launch-template-version `aws_launch_template.small_disk`)")
    # the plan cannot tell which launch template `each.key == "large" ? … : …` picks, nor
    # see that a dynamic ec2_configuration leaves image_id_override unset; the source can
    open_in_plan = {k for k, why in gaps_plan.items() if "and the plan does not say which" in why}
    assert {name for _, name in open_in_plan} == {f'{ce}["large"]', f'{ce}["small"]'}
    assert {("BL103", f'{ce}["large"]'), ("BL106", f'{ce}["small"]')} <= open_in_plan
    for key in open_in_plan:
        del gaps_plan[key]
        gaps_source.pop(key, None)  # decided from source, or open for a reason of its own
    assert gaps_source == gaps_plan  # what is left: the same, for the same reasons


def test_handwritten(planned: dict[str, tuple[Path, Path]]) -> None:
    only_source, only_plan, gaps_source, gaps_plan = _compare(*planned["handwritten"])
    assert only_plan == set()
    # `count.index == 0 ? instance : bare`: the source knows count.index, the plan does not
    # say which profile each instance gets; ec2[1] gets the profile without the ECS policy
    # `container_properties = jsonencode({… executionRoleArn = var.execution_role_arn})`:
    # the plan knows none of it before apply; the source knows all but the role
    after_apply = "module.pipeline[0].module.jobs.aws_batch_job_definition.after_apply"
    assert only_source == {("BL102", "aws_batch_compute_environment.ec2[1]"),
                           ("BL306", after_apply)}
    for i in (0, 1):
        assert "and the plan does not say which" in gaps_plan.pop(
            ("BL102", f"aws_batch_compute_environment.ec2[{i}]"))
    assert not any(name == after_apply for _, name in gaps_source)
    for rule in ("BL302", "BL303", "BL304", "BL306", "BL309", "BL311"):
        assert gaps_plan.pop((rule, after_apply)) == (
            "it depends on values not known before deployment: `container_properties` is "
            "known only after apply")
    assert gaps_source == gaps_plan


def test_registry_modules_downloaded_by_init(tmp_path: Path) -> None:
    """terraform-aws-batch's ec2 example with its registry modules (VPC, endpoints, security
    group) where `terraform init` records them (the planner's stubs, in
    .terraform/modules/modules.json): the source reads them there, and the partition from
    the provider's region. It knows more than the plan, never something else."""
    planner = Planner(tmp_path)
    example = planner.example_dir("ec2", "existing_vpc")
    plan = planner.plan(example, tmp_path / "plan.json")
    loaded, _ = lint([str(example)])
    assert not [n for n in loaded.notes if "terraform init" in n]
    only_source, only_plan, gaps_source, gaps_plan = _compare(example, plan)
    assert only_plan == set()
    ce, queue = ("module.batch.aws_batch_compute_environment.this",
                 "module.batch.aws_batch_job_queue.this")
    assert only_source == {  # the plan knows these only after apply
        *((rule, f'{ce}["{name}"]') for rule in ("BL103", "BL113")
          for name in ("a_ec2", "b_ec2_spot")),
        ("BL203", f'{queue}["low_priority"]')}
    # the instance role's trust and policies: the source reads them (its ARN uses the
    # partition), the plan knows the role only after apply
    for name in ("a_ec2", "b_ec2_spot"):
        assert ("BL102", f'{ce}["{name}"]') not in gaps_source
        assert gaps_plan[("BL102", f'{ce}["{name}"]')].endswith(
            "`compute_resources.instance_role` is known only after apply")
