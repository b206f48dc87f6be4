"""Terraform source: strings known but for some parts keep their known text.

A template (or ``format``, ``join``, ``jsonencode`` of such strings, ``base64encode`` of
one) that holds a value not known reaches the model as a partly known string, its unknown
parts written ``${…}`` as the user wrote them; a JSON document whose unknown parts sit
inside string literals is known but for those strings. Whatever is computed from an
unknown part stays wholly unknown."""

from __future__ import annotations

from pathlib import Path

from batchlint import model as m

from .test_tfsource import lint, resource, results, write

RETRIES = '''
  retry_strategy {
    attempts = 2
    evaluate_on_exit {
      on_status_reason = "Host EC2*"
      action           = "RETRY"
    }
    evaluate_on_exit {
      on_reason = "*"
      action    = "EXIT"
    }
  }
  timeout {
    attempt_duration_seconds = 600
  }
'''
NO_DEFAULT = "which has no default and no value in a tfvars file"


def job(name: str, properties: str) -> str:
    return (f'resource "aws_batch_job_definition" "{name}" {{\n  name = "{name}"\n'
            f'  type = "container"\n  container_properties = {properties}\n{RETRIES}}}\n')


def address(name: str) -> str:
    return f"aws_batch_job_definition.{name}"


def latest(name: str, image: str) -> str:
    return (f"job definition `{address(name)}` runs image `{image}` (container_properties."
            "image), which uses the `latest` tag, a tag that moves with every push; pin a "
            "version tag or a digest (`@sha256:…`)")


def test_a_tag_written_after_an_unknown_repository_is_judged(tmp_path: Path) -> None:
    """(a): the tag after ``${aws_ecr_repository.app.repository_url}`` is in the source."""
    files = {"main.tf": 'resource "aws_ecr_repository" "app" { name = "app" }\n'
             'variable "repo" {}\n'
             'locals { repo = "${var.repo}/app" }\n'
             + job("ecr", 'jsonencode({ image = "${aws_ecr_repository.app.repository_url}'
                          ':latest" })')
             + job("fmt", 'jsonencode({ image = format("%s:latest", var.repo) })')
             + job("joined", 'jsonencode({ image = join(":", [var.repo, "latest"]) })')
             + job("local", 'jsonencode({ image = "${local.repo}:latest" })')
             + job("pinned", 'jsonencode({ image = "${var.repo}:1.4.2" })')
             + job("tag_unknown", 'jsonencode({ image = "registry.example.com/${var.repo}" })')}
    loaded, report = lint([str(write(tmp_path, files))], "BL306")
    assert {f.resource.name: f.message for f in report.findings} == {
        address("ecr"): latest("ecr", "${aws_ecr_repository.app.repository_url}:latest"),
        address("fmt"): latest("fmt", "${var.repo}:latest"),
        address("joined"): latest("joined", "${var.repo}:latest"),
        address("local"): latest("local", "${var.repo}/app:latest"),
    }
    assert results(report)[1] == {("BL306", address("tag_unknown")): (
        "the tag of image `registry.example.com/${var.repo}` (container_properties.image) is "
        "not known before deployment: `container_properties.image` comes from `var.repo`, "
        f"{NO_DEFAULT}")}
    ecr = resource(loaded, m.JOB_DEFINITION, address("ecr"))
    assert ecr.data["containerProperties"]["image"] == \
        "${aws_ecr_repository.app.repository_url}:latest"
    assert ecr.unknown == {("containerProperties", "image"): (
        "`container_properties.image` is `aws_ecr_repository.app.repository_url`, known only "
        "after apply")}


HEREDOC = '''<<EOF
{
  "image": "${var.image}",
  "command": ["run"],
  "privileged": true,
  "environment": [{"name": "DB_PASSWORD", "value": "hunter2-literal"}]
}
EOF'''


def test_a_heredoc_document_is_unknown_only_in_its_unknown_strings(tmp_path: Path) -> None:
    """(b): BL304 and BL303 judge what is written; only the image is not known."""
    files = {"main.tf": 'variable "image" {}\n' + job("doc", HEREDOC)}
    loaded, report = lint([str(write(tmp_path, files))], "BL303", "BL304", "BL306")
    found, unsure = results(report)
    assert found == {("BL303", address("doc")), ("BL304", address("doc"))}
    assert unsure == {("BL306", address("doc")): (
        "it depends on values not known before deployment: `container_properties.image` "
        f"comes from `var.image`, {NO_DEFAULT}")}
    doc = resource(loaded, m.JOB_DEFINITION, address("doc"))
    assert set(doc.unknown) == {("containerProperties", "image")}
    assert doc.data["containerProperties"]["privileged"] is True


def test_an_unknown_outside_a_json_string_leaves_the_document_unknown(tmp_path: Path) -> None:
    """A placeholder where a JSON number or key goes: the whole document, as before."""
    number = '<<EOF\n{"image": "busybox:${var.tag}", "privileged": true, "vcpus": ${var.n}}\nEOF'
    key = '<<EOF\n{"image": "busybox:1", "privileged": true, "${var.tag}": 1}\nEOF'
    files = {"main.tf": 'variable "tag" {}\nvariable "n" {}\n' + job("number", number)
             + job("key", key)}
    loaded, report = lint([str(write(tmp_path, files))], "BL304")
    found, unsure = results(report)
    assert found == set()
    assert unsure == {("BL304", address(n)): (
        "it depends on values not known before deployment: `container_properties` comes "
        f"from `var.tag`, {NO_DEFAULT}") for n in ("number", "key")}
    for name in ("number", "key"):
        assert set(resource(loaded, m.JOB_DEFINITION, address(name)).unknown) == {
            ("containerProperties",)}


def test_what_is_computed_from_an_unknown_part_stays_unknown(tmp_path: Path) -> None:
    """``lower()``, ``replace()``, ``format("%q")``, a number, a comparison, ``length()``:
    nothing of the text is carried, so nothing is known."""
    cases = {
        "lower": 'lower("${var.x}:LATEST")',
        "replace": 'replace("${var.x}:latest", "latest", "1")',
        "quoted": 'format("%q:latest", var.x)',
        "padded": 'format("%-9s:latest", var.x)',
    }
    files = {"main.tf": 'variable "x" {}\n' + "".join(
        job(n, f"jsonencode({{ image = {c} }})")
        for n, c in cases.items())
        + job("number", 'jsonencode({ image = "busybox:1", vcpus = "${var.x}" + 1 })')
        + job("compared", 'jsonencode({ image = "busybox:1", privileged = "${var.x}a" == "a" })')
        + job("length", 'jsonencode({ image = "busybox:1", memory = length("${var.x}abc") })')}
    loaded, report = lint([str(write(tmp_path, files))], "BL306", "BL304")
    found, unsure = results(report)
    assert found == set()
    why = f"`container_properties.image` comes from `var.x`, {NO_DEFAULT}"
    assert {k: v for k, v in unsure.items() if k[0] == "BL306"} == {
        ("BL306", address(n)): f"it depends on values not known before deployment: {why}"
        for n in cases}
    assert unsure[("BL304", address("compared"))].endswith(
        f"`container_properties.privileged` comes from `var.x`, {NO_DEFAULT}")
    for name, field in (*((n, "image") for n in cases), ("number", "vcpus"),
                        ("compared", "privileged"), ("length", "memory")):
        jd = resource(loaded, m.JOB_DEFINITION, address(name))
        assert field not in jd.data["containerProperties"], name
        assert ("containerProperties", field) in jd.unknown, name


MIME = '''MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==B=="

--==B==
Content-Type: text/x-shellscript

#!/bin/bash
echo ${var.x}
--==B==--'''


def launch_template(name: str, user_data: str) -> str:
    return f'''
resource "aws_launch_template" "{name}" {{
  name      = "{name}"
  user_data = base64encode(<<EOT
{user_data}
EOT
  )
}}
resource "aws_batch_compute_environment" "{name}" {{
  type = "MANAGED"
  compute_resources {{
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m5.large"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = ["subnet-1"]
    security_group_ids = ["sg-1"]
    launch_template {{
      launch_template_id = aws_launch_template.{name}.id
    }}
  }}
}}
'''


def test_user_data_headers_written_before_an_unknown_part_are_judged(tmp_path: Path) -> None:
    """(c): ``base64encode(<<EOT … ${var.x} … EOT)`` keeps the header written literally."""
    files = {"main.tf": 'variable "x" {}\n' + launch_template("mime", MIME)
             + launch_template("script", "#!/bin/bash\necho ${var.x}")
             + launch_template("early", "${var.x}\nMIME-Version: 1.0")}
    _, report = lint([str(write(tmp_path, files))], "BL112")
    found, unsure = results(report)
    assert found == {("BL112", "aws_batch_compute_environment.script")}
    assert unsure == {("BL112", "aws_batch_compute_environment.early"): (
        "compute environment `aws_batch_compute_environment.early` uses launch template "
        "`aws_launch_template.early` version $Default, whose user data's MIME header is not "
        f"known: `user_data` comes from `var.x`, {NO_DEFAULT}")}


def test_coalesce_stops_at_its_first_known_argument(tmp_path: Path) -> None:
    """As ``terraform console`` shows: ``coalesce("latest", formatdate(…, timestamp()))`` is
    "latest"; an unknown argument before the first known one leaves it unknown."""
    files = {"main.tf": 'variable "tag" { default = "latest" }\nvariable "none" {}\n'
             'locals {\n'
             '  tag    = coalesce(var.tag, formatdate("YYYYMMDDhhmmss", timestamp()))\n'
             '  skip   = coalesce(null, "", "latest", var.none)\n'
             '  after  = coalesce(var.none, "busybox:latest")\n'
             '}\n'
             + job("first", 'jsonencode({ image = "busybox:${local.tag}" })')
             + job("skip", 'jsonencode({ image = "busybox:${local.skip}" })')
             + job("after", "jsonencode({ image = local.after })")}
    _, report = lint([str(write(tmp_path, files))], "BL306")
    found, unsure = results(report)
    assert found == {("BL306", address("first")), ("BL306", address("skip"))}
    assert unsure == {("BL306", address("after")): (
        "it depends on values not known before deployment: `container_properties.image` "
        f"comes from `var.none`, {NO_DEFAULT}")}


def test_a_file_named_by_a_partly_known_path_is_unknown(tmp_path: Path) -> None:
    """``file("${path.module}/${var.x}.sh")``: the path's text is not the file's."""
    lt = launch_template("path", "x").replace(
        'base64encode(<<EOT\nx\nEOT\n  )', 'base64encode(file("${path.module}/${var.x}.sh"))')
    _, report = lint([str(write(tmp_path, {"main.tf": 'variable "x" {}\n' + lt}))], "BL112")
    found, unsure = results(report)
    assert found == set()
    assert set(unsure) == {("BL112", "aws_batch_compute_environment.path")}


def test_a_queues_environment_named_from_a_variable_says_so(tmp_path: Path) -> None:
    """`compute_environments = ["${var.name}-ce"]`: the reason names the variable without
    default, not "known only after apply" (a plan's words)."""
    write(tmp_path, {"main.tf": '''
variable "name" {}
resource "aws_batch_job_queue" "q" {
  name                 = "q"
  state                = "ENABLED"
  priority             = 1
  compute_environments = ["${var.name}-ce"]
}
'''})
    _, report = lint([str(tmp_path)], "BL201")
    assert results(report)[1] == {("BL201", "aws_batch_job_queue.q"): (
        "it depends on values not known before deployment: `compute_environments[0]` comes "
        f"from `var.name`, {NO_DEFAULT}")}
