"""IAM, read once per account: the roles and instance profiles compute environments name.

Each named role is read with ``iam:GetRole`` plus its attached managed policies
and the names of its inline policies; each instance profile with
``iam:GetInstanceProfile``, and its role like the others. A name IAM does not
know (``NoSuchEntity``) is simply absent, so the data is complete for what the
rules look up. A refusal makes the account's IAM data incomplete, with the
refused call as the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from batchlint.aws.collect import Gap, error_code, pages
from batchlint.aws.faults import AWS_FAULTS, describe_fault, reply_field
from batchlint.model import Json

VOLATILE_ROLE_FIELDS = ("RoleLastUsed",)  # changes with every use; would churn snapshots


@dataclass
class IamData:
    roles: dict[str, Json] = field(default_factory=dict)
    profiles: dict[str, Json] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "complete": not self.gaps,
            "roles": [self.roles[name] for name in sorted(self.roles)],
            "instanceProfiles": [self.profiles[name] for name in sorted(self.profiles)],
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
    return out


def _get(client: Any, operation: str, key: str, **params: Any) -> Json | None:
    from botocore.exceptions import ClientError

    try:
        result: Json = reply_field(client, operation, getattr(client, operation)(**params), key)
        return result
    except ClientError as exc:
        if error_code(exc) == "NoSuchEntity":
            return None
        raise
