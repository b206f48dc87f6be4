"""A template's ``AWS::IAM::Role`` as ``iam get-role`` shows it, with its policies' documents.

A role's own ``Policies`` and the ``AWS::IAM::Policy`` / ``ManagedPolicy`` resources whose
``Roles`` name it are kept with their documents (as IAM evaluates them, like inline
ones), and so is an ``AWS::IAM::ManagedPolicy`` of the template that its
``ManagedPolicyArns`` reference (``!Ref Policy``, ``!GetAtt Policy.PolicyArn``); any
other entry of ``ManagedPolicyArns`` stays an ARN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from batchlint.loaders.cfn_intrinsics import INSTANCE_PROFILE, Resolver
from batchlint.loaders.cfn_settle import field_name
from batchlint.model import Json, Pointer
from batchlint.syntax import Written

SYNTHETIC_ACCOUNT = ""  # ARNs built for template roles carry no account
MANAGED_POLICY = "AWS::IAM::ManagedPolicy"
_POLICY_TYPES = ("AWS::IAM::Policy", MANAGED_POLICY)


def role(resolver: Resolver, logical_id: str) -> dict[str, Json]:
    """An ``AWS::IAM::Role`` as ``iam get-role`` plus its attached and inline policies."""
    resource = resolver.resources.get(logical_id)
    raw = resource.get("Properties") if isinstance(resource, Mapping) else None
    props = resolver.resolve(raw) if isinstance(raw, Mapping) else {}
    arns = props.get("ManagedPolicyArns") or []
    arns = arns if isinstance(arns, list) else [arns]
    written = raw.get("ManagedPolicyArns") if isinstance(raw, Mapping) else None
    local = _template_policies(resolver, written)
    if local:  # the template's managed policies, by their document; the others by ARN
        others = [a for a in written if _policy_ref(resolver, a) is None] \
            if isinstance(written, list) else []
        arns = resolver.resolve(others) or []
    return {
        # named by its logical ID, as a `Ref` names it; without RoleName CloudFormation
        # generates its name, which nothing outside the stack can know
        "RoleName": logical_id if props.get("RoleName") is not None else Written(
            logical_id, "a name CloudFormation generates when it creates the role"),
        "Path": iam_path(props.get("Path")),
        "Arn": iam_arn(resolver.resources, logical_id),
        "AssumeRolePolicyDocument": props.get("AssumeRolePolicyDocument") or {},
        "AttachedManagedPolicies": [
            {"PolicyArn": a, "PolicyName": a.rsplit("/", 1)[-1] if isinstance(a, str) else a}
            for a in arns],
        "RolePolicyList": [
            *({"PolicyName": p.get("PolicyName"), "PolicyDocument": p.get("PolicyDocument")}
              for p in props.get("Policies") or [] if isinstance(p, Mapping)),
            *local,
            *_attached_policies(resolver, logical_id, props.get("RoleName"))],
    }


def spelling(resolver: Resolver, logical_id: str) -> Callable[[Pointer], str]:
    """How the template spells a path of the role :func:`role` makes: its own
    ``Policies[1].PolicyDocument…`` and ``ManagedPolicyArns[0]``, and a policy resource's
    document as ``ReadS3.PolicyDocument…``."""
    def spell(path: Pointer) -> str:
        head, at, rest = (path[0], path[1], path[2:]) if len(path) > 1 else ("", None, ())
        resource = resolver.resources.get(logical_id)
        raw = resource.get("Properties") if isinstance(resource, Mapping) else None
        raw = raw if isinstance(raw, Mapping) else {}
        if head == "RolePolicyList" and isinstance(at, int):
            own = resolver.resolve(raw.get("Policies")) or []
            own = [p for p in own if isinstance(p, Mapping)] if isinstance(own, list) else []
            if at < len(own):
                return field_name(("Policies", at, *rest))
            policies = role(resolver, logical_id)["RolePolicyList"]
            entry = policies[at] if isinstance(policies, list) and at < len(policies) else {}
            name = entry.get("PolicyName") if isinstance(entry, Mapping) else None
            return f"{name}.{field_name(rest)}" if isinstance(name, str) else field_name(path)
        if head == "AttachedManagedPolicies" and isinstance(at, int):
            written = raw.get("ManagedPolicyArns")
            kept = [i for i, a in enumerate(written) if _policy_ref(resolver, a) is None] \
                if isinstance(written, list) else []
            return f"ManagedPolicyArns[{kept[at] if at < len(kept) else at}]"
        return field_name(path)
    return spell


def _policy_ref(resolver: Resolver, value: Json) -> str | None:
    """The logical ID of the template's managed policy that ``value`` references."""
    target: Json = None
    if isinstance(value, Mapping) and len(value) == 1:
        if "Ref" in value:
            target = value["Ref"]
        elif "Fn::GetAtt" in value:
            att = value["Fn::GetAtt"]
            parts = att.split(".", 1) if isinstance(att, str) else att
            if isinstance(parts, list) and len(parts) == 2 and parts[1] == "PolicyArn":
                target = parts[0]
    resource = resolver.resources.get(target) if isinstance(target, str) else None
    if isinstance(resource, Mapping) and resource.get("Type") == MANAGED_POLICY:
        return str(target)
    return None


def _template_policies(resolver: Resolver, written: Json) -> list[dict[str, Json]]:
    found = []
    for item in written if isinstance(written, list) else []:
        logical_id = _policy_ref(resolver, item)
        if logical_id is not None:
            found.append(_document(resolver, logical_id))
    return found


def _document(resolver: Resolver, logical_id: str) -> dict[str, Json]:
    resource = resolver.resources[logical_id]
    props = resource.get("Properties") if isinstance(resource, Mapping) else None
    doc = props.get("PolicyDocument") if isinstance(props, Mapping) else None
    return {"PolicyName": logical_id, "PolicyDocument": resolver.resolve(doc)}


def _attached_policies(resolver: Resolver, role_id: str,
                       role_name: Json) -> list[dict[str, Json]]:
    """``AWS::IAM::Policy`` and ``ManagedPolicy`` resources whose ``Roles`` name the role
    (or may: one whose ``Roles`` is not a plain list of names is kept without document)."""
    found: list[dict[str, Json]] = []
    for logical_id, resource in resolver.resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") not in _POLICY_TYPES:
            continue
        props = resource.get("Properties")
        roles = props.get("Roles") if isinstance(props, Mapping) else None
        if roles is None:
            continue
        names = [r.get("Ref") if isinstance(r, Mapping) and len(r) == 1 else r
                 for r in (roles if isinstance(roles, list) else [roles])]
        if role_id in names or (role_name is not None and role_name in names):
            found.append(_document(resolver, logical_id))
        elif not all(isinstance(n, str) for n in names):
            found.append({"PolicyName": logical_id})  # may attach to it: not readable here
    return found


def iam_path(value: Json) -> str:
    return value if isinstance(value, str) and value.startswith("/") else "/"


def iam_arn(resources: Mapping[str, Json], logical_id: str) -> str:
    """The ARN a template role or instance profile gets (``!GetAtt X.Arn``), by logical ID."""
    resource = resources.get(logical_id)
    props = resource.get("Properties") if isinstance(resource, Mapping) else None
    path = iam_path(props.get("Path") if isinstance(props, Mapping) else None)
    kind = "instance-profile" if isinstance(resource, Mapping) and \
        resource.get("Type") == INSTANCE_PROFILE else "role"
    return f"arn:aws:iam::{SYNTHETIC_ACCOUNT}:{kind}{path}{logical_id}"
