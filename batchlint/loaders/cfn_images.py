"""The public SSM parameters of Amazon's ECS-optimized AMIs, as images in a template's view.

A template that takes its AMI from ``AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>``
(or ``AWS::SSM::Parameter::Value<String>``: CloudFormation substitutes the Parameter Store
value for both, only its validation differs) with a default such as
``/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id`` names an image family
as surely as an image id would: Amazon Linux 1 (``amazon-linux``), 2 (``amazon-linux-2``,
its ``gpu``, ``arm64``, ``inf`` and ``kernel-5.10`` variants) or
2023 (``amazon-linux-2023``, likewise). The image is added under the parameter's path, with
a name of that family and its disk layout (AL1: 8 GiB root and Docker's 22 GiB
``/dev/xvdcz``; AL2/AL2023: one 30 GiB root at ``/dev/xvda``), so the image rules read it
like an AMI from ``ec2 describe-images``. That name is a representative of the family, not
the image the parameter resolves to: messages name the image by its parameter instead.

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-ami-storage-config.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#aws-ssm-parameter-types
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from batchlint import model as m
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.model import Json
from batchlint.syntax import Written

_ECS_PATH = re.compile(r"^/aws/service/ecs/optimized-ami/(amazon-linux(?:-2023|-2)?)(/[^/]+)*"
                       r"/recommended(?:/image_id)?$")
_NAMES = {  # a representative name of each family, as describe-images gives it
    "amazon-linux": "amzn-ami-2018.03.20240319-amazon-ecs-optimized",
    "amazon-linux-2": "amzn2-ami-ecs-hvm-2.0.20241115-x86_64-ebs",
    "amazon-linux-2-gpu": "amzn2-ami-ecs-gpu-hvm-2.0.20241115-x86_64-ebs",
    "amazon-linux-2023": "al2023-ami-ecs-hvm-2023.0.20241115-kernel-6.1-x86_64",
    "amazon-linux-2023-gpu": "al2023-ami-ecs-gpu-hvm-2023.0.20241115-kernel-6.1-x86_64",
}
_ROOT = "/dev/xvda"
_SSM_IMAGE_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
_SSM_STRING_TYPE = "AWS::SSM::Parameter::Value<String>"


def image_for(path: str) -> dict[str, Json] | None:
    """The image a public ECS-optimized AMI parameter names; None for any other path."""
    match = _ECS_PATH.match(path)
    if match is None:
        return None
    family = match.group(1)
    gpu = "/gpu/" in path
    name = _NAMES.get(f"{family}-gpu" if gpu else family, _NAMES[family])
    if "/arm64/" in path:
        name = name.replace("x86_64", "arm64")
    disks: list[Json] = [{"DeviceName": _ROOT, "Ebs": {"VolumeSize": 30, "VolumeType": "gp2"}}]
    if family == "amazon-linux":
        disks = [{"DeviceName": _ROOT, "Ebs": {"VolumeSize": 8, "VolumeType": "gp2"}},
                 {"DeviceName": "/dev/xvdcz", "Ebs": {"VolumeSize": 22, "VolumeType": "gp2"}}]
    return {"ImageId": path, "Name": name, "RootDeviceName": _ROOT,
            "BlockDeviceMappings": disks, "Description": f"public SSM parameter {path}"}


def ssm_image_path(param: Mapping[str, Json]) -> str | None:
    """The SSM path (the default) whose Parameter Store value is the parameter's, when that
    value is an AMI id: any default of an ``AWS::EC2::Image::Id`` parameter, and a default
    naming an ECS-optimized AMI (:func:`image_for`) of a ``String`` one (which may hold
    anything else: a subnet's id, a role's ARN). None for any other parameter, and for a
    NoEcho one, whose value is not read."""
    default, kind = param.get("Default"), param.get("Type")
    if not isinstance(default, str) or str(param.get("NoEcho")).lower() == "true":
        return None
    if kind == _SSM_IMAGE_TYPE or (kind == _SSM_STRING_TYPE and image_for(default) is not None):
        return default
    return None


def add_public_images(doc: Document, builder: ModelBuilder, template: Mapping[str, Json]) -> None:
    """Add the image of every ECS-optimized AMI parameter default of the template."""
    parameters = template.get("Parameters")
    if not isinstance(parameters, Mapping):
        return
    for name, param in parameters.items():
        default = ssm_image_path(param) if isinstance(param, Mapping) else None
        image = image_for(default) if default is not None else None
        if image is not None:  # its name stands for the family's: messages name the parameter
            image["Name"] = Written(str(image["Name"]),
                                    f"the AMI of parameter `{name}` (default `{default}`)")
            builder.add(doc, m.IMAGE, ("Parameters", name, "Default"), image)
