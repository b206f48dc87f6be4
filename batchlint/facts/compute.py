"""Facts about compute environments and instance types that several rules share."""

from __future__ import annotations

import re
from collections.abc import Mapping

from batchlint import model as m
from batchlint.jsonvalues import mapping
from batchlint.model import Json, Model, Resource
from batchlint.syntax import quoted

EC2_TYPES = ("EC2", "SPOT")
FARGATE_TYPES = ("FARGATE", "FARGATE_SPOT")
SPOT_TYPES = ("SPOT", "FARGATE_SPOT")

# Graviton families: a generation digit followed by "g" (m6g, c7gn, r8gd, im4gn,
# is4gen, x2gd, g5g, t4g, hpc7g), plus a1 and the default_arm64 keyword.
_ARM_FAMILY = re.compile(r"^[a-z]+\d+g[a-z]*$")
_ARM_KEYWORDS = {"a1", "default_arm64"}
_X86_KEYWORDS = {"optimal", "default_x86_64"}


def resources_of(ce: Resource) -> Mapping[str, Json]:
    """The ``computeResources`` block, or an empty mapping."""
    return mapping(ce.data.get("computeResources"))


def spot_environments(model: Model, account: str | None, region: str | None) -> list[str]:
    """The names of the enabled Spot (EC2 or Fargate) compute environments of an account
    and region, sorted."""
    return sorted(ce.name for ce in model.in_region(m.COMPUTE_ENVIRONMENT, account, region)
                  if is_enabled(ce) and compute_type(ce) in SPOT_TYPES)


def compute_type(ce: Resource) -> str | None:
    """EC2, SPOT, FARGATE or FARGATE_SPOT; None for unmanaged environments."""
    value = resources_of(ce).get("type")
    return value.upper() if isinstance(value, str) else None


def is_managed(ce: Resource) -> bool:
    return str(ce.data.get("type", "MANAGED")).upper() == "MANAGED"


def is_managed_ec2(ce: Resource) -> bool:
    """A managed environment that launches EC2 instances (EC2 or SPOT)."""
    return is_managed(ce) and compute_type(ce) in EC2_TYPES


def is_eks(ce: Resource) -> bool:
    """An environment whose instances are Amazon EKS nodes (kubelet, not the ECS agent)."""
    orchestration = str(ce.data.get("containerOrchestrationType", "")).upper()
    return orchestration == "EKS" or isinstance(ce.data.get("eksConfiguration"), Mapping)


def is_enabled(res: Resource) -> bool:
    return str(res.data.get("state", "ENABLED")).upper() == "ENABLED"


def is_usable(ce: Resource) -> bool:
    """Enabled and not INVALID: a queue can place jobs on it."""
    return is_enabled(ce) and str(ce.data.get("status", "VALID")).upper() != "INVALID"


def instance_types(ce: Resource) -> list[str]:
    types = resources_of(ce).get("instanceTypes") or []
    return [t for t in types if isinstance(t, str)]


def family(instance_type: str) -> str:
    """``m5.large`` → ``m5``; a family or keyword stays as it is."""
    return instance_type.split(".", 1)[0].lower()


def architecture(instance_type: str, model: Model | None = None) -> str:
    """``arm64`` or ``x86_64``, from instance-type data when given, else from the name."""
    if model is not None and "." in instance_type:
        known = model.find(m.INSTANCE_TYPE, instance_type)
        if known is not None:
            archs = (known.data.get("ProcessorInfo") or {}).get("SupportedArchitectures") or []
            if "arm64" in archs:
                return "arm64"
            if archs:
                return "x86_64"
    fam = family(instance_type)
    if fam in _ARM_KEYWORDS or _ARM_FAMILY.match(fam):
        return "arm64"
    return "x86_64"


def resolve_compute_environment(model: Model, ref: str, queue: Resource) -> Resource | None:
    """A queue's ``computeEnvironment`` may be a name or an ARN."""
    return model.find(m.COMPUTE_ENVIRONMENT, ref, queue.account, queue.region)


def _order(entry: Mapping[str, Json]) -> int:
    value = entry.get("order")
    return value if isinstance(value, int) else 0


def queue_compute_environments(model: Model, queue: Resource) -> tuple[list[Resource], list[str]]:
    """(environments found, references not in the data) of a queue, in order (found once
    per model and queue: four rules ask)."""
    found, missing = queue.cached(f"environments:{id(model)}",
                                  lambda: _queue_environments(model, queue))
    return list(found), list(missing)


def _queue_environments(model: Model, queue: Resource
                        ) -> tuple[tuple[Resource, ...], tuple[str, ...]]:
    order = queue.data.get("computeEnvironmentOrder") or []
    entries = sorted((e for e in order if isinstance(e, Mapping)), key=_order)
    found, missing = [], []
    for entry in entries:
        ref = entry.get("computeEnvironment")
        if not isinstance(ref, str):
            continue
        ce = resolve_compute_environment(model, ref, queue)
        if ce is None:
            missing.append(ref)
        else:
            found.append(ce)
    return tuple(found), tuple(missing)


def missing_environments(model: Model, missing: list[str], then: str = "") -> str:
    """Says that a queue's environments ``missing`` are not in the data, and ``then`` what
    follows; for a template or a plan, also that only the account has them."""
    iac, named = model.iac_words, f"compute environment(s) {quoted(missing)} are not in the"
    if iac:
        return (f"{named} {iac}{then}: only the account has them (scan the account, live or "
                "from a snapshot)")
    return f"{named} data given{then}"
