"""Splat expressions as Terraform evaluates them (``terraform console``, 1.11).

A splat on a value that is not a list is a one-element tuple, on null an empty one. A
full splat (``x[*]``) takes every step after it from each element; an attribute-only one
(``x.*``) only its ``.a`` and ``.0`` steps, the first ``[…]`` applying to the result:
``x.*.json[0]`` is ``(x.*.json)[0]``, where ``x[*].json[0]`` indexes each ``json`` (a
string: Terraform's "Invalid index", which a real plan shows too).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_eval import EvalError
from batchlint.loaders.tfsource_expr import evaluate

from .test_policy_document import root_module
from .test_tfsource import ROLES, ce, lint, results, write

LOCALS = '''locals {
  obj  = { a = "x", l = ["p", "q"] }
  nul  = null
  lst  = [{ a = "1", l = ["m"] }, { a = "2", l = ["n"] }]
  nest = [{ l = [{ a = 1 }, { a = 2 }] }, { l = [{ a = 3 }] }]
}
'''
REFUSED = "refused"  # Terraform's error
EXPECTED: dict[str, Any] = {  # as `terraform console` prints jsonencode(…) of each
    "local.obj.*.a": ["x"], "local.obj[*].a": ["x"], "local.nul[*]": [], "local.nul.*.a": [],
    "local.obj.*.a[0]": "x", "local.obj[*].a[0]": REFUSED,
    "local.obj.*.l[0]": ["p", "q"], "local.obj[*].l[0]": ["p"], "local.obj.*.l[1]": REFUSED,
    "local.obj.*.l[0][0]": "p", "local.lst.*.l[0]": ["m"], "local.lst[*].l[0]": ["m", "n"],
    "local.lst.*.l.0": ["m", "n"], "local.lst.*.a.0": REFUSED,
    "local.nest[*].l[*].a": [[1, 2], [3]], "local.nest[*].l.*.a": [[1, 2], [3]],
    "local.nest.*.l[0].*.a": [1, 2], "local.nest.*.l[0][0].a": 1,
    "local.nest.*.l.*.a": REFUSED,  # "Nested splat expression not allowed"
    "local.nul[*][0]": [], "local.nul.*.a[0]": REFUSED, "[local.obj][*].a": ["x"],
}


def _ours(directory: Path, expression: str) -> Any:
    file = hcl.parse("x.tf", f"locals {{\n  v = {expression}\n}}\n")
    try:
        return evaluate(file, root_module(directory), file.blocks[0].body.attrs["v"].expr)
    except EvalError:
        return REFUSED


def test_splats_evaluate_as_terraform_does(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": LOCALS})
    assert {e: _ours(tmp_path, e) for e in EXPECTED} == EXPECTED


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_terraform_console_agrees(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": LOCALS})
    shown = {}
    for expression in EXPECTED:
        done = subprocess.run(["terraform", "console"], input=f"jsonencode({expression})",
                              cwd=tmp_path, capture_output=True, text=True, timeout=120,
                              check=False, env={**os.environ, "CHECKPOINT_DISABLE": "1"})
        shown[expression] = json.loads(json.loads(done.stdout)) if done.returncode == 0 \
            else REFUSED
    assert shown == EXPECTED


def _trust_document(service: str, trust: str) -> str:
    return f'''
data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["{service}"]
    }}
  }}
}}
''' + ROLES.replace("assume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = "
                    "[{ Effect = \"Allow\",\n    Action = \"sts:AssumeRole\", Principal = { "
                    "Service = \"batch.amazonaws.com\" } }] })", f"assume_role_policy = {trust}")


CE = "aws_batch_compute_environment.this"


@pytest.mark.parametrize(("service", "trust", "found", "gaps"), [
    ("batch.amazonaws.com", "data.aws_iam_policy_document.trust.*.json[0]", set(), {}),
    ("ecs-tasks.amazonaws.com", "data.aws_iam_policy_document.trust.*.json[0]",
     {("BL101", CE)}, {}),
    ("batch.amazonaws.com", "one(data.aws_iam_policy_document.trust[*].json)", set(), {}),
    # Terraform refuses it: "Invalid index … This value does not have any indices"
    ("batch.amazonaws.com", "data.aws_iam_policy_document.trust[*].json[0]", set(),
     {("BL101", CE): "it depends on values not known before deployment: "
                     "`assume_role_policy` is `data.aws_iam_policy_document.trust[*].json[0]`, "
                     "which batchlint cannot evaluate: this value cannot be indexed (of "
                     "iam-role `aws_iam_role.service`)"}),
])
def test_a_trust_policy_through_a_splat_on_one_data_source(
        tmp_path: Path, service: str, trust: str, found: set[tuple[str, str]],
        gaps: dict[tuple[str, str], str]) -> None:
    roles = _trust_document(service, trust)
    assert trust in roles
    write(tmp_path, {"iam.tf": roles, "main.tf": ce()})
    _, report = lint([str(tmp_path)], "BL101")
    assert results(report) == (found, gaps)
    if found:
        [finding] = report.findings
        assert "is not assumable by `batch.amazonaws.com`" in finding.message


SETS = '''
locals {
  sets = [{ arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                    "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"] },
          { arns = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] }]
}
resource "aws_iam_role" "service" {
  name                = "service"
  managed_policy_arns = EXPRESSION
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "batch.amazonaws.com" } }] })
}
'''


@pytest.mark.parametrize(("expression", "found", "gap"), [
    ("local.sets.*.arns[0]", False, None),  # the first list: it has AWSBatchServiceRole
    ("local.sets[*].arns[0]", True, None),  # the first ARN of each: it has not
    ("local.sets.*.arns.1", False, "no element 1"),  # the second of each: there is none
])
def test_which_steps_a_splat_takes_decides_the_policies(
        tmp_path: Path, expression: str, found: bool, gap: str | None) -> None:
    service = ROLES.split('resource "aws_iam_role" "instance"')[1]
    write(tmp_path, {"iam.tf": SETS.replace("EXPRESSION", expression)
                     + 'resource "aws_iam_role" "instance"' + service, "main.tf": ce()})
    _, report = lint([str(tmp_path)], "BL101")
    assert [f.rule_id for f in report.findings] == (["BL101"] if found else [])
    assert [n.reason for n in report.not_verified] == ([] if gap is None else [
        "it depends on values not known before deployment: `managed_policy_arns` is "
        f"`{expression}`, which batchlint cannot evaluate: {gap} (of iam-role "
        "`aws_iam_role.service`)"])
