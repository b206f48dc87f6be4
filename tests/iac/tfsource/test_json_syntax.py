"""``*.tf.json`` (Terraform's JSON syntax) read as the native syntax it stands for:
``configs/json_syntax`` mixes a ``main.tf.json`` with ``.tf`` files; its findings point
into the JSON file, nested blocks and map attributes are told apart by the provider's
schema, and a real plan of it agrees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.errors import InputError
from batchlint.loaders import load_files
from tests.iac.terraform.planner import Planner, unavailable

from .test_agreement import _compare
from .test_tfsource import lint, resource, write

CONFIG = Path(__file__).parent / "configs" / "json_syntax"
CE = "aws_batch_compute_environment.this"


def test_findings_point_into_the_json_file() -> None:
    _, report = lint([str(CONFIG)], "BL306", "BL103")
    where = {(f.rule_id, f.resource.name): f.location for f in report.findings}
    bl306 = where[("BL306", "aws_batch_job_definition.this")]
    assert bl306 is not None
    assert (bl306.path, bl306.line, bl306.column) == (str(CONFIG / "main.tf.json"), 73, 9)
    assert sorted(where) == [("BL103", f'{CE}["large"]'), ("BL103", f'{CE}["small"]'),
                             ("BL306", "aws_batch_job_definition.this")]


def test_blocks_and_map_attributes_as_the_schema_says() -> None:
    loaded = load_files([str(CONFIG)])
    large = resource(loaded, m.COMPUTE_ENVIRONMENT, f'{CE}["large"]').data
    assert large["tags"] == {"team": "data", "size": "large"}  # a map, not a block
    assert large["computeResources"]["launchTemplate"]["version"] == "$Latest"  # dynamic
    assert large["computeResources"]["maxvCpus"] == 256
    template = resource(loaded, m.LAUNCH_TEMPLATE_VERSION, "aws_launch_template.disk").data
    [mapping] = template["LaunchTemplateData"]["BlockDeviceMappings"]
    assert mapping["Ebs"]["VolumeSize"] == 30  # a block in a block, from a variable


@pytest.mark.parametrize(("text", "message"), [
    ('{"resource": {\n  "x": [1,]\n}}', "main.tf.json:2:11: invalid JSON: Expecting value"),
    ("[1]", "main.tf.json:1:1: Terraform JSON syntax needs an object at the top level"),
])
def test_invalid_json_is_one_error_naming_the_place(tmp_path: Path, text: str,
                                                    message: str) -> None:
    write(tmp_path, {"main.tf.json": text})
    with pytest.raises(InputError) as raised:
        load_files([str(tmp_path)])
    assert str(raised.value) == f"{tmp_path}/{message}"


_WHY_NOT = unavailable()


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_a_real_plan_of_the_json_syntax_agrees(tmp_path: Path) -> None:
    directory = tmp_path / "json_syntax"
    shutil.copytree(CONFIG, directory)
    plan = Planner(tmp_path).plan(directory, tmp_path / "plan.json")
    only_source, only_plan, _, gaps_plan = _compare(CONFIG, plan)
    assert only_plan == set()
    # the launch template's id is known to the plan only after apply; the source reads it
    assert only_source == {("BL103", f'{CE}["large"]'), ("BL116", f'{CE}["large"]')}
    assert gaps_plan[("BL103", f'{CE}["large"]')].endswith(
        "`compute_resources.launch_template.launch_template_id` is known only after apply")
