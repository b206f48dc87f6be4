"""Whether a role's identity policies allow an action on a resource: small and explicit.

Actions and resources match with ``*`` and ``?`` (actions regardless of case). Only
statements whose action could match count. An action that no ``Allow`` matches is
not allowed; one matched only by statements with a ``Condition``, or also by a
``Deny``, a ``NotAction`` or ``NotResource``, or under a permissions boundary, is not
verified, and so is every action of a role whose policies are not all in the data.
AWS managed policies are known by ARN; customer managed ones come from the model
(``get-account-authorization-details``' ``Policies``, their default version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

from batchlint import model as m
from batchlint.facts import stack_constants
from batchlint.facts.iam import _AWS_MANAGED_POLICY as _AWS_MANAGED
from batchlint.facts.iam import policy_document
from batchlint.facts.stack_constants import SYMBOLS_CLASS
from batchlint.model import Json, Model, Resource
from batchlint.unknowns import plain

_EXECUTION_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                      "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
                      "logs:CreateLogStream", "logs:PutLogEvents")
# AWS managed policies whose documents batchlint knows, by name
KNOWN_MANAGED: dict[str, Mapping[str, Json]] = {
    "AmazonECSTaskExecutionRolePolicy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": list(_EXECUTION_ACTIONS), "Resource": "*"}]},
    "AdministratorAccess": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]},
}
# AWS managed policies whose documents batchlint does not hold, by the services their
# actions belong to (and no Deny): they allow nothing of another service
KNOWN_SERVICES: dict[str, tuple[str, ...]] = {
    "AmazonS3ReadOnlyAccess": ("s3", "s3-object-lambda"),
    "AmazonS3FullAccess": ("s3", "s3-object-lambda"),
    "AmazonSSMManagedInstanceCore": ("ssm", "ssmmessages", "ec2messages"),
    "AmazonEC2ContainerRegistryReadOnly": ("ecr",),
}


@dataclass(frozen=True)
class Decision:
    """``allowed``: True, False, or None (not verified, ``reason`` says why)."""

    allowed: bool | None
    reason: str = ""


@dataclass(frozen=True)
class Policies:
    """A role's readable policy documents, and why the set is incomplete (if it is)."""

    documents: tuple[tuple[str, Mapping[str, Json]], ...]  # (policy name, document)
    gaps: tuple[str, ...]  # each says which policy is not in the data, or not readable
    boundary: str | None  # the permissions boundary's ARN, when the role has one
    scoped: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, services): KNOWN_SERVICES


def role_policies(model: Model, role: Resource | Mapping[str, Json]) -> Policies:
    """The role's inline and attached policy documents (default version of managed ones)."""
    data = role.data if isinstance(role, Resource) else role
    docs: list[tuple[str, Mapping[str, Json]]] = []
    gaps: list[str] = []
    scoped: list[tuple[str, tuple[str, ...]]] = []
    inline = data.get("RolePolicyList")
    if not isinstance(inline, list):
        gaps.append("its inline policies are not in the data given "
                    "(iam get-account-authorization-details)")
    for item in inline if isinstance(inline, list) else []:
        # a name grants nothing: one not known before deployment is read as written
        name = _text(plain(item).get("PolicyName") if isinstance(item, Mapping) else None)
        doc = policy_document(item.get("PolicyDocument")) if isinstance(item, Mapping) else None
        if doc is None:
            refused = _refused(model, data, role)
            gaps.append(f"its inline policy `{name}` was not read: {refused}" if refused else
                        f"its inline policy `{name}` has no readable policy document")
        else:
            docs.append((name, doc))
    attached = data.get("AttachedManagedPolicies")
    if not isinstance(attached, list):
        gaps.append("its attached managed policies are not in the data given")
    for item in attached if isinstance(attached, list) else []:
        arn = item.get("PolicyArn") if isinstance(item, Mapping) else None
        name, doc, gap = _managed(model, arn if isinstance(arn, str) else None,
                                  _refused(model, data, role))
        if doc is not None:
            docs.append((name, doc))
        elif gap and name in KNOWN_SERVICES and _AWS_MANAGED.match(str(arn)):
            scoped.append((name, KNOWN_SERVICES[name]))
        elif gap:
            gaps.append(gap)
    boundary = data.get("PermissionsBoundary")
    boundary_arn = (_text(boundary.get("PermissionsBoundaryArn"))
                    if isinstance(boundary, Mapping) else None)
    return Policies(tuple(docs), tuple(gaps), boundary_arn, tuple(scoped))


def knows_document(arn: str) -> bool:
    """Whether ``arn`` is an AWS managed policy whose document batchlint knows."""
    aws = _AWS_MANAGED.match(arn)
    return aws is not None and aws.group(1) in KNOWN_MANAGED


def _managed(model: Model, arn: str | None,
             refused: str | None) -> tuple[str, Mapping[str, Json] | None, str]:
    if arn is None:
        return "(unnamed)", None, "an attached managed policy has no PolicyArn"
    aws = _AWS_MANAGED.match(arn)
    name = aws.group(1) if aws else arn.rsplit("/", 1)[-1]
    known = KNOWN_MANAGED.get(name) if aws else None
    if known is not None:
        return name, known, ""
    policy = model.find(m.IAM_POLICY, arn)
    if policy is None:
        what = f"the AWS managed policy {name}" if aws else f"the customer managed policy {arn}"
        why = (f"it was not read: {refused}" if refused else
               "batchlint does not know its document" if aws else
               "its document is not in the data given (iam get-account-authorization-details)")
        return name, None, f"{what} is attached, and {why}"
    doc = default_version(policy.data)
    return name, doc, "" if doc else f"the managed policy {arn} has no readable default version"


def _refused(model: Model, data: Mapping[str, Json],
             role: Resource | Mapping[str, Json]) -> str | None:
    """Why the account's policy documents were not read (a live scan's refused call)."""
    account = role.account if isinstance(role, Resource) else None
    if account is None:
        arn = data.get("Arn")
        account = m.parse_arn(arn)[2] if isinstance(arn, str) else None
    return model.unavailable.get((m.IAM_POLICIES, account, None)) if account else None


def default_version(policy: Mapping[str, Json]) -> Mapping[str, Json] | None:
    """The document of a managed policy's default version, from its ``PolicyVersionList``."""
    versions = policy.get("PolicyVersionList")
    default = policy.get("DefaultVersionId")
    for version in versions if isinstance(versions, list) else []:
        if isinstance(version, Mapping) and (
                version.get("IsDefaultVersion") is True or
                (default is not None and version.get("VersionId") == default)):
            return policy_document(version.get("Document"))
    return None


def decide(policies: Policies, action: str, resources: Iterable[str] = ()) -> Decision:
    """Whether ``action`` is allowed on the resource, spelled by any of ``resources``.

    No ``resources``: on whatever resources the service picks (a service or instance
    role), which only ``"Resource": "*"`` is known to cover.
    """
    spellings = tuple(resources)
    allowed = unsure = False
    why: list[str] = []
    for name, doc in policies.documents:
        statements = _statements(doc)
        if statements is None:
            return Decision(None, f"policy `{name}` has no readable Statement list")
        readable = [st for st in statements if isinstance(st, Mapping) and _well_formed(st)]
        if len(readable) != len(statements):
            return Decision(None, f"a statement of policy `{name}` has an unexpected shape")
        for st in readable:
            verdict = _statement(st, action, spellings)
            if verdict == "allow":
                allowed = True
            elif verdict:
                unsure = True
                why.append(f"policy `{name}` {verdict}")
    service = action.split(":", 1)[0].lower()
    for name, services in policies.scoped:
        if service in services:
            unsure = True
            why.append(f"the AWS managed policy {name}, whose document batchlint does not "
                       f"know, may allow {service} actions")
    if policies.gaps:
        return Decision(None, "; ".join(policies.gaps))
    if not allowed and not unsure:
        return Decision(False)
    if unsure:
        return Decision(None, "; ".join(dict.fromkeys(why)))
    if policies.boundary:
        return Decision(None, f"the role has the permissions boundary {policies.boundary}, "
                              "which batchlint does not evaluate")
    return Decision(True)


def _statements(doc: Mapping[str, Json]) -> list[Json] | None:
    statements = doc.get("Statement")
    if isinstance(statements, Mapping):
        return [statements]
    return statements if isinstance(statements, list) else None


def _well_formed(st: Mapping[str, Json]) -> bool:
    """An Effect, Action or NotAction, Resource or NotResource: each of a readable shape.

    A statement of another shape is no policy IAM accepts: the whole answer is not
    verified, even for actions it does not name.
    """
    shape = plain(st)  # its shape only: a value not known is read where the action needs it
    if shape.get("Effect") not in ("Allow", "Deny"):
        st.get("Effect")  # read as a check's read: an effect not known says so
        return False
    for keys in (("Action", "NotAction"), ("Resource", "NotResource")):
        present = [key for key in keys if key in shape]
        if len(present) != 1 or _patterns(shape[present[0]]) is None:
            return False
    return True


def _statement(st: Mapping[str, Json], action: str, spellings: tuple[str, ...]) -> str:
    """"" (does not count), "allow", or why it makes the answer unsure (well formed ``st``)."""
    effect = st["Effect"]
    if "NotAction" in st:
        if any(_matches(p, action, True) for p in _patterns(st["NotAction"]) or ()):
            return ""
        return f"has a {effect} statement with NotAction"
    if not any(_matches(p, action, True) for p in _patterns(st["Action"]) or ()):
        return ""
    if "NotResource" in st:
        return f"has a {effect} statement with NotResource"
    targets = _patterns(stack_constants.read(st, "Resource")) or []
    if not spellings and "*" not in targets:  # the service picks the resources
        return f"names only some resources in an {effect} statement"
    if spellings and not any(_matches(p, r, False) for p in targets for r in spellings):
        # a policy variable, or a template's value known only at deployment
        if any("${" in p for p in targets):
            return "names resources with ${…} that may match"
        if any(_could_match(p, r) for p in targets for r in spellings):
            return ("names resources that may match once the stack's region and account "
                    "are known")
        return ""
    if effect == "Deny":
        return "denies it in a statement"
    if "Condition" in st:
        return "allows it only under a Condition"
    return "allow"


def _patterns(value: Json) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if isinstance(v, str)]
    return None


def _matches(pattern: str, value: str, ignore_case: bool) -> bool:
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


def _could_match(pattern: str, value: str) -> bool:
    """Whether ``pattern`` matches ``value`` for some values of the stack constants in
    either (stack_constants' symbols, each taken as any text, as ``*``)."""
    if not any(map(stack_constants.has_symbols, (pattern, value))):
        return False
    wild = stack_constants.has_symbols

    @cache
    def meet(i: int, j: int) -> bool:  # do pattern[i:] and value[j:] match some text alike?
        p, v = pattern[i:i + 1], value[j:j + 1]
        if not p and not v:
            return True
        if p == "*":
            return meet(i + 1, j) or (bool(v) and meet(i, j + 1))
        if wild(p):  # a region, account ID or stack name: letters, digits and hyphens
            return meet(i + 1, j) or (bool(v) and _in_name(v) and meet(i, j + 1))
        if wild(v):
            return meet(i, j + 1) or (bool(p) and (p == "?" or _in_name(p)) and meet(i + 1, j))
        return bool(p and v) and (p == "?" or p == v) and meet(i + 1, j + 1)

    return meet(0, 0)


def _in_name(char: str) -> bool:
    return (char.isascii() and (char.isalnum() or char == "-")) or stack_constants.has_symbols(char)


@lru_cache(maxsize=1024)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    # ``?`` is one character: never a whole stack constant (stack_constants)
    text = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", f"(?!{SYMBOLS_CLASS}).")
    return re.compile(text, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _text(value: Json) -> str:
    return value if isinstance(value, str) and value else "(unnamed)"
