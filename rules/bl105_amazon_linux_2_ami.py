from __future__ import annotations

import datetime
from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import is_managed_ec2
from batchlint.facts.node_images import nodes
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell

# Support of the Amazon Linux 2 AMIs Batch launches ends (ECS) or ended (EKS) on these dates.
_END = {"ECS": datetime.date(2026, 6, 30), "EKS": datetime.date(2025, 11, 26)}


class AmazonLinux2Ami(Rule):
    """The compute environment runs an Amazon Linux 2 AMI, at or past its end of support.

    ## What it does
    Reports a managed EC2 or SPOT compute environment whose `ec2Configuration`
    sets `imageType` `ECS_AL2`, `ECS_AL2_NVIDIA`, `EKS_AL2` or `EKS_AL2_NVIDIA`,
    or that pins an AMI (`ec2Configuration[].imageIdOverride`, `imageId` or the
    launch template's `ImageId`) whose name is an Amazon Linux 2 ECS- or
    EKS-optimized AMI (`amzn2-ami-ecs-*`, `amazon-eks-node-1.*`).

    It is not verified when the AMI cannot be known: a pinned AMI or a launch
    template that is not in the data given, or an environment whose
    `ec2Configuration` sets no `imageType`. Such an environment runs the default
    image type of the day it was created, `ECS_AL2` before 12 January 2026 and
    `ECS_AL2023` since, and `DescribeComputeEnvironments` gives no creation date.
    (Batch normally reports the image type it chose, so a described environment
    without one is rare.)

    ## Why is this bad?
    The Amazon Linux 2 ECS-optimized AMI reaches end of support on 30 June 2026,
    with Amazon Linux 2 itself; the EKS-optimized AL2 AMIs ended on 26 November
    2025. After that they get no security fixes, and from 30 June 2026 Batch no
    longer creates ECS compute environments with its AL2 AMIs. Batch never
    upgrades an existing environment to a new image type: it keeps AL2 until you
    change it.

    ## Example
    ```json
    {"computeEnvironmentName": "genomics", "type": "MANAGED",
     "computeResources": {"type": "EC2", "maxvCpus": 256, "instanceTypes": ["m6i"],
                          "ec2Configuration": [{"imageType": "ECS_AL2"}]}}
    ```

    ## Use instead
    The Amazon Linux 2023 image type (`ECS_AL2023_NVIDIA` for GPU instances,
    `EKS_AL2023` on EKS), or an AL2023 AMI if you pin one. Test your user data
    first (AL2023 uses `dnf`, not `yum`/`amazon-linux-extras`); AL2023 does not
    support `a1` instances and `ECS_AL2023_NVIDIA` not `p3` or `g3`:
    ```json
    {"computeResources": {"ec2Configuration": [{"imageType": "ECS_AL2023"}]}}
    ```

    ## References
    - [Amazon Linux 2023 migration for AWS Batch](https://docs.aws.amazon.com/batch/latest/userguide/ecs-migration-2023.html)
    - [Ec2Configuration](https://docs.aws.amazon.com/batch/latest/APIReference/API_Ec2Configuration.html)
    - [Amazon ECS-optimized AMIs](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-optimized_AMI.html)
    """

    id = "BL105"
    name = "amazon-linux-2-ami"
    summary = ("A compute environment runs an Amazon Linux 2 ECS or EKS AMI, at or past its end "
               "of support; move to Amazon Linux 2023.")
    severity = "warning"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability", "security")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if not is_managed_ec2(resource):  # Fargate: Batch picks the platform, not an AMI
            return
        name, configurations = resource.name, lt.configurations(resource)
        for i, config in enumerate(configurations):
            kind = str(config.get("imageType", "")).upper()
            if lt.is_al2_image_type(kind):
                yield self.finding(resource, f"compute environment `{name}` uses image type "
                                   f"{kind} (Amazon Linux 2, {_support(kind[:3], ctx)}); set "
                                   f"{spell(resource, 'imageType')} "
                                   f"{kind.replace('AL2', 'AL2023', 1)}",
                                   f"computeResources.ec2Configuration[{i}].imageType")
                return
        scope = nodes(ctx.model, resource)
        for ami in scope.amis if scope else ():
            if ami.described and lt.is_al2_image(ami.described):
                platform = "EKS" if str(ami.described.data["Name"]).startswith("amazon-eks") \
                    else "ECS"
                yield self.finding(resource, f"compute environment `{name}` runs {ami.label}, "
                                   f"an Amazon Linux 2 {platform} AMI ({_support(platform, ctx)}); "
                                   "pin an Amazon Linux 2023 AMI, or remove the pin and set "
                                   f"{spell(resource, 'imageType')} {platform}_AL2023",
                                   ami.image.path)
                return
        defaulted = any(not isinstance(e.get("imageType"), str) for e in configurations or [{}])
        unknown = [ami.name_unknown or _default_reason(resource, ami.image.image_type)
                   for ami in (scope.amis if scope else ())
                   if ami.name_unknown or (defaulted and ami.image.image_id is None)]
        if unknown:
            yield self.not_verified(resource, unknown[0])

def _support(platform: str, ctx: Context) -> str:
    end = _END.get(platform, _END["ECS"])
    verb = "ended" if ctx.now.date() > end else "ends"
    return f"its support {verb} on {end:%d %B %Y}"


def _default_reason(resource: Resource, default: str) -> str:
    platform, field = default[:3], spell(resource, "computeResources.ec2Configuration")
    image_type = spell(resource, "imageType")
    return (f"{field} sets no {image_type}, so the environment runs the default image type "
            f"of the day it was created: {platform}_AL2 (Amazon Linux 2) before 12 January 2026, "
            f"{platform}_AL2023 since, and the data gives no creation date; set {image_type} "
            f"{platform}_AL2023 explicitly")
