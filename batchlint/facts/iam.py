"""IAM facts that several rules share: trust policies, attached policies, references.

Roles and instance profiles keep the shape IAM returns (``get-role``,
``get-instance-profile``, ``get-account-authorization-details``). Answers that
depend on data that was not collected are None (or :class:`Unknown`), never a
guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Literal
from urllib.parse import unquote

from batchlint import model as m
from batchlint.model import Absent, Json, Lookup, Model, Resource, parse_arn

PolicyState = Literal["attached", "missing", "not-collected"]

_AWS_MANAGED_POLICY = re.compile(r"^arn:[a-z0-9-]+:iam::aws:policy/(?:.*/)?([^/]+)$")


def policy_document(value: Json) -> Mapping[str, Json] | None:
    """A policy document given as an object, a JSON string or a URL-encoded JSON string."""
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        return None
    for text in (value, unquote(value)):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            continue
        if isinstance(doc, Mapping):
            return doc
    return None


def _strings(value: Json) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _allows_assume(statement: Mapping[str, Json]) -> bool:
    return any(fnmatchcase("sts:assumerole", a.lower()) for a in _strings(statement.get("Action")))


def _names_service(principal: Json, services: Iterable[str]) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    if "*" in _strings(principal.get("AWS")):
        return True
    return any(s in services for s in _strings(principal.get("Service")))


def trusts(role: Resource | Mapping[str, Json], service: str) -> bool | None:
    """Whether the role's trust policy lets ``service`` (``batch.amazonaws.com``) assume it.

    None when the trust policy is not in the data or cannot be read, or when only
    statements this check cannot evaluate (NotPrincipal, NotAction) could allow it.
    """
    data = role.data if isinstance(role, Resource) else role
    doc = policy_document(data.get("AssumeRolePolicyDocument"))
    if doc is None:
        return None
    services = (service, f"{service}.cn")  # China regions' principals end in .com.cn
    statements = doc.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    allowed, unsure = False, False
    for st in statements if isinstance(statements, list) else []:
        if not isinstance(st, Mapping):
            continue
        if "NotPrincipal" in st or "NotAction" in st:
            unsure = unsure or st.get("Effect") == "Allow"
            continue
        if not (_allows_assume(st) and _names_service(st.get("Principal"), services)):
            continue
        if st.get("Effect") == "Deny" and "Condition" not in st:
            return False
        allowed = allowed or st.get("Effect") == "Allow"
    return True if allowed else (None if unsure else False)


def managed_policy(role: Resource | Mapping[str, Json], policy_name: str) -> PolicyState:
    """Whether the AWS managed policy ``policy_name`` is attached (in any partition).

    ``AdministratorAccess`` grants everything, so it counts as attached too;
    ``not-collected`` when the attached policies are not in the data.
    """
    data = role.data if isinstance(role, Resource) else role
    attached = data.get("AttachedManagedPolicies")
    if not isinstance(attached, list):
        return "not-collected"
    for policy in attached:
        if not isinstance(policy, Mapping):
            continue
        arn = policy.get("PolicyArn")
        match = _AWS_MANAGED_POLICY.match(arn) if isinstance(arn, str) else None
        if match and match.group(1) in (policy_name, "AdministratorAccess"):
            return "attached"
        if arn is None and policy.get("PolicyName") == policy_name:
            return "attached"
    return "missing"


def is_role_arn(ref: str) -> bool:
    service, _, _ = parse_arn(ref)
    return service == "iam" and ref.split(":", 5)[-1].startswith("role/")


def _split(ref: str, prefix: str) -> tuple[str | None, str, str | None]:
    """(account, name, path) of a name, a path/name or an ARN; path None when not given."""
    account, is_arn = None, ref.startswith("arn:")
    if is_arn:
        account, resource = parse_arn(ref)[2], ref.split(":", 5)[-1]
        if not resource.startswith(prefix):  # another kind of ARN: matches nothing
            return account, resource, "/"
        ref = resource.removeprefix(prefix)
    if "/" not in ref.strip("/"):
        return account, ref.strip("/"), "/" if is_arn else None
    path, _, name = ref.strip("/").rpartition("/")
    return account, name, f"/{path}/"


def _path(res: Resource, prefix: str) -> str | None:
    path = res.data.get("Path")
    if isinstance(path, str):
        return path
    if res.arn is None:
        return None
    return _split(res.arn, prefix)[2] or "/"


def _resolve(model: Model, kind: str, prefix: str, ref: str, account: str | None,
             bare_name_is_root: bool) -> Lookup:
    """Once per model and reference: every job definition of a region names the same few
    roles."""
    return model.cached(f"iam:{kind}:{account}:{bare_name_is_root}:{ref}", lambda: _lookup(
        model, kind, prefix, ref, account, bare_name_is_root))


def _lookup(model: Model, kind: str, prefix: str, ref: str, account: str | None,
            bare_name_is_root: bool) -> Lookup:
    arn_account, name, path = _split(ref, prefix)
    account = arn_account or account
    found = model.find(kind, ref, account) or model.find(kind, name, account)
    if path is None and bare_name_is_root:
        path = "/"
    if found is None:
        result = model.missing(m.IAM, account, None, f"{kind} `{ref}`")
        if isinstance(result, Absent):
            return Absent(f"it is not in the complete IAM data of account {account}")
        return result
    actual = _path(found, prefix)
    if path is not None and actual is not None and actual != path:
        # names are unique in an account, so no other one can match the path
        return Absent(f"it is read as path {path}, but `{name}` is at path {actual}")
    return found


def resolve_role(model: Model, ref: str, account: str | None,
                 bare_name_is_root: bool = False) -> Lookup:
    """The role named by ``ref``: a name, a path/name or an ARN.

    ``bare_name_is_root`` when the service reads a bare name as a role at path ``/``
    (Batch's ``serviceRole``), so a role of that name at another path does not match.
    """
    return _resolve(model, m.IAM_ROLE, "role/", ref, account, bare_name_is_root)


def resolve_instance_profile(model: Model, ref: str, account: str | None) -> Lookup:
    """The instance profile named by ``ref``: a name or an ARN."""
    return _resolve(model, m.INSTANCE_PROFILE, "instance-profile/", ref, account, False)


def profile_role(model: Model, profile: Resource) -> Resource | Mapping[str, Json] | None:
    """The role in an instance profile, with everything the data holds about it."""
    listed = profile.data.get("Roles")
    roles = [r for r in listed if isinstance(r, Mapping)] if isinstance(listed, list) else []
    if not roles:
        return None
    role = roles[0]
    for key in (role.get("Arn"), role.get("RoleName")):
        if isinstance(key, str):
            found = model.find(m.IAM_ROLE, key, profile.account)
            if found is not None:
                return found
    return role


def role_name(role: Resource | Mapping[str, Json]) -> str:
    if isinstance(role, Resource):
        return role.name
    name = role.get("RoleName")
    return name if isinstance(name, str) else "(unnamed)"
