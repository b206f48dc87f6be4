"""What a region's compute environments and job definitions reference: launch templates,
AMIs, instance types, quotas, IAM roles and instance profiles (only these are read, not
whole accounts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from batchlint import model as m
from batchlint.facts import quotas
from batchlint.facts.execution_role import tasks
from batchlint.model import Json, Resource, arn_resource_name, parse_arn

SERVICE_LINKED_ROLE = "AWSServiceRoleForBatch"


def _resources(ce: Json) -> Mapping[str, Json]:
    cr = ce.get("computeResources") if isinstance(ce, Mapping) else None
    return cr if isinstance(cr, Mapping) else {}


def launch_template_specs(ces: Iterable[Json]) -> Iterator[Mapping[str, Json]]:
    for ce in ces:
        spec = _resources(ce).get("launchTemplate")
        if isinstance(spec, Mapping):
            yield spec
            for override in spec.get("overrides") or []:
                if isinstance(override, Mapping):
                    yield override


def image_ids(ces: Iterable[Json], versions: Iterable[Json]) -> set[str]:
    ids: set[str] = set()
    for ce in ces:
        cr = _resources(ce)
        ids.add(cr.get("imageId") or "")
        for conf in cr.get("ec2Configuration") or []:
            if isinstance(conf, Mapping):
                ids.add(conf.get("imageIdOverride") or "")
    for version in versions:
        ids.add((version.get("LaunchTemplateData") or {}).get("ImageId") or "")
    ids.discard("")
    return ids


def instance_type_patterns(ces: Iterable[Json]) -> set[str]:
    """``m5.large`` as it is; a family ``m5`` or a keyword as ``<family>.*``."""
    patterns: set[str] = set()
    for ce in ces:
        for itype in _resources(ce).get("instanceTypes") or []:
            if not isinstance(itype, str):
                continue
            if "." in itype:
                patterns.add(itype)
            else:
                patterns.update(f"{fam}.*" for fam in quotas.families(itype))
    return patterns


def quota_codes(ces: Iterable[Json]) -> set[str]:
    codes: set[str] = set()
    for ce in ces:
        cr = _resources(ce)
        kind = str(cr.get("type", "")).upper()
        if kind not in ("EC2", "SPOT"):
            continue
        for itype in cr.get("instanceTypes") or ["optimal"]:
            for fam in quotas.families(str(itype)):
                code = quotas.quota_code(fam, kind == "SPOT")
                if code:
                    codes.add(code)
    return codes


def iam_references(ces: Iterable[Json], account: str) -> tuple[set[str], set[str]]:
    """(role names, instance profile names) the environments of ``account`` name."""
    roles: set[str] = set()
    profiles: set[str] = set()
    for ce in ces:
        service_role = ce.get("serviceRole")
        roles.add(_local_name(service_role, account) if service_role else SERVICE_LINKED_ROLE)
        cr = _resources(ce)
        roles.add(_local_name(cr.get("spotIamFleetRole"), account))
        instance_role = cr.get("instanceRole")
        if isinstance(instance_role, str) and ":role/" in instance_role:
            roles.add(_local_name(instance_role, account))
        else:
            profiles.add(_local_name(instance_role, account))
    roles.discard("")
    profiles.discard("")
    return roles, profiles


def execution_roles(jobdefs: Iterable[Json], account: str) -> set[str]:
    """The names of the execution roles of ``account`` that the job definitions' tasks name."""
    roles: set[str] = set()
    for jd in jobdefs:
        if not isinstance(jd, Mapping):
            continue
        name = jd.get("jobDefinitionName")
        jobdef = Resource(m.JOB_DEFINITION, name if isinstance(name, str) else "", jd,
                          account=account)
        roles.update(_local_name(task.role, account) for task in tasks(jobdef))
    roles.discard("")
    return roles


def _local_name(ref: Json, account: str) -> str:
    """The name in ``ref`` when it belongs to ``account`` (other accounts are not readable)."""
    if not isinstance(ref, str) or not ref:
        return ""
    if ref.startswith("arn:"):
        _, _, owner = parse_arn(ref)
        return arn_resource_name(ref) if owner in (None, account) else ""
    return ref.rsplit("/", 1)[-1]
