"""What a job definition's execution role must allow for its tasks to start (BL311).

Each ECS task of a job definition (``containerProperties``, a node range's
``container``, or one of ``ecsProperties.taskProperties``) names one execution role
and needs, on Fargate, the ECR pull and CloudWatch Logs actions for its images and
log groups, and on any platform, read access to every secret it references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from batchlint.facts import stack_constants
from batchlint.facts.jobdefs import containers, on_fargate
from batchlint.jsonvalues import mapping
from batchlint.model import Json, Resource, parse_arn, parse_path
from batchlint.unknowns import isolated, plain, recording, value_at

DEFAULT_LOG_GROUP = "/aws/batch/job"  # awslogs' group when awslogs-group is not set
_ECR_IMAGE = re.compile(  # account and region as given, or as a template's stack constants
    rf"^(\d{{12}}|{stack_constants.ACCOUNT})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+|"
    rf"{stack_constants.REGION})\.amazonaws\.com(?:\.cn)?/([^:@]+)")
_ECR_PULL = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
             "ecr:BatchGetImage")


class Need(NamedTuple):  # a tuple: made and hashed for every Fargate job definition
    """One action the role must allow on one resource, and the field that needs it."""

    action: str
    resource: str
    path: str
    inexact: str = ""  # why the resource's ARN is only partly known (``*`` stands in)


class Task(NamedTuple):  # a tuple, as Need: one for every ECS task
    """``path`` holds ``executionRoleArn`` (``role``, None when unset)."""

    path: str
    role: str | None
    needs: tuple[Need, ...]


def tasks(jobdef: Resource) -> Iterator[Task]:
    """Every ECS task of the job definition with what its execution role must allow."""
    fargate = on_fargate(jobdef)
    found: dict[str, tuple[Mapping[str, Json] | None, list[Need]]] = {}
    for container in containers(jobdef):
        if container.env_key != "environment":  # EKS pods have no execution role
            continue
        path = container.path
        if "ecsProperties.taskProperties[" in path and ".containers[" in path:
            holder, data = path[:path.rindex(".containers[")], None  # the task's, below
        else:
            holder, data = path, container.data
        found.setdefault(holder, (data, []))[1].extend(
            _needs(jobdef, container.path, container.data, fargate))
    for holder, (data, needs) in found.items():
        if data is None:  # containers() read the way there already
            data = mapping(value_at(jobdef.data, parse_path(holder)))
        # read as a check's read (not verified when not known) only where it is needed
        role = data.get("executionRoleArn") if fargate or needs else \
            dict.get(data, "executionRoleArn") if isinstance(data, dict) else None
        yield Task(holder, role if isinstance(role, str) and role else None,
                   tuple(dict.fromkeys(needs)) if needs else ())


def _needs(jobdef: Resource, path: str, container: Mapping[str, Json],
           fargate: bool) -> Iterator[Need]:
    account, region = jobdef.account, jobdef.region
    if jobdef.origin.source == "cloudformation":  # the stack's: one value each, unknown
        account, region = account or stack_constants.ACCOUNT, region or stack_constants.REGION
    log = mapping(container.get("logConfiguration"))
    if fargate:
        yield from _fargate_needs(path, container, log, account, region)
    for key, items in (("secrets", container.get("secrets")),
                       ("logConfiguration.secretOptions", log.get("secretOptions"))):
        for i, item in enumerate(items if isinstance(items, list) else ()):
            ref = stack_constants.read(mapping(item), "valueFrom")
            need = ref and _secret(ref, account, region, f"{path}.{key}[{i}].valueFrom")
            if need:
                yield need
    credentials = stack_constants.read(mapping(container.get("repositoryCredentials")),
                                       "credentialsParameter")
    need = credentials and _secret(credentials, account, region,
                                   f"{path}.repositoryCredentials.credentialsParameter")
    if need:
        yield need


def _fargate_needs(path: str, container: Mapping[str, Json], log: Mapping[str, Json],
                   account: str | None, region: str | None) -> Iterator[Need]:
    """Fargate pulls the image and sends the logs with the execution role."""
    with isolated(), recording() as hits:  # an image not known may be in any repository:
        image = stack_constants.read(container, "image")  # a grant on every one covers it
    ecr = _ECR_IMAGE.match(image) if isinstance(image, str) and not hits else None
    if hits:
        why = f"the image is not known before deployment: {hits[0][1]}"
        for action in ("ecr:GetAuthorizationToken", *_ECR_PULL):
            yield Need(action, "*", f"{path}.image", why)
    elif ecr:
        repo = (f"arn:{_partition(ecr.group(2))}:ecr:{ecr.group(2)}:{ecr.group(1)}:"
                f"repository/{ecr.group(3)}")
        yield Need("ecr:GetAuthorizationToken", "*", f"{path}.image")
        for action in _ECR_PULL:
            yield Need(action, repo, f"{path}.image")
    driver = log.get("logDriver", "awslogs")
    # a group or region not known before deployment is any: a grant must cover it (read
    # plain, so the check is not "not verified" for a value a grant on `*` covers anyway)
    options = mapping(plain(log.get("options")))
    if driver == "awslogs":
        group, where = (_any(options.get("awslogs-group")) or DEFAULT_LOG_GROUP,
                        _any(options.get("awslogs-region")) or region or "*")
        # the stream's name is chosen at run time: a grant must cover every stream
        stream = (f"arn:{_partition(region)}:logs:{where}:{account or '*'}:log-group:{group}:"
                  "log-stream:*")
        at = f"{path}.logConfiguration" if log else path
        inexact = "" if account and "*" not in (where, group) else (
            "the log group is known only at deployment" if group == "*" else
            "the log group's account or region is known only at deployment")
        for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
            yield Need(action, stream, at, inexact)


def _any(value: Json) -> str:
    """An option's text (a template's stack constants as symbols); ``*`` for one not known
    before deployment (``${LogGroupParameter}``)."""
    return (stack_constants.encoded(value) or "*") if isinstance(value, str) else ""


def _secret(ref: Json, account: str | None, region: str | None, path: str) -> Need | None:
    """``secretsmanager:GetSecretValue`` or ``ssm:GetParameters`` on what ``ref`` names."""
    if not isinstance(ref, str) or not ref:
        return None
    service = parse_arn(ref)[0]
    if service == "secretsmanager":
        # valueFrom may add :json-key:version-stage:version-id after the secret's ARN
        return Need("secretsmanager:GetSecretValue", ":".join(ref.split(":")[:7]), path)
    if service == "ssm":
        return Need("ssm:GetParameters", ref, path)
    if ref.startswith("arn:"):
        return None
    name = ref if ref.startswith("/") else f"/{ref}"
    return Need("ssm:GetParameters", f"arn:{_partition(region)}:ssm:{region or '*'}:"
                f"{account or '*'}:parameter{name}", path, "" if account and region else
                "the parameter's account and region are known only at deployment")


def is_needed(jobdef: Resource, task: Task) -> bool:
    """Fargate always needs the role; EC2 only when a secret is referenced."""
    return on_fargate(jobdef) or bool(task.needs)


def _partition(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"

