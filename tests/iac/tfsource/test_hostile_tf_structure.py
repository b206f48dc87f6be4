"""Terraform input built to break the reader: module calls that come back where they
start, files too large for the HCL parser, JSON nested too deep, JSON expressions that are
not Terraform's syntax, ``1e9``, broken plans and many folders without Batch resources.
Each is one line on stderr (exit 2) or read as Terraform reads it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from batchlint import model as m
from batchlint.errors import InputError
from batchlint.loaders import load_files
from batchlint.loaders.tfsource_guard import MAX_TERRAFORM_FILE
from batchlint.loaders.tfsource_hcl import parse

from .test_tfsource import ce, resource, write

CE = ce()  # a compute environment; alone in a folder it is a finding's subject


def error(result: Any) -> str:
    """The one line of an error, checked as such."""
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    line: str = result.stderr.rstrip("\n")
    return line


def test_modules_that_call_each_other_are_a_cycle(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, {"a/main.tf": 'module "b" { source = "../b" }\n' + CE,
                     "b/main.tf": 'module "a" { source = "../a" }\n'})
    a, b = tmp_path / "a", tmp_path / "b"
    expected = (f"batchlint: error: {a}/main.tf:1:1: module \"b\" is part of a cycle of "
                f"module calls ({a} → {b} → {a}); Terraform refuses it")
    assert error(cli("scan", str(tmp_path))) == expected  # neither is a root: still found
    assert error(cli("scan", str(a))) == expected  # found when the calls are followed
    assert error(cli("scan", str(a / "main.tf"))) == expected


def test_a_link_to_a_parent_folder_is_a_cycle(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, {"main.tf": 'module "m" { source = "./real" }\n',
                     "real/main.tf": 'module "n" { source = "./loop" }\n' + CE})
    os.symlink("../real", tmp_path / "real" / "loop")
    real = tmp_path / "real"
    expected = (f"batchlint: error: {real}/main.tf:1:1: module \"n\" is part of a cycle of "
                f"module calls ({real} → {real}/loop); Terraform refuses it")
    assert error(cli("scan", str(tmp_path))) == expected
    assert error(cli("scan", str(tmp_path / "main.tf"))) == expected  # not 41 copies


@pytest.mark.parametrize("source", ["./", "../here"])
def test_a_module_that_calls_its_own_folder_is_a_cycle(tmp_path: Path, cli: Any,
                                                       source: str) -> None:
    here = tmp_path / "here"
    write(here, {"main.tf": f'module "m" {{ source = "{source}" }}\n' + CE})
    expected = (f"batchlint: error: {here}/main.tf:1:1: module \"m\" is part of a cycle of "
                f"module calls ({here} → {here}); Terraform refuses it")
    assert error(cli("scan", str(here))) == expected  # not a root dropped in silence
    assert error(cli("scan", str(here / "main.tf"))) == expected


def test_a_module_called_twice_is_no_cycle(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'module "x" { source = "./m" }\nmodule "y" { source = "./m" }\n',
                     "m/main.tf": 'module "z" { source = "../n" }\n', "n/main.tf": CE})
    loaded = load_files([str(tmp_path)])
    assert sorted(r.name for r in loaded.templates[0].resources) == [
        f"module.{c}.module.z.aws_batch_compute_environment.this" for c in "xy"]


@pytest.mark.parametrize("name", ["main.tf", "main.tf.json", "terraform.tfvars"])
def test_a_terraform_file_over_the_limit_is_refused_before_parsing(tmp_path: Path, cli: Any,
                                                                   name: str) -> None:
    """tree-sitter takes ~180 bytes a character of one string; 30 MB crashed it."""
    write(tmp_path, {"main.tf": CE})
    big = tmp_path / name
    big.write_text('x = "' + "x" * (9 * 1024 * 1024) + '"\n')
    assert MAX_TERRAFORM_FILE == 4 * 1024 * 1024
    assert error(cli("scan", str(tmp_path))) == (
        f"batchlint: error: {big}: `{name}` is 9.0 MiB: batchlint reads Terraform files up "
        "to 4 MiB")


@pytest.mark.parametrize("name", ["main.tf.json", "terraform.tfvars.json"])
def test_deep_terraform_json_is_the_json_depth_error(tmp_path: Path, cli: Any,
                                                     name: str) -> None:
    write(tmp_path, {"main.tf": CE})
    deep = tmp_path / name
    deep.write_text('{"locals": {"a": ' + "[" * 50_000 + "]" * 50_000 + "}}")
    assert error(cli("scan", str(tmp_path))) == (
        f"batchlint: error: {deep}: nested more than 200 levels deep (raise the limit with "
        "--max-depth)")


@pytest.mark.parametrize(("text", "where"), [
    ('{"variable":{"v":{"default":1,"type":"${number}"}}}', "1:31"),  # the tree: one ERROR
    ('{"locals":{"a":"${"}}', "1:2"),  # a line of the file, not of the text written for it
    ('{\n  "locals": {\n    "a": "ok",\n    "b": "${1 +}"\n  }\n}\n', "4:5"),
])
def test_a_tf_json_expression_error_points_into_the_json(tmp_path: Path, cli: Any, text: str,
                                                         where: str) -> None:
    path = tmp_path / "main.tf.json"
    path.write_text(text)
    assert error(cli("scan", str(path))).startswith(
        f"batchlint: error: {path}:{where}: HCL syntax error: unexpected ")


def test_a_number_with_an_exponent_reads_as_terraform_reads_it(tmp_path: Path) -> None:
    text = CE.replace("max_vcpus     = 16", "max_vcpus = 16e0\n    min_vcpus = 2e0 + 1E+0")
    assert text != CE
    write(tmp_path, {"main.tf": text})
    data = resource(load_files([str(tmp_path)]), m.COMPUTE_ENVIRONMENT,
                    "aws_batch_compute_environment.this").data
    assert (data["computeResources"]["maxvCpus"], data["computeResources"]["minvCpus"]) == (
        16, 3)


def test_columns_after_an_exponent_count_the_text_as_written() -> None:
    file = parse("main.tf", 'a = "1e9" # 1e9\nb = [1e3, 2E-2]\nc = 3e1 + 1\n')
    assert [(a.name, a.line, a.column) for a in file.attrs.values()] == [
        ("a", 1, 1), ("b", 2, 1), ("c", 3, 1)]
    nodes, plus = [file.attrs["c"].expr], []
    while nodes:
        node = nodes.pop()
        plus += [node] if node.type == "+" else []
        nodes += node.children
    assert [file.position(p) for p in plus] == [(3, 9)]
    with pytest.raises(InputError) as raised:
        parse("main.tf", "a = [1e3, 1e4, @]\n")
    assert str(raised.value) == "main.tf:1:16: HCL syntax error: unexpected '@'"


def plan(**changes: Any) -> dict[str, Any]:
    after = {"compute_environment_name": "ce", "type": "MANAGED"}
    resource_ = {"address": "aws_batch_compute_environment.ce", "mode": "managed",
                 "type": "aws_batch_compute_environment", "name": "ce", "values": after}
    out = {"format_version": "1.2", "terraform_version": "1.9.5",
           "planned_values": {"root_module": {"resources": [resource_]}},
           "resource_changes": [{"address": resource_["address"], "type": resource_["type"],
                                 "change": {"actions": ["create"], "after": after}}]}
    out.update(changes)
    return out


@pytest.mark.parametrize(("changes", "message"), [
    ({"planned_values": None}, "4:3: invalid Terraform plan: `planned_values` must be an "
                               "object, not null"),
    ({"planned_values": {"root_module": {"resources": "xx"}}},
     "6:7: invalid Terraform plan: `planned_values.root_module.resources` must be an "
     "array, not a string"),
    ({"planned_values": {"root_module": {"child_modules": [{"resources": [1]}]}}},
     "9:13: invalid Terraform plan: `planned_values.root_module.child_modules[0]"
     ".resources[0]` must be an object, not a number"),
    ({"resource_changes": {}}, "20:3: invalid Terraform plan: `resource_changes` must be "
                               "an array, not an object"),
    ({"format_version": 1.2}, "2:3: invalid Terraform plan: `format_version` must be a "
                              'string such as "1.2", not a number'),
])
def test_a_broken_plan_is_an_error_not_a_plan_without_batch(tmp_path: Path, cli: Any,
                                                            changes: dict[str, Any],
                                                            message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(**changes), indent=2))  # at the key (or the item)
    assert error(cli("scan", str(path))) == f"batchlint: error: {path}:{message}"


def test_a_whole_plan_still_reads(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan()))
    assert cli("scan", str(path)).exit_code in (0, 1)


def test_folders_without_batch_are_counted_in_one_line(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, {"main.tf": CE, **{f"d{i}/main.tf": "" for i in range(40)}})
    result = cli("scan", str(tmp_path), "--format", "json")
    assert result.stderr.splitlines()[0] == (
        f"batchlint: skipped in {tmp_path}: 40 Terraform folders without AWS Batch resources")
    assert "skipped" not in "".join(result.stderr.splitlines()[1:])
    one = tmp_path / "d0"
    assert cli("scan", str(one)).stderr.splitlines()[0] == (
        f"batchlint: skipped {one}: Terraform without AWS Batch resources")
