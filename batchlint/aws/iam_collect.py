"""IAM, read once per account: the roles and instance profiles compute environments and
job definitions name, with their policies' documents.

Each named role is read with ``iam:GetRole`` plus its attached managed policies
and its inline policies (``iam:GetRolePolicy``); each instance profile with
``iam:GetInstanceProfile``, and its role like the others. Each attached managed
policy is read once (``iam:GetPolicy``, then ``iam:GetPolicyVersion`` for its
default version), except the AWS managed policies whose documents batchlint
knows. A name IAM does not know (``NoSuchEntity``) is simply absent, so the data
is complete for what the rules look up. A refusal to read roles makes the
account's IAM data incomplete, with the refused call as the reason; a refusal to
read policy documents leaves the roles complete and the documents out
(``iam-policies`` in ``notCollected``), and that call is not made again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from batchlint.aws.collect import Gap, call_name, error_code, pages
from batchlint.aws.faults import AWS_FAULTS, describe_fault, reply_field
from batchlint.facts.iam_eval import knows_document
from batchlint.model import Json

VOLATILE_ROLE_FIELDS = ("RoleLastUsed",)  # changes with every use; would churn snapshots
# change when other roles attach the policy, not with the policy
VOLATILE_POLICY_FIELDS = ("AttachmentCount", "PermissionsBoundaryUsageCount")


@dataclass
class IamData:
    roles: dict[str, Json] = field(default_factory=dict)
    profiles: dict[str, Json] = field(default_factory=dict)
    policies: dict[str, Json] = field(default_factory=dict)  # ARN -> policy with its version
    gaps: list[Gap] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "complete": not any(gap.dataset == "iam" for gap in self.gaps),
            "roles": [self.roles[name] for name in sorted(self.roles)],
            "instanceProfiles": [self.profiles[name] for name in sorted(self.profiles)],
            "policies": [self.policies[arn] for arn in sorted(self.policies)],
        }


def collect_iam(session: Any, role_names: Iterable[str], profile_names: Iterable[str]) -> IamData:
    from botocore.exceptions import ClientError

    from batchlint.aws.session import client_config

    iam = session.client("iam", config=client_config())
    out = IamData()
    try:
        for name in sorted(profile_names):
            profile = _get(iam, "get_instance_profile", "InstanceProfile",
                           InstanceProfileName=name)
            if profile is not None:
                for role in profile.get("Roles", []):
                    for volatile in VOLATILE_ROLE_FIELDS:
                        role.pop(volatile, None)
                out.profiles[name] = profile
                role_names = {*role_names, *(r["RoleName"] for r in profile.get("Roles", []))}
        for name in sorted(set(role_names)):
            role = _get(iam, "get_role", "Role", RoleName=name)
            if role is None:
                continue
            for volatile in VOLATILE_ROLE_FIELDS:
                role.pop(volatile, None)
            role["AttachedManagedPolicies"] = pages(
                iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name)
            role["RolePolicyList"] = [{"PolicyName": policy} for policy in pages(
                iam, "list_role_policies", "PolicyNames", RoleName=name)]
            out.roles[name] = role
    except ClientError as exc:
        out.gaps.append(Gap("iam", None, f"{error_code(exc) or 'error'} on "
                                         f"iam:{exc.operation_name}"))
    except AWS_FAULTS as exc:
        out.gaps.append(Gap("iam", None, describe_fault(exc, "iam")))
    _Documents(iam, out).read()
    return out


class _Documents:
    """The policy documents of the roles read: each call refused once is not made again."""

    def __init__(self, iam: Any, out: IamData):
        self.iam = iam
        self.out = out
        self.refused: dict[str, str] = {}  # operation -> why

    def read(self) -> None:
        for name, role in sorted(self.out.roles.items()):
            for item in role["RolePolicyList"]:
                document = self._call("get_role_policy", "PolicyDocument", RoleName=name,
                                      PolicyName=item["PolicyName"])
                if document is not None:
                    item["PolicyDocument"] = document
        arns = {p.get("PolicyArn") for role in self.out.roles.values()
                for p in role["AttachedManagedPolicies"]}
        for arn in sorted(a for a in arns if isinstance(a, str) and not knows_document(a)):
            policy = self._call("get_policy", "Policy", PolicyArn=arn)
            if policy is None:
                continue
            version = self._call("get_policy_version", "PolicyVersion", PolicyArn=arn,
                                 VersionId=policy.get("DefaultVersionId"))
            if version is not None:
                for volatile in VOLATILE_POLICY_FIELDS:
                    policy.pop(volatile, None)
                self.out.policies[arn] = {**policy, "PolicyVersionList": [version]}
        if self.refused:
            self.out.gaps.append(Gap("iam-policies", None, "; ".join(self.refused.values())))

    def _call(self, operation: str, key: str, **params: Any) -> Json | None:
        """The reply's ``key``; None when the entity is gone or the call is refused."""
        from botocore.exceptions import ClientError

        if operation in self.refused:
            return None
        try:
            return _get(self.iam, operation, key, **params)
        except ClientError as exc:
            self.refused[operation] = (f"{error_code(exc) or 'error'} on "
                                       f"{call_name(self.iam, operation)}")
        except AWS_FAULTS as exc:
            self.refused[operation] = describe_fault(exc, call_name(self.iam, operation))
        return None


def _get(client: Any, operation: str, key: str, **params: Any) -> Json | None:
    from botocore.exceptions import ClientError

    try:
        result: Json = reply_field(client, operation, getattr(client, operation)(**params), key)
        return result
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise
