"""Terraform plans (``terraform show -json``) → the model's API shapes.

Resources come from ``planned_values`` (every module), named by their address.
Attributes only known after apply (a role's ARN) are resolved through the
plan's ``configuration`` section: ``service_role = aws_iam_role.batch.arn``
reaches the ``aws_iam_role.batch`` resource of the plan, its trust policy and
its ``aws_iam_role_policy_attachment`` s. A reference to something outside the
plan is an ``${unknown:…}`` value: the check depending on it is not verified.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from batchlint import model as m
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.loaders.cloudformation import unknown
from batchlint.model import Json, Pointer

SUPPORTED_FORMAT = "1."  # format_version 1.x of the JSON output format
BATCH_TYPES = {
    "aws_batch_compute_environment": m.COMPUTE_ENVIRONMENT,
    "aws_batch_job_queue": m.JOB_QUEUE,
    "aws_batch_job_definition": m.JOB_DEFINITION,
    "aws_batch_scheduling_policy": m.SCHEDULING_POLICY,
}


def load(doc: Document, builder: ModelBuilder) -> bool:
    """Map the plan's Batch resources; False when it has none."""
    plan = doc.data
    doc.source = "terraform"
    version = plan.get("format_version")
    if not isinstance(version, str) or not version.startswith(SUPPORTED_FORMAT):
        raise doc.fail(("format_version",), f"Terraform JSON format {version!r} is not "
                                            "supported (batchlint reads format 1.x)")
    planned = plan.get("planned_values")
    root = planned.get("root_module") if isinstance(planned, Mapping) else None
    resources = dict(_planned(root, ("planned_values", "root_module")))
    if not any(r["type"] in BATCH_TYPES for r, _ in resources.values()):
        return False
    try:
        refs = dict(_references(plan.get("configuration")))
    except (AttributeError, TypeError, ValueError):
        raise doc.fail(("configuration",), "configuration has an unexpected shape") from None
    plan_view = _Plan(resources, refs)
    for address, (resource, pointer) in resources.items():
        kind = BATCH_TYPES.get(resource["type"]) or _OTHER_KINDS.get(resource["type"])
        if kind is None:
            continue
        try:
            data = plan_view.shape(address)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError):
            # a plan Terraform did not write: say where, never a traceback
            raise doc.fail(pointer, f"{address} has values of an unexpected shape") from None
        builder.add(doc, kind, pointer, data)
    return True


_OTHER_KINDS = {
    "aws_iam_role": m.IAM_ROLE,
    "aws_iam_instance_profile": m.INSTANCE_PROFILE,
    "aws_launch_template": m.LAUNCH_TEMPLATE_VERSION,
}


def _planned(module: Json, at: Pointer) -> Iterator[tuple[str, tuple[dict[str, Any], Pointer]]]:
    if not isinstance(module, Mapping):
        return
    for i, resource in enumerate(module.get("resources") or []):
        if isinstance(resource, Mapping) and resource.get("mode", "managed") == "managed" \
                and isinstance(resource.get("address"), str) \
                and isinstance(resource.get("type"), str):
            yield resource["address"], (dict(resource), (*at, "resources", i))
    for i, child in enumerate(module.get("child_modules") or []):
        yield from _planned(child, (*at, "child_modules", i))


def _references(configuration: Json) -> Iterator[tuple[tuple[str, str], list[str]]]:
    """((resource address, attribute), [referenced addresses]) from ``configuration``."""
    root = configuration.get("root_module") if isinstance(configuration, Mapping) else None
    yield from _module_references(root, "")


def _module_references(module: Json, prefix: str) -> Iterator[
        tuple[tuple[str, str], list[str]]]:
    if not isinstance(module, Mapping):
        return
    for resource in module.get("resources") or []:
        if not isinstance(resource, Mapping) or not isinstance(resource.get("address"), str):
            continue
        address = prefix + resource["address"]
        for name, expr in _expressions(resource.get("expressions")):
            refs = [prefix + r for r in expr if isinstance(r, str)]
            yield (address, name), refs
    for call, spec in (module.get("module_calls") or {}).items():
        if isinstance(spec, Mapping):
            yield from _module_references(spec.get("module"), f"{prefix}module.{call}.")


def _expressions(expressions: Json, path: str = "") -> Iterator[tuple[str, list[Json]]]:
    """Flattened (attribute path, references) of a resource's expressions."""
    if isinstance(expressions, list):
        for block in expressions:
            yield from _expressions(block, path)
        return
    if not isinstance(expressions, Mapping):
        return
    for name, expr in expressions.items():
        key = f"{path}{name}"
        if isinstance(expr, Mapping) and ("references" in expr or "constant_value" in expr):
            refs = expr.get("references")
            yield key, refs if isinstance(refs, list) else []  # [] : set to a constant
        elif isinstance(expr, Mapping | list):
            yield from _expressions(expr, f"{key}.")


class _Plan:
    def __init__(self, resources: dict[str, tuple[dict[str, Any], Pointer]],
                 refs: dict[tuple[str, str], list[str]]):
        self.resources = resources
        self.refs = refs

    def values(self, address: str) -> dict[str, Any]:
        values = self.resources[address][0].get("values")
        return values if isinstance(values, dict) else {}

    def ref(self, address: str, attribute: str) -> str:
        """The value of an attribute known only after apply, through its references."""
        for target in self.refs.get((address, attribute), []):
            resource = target.rsplit(".", 1)[0] if target.count(".") >= 2 else target
            for candidate in (target, resource):
                if candidate in self.resources:
                    return self._identity(candidate)
        return unknown(f"{address}.{attribute}")

    def _referenced(self, address: str, attribute: str) -> list[str]:
        """The plan resources an attribute refers to, in order (``x.arn`` → ``x``)."""
        targets = (t.removesuffix(".arn").removesuffix(".id")
                   for t in self.refs.get((address, attribute), []))
        return [t for t in dict.fromkeys(targets) if t in self.resources]

    def value(self, address: str, attribute: str) -> Any:
        values = self.values(address)
        if values.get(attribute) not in (None, "", []):
            return values[attribute]
        return self.ref(address, attribute)

    def _identity(self, address: str) -> str:
        kind = self.resources[address][0]["type"]
        path = self.values(address).get("path") or "/"
        if kind == "aws_iam_role":
            return f"arn:aws:iam:::role{path}{address}"
        if kind == "aws_iam_instance_profile":
            return f"arn:aws:iam:::instance-profile{path}{address}"
        return address  # compute environments, launch templates: named by address

    # -- shapes ----------------------------------------------------------------
    def shape(self, address: str) -> dict[str, Any] | None:
        kind = self.resources[address][0]["type"]
        return getattr(self, f"_{kind}")(address)  # type: ignore[no-any-return]

    def _aws_batch_compute_environment(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        data: dict[str, Any] = {"computeEnvironmentName": a,
                                "type": str(v.get("type", "MANAGED")).upper(),
                                "state": v.get("state") or "ENABLED",
                                "tags": v.get("tags") or {}}
        if v.get("service_role") or self.refs.get((a, "service_role")):
            data["serviceRole"] = self.value(a, "service_role")
        blocks = v.get("compute_resources") or []
        if blocks:
            cr, at = blocks[0], "compute_resources."
            out: dict[str, Any] = {k: cr[t] for t, k in _CE_FIELDS.items() if cr.get(t) is not None}
            if (a, at + "desired_vcpus") not in self.refs:  # Batch's, unless configured
                out.pop("desiredvCpus", None)
            out["instanceTypes"] = cr.get("instance_type") or cr.get("instance_types") or []
            for field, api in (("instance_role", "instanceRole"),
                               ("spot_iam_fleet_role", "spotIamFleetRole")):
                if cr.get(field) or self.refs.get((a, at + field)):
                    out[api] = cr.get(field) or self.ref(a, at + field)
            lts = cr.get("launch_template") or []
            if lts:
                lt = lts[0]
                ref = lt.get("launch_template_id") or lt.get("launch_template_name") or \
                    self.ref(a, at + "launch_template.launch_template_id")
                if ref.startswith("${unknown:"):
                    ref = self.ref(a, at + "launch_template.launch_template_name")
                version = lt.get("version")
                out["launchTemplate"] = {"launchTemplateId": ref,
                                         "version": str(version) if version else "$Default"}
            confs = cr.get("ec2_configuration") or []
            out["ec2Configuration"] = [
                {k: c[t] for t, k in (("image_type", "imageType"),
                                      ("image_id_override", "imageIdOverride")) if c.get(t)}
                for c in confs]
            data["computeResources"] = out
        return data

    def _aws_batch_job_queue(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        blocks = v.get("compute_environment_order") or []
        referenced = self._referenced(a, "compute_environment_order.compute_environment")
        order = [{"order": o.get("order"), "computeEnvironment": o.get("compute_environment")
                  or (referenced[i] if i < len(referenced) else unknown(f"{a} order {i}"))}
                 for i, o in enumerate(blocks)]
        if not blocks:  # the older argument: a list of ARNs, in order
            listed = v.get("compute_environments") or self._referenced(a, "compute_environments")
            order = [{"order": i + 1, "computeEnvironment": t} for i, t in enumerate(listed)]
        return {"jobQueueName": a, "state": v.get("state") or "ENABLED",
                "priority": v.get("priority"), "computeEnvironmentOrder": order,
                "tags": v.get("tags") or {}}

    def _aws_batch_job_definition(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        data: dict[str, Any] = {"jobDefinitionName": a, "type": v.get("type", "container"),
                                "status": "ACTIVE", "tags": v.get("tags") or {},
                                "platformCapabilities": v.get("platform_capabilities") or []}
        for field, api in (("container_properties", "containerProperties"),
                           ("node_properties", "nodeProperties"),
                           ("ecs_properties", "ecsProperties")):
            if isinstance(v.get(field), str):
                try:
                    data[api] = json.loads(v[field])
                except ValueError:
                    data[api] = {}
        retry = (v.get("retry_strategy") or [None])[0]
        if isinstance(retry, Mapping):
            data["retryStrategy"] = {"attempts": retry.get("attempts"), "evaluateOnExit": [
                {k: e[t] for t, k in (("action", "action"), ("on_exit_code", "onExitCode"),
                                      ("on_reason", "onReason"),
                                      ("on_status_reason", "onStatusReason")) if e.get(t)}
                for e in retry.get("evaluate_on_exit") or []]}
        timeout = (v.get("timeout") or [None])[0]
        if isinstance(timeout, Mapping) and timeout.get("attempt_duration_seconds"):
            data["timeout"] = {"attemptDurationSeconds": timeout["attempt_duration_seconds"]}
        return data

    def _aws_batch_scheduling_policy(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        fair = (v.get("fair_share_policy") or [{}])[0]
        return {"name": a, "tags": v.get("tags") or {}, "fairsharePolicy": {
            k: fair[t] for t, k in (("share_decay_seconds", "shareDecaySeconds"),
                                    ("compute_reservation", "computeReservation"))
            if isinstance(fair, Mapping) and fair.get(t) is not None}}

    def _aws_iam_role(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        policies = list(v.get("managed_policy_arns") or [])
        for other, (resource, _) in self.resources.items():
            if resource["type"] == "aws_iam_role_policy_attachment":
                attached = self.values(other)
                role_refs = self.refs.get((other, "role"), [])
                if attached.get("role") == v.get("name") or any(
                        r in (a, f"{a}.name", f"{a}.id") for r in role_refs):
                    policies.append(attached.get("policy_arn") or
                                    self.ref(other, "policy_arn"))
        trust = v.get("assume_role_policy")
        return {"RoleName": a, "Path": v.get("path") or "/",
                "Arn": self._identity(a),
                "AssumeRolePolicyDocument": trust if isinstance(trust, str) else {},
                "AttachedManagedPolicies": [{"PolicyArn": p, "PolicyName": p.rsplit("/", 1)[-1]}
                                            for p in policies if isinstance(p, str)],
                "RolePolicyList": [{"PolicyName": str(p.get("name"))}
                                   for p in v.get("inline_policy") or []
                                   if isinstance(p, Mapping) and p.get("name")]}

    def _aws_iam_instance_profile(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        role_refs = [r.rsplit(".", 1)[0] if r.count(".") >= 2 else r
                     for r in self.refs.get((a, "role"), [])]
        role = next((r for r in role_refs if r in self.resources), None)
        roles = [self._aws_iam_role(role)] if role else (
            [{"RoleName": v["role"]}] if v.get("role") else [])
        return {"InstanceProfileName": a, "Path": v.get("path") or "/",
                "Arn": self._identity(a), "Roles": roles}

    def _aws_launch_template(self, a: str) -> dict[str, Any]:
        v = self.values(a)
        mappings = [{"DeviceName": b.get("device_name"),
                     "Ebs": {k: e[t] for t, k in (("volume_size", "VolumeSize"),
                                                  ("volume_type", "VolumeType")) if e.get(t)}}
                    for b in v.get("block_device_mappings") or []
                    for e in (b.get("ebs") or [{}])]
        data: dict[str, Any] = {"BlockDeviceMappings": mappings}
        for field, api in (("image_id", "ImageId"), ("instance_type", "InstanceType"),
                           ("user_data", "UserData")):
            if v.get(field):
                data[api] = v[field]
        profile = (v.get("iam_instance_profile") or [None])[0]
        if isinstance(profile, Mapping) and (profile.get("name") or profile.get("arn")):
            data["IamInstanceProfile"] = {"Name": profile.get("name") or profile.get("arn")}
        if v.get("instance_market_options"):
            data["InstanceMarketOptions"] = {"MarketType": "spot"}
        return {"LaunchTemplateId": a, "LaunchTemplateName": v.get("name") or a,
                "VersionNumber": 1, "DefaultVersion": True, "LaunchTemplateData": data}


_CE_FIELDS = {
    "type": "type", "allocation_strategy": "allocationStrategy", "min_vcpus": "minvCpus",
    "max_vcpus": "maxvCpus", "desired_vcpus": "desiredvCpus", "image_id": "imageId",
    "bid_percentage": "bidPercentage", "subnets": "subnets",
    "security_group_ids": "securityGroupIds",
}
