"""Terraform source (`.tf` files, module directories) read without a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from batchlint import model as m
from batchlint.engine import Report, RuleRun, run
from batchlint.loaders import Loaded, load_files
from batchlint.registry import load_rules

RULES = {r.id: r for r in load_rules(entry_points=False)}
ROLES = '''
resource "aws_iam_role" "service" {
  name = "service"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "batch.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}
resource "aws_iam_role" "instance" {
  name = "instance"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",
    Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "instance" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}
resource "aws_iam_instance_profile" "instance" {
  name = "instance"
  role = aws_iam_role.instance.name
}
'''


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def lint(paths: list[str], *codes: str, **kwargs: Any) -> tuple[Loaded, Report]:
    loaded = load_files(paths, **kwargs)
    chosen = [RULES[c] for c in codes] if codes else [
        r for r in RULES.values() if r.enabled_by_default]
    return loaded, run(loaded.models, [RuleRun(r, r.severity, {}) for r in chosen])


def results(report: Report) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str]]:
    return ({(f.rule_id, f.resource.name) for f in report.findings},
            {(n.rule_id, n.resource.name): n.reason for n in report.not_verified})


def resource(loaded: Loaded, kind: str, name: str) -> m.Resource:
    for model in loaded.models:
        found = model.find(kind, name)
        if found is not None:
            return found
    raise AssertionError(f"{name} not loaded")


def ce(name: str = "this", body: str = "", top: str = "") -> str:
    return f'''
resource "aws_batch_compute_environment" "{name}" {{
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn
  {top}
  compute_resources {{
    type          = "EC2"
    max_vcpus     = 16
    instance_type = ["m6i"]
    subnets       = ["subnet-1"]
    instance_role = aws_iam_instance_profile.instance.arn
    {body}
  }}
}}
'''


def test_references_reach_profile_role_and_attachments(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce()})
    loaded, report = lint([str(tmp_path)], "BL101", "BL102")
    assert results(report) == (set(), {})
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
    assert env.origin.source == "terraform"
    assert env.data["computeResources"]["instanceRole"] == (
        "arn:aws:iam:::instance-profile/aws_iam_instance_profile.instance")


def test_a_finding_points_at_the_attribute_line(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES.replace("service-role/AmazonEC2ContainerServiceforEC2Role",
                                             "AmazonS3ReadOnlyAccess"),
                     "main.tf": ce()})
    _, report = lint([str(tmp_path / "main.tf")], "BL102")
    [finding] = report.findings
    where = finding.location
    assert where is not None
    assert (where.path, where.line, where.column) == (str(tmp_path / "main.tf"), 11, 5)


def test_missing_attribute_points_at_its_block(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce()})
    _, report = lint([str(tmp_path)], "BL103")
    [finding] = report.findings  # no launch template: the default disk
    where = finding.location
    assert where is not None and (where.line, where.column) == (6, 3)  # compute_resources


def test_variables_take_defaults_then_tfvars_then_var_files(tmp_path: Path) -> None:
    body = '''
variable "max" {
  default = 8
}
variable "kind" {
  default = "EC2"
}
resource "aws_batch_compute_environment" "this" {
  type = "MANAGED"
  compute_resources {
    type          = var.kind
    max_vcpus     = var.max
    instance_type = ["optimal"]
    subnets       = ["subnet-1"]
  }
}
'''
    write(tmp_path, {"main.tf": body, "terraform.tfvars": "max = 16\n",
                     "b.auto.tfvars": 'kind = "SPOT"\n', "extra.tfvars": "max = 32\n"})

    def read(**kwargs: Any) -> dict[str, Any]:
        loaded = load_files([str(tmp_path)], **kwargs)
        return dict(resource(loaded, m.COMPUTE_ENVIRONMENT,
                             "aws_batch_compute_environment.this").data["computeResources"])
    assert (read()["maxvCpus"], read()["type"]) == (16, "SPOT")
    assert read(var_files=[str(tmp_path / "extra.tfvars")])["maxvCpus"] == 32


def test_variable_without_default_is_not_verified(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": 'variable "profile" {}\n' + ce().replace(
        "aws_iam_instance_profile.instance.arn", "var.profile")})
    _, report = lint([str(tmp_path)], "BL102")
    assert results(report) == (set(), {("BL102", "aws_batch_compute_environment.this"): (
        "it depends on values not known before deployment: `compute_resources.instance_role` "
        "comes from `var.profile`, which has no default and no value in a tfvars file")})


def test_count_for_each_and_addresses(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce("counted", top="count = 2") + ce(
        "mapped", top='for_each = { a = 1, b = 2 }') + ce("set", top='for_each = toset(["x"])')
        + ce("none", top="count = 0")})
    loaded = load_files([str(tmp_path)])
    names = {r.name for r in loaded.templates[0].resources if r.kind == m.COMPUTE_ENVIRONMENT}
    assert names == {"aws_batch_compute_environment.counted[0]",
                     "aws_batch_compute_environment.counted[1]",
                     'aws_batch_compute_environment.mapped["a"]',
                     'aws_batch_compute_environment.mapped["b"]',
                     'aws_batch_compute_environment.set["x"]'}


def test_functions_locals_and_job_definition_documents(tmp_path: Path) -> None:
    body = '''
locals {
  base  = { image = "busybox:1.36" }
  props = merge(local.base, { command = concat(["echo"], [format("%s-%d", "n", 3)]) })
}
resource "aws_batch_job_definition" "json" {
  name = "json"
  type = "container"
  container_properties = jsonencode(merge(local.props, {
    vcpus = tonumber("2"), memory = lookup({ m = 512 }, "m", 1)
    jobRoleArn = coalesce(null, "arn:aws:iam::1:role/x"), user = tostring(0) }))
}
resource "aws_batch_job_definition" "heredoc" {
  name = "heredoc"
  type = "container"
  container_properties = <<EOT
{"image": "${local.base.image}", "command": ["$${HOME}"]}
EOT
}
'''
    write(tmp_path, {"main.tf": body})
    loaded = load_files([str(tmp_path)])
    props = resource(loaded, m.JOB_DEFINITION, "aws_batch_job_definition.json").data[
        "containerProperties"]
    assert props == {"image": "busybox:1.36", "command": ["echo", "n-3"], "vcpus": 2,
                     "memory": 512, "jobRoleArn": "arn:aws:iam::1:role/x", "user": "0"}
    assert resource(loaded, m.JOB_DEFINITION, "aws_batch_job_definition.heredoc").data[
        "containerProperties"] == {"image": "busybox:1.36", "command": ["${HOME}"]}


def test_local_modules_at_any_depth(tmp_path: Path) -> None:
    write(tmp_path, {
        "main.tf": 'module "outer" {\n  source = "./outer"\n  for_each = toset(["a"])\n'
                   '  image = "img:${each.key}"\n}\n',
        "outer/main.tf": 'variable "image" {}\nmodule "inner" {\n  source = "../inner"\n'
                         '  image = var.image\n}\n',
        "inner/main.tf": 'variable "image" {}\nresource "aws_batch_job_definition" "j" {\n'
                         '  name = "j"\n  type = "container"\n'
                         '  container_properties = jsonencode({ image = var.image })\n}\n'})
    loaded = load_files([str(tmp_path)])
    jd = resource(loaded, m.JOB_DEFINITION,
                  'module.outer["a"].module.inner.aws_batch_job_definition.j')
    assert jd.data["containerProperties"] == {"image": "img:a"}
    assert jd.origin.path == str(tmp_path / "inner" / "main.tf")


def test_data_sources_and_remote_modules_are_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": '''
data "aws_subnets" "private" {}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
''' + ce("a", body="launch_template {\n launch_template_id = module.vpc.lt\n}") + ce(
        "b").replace('["subnet-1"]', "data.aws_subnets.private.ids")})
    _, report = lint([str(tmp_path)], "BL103")
    _, gaps = results(report)
    assert gaps[("BL103", "aws_batch_compute_environment.a")].endswith(
        "`compute_resources.launch_template.launch_template_id` comes from module `vpc` "
        "(`terraform-aws-modules/vpc/aws`), which is not downloaded (run `terraform init`)")


def test_undecided_condition_is_read_in_both_worlds(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": 'variable "spot" {\n  type = bool\n}\n' + ce(
        "both", top="").replace('"EC2"', 'var.spot ? "SPOT" : "EC2"').replace(
        'max_vcpus     = 16', 'max_vcpus = 16\n    allocation_strategy = "BEST_FIT"')})
    loaded, report = lint([str(tmp_path)], "BL111")
    assert [mo.world for mo in loaded.templates] == ["`var.spot` is true", "`var.spot` is false"]
    [gap] = report.not_verified
    assert gap.reason.startswith(
        "it depends on conditions that cannot be decided before deployment: when `var.spot` "
        "is true")


def test_decided_condition_picks_its_branch(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": 'variable "spot" {\n  default = false\n}\n'
                     + ce().replace('"EC2"', 'var.spot ? "SPOT" : "EC2"')})
    loaded = load_files([str(tmp_path)])
    assert [mo.world for mo in loaded.templates] == [""]
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
    assert env.data["computeResources"]["type"] == "EC2"


def test_suppression_by_comment_and_tag(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": "# batchlint:ignore=BL103" + ce("a") + ce(
        "b", top='tags = { "batchlint:ignore" = "BL103" }') + ce("c")})
    _, report = lint([str(tmp_path)], "BL103")
    assert {f.resource.name for f in report.findings} == {"aws_batch_compute_environment.c"}
    assert {f.resource.name for f in report.suppressed} == {
        "aws_batch_compute_environment.a", "aws_batch_compute_environment.b"}


def test_unsupported_construct_costs_the_attribute(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce("odd").replace(
        "aws_iam_instance_profile.instance.arn", 'cidrsubnet("10.0.0.0/16", 8, 1)') + ce("fine")})
    _, report = lint([str(tmp_path)], "BL102")
    found, gaps = results(report)
    assert found == set()
    assert gaps == {("BL102", "aws_batch_compute_environment.odd"): (
        "it depends on values not known before deployment: `compute_resources.instance_role` "
        "is `cidrsubnet(\"10.0.0.0/16\", 8, 1)`, which batchlint cannot evaluate: "
        "`cidrsubnet()` is not evaluated by batchlint")}


def test_unknown_count_costs_the_resource(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": 'variable "n" {}\n' + ce(top="count = var.n")})
    _, report = lint([str(tmp_path)], "BL102")
    [gap] = report.not_verified
    assert gap.resource.name == "aws_batch_compute_environment.this"
    assert gap.reason.endswith("`count` comes from `var.n`, which has no default and no value "
                               "in a tfvars file")


def test_directory_without_batch_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {}\n'})
    assert load_files([str(tmp_path)]).notes == [
        f"skipped {tmp_path}: Terraform without AWS Batch resources"]


def test_a_directory_finds_its_root_modules(tmp_path: Path) -> None:
    write(tmp_path, {"prod/main.tf": 'module "m" {\n  source = "../modules/jd"\n}\n',
                     "modules/jd/main.tf": 'resource "aws_batch_job_definition" "j" {\n'
                     '  name = "j"\n  type = "container"\n}\n',
                     ".terraform/modules/x/main.tf": "this is not read"})
    loaded = load_files([str(tmp_path)])
    assert [r.name for r in loaded.templates[0].resources] == [
        "module.m.aws_batch_job_definition.j"]
    assert len(loaded.templates) == 1


@pytest.mark.parametrize(("text", "where"), [
    ('resource "a" "b" {\n  x = \n}\n', "3:1"),
    ('resource "a" "b" {\n  x = "y"\n', "3:1"),
    ('resource "a" "b" {\n  x = 1 ? \n}\n', "3:1"),
    ('resource "a" "b" {\n  x = @\n}\n', "2:7"),
])
def test_syntax_errors_are_one_line_with_position(tmp_path: Path, cli: Any, text: str,
                                                  where: str) -> None:
    path = tmp_path / "main.tf"
    path.write_text(text)
    result = cli("scan", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"batchlint: error: {path}:{where}: HCL syntax error")
    assert result.stderr.count("\n") == 1


def test_cli_on_a_directory(tmp_path: Path, cli: Any) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce()})
    result = cli("scan", str(tmp_path), "--select", "BL103", "--format", "json")
    assert result.exit_code == 1
    assert f'"{tmp_path / "main.tf"}"' in result.stdout or "main.tf" in result.stdout


@pytest.mark.parametrize("attribute", ["latest_version", "default_version"])
def test_a_launch_template_version_by_attribute_is_named_as_written(tmp_path: Path,
                                                                    attribute: str) -> None:
    """`version = aws_launch_template.x.latest_version` is the version the configuration
    creates: judged as such, and named in the message as the configuration names it (the
    configuration states no number)."""
    root = write(tmp_path, {"main.tf": ROLES + """
resource "aws_launch_template" "small" {
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs { volume_size = 20 }
  }
}
""" + ce("ce", f"""launch_template {{
      launch_template_id = aws_launch_template.small.id
      version            = aws_launch_template.small.{attribute}
    }}""")})
    _, report = lint([str(root)], "BL103")
    [finding] = report.findings
    which = attribute.split("_")[0]
    assert (f"uses the {which} version (`{attribute}`) of launch template "
            "`aws_launch_template.small`, which maps /dev/xvda to 20 GiB") in finding.message
    assert "version 1" not in finding.message
