"""What a managed EC2/SPOT environment's instances boot: its launch template and AMIs.

:func:`nodes` is the scope the AMI, disk and launch template rules (BL103-BL106,
BL112, BL115) start from: the environment's resolved launch template version, or
why it is not known, and each AMI it runs with the pinned AMI's description (or
why that is not known). It is resolved once per environment and model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import family, instance_types, is_managed_ec2
from batchlint.facts.instance_catalog import known_architecture
from batchlint.model import Absent, Json, Model, Resource, Unknown
from batchlint.syntax import Written
from batchlint.unknowns import known_text

XVDA, XVDCZ = lt.ROOT_DEVICE, lt.AL1_DOCKER_DEVICE


@dataclass(frozen=True)
class Ami:
    """One AMI the environment boots (:class:`launch_templates.Image`) and, when it is
    pinned, its description from the data given (``described``) or why that is missing."""

    image: lt.Image
    described: Resource | None = None
    missing: str = ""  # why a pinned AMI's description is not known
    # the image id is an SSM parameter path, written as the value itself or the default of
    # a parameter CloudFormation reads from SSM (written by the loader): ``missing`` says so
    not_an_ami: bool = False

    @property
    def name_unknown(self) -> str:
        """Why the AMI's name cannot be read, in the words messages use; "" when it can (or
        the AMI is Batch's own)."""
        if self.image.unknown:
            return f"the launch template may pin the AMI, and {self.image.unknown}"
        if self.not_an_ami:
            return self.missing
        if self.missing:
            return f"the name of pinned AMI `{self.image.image_id}` is not known: {self.missing}"
        return ""

    @property
    def label(self) -> str:
        """``AMI `ami-1` (its name)`` for a pinned AMI, else Batch's AMI for the image type; an
        image whose name stands for another (a template's SSM parameter) by the source's words."""
        if self.image.image_id is None:
            return self.image.batch_ami
        name = self.described.data.get("Name", "no name") if self.described else "not known"
        return name.words if isinstance(name, Written) else f"AMI `{self.image.image_id}` ({name})"


@dataclass(frozen=True)
class Nodes:
    """A managed EC2/SPOT environment's launch template version and AMIs.

    ``version`` is None without a launch template or when it is not known;
    ``unknown`` then says why (``""`` when there is simply none).
    """

    ce: Resource
    model: Model
    version: Resource | None
    unknown: str

    @property
    def amis(self) -> tuple[Ami, ...]:
        """The AMIs it runs (read only when asked: a rule that needs only the template must
        not read the image fields, which may be unknown)."""
        lookup = self.version if self.version is not None else (
            Unknown(self.unknown) if self.unknown else None)
        return self.ce.cached(f"amis:{id(self.model)}", lambda: tuple(
            _ami(self.model, self.ce, image) for image in lt.images(self.ce, lookup)))

    @property
    def template(self) -> Mapping[str, Json]:
        """The version's ``LaunchTemplateData`` (empty without a template)."""
        return lt.template_data(self.version)

    @property
    def uses(self) -> str:
        """``compute environment `x` uses launch template `lt-1` version $Default``."""
        return f"compute environment `{self.ce.name}` uses {lt.describe(self.ce)}"


def nodes(model: Model, ce: Resource) -> Nodes | None:
    """The environment's nodes; None when it is not a managed EC2/SPOT environment (no AMI
    or launch template of its own)."""
    if not is_managed_ec2(ce):
        return None
    return ce.cached(f"nodes:{id(model)}", lambda: _resolve(model, ce))


def _resolve(model: Model, ce: Resource) -> Nodes:
    version = lt.resolve_version(model, ce)
    if isinstance(version, Absent | Unknown):
        return Nodes(ce, model, None, lt.why(version))
    return Nodes(ce, model, version, "")


def _ami(model: Model, ce: Resource, image: lt.Image) -> Ami:
    if image.image_id is None:
        return Ami(image)
    found = model.lookup(m.IMAGE, image.image_id, m.IMAGES, ce.account, ce.region)
    if isinstance(found, Resource):
        return Ami(image, found)
    if isinstance(image.image_id, Written):  # a parameter's SSM path: the loader says whose
        return Ami(image, None, f"the AMI comes from {image.image_id.words}, which batchlint "
                   "cannot resolve", not_an_ami=True)
    if image.image_id.startswith("/"):
        return Ami(image, None, _PARAMETER_PATH.format(path=image.image_id), not_an_ami=True)
    return Ami(image, None, lt.why(found))


# A literal SSM parameter path where an AMI id belongs (an ECS-optimized AMI's public
# parameter written as the value itself): nothing on the way resolves it. Batch's imageId
# and imageIdOverride take AMI ids (aws/containers-roadmap#2295 asks for parameters); EC2
# resolves a launch template's ImageId only written `resolve:ssm:<path>`; CloudFormation
# resolves `{{resolve:ssm:<path>}}` and parameters of an SSM parameter type, not a literal.
_PARAMETER_PATH = (
    "`{path}` is an SSM parameter path, not an AMI id: written as the value itself it is "
    "passed on unresolved (Batch's imageId takes AMI ids only; EC2 resolves a launch "
    "template's ImageId only when written `resolve:ssm:<path>`, CloudFormation only "
    "`{{{{resolve:ssm:<path>}}}}` or a parameter of type "
    "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>), so the AMI the instances would boot "
    "is not known")


# -- Docker's disk (BL103) ------------------------------------------------------------


@dataclass(frozen=True)
class DockerDisk:
    """The disk that holds Docker's data on an AMI's instances, and its size.

    ``gib`` is the launch template's ``VolumeSize`` for ``device`` when it maps one
    (``mapped``), else the AMI's own; None when neither is known (``unknown`` says why).
    ``device_known`` is False for a pinned AMI not in the data, whose root may differ.
    """

    device: str
    gib: int | None
    mapped: bool
    ami: str  # how messages name the AMI
    unknown: str = ""
    device_known: bool = True


def docker_disk(nodes: Nodes, ami: Ami) -> DockerDisk:
    """Docker's device and size: Batch's AMI by image type, a pinned AMI by its data, and
    the launch template's mapping of that device over either."""
    image = ami.image
    device = lt.docker_device(image.image_type)
    if image.image_id is None:
        own: int | None = lt.AL1_DOCKER_GIB if lt.is_al1(image.image_type) \
            else lt.DEFAULT_ROOT_GIB
        name, unknown = image.batch_ami, ""
    elif ami.described is None:
        return DockerDisk(device, None, False, f"AMI `{image.image_id}`", ami.missing,
                          device_known=False)
    else:
        data = ami.described.data
        root = data.get("RootDeviceName")
        device = XVDCZ if lt.is_al1_image(ami.described) else str(root or device)
        named = data.get("Name")  # a template's SSM parameter: named as the template does
        name = named.words if isinstance(named, Written) else f"AMI `{image.image_id}`"
        own = lt.volume_gib(lt.block_device(data, device))
        unknown = f"{name} gives no VolumeSize for {device}"
    mapped = lt.volume_gib(lt.block_device(nodes.template, device))
    if mapped is not None:
        return DockerDisk(device, mapped, True, name)
    return DockerDisk(device, own, False, name, unknown)


# -- /dev/xvdcz on AMIs that do not use it (BL106) ---------------------------------------


def xvdcz_use(ami: Ami) -> tuple[str, str]:
    """("unused", the AMI) when the AMI never uses /dev/xvdcz, ("used", "") or ("unknown",
    why): AL1 AMIs keep Docker's data there, Amazon's AL2 and AL2023 ones on the root."""
    image = ami.image
    if image.image_id is None:
        return ("used", "") if lt.is_al1(image.image_type) else ("unused", image.batch_ami)
    if ami.not_an_ami:
        return "unknown", f"whether the AMI uses {XVDCZ} is not known: {ami.missing}"
    if ami.described is None:
        return "unknown", (f"whether pinned AMI `{image.image_id}` uses {XVDCZ} is not "
                           f"known: {ami.missing}")
    if lt.is_al1_image(ami.described) or lt.maps_device(ami.described.data, XVDCZ):
        return "used", ""
    if lt.image_name_matches(ami.described, lt.ROOT_DOCKER_IMAGE_NAMES):
        return "unused", ami.label
    return "unknown", (f"{ami.label} is a custom AMI that maps no {XVDCZ} itself; whether it "
                       "uses the volume the launch template adds cannot be told from the data")


def xvdcz_volume(template: Mapping[str, Json]) -> Mapping[str, Json] | None:
    """The mapping that attaches an EBS volume at /dev/xvdcz; None for no mapping,
    ``NoDevice`` or an instance store."""
    mapping = lt.block_device(template, XVDCZ)
    if not lt.maps_device(template, XVDCZ) or not isinstance((mapping or {}).get("Ebs"), Mapping):
        return None
    return mapping


def xvdcz_unused(nodes: Nodes) -> tuple[str, str]:
    """(an AMI that never uses /dev/xvdcz, "") when the launch template attaches an EBS
    volume there and one of the environment's AMIs does not use it; else ("", why that
    is not known) for the first AMI not known, or ("", "")."""
    if xvdcz_volume(nodes.template) is None:
        return "", ""
    verdicts = [xvdcz_use(ami) for ami in nodes.amis]
    unused = [why for verdict, why in verdicts if verdict == "unused"]
    unknown = [why for verdict, why in verdicts if verdict == "unknown"]
    return (unused[0], "") if unused else ("", unknown[0] if unknown else "")


# -- launch template fields Batch ignores (BL112) ----------------------------------------


def _profile_name(ref: object) -> str:
    """``arn:…:instance-profile/path/name`` or ``name`` → ``name``."""
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else ""


def _same_profile(model: Model | None, named: str, role: object) -> bool:
    """Two references to one instance profile: by name, or (a template of the model) the
    same profile resource, which a configuration names by its name or by its ARN."""
    if _profile_name(named) == _profile_name(role):
        return True
    if model is None or not isinstance(role, str):
        return False
    found = [model.find(m.INSTANCE_PROFILE, ref) or model.find(m.INSTANCE_PROFILE,
                                                               _profile_name(ref))
             for ref in (named, role)]
    return found[0] is not None and found[0] is found[1]


def ignored_fields(data: Mapping[str, Json], instance_role: Callable[[], object],
                   model: Model | None = None) -> list[str]:
    """Each field of ``LaunchTemplateData`` Batch ignores, with its value and where Batch
    takes the setting from. ``instance_role`` reads the environment's ``instanceRole``
    (only when the template names a profile): a profile naming the same one changes
    nothing."""
    out = []
    with known_text():  # set is enough, whatever its value (`${InstanceType}`, a parameter)
        instance_type = data.get("InstanceType")
    if isinstance(instance_type, str) and instance_type:
        out.append(f"InstanceType `{instance_type}` (Batch launches the compute "
                   "environment's instanceTypes)")
    profile = data.get("IamInstanceProfile")
    named = profile.get("Arn") or profile.get("Name") if isinstance(profile, Mapping) else None
    if isinstance(named, str) and named and not _same_profile(model, named, instance_role()):
        out.append(f"IamInstanceProfile `{named}` (instances "
                   "get the compute environment's instanceRole)")
    interfaces = data.get("NetworkInterfaces")
    for i, nic in enumerate(interfaces if isinstance(interfaces, list) else []):
        if isinstance(nic, Mapping) and nic.get("SubnetId"):
            out.append(f"NetworkInterfaces[{i}].SubnetId `{nic['SubnetId']}` (instances go to "
                       "the compute environment's subnets)")
    market = data.get("InstanceMarketOptions")
    # Spot is the environment's to choose; a Capacity Block (`capacity-block`) is how a
    # launch template points Batch at reserved capacity, and is honoured
    if isinstance(market, Mapping) and market and \
            str(market.get("MarketType", "spot")).lower() == "spot":
        out.append(f"InstanceMarketOptions `{market.get('MarketType', '…')}` (Batch controls "
                   "Spot from the compute environment's type)")
    if data.get("DisableApiTermination") is True:
        out.append("DisableApiTermination (Batch must be able to terminate instances)")
    return out


# -- GPU instances and the NVIDIA image types (BL115) ------------------------------------

# NVIDIA GPU families: p2…p6 (p3dn, p4d, p5en, p6-b200), g3…g6 (g4dn, g6e) and gr6
_GPU_FAMILY = re.compile(r"^(p|g|gr)\d")
_AL2_ONLY = {"p3", "p3dn", "g3", "g3s"}  # ECS_AL2023_NVIDIA does not support them


def nvidia_instance_types(model: Model, ce: Resource) -> list[str]:
    """The environment's instance types (or families) that have NVIDIA GPUs (x86 ones: the
    arm64 g5g boots no NVIDIA image type)."""
    return [t for t in instance_types(ce) if _GPU_FAMILY.match(family(t))
            and known_architecture(t, model) != "arm64"]


def nvidia_image_type(ce: Resource, gpus: list[str]) -> str:
    """The image type for those GPU instances, in a message's words."""
    gpu_type = f"{lt.default_image_type(ce)}_NVIDIA"
    if gpu_type.startswith("ECS") and any(family(t) in _AL2_ONLY for t in gpus):
        gpu_type += " (ECS_AL2_NVIDIA for p3 and g3, which AL2023 does not support)"
    return gpu_type
