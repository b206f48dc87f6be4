"""BL101: the compute environment's service role does not exist or cannot work."""

from __future__ import annotations

from collections.abc import Iterator

from batchlint.facts import iam, stack_constants
from batchlint.facts.batch_roles import MANAGED_SERVICE_ROLE, SERVICE_ROLE, role_issues
from batchlint.facts.compute import is_managed
from batchlint.facts.stack_constants import shown
from batchlint.model import Absent, Resource, Unknown
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell

SERVICE, POLICY_ARN = SERVICE_ROLE.service, SERVICE_ROLE.policy_arn
SERVICE_LINKED_ROLE = "AWSServiceRoleForBatch"


class ServiceRoleMissing(Rule):
    """
    ## What it does
    Reports a compute environment whose `serviceRole` names a role that does not
    exist, that `batch.amazonaws.com` may not assume, or that lacks the
    `AWSBatchServiceRole` managed policy while its other policies do not allow
    `ecs:CreateCluster` (and, for a managed environment, `ec2:DescribeSubnets` and
    `ec2:DescribeSecurityGroups`) on `*`. Without a `serviceRole`, Batch uses the
    service-linked role `AWSServiceRoleForBatch`, which must then exist; an
    `UNMANAGED` environment always needs a `serviceRole`.

    ## Why is this bad?
    Batch calls EC2, Auto Scaling and ECS through this role. When it cannot
    assume the role or lacks the permissions, the environment turns `INVALID`
    ("CLIENT_ERROR - Not authorized to perform sts:AssumeRole") or never scales,
    and jobs stay `RUNNABLE`. A bare role name is read as a role at path `/`, so
    `AWSBatchServiceRole` does not find the console's
    `service-role/AWSBatchServiceRole`.

    ## Example
    ```json
    {"computeEnvironmentName": "genomics", "type": "MANAGED",
     "serviceRole": "AWSBatchServiceRole"}
    ```

    ## Use instead
    Omit `serviceRole` to use the service-linked role (needed for infrastructure
    updates), or give the full ARN of a role that trusts `batch.amazonaws.com`
    and has `arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole` attached:
    ```json
    {"computeEnvironmentName": "genomics", "type": "MANAGED",
     "serviceRole": "arn:aws:iam::123456789012:role/service-role/AWSBatchServiceRole"}
    ```

    ## References
    - [AWS Batch service IAM role](https://docs.aws.amazon.com/batch/latest/userguide/service_IAM_role.html)
    - [Using service-linked roles for AWS Batch](https://docs.aws.amazon.com/batch/latest/userguide/using-service-linked-roles-batch-general.html)
    - [AWSBatchServiceRole](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBatchServiceRole.html)
    - [CreateComputeEnvironment](https://docs.aws.amazon.com/batch/latest/APIReference/API_CreateComputeEnvironment.html)
    """

    id = "BL101"
    name = "service-role-missing"
    summary = ("The compute environment's service role does not exist, is not assumable by "
               "batch.amazonaws.com, or lacks AWSBatchServiceRole.")
    severity = "error"
    kinds = ("compute-environment",)
    tags = ("reliability", "availability")
    precision = "high"

    def check(self, resource: Resource, ctx: Context) -> Iterator[Result]:
        # the stack's own account in a template's ARN (${AWS::AccountId}) names the role too
        ce, ref = resource, stack_constants.read(resource.data, "serviceRole")
        ref = ref if isinstance(ref, str) else None
        field = spell(ce, "serviceRole")
        if not ref and not is_managed(ce):
            yield self.finding(ce, f"compute environment `{ce.name}` is UNMANAGED and has no "
                               f"{field}, which Batch requires (\"ServiceRole is required\"); "
                               f"set {field} to the ARN of a role that trusts {SERVICE} "
                               f"with {POLICY_ARN} attached", "type")
            return
        linked = not ref or ref.rsplit("/", 1)[-1] == SERVICE_LINKED_ROLE
        role = iam.resolve_role(ctx.model, ref or SERVICE_LINKED_ROLE, ce.account,
                                bare_name_is_root=not linked)
        if isinstance(role, Unknown):
            what = field if ref else f"the service-linked role used without {field}"
            yield self.not_verified(ce, f"{what}: {shown(role.reason)}")
        elif isinstance(role, Absent) and not ref:
            yield self.finding(ce, f"compute environment `{ce.name}` has no {field} and the "
                               f"service-linked role {SERVICE_LINKED_ROLE} does not exist in "
                               f"account {ce.account}; create it (aws iam "
                               f"create-service-linked-role --aws-service-name {SERVICE}) "
                               f"or set {field}", "serviceRole")
        elif isinstance(role, Absent):
            yield self.finding(ce, f"compute environment `{ce.name}`: {field} `{shown(ref or '')}` "
                               f"does not exist: {role.what}; give the full ARN of an existing "
                               "role",
                               "serviceRole")
        elif not linked:  # AWS maintains the service-linked role's trust and policy
            need = MANAGED_SERVICE_ROLE if is_managed(ce) else SERVICE_ROLE
            for problem, text in role_issues(ctx.model, role, need):
                about = f"service role `{role.name}` {text}"
                yield (self.finding(ce, f"compute environment `{ce.name}`: {about}", "serviceRole")
                       if problem else self.not_verified(ce, about))
