"""Terraform resource instances of what Batch's EC2 hosts are launched with → the API shapes
of the model: IAM roles (with the policies attached to them elsewhere in the plan),
instance profiles and launch templates. Read as tfplan_shapes.py reads Batch's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batchlint.loaders.tfplan_netids import GROUP
from batchlint.loaders.tfplan_network import environment_lists
from batchlint.loaders.tfplan_refs import Instance, PlanIndex, Target
from batchlint.loaders.tfplan_values import LAUNCH_TEMPLATE_VERSION, Reader, identity

# a launch template's security groups: the instances' own, or each network interface's
_GROUPS = (("vpc_security_group_ids", "SecurityGroupIds", GROUP),)
_NIC_GROUPS = (("security_groups", "Groups", GROUP),)


def _refers_to(index: PlanIndex, inst: Instance, attribute: str, target: Instance) -> bool:
    return any(isinstance(o, Target) and o.instance is target
               for o in index.origins(inst, attribute))


def _iam_entity(inst: Instance, name_key: str) -> dict[str, Any]:
    """A role's or instance profile's name (its address), path and ARN, as IAM gives them."""
    path = inst.value("path")
    return {name_key: inst.address, "Path": path if isinstance(path, str) else "/",
            "Arn": identity(Target(inst, "arn"))}


def iam_role(r: Reader, index: PlanIndex) -> dict[str, Any]:
    inst = r.inst
    data = _iam_entity(inst, "RoleName")
    trust = r.get(("AssumeRolePolicyDocument",), "assume_role_policy")
    if isinstance(trust, str):
        data["AssumeRolePolicyDocument"] = trust
    name = inst.value("name")
    policies: list[dict[str, Any]] = []
    inline: list[dict[str, Any]] = []
    if r.configured("managed_policy_arns"):
        arns = r.get(("AttachedManagedPolicies",), "managed_policy_arns")
        for i, arn in enumerate(arns if isinstance(arns, list) else []):
            if isinstance(arn, str):
                policies.append({"PolicyArn": arn})
            elif inst.is_unknown("managed_policy_arns", i):  # unknown, not absent
                _listed(index, r, i, policies, inline)
    for i, block in enumerate(inst.value("inline_policy") or []):
        if isinstance(block, Mapping) and r.configured("inline_policy", i, "policy"):
            # a name grants nothing: one known only after apply is named by its block
            named = block.get("name") or f"inline_policy[{i}]"
            inline.append({"PolicyName": str(named), "PolicyDocument": block.get("policy")})
    for other in index.instances.values():
        if other.type == "aws_iam_role_policy_attachment":
            if (other.value("role") == name and name) or _refers_to(index, other, "role", inst):
                _attach(index, other, policies, inline, r)
        elif other.type == "aws_iam_policy_attachment":
            roles = other.value("roles")
            if (name and isinstance(roles, list) and name in roles) or \
                    _refers_to(index, other, "roles", inst):
                _attach(index, other, policies, inline, r)
        elif other.type == "aws_iam_role_policy_attachments_exclusive" and (
                (name and other.value("role_name") == name) or
                _refers_to(index, other, "role_name", inst)):
            _attach_all(index, other, policies, inline, r)
        elif other.type == "aws_iam_role_policy" and (
                (name and other.value("role") == name) or _refers_to(index, other, "role", inst)):
            inline.append({"PolicyName": str(other.value("name") or other.address),
                           "PolicyDocument": other.value("policy")})
    for policy in policies:
        arn = policy.get("PolicyArn")
        if isinstance(arn, str):
            policy["PolicyName"] = arn.rsplit("/", 1)[-1]
    data["AttachedManagedPolicies"] = policies
    data["RolePolicyList"] = [{k: v for k, v in p.items() if isinstance(v, str)} for p in inline]
    return data


def _attach(index: PlanIndex, attachment: Instance, policies: list[dict[str, Any]],
            inline: list[dict[str, Any]], role: Reader) -> None:
    """An ``aws_iam_policy`` of the plan is kept with its document (as IAM evaluates it, like
    an inline one); any other policy by its ARN."""
    for origin in index.origins(attachment, "policy_arn"):
        if isinstance(origin, Target) and origin.instance.type == "aws_iam_policy" and \
                origin.attribute in ("arn", "id"):
            policy = origin.instance
            inline.append({"PolicyName": str(policy.value("name") or policy.address),
                           "PolicyDocument": policy.value("policy")})
            return
    policies.append(_attached(index, attachment, len(policies), role))


def _listed(index: PlanIndex, r: Reader, i: int, policies: list[dict[str, Any]],
            inline: list[dict[str, Any]]) -> None:
    """An element of ``managed_policy_arns`` known only after apply: the plan's
    ``aws_iam_policy`` with its document, as an attachment has it; else a policy attached
    whose ARN is recorded as unknown on the role."""
    origins = index.origins(r.inst, "managed_policy_arns", i)
    if len(origins) == 1 and isinstance(origins[0], Target) and \
            origins[0].instance.type == "aws_iam_policy" and origins[0].attribute in ("arn", "id"):
        policy = origins[0].instance
        inline.append({"PolicyName": str(policy.value("name") or policy.address),
                       "PolicyDocument": policy.value("policy")})
        return
    arn = r.get(("AttachedManagedPolicies", len(policies), "PolicyArn"), "managed_policy_arns", i)
    policies.append({"PolicyArn": arn} if isinstance(arn, str) else {})


def _attach_all(index: PlanIndex, attachment: Instance, policies: list[dict[str, Any]],
                inline: list[dict[str, Any]], role: Reader) -> None:
    """``aws_iam_role_policy_attachments_exclusive``: every ARN of ``policy_arns``; the
    plan's ``aws_iam_policy`` resources it references with their documents. An element
    known only after apply that is none of those leaves the role's policies unknown."""
    other = Reader(index, attachment)
    arns = other.get(("AttachedManagedPolicies",), "policy_arns")
    known = [a for a in arns if isinstance(a, str)] if isinstance(arns, list) else []
    policies += [{"PolicyArn": a} for a in known]
    made = [o.instance for o in index.origins(attachment, "policy_arns")
            if isinstance(o, Target) and o.instance.type == "aws_iam_policy"]
    inline += [{"PolicyName": str(p.value("name") or p.address),
                "PolicyDocument": p.value("policy")} for p in made]
    count = len(arns) if isinstance(arns, list) else None
    if count is None or len(known) + len(made) < count:
        why = other.unknown.get(("AttachedManagedPolicies",), "`policy_arns` is known only "
                                                              "after apply")
        role.unknown[("AttachedManagedPolicies",)] = f"{why} (`{attachment.address}`)"


def _attached(index: PlanIndex, attachment: Instance, i: int, role: Reader) -> dict[str, Any]:
    """One attached policy; its ARN recorded as unknown on the role when apply decides it."""
    other = Reader(index, attachment)
    arn = other.get(("AttachedManagedPolicies", i, "PolicyArn"), "policy_arn", ref=True)
    for path, why in other.unknown.items():
        role.unknown[path] = f"{why} (`{attachment.address}`)"
    return {"PolicyArn": arn} if isinstance(arn, str) else {}


def instance_profile(r: Reader, index: PlanIndex) -> dict[str, Any]:
    inst = r.inst
    data = _iam_entity(inst, "InstanceProfileName")
    role = inst.value("role")
    named = [i for i in index.instances.values() if i.type == "aws_iam_role"
             and role is not None and i.value("name") == role]
    if named:
        data["Roles"] = [{"RoleName": named[0].address, "Arn": identity(Target(named[0], "arn"))}]
        return data
    value = r.get(("Roles",), "role", text=True, ref=True)
    if isinstance(value, str) and value.startswith("arn:aws:iam:::role"):
        data["Roles"] = [{"RoleName": value.rsplit("/", 1)[-1], "Arn": value}]
    elif isinstance(value, str) and ("Roles",) not in r.unknown:
        data["Roles"] = [{"RoleName": value}]
    elif ("Roles",) not in r.unknown:
        data["Roles"] = []
    return data


def launch_template(r: Reader) -> dict[str, Any]:
    inst = r.inst
    at = ("LaunchTemplateData",)
    lt: dict[str, Any] = {}
    for field, api in (("image_id", "ImageId"), ("instance_type", "InstanceType"),
                       ("user_data", "UserData")):
        r.put(lt, api, (*at, api), field, text=True)
    devices = r.blocks((*at, "BlockDeviceMappings"), "block_device_mappings")
    if devices is not None:
        lt["BlockDeviceMappings"] = []
        for i in range(len(devices)):
            mapping: dict[str, Any] = {}
            r.put(mapping, "DeviceName", (*at, "BlockDeviceMappings", i, "DeviceName"),
                  "block_device_mappings", i, "device_name")
            if r.blocks((*at, "BlockDeviceMappings", i, "Ebs"), "block_device_mappings", i,
                        "ebs"):
                ebs: dict[str, Any] = {}
                for field, api in (("volume_size", "VolumeSize"),
                                   ("volume_type", "VolumeType")):
                    r.put(ebs, api, (*at, "BlockDeviceMappings", i, "Ebs", api),
                          "block_device_mappings", i, "ebs", 0, field)
                mapping["Ebs"] = ebs
            lt["BlockDeviceMappings"].append(mapping)
    if r.blocks((*at, "IamInstanceProfile"), "iam_instance_profile"):
        profile: dict[str, Any] = {}
        r.put(profile, "Arn", (*at, "IamInstanceProfile", "Arn"), "iam_instance_profile", 0,
              "arn", text=True, ref=True)
        r.put(profile, "Name", (*at, "IamInstanceProfile", "Name"), "iam_instance_profile", 0,
              "name", text=True, ref=True)
        lt["IamInstanceProfile"] = profile
    if r.blocks((*at, "InstanceMarketOptions"), "instance_market_options"):
        market: dict[str, Any] = {}
        r.put(market, "MarketType", (*at, "InstanceMarketOptions", "MarketType"),
              "instance_market_options", 0, "market_type")
        lt["InstanceMarketOptions"] = market
    r.put(lt, "SecurityGroupIds", (*at, "SecurityGroupIds"), "vpc_security_group_ids")
    environment_lists(r, lt, at, (), _GROUPS)  # the plan's own groups, known after apply
    interfaces = r.blocks((*at, "NetworkInterfaces"), "network_interfaces")
    if interfaces:
        lt["NetworkInterfaces"] = []
        for i in range(len(interfaces)):
            nic: dict[str, Any] = {}
            r.put(nic, "SubnetId", (*at, "NetworkInterfaces", i, "SubnetId"),
                  "network_interfaces", i, "subnet_id", text=True)
            r.put(nic, "Groups", (*at, "NetworkInterfaces", i, "Groups"),
                  "network_interfaces", i, "security_groups")
            environment_lists(r, nic, (*at, "NetworkInterfaces", i), ("network_interfaces", i),
                              _NIC_GROUPS)
            public = r.get((*at, "NetworkInterfaces", i, "AssociatePublicIpAddress"),
                           "network_interfaces", i, "associate_public_ip_address")
            if isinstance(public, str) and public in ("true", "false"):
                nic["AssociatePublicIpAddress"] = public == "true"
            elif isinstance(public, bool):
                nic["AssociatePublicIpAddress"] = public
            lt["NetworkInterfaces"].append(nic)
    name = inst.value("name")
    return {"LaunchTemplateId": inst.address,
            "LaunchTemplateName": name if isinstance(name, str) else inst.address,
            "VersionNumber": LAUNCH_TEMPLATE_VERSION, "DefaultVersion": True,
            "LaunchTemplateData": lt}
