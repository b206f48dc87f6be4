"""Terraform source: BL303 when a container's environment is not known before deployment.
A literal secret may hide in an environment not known, or in the value of a variable whose
name looks secret: not verified, never a silent pass. A value not known under any other
name, or a command argument not known, hides no literal secret."""

from __future__ import annotations

from pathlib import Path

from .test_tfsource import lint, resource, results, write

VARIABLES = '''
variable "container_properties" { type = string }
variable "environment" { type = list(object({ name = string, value = string })) }
variable "db_password" {
  type      = string
  sensitive = true
}
variable "region" { type = string }
'''


def job(name: str, properties: str) -> str:
    return f'''
resource "aws_batch_job_definition" "{name}" {{
  name                 = "{name}"
  type                 = "container"
  container_properties = {properties}
}}
'''


def container(environment: str, command: str = '["run"]') -> str:
    return (f'jsonencode({{ image = "busybox:1.36", command = {command}, environment = '
            f'{environment}, resourceRequirements = [{{ type = "VCPU", value = "1" }}, '
            f'{{ type = "MEMORY", value = "512" }}] }})')


def test_bl303_is_not_verified_where_a_secret_may_hide(tmp_path: Path) -> None:
    files = {"main.tf": VARIABLES
             + job("whole", "var.container_properties")
             + job("environment", container("var.environment"))
             + job("secret_name", container('[{ name = "DB_PASSWORD", value = var.db_password }]'))
             + job("other_names", container('[{ name = "REGION", value = var.region }, '
                                            '{ name = "DB_PASSWORD_ARN", value = var.region }]',
                                            '["run", var.region]'))
             + job("literal", container('[{ name = "DB_PASSWORD", value = var.db_password }, '
                                        '{ name = "ROOT_PASSWORD", value = "p-${var.region}" }]'))}
    _, report = lint([str(write(tmp_path, files))], "BL303")
    found, unsure = results(report)
    # a literal secret beside an unknown one: the finding stands
    assert found == {("BL303", "aws_batch_job_definition.literal")}
    prefix = "it depends on values not known before deployment: "
    assert unsure == {
        ("BL303", "aws_batch_job_definition.whole"):
            prefix + "`container_properties` comes from `var.container_properties`, which has "
                     "no default and no value in a tfvars file",
        ("BL303", "aws_batch_job_definition.environment"):
            prefix + "`container_properties.environment` comes from `var.environment`, which "
                     "has no default and no value in a tfvars file",
        ("BL303", "aws_batch_job_definition.secret_name"):
            prefix + "`container_properties.environment[0].value` comes from "
                     "`var.db_password`, which has no default and no value in a tfvars file",
    }


def test_toset_of_a_value_not_known_is_not_known(tmp_path: Path) -> None:
    """``toset()`` with an element not known is not known (which elements are equal, so
    how many there are, is not), and says where it comes from; with lists as elements it
    is a set of lists, as Terraform has it."""
    files = {"main.tf": VARIABLES
             + 'locals {\n  names = toset([var.region, "b"])\n'
               '  pairs = toset([["A", "1"], ["A", "1"], ["B", "2"]])\n}\n'
             + job("from_set", container("[for n in local.names : { name = n, value = n }]"))
             + job("pairs", container("[for p in local.pairs : { name = p[0], value = p[1] }]"))}
    loaded, report = lint([str(write(tmp_path, files))], "BL303")
    _, unsure = results(report)
    assert unsure == {("BL303", "aws_batch_job_definition.from_set"):
                      "it depends on values not known before deployment: "
                      "`container_properties.environment` comes from `var.region`, which has no "
                      "default and no value in a tfvars file"}
    pairs = resource(loaded, "job-definition", "aws_batch_job_definition.pairs")
    assert pairs.data["containerProperties"]["environment"] == [
        {"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
