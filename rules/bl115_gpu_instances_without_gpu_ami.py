from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import is_managed_ec2
from batchlint.facts.node_images import nodes, nvidia_image_type, nvidia_instance_types
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell


class GpuInstancesWithoutGpuAmi(Rule):
    """
    ## What it does
    Reports a managed EC2 or SPOT compute environment that can launch GPU
    instance types (an exact type or a family of the `p` and `g` families, such
    as `p4d.24xlarge` or `g5`; Arm types such as `g5g` aside) and sets
    `ec2Configuration` with no `*_NVIDIA` image type (`ECS_AL2023_NVIDIA`,
    `ECS_AL2_NVIDIA`, or the EKS ones) and no pinned AMI (`imageIdOverride`,
    `imageId`, or the launch template's `ImageId`). It is not verified when a
    launch template that may pin the AMI is not in the data given. Without
    `ec2Configuration` Batch picks its NVIDIA image for GPU types itself: no
    finding.

    ## Why is this bad?
    Batch matches each instance type to an `ec2Configuration` entry. When every
    entry names a non-GPU image type, GPU instances boot an AMI without the
    NVIDIA driver and container toolkit: the ECS agent registers no GPUs, so
    jobs that ask for a `GPU` resource stay `RUNNABLE` forever.

    ## Example
    ```json
    {"computeResources": {"type": "EC2", "instanceTypes": ["g5", "c6i"],
                          "ec2Configuration": [{"imageType": "ECS_AL2023"}]}}
    ```

    ## Use instead
    Add an NVIDIA entry for the GPU types (Batch uses it for them and the other
    entry for the rest):
    ```json
    {"computeResources": {"type": "EC2", "instanceTypes": ["g5", "c6i"],
                          "ec2Configuration": [{"imageType": "ECS_AL2023"},
                                               {"imageType": "ECS_AL2023_NVIDIA"}]}}
    ```

    ## References
    - [Ec2Configuration (imageType)](https://docs.aws.amazon.com/batch/latest/APIReference/API_Ec2Configuration.html)
    - [Using a GPU workload AMI](https://docs.aws.amazon.com/batch/latest/userguide/batch-gpu-ami.html)
    - [Compute resource AMIs](https://docs.aws.amazon.com/batch/latest/userguide/compute_resource_AMIs.html)
    """

    id = "BL115"
    name = "gpu-instances-without-gpu-ami"
    summary = ("A compute environment can launch GPU instances but its ec2Configuration names "
               "no NVIDIA image type, so GPU jobs never start.")
    severity = "error"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability", "availability")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        # before ec2Configuration: Fargate has no AMI
        configurations = lt.configurations(resource) if is_managed_ec2(resource) else []
        gpus = nvidia_instance_types(ctx.model, resource) if configurations else []
        kinds = [str(c.get("imageType", "")).upper() for c in configurations]
        if not gpus or any(k.endswith("_NVIDIA") for k in kinds):
            return
        scope = nodes(ctx.model, resource)  # only now: its launch template may not be known
        if scope is None or any(ami.image.image_id is not None for ami in scope.amis):
            return  # an AMI of the user's own, which may well carry the drivers
        unknown = [ami.image.unknown for ami in scope.amis if ami.image.unknown]
        if unknown:
            yield self.not_verified(resource, f"the launch template may pin an AMI for the "
                                    f"GPU instances, and {unknown[0]}")
            return
        yield self.finding(resource, f"compute environment `{resource.name}` can launch GPU "
                           f"instance types ({', '.join(gpus)}) but its "
                           f"{spell(resource, 'computeResources.ec2Configuration')} names only "
                           f"{', '.join(k or 'no image type' for k in kinds)}, so they boot an "
                           "AMI without NVIDIA drivers and GPU jobs never start; add an entry "
                           f"with {spell(resource, 'imageType')} "
                           f"{nvidia_image_type(resource, gpus)}",
                           "computeResources.ec2Configuration")
