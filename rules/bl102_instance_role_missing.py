"""BL102: the instance profile of an EC2/SPOT compute environment is missing or cannot work."""

from __future__ import annotations

from collections.abc import Iterator

from batchlint.facts import iam
from batchlint.facts.batch_roles import EKS_NODE_ROLE, INSTANCE_ROLE, role_issues, role_named
from batchlint.facts.compute import is_eks, is_managed_ec2, resources_of
from batchlint.model import Absent, Resource, Unknown
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell

SERVICE, POLICY_ARN = INSTANCE_ROLE.service, INSTANCE_ROLE.policy_arn
PATH = "computeResources.instanceRole"


class InstanceRoleMissing(Rule):
    """
    ## What it does
    Reports a managed EC2 or SPOT compute environment whose `instanceRole` is
    missing, is an IAM role ARN instead of an instance profile, is the name of a
    template's role whose name CloudFormation generates (`!Ref Role` without
    `RoleName`: no instance profile can have it), or names an instance profile that
    does not exist, holds no role, or whose role `ec2.amazonaws.com` may not assume
    or that lacks the
    `AmazonEC2ContainerServiceforEC2Role` managed policy while its other policies do
    not allow the ECS agent's calls (`ecs:RegisterContainerInstance`,
    `ecs:DiscoverPollEndpoint`, `ecs:Poll`, `ecs:StartTelemetrySession`,
    `ecs:SubmitContainerStateChange`, `ecs:SubmitTaskStateChange`) on `*`. What a
    `Condition`, `Deny`, `NotAction`/`NotResource`, an unreadable policy or one whose
    document is not in the data could change is not verified, and so is the name of
    a template's role that an instance profile made outside the template may have.
    The instances of an Amazon EKS compute environment are EKS nodes, which run
    kubelet and no ECS agent: their role must exist and trust `ec2.amazonaws.com`,
    and the ECS policy is not asked of it.

    ## Why is this bad?
    The ECS agent on each instance registers with the cluster using this role.
    Without it, instances launch but never join, and jobs sit in `RUNNABLE` with
    no error on the job. The role behind `ecsInstanceRole` is created by the
    console's first-run wizard, so accounts set up by other means often lack it.

    ## Example
    ```json
    {"computeEnvironmentName": "genomics-spot", "type": "MANAGED",
     "computeResources": {"type": "SPOT",
                          "instanceRole": "arn:aws:iam::123456789012:role/ecsInstanceRole"}}
    ```

    ## Use instead
    Name an instance profile whose role trusts `ec2.amazonaws.com` and has
    `arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role` attached:
    ```json
    {"computeEnvironmentName": "genomics-spot", "type": "MANAGED",
     "computeResources": {"type": "SPOT", "instanceRole":
        "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"}}
    ```

    ## References
    - [Amazon ECS instance role](https://docs.aws.amazon.com/batch/latest/userguide/instance_IAM_role.html)
    - [ComputeResource](https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html)
    - [AmazonEC2ContainerServiceforEC2Role](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2ContainerServiceforEC2Role.html)
    """

    id = "BL102"
    name = "instance-role-missing"
    summary = ("A managed EC2/SPOT compute environment's instance profile is missing, or its "
               "role is not assumable by EC2 or lacks AmazonEC2ContainerServiceforEC2Role.")
    severity = "error"
    kinds = ("compute-environment",)
    tags = ("reliability", "availability")
    precision = "high"

    def check(self, resource: Resource, ctx: Context) -> Iterator[Result]:
        ce = resource
        if not is_managed_ec2(ce):
            return
        ref = resources_of(ce).get("instanceRole")
        field = spell(ce, PATH)
        policies = "the Amazon EKS node policies (AmazonEKSWorkerNodePolicy, " \
            "AmazonEC2ContainerRegistryReadOnly)" if is_eks(ce) else POLICY_ARN
        fix = f"name an instance profile whose role trusts {SERVICE} with {policies} attached"
        if not ref or not isinstance(ref, str):
            yield self.finding(ce, f"compute environment `{ce.name}` has no {field}; {fix}",
                               "computeResources")
            return
        if iam.is_role_arn(ref):
            made_here = ref.startswith("arn:aws:iam:::")  # a template's or plan's own role
            example = "one holding that role" if made_here else \
                f"`{ref.replace(':role/', ':instance-profile/', 1)}`"
            what = f"the ARN of role `{ref.rsplit('/', 1)[-1]}`" if made_here else f"`{ref}`, " \
                "an IAM role ARN"
            yield self.finding(ce, f"compute environment `{ce.name}`: {field} is {what}, but "
                               "Batch needs an instance profile; give an instance profile's ARN "
                               f"(such as {example}) or name instead", PATH)
            return
        profile = iam.resolve_instance_profile(ctx.model, ref, ce.account)
        if isinstance(profile, Unknown):
            named = role_named(ctx.model, ref, ce.account, ce)  # `!Ref Role`: a role's name
            if named and named[0]:
                yield self.finding(ce, f"compute environment `{ce.name}`: {field} {named[1]}; "
                                   "give an instance profile's ARN (such as one holding that "
                                   "role) or name instead", PATH)
            else:
                yield self.not_verified(ce, f"{field} {named[1]}" if named else
                                        f"{field}: {profile.reason}")
            return
        if isinstance(profile, Absent):
            yield self.finding(ce, f"compute environment `{ce.name}`: instance profile `{ref}` "
                               f"does not exist: {profile.what}; {fix}", PATH)
            return
        role = iam.profile_role(ctx.model, profile)
        if role is None:
            yield self.finding(ce, f"compute environment `{ce.name}`: instance profile `{ref}` "
                               f"holds no role; add one to it that trusts {SERVICE} with "
                               f"{policies} attached", PATH)
            return
        need = INSTANCE_ROLE if policies == POLICY_ARN else EKS_NODE_ROLE  # no ECS agent
        for problem, text in role_issues(ctx.model, role, need):
            about = f"role `{iam.role_name(role)}` of instance profile `{profile.name}` {text}"
            yield (self.finding(ce, f"compute environment `{ce.name}`: {about}", PATH)
                   if problem else self.not_verified(ce, about))

