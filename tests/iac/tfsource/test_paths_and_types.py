"""``path.module`` and ``file()`` as Terraform run in the root module's directory has them,
whatever directory batchlint runs in; attribute values converted to the provider
schema's number and bool types as Terraform converts them (a plan of the same code shows
``max_vcpus = "256"`` as 256)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

from batchlint import model as m
from tests.conftest import REPO

from .test_policy_document import root_module
from .test_tfsource import ROLES, ce, lint, resource, results, write

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": "ec2.amazonaws.com"}}]})
# the instance role's trust policy read from a file next to the module
FROM_FILE = ROLES.replace(
    'assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = '
    '"Allow",\n    Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" '
    '} }] })', 'assume_role_policy = file("${path.module}/trust.json")')


def _layout(tmp_path: Path, child: bool) -> Path:
    infra = tmp_path / "repo" / "infra"
    batch = infra / "modules" / "batch" if child else infra
    write(batch, {"iam.tf": FROM_FILE, "main.tf": ce(), "trust.json": TRUST})
    if child:
        write(infra, {"main.tf": 'module "batch" {\n  source = "./modules/batch"\n}\n'})
    return infra


@pytest.mark.parametrize("child", [False, True], ids=["root", "child"])
@pytest.mark.parametrize("cwd", ["repo", "repo/infra", "elsewhere"])
def test_file_of_path_module_reads_the_same_from_any_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool, cwd: str) -> None:
    assert FROM_FILE != ROLES
    infra = _layout(tmp_path, child)
    (tmp_path / cwd).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path / cwd)
    loaded, report = lint([os.path.relpath(infra)], "BL101", "BL102")
    assert results(report) == (set(), {})
    role = resource(loaded, m.IAM_ROLE, "instance")
    assert json.loads(role.data["AssumeRolePolicyDocument"]) == json.loads(TRUST)


def test_path_values_are_terraforms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    infra = tmp_path / "infra"
    write(infra, {
        "main.tf": 'module "x" {\n  source = "./modules/x"\n}\n', "p.txt": "root\n",
        "modules/x/p.txt": "child\n",
        "modules/x/main.tf": 'output "o" {\n  value = [path.module, path.root, '
                             'file("${path.module}/p.txt"), file("p.txt")]\n}\n'})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    root = root_module(Path("../infra"))
    assert root.root("path") == {"module": ".", "root": ".", "cwd": str(infra)}
    [child] = root.call("x").children()
    assert child.root("path")["module"] == "modules/x"
    # as `terraform console` in infra/ shows: a relative file() is the root module's
    assert child.output("o") == ["modules/x", ".", "child\n", "root\n"]


JOBS = '''
variable "attempts" {
  type    = string
  default = "11"
}
resource "aws_batch_job_queue" "q" {
  name     = "q"
  state    = "ENABLED"
  priority = "1"
  compute_environment_order {
    order               = "0"
    compute_environment = aws_batch_compute_environment.this.arn
  }
}
resource "aws_batch_job_definition" "j" {
  name           = "j"
  type           = "container"
  propagate_tags = "true"
  retry_strategy {
    attempts = var.attempts
  }
  timeout {
    attempt_duration_seconds = "3600"
  }
  container_properties = jsonencode({ image = "busybox:1.36", resourceRequirements = [
    { type = "VCPU", value = "1" }, { type = "MEMORY", value = "1024" }] })
}
'''
NUMBERS = ce(body='desired_vcpus = "4"\n    min_vcpus = "0"', top='''
  update_policy {
    terminate_jobs_on_update      = "true"
    job_execution_timeout_minutes = "30"
  }''').replace("max_vcpus     = 16", 'max_vcpus     = "16"')


def test_numbers_written_as_strings_are_numbers(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": NUMBERS, "jobs.tf": JOBS})
    loaded, report = lint([str(tmp_path)], "BL101", "BL102", "BL108", "BL201", "BL308")
    assert results(report) == ({("BL108", "aws_batch_compute_environment.this"),
                                ("BL308", "aws_batch_job_definition.j")}, {})
    assert [f.message for f in report.findings if f.rule_id == "BL308"] == [
        "job definition `aws_batch_job_definition.j` sets retryStrategy.attempts to 11; "
        "Batch accepts 1 to 10"]
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
    assert env.unknown == {}
    assert {k: env.data["computeResources"][k] for k in ("maxvCpus", "minvCpus",
                                                         "desiredvCpus")} == {
        "maxvCpus": 16, "minvCpus": 0, "desiredvCpus": 4}
    queue = resource(loaded, m.JOB_QUEUE, "aws_batch_job_queue.q")
    assert (queue.data["priority"], queue.data["computeEnvironmentOrder"][0]["order"]) == (1, 0)
    job = resource(loaded, m.JOB_DEFINITION, "aws_batch_job_definition.j")
    assert (job.data["propagateTags"], job.data["timeout"]) == (
        True, {"attemptDurationSeconds": 3600})


@pytest.mark.parametrize(("written", "why"), [
    ('"abc"', 'is "abc", which is not a number'),
    ('"1_000"', 'is "1_000", which is not a number'),
    ("true", "is true, which is not a number"),
    ('"1e400"', 'is "1e400", a number out of range'),  # not the whole resource unread
    (f'"{"9" * 5000}"', f'is "{"9" * 5000}", a number out of range'),  # was an internal error
])
def test_a_string_that_is_not_a_number_is_not_known(tmp_path: Path, written: str,
                                                     why: str) -> None:
    write(tmp_path, {"iam.tf": ROLES,
                     "main.tf": ce().replace("max_vcpus     = 16", f"max_vcpus = {written}")})
    loaded, report = lint([str(tmp_path)], "BL401")
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
    reason = f"`compute_resources.max_vcpus` {why}"
    assert env.unknown == {("computeResources", "maxvCpus"): reason}
    assert results(report) == (set(), {
        ("BL401", "aws_batch_compute_environment.this"):
            f"it depends on values not known before deployment: {reason}"})


def test_tf_json_strings_are_converted_alike(tmp_path: Path) -> None:
    body = {"resource": {"aws_batch_job_queue": {"q": {
        "name": "q", "state": "ENABLED", "priority": "7",
        "compute_environment_order": {"order": "0", "compute_environment": "arn:aws:batch:"
                                      "us-east-1:123456789012:compute-environment/ce"}}}}}
    write(tmp_path, {"main.tf.json": json.dumps(body)})
    loaded, _ = lint([str(tmp_path)], "BL201")
    queue = resource(loaded, m.JOB_QUEUE, "aws_batch_job_queue.q")
    assert (queue.unknown, queue.data["priority"]) == ({}, 7)


def test_the_types_data_is_the_provider_schemas(tmp_path: Path) -> None:
    """Re-derived from ``terraform providers schema -json`` where terraform can install
    the provider from the local mirror (the data file's source)."""
    from tests.iac.terraform.planner import Planner, unavailable

    spec = importlib.util.spec_from_file_location(
        "gen_terraform_blocks", REPO / "scripts" / "gen_terraform_blocks.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    why = unavailable()
    if why is not None:
        pytest.skip(f"no provider schema: {why}")
    planner = Planner(tmp_path)
    config = write(tmp_path / "schema", {"main.tf": 'terraform {\n  required_providers {\n'
                                         '    aws = { source = "hashicorp/aws" }\n  }\n}\n'})
    planner.init(config)
    shown = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=config,
                           env=planner.env(config / ".terraform"), capture_output=True,
                           text=True, timeout=300, check=True)
    assert generator.types_table(json.loads(shown.stdout)) == json.loads(
        generator.TYPES_OUTPUT.read_text())
