"""Terraform plans (``terraform show -json``) → the model's API shapes.

Resources come from ``planned_values`` (every module, every ``count``/``for_each``
instance), named by their address; ``terraform show -json`` of a state (``values``) reads
the same way. A value the plan knows only after apply (``after_unknown``) is followed
through the plan's ``configuration`` to the resource it references:
``service_role = aws_iam_role.batch.arn`` reaches the ``aws_iam_role.batch`` of the plan,
its trust policy and its ``aws_iam_role_policy_attachment`` s, also through module inputs
and outputs. What no reference decides is unknown, with why in Terraform's words (see
:mod:`batchlint.unknowns`): the checks that read it are not verified. A resource whose
values batchlint cannot read costs that resource, not the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from batchlint import model as m
from batchlint.errors import InputError
from batchlint.loaders import tfplan_hosts as hosts
from batchlint.loaders import tfplan_shapes as shapes
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.loaders.tfplan_positions import PlanDocument
from batchlint.loaders.tfplan_refs import Instance, PlanIndex
from batchlint.loaders.tfplan_values import Reader
from batchlint.model import Pointer

SUPPORTED_FORMAT = "1."  # format_version 1.x of the JSON output format
BATCH_TYPES = {
    "aws_batch_compute_environment": m.COMPUTE_ENVIRONMENT,
    "aws_batch_job_queue": m.JOB_QUEUE,
    "aws_batch_job_definition": m.JOB_DEFINITION,
    "aws_batch_scheduling_policy": m.SCHEDULING_POLICY,
}
OTHER_KINDS = {
    "aws_iam_role": m.IAM_ROLE,
    "aws_iam_instance_profile": m.INSTANCE_PROFILE,
    "aws_launch_template": m.LAUNCH_TEMPLATE_VERSION,
}
_SHAPES: dict[str, Callable[[Reader, PlanIndex], dict[str, Any]]] = {
    "aws_batch_compute_environment": lambda r, _: shapes.compute_environment(r),
    "aws_batch_job_queue": shapes.job_queue,
    "aws_batch_job_definition": lambda r, _: shapes.job_definition(r),
    "aws_batch_scheduling_policy": lambda r, _: shapes.scheduling_policy(r),
    "aws_iam_role": hosts.iam_role,
    "aws_iam_instance_profile": hosts.instance_profile,
    "aws_launch_template": lambda r, _: hosts.launch_template(r),
}
# the name field of each kind, and what a resource that cannot be read leaves unknown
_UNREAD = {
    m.COMPUTE_ENVIRONMENT: ("computeEnvironmentName", (
        "type", "state", "status", "serviceRole", "computeResources", "eksConfiguration")),
    m.JOB_QUEUE: ("jobQueueName", ("state", "priority", "computeEnvironmentOrder",
                                   "jobStateTimeLimitActions", "schedulingPolicyArn")),
    m.JOB_DEFINITION: ("jobDefinitionName", (
        "type", "platformCapabilities", "containerProperties", "nodeProperties",
        "ecsProperties", "eksProperties", "retryStrategy", "timeout")),
    m.SCHEDULING_POLICY: ("name", ("fairsharePolicy",)),
    m.IAM_ROLE: ("RoleName", ("AssumeRolePolicyDocument", "AttachedManagedPolicies",
                              "RolePolicyList")),
    m.INSTANCE_PROFILE: ("InstanceProfileName", ("Roles",)),
    m.LAUNCH_TEMPLATE_VERSION: ("LaunchTemplateId", ("LaunchTemplateData",)),
}
_NAME_ATTRIBUTES = ("name", "compute_environment_name")  # provider 6.x, 5.x
_CE_ARN = re.compile(r"^arn:[^:]+:batch:[^:]*:[^:]*:compute-environment/(.+)$")


def load(doc: Document, builder: ModelBuilder) -> bool:
    """Map the plan's Batch resources; False when it has none."""
    plan = doc.data
    doc.source = "terraform"
    version = plan.get("format_version")
    if not isinstance(version, str):
        raise doc.fail(("format_version",), "invalid Terraform plan: `format_version` must be "
                                            f'a string such as "1.2", not {_json_type(version)}')
    if not version.startswith(SUPPORTED_FORMAT):
        raise doc.fail(("format_version",), f"Terraform JSON format {version!r} is not "
                                            "supported (batchlint reads format 1.x)")
    _check_shape(doc, plan)
    index = PlanIndex(plan)
    if not any(i.type in BATCH_TYPES for i in index.instances.values()):
        return False
    shaped: list[tuple[Instance, str, dict[str, Any], dict[Pointer, str], list[str]]] = []
    for inst in index.instances.values():
        kind = BATCH_TYPES.get(inst.type) or OTHER_KINDS.get(inst.type)
        if kind is None:
            continue
        reader = Reader(index, inst)
        try:
            data = _SHAPES[inst.type](reader, index)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError):
            data, reader.unknown = _unread(kind, inst, "its planned values")
        names = [n for n in (inst.value(a) for a in _NAME_ATTRIBUTES) if isinstance(n, str) and n]
        shaped.append((inst, kind, data, reader.unknown, names))
        if isinstance(doc, PlanDocument):  # where findings on each field point
            doc.fields[inst.pointer] = reader.fields
    _network(doc, builder, index)
    arns = _environment_arns(shaped)
    for inst, kind, data, unknown, names in shaped:
        aliases = tuple(dict.fromkeys([*names, *(a for n in names for a in arns.get(n, ()))]))
        try:
            builder.add(doc, kind, inst.pointer, data, unknown=unknown, aliases=aliases)
        except InputError:  # a value of a type the API never gives: this resource only
            data, unknown = _unread(kind, inst, "its planned values")
            builder.add(doc, kind, inst.pointer, data, unknown=unknown, aliases=aliases)
    return True


# what `terraform show -json` always gives the type of: (pointer, JSON type, each item's)
_SHAPE: tuple[tuple[tuple[str, ...], type[Any], type[Any] | None], ...] = (
    (("planned_values",), dict, None), (("values",), dict, None),
    (("resource_changes",), list, dict), (("configuration",), dict, None))
_MODULE: tuple[tuple[str, type[Any], type[Any] | None], ...] = (
    ("resources", list, dict), ("child_modules", list, dict))


def _check_shape(doc: Document, plan: dict[str, Any]) -> None:
    """The plan's parts batchlint reads have the types Terraform writes; else one error
    naming the first that does not (a broken plan is not one without Batch resources)."""
    checks: list[tuple[Pointer, Any, type[Any], type[Any] | None]] = [
        ((key[0],), plan.get(key[0]), kind, item) for key, kind, item in _SHAPE
        if key[0] in plan]
    for root in ("planned_values", "values"):
        part = plan.get(root)
        if isinstance(part, dict) and "root_module" in part:
            checks.append(((root, "root_module"), part["root_module"], dict, None))
    while checks:
        pointer, value, kind, item = checks.pop(0)
        if not isinstance(value, kind):
            raise _bad(doc, pointer, kind, value)
        if item is not None:
            for i, one in enumerate(value):
                if not isinstance(one, item):
                    raise _bad(doc, (*pointer, i), item, one)
                if pointer[-1] == "child_modules":
                    checks.append(((*pointer, i), one, dict, None))
        if pointer[-1] == "root_module" or pointer[-2:-1] == ("child_modules",):
            checks += [((*pointer, k), value[k], t, i) for k, t, i in _MODULE if k in value]


def _bad(doc: Document, pointer: Pointer, kind: type[Any], value: Any) -> InputError:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in pointer)[1:]
    return doc.fail(pointer, f"invalid Terraform plan: `{where}` must be "
                             f"{'an array' if kind is list else 'an object'}, not "
                             f"{_json_type(value)}")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (str, list, dict)):
        return {str: "a string", list: "an array"}.get(type(value), "an object")
    return "a number"


def _unread(kind: str, inst: Instance, what: str) -> tuple[dict[str, Any], dict[Pointer, str]]:
    """A resource batchlint cannot read: its name, and every field rules read unknown."""
    name_field, fields = _UNREAD[kind]
    why = f"{what} of `{inst.address}` have a shape batchlint does not read"
    return {name_field: inst.address}, {(f,): why for f in fields}


def _environment_arns(shaped: list[tuple[Instance, str, dict[str, Any], dict[Pointer, str],
                                         list[str]]]) -> dict[str, list[str]]:
    """Compute environment ARNs that queues name, by the environment name in them."""
    found: dict[str, list[str]] = {}
    for _, kind, data, _, _ in shaped:
        if kind != m.JOB_QUEUE:
            continue
        for entry in data.get("computeEnvironmentOrder") or ():
            ref = entry.get("computeEnvironment") if isinstance(entry, dict) else None
            match = _CE_ARN.match(ref) if isinstance(ref, str) else None
            if match and isinstance(ref, str):
                found.setdefault(match.group(1), []).append(ref)
    return found


# what every resource the network mapping reads (or makes, as a VPC's main route table)
# is named: a plan or configuration without any has no network, and the mapping's modules
# are not imported for it (the VPC's gateways and NAT only matter as a table's routes)
NETWORK_PREFIXES = ("aws_vpc", "aws_subnet", "aws_route", "aws_default_route_table",
                    "aws_main_route_table", "aws_security_group", "aws_default_security_group")


def has_network(index: PlanIndex) -> bool:
    """Whether the plan or configuration has a resource the network mapping reads."""
    return any(i.type.startswith(NETWORK_PREFIXES) for i in index.instances.values())


def _network(doc: Document, builder: ModelBuilder, index: PlanIndex) -> None:
    """The plan's subnets, route tables, endpoints and security groups (none when their
    values cannot be read: the network checks are then not verified)."""
    if not has_network(index):
        return
    from batchlint.loaders import tfplan_network as network

    try:
        found = network.shaped(index, lambda inst: Reader(index, inst))
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        return
    network.into(builder, index, found, lambda inst: (doc, inst.pointer))
