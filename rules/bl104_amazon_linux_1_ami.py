from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import is_managed_ec2
from batchlint.facts.node_images import nodes
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule


class AmazonLinux1Ami(Rule):
    """The compute environment runs the Amazon Linux 1 ECS-optimized AMI.

    ## What it does
    Reports a managed EC2 or SPOT compute environment whose `ec2Configuration`
    sets `imageType` `ECS_AL1`, or that pins an AMI (`imageId`,
    `ec2Configuration[].imageIdOverride` or the launch template's `ImageId`)
    whose name is an Amazon Linux 1 ECS-optimized AMI
    (`amzn-ami-*-amazon-ecs-optimized`). A pinned AMI that is not in the image
    data given is reported as not verified.

    ## Why is this bad?
    On Amazon Linux 1 Docker stores containers in a devicemapper thin pool that
    caps each container at 10 GiB, on a 22 GiB volume, so image pulls and jobs
    fail with "no space left on device". The AL1 ECS-optimized AMI lost
    maintenance support on 30 June 2023, when AWS Batch moved Amazon Linux 1
    compute environments to `INVALID`; it gets no security fixes.

    ## Example
    ```json
    {"computeEnvironmentName": "legacy", "type": "MANAGED",
     "computeResources": {"type": "EC2", "maxvCpus": 64, "instanceTypes": ["m5"],
                          "ec2Configuration": [{"imageType": "ECS_AL1"}]}}
    ```

    ## Use instead
    Amazon Linux 2023, the default image type, or an AL2023 ECS-optimized AMI
    (`al2023-ami-ecs-hvm-*`); create a new environment and move its queues:
    ```json
    {"computeResources": {"ec2Configuration": [{"imageType": "ECS_AL2023"}]}}
    ```

    ## References
    - [Ec2Configuration](https://docs.aws.amazon.com/batch/latest/APIReference/API_Ec2Configuration.html)
    - [Amazon ECS-optimized Amazon Linux AMI end of life](https://aws.amazon.com/blogs/containers/amazon-ecs-optimized-amazon-linux-ami-end-of-life)
    - [Amazon ECS-optimized AMI storage configuration](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-storage-config.html)
    """

    id = "BL104"
    name = "amazon-linux-1-ami"
    summary = ("A compute environment runs the Amazon Linux 1 ECS-optimized AMI (10 GiB Docker "
               "limit per container, past end of life).")
    severity = "error"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability", "security")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        for i, config in enumerate(lt.configurations(resource) if is_managed_ec2(resource)
                                   else ()):
            if lt.is_al1(str(config.get("imageType", ""))):
                yield self.finding(resource, f"compute environment `{resource.name}` uses image "
                                   "type ECS_AL1 (Amazon Linux 1, end of life, 10 GiB Docker limit "
                                   "per container); move to ECS_AL2023",
                                   f"computeResources.ec2Configuration[{i}].imageType")
                return
        scope = nodes(ctx.model, resource)
        for ami in scope.amis if scope else ():
            if ami.described and lt.is_al1_image(ami.described):
                yield self.finding(resource, f"compute environment `{resource.name}` runs "
                                   f"{ami.label}, an Amazon Linux 1 ECS-optimized AMI (end of "
                                   "life, 10 GiB Docker limit per container); pin an AL2023 ECS "
                                   "AMI or remove the pin", ami.image.path)
                return
        unknown = [ami.name_unknown for ami in scope.amis if ami.name_unknown] if scope else []
        if unknown:
            yield self.not_verified(resource, unknown[0])
