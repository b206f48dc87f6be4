"""Terraform resource instances of AWS Batch → the API shapes of the model (the roles,
instance profiles and launch templates Batch's hosts use: tfplan_hosts.py).

Each function reads one instance through a :class:`Reader` and returns its API-shape
data; what the plan knows only after apply is left out and recorded in the reader's
``unknown`` (see :mod:`batchlint.unknowns`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from batchlint.loaders import tfplan_network as network
from batchlint.loaders.tfplan_refs import Outside, PlanIndex, Target
from batchlint.loaders.tfplan_values import Reader, identity, reason
from batchlint.model import Json

Shape = Callable[[Reader], dict[str, Any]]


def _upper(value: Json) -> Json:
    return value.upper() if isinstance(value, str) else value


def _tags(r: Reader) -> dict[str, Any]:
    tags = r.inst.value("tags")
    return dict(tags) if isinstance(tags, Mapping) else {}


def compute_environment(r: Reader) -> dict[str, Any]:
    data: dict[str, Any] = {"computeEnvironmentName": r.inst.address, "tags": _tags(r)}
    for key, attr in (("type", "type"), ("state", "state")):
        value = r.get((key,), attr)
        if value is not None:
            data[key] = _upper(value)
    r.put(data, "serviceRole", ("serviceRole",), "service_role", text=True, ref=True)
    blocks = r.blocks(("computeResources",), "compute_resources")
    if blocks:
        data["computeResources"] = _compute_resources(r)
    eks = r.blocks(("eksConfiguration",), "eks_configuration")
    if eks:
        out: dict[str, Any] = {}
        r.put(out, "eksClusterArn", ("eksConfiguration", "eksClusterArn"), "eks_configuration",
              0, "eks_cluster_arn", text=True)
        r.put(out, "kubernetesNamespace", ("eksConfiguration", "kubernetesNamespace"),
              "eks_configuration", 0, "kubernetes_namespace", text=True)
        data["eksConfiguration"] = out
    return data


_CE_FIELDS = {  # Terraform → API, in compute_resources
    "type": "type", "allocation_strategy": "allocationStrategy", "min_vcpus": "minvCpus",
    "max_vcpus": "maxvCpus", "bid_percentage": "bidPercentage", "subnets": "subnets",
    "security_group_ids": "securityGroupIds", "image_id": "imageId",
    "ec2_key_pair": "ec2KeyPair", "placement_group": "placementGroup",
    "instance_role": "instanceRole", "spot_iam_fleet_role": "spotIamFleetRole",
    "instance_type": "instanceTypes", "tags": "tags",
}
_TEXT = {"instance_role", "spot_iam_fleet_role", "image_id", "ec2_key_pair", "placement_group"}


def _compute_resources(r: Reader) -> dict[str, Any]:
    at, cr = ("computeResources",), ("compute_resources", 0)
    out: dict[str, Any] = {}
    for field, api in _CE_FIELDS.items():
        value = r.get((*at, api), *cr, field, text=field in _TEXT, ref=field in _TEXT)
        if value is None:
            continue
        if field in ("type", "allocation_strategy"):
            value = _upper(value)
        out[api] = value
    network.environment_lists(r, out, at, cr)  # the plan's own subnets and groups
    # desiredvCpus is Batch's to change: only a value the configuration sets is pinned. A
    # computed one is unknown when created, so a known value on create was configured
    # (a dynamic block's expressions are not in the plan's configuration)
    known = not r.inst.is_unknown(*cr, "desired_vcpus")
    if r.configured(*cr, "desired_vcpus") or (known and r.inst.actions == ("create",)):
        r.put(out, "desiredvCpus", (*at, "desiredvCpus"), *cr, "desired_vcpus")
    templates = r.blocks((*at, "launchTemplate"), *cr, "launch_template")
    if templates:
        lt: dict[str, Any] = {}
        path = (*cr, "launch_template", 0)
        for field, api in (("launch_template_id", "launchTemplateId"),
                           ("launch_template_name", "launchTemplateName"),
                           ("version", "version")):
            if r.inst.value(*path, field) is not None or r.inst.is_unknown(*path, field):
                r.put(lt, api, (*at, "launchTemplate", api), *path, field, text=True, ref=True,
                      whole=field != "version")
        if "launchTemplateId" not in lt and "launchTemplateName" in lt:
            r.unknown.pop((*at, "launchTemplate", "launchTemplateId"), None)
        if isinstance(lt.get("version"), int):
            lt["version"] = str(lt["version"])
        out["launchTemplate"] = lt
    confs = r.blocks((*at, "ec2Configuration"), *cr, "ec2_configuration")
    if confs is not None:
        out["ec2Configuration"] = []
        for i in range(len(confs)):
            conf: dict[str, Any] = {}
            for field, api in (("image_type", "imageType"),
                               ("image_id_override", "imageIdOverride"),
                               ("image_kubernetes_version", "imageKubernetesVersion")):
                r.put(conf, api, (*at, "ec2Configuration", i, api), *cr, "ec2_configuration",
                      i, field, text=True)
            out["ec2Configuration"].append(conf)
    return out


def job_queue(r: Reader, index: PlanIndex) -> dict[str, Any]:
    data: dict[str, Any] = {"jobQueueName": r.inst.address, "tags": _tags(r)}
    state = r.get(("state",), "state")
    if state is not None or ("state",) not in r.unknown:
        data["state"] = _upper(state or "ENABLED")
    r.put(data, "priority", ("priority",), "priority")
    r.put(data, "schedulingPolicyArn", ("schedulingPolicyArn",), "scheduling_policy_arn",
          text=True, ref=True)
    blocks = r.blocks(("computeEnvironmentOrder",), "compute_environment_order")
    if blocks:  # provider 5.x's newer spelling, 6.x's only one
        order = []
        for i in range(len(blocks)):
            entry: dict[str, Any] = {}
            at = ("computeEnvironmentOrder", i)
            r.put(entry, "order", (*at, "order"), "compute_environment_order", i, "order")
            r.put(entry, "computeEnvironment", (*at, "computeEnvironment"),
                  "compute_environment_order", i, "compute_environment", ref=True)
            order.append(entry)
        data["computeEnvironmentOrder"] = order
    elif blocks is not None:
        listed = _listed_environments(r, index)
        if listed is not None:
            data["computeEnvironmentOrder"] = listed
    limits = r.blocks(("jobStateTimeLimitActions",), "job_state_time_limit_action")
    if limits:
        data["jobStateTimeLimitActions"] = []
        for i in range(len(limits)):
            action: dict[str, Any] = {}
            for field, api in (("action", "action"), ("max_time_seconds", "maxTimeSeconds"),
                               ("reason", "reason"), ("state", "state")):
                r.put(action, api, ("jobStateTimeLimitActions", i, api),
                      "job_state_time_limit_action", i, field)
            data["jobStateTimeLimitActions"].append(action)
    return data


def _listed_environments(r: Reader, index: PlanIndex) -> list[dict[str, Any]] | None:
    """Provider 5.x's ``compute_environments``: ARNs in order. Elements known only after
    apply are the environments the expression references, in order, when it names as
    many as there are such elements; else each stays unknown, naming the candidates."""
    inst = r.inst
    at = ("computeEnvironmentOrder",)
    if inst.is_unknown("compute_environments"):
        r.get(at, "compute_environments")
        return None
    listed = inst.value("compute_environments")
    if not isinstance(listed, list):
        return []
    pending = [i for i in range(len(listed)) if inst.is_unknown("compute_environments", i)]
    origins = index.origins(inst, "compute_environments")
    direct = all(isinstance(o, Target) and o.instance.module == inst.module for o in origins)
    if len(origins) != len(pending) or not direct:  # not one reference per element
        origins = [o for o in origins if _environments(o)]
    by_element = dict(zip(pending, origins, strict=True)) \
        if len(origins) == len(pending) else {}
    order = []
    for i, value in enumerate(listed):
        entry: dict[str, Any] = {"order": i + 1}
        origin = by_element.get(i)
        found = identity(origin) if isinstance(origin, Target) else None
        if found is not None:
            entry["computeEnvironment"] = found
        elif i in pending:
            r.unknown[(*at, i, "computeEnvironment")] = index.why(  # the source's words
                inst, ("compute_environments", i)) or reason(
                f"compute_environments[{i}]", [origin] if origin else origins)
        elif isinstance(value, str):
            entry["computeEnvironment"] = value
        order.append(entry)
    return order


def _environments(origin: Target | Outside) -> bool:
    """An origin that is (one of) the plan's compute environments."""
    if isinstance(origin, Target):
        return origin.instance.type == "aws_batch_compute_environment"
    return any(c.type == "aws_batch_compute_environment" for c in origin.candidates)


def job_definition(r: Reader) -> dict[str, Any]:
    data: dict[str, Any] = {"jobDefinitionName": r.inst.address, "status": "ACTIVE",
                            "tags": _tags(r)}
    r.put(data, "type", ("type",), "type")
    platforms = r.get(("platformCapabilities",), "platform_capabilities")
    if platforms is not None or ("platformCapabilities",) not in r.unknown:
        data["platformCapabilities"] = platforms or []
    for field, api in (("container_properties", "containerProperties"),
                       ("node_properties", "nodeProperties"),
                       ("ecs_properties", "ecsProperties")):
        text = r.get((api,), field)
        if isinstance(text, str):
            try:
                data[api] = json.loads(text)
            except ValueError:
                r.unknown[(api,)] = f"`{field}` is not JSON that batchlint can read"
        elif (known := r.encoded((api,), field)) is not None:
            data[api] = known
    eks = r.blocks(("eksProperties",), "eks_properties")
    if eks:
        data["eksProperties"] = _eks_properties(r)
    for field, api in (("parameters", "parameters"), ("propagate_tags", "propagateTags"),
                       ("scheduling_priority", "schedulingPriority")):
        r.put(data, api, (api,), field)
    retries = r.blocks(("retryStrategy",), "retry_strategy")
    if retries:
        retry: dict[str, Any] = {}
        r.put(retry, "attempts", ("retryStrategy", "attempts"), "retry_strategy", 0, "attempts")
        conditions = r.blocks(("retryStrategy", "evaluateOnExit"), "retry_strategy", 0,
                              "evaluate_on_exit")
        if conditions is not None:
            retry["evaluateOnExit"] = []
            for i in range(len(conditions)):
                condition: dict[str, Any] = {}
                for field, api in (("action", "action"), ("on_exit_code", "onExitCode"),
                                   ("on_reason", "onReason"),
                                   ("on_status_reason", "onStatusReason")):
                    r.put(condition, api, ("retryStrategy", "evaluateOnExit", i, api),
                          "retry_strategy", 0, "evaluate_on_exit", i, field)
                if isinstance(condition.get("action"), str):
                    condition["action"] = condition["action"].upper()
                retry["evaluateOnExit"].append(condition)
        data["retryStrategy"] = retry
    timeouts = r.blocks(("timeout",), "timeout")
    if timeouts:
        timeout: dict[str, Any] = {}
        r.put(timeout, "attemptDurationSeconds", ("timeout", "attemptDurationSeconds"),
              "timeout", 0, "attempt_duration_seconds")
        if timeout or ("timeout", "attemptDurationSeconds") in r.unknown:
            data["timeout"] = timeout
    return data


def _eks_properties(r: Reader) -> dict[str, Any]:
    pod_at = ("eksProperties", "podProperties")
    pod_path = ("eks_properties", 0, "pod_properties", 0)
    pod: dict[str, Any] = {}
    for field, api in (("host_network", "hostNetwork"),
                       ("service_account_name", "serviceAccountName")):
        r.put(pod, api, (*pod_at, api), *pod_path, field)
    for field, api in (("containers", "containers"), ("init_containers", "initContainers")):
        blocks = r.blocks((*pod_at, api), *pod_path, field)
        if blocks is None:
            continue
        pod[api] = []
        for i in range(len(blocks)):
            at, path = (*pod_at, api, i), (*pod_path, field, i)
            container: dict[str, Any] = {}
            for name, key in (("name", "name"), ("image", "image"), ("command", "command"),
                              ("args", "args")):
                r.put(container, key, (*at, key), *path, name, text=name == "image")
            env = r.blocks((*at, "env"), *path, "env")
            if env is not None:
                container["env"] = []
                for j in range(len(env)):
                    var: dict[str, Any] = {}
                    r.put(var, "name", (*at, "env", j, "name"), *path, "env", j, "name")
                    r.put(var, "value", (*at, "env", j, "value"), *path, "env", j, "value",
                          text=True)
                    container["env"].append(var)
            if r.blocks((*at, "resources"), *path, "resources"):
                resources: dict[str, Any] = {}
                for key in ("limits", "requests"):
                    r.put(resources, key, (*at, "resources", key), *path, "resources", 0, key)
                container["resources"] = resources
            if r.blocks((*at, "securityContext"), *path, "security_context"):
                context: dict[str, Any] = {}
                for name, key in (("privileged", "privileged"),
                                  ("run_as_user", "runAsUser"),
                                  ("read_only_root_file_system", "readOnlyRootFilesystem")):
                    r.put(context, key, (*at, "securityContext", key), *path,
                          "security_context", 0, name)
                container["securityContext"] = context
            pod[api].append(container)
    return {"podProperties": pod}


def scheduling_policy(r: Reader) -> dict[str, Any]:
    data: dict[str, Any] = {"name": r.inst.address, "tags": _tags(r)}
    fair: dict[str, Any] = {}
    if r.blocks(("fairsharePolicy",), "fair_share_policy"):
        for field, api in (("share_decay_seconds", "shareDecaySeconds"),
                           ("compute_reservation", "computeReservation")):
            r.put(fair, api, ("fairsharePolicy", api), "fair_share_policy", 0, field)
    data["fairsharePolicy"] = fair
    return data
