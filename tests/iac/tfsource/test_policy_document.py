"""``data "aws_iam_policy_document"`` from source: the JSON the provider renders at plan time.

``configs/policy_documents/rendered.json`` is what ``terraform show -json`` of a real plan
of ``configs/policy_documents`` gives for each document (re-checked below where terraform
is available); the source must render the same text. Blocks of one principal type, or of
one condition test and variable, are merged in an order that follows the provider's
hashing of set elements: for those (``repeated``) the same values are compared, in any
order.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from batchlint.loaders.tfsource import Loader
from batchlint.loaders.tfsource_module import Module
from batchlint.loaders.tfsource_resource import Run
from tests.iac.terraform.planner import Planner, unavailable

from .test_tfsource import lint

CONFIG = Path(__file__).parent / "configs" / "policy_documents"
RENDERED: dict[str, dict[str, str]] = json.loads((CONFIG / "rendered.json").read_text())
ORDER_FREE = {"repeated"}


def root_module(directory: Path) -> Module:
    """The root module of a configuration, as the source loader evaluates it."""
    loader = Loader()
    definition = loader(str(directory))
    assert definition is not None
    return Module(Run(loader, str(directory), {}, None, 3), definition, [], None)


def _from_source(directory: Path) -> dict[str, Any]:
    """{name: {"json": …, "minified_json": …}} of each aws_iam_policy_document."""
    module = root_module(directory)
    return {key.split(".")[1]: module.data(*key.split(".")) for key in module.definition.data}


def _loose(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted(json.dumps(_loose(v)) for v in value)
    return value


def _assert_same(name: str, ours: dict[str, str], theirs: dict[str, str]) -> None:
    for attribute in ("json", "minified_json"):
        if name in ORDER_FREE:
            assert _loose(json.loads(ours[attribute])) == _loose(json.loads(theirs[attribute]))
        else:
            assert ours[attribute] == theirs[attribute], (name, attribute)


def test_source_renders_each_document_as_the_plan_shows_it() -> None:
    ours = _from_source(CONFIG)
    assert sorted(ours) == sorted(RENDERED)
    for name, rendered in RENDERED.items():
        _assert_same(name, ours[name], rendered)


def data_read_in_plan(config: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """{address: values} of the data sources a real plan of ``config`` read."""
    directory = tmp_path / config.name
    shutil.copytree(config, directory)
    plan = json.loads(Planner(tmp_path).plan(directory, tmp_path / "plan.json").read_text())
    root = plan["prior_state"]["values"]["root_module"]
    return {r["address"]: r["values"] for m in [root, *root.get("child_modules", [])]
            for r in m.get("resources", []) if r["mode"] == "data"}


_WHY_NOT = unavailable()


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_a_real_plan_renders_what_is_pinned(tmp_path: Path) -> None:
    shown = {a.split(".")[-1]: {k: v[k] for k in ("json", "minified_json")}
             for a, v in data_read_in_plan(CONFIG, tmp_path).items()}
    assert sorted(shown) == sorted(RENDERED)
    for name, rendered in shown.items():
        _assert_same(name, RENDERED[name], rendered)


def test_trust_policies_from_documents_decide_bl102() -> None:
    _, report = lint([str(Path(__file__).parent / "configs" / "policy_trust")], "BL102")
    ce = "aws_batch_compute_environment.ce"
    # `service` has for_each, `from_data` count; `tasks` overrides the "Trust" statement
    assert sorted((f.resource.name, f.message) for f in report.findings) == [(
        f'{ce}["{key}"]', f'compute environment `{ce}["{key}"]`: role '
        f'`aws_iam_role.instance["{key}"]` of instance profile '
        f'`aws_iam_instance_profile.instance["{key}"]` is not assumable by `ec2.amazonaws.com`: '
        "add it as a Service principal allowed sts:AssumeRole in the role's trust policy")
        for key in ("ecs_tasks", "tasks")]
    gaps = {n.resource.name: n.reason for n in report.not_verified}
    prefix = "it depends on values not known before deployment: `assume_role_policy` comes from "
    assert gaps == {
        f'{ce}["from_data"]': f"{prefix}`data.aws_ssm_parameter.principal`, a data source "
                              'batchlint does not read (of iam-role '
                              '`aws_iam_role.instance["from_data"]`)',
        f'{ce}["broken"]': f"{prefix}`data.aws_iam_policy_document.broken`, which batchlint "
                           "cannot evaluate: an entry of `source_policy_documents` is not JSON "
                           '(of iam-role `aws_iam_role.instance["broken"]`)'}
