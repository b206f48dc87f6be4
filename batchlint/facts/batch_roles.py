"""What Batch's service role and the ECS instance role must carry (BL101, BL102).

A role is fit when the service may assume it and either its AWS managed policy is
attached (``AdministratorAccess`` counts too) or its other policies, read by
:mod:`iam_eval`, allow the actions the service calls with it, on ``*`` (the service
picks the resources). Batch creates an ECS cluster for every compute environment and
reads the subnets and security groups of a managed one; the ECS agent registers the
instance and reports its tasks (AmazonEC2ContainerServiceforEC2Role's ``ecs``
actions). What the evaluator cannot decide is not verified, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint import model as m
from batchlint.facts.iam import managed_policy, trusts
from batchlint.facts.iam_eval import decide, role_policies
from batchlint.model import Json, Model, Resource
from batchlint.syntax import API, CLOUDFORMATION, TERRAFORM, Written, pick, quoted


@dataclass(frozen=True)
class RoleNeed:
    """Who assumes the role, its AWS managed policy, and the actions it is used for."""

    service: str
    policy_arn: str
    actions: tuple[str, ...]

    @property
    def policy(self) -> str:
        return self.policy_arn.rsplit("/", 1)[-1]


SERVICE_ROLE = RoleNeed("batch.amazonaws.com",
                        "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole",
                        ("ecs:CreateCluster",))
MANAGED_SERVICE_ROLE = RoleNeed(SERVICE_ROLE.service, SERVICE_ROLE.policy_arn,
                                (*SERVICE_ROLE.actions, "ec2:DescribeSubnets",
                                 "ec2:DescribeSecurityGroups"))
INSTANCE_ROLE = RoleNeed(
    "ec2.amazonaws.com",
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ("ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll",
     "ecs:StartTelemetrySession", "ecs:SubmitContainerStateChange",
     "ecs:SubmitTaskStateChange"))

# An EKS compute environment's instances are EKS nodes: they run kubelet, not the ECS agent,
# and need the EKS node role's policies (AmazonEKSWorkerNodePolicy, ECR read), not the ECS
# one. Only that EC2 may assume the role is checked for them.
EKS_NODE_ROLE = RoleNeed("ec2.amazonaws.com", "", ())


def role_issues(model: Model, role: Resource | Mapping[str, Json],
                need: RoleNeed) -> list[tuple[bool, str]]:
    """What is wrong with ``role`` for ``need``: (True, a finding) or (False, why not verified).

    The text follows the role's name ("role `x` …").
    """
    issues: list[tuple[bool, str]] = []
    trust = trusts(role, need.service)
    if trust is False:
        issues.append((True, f"is not assumable by `{need.service}`: add it as a Service "
                             "principal allowed sts:AssumeRole in the role's trust policy"))
    elif trust is None:
        issues.append((False, "has no readable trust policy in the data given, so whether "
                              f"`{need.service}` may assume it is not checked"))
    if not need.policy_arn:  # trust only (EKS_NODE_ROLE)
        return issues
    state = managed_policy(role, need.policy)
    if state == "not-collected":
        issues.append((False, "has no list of attached managed policies in the data given "
                              f"(iam list-attached-role-policies), so {need.policy} is not "
                              "checked"))
    elif state != "attached":
        issues.extend(_other_policies(model, role, need))
    return issues


def _other_policies(model: Model, role: Resource | Mapping[str, Json],
                    need: RoleNeed) -> list[tuple[bool, str]]:
    """Whether the role's other policies grant what the missing managed policy would."""
    policies = role_policies(model, role)
    decisions = {action: decide(policies, action) for action in need.actions}
    if any(d.allowed is False for d in decisions.values()):
        return [(True, f"lacks the managed policy {need.policy}; attach {need.policy_arn}")]
    unsure = {a: d.reason for a, d in decisions.items() if d.allowed is None}
    if not unsure:
        return []
    reasons = "; ".join(dict.fromkeys(unsure.values()))
    return [(False, f"lacks {need.policy}, and whether its other policies allow "
                    f"{', '.join(unsure)} is not known ({reasons})")]


def role_named(model: Model, ref: str, account: str | None,
               ce: Resource) -> tuple[bool, str] | None:
    """When ``ref``, which Batch reads as an instance profile's name, is the name of a role
    of the template or configuration (``InstanceRole: !Ref Role``) that no instance profile
    of it has: (True, why no instance profile can have that name) when the role's name is
    generated (a name nothing outside the stack can know), else (False, which instance
    profile must have it). None: ``ref`` names no role of the template.

    IAM creates no instance profile for a role (only the console does), so the name of a
    role is an instance profile's only if one is created with that name. The text follows
    the field's name.
    """
    where = model.iac_words
    role = model.find(m.IAM_ROLE, ref, account) if where else None
    if role is None:
        return None
    name = role.name
    what = pick(ce, {CLOUDFORMATION: f"`!Ref {name}`", TERRAFORM: f"`{name}.name`",
                     API: f"`{ref}`"}) if ref.lower() == name.lower() else f"`{ref}`"
    given = next((a for a in role.aliases if a.lower() != ref.lower()), None)
    what += f", the name of role `{name}`" + (f" (`{given}`)" if given else "")
    maybe = [p.name for p in model.of_kind(m.INSTANCE_PROFILE) if _name_unknown(p)]
    if isinstance(name, Written) and not maybe:  # none made outside the stack can have it
        return True, (f"is {what}, but Batch needs an instance profile, and none can have "
                      f"that name: it is {name.words}, and the {where} creates no instance "
                      "profile of that name")
    ours = (f"the {where}'s instance profile {quoted(maybe)}, whose name is not known before "
            "deployment, has it" if len(maybe) == 1 else f"one of the {where}'s instance "
            f"profiles {quoted(maybe, 3)}, whose names are not known before deployment, has it")
    works = ours if isinstance(name, Written) else (
        f"an instance profile of that name exists outside this {where}"
        + (f", or {ours}" if maybe else ", which creates none of that name"))
    return False, f"is {what}, where Batch needs an instance profile: it works only if {works}"


def _name_unknown(profile: Resource) -> bool:
    """Whether a template's (configuration's) instance profile may have any name: a name
    with a part known only at deployment (IAM names never hold `$`: a `${…}` is one); in
    Terraform, where such a name is no alias, any profile without a known name."""
    if profile.origin.source == TERRAFORM:
        return not profile.aliases
    return any("${" in alias for alias in profile.aliases)
