from __future__ import annotations

from collections.abc import Iterator

from batchlint import model as m
from batchlint.facts import iam
from batchlint.facts.execution_role import Need, is_needed, tasks
from batchlint.facts.iam_eval import decide, role_policies
from batchlint.facts.jobdefs import on_fargate
from batchlint.facts.stack_constants import shown
from batchlint.model import Absent, Resource, Unknown
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell

SERVICE = "ecs-tasks.amazonaws.com"
POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


class ExecutionRoleCannotStart(Rule):
    """
    ## What it does
    Checks the execution role of each task of a job definition (`executionRoleArn`, or
    `ecsProperties.taskProperties[].executionRoleArn`) where starting the job needs
    one: on Fargate always, on EC2 when a container uses `secrets`,
    `logConfiguration.secretOptions` or `repositoryCredentials`. The role must exist,
    trust `ecs-tasks.amazonaws.com`, and its policies must allow: on Fargate, for an
    Amazon ECR image, `ecr:GetAuthorizationToken` on `*` and the pull actions on the
    repository, and for the `awslogs` driver (the default) `logs:CreateLogStream` and
    `logs:PutLogEvents` on every stream of the log group (default `/aws/batch/job`);
    on any platform, `secretsmanager:GetSecretValue` or `ssm:GetParameters` on each
    referenced secret or parameter. A Fargate task with no role at all is BL310's.
    What a `Condition`, `Deny`, `NotAction`/`NotResource`, a permissions boundary or a
    policy whose document is not in the data could change is not verified.

    ## Why is this bad?
    The ECS or Fargate agent uses the execution role to pull the image, send the logs
    and fetch secrets before the job's code runs; without the permission the job
    fails with `CannotPullContainerError` or `ResourceInitializationError`.

    ## Example
    ```json
    {"jobDefinitionName": "etl", "platformCapabilities": ["FARGATE"],
     "containerProperties": {
       "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/etl:1.4",
       "executionRoleArn": "arn:aws:iam::123456789012:role/etl-exec",
       "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}]}}
    ```
    with `etl-exec` trusting `ecs-tasks.amazonaws.com` but with no policy attached.

    ## Use instead
    Attach `AmazonECSTaskExecutionRolePolicy` to `etl-exec`, and allow
    `ssm:GetParameters` on `arn:aws:ssm:us-east-1:123456789012:parameter/db` in an
    inline policy.

    ## References
    - [AWS Batch IAM execution role](https://docs.aws.amazon.com/batch/latest/userguide/execution-IAM-role.html)
    - [Amazon ECS task execution IAM role](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html)
    - [Specify sensitive data with Secrets Manager](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data-secrets.html)
    - [Specify sensitive data with Systems Manager Parameter Store](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data-parameters.html)
    - [Secret](https://docs.aws.amazon.com/batch/latest/APIReference/API_Secret.html)
    """

    id = "BL311"
    name = "execution-role-cannot-start"
    summary = ("A job definition's execution role is missing, untrusted by ECS tasks, or "
               "cannot pull its image, send its logs or read its secrets.")
    severity = "error"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability",)

    def check(self, resource: Resource, ctx: Context) -> Iterator[Result]:
        name = resource.name
        for task in tasks(resource):
            if not is_needed(resource, task):
                continue
            path = f"{task.path}.executionRoleArn"
            field = spell(resource, path)
            if task.role is None:
                if not on_fargate(resource):  # on Fargate, BL310 reports it
                    yield self.finding(resource, f"job definition `{name}` references secrets "
                                       f"but sets no {field}, so its tasks cannot read them; "
                                       f"set a role that trusts {SERVICE}", task.path)
                continue
            role = iam.resolve_role(ctx.model, task.role, resource.account)
            if isinstance(role, Unknown):
                yield self.not_verified(resource, f"{field}: {role.reason}")
                continue
            if isinstance(role, Absent):
                yield self.finding(resource, f"job definition `{name}`: {field} `{task.role}` "
                                   f"does not exist ({role.what}); create it or name an "
                                   "existing role", path)
                continue
            yield from self._check_role(resource, role, task.needs, path, ctx)

    def _check_role(self, jobdef: Resource, role: Resource, needs: tuple[Need, ...],
                    path: str, ctx: Context) -> Iterator[Result]:
        role_named = f"execution role `{role.name}`"  # a not-verified line names the jobdef
        about = f"job definition `{jobdef.name}`: {role_named}"
        unreadable = role.unknown.get(())
        if unreadable is not None:  # a template's role of a shape batchlint cannot read
            yield self.not_verified(jobdef, f"{role_named}: {unreadable}")
            return
        trust = iam.trusts(role, SERVICE)
        if trust is False:
            yield self.finding(jobdef, f"{about} is not assumable by `{SERVICE}`, so no task "
                               "can start; add it as a Service principal allowed "
                               "sts:AssumeRole in the role's trust policy", path)
        elif trust is None:
            yield self.not_verified(jobdef, f"{role_named} has no readable trust policy in the "
                                    f"data given, so whether `{SERVICE}` may assume it is "
                                    "not checked")
        policies = role_policies(ctx.model, role)
        missing: dict[str, list[str]] = {}  # resource -> actions
        unsure: dict[str, dict[str, list[str]]] = {}  # reason -> resource -> actions
        for need in needs:
            decision = decide(policies, need.action, [need.resource])
            if decision.allowed is False and need.inexact:
                unsure.setdefault(need.inexact, {}).setdefault(need.resource, []).append(
                    need.action)
            elif decision.allowed is False:
                missing.setdefault(need.resource, []).append(need.action)
            elif decision.allowed is None:
                unsure.setdefault(decision.reason, {}).setdefault(need.resource, []).append(
                    need.action)
        if missing:
            actions = [a for acts in missing.values() for a in acts]
            pairs = _pairs(missing)
            error = ("CannotPullContainerError" if any(a.startswith("ecr:") for a in actions)
                     else "ResourceInitializationError")
            them = "them" if len(actions) > 1 else "it"
            fix = (f"attach {POLICY} or allow {them} in one of its policies"
                   if all(a.startswith(("ecr:", "logs:")) for a in actions)
                   else f"allow {them} in one of its policies")
            yield self.finding(jobdef, f"{about} does not allow {pairs}, which the job needs "
                               f"to start (it fails with {error}); {fix}", path)
        if unsure:
            what = "; ".join(f"{_pairs(needs)} ({reason})" for reason, needs in unsure.items())
            yield self.not_verified(jobdef, f"{role_named}: whether it allows {what} is not known")


def _pairs(actions_by_resource: dict[str, list[str]]) -> str:
    return "; ".join(f"{', '.join(dict.fromkeys(actions))} on {shown(resource)}"  # once each
                     for resource, actions in actions_by_resource.items())
