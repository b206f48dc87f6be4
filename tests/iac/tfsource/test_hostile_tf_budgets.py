"""Hostile Terraform source: bounded work and memory (instances, elements, strings,
numbers), ``file()`` confined to the scanned root module's directory tree, and a
``dynamic`` block's ``for_each`` that Terraform rejects. Each leaves what it costs not
verified, saying why in the user's words; nothing crashes, hangs or leaks a host file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from batchlint.loaders import tfsource_limits as limits

from .test_tfsource import ROLES, ce, lint, results, write

UNKNOWN = "it depends on values not known before deployment: "
CE = "aws_batch_compute_environment.this"


def gap(root: Path, rule: str, name: str = CE) -> str:
    _, report = lint([str(root)], rule)
    return results(report)[1][(rule, name)]


def with_vcpus(root: Path, expression: str, extra: str = "") -> Path:
    return write(root, {"iam.tf": ROLES, "main.tf": extra + ce().replace(
        "max_vcpus     = 16", f"max_vcpus     = {expression}")})


# -- 1. count and for_each --------------------------------------------------------------
@pytest.mark.parametrize("count", ["1.0e9", "100000"])
def test_a_huge_count_is_not_expanded(tmp_path: Path, count: str) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce(top=f"count = {count}")})
    shown = str(int(float(count)))
    assert gap(tmp_path, "BL103") == (
        f"{UNKNOWN}`count` is {shown}: batchlint expands at most 1,000 instances of a "
        "resource (no Batch configuration has that many)")


def test_a_huge_count_in_json_syntax_is_not_expanded(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf.json": json.dumps({"resource": {
        "aws_batch_compute_environment": {"this": {"type": "MANAGED", "count": 1e9}}}})})
    assert gap(tmp_path, "BL103") == (
        f"{UNKNOWN}`count` is 1000000000: batchlint expands at most 1,000 instances of a "
        "resource (no Batch configuration has that many)")


def test_a_huge_for_each_is_not_expanded(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce(
        top="for_each = toset([for i in range(1001) : tostring(i)])")})
    assert gap(tmp_path, "BL103") == (
        f"{UNKNOWN}`for_each` is a collection of 1,001 elements: batchlint expands at most "
        "1,000 instances of a resource (no Batch configuration has that many)")


def test_the_instances_of_a_configuration_are_bounded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_RUN_INSTANCES", 5)
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce("a", top="count = 3")
                     + ce("b", top="count = 3")})
    _, report = lint([str(tmp_path)], "BL103")
    found, gaps = results(report)
    assert gaps[("BL103", "aws_batch_compute_environment.b")] == (
        f"{UNKNOWN}`count` is 3: batchlint expands at most 5 instances of resources and "
        "modules in a configuration")
    assert ("BL103", "aws_batch_compute_environment.a[2]") in found


def test_a_count_within_bounds_is_expanded(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce(top="count = 3")})
    _, report = lint([str(tmp_path)], "BL103")
    assert {f.resource.name for f in report.findings} == {f"{CE}[{i}]" for i in range(3)}


# -- 2. functions, for expressions, dynamic blocks, strings --------------------------------
@pytest.mark.parametrize(("expression", "why"), [
    ("length(range(1000000000000))",
     "range() has 1,000,000,000,000 elements; batchlint evaluates at most 10,000"),
    ("length([for i in range(10000000) : i])",
     "range() has 10,000,000 elements; batchlint evaluates at most 10,000"),
    ('length(format("%09999999999d", 1))',
     "format() of '%09999999999d': batchlint pads numbers to at most 1,000 characters"),
    ("length(flatten([for i in range(10000) : [for j in range(10000) : j]]))",
     "an expression of more than 200,000 steps, which batchlint does not evaluate"),
    ('length(join(",", [for i in range(2000) : format("%01000d", i)]))',
     "the argument of `join()` has more than 1,048,576 elements and characters, which "
     "batchlint does not build"),
    ('length(replace(format("%01000d", 1), "0", format("%01000d%01000d", 1, 1)))',
     "replace()'s result is longer than 1,048,576 characters, which batchlint does not "
     "build"),
])
def test_functions_and_loops_are_bounded(tmp_path: Path, expression: str, why: str) -> None:
    with_vcpus(tmp_path, expression)
    text = expression if len(expression) <= 60 else expression[:57] + "…"
    assert gap(tmp_path, "BL401") == (
        f"{UNKNOWN}`compute_resources.max_vcpus` is `{text}`, which batchlint cannot "
        f"evaluate: {why}")


def test_a_for_expression_over_a_large_collection(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 3)
    with_vcpus(tmp_path, "length([for i in [1, 2, 3, 4] : i])")
    assert gap(tmp_path, "BL401").endswith(
        "which batchlint cannot evaluate: the collection of a `for` expression has 4 "
        "elements; batchlint evaluates at most 3")


def test_strings_doubled_through_locals_are_bounded(tmp_path: Path) -> None:
    chain = "".join(f'  s{i} = "${{local.s{i - 1}}}${{local.s{i - 1}}}"\n'
                    for i in range(1, 26))
    with_vcpus(tmp_path, "length(local.s25)", 'locals {\n  s0 = "x"\n' + chain + "}\n")
    assert gap(tmp_path, "BL401") == (
        f"{UNKNOWN}`compute_resources.max_vcpus` comes from `local.s21`, which batchlint "
        "cannot evaluate: a string template's result is longer than 1,048,576 characters, "
        "which batchlint does not build")


def test_lists_doubled_through_locals_are_bounded(tmp_path: Path) -> None:
    chain = "".join(f"  l{i} = [local.l{i - 1}, local.l{i - 1}]\n" for i in range(1, 61))
    with_vcpus(tmp_path, "length(jsonencode(local.l60))",
               'locals {\n  l0 = ["x"]\n' + chain + "}\n")
    assert gap(tmp_path, "BL401").endswith(
        "which batchlint cannot evaluate: its value has more than 1,048,576 elements and "
        "characters, which batchlint does not build")


LAUNCH_TEMPLATE = '''
resource "aws_launch_template" "lt" {{
  dynamic "block_device_mappings" {{
    for_each = {for_each}
    content {{
      device_name = "/dev/xvda"
      ebs {{
        volume_size = 100
      }}
    }}
  }}
}}
'''


def with_template(root: Path, for_each: str) -> Path:
    return write(root, {"iam.tf": ROLES, "lt.tf": LAUNCH_TEMPLATE.format(for_each=for_each),
                        "main.tf": ce(body="launch_template {\n      launch_template_id = "
                                           "aws_launch_template.lt.id\n    }")})


def test_a_dynamic_block_with_many_elements(tmp_path: Path) -> None:
    with_template(tmp_path, "range(200000)")
    assert gap(tmp_path, "BL103") == (
        f"{UNKNOWN}`block_device_mappings` is `range(200000)`, which batchlint cannot "
        "evaluate: range() has 200,000 elements; batchlint evaluates at most 10,000 (of "
        "launch-template-version `aws_launch_template.lt`)")


def test_nested_dynamic_blocks_multiply(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ELEMENTS", 3)
    with_template(tmp_path, "[1, 2, 3, 4]")
    assert gap(tmp_path, "BL103") == (
        f"{UNKNOWN}`block_device_mappings` stands for 4 blocks: batchlint expands at most 3 "
        "blocks of a dynamic block (of launch-template-version `aws_launch_template.lt`)")


# -- 5. a dynamic block's for_each Terraform rejects ---------------------------------
@pytest.mark.parametrize(("for_each", "shown"), [
    ("null", "null"), ("5", "a number"), ('"abc"', "a string"), ("true", "a bool")])
def test_a_dynamic_for_each_terraform_rejects_is_not_verified(
        tmp_path: Path, for_each: str, shown: str) -> None:
    with_template(tmp_path, for_each)
    assert gap(tmp_path, "BL103") == (
        f"{UNKNOWN}`block_device_mappings` has a `for_each` of {shown}, which Terraform "
        "rejects (of launch-template-version `aws_launch_template.lt`)")


def test_a_dynamic_for_each_of_an_empty_list_is_no_block(tmp_path: Path) -> None:
    with_template(tmp_path, "[]")
    _, report = lint([str(tmp_path)], "BL103")
    assert [f.resource.name for f in report.findings] == [CE]


# -- 3 and 4. file() -----------------------------------------------------------------------
def instance_role(root: Path, expression: str) -> str:
    write(root, {"iam.tf": ROLES, "main.tf": ce().replace(
        "aws_iam_instance_profile.instance.arn", expression)})
    return gap(root, "BL102")


def file_gap(expression: str, why: str) -> str:
    return (f"{UNKNOWN}`compute_resources.instance_role` is `{expression}`, which batchlint "
            f"cannot evaluate: {why}")


@pytest.mark.parametrize("name", ["/dev/zero", "/etc/passwd", "/proc/self/status",
                                  "../../../../../../../../etc/passwd"])
def test_file_outside_the_root_module_is_not_read(tmp_path: Path, name: str) -> None:
    expression = f'file("{name}")'
    assert instance_role(tmp_path, expression) == file_gap(
        expression, f"file() of '{name}': outside the scanned directory, not read")


def test_a_credentials_file_never_reaches_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any) -> None:
    home = tmp_path / "home"
    write(home, {".aws/credentials": "[default]\naws_secret_access_key = SECRETSECRET\n"})
    monkeypatch.setenv("HOME", str(home))
    root = tmp_path / "root"
    expression = 'file(pathexpand("~/.aws/credentials"))'
    assert instance_role(root, expression) == file_gap(
        expression, f"file() of '{home}/.aws/credentials': outside the scanned directory, "
                    "not read")
    for form in ("text", "json", "sarif"):
        result = cli("scan", str(root), "--format", form, "--verbose")
        assert "SECRETSECRET" not in result.stdout + result.stderr


def test_a_symbolic_link_out_of_the_root_module_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    os.symlink("/etc/passwd", tmp_path / "root" / "link")
    assert instance_role(tmp_path / "root", 'file("link")') == file_gap(
        'file("link")', "file() of 'link': outside the scanned directory, not read")


def test_file_of_a_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert instance_role(tmp_path, 'file("pipe")') == file_gap(
        'file("pipe")', "file() of 'pipe': not a regular file")


def test_file_larger_than_the_bound_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "big").write_text("x" * (limits.MAX_FILE + 1))
    assert instance_role(tmp_path, 'file("big")') == file_gap(
        'file("big")', "file() of 'big': larger than 1048576 bytes")


def test_file_inside_a_downloaded_module_is_read(tmp_path: Path) -> None:
    write(tmp_path, {".terraform/modules/m/profile.txt":
                     "arn:aws:iam::123456789012:instance-profile/x"})
    _, report = lint([str(write(tmp_path, {"iam.tf": ROLES, "main.tf": ce().replace(
        "aws_iam_instance_profile.instance.arn",
        'file(".terraform/modules/m/profile.txt")')}))], "BL102")
    assert results(report)[1][("BL102", CE)].endswith(
        "instance-profile `arn:aws:iam::123456789012:instance-profile/x` is not in the "
        "Terraform configuration: only the account has it (scan the account, live or from "
        "a snapshot)")


# -- 6. numbers out of range ---------------------------------------------------------------
def test_an_infinite_tfvars_number_costs_its_attribute_only(tmp_path: Path) -> None:
    with_vcpus(tmp_path, "var.v", 'variable "v" {\n  type = number\n}\n')
    write(tmp_path, {"terraform.tfvars": "v = 1.0e400\n"})
    _, report = lint([str(tmp_path)], "BL103", "BL401")
    found, gaps = results(report)
    assert found == {("BL103", CE)}  # the rest of the environment is read
    assert gaps == {("BL401", CE): (
        f"{UNKNOWN}`compute_resources.max_vcpus` is set in {tmp_path / 'terraform.tfvars'} "
        "to a value batchlint cannot read: the number 1.0e400 is out of range for batchlint")}


@pytest.mark.parametrize(("expression", "why"), [
    ("1.0e400", "the number 1.0e400 is out of range for batchlint"),
    ("1.0e300 * 1.0e300", "a number is out of range for batchlint"),
    ('tonumber("1e999")', "the number 1e999 is out of range for batchlint"),
    ('jsondecode("[1e999]")[0]', "`jsondecode()`'s result is a number out of range"),
])
def test_numbers_out_of_range_cost_their_attribute(tmp_path: Path, expression: str,
                                                   why: str) -> None:
    with_vcpus(tmp_path, expression)
    assert gap(tmp_path, "BL401") == (
        f"{UNKNOWN}`compute_resources.max_vcpus` is `{expression}`, which batchlint cannot "
        f"evaluate: {why}")


def test_a_regular_expression_that_may_backtrack_for_ever_is_not_evaluated(
        tmp_path: Path) -> None:
    """Terraform's regular expressions (RE2) run in linear time; Python's backtrack: a
    quantified group with a quantifier inside is not run (it took minutes on 40 "a"s)."""
    with_vcpus(tmp_path, 'length(replace("%s!", "/(a+)+b/", "x"))' % ("a" * 40))
    assert gap(tmp_path, "BL401") == (
        f"{UNKNOWN}`compute_resources.max_vcpus` is `length(replace(\"aaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaa!…`, which batchlint cannot evaluate: replace() with the pattern "
        "'/(a+)+b/', a quantified group with a quantifier inside, which batchlint does not "
        "evaluate")
    with_vcpus(tmp_path, 'length(replace("ab-12", "/^([a-z]+)-(\\\\d+)$/", "$2"))')
    _, report = lint([str(tmp_path)], "BL401")
    assert results(report)[1].get(("BL401", CE), "").find("replace()") < 0  # still evaluated


def test_a_regular_expression_python_cannot_run_costs_the_attribute(tmp_path: Path) -> None:
    """An RE2 pattern Python's re refuses (or a $3 of two groups) was an internal error
    that ended the run."""
    with_vcpus(tmp_path, 'length(replace("ab", "/(/", "y"))')
    assert gap(tmp_path, "BL401").endswith(
        "which batchlint cannot evaluate: replace() with the pattern '/(/' and 'y', which "
        "batchlint cannot run")
