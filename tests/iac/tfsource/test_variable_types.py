"""A variable's ``object({…})``, ``tuple([…])`` and ``optional(…)`` type, applied as
Terraform (1.3 and later) applies it to a default, a tfvars value or a module input:
attributes the type declares converted, others dropped, ``optional(T)`` left out is null
and ``optional(T, default)`` left out (or null) is the default. The expected values are
what ``terraform console`` (Terraform 1.11) printed for the same variable blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from batchlint import model as m
from batchlint.loaders.tfsource_eval import Unknown
from tests.iac.terraform.planner import Planner, unavailable

from .test_policy_document import root_module
from .test_tfsource import ROLES, lint, resource, results, write

# compute environments whose `type` is the optional attribute's default
OPTIONAL_TYPE = '''
variable "compute_environments" {
  type = map(object({
    name_prefix = optional(string)
    type        = optional(string, "MANAGED")
    compute_resources = optional(object({
      type      = string
      max_vcpus = number
      subnets   = list(string)
    }))
  }))
  default = {
    managed   = { compute_resources = { type = "FARGATE", max_vcpus = "4", subnets = ["s-1"] } }
    unmanaged = { type = "UNMANAGED", left_out = "by the type" }
  }
}
resource "aws_batch_compute_environment" "this" {
  for_each     = var.compute_environments
  type         = each.value.type
  service_role = aws_iam_role.service.arn
  dynamic "compute_resources" {
    for_each = each.value.compute_resources != null ? [each.value.compute_resources] : []
    content {
      type      = compute_resources.value.type
      max_vcpus = compute_resources.value.max_vcpus
      subnets   = compute_resources.value.subnets
    }
  }
}
'''


def test_an_optional_attribute_left_out_takes_its_default(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": OPTIONAL_TYPE})
    loaded, report = lint([str(tmp_path)], "BL101", "BL107")
    assert results(report) == (
        {("BL107", 'aws_batch_compute_environment.this["unmanaged"]')}, {})
    managed = resource(loaded, m.COMPUTE_ENVIRONMENT,
                       'aws_batch_compute_environment.this["managed"]')
    assert managed.data["type"] == "MANAGED"
    assert managed.data["computeResources"]["maxvCpus"] == 4


RETRIES = '''
variable "job_definitions" {
  type = map(object({
    image = string
    retry_strategy = optional(object({
      attempts = optional(number)
      evaluate_on_exit = optional(map(object({
        action           = string
        on_exit_code     = optional(string)
        on_reason        = optional(string)
        on_status_reason = optional(string)
      })))
    }))
  }))
  default = {
    example = {
      image = "busybox:1.36"
      retry_strategy = {
        attempts = 3
        evaluate_on_exit = {
          retry_error  = { action = "RETRY", on_exit_code = 1 }
          exit_success = { action = "EXIT", on_exit_code = "0" }
        }
      }
    }
  }
}
resource "aws_batch_job_definition" "this" {
  for_each = var.job_definitions
  name     = each.key
  type     = "container"
  container_properties = jsonencode({ image = each.value.image, resourceRequirements = [
    { type = "VCPU", value = "1" }, { type = "MEMORY", value = "2048" }] })
  dynamic "retry_strategy" {
    for_each = each.value.retry_strategy != null ? [each.value.retry_strategy] : []
    content {
      attempts = retry_strategy.value.attempts
      dynamic "evaluate_on_exit" {
        for_each = coalesce(retry_strategy.value.evaluate_on_exit, {})
        content {
          action           = evaluate_on_exit.value.action
          on_exit_code     = evaluate_on_exit.value.on_exit_code
          on_reason        = evaluate_on_exit.value.on_reason
          on_status_reason = evaluate_on_exit.value.on_status_reason
        }
      }
    }
  }
}
'''


def test_optional_attributes_left_out_are_null(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": RETRIES})
    loaded, report = lint([str(tmp_path)], "BL301", "BL307", "BL308")
    # as a plan of the same code: no exit condition matches every failure
    assert results(report) == ({("BL307", 'aws_batch_job_definition.this["example"]')}, {})
    job = resource(loaded, m.JOB_DEFINITION, 'aws_batch_job_definition.this["example"]')
    assert sorted(job.data["retryStrategy"]["evaluateOnExit"], key=str) == [
        {"action": "EXIT", "onExitCode": "0"}, {"action": "RETRY", "onExitCode": "1"}]


# A module shaped like terraform-aws-modules/terraform-aws-batch v3 (reduced): maps of
# objects whose optional attributes the caller mostly leaves out.
BATCH_VARIABLES = '''
variable "tags" {
  type    = map(string)
  default = {}
}
variable "compute_environments" {
  type = map(object({
    name_prefix = optional(string)
    compute_resources = optional(object({
      instance_types = optional(list(string))
      max_vcpus      = number
      min_vcpus      = optional(number)
      subnets        = list(string)
      tags           = optional(map(string), {})
      type           = string
    }))
    state = optional(string)
    tags  = optional(map(string), {})
    type  = optional(string, "MANAGED")
  }))
  default = null
}
variable "job_queues" {
  type = map(object({
    compute_environment_order = map(object({
      compute_environment_key = string
      order                   = optional(number)
    }))
    job_state_time_limit_action = optional(map(object({
      action           = optional(string, "CANCEL")
      max_time_seconds = number
      reason           = optional(string, "stuck")
      state            = optional(string, "RUNNABLE")
    })))
    name     = optional(string)
    priority = number
    state    = optional(string, "ENABLED")
    tags     = optional(map(string), {})
  }))
  default = null
}
variable "job_definitions" {
  type = map(object({
    container_properties  = optional(string)
    name                  = optional(string)
    platform_capabilities = optional(list(string))
    retry_strategy = optional(object({
      attempts = optional(number)
      evaluate_on_exit = optional(map(object({
        action    = string
        on_reason = optional(string)
      })))
    }))
    tags = optional(map(string), {})
    timeout = optional(object({
      attempt_duration_seconds = optional(number)
    }))
    type = optional(string, "container")
  }))
  default = null
}
'''
BATCH_MAIN = ROLES + '''
locals {
  fargate          = ["FARGATE", "FARGATE_SPOT"]
  instance_profile = aws_iam_instance_profile.instance.arn
}
resource "aws_batch_compute_environment" "this" {
  for_each     = var.compute_environments != null ? var.compute_environments : {}
  service_role = aws_iam_role.service.arn
  state        = each.value.state
  type         = each.value.type
  tags         = merge(var.tags, each.value.tags)
  # the provider of the plans (5.x) has no `name_prefix`
  compute_environment_name_prefix = (each.value.name_prefix != null ?
    "${each.value.name_prefix}-" : null)
  dynamic "compute_resources" {
    for_each = each.value.compute_resources != null ? [each.value.compute_resources] : []
    iterator = cr
    content {
      instance_role = contains(local.fargate, cr.value.type) ? null : local.instance_profile
      instance_type = cr.value.instance_types
      max_vcpus     = cr.value.max_vcpus
      min_vcpus     = contains(local.fargate, cr.value.type) ? null : cr.value.min_vcpus
      subnets       = cr.value.subnets
      tags          = contains(local.fargate, cr.value.type) ? null : cr.value.tags
      type          = cr.value.type
    }
  }
}
resource "aws_batch_job_queue" "this" {
  for_each = var.job_queues != null ? var.job_queues : {}
  name     = coalesce(each.value.name, each.key)
  priority = each.value.priority
  state    = each.value.state
  dynamic "compute_environment_order" {
    for_each = each.value.compute_environment_order
    iterator = o
    content {
      compute_environment = aws_batch_compute_environment.this[o.value.compute_environment_key].arn
      order               = coalesce(o.value.order, o.key)
    }
  }
  dynamic "job_state_time_limit_action" {
    for_each = coalesce(each.value.job_state_time_limit_action, {})
    content {
      action           = job_state_time_limit_action.value.action
      max_time_seconds = job_state_time_limit_action.value.max_time_seconds
      reason           = job_state_time_limit_action.value.reason
      state            = job_state_time_limit_action.value.state
    }
  }
  tags = merge(var.tags, each.value.tags)
}
resource "aws_batch_job_definition" "this" {
  for_each              = var.job_definitions != null ? var.job_definitions : {}
  name                  = coalesce(each.value.name, each.key)
  type                  = each.value.type
  container_properties  = each.value.container_properties
  platform_capabilities = each.value.platform_capabilities
  dynamic "retry_strategy" {
    for_each = each.value.retry_strategy != null ? [each.value.retry_strategy] : []
    content {
      attempts = retry_strategy.value.attempts
      dynamic "evaluate_on_exit" {
        for_each = coalesce(retry_strategy.value.evaluate_on_exit, {})
        content {
          action    = evaluate_on_exit.value.action
          on_reason = evaluate_on_exit.value.on_reason
        }
      }
    }
  }
  dynamic "timeout" {
    for_each = each.value.timeout != null ? [each.value.timeout] : []
    content {
      attempt_duration_seconds = timeout.value.attempt_duration_seconds
    }
  }
  tags = merge(var.tags, each.value.tags)
}
'''
BATCH_CALLER = '''
module "batch" {
  source = "./modules/batch"
  compute_environments = {
    ec2 = {
      name_prefix = "ec2"
      compute_resources = {
        type = "EC2", max_vcpus = 16, instance_types = ["m6i.large"], subnets = ["s-1"]
      }
    }
    spot = {
      compute_resources = { type = "FARGATE_SPOT", max_vcpus = 4, subnets = ["s-1"] }
    }
  }
  job_queues = {
    spot_only = {
      name     = "SpotOnly"
      priority = 1
      compute_environment_order = { 0 = { compute_environment_key = "spot" } }
    }
    mixed = {
      priority = 2
      compute_environment_order = {
        0 = { compute_environment_key = "spot" }
        1 = { compute_environment_key = "ec2" }
      }
      job_state_time_limit_action = { stuck = { max_time_seconds = "3600" } }
    }
  }
  job_definitions = {
    etl = {
      container_properties = jsonencode({ image = "busybox:1.36", resourceRequirements = [
        { type = "VCPU", value = "1" }, { type = "MEMORY", value = "2048" }] })
      retry_strategy = {
        attempts         = 2
        evaluate_on_exit = { rest = { action = "EXIT", on_reason = "*" } }
      }
      timeout = { attempt_duration_seconds = 600 }
    }
  }
}
'''


def test_a_module_shaped_like_terraform_aws_batch_v3(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": BATCH_CALLER, "modules/batch/variables.tf": BATCH_VARIABLES,
                     "modules/batch/main.tf": BATCH_MAIN})
    loaded, report = lint([str(tmp_path)], "BL101", "BL102", "BL107", "BL201", "BL203",
                          "BL204", "BL301", "BL305", "BL307", "BL308")
    prefix = "module.batch.aws_batch"
    assert results(report) == ({
        ("BL203", f'{prefix}_job_queue.this["spot_only"]'),
        ("BL204", f'{prefix}_job_queue.this["spot_only"]')}, {})
    queue = resource(loaded, m.JOB_QUEUE, f'{prefix}_job_queue.this["mixed"]')
    assert queue.data["state"] == "ENABLED"
    assert [o["order"] for o in queue.data["computeEnvironmentOrder"]] == [0, 1]
    assert queue.data["jobStateTimeLimitActions"] == [{
        "action": "CANCEL", "maxTimeSeconds": 3600, "reason": "stuck", "state": "RUNNABLE"}]
    env = resource(loaded, m.COMPUTE_ENVIRONMENT, f'{prefix}_compute_environment.this["ec2"]')
    assert env.data["type"] == "MANAGED"
    assert env.data["computeResources"]["instanceTypes"] == ["m6i.large"]
    job = resource(loaded, m.JOB_DEFINITION, f'{prefix}_job_definition.this["etl"]')
    assert (job.data["type"], job.data["timeout"]) == (
        "container", {"attemptDurationSeconds": 600})

BATCH_RULES = ("BL101", "BL102", "BL107", "BL201", "BL202", "BL203", "BL204", "BL301",
               "BL305", "BL307", "BL308")
_WHY_NOT = unavailable()
PROVIDER = '''
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
'''


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_the_v3_shaped_module_agrees_with_its_plan(tmp_path: Path) -> None:
    """What `terraform plan` computes for the optional attributes (the queues' state,
    their time-limit actions' defaults) gives the source the plan's answers; where the
    source says more, the plan left the check open (ARNs known only after apply)."""
    root = write(tmp_path / "root", {
        "main.tf": BATCH_CALLER, "provider.tf": PROVIDER,
        "modules/batch/variables.tf": BATCH_VARIABLES, "modules/batch/main.tf": BATCH_MAIN})
    plan = Planner(tmp_path / "work").plan(root, tmp_path / "plan.json")
    found_source, gaps_source = results(lint([str(root)], *BATCH_RULES)[1])
    found_plan, gaps_plan = results(lint([str(plan)], *BATCH_RULES)[1])
    assert gaps_source == {}
    assert found_plan == {("BL204", 'module.batch.aws_batch_job_queue.this["spot_only"]')}
    assert found_plan <= found_source
    assert all(k in gaps_plan for k in found_source - found_plan)


# (type, value) and the value `terraform console` shows for `var.v`
CONVERSIONS: list[tuple[str, str, Any]] = [
    ('map(object({\n name = optional(string)\n type = optional(string, "MANAGED")\n'
     ' n = optional(number, "5")\n cr = optional(object({\n  type = string\n'
     '  max_vcpus = number\n  tags = optional(map(string), {})\n'
     '  lt = optional(object({ version = optional(string, "$Latest") }))\n }))\n'
     ' up = optional(object({ t = optional(bool, false), m = optional(number, 30) }), {})\n}))',
     '{\n a = { name = "x", extra = 1, cr = { type = "EC2", max_vcpus = "4", lt = {} } }\n'
     ' b = { type = null, n = null, cr = null, up = null }\n c = { up = { t = "true" } }\n}',
     {"a": {"name": "x", "type": "MANAGED", "n": 5, "up": {"t": False, "m": 30},
            "cr": {"type": "EC2", "max_vcpus": 4, "tags": {}, "lt": {"version": "$Latest"}}},
      "b": {"name": None, "type": "MANAGED", "n": 5, "cr": None, "up": {"t": False, "m": 30}},
      "c": {"name": None, "type": "MANAGED", "n": 5, "cr": None, "up": {"t": True, "m": 30}}}),
    ('list(object({ a = optional(string, "d"), b = optional(number) }))',
     '[{}, { a = 3, b = "7" }]', [{"a": "d", "b": None}, {"a": "3", "b": 7}]),
    ('list(object({ a = string }))', '[{ a = "x" }, null]', [{"a": "x"}, None]),
    ('tuple([string, number, object({ x = optional(bool, true) })])', '[1, "2", {}]',
     ["1", 2, {"x": True}]),
    ('object({ a = any, b = optional(any), c = optional(any, "z") })',
     '{ a = [1, "x"], extra = 2 }', {"a": [1, "x"], "b": None, "c": "z"}),
    ('set(object({ a = optional(string, "d") }))', '[{}, { a = "d" }, { a = "e" }]',
     [{"a": "d"}, {"a": "e"}]),
    ('object({ a = string, b = number })', '{ a = null, b = 1 }', {"a": None, "b": 1}),
    ('object({ a = optional(string, "d") })', 'null', None),
    ('map(object({ a = optional(string, "x") }))', '{ k = null }', {"k": None}),
    ('object({ o = optional(object({ a = optional(string, "x") }), { a = null }) })', '{}',
     {"o": {"a": "x"}}),
    ('object({ a = optional(list(string), []), b = optional(bool, false), '
     'c = optional(number, 0) })', '{ b = null }', {"a": [], "b": False, "c": 0}),
    ('list', '["a"]', ["a"]),  # Terraform 0.11's list(any)
]
CONVERSION_IDS = ["map-of-objects", "list-of-objects", "null-element", "tuple", "any-inside",
                  "set-of-objects", "required-null", "null-object", "null-map-element",
                  "default-gets-defaults", "falsy-defaults", "bare-list"]


def _variable(tmp_path: Path, kind: str, value: str) -> Any:
    write(tmp_path, {"main.tf": f'variable "v" {{\n  type = {kind}\n  default = {value}\n}}\n'})
    return root_module(tmp_path).variable("v")


@pytest.mark.parametrize(("kind", "value", "expected"), CONVERSIONS, ids=CONVERSION_IDS)
def test_values_convert_as_terraform_console_shows(tmp_path: Path, kind: str, value: str,
                                                   expected: Any) -> None:
    assert _variable(tmp_path, kind, value) == expected


@pytest.mark.parametrize(("kind", "value", "why"), [
    ("object({ a = string, b = optional(string) })", '{ b = "x" }',
     "attribute `a` is required"),
    ("tuple([string, number])", '["a"]', "a tuple of 2 elements is required"),
    ("map(object({ a = optional(string) }))", '{ k = "str" }',
     "element 'k': an object is required"),
    ("object({ a = optional(number) })", '{ a = "abc" }', "attribute `a`: 'abc' is not a number"),
    ("object({ a = list(string) })", '{ a = "x" }', "attribute `a`: a list is required"),
    ("object({ a = optional(bool, 1) })", "{}",
     "the default of `optional(bool, 1)`: a bool is required"),
    ('object({ a = optional(string, upper("x")) })', "{}",
     'the default of `optional(string, upper("x"))`: functions cannot be used in a type\'s '
     "default"),
    ("object({ a = optional(string, var.x) })", "{}",
     "the default of `optional(string, var.x)`: `var` cannot be used in a type's default"),
], ids=["required", "tuple-length", "map-element", "not-a-number", "not-a-list", "default-type",
        "default-function", "default-variable"])
def test_what_terraform_refuses_is_unknown_with_the_reason(tmp_path: Path, kind: str,
                                                           value: str, why: str) -> None:
    got = _variable(tmp_path, kind, value)
    assert isinstance(got, Unknown)
    assert got.why == f"comes from `var.v`, which batchlint cannot evaluate: {why}"


def test_a_refused_value_is_a_not_verified_reason(tmp_path: Path) -> None:
    write(tmp_path, {"iam.tf": ROLES, "main.tf": OPTIONAL_TYPE.replace(
        'type = "FARGATE", max_vcpus = "4"', 'type = "FARGATE"')})
    _, report = lint([str(tmp_path)], "BL107")
    # as `terraform plan` refuses the whole value, the for_each it feeds is not known
    assert results(report) == (set(), {("BL107", "aws_batch_compute_environment.this"):
        "it depends on values not known before deployment: `for_each` comes from "
        "`var.compute_environments`, which batchlint cannot evaluate: element 'managed': "
        "attribute `compute_resources`: attribute `max_vcpus` is required"})


def test_unknown_values_stay_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": '''
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
module "m" {
  source = "./m"
  v = { one = { id = aws_iam_role.r.arn }, two = { a = null, extra = "dropped" } }
}
''', "m/main.tf": '''
variable "v" {
  type = map(object({
    a  = optional(string, "x")
    id = optional(string, "default")
    l  = optional(list(object({ k = optional(string, "kk") })), [{}])
  }))
}
output "o" {
  value = var.v
}
'''})
    [child] = root_module(tmp_path).call("m").children()
    out = child.output("o")
    assert isinstance(out["one"]["id"], Unknown)  # `(known after apply)`, not the default
    assert {k: v for k, v in out["one"].items() if k != "id"} == {"a": "x", "l": [{"k": "kk"}]}
    assert out["two"] == {"a": "x", "id": "default", "l": [{"k": "kk"}]}
