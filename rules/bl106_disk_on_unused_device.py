from __future__ import annotations

from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import is_managed_ec2
from batchlint.model import Absent, Resource, Unknown
from batchlint.rule import Context, Result, Rule

XVDCZ, XVDA = lt.AL1_DOCKER_DEVICE, lt.ROOT_DEVICE


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
        if not is_managed_ec2(resource):
            return
        version = lt.resolve_version(ctx.model, resource)
        if isinstance(version, Absent | Unknown):
            yield self.not_verified(resource, f"the launch template may map {XVDCZ}, and "
                                              f"{lt.why(version)}")
            return
        data = lt.template_data(version)
        mapping = lt.block_device(data, XVDCZ)
        if not lt.maps_device(data, XVDCZ) or not isinstance((mapping or {}).get("Ebs"), Mapping):
            return  # no EBS volume at /dev/xvdcz (none, NoDevice, or instance store)
        verdicts = [_verdict(ctx, resource, image) for image in lt.images(resource, version)]
        unused = [v[1] for v in verdicts if v[0] == "unused"]
        if not unused:
            reasons = [v[1] for v in verdicts if v[0] == "unknown"]
            if reasons:
                yield self.not_verified(resource, reasons[0])
            return
        size = lt.volume_gib(mapping)
        volume = f"a {size} GiB volume" if size is not None else "a volume"
        unused_disk = "paid for and never used"
        if lt.user_data_type(data) is not None:
            unused_disk += " unless the template's user data formats and mounts it"
        if lt.maps_device(data, XVDA):
            what = (f"{XVDA} is mapped too, so the {XVDCZ} volume is {unused_disk}; remove its "
                    "mapping")
        else:
            what = (f"the {XVDCZ} volume is {unused_disk}, and the root keeps its default size; "
                    f"map {XVDA} instead")
        yield self.finding(resource, f"compute environment `{resource.name}` uses "
                           f"{lt.describe(resource)}, which maps {volume} at {XVDCZ} (the Amazon "
                           f"Linux 1 Docker volume), but {unused[0]} keeps Docker's data on the "
                           f"root volume {XVDA}: {what}", "computeResources.launchTemplate")


def _verdict(ctx: Context, ce: Resource, image: lt.Image) -> tuple[str, str]:
    """("unused", the AMI) when the AMI never uses /dev/xvdcz, ("used", "") or ("unknown", why)."""
    if image.image_id is None:
        return ("used", "") if lt.is_al1(image.image_type) else (
            "unused", image.batch_ami)
    found = ctx.model.lookup(m.IMAGE, image.image_id, m.IMAGES, ce.account, ce.region)
    if not isinstance(found, Resource):
        return "unknown", (f"whether pinned AMI `{image.image_id}` uses {XVDCZ} is not "
                           f"known: {lt.why(found)}")
    ami = f"AMI `{image.image_id}` ({found.data.get('Name', 'no name')})"
    if lt.is_al1_image(found) or lt.maps_device(found.data, XVDCZ):
        return "used", ""
    if lt.image_name_matches(found, lt.ROOT_DOCKER_IMAGE_NAMES):
        return "unused", ami
    return "unknown", (f"{ami} is a custom AMI that maps no {XVDCZ} itself; whether it uses "
                       "the volume the launch template adds cannot be told from the data")
