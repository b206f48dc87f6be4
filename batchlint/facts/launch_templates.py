"""A compute environment's launch template version, AMI and image type.

``resolve_version`` turns ``computeResources.launchTemplate`` into the
launch-template-version resource Batch uses, or says why it cannot
(:class:`Absent` / :class:`Unknown`). ``images`` lists the AMIs the environment
runs (one per ``ec2Configuration`` entry) and where each is chosen.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from batchlint import model as m
from batchlint.facts.compute import is_eks, resources_of
from batchlint.facts.jobdefs import REDACTED
from batchlint.jsonvalues import integer
from batchlint.model import Absent, Json, Lookup, Model, Resource, Unknown
from batchlint.syntax import Written
from batchlint.unknowns import known_text, plain

AL1 = "ECS_AL1"
ROOT_DEVICE = "/dev/xvda"  # AL2 and AL2023: one root volume that also holds Docker's data
AL1_DOCKER_DEVICE = "/dev/xvdcz"  # AL1: a separate Docker volume (devicemapper thin pool)
DEFAULT_ROOT_GIB = 30  # AL2 / AL2023 ECS-optimized AMIs
AL1_DOCKER_GIB = 22  # AL1 ECS-optimized AMI, 2015.09.d and later
AL1_IMAGE_NAME = "amzn-ami-*-amazon-ecs-optimized"


def reference(ce: Resource) -> Mapping[str, Json] | None:
    """``computeResources.launchTemplate``, or None when the environment has none."""
    spec = resources_of(ce).get("launchTemplate")
    if not isinstance(spec, Mapping):
        return None
    if not _ref(spec):
        return None
    return spec


def describe(ce: Resource) -> str:
    """``launch template `lt-0abc` version $Default``, for messages; a version its source
    writes in words (``!GetAtt LT.LatestVersionNumber``) is named in those."""
    spec = reference(ce) or {}
    version = spec.get("version")
    if isinstance(version, Written):
        return f"{version.words} of launch template `{_ref(spec)}`"
    return f"launch template `{_ref(spec)}` version {_version(spec)}"


def resolve_version(model: Model, ce: Resource) -> Lookup | None:
    """The launch template version the environment launches with; None without a template.

    ``$Default`` (or no version) is the version flagged ``DefaultVersion`` or the
    template's ``DefaultVersionNumber``; ``$Latest`` is the template's
    ``LatestVersionNumber`` when the template is given, else the highest version
    present; a number is that version.
    """
    spec = reference(ce)
    if spec is None:
        return None
    ref, version = _ref(spec), _version(spec)
    versions = model.find_all(m.LAUNCH_TEMPLATE_VERSION, ref, ce.account, ce.region)
    template = model.find(m.LAUNCH_TEMPLATE, ref, ce.account, ce.region)
    number: int | None = None
    if version == "$Default":
        flagged = [v for v in versions if v.data.get("DefaultVersion") is True]
        if flagged:
            return flagged[0]
        number = integer(template.data.get("DefaultVersionNumber")) if template else None
    elif version == "$Latest":
        if template is not None:
            number = integer(template.data.get("LatestVersionNumber"))
        else:
            numbered = [v for v in versions if integer(v.data.get("VersionNumber")) is not None]
            if numbered:
                return max(numbered, key=lambda v: v.data["VersionNumber"])
    elif version.isdigit():
        number = int(version)
    else:
        return Unknown(f"{describe(ce)}: the version is not a number, $Default or $Latest")
    for found in versions:
        if number is not None and integer(found.data.get("VersionNumber")) == number:
            return found
    return model.missing(m.LAUNCH_TEMPLATES, ce.account, ce.region, describe(ce))


def template_data(version: Resource | None) -> Mapping[str, Json]:
    """``LaunchTemplateData`` of a version, or an empty mapping."""
    data = version.data.get("LaunchTemplateData") if version is not None else None
    return data if isinstance(data, Mapping) else {}


def block_device(data: Mapping[str, Json], device: str) -> Mapping[str, Json] | None:
    """The ``BlockDeviceMappings`` entry (of a template or an image) for ``device``."""
    for mapping in data.get("BlockDeviceMappings") or []:
        if isinstance(mapping, Mapping) and mapping.get("DeviceName") == device:
            return mapping
    return None


def volume_gib(mapping: Mapping[str, Json] | None) -> int | None:
    """``Ebs.VolumeSize`` of a block device mapping, when set."""
    ebs = mapping.get("Ebs") if mapping is not None else None
    size = ebs.get("VolumeSize") if isinstance(ebs, Mapping) else None
    return integer(size)


def why(lookup: Absent | Unknown) -> str:
    """The reason a lookup gives for a not-verified result."""
    if isinstance(lookup, Absent):
        return f"{lookup.what} does not exist in the data given, which is complete"
    return lookup.reason


# -- image types and AMIs -----------------------------------------------------


def default_image_type(ce: Resource) -> str:
    """The image type Batch uses when ``ec2Configuration`` sets none (AL2023 since 2026-01-12)."""
    return "EKS_AL2023" if is_eks(ce) else "ECS_AL2023"


def configurations(ce: Resource) -> list[Mapping[str, Json]]:
    """The ``ec2Configuration`` entries (objects only)."""
    entries = resources_of(ce).get("ec2Configuration") or []
    return [e for e in entries if isinstance(e, Mapping)]


def is_al1(image_type: str) -> bool:
    return image_type.upper() == AL1


def is_al1_image(image: Resource) -> bool:
    """An Amazon Linux 1 ECS-optimized AMI, by its name (``amzn-ami-*-amazon-ecs-optimized``)."""
    name = image.data.get("Name")
    return isinstance(name, str) and fnmatchcase(name, AL1_IMAGE_NAME)


def docker_device(image_type: str) -> str:
    """The device holding Docker's images and containers on Batch's AMI of that type."""
    return AL1_DOCKER_DEVICE if is_al1(image_type) else ROOT_DEVICE


@dataclass(frozen=True)
class Image:
    """An AMI a compute environment runs.

    ``image_id`` None means Batch's own AMI for ``image_type``; ``path`` is where
    the AMI is chosen; ``unknown`` says why the AMI cannot be known (the launch
    template that may pin it is not in the data).
    """

    image_type: str
    image_id: str | None
    path: str
    unknown: str | None = None
    defaulted: bool = False  # no imageType set: Batch's default of the creation day

    @property
    def batch_ami(self) -> str:
        """How messages name Batch's own AMI for the image type."""
        if self.defaulted and self.image_type.endswith("_AL2023"):
            platform = self.image_type.split("_", 1)[0]
            return (f"Batch's default {platform} AMI (Amazon Linux 2 or 2023, by the day the "
                    "environment was created)")
        return f"Batch's {self.image_type} AMI"


def images(ce: Resource, version: Lookup | None) -> list[Image]:
    """The AMIs the environment runs, one per distinct ``ec2Configuration`` entry.

    Precedence: ``imageIdOverride``, then ``computeResources.imageId``, then the
    launch template's ``ImageId`` (``version`` from :func:`resolve_version`), then
    Batch's AMI for the image type.
    """
    cr = resources_of(ce)
    entries = configurations(ce) or [{}]
    lt_image = template_data(version if isinstance(version, Resource) else None).get("ImageId")
    out: list[Image] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for i, entry in enumerate(entries):
        image_type = entry.get("imageType")
        kind = image_type.upper() if isinstance(image_type, str) else default_image_type(ce)
        override, image_id = entry.get("imageIdOverride"), cr.get("imageId")
        if isinstance(override, str) and override:
            image = Image(kind, override, f"computeResources.ec2Configuration[{i}].imageIdOverride")
        elif isinstance(image_id, str) and image_id:
            image = Image(kind, image_id, "computeResources.imageId")
        elif isinstance(version, Absent | Unknown):
            image = Image(kind, None, "computeResources.launchTemplate", why(version))
        elif isinstance(lt_image, str) and lt_image:
            image = Image(kind, lt_image, "computeResources.launchTemplate")
        else:
            image = Image(kind, None, f"computeResources.ec2Configuration[{i}].imageType",
                          defaulted=not isinstance(image_type, str))
        if (kind, image.image_id, image.unknown) not in seen:
            seen.add((kind, image.image_id, image.unknown))
            out.append(image)
    return out


# -- lookups ------------------------------------------------------------------


def _ref(spec: Mapping[str, Json]) -> str:
    for key in ("launchTemplateId", "launchTemplateName"):
        value = spec.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _version(spec: Mapping[str, Json]) -> str:
    version = spec.get("version")
    if isinstance(version, int) and not isinstance(version, bool):
        return str(version)
    return version.strip() if isinstance(version, str) and version.strip() else "$Default"


# -- Amazon Linux 2, AMI devices and user data (BL105, BL106, BL112) ------------------

# Amazon's AL2 AMIs by name: ECS-optimized (amzn2-ami-ecs-hvm-*, -gpu-, -inf-,
# -kernel-5.10-) and EKS-optimized (amazon-eks-node-1.29-v…, -gpu-, -arm64-; the
# AL2023 ones are amazon-eks-node-al2023-*).
AL2_IMAGE_NAMES = ("amzn2-ami-ecs-*", "amazon-eks-node-[0-9]*", "amazon-eks-gpu-node-[0-9]*",
                   "amazon-eks-arm64-node-[0-9]*")
# Amazon's AL2 and AL2023 ECS/EKS AMIs: one root volume that also holds Docker's data.
ROOT_DOCKER_IMAGE_NAMES = (*AL2_IMAGE_NAMES, "al2023-ami-ecs-*", "amazon-eks-node-al2023-*")


def is_al2_image_type(image_type: str) -> bool:
    """``ECS_AL2``, ``ECS_AL2_NVIDIA`` or ``EKS_AL2*`` (not the AL2023 types)."""
    kind = image_type.upper()
    if kind.startswith("EKS_AL2"):
        return not kind.startswith("EKS_AL2023")
    return kind in ("ECS_AL2", "ECS_AL2_NVIDIA")


def image_name_matches(image: Resource, patterns: tuple[str, ...]) -> bool:
    name = image.data.get("Name")
    return isinstance(name, str) and any(fnmatchcase(name, p) for p in patterns)


def is_al2_image(image: Resource) -> bool:
    """An Amazon Linux 2 ECS- or EKS-optimized AMI, by its name."""
    return image_name_matches(image, AL2_IMAGE_NAMES)


def maps_device(data: Mapping[str, Json], device: str) -> bool:
    """``BlockDeviceMappings`` (of a template or an image) attaches a volume at ``device``.

    A mapping with ``NoDevice`` suppresses the device rather than adding one.
    """
    mapping = block_device(data, device)
    return mapping is not None and "NoDevice" not in mapping


def user_data_type(data: Mapping[str, Json]) -> str | None:
    """The MIME content type of a launch template's ``UserData``; None without user data.

    ``UserData`` is base64 (a value that is not is read as the text itself). Only the header
    block is read, so a snapshot, which keeps just the MIME headers, gives the same answer.
    ``""`` means no ``Content-Type`` header: a plain script or cloud-config, binary (gzip)
    data, or the snapshot's ``<redacted>`` marker (the exporter found no such header)."""
    raw = data.get("UserData")
    return _content_type(raw) if isinstance(raw, str) and raw.strip() else None


@functools.lru_cache(maxsize=256)  # many templates' versions carry the same user data
def _content_type(raw: str) -> str:
    from email.parser import HeaderParser  # the email package costs 5 ms at start-up
    headers = HeaderParser().parsestr(_text(raw), headersonly=True)
    return headers.get_content_type() if "Content-Type" in headers else ""


def _text(raw: str) -> str:  # "" for binary data or the snapshot's marker
    try:
        return base64.b64decode("".join(raw.split()), validate=True).decode("utf-8")
    except UnicodeDecodeError:  # binary, such as gzip
        return ""
    except ValueError:  # not base64 (binascii.Error, or not ASCII): the text itself
        return "" if raw == REDACTED else raw


def user_data(version: Resource | None) -> tuple[str | None, str]:
    """:func:`user_data_type` of a version, or why its headers are not known: a part not known
    (``${…}``) comes before their end (a line cut where it may be a header is one, with ":")."""
    from email.parser import HeaderParser as Parser  # the email package costs 5 ms at start-up
    why = version.unknown.get(("LaunchTemplateData", "UserData"), "") if version else ""
    cut = _text(raw).split("${", 1) if why and isinstance(
        raw := plain(template_data(version)).get("UserData"), str) else []
    if why and not (cut[1:] and Parser().parsestr(cut[0] + ":", headersonly=True).get_payload()):
        return None, why  # the known text ends before the headers do: nothing follows them
    with known_text():  # the headers known, a later part of the user data not
        return user_data_type(template_data(version)), ""
