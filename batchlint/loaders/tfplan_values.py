"""Reading one resource instance of a Terraform plan: known values, and why the others are not.

:class:`Reader` gives an attribute's planned value; when the plan knows it only after
apply, it follows the configuration's references to a resource of the plan (whose
identity the model knows: ``aws_iam_role.batch.arn`` → that role) or records, at the
API path the value would have, why it is not known, in Terraform's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batchlint.loaders.tfplan_refs import Instance, Outside, PlanIndex, Target
from batchlint.model import Json, Pointer
from batchlint.syntax import Written

# blocks written at most once: `compute_resources.instance_role`, not `compute_resources[0]…`
SINGLE_BLOCKS = {
    "compute_resources", "launch_template", "eks_configuration", "update_policy",
    "retry_strategy", "timeout", "fair_share_policy", "eks_properties", "pod_properties",
    "resources", "security_context", "iam_instance_profile", "ebs", "metadata",
    "instance_market_options", "fargate_platform_configuration",
}

# nested blocks: a dynamic block is missing from the plan's configuration, so a block that
# is not there may well be set; only blocks the provider computes when unset are then unset
BLOCKS = SINGLE_BLOCKS | {
    "compute_environment_order", "job_state_time_limit_action", "evaluate_on_exit",
    "containers", "init_containers", "env", "share_distribution", "block_device_mappings",
    "network_interfaces", "inline_policy", "ec2_configuration", "tag_specifications",
    "volumes", "volume_mounts", "metadata_options",
}
COMPUTED_BLOCKS = {"ec2_configuration", "metadata_options"}

LAUNCH_TEMPLATE_VERSION = 1  # the version number a plan's launch template has in the model


def display(path: tuple[str | int, ...]) -> str:
    """``("compute_resources", 0, "instance_role")`` → ``compute_resources.instance_role``."""
    out = ""
    previous: str | int = ""
    for step in path:
        if isinstance(step, int):
            if not (step == 0 and previous in SINGLE_BLOCKS):
                out += f"[{step}]"
        else:
            out += f".{step}" if out else step
        previous = step
    return out


def identity(target: Target) -> str | None:
    """What a reference to a plan resource stands for in the model (None: not known)."""
    inst, attribute = target.instance, target.attribute
    path = inst.value("path")
    path = path if isinstance(path, str) and path.startswith("/") else "/"
    kind = {"aws_iam_role": "role", "aws_iam_instance_profile": "instance-profile",
            "aws_iam_policy": "policy"}.get(inst.type)
    if kind == "role" and attribute in ("id", "name"):  # a role's name is no ARN: a profile
        return Written(inst.address, f"the name of role `{inst.address}`")  # may share it
    if kind is not None and attribute in ("", "arn", "id", "name"):
        return f"arn:aws:iam:::{kind}{path}{inst.address}"
    if inst.type == "aws_launch_template":
        if attribute in ("", "id", "name", "arn"):
            return inst.address
        if attribute == "latest_version" or (attribute == "default_version"
                                             and inst.actions == ("create",)):
            which = "latest" if attribute == "latest_version" else "default"
            # the version the plan describes, named in messages as the configuration does
            return Written(str(LAUNCH_TEMPLATE_VERSION), f"the {which} version (`{attribute}`)")
        return None
    if inst.type.startswith("aws_batch_") and attribute in ("", "arn", "id", "name"):
        return inst.address  # Batch resources of a plan are named by their address
    return None


def _names(instances: tuple[Instance, ...]) -> str:
    named = ", ".join(f"`{i.address}`" for i in instances[:4])
    return named + (f" and {len(instances) - 4} more" if len(instances) > 4 else "")


def reason(attribute: str, origins: list[Target | Outside]) -> str:
    """Why an attribute is not known before apply, in the user's words: the most telling
    origin first (an instance the plan leaves open, a data source, another value)."""
    for origin in origins:
        if isinstance(origin, Outside) and origin.candidates:
            return (f"`{attribute}` is known only after apply: it names one of "
                    f"{_names(origin.candidates)}, and the plan does not say which")
    for origin in origins:
        if isinstance(origin, Outside) and ".data." in f".{origin.text}":
            return f"`{attribute}` comes from `{origin.text}`, which is read only at apply"
    targets = [o for o in origins if isinstance(o, Target)]
    if len(targets) > 1:
        named = ", ".join(f"`{t.instance.address}.{t.attribute}`".replace(".`", "`")
                          for t in targets[:4])
        return (f"`{attribute}` is known only after apply: it is one of {named}, and the "
                "plan does not say which")
    for origin in origins:
        if isinstance(origin, Outside):
            return f"`{attribute}` comes from `{origin.text}`, known only after apply"
        if identity(origin) is None:
            what = f"{origin.instance.address}.{origin.attribute}".rstrip(".")
            return f"`{attribute}` is `{what}`, known only after apply"
    return f"`{attribute}` is known only after apply"


def hcl(origins: list[Target | Outside]) -> str | None:
    """The value as the user wrote it, when it is one reference: ``${aws_iam_role.x.arn}``."""
    if len(origins) != 1 or (isinstance(origins[0], Outside) and origins[0].candidates):
        return None
    origin = origins[0]
    text = origin.ref or origin.text if isinstance(origin, Outside) else \
        f"{origin.instance.address}.{origin.attribute}".rstrip(".")
    return f"${{{text}}}"


class Reader:
    """Reads one instance into its API shape; ``unknown`` collects what apply decides."""

    def __init__(self, index: PlanIndex, inst: Instance):
        self.index = index
        self.inst = inst
        self.unknown: dict[Pointer, str] = {}
        # each API field → the attribute it was read from: where findings on it point
        self.fields: dict[Pointer, tuple[str | int, ...]] = {}

    def get(self, api: Pointer, *path: str | int, text: bool = False,
            ref: bool = False, whole: bool = True) -> Json:
        """The planned value (None when null or unknown). Known only after apply, an
        attribute that is a reference (``ref``) to one resource of the plan is that
        resource; else it is recorded as unknown at ``api`` and, for a string (``text``),
        written as the user's reference (``${aws_iam_role.x.arn}``). An attribute the
        configuration leaves out is the provider's to compute: not set. ``whole``: a
        reference that names no attribute stands for the resource (``x[each.key].id``
        reaches a plan as ``x`` alone); not so for a value such as a version number."""
        self.fields.setdefault(api, path)
        inst = self.inst
        if not inst.is_unknown(*path):
            return inst.value(*path)
        if self.unset(*path):
            return None
        origins = self.index.origins(inst, *path)
        if ref and len(origins) == 1 and isinstance(origins[0], Target) and (
                origins[0].attribute or whole):
            found = identity(origins[0])
            if found is not None:
                return found
        self.unknown[api] = self.index.why(inst, path) or reason(display(path), origins)
        return hcl(origins) if text else None

    def encoded(self, api: Pointer, *path: str | int) -> Json:
        """The known parts of a JSON document the plan knows only after apply (None: not
        said; a plan does not say them)."""
        return None

    def unset(self, *path: str | int) -> bool:
        """The configuration of the enclosing block is known and does not set the attribute
        (a dynamic block's configuration is not in the plan: then nothing is known)."""
        if not self.inst.expressions:
            return False
        block = self.inst.expression(*path[:-1]) if len(path) > 1 else self.inst.expressions
        step = path[-1]
        if isinstance(step, int):  # an element of a list: the list is set or not
            return False
        if step in BLOCKS and step not in COMPUTED_BLOCKS:
            return False
        return block is not None and step not in block

    def put(self, out: dict[str, Any], key: str, api: Pointer, *path: str | int,
            text: bool = False, ref: bool = False, whole: bool = True) -> None:
        """``out[key]`` = the attribute, when it has a value."""
        value = self.get(api, *path, text=text, ref=ref, whole=whole)
        if value is not None:
            out[key] = value

    def blocks(self, api: Pointer, *path: str | int) -> list[Mapping[str, Json]] | None:
        """A nested block list; None (recorded) when the blocks are known only after apply."""
        self.fields.setdefault(api, path)
        if self.inst.is_unknown(*path) and self.unset(*path):
            return []
        if self.inst.is_unknown(*path):
            self.unknown[api] = reason(display(path), [])
            return None
        value = self.inst.value(*path)
        return [b for b in value if isinstance(b, Mapping)] if isinstance(value, list) else []

    def configured(self, *path: str | int) -> bool:
        """The configuration sets the attribute (static blocks only)."""
        return self.inst.expression(*path) is not None
