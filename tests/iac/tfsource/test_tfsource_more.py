"""Terraform source: override files, variable types, data sources, downloaded modules and
the .gitignore of a scanned directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from batchlint import model as m
from batchlint.loaders import load_files

from .test_tfsource import ROLES, ce, lint, resource, write


def environment(tmp_path: Path, name: str = "aws_batch_compute_environment.this") -> Any:
    return resource(load_files([str(tmp_path)]), m.COMPUTE_ENVIRONMENT, name).data


def test_override_files_replace_arguments_and_nested_blocks(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": 'locals {\n  max = 16\n}\n' + ce().replace(
        "max_vcpus     = 16", "max_vcpus     = local.max"),
        "override.tf": 'locals {\n  max = 64\n}\n',
        "spot_override.tf": '''
resource "aws_batch_compute_environment" "this" {
  state = "DISABLED"
  compute_resources {
    type                = "SPOT"
    allocation_strategy = "SPOT_CAPACITY_OPTIMIZED"
    max_vcpus           = local.max
    instance_type       = ["c6i"]
    subnets             = ["subnet-2"]
  }
}
resource "aws_batch_job_queue" "nowhere" {
  priority = 1
}
'''})
    data = environment(tmp_path)
    assert data["state"] == "DISABLED"
    assert data["computeResources"]["type"] == "SPOT"
    assert data["computeResources"]["maxvCpus"] == 64
    assert data["computeResources"]["instanceTypes"] == ["c6i"]
    assert "instanceRole" not in data["computeResources"]  # the whole block was replaced


def test_an_overridden_argument_points_at_the_block_it_changes(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce(),
                     "main_override.tf": '\n\nresource "aws_batch_compute_environment" "this" {'
                                         '\n  service_role = "arn:aws:iam::1:role/other"\n}\n'})
    loaded = load_files([str(tmp_path)])
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
    assert env.data["serviceRole"] == "arn:aws:iam::1:role/other"
    document = loaded.documents[str(tmp_path / "main.tf")]
    pointer = ("resources", "aws_batch_compute_environment.this")
    assert document.position((*pointer, "serviceRole")) == (2, 1)  # the resource block
    assert document.position((*pointer, "type")) == (3, 3)  # not overridden: its own line


def test_a_scanned_directory_skips_what_its_gitignore_ignores(tmp_path: Path) -> None:
    job = ('resource "aws_batch_job_definition" "j" {\n  name = "j"\n  type = "container"\n'
           '}\n')
    write(tmp_path, {".gitignore": "# generated\nscratch/\n*.draft.tf\n", "live/main.tf": job,
                     "scratch/main.tf": "this { is not HCL", "live/next.draft.tf": "nor { this",
                     ".terraform/modules/m/main.tf": "nor { this"})
    loaded = load_files([str(tmp_path)])
    assert [r.name for t in loaded.templates for r in t.resources] == [
        "aws_batch_job_definition.j"]


def test_variables_are_converted_to_their_type(tmp_path: Path) -> None:
    variables = '''
variable "max" {
  type    = number
  default = "100"
}
variable "spot" {
  type = bool
}
variable "types" {
  type    = list(string)
  default = [6, "c6i"]
}
'''
    write(tmp_path, {"iam.tf": ROLES, "variables.tf": variables,
                     "terraform.tfvars": 'spot = "true"\n',
                     "main.tf": ce().replace("max_vcpus     = 16", "max_vcpus = var.max")
                     .replace('["m6i"]', "var.types").replace(
                         '"EC2"', 'var.spot ? "SPOT" : "EC2"')})
    resources = environment(tmp_path)["computeResources"]
    assert (resources["maxvCpus"], resources["type"], resources["instanceTypes"]) == (
        100, "SPOT", ["6", "c6i"])


def test_a_value_its_type_refuses_is_not_verified(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": 'variable "max" {\n  type = number\n'
                     '  default = "many"\n}\n' + ce().replace("max_vcpus     = 16",
                                                            "max_vcpus = var.max")})
    loaded = load_files([str(tmp_path)])
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
    assert "maxvCpus" not in env.data["computeResources"]
    assert env.unknown[("computeResources", "maxvCpus")] == (
        "`compute_resources.max_vcpus` comes from `var.max`, which batchlint cannot evaluate: "
        "'many' is not a number")


def test_terraform_json_syntax_files_are_part_of_the_module(tmp_path: Path) -> None:
    """`*.tf.json` is read with the `.tf` files of its directory (never as a plain JSON
    file), alone or with them, and what .gitignore ignores is not."""
    write(tmp_path, {"iam.tf": ROLES, "main.tf": ce().replace('["m6i"]', "var.types"),
                     "vars.tf.json": '{"variable": {"types": {"default": ["m5"]}}}',
                     "ignored/x.tf.json": "{not json", ".gitignore": "ignored/\n"})
    for paths in ([tmp_path], [tmp_path / "vars.tf.json"]):
        loaded = load_files([str(p) for p in paths])
        assert not [n for n in loaded.notes if "tf.json" in n]
        ce_data = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this")
        assert ce_data.data["computeResources"]["instanceTypes"] == ["m5"]


@pytest.mark.parametrize(("declared", "value", "why"), [
    ("", "data.aws_iam_instance_profile.p.arn", None),
    ("count = 2", "data.aws_iam_instance_profile.p[1].arn", None),
    ('for_each = toset(["a"])', 'data.aws_iam_instance_profile.p["a"].arn', None),
    ("count = 1", "one(data.aws_iam_instance_profile.p[*].arn)", None),
    ("", '"${data.aws_iam_instance_profile.p.arn}"', None),
    ("", "data.aws_iam_instance_profile.nope.arn",
     "is `data.aws_iam_instance_profile.nope.arn`, which batchlint cannot evaluate: no data "
     "source `data.aws_iam_instance_profile.nope`"),
])
def test_every_data_source_reference_is_unknown_naming_the_data_source(
        tmp_path: Path, declared: str, value: str, why: str | None) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": (
        f'data "aws_iam_instance_profile" "p" {{\n  {declared}\n  name = "x"\n}}\n'
        + ce().replace("aws_iam_instance_profile.instance.arn", value))})
    [gap] = lint([str(tmp_path)], "BL102")[1].not_verified
    assert gap.reason == ("it depends on values not known before deployment: "
                          "`compute_resources.instance_role` " + (why or (
                              "comes from `data.aws_iam_instance_profile.p`, a data source "
                              "batchlint does not read")))


def test_a_reference_to_an_attribute_not_known_is_still_that_resource(tmp_path: Path) -> None:
    """A module scanned on its own names its roles and launch template from variables
    without values: ``aws_iam_role.service.name`` is not known, but it is still that role's
    name, so the policy attached through it is the role's (no false BL101) and the
    environment's ``launch_template_name = aws_launch_template.lt.name`` is that template."""
    roles = ROLES.replace('name = "service"', 'name = "${var.prefix}-service"').replace(
        'name = "instance"', 'name = "${var.prefix}-instance"')
    write(tmp_path, {"iam.tf": 'variable "prefix" {\n  type = string\n}\n' + roles,
                     "main.tf": ce(body="launch_template {\n      launch_template_name = "
                                        "aws_launch_template.lt.name\n    }") + '''
resource "aws_launch_template" "lt" {
  name = "${var.prefix}-lt"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 100
    }
  }
}
'''})
    loaded, report = lint([str(tmp_path)], "BL101", "BL102", "BL103")
    assert report.findings == []
    assert report.not_verified == []
    data = resource(loaded, m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.this").data
    assert data["computeResources"]["launchTemplate"] == {
        "launchTemplateName": "aws_launch_template.lt"}


@pytest.mark.parametrize(("arns", "verdict"), [
    ('["arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"]', "passes"),
    ('["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]', "fails"),
    ("var.policy_arns", "not verified"),
])
def test_exclusive_policy_attachments_are_the_roles(tmp_path: Path, arns: str,
                                                   verdict: str) -> None:
    """``aws_iam_role_policy_attachments_exclusive`` (AWS provider 5.x) attaches its
    ``policy_arns`` to ``role_name``, like one attachment each."""
    roles = ROLES.replace('''resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}''', f'''variable "policy_arns" {{
  type = list(string)
}}
resource "aws_iam_role_policy_attachments_exclusive" "service" {{
  role_name   = aws_iam_role.service.name
  policy_arns = {arns}
}}''')
    assert roles != ROLES
    write(tmp_path, {"iam.tf": roles, "main.tf": ce()})
    _, report = lint([str(tmp_path)], "BL101")
    found = [f.message for f in report.findings]
    gaps = [n.reason for n in report.not_verified]
    if verdict == "passes":
        assert (found, gaps) == ([], [])
    elif verdict == "fails":
        assert found == ["compute environment `aws_batch_compute_environment.this`: service "
                         "role `aws_iam_role.service` lacks the managed policy "
                         "AWSBatchServiceRole; attach arn:aws:iam::aws:policy/service-role/"
                         "AWSBatchServiceRole"] and gaps == []
    else:
        assert found == [] and len(gaps) == 1 and "policy_arns" in gaps[0], gaps


@pytest.mark.parametrize(("role", "found"), [("p", False), ("q", True)])
def test_a_template_profile_named_as_the_environments_is_not_ignored(
        tmp_path: Path, role: str, found: bool) -> None:
    """A launch template's ``iam_instance_profile { name = …p.name }`` (known: the name) is
    the profile of ``instance_role = …p.arn`` (known only after apply): the same resource,
    so nothing Batch ignores (AlexsLemonade/scpca-portal); another profile is reported."""
    profiles = "".join(f'resource "aws_iam_instance_profile" "{n}" {{\n  name = "batch-{n}"\n'
                       f'  role = "some-role"\n}}\n' for n in ("p", "q"))
    write(tmp_path, {"main.tf": profiles + ce(
        body="launch_template {\n      launch_template_id = aws_launch_template.lt.id\n"
             "      version = aws_launch_template.lt.latest_version\n    }").replace(
        "aws_iam_instance_profile.instance.arn", f"aws_iam_instance_profile.{role}.arn") + '''
resource "aws_launch_template" "lt" {
  iam_instance_profile {
    name = aws_iam_instance_profile.p.name
  }
}
'''})
    _, report = lint([str(tmp_path)], "BL112")
    assert [f.message.split(", which sets")[1] for f in report.findings] == ([
        " what Batch ignores: IamInstanceProfile `batch-p` (instances get the compute "
        "environment's instanceRole); remove it from the template"] if found else [])


def test_templatefile_and_yamldecode_are_evaluated(tmp_path: Path) -> None:
    """``templatefile()`` renders the file with the variables given (``for`` and functions
    inside ``${…}`` included); ``yamldecode()`` reads YAML with the guards of a YAML file.
    A template that cannot be read, or names a variable not given, costs the attribute."""
    write(tmp_path, {"iam.tf": ROLES, "main.tf": '''
resource "aws_batch_job_definition" "yaml" {
  name                 = "yaml"
  type                 = "container"
  container_properties = jsonencode(yamldecode(templatefile("${path.module}/c.yaml", {
    image = "repo/app", tag = "1.2", cpus = 2 })))
}
resource "aws_batch_job_definition" "plain" {
  name                 = "plain"
  type                 = "container"
  container_properties = jsonencode(yamldecode(templatefile("plain.yaml", {
    image = "repo/app", tags = ["1.2"] })))
}
resource "aws_batch_job_definition" "broken" {
  name                 = "broken"
  type                 = "container"
  container_properties = templatefile("broken.tpl", {})
}
resource "aws_batch_job_definition" "stranger" {
  name                 = "stranger"
  type                 = "container"
  container_properties = templatefile("c.yaml", { image = "x" })
}
''', "c.yaml": "image: ${image}:${tag}\nresourceRequirements:\n"
               "%{ for t, v in { VCPU = cpus, MEMORY = 2048 } ~}\n"
               "  - {type: ${t}, value: \"${v}\"}\n%{ endfor ~}\n",
        "plain.yaml": "image: ${image}:${tags[0]}\nprivileged: true\n"
                      "command: ${jsonencode([for t in tags : \"v${t}\"])}\n",
        "broken.tpl": "${unclosed"})
    loaded = load_files([str(tmp_path)])
    [model] = loaded.templates
    plain = model.find(m.JOB_DEFINITION, "aws_batch_job_definition.plain")
    assert plain is not None and plain.unknown == {}
    assert plain.data["containerProperties"] == {"image": "repo/app:1.2", "privileged": True,
                                                 "command": ["v1.2"]}
    yaml_jd = model.find(m.JOB_DEFINITION, "aws_batch_job_definition.yaml")
    assert yaml_jd is not None
    assert yaml_jd.unknown == {("containerProperties",): yaml_jd.unknown[("containerProperties",)]}
    assert "directive" in yaml_jd.unknown[("containerProperties",)]  # %{ for } is not read
    broken = model.find(m.JOB_DEFINITION, "aws_batch_job_definition.broken")
    stranger = model.find(m.JOB_DEFINITION, "aws_batch_job_definition.stranger")
    assert broken is not None and stranger is not None
    assert "a template batchlint cannot read" in broken.unknown[("containerProperties",)]
    assert "`tag` is not a variable given to templatefile()" in \
        stranger.unknown[("containerProperties",)]
    assert loaded.failures == []
