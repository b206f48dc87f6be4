"""The batchlint snapshot format (``"batchlint_snapshot": 3``); see docs/snapshot-format.md.

Version 2 adds the network and placement data (subnets, route tables, VPC endpoints,
security groups, instance type offerings); version 1 is read as a snapshot that did
not collect them. Version 3 adds the roles' policy documents (``iam.policies``, the
inline ``PolicyDocument`` s) and ``iam-policies`` in ``notCollected``, a dataset a
reader of version 2 rejects: it refuses version 3 with "upgrade batchlint" instead.
Every older version is still read.

In a snapshot a dataset that is present is complete for its scope (the
exporter collected everything the rules need); a dataset that is absent was
not collected, and ``notCollected`` says why.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from batchlint import model as m
from batchlint.loaders.builder import Document, ModelBuilder, pointer_text
from batchlint.model import Json, Pointer
from batchlint.shapes import json_type

FORMAT_KEY = "batchlint_snapshot"
FORMAT_VERSION = 3
READS = (1, 2, 3)  # the versions this batchlint reads

# key in a region -> (kind, dataset whose presence makes it complete)
REGION_KEYS: dict[str, tuple[str, str | None]] = {
    "computeEnvironments": (m.COMPUTE_ENVIRONMENT, None),
    "jobQueues": (m.JOB_QUEUE, None),
    "jobDefinitions": (m.JOB_DEFINITION, None),
    "jobs": (m.JOB, m.JOBS),
    "launchTemplates": (m.LAUNCH_TEMPLATE, m.LAUNCH_TEMPLATES),
    "launchTemplateVersions": (m.LAUNCH_TEMPLATE_VERSION, m.LAUNCH_TEMPLATES),
    "images": (m.IMAGE, m.IMAGES),
    "instanceTypes": (m.INSTANCE_TYPE, m.INSTANCE_TYPES),
    "serviceQuotas": (m.SERVICE_QUOTA, m.SERVICE_QUOTAS),
    "subnets": (m.SUBNET, m.SUBNETS),
    "routeTables": (m.ROUTE_TABLE, m.ROUTE_TABLES),
    "vpcEndpoints": (m.VPC_ENDPOINT, m.VPC_ENDPOINTS),
    "securityGroups": (m.SECURITY_GROUP, m.SECURITY_GROUPS),
    "instanceTypeOfferings": (m.INSTANCE_TYPE_OFFERING, m.OFFERINGS),
}
DATASETS = (m.IAM, m.IAM_POLICIES, m.LAUNCH_TEMPLATES, m.IMAGES, m.INSTANCE_TYPES,
            m.SERVICE_QUOTAS, m.JOBS, m.SUBNETS, m.ROUTE_TABLES, m.VPC_ENDPOINTS,
            m.SECURITY_GROUPS, m.OFFERINGS)


def recognises(data: Json) -> bool:
    return isinstance(data, Mapping) and FORMAT_KEY in data


def load(doc: Document, builder: ModelBuilder) -> None:
    data = doc.data
    version = data[FORMAT_KEY]
    if version not in READS or isinstance(version, bool):
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            raise doc.fail((FORMAT_KEY,), f"snapshot format {version} is newer than this "
                                          f"batchlint reads ({FORMAT_VERSION}); upgrade batchlint")
        raise doc.fail((FORMAT_KEY,), f"{FORMAT_KEY} must be "
                                      f"{' or '.join(map(str, READS))}")
    if "collectedAt" in data:
        builder.collected_at = _timestamp(doc, data["collectedAt"])
    accounts = builder.expect_list(doc, ("accounts",), data.get("accounts", []))
    for a, account_data in enumerate(accounts):
        at: Pointer = ("accounts", a)
        account = _string(doc, (*at, "account"), _object(doc, at, account_data).get("account"))
        _load_not_collected(doc, builder, at, account, account_data.get("notCollected", []))
        _load_iam(doc, builder, at, account, account_data.get("iam"))
        regions = builder.expect_list(doc, (*at, "regions"), account_data.get("regions", []))
        for r, region_data in enumerate(regions):
            rat: Pointer = (*at, "regions", r)
            region_data = _object(doc, rat, region_data)
            region = _string(doc, (*rat, "region"), region_data.get("region"))
            for key, (kind, dataset) in REGION_KEYS.items():
                if key not in region_data:
                    continue
                builder.add_all(doc, kind, (*rat, key), region_data[key], account, region)
                partial = {(dataset, account, region), (dataset, account, None)}
                if dataset and not partial & builder.unavailable.keys():
                    builder.complete.add((dataset, account, region))


def _load_iam(doc: Document, builder: ModelBuilder, at: Pointer, account: str,
              iam: Json) -> None:
    if iam is None:
        return
    iam = _object(doc, (*at, "iam"), iam)
    builder.add_all(doc, m.IAM_ROLE, (*at, "iam", "roles"), iam.get("roles", []), account)
    profiles = builder.add_all(doc, m.INSTANCE_PROFILE, (*at, "iam", "instanceProfiles"),
                               iam.get("instanceProfiles", []), account)
    builder.add_profile_roles(doc, profiles)
    builder.add_all(doc, m.IAM_POLICY, (*at, "iam", "policies"), iam.get("policies", []), account)
    if iam.get("complete") is True and (m.IAM, account, None) not in builder.unavailable:
        builder.complete.add((m.IAM, account, None))


def _load_not_collected(doc: Document, builder: ModelBuilder, at: Pointer, account: str,
                        entries: Json) -> None:
    for i, entry in enumerate(builder.expect_list(doc, (*at, "notCollected"), entries)):
        eat: Pointer = (*at, "notCollected", i)
        entry = _object(doc, eat, entry)
        dataset = _string(doc, (*eat, "dataset"), entry.get("dataset"))
        if dataset not in DATASETS:
            raise doc.fail((*eat, "dataset"), f"{pointer_text((*eat, 'dataset'))} must be one "
                                              f"of {', '.join(DATASETS)}")
        region = entry.get("region")
        reason = _string(doc, (*eat, "reason"), entry.get("reason"))
        scope = (dataset, account, region if isinstance(region, str) else None)
        builder.unavailable[scope] = reason


def _object(doc: Document, at: Pointer, value: Json) -> Mapping[str, Json]:
    if not isinstance(value, Mapping):
        raise doc.fail(at, f"{pointer_text(at)} must be an object, not {json_type(value)}")
    return value


def _string(doc: Document, at: Pointer, value: Json) -> str:
    if not isinstance(value, str) or not value:
        raise doc.fail(at, f"{pointer_text(at)} must be a non-empty string")
    return value


def _timestamp(doc: Document, value: Json) -> datetime.datetime:
    try:
        stamp = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        stamp = None
    if stamp is None:
        raise doc.fail(("collectedAt",), "collectedAt must be an ISO 8601 time")
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=datetime.UTC)
