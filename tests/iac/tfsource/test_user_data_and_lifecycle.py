"""Terraform source: BL112 on user data not known before deployment, BL108 and
``lifecycle { ignore_changes }``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_tfsource import lint, results, write

MIME = ('MIME-Version: 1.0\\nContent-Type: multipart/mixed; boundary=\\"==B==\\"\\n\\n'
        '--==B==\\nContent-Type: text/x-shellscript\\n\\n#!/bin/bash\\necho hi\\n--==B==--\\n')
SOURCES = '''
variable "user_data" { type = string }
data "template_file" "ud" { template = "x" }
data "template_cloudinit_config" "ci" {
  part { content = "x" }
}
'''


def environment(name: str, extra: str = "", desired: str = "") -> str:
    return f'''
resource "aws_batch_compute_environment" "{name}" {{
  type = "MANAGED"
  compute_resources {{
    type               = "EC2"
    max_vcpus          = 16
    {desired}
    instance_type      = ["m5.large"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = ["subnet-1"]
    security_group_ids = ["sg-1"]
    launch_template {{
      launch_template_id = aws_launch_template.{name}.id
    }}
  }}
  {extra}
}}
'''


def with_user_data(name: str, user_data: str) -> str:
    return (f'resource "aws_launch_template" "{name}" {{\n  name = "{name}"\n'
            f'  user_data = {user_data}\n}}\n' + environment(name))


def _not_known(name: str, why: str) -> str:
    return (f"compute environment `aws_batch_compute_environment.{name}` uses launch template "
            f"`aws_launch_template.{name}` version $Default, whose user data's MIME header is "
            f"not known: {why}")


def test_bl112_user_data_not_known_is_not_verified(tmp_path: Path) -> None:
    cases = {
        "tpl": ('base64encode(templatefile("${path.module}/ud.tpl", { x = var.user_data }))',
                "`user_data` comes from `var.user_data`, which has no default and no value in a "
                "tfvars file"),
        "rendered": ("data.template_file.ud.rendered",
                     ("`user_data` comes from `data.template_file.ud`, a data source batchlint "
                      "does not read")),
        "cloudinit": ("data.template_cloudinit_config.ci.rendered",
                      "`user_data` comes from `data.template_cloudinit_config.ci`, a data source "
                      "batchlint does not read"),
        "variable": ("base64encode(var.user_data)",
                     "`user_data` comes from `var.user_data`, which has no default and no value "
                     "in a tfvars file"),
    }
    files = {"main.tf": SOURCES + "".join(with_user_data(n, ud) for n, (ud, _) in cases.items()),
             "ud.tpl": "${x}\n" + MIME.replace("\\n", "\n").replace('\\"', '"')}
    _, report = lint([str(write(tmp_path, files))], "BL112")
    found, unsure = results(report)
    assert found == set()
    assert unsure == {("BL112", f"aws_batch_compute_environment.{n}"): _not_known(n, why)
                      for n, (_, why) in cases.items()}


def test_bl112_known_user_data_is_still_judged(tmp_path: Path) -> None:
    files = {"main.tf": with_user_data("script", 'base64encode("#!/bin/bash\\necho $${HOME}\\n")')
             + with_user_data("mime", f'base64encode("{MIME}")')}
    _, report = lint([str(write(tmp_path, files))], "BL112")
    assert [f.message for f in report.findings] == [
        "compute environment `aws_batch_compute_environment.script` uses launch template "
        "`aws_launch_template.script` version $Default, whose user data is not a MIME "
        "multi-part archive (no MIME Content-Type header), so Batch cannot merge it with its "
        "own and the environment goes INVALID; wrap it in a `Content-Type: multipart/mixed` "
        "document"]
    assert report.not_verified == []


def test_bl112_reads_the_template_of_templatefile(tmp_path: Path) -> None:
    """``templatefile()`` renders the file with the variables given: a MIME document's
    header is known, and a plain script is a script."""
    files = {"main.tf": "".join(with_user_data(n, f'base64encode(templatefile('
                                                  f'"${{path.module}}/{n}.tpl", {{ x = 1 }}))')
                                for n in ("mime", "script")),
             "mime.tpl": MIME.replace("\\n", "\n").replace('\\"', '"').replace("hi", "${x}"),
             "script.tpl": "#!/bin/bash\necho ${x}\n"}
    _, report = lint([str(write(tmp_path, files))], "BL112")
    assert [(f.resource.name, f.message.split(", whose ")[1][:30]) for f in report.findings] == [
        ("aws_batch_compute_environment.script", "user data is not a MIME multi-")]
    assert report.not_verified == []


def test_bl112_reads_the_file_of_filebase64(tmp_path: Path) -> None:
    """``filebase64()`` is the file's bytes in base64, as ``base64encode(file())`` (checked
    with ``terraform console``): a plain script is a script, a MIME document is one, and a
    file outside the scanned directory is not read."""
    files = {"main.tf": "".join(with_user_data(n, f'filebase64("${{path.module}}/{n}.sh")')
                                for n in ("mime", "script"))
             + with_user_data("outside", 'filebase64("/etc/hostname")'),
             "mime.sh": MIME.replace("\\n", "\n").replace('\\"', '"'),
             "script.sh": "#!/bin/bash\necho ECS_IMAGE_PULL_BEHAVIOR=prefer-cached\n"}
    _, report = lint([str(write(tmp_path, files))], "BL112")
    assert [(f.resource.name, f.message.split(", whose ")[1][:30]) for f in report.findings] == [
        ("aws_batch_compute_environment.script", "user data is not a MIME multi-")]
    assert [n.reason.split(": ", 1)[1] for n in report.not_verified] == [
        "`user_data` is `filebase64(\"/etc/hostname\")`, which batchlint cannot evaluate: "
        "filebase64() of '/etc/hostname': outside the scanned directory, not read"]


IGNORED = {
    "current": "[compute_resources[0].desired_vcpus]",
    "legacy": '["compute_resources.0.desired_vcpus"]',
    "block": "[compute_resources]",
    "everything": "all",
    "commented": "[\n      # Batch scales it\n      compute_resources[0].desired_vcpus,\n    ]",
}


@pytest.mark.parametrize("name", sorted(IGNORED))
def test_bl108_desired_vcpus_in_ignore_changes_is_not_pinned(tmp_path: Path, name: str) -> None:
    lifecycle = f"lifecycle {{\n    create_before_destroy = true\n" \
                f"    ignore_changes = {IGNORED[name]}\n  }}"
    files = {"main.tf": 'resource "aws_launch_template" "x" { name = "x" }\n'
             + environment("x", lifecycle, "desired_vcpus = 2")}
    _, report = lint([str(write(tmp_path, files))], "BL108")
    assert results(report) == (set(), {})


def test_bl108_ignore_changes_from_an_override_file(tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_launch_template" "x" { name = "x" }\n'
             + environment("x", desired="desired_vcpus = 2"),
             "override.tf": 'resource "aws_batch_compute_environment" "x" {\n  lifecycle {\n'
                            "    ignore_changes = [compute_resources[0].desired_vcpus]\n  }\n}\n"}
    _, report = lint([str(write(tmp_path, files))], "BL108")
    assert results(report) == (set(), {})


def test_bl108_other_ignored_attributes_still_pin(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "desired" { type = number }\n'
             'resource "aws_launch_template" "x" { name = "x" }\n'
             'resource "aws_launch_template" "y" { name = "y" }\n'
             + environment("x", "lifecycle {\n    ignore_changes = [compute_resources[0].max_vcpus]"
                           "\n  }", "desired_vcpus = 2")
             + environment("y", desired="desired_vcpus = var.desired")}
    _, report = lint([str(write(tmp_path, files))], "BL108")
    assert sorted(f.message for f in report.findings) == [
        "compute environment `aws_batch_compute_environment.x` pins desired_vcpus to 2; Batch "
        "changes it with demand, so later updates fight it — remove it",
        "compute environment `aws_batch_compute_environment.y` pins desired_vcpus to a value "
        "batchlint cannot tell (`compute_resources.desired_vcpus` comes from `var.desired`, "
        "which has no default and no value in a tfvars file); Batch changes it with demand, so "
        "later updates fight it — remove it"]
    assert report.not_verified == []


def test_bl108_environment_not_read_is_not_verified(tmp_path: Path) -> None:
    unread = "count = var.n"
    files = {"main.tf": 'variable "n" { type = number }\n'
             'resource "aws_launch_template" "x" { name = "x" }\n'
             'resource "aws_launch_template" "y" { name = "y" }\n'
             + environment("x", unread, "desired_vcpus = 2")
             + environment("y", unread + "\n  lifecycle {\n    ignore_changes = all\n  }",
                           "desired_vcpus = 2")}
    _, report = lint([str(write(tmp_path, files))], "BL108")
    assert results(report) == (set(), {("BL108", "aws_batch_compute_environment.x"): (
        "it depends on values not known before deployment: `count` comes from `var.n`, which "
        "has no default and no value in a tfvars file")})


def test_bl108_reads_ignore_changes_in_json_syntax(tmp_path: Path) -> None:
    """``*.tf.json``: ``"lifecycle": {"ignore_changes": [...]}`` (or ``"all"``) is read as
    the native block is; other lifecycle arguments change nothing."""
    body = ('"type": "MANAGED", "compute_resources": {"type": "EC2", "max_vcpus": 4, '
            '"desired_vcpus": 2, "instance_type": ["optimal"], "subnets": ["s"], '
            '"instance_role": "r"}')
    lifecycles = {"listed": '{"ignore_changes": ["compute_resources[0].desired_vcpus"]}',
                  "other": '{"create_before_destroy": true}',
                  "everything": '[{"ignore_changes": "all"}]'}
    ces = ", ".join(f'"{n}": {{{body}, "lifecycle": {lc}}}' for n, lc in lifecycles.items())
    write(tmp_path, {"main.tf.json": '{"resource": {"aws_batch_compute_environment": {'
                                     + ces + "}}}"})
    _, report = lint([str(tmp_path)], "BL108")
    assert [f.resource.name for f in report.findings] == ["aws_batch_compute_environment.other"]


def test_bl108_names_a_value_that_is_not_a_number(tmp_path: Path) -> None:
    """A default Terraform cannot convert (`""` for a number) is set, and not known: the
    message says why, not "known only at deploy time" (the value is known, and invalid)."""
    files = {"main.tf": 'variable "desired" {\n  type    = string\n  default = ""\n}\n'
             'resource "aws_launch_template" "x" { name = "x" }\n'
             + environment("x", desired="desired_vcpus = var.desired")}
    _, report = lint([str(write(tmp_path, files))], "BL108")
    assert [f.message for f in report.findings] == [
        "compute environment `aws_batch_compute_environment.x` pins desired_vcpus to a value "
        "batchlint cannot tell (`compute_resources.desired_vcpus` is \"\", which is not a "
        "number); Batch changes it with demand, so later updates fight it — remove it"]
