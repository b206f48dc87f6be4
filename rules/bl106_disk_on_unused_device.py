from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.node_images import XVDA, XVDCZ, nodes, xvdcz_unused, xvdcz_volume
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule


class DiskOnUnusedDevice(Rule):
    """A launch template enlarges `/dev/xvdcz`, which Amazon Linux 2 and 2023 never use.

    ## What it does
    Reports a managed EC2 or SPOT compute environment whose launch template maps
    an EBS volume at `/dev/xvdcz`, the Docker volume of the Amazon Linux 1
    ECS-optimized AMI, while the environment runs an Amazon Linux 2 or 2023 AMI:
    Batch's AMI for any image type but `ECS_AL1`, or a pinned Amazon ECS- or
    EKS-optimized AL2/AL2023 AMI. It is reported even when the template also
    maps `/dev/xvda`: the extra volume is still paid for. A pinned AMI that maps
    `/dev/xvdcz` itself (an AL1 or custom AMI with a Docker volume) is fine. A
    launch template or pinned AMI that is not in the data given, or a custom AMI
    whose use of the device cannot be told, makes the check not verified.

    ## Why is this bad?
    On Amazon Linux 2 and 2023 Docker stores images and containers on the root
    volume `/dev/xvda` (30 GiB by default); nothing formats or mounts
    `/dev/xvdcz`. A template copied from the older Batch documentation, which
    enlarged `/dev/xvdcz`, attaches a volume that every instance pays for, while
    the root stays small and jobs fail with "no space left on device". The only
    exception is user data that formats and mounts the volume itself.

    ## Example
    ```json
    {"LaunchTemplateData": {"BlockDeviceMappings": [{"DeviceName": "/dev/xvdcz",
      "Ebs": {"VolumeSize": 100, "VolumeType": "gp3"}}]}}
    ```

    ## Use instead
    Map the root device instead:
    ```json
    {"LaunchTemplateData": {"BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
      "Ebs": {"VolumeSize": 100, "VolumeType": "gp3", "Encrypted": true}}]}}
    ```

    ## References
    - [Launch template support](https://docs.aws.amazon.com/batch/latest/userguide/launch-templates.html)
    - [Amazon ECS-optimized AMI storage configuration](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-storage-config.html)
    """

    id = "BL106"
    name = "disk-on-unused-device"
    summary = ("A launch template enlarges /dev/xvdcz (the Amazon Linux 1 Docker volume) for an "
               "Amazon Linux 2/2023 compute environment, which never uses it.")
    severity = "error"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("cost", "reliability")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        scope = nodes(ctx.model, resource)
        if scope is None or scope.unknown:
            if scope:
                yield self.not_verified(resource, f"the launch template may map {XVDCZ}, and "
                                                  f"{scope.unknown}")
            return
        unused, unknown = xvdcz_unused(scope)
        if not unused:
            yield from [self.not_verified(resource, unknown)] if unknown else []
            return
        size = lt.volume_gib(xvdcz_volume(scope.template))
        volume = f"a {size} GiB volume" if size is not None else "a volume"
        unused_disk = "paid for and never used"
        if lt.user_data_type(scope.template) is not None:
            unused_disk += " unless the template's user data formats and mounts it"
        if lt.maps_device(scope.template, XVDA):
            what = (f"{XVDA} is mapped too, so the {XVDCZ} volume is {unused_disk}; remove its "
                    "mapping")
        else:
            what = (f"the {XVDCZ} volume is {unused_disk}, and the root keeps its default size; "
                    f"map {XVDA} instead")
        yield self.finding(resource, f"{scope.uses}, which maps {volume} at {XVDCZ} (the Amazon "
                           f"Linux 1 Docker volume), but {unused} keeps Docker's data on the "
                           f"root volume {XVDA}: {what}", "computeResources.launchTemplate")
