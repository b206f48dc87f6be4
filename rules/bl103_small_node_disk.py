from __future__ import annotations

from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts.node_images import Ami, Nodes, docker_disk, nodes
from batchlint.model import Resource
from batchlint.rule import Context, Finding, Option, Result, Rule


class SmallNodeDisk(Rule):
    """Instances keep a small Docker disk: the AMI's default or a volume below the minimum.

    ## What it does
    Checks the disk that holds Docker's images and containers on the instances of
    a managed EC2 or SPOT compute environment: `/dev/xvda` on Amazon Linux 2 and
    2023, `/dev/xvdcz` on Amazon Linux 1, or the root device of a pinned AMI. It
    is reported when no launch template sets that device's `VolumeSize`, so the
    AMI's default disk (a single 30 GiB root volume on the ECS-optimized AMIs)
    stays, or when the mapped `VolumeSize` is below `min_node_disk_gib` (default
    50). A launch template version, or a pinned AMI whose size decides, that is
    not in the data given makes the check not verified.

    ## Why is this bad?
    Batch packs several jobs onto one instance, and every job's image layers,
    containers and scratch data share this one disk. A 30 GiB disk fills after a
    few large images: later jobs fail with `CannotPullContainerError: ... no space
    left on device` or `DockerTimeoutError`, and ECS image cleanup runs only every
    10 minutes.

    ## Example
    ```json
    {"computeEnvironmentName": "genomics-spot", "type": "MANAGED",
     "computeResources": {"type": "SPOT", "maxvCpus": 256, "instanceTypes": ["r6i"]}}
    ```

    ## Use instead
    A launch template that maps the root device to a larger volume:
    ```json
    {"LaunchTemplateData": {"BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
      "Ebs": {"VolumeSize": 100, "VolumeType": "gp3", "Encrypted": true}}]}}
    ```
    referenced as `"launchTemplate": {"launchTemplateName": "batch-disk", "version": "$Latest"}`.

    ## References
    - [Launch template support](https://docs.aws.amazon.com/batch/latest/userguide/launch-templates.html)
    - [Amazon ECS-optimized AMI storage configuration](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-storage-config.html)
    """

    id = "BL103"
    name = "small-node-disk"
    summary = ("A managed EC2/SPOT compute environment keeps the AMI's default 30 GiB disk or "
               "maps a Docker/root volume below min_node_disk_gib.")
    severity = "warning"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability",)
    options: Mapping[str, Option] = {
        "min_node_disk_gib": Option(50, "Smallest Docker/root volume accepted, in GiB."),
    }

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        scope = nodes(ctx.model, resource)
        if scope is not None and scope.unknown:
            yield self.not_verified(resource, f"the launch template sets the node disk, and "
                                              f"{scope.unknown}")
        elif scope is not None:  # one result: a finding if any AMI has one, else not verified
            results = [r for ami in scope.amis if (r := self._check(scope, ami, ctx))]
            yield from sorted(results, key=lambda r: not isinstance(r, Finding))[:1]

    def _check(self, scope: Nodes, ami: Ami, ctx: Context) -> Result | None:
        minimum, disk, ce = int(ctx.option("min_node_disk_gib")), docker_disk(scope, ami), scope.ce
        if ami.not_an_ami:
            return self.not_verified(ce, f"the AMI's root device holds the disk, and {ami.missing}")
        if not disk.device_known:  # its root may be /dev/sda1 of any size: no guess
            return self.not_verified(ce, f"the disk is set on the root device of the pinned "
                                         f"{disk.ami}, which is not known: {disk.unknown}")
        if disk.gib is None:
            return self.not_verified(ce, f"no launch template sets the size of {disk.device}, "
                                         f"so the disk is that of the pinned AMI, and "
                                         f"{disk.unknown}")
        if disk.gib >= minimum:
            return None
        size, device, fix = disk.gib, disk.device, f"map {disk.device} to at least {minimum} GiB"
        if disk.mapped:
            what, fix = f"{scope.uses}, which maps {device} to {size} GiB", \
                f"raise that VolumeSize to at least {minimum} GiB"
        elif scope.version is not None:
            what = f"{scope.uses}, which sets no size for {device}, so it keeps the {size} GiB " \
                   f"of {disk.ami}"
        else:
            what = f"compute environment `{ce.name}` keeps the {size} GiB default disk of " \
                   f"{disk.ami}"
            fix = f"attach a launch template that maps {device} to at least {minimum} GiB"
        return self.finding(ce, f"{what}, below {minimum} GiB; {fix}",
                            "computeResources.launchTemplate")
