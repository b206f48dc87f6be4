"""Messages in the user's own syntax.

Rules read every resource in the API's shape, but a finding on a CloudFormation
resource should name the CloudFormation property (``RetryStrategy.Attempts``) and
a finding on Terraform the attribute (``retry_strategy.attempts``); on live data
and CLI files the API field (``retryStrategy.attempts``) is the user's word.
:func:`spell` turns an API path into the resource's own spelling; a rule with a fix
to show keeps one text per dialect in a table and picks it with :func:`dialect`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from batchlint.model import Resource

CLOUDFORMATION = "cloudformation"
TERRAFORM = "terraform"
API = "api"

# Terraform keeps these as JSON documents (jsonencode): inside them, the API's names
_TF_JSON = {"containerProperties", "nodeProperties", "ecsProperties"}
_TF_NAMES = {"computeEnvironmentOrder": "compute_environment_order",
             "maxvCpus": "max_vcpus", "minvCpus": "min_vcpus", "desiredvCpus": "desired_vcpus",
             "instanceTypes": "instance_type", "ec2Configuration": "ec2_configuration",
             "securityGroupIds": "security_group_ids", "launchTemplate": "launch_template",
             "launchTemplateId": "launch_template_id", "imageId": "image_id",
             "serviceRole": "service_role", "instanceRole": "instance_role",
             "platformCapabilities": "platform_capabilities"}
_SEGMENT = re.compile(r"([^.\[\]]+)|(\[\d+\])")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def dialect(resource: Resource) -> str:
    """Whose names the resource's messages use: its template's, its plan's, or the API's."""
    source = resource.origin.source
    return source if source in (CLOUDFORMATION, TERRAFORM) else API


def spell(resource: Resource, path: str) -> str:
    """``retryStrategy.attempts`` as the resource's source writes it."""
    kind = dialect(resource)
    if kind == API:
        return path
    out, inside_json = "", False
    for name, index in _SEGMENT.findall(path):
        if index:
            out += index
            continue
        if kind == CLOUDFORMATION:
            word = name[:1].upper() + name[1:]
        elif inside_json:
            word = name
        else:
            word = terraform_name(name)
            inside_json = name in _TF_JSON
        out += ("." if out else "") + word
    return out


def terraform_name(name: str) -> str:
    """The provider's name of an API field: ``maxvCpus`` → ``max_vcpus``."""
    return _TF_NAMES.get(name) or _CAMEL.sub(r"_\1", name).lower()


def pick(resource: Resource, texts: Mapping[str, str]) -> str:
    """The text of ``texts`` (keyed by dialect) for the resource; the API's by default."""
    return texts.get(dialect(resource), texts[API])


def quoted(names: Iterable[str], limit: int | None = None) -> str:
    """```a`, `b`, `c` and 2 more``: names as messages list them, the first ``limit``."""
    listed = list(names)
    shown = ", ".join(f"`{name}`" for name in listed[:limit])
    return shown + (f" and {len(listed) - limit} more" if limit and len(listed) > limit else "")


class Written(str):
    """A value in the API's terms that its source does not state as such, and how messages
    name it: CloudFormation's ``!GetAtt LT.LatestVersionNumber`` is version ``"1"`` of the
    template the stack creates, and the image of an ECS-optimized AMI's SSM parameter has a
    name of its family (``loaders/cfn_images.py``), but the template states neither. Rules
    read the value; a message names it by ``words``."""

    words: str

    def __new__(cls, value: str, words: str) -> Written:
        made = super().__new__(cls, value)
        made.words = words
        return made

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # copy, pickle
        return str(self), self.words
