"""Collects resources from any number of documents into one Model.

The same resource given twice (say, a role in `list-roles` and in `get-role`)
becomes one resource whose data merges both; the first origin is kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from batchlint import model as m
from batchlint import shapes
from batchlint.errors import InputError
from batchlint.jsonlocator import JsonLocator
from batchlint.jsonpos import Offsets
from batchlint.model import Json, Origin, Pointer, Resource, Scope, parse_arn

# kind -> (shape, name field, ARN field)
KIND_FIELDS: dict[str, tuple[Any, str, str | None]] = {
    m.COMPUTE_ENVIRONMENT: (shapes.COMPUTE_ENVIRONMENT, "computeEnvironmentName",
                            "computeEnvironmentArn"),
    m.JOB_QUEUE: (shapes.JOB_QUEUE, "jobQueueName", "jobQueueArn"),
    m.JOB_DEFINITION: (shapes.JOB_DEFINITION, "jobDefinitionName", "jobDefinitionArn"),
    m.JOB: (shapes.JOB, "jobId", "jobArn"),
    m.LAUNCH_TEMPLATE: (shapes.LAUNCH_TEMPLATE, "LaunchTemplateId", None),
    m.LAUNCH_TEMPLATE_VERSION: (shapes.LAUNCH_TEMPLATE_VERSION, "LaunchTemplateId", None),
    m.IMAGE: (shapes.IMAGE, "ImageId", None),
    m.INSTANCE_TYPE: (shapes.INSTANCE_TYPE, "InstanceType", None),
    m.IAM_ROLE: (shapes.ROLE, "RoleName", "Arn"),
    m.INSTANCE_PROFILE: (shapes.INSTANCE_PROFILE, "InstanceProfileName", "Arn"),
    m.IAM_POLICY: (shapes.MANAGED_POLICY, "PolicyName", "Arn"),
    m.SERVICE_QUOTA: (shapes.SERVICE_QUOTA, "QuotaCode", "QuotaArn"),
    m.SCHEDULING_POLICY: (shapes.SCHEDULING_POLICY, "name", "arn"),
    m.SUBNET: (shapes.SUBNET, "SubnetId", "SubnetArn"),
    m.ROUTE_TABLE: (shapes.ROUTE_TABLE, "RouteTableId", None),
    m.VPC_ENDPOINT: (shapes.VPC_ENDPOINT, "VpcEndpointId", None),
    m.SECURITY_GROUP: (shapes.SECURITY_GROUP, "GroupId", None),
    m.INSTANCE_TYPE_OFFERING: (shapes.INSTANCE_TYPE_OFFERING, "InstanceType", None),
}


D = TypeVar("D", bound="Document")


class Document:
    """One parsed file: its path, its data, and its loader's locator — YAML marks
    (``positions``) or JSON offsets recorded while parsing (``offsets``).

    A document is the :class:`~batchlint.model.Locator` of the resources read from it:
    the engine asks it where a finding's path is; subclasses translate API paths into
    the file's own names (templates, plans, ``.tf`` files).
    """

    def __init__(self, path: str, text: str, data: Json,
                 positions: dict[Pointer, tuple[int, int]] | None = None,
                 offsets: Offsets | None = None):
        self.path = path
        self.text = text
        self.data = data
        self.positions = positions
        self.source = ""  # set for infrastructure as code: "cloudformation", "terraform"
        self.notes: list[str] = []  # what the user should know of the file (a key given twice)
        self._locator = None if positions is not None else JsonLocator(text, offsets, data)

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """Where the deepest part of ``pointer`` that the file has starts."""
        if self._locator is not None:
            return self._locator.position(pointer)
        assert self.positions is not None
        while pointer not in self.positions:
            pointer = pointer[:-1]
        return self.positions[pointer]

    def retyped(self, cls: type[D]) -> D:
        """This document as a ``cls`` (a template, a plan), keeping what its parse recorded."""
        doc = cls(self.path, self.text, self.data, self.positions)
        doc._locator = self._locator
        return doc

    def fail(self, pointer: Pointer, message: str) -> InputError:
        line, col = self.position(pointer)
        return InputError(self.path, message, line, col)


def recorded(fields: Mapping[Pointer, Mapping[Pointer, Pointer | None]],
             pointer: Pointer) -> tuple[Pointer, Pointer, Pointer] | None:
    """Where a loader recorded that a field came from, for a resource's pointer followed by
    an API path: (the resource's pointer, the recorded path of the API path's longest
    recorded start, the rest of the API path); None when nothing of it was recorded."""
    for n in range(len(pointer), 0, -1):
        found = fields.get(pointer[:n])
        if found is not None:
            break
    else:
        return None
    api = pointer[n:]
    for k in range(len(api), 0, -1):
        at = found.get(api[:k])
        if at is not None:
            return pointer[:n], at, api[k:]
    return None


def pointer_text(pointer: Pointer) -> str:
    out = ""
    for part in pointer:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


class ModelBuilder:
    def __init__(self) -> None:
        self._resources: dict[tuple[str, str | None, str | None, str], Resource] = {}
        self.complete: set[Scope] = set()
        self.unavailable: dict[Scope, str] = {}
        self.collected_at: datetime.datetime | None = None
        self.locators: dict[str, m.Locator] = {}  # each document's, by its path

    def expect_list(self, doc: Document, pointer: Pointer, value: Json) -> list[Json]:
        if not isinstance(value, list):
            raise doc.fail(pointer, f"{pointer_text(pointer)} must be a list, "
                                    f"not {shapes.json_type(value)}")
        return value

    def add_all(self, doc: Document, kind: str, pointer: Pointer, items: Json,
                account: str | None = None, region: str | None = None) -> list[Resource]:
        items = self.expect_list(doc, pointer, items)
        return [self.add(doc, kind, (*pointer, i), item, account, region)
                for i, item in enumerate(items)]

    def add(self, doc: Document, kind: str, pointer: Pointer, item: Json,
            account: str | None = None, region: str | None = None,
            unknown: Mapping[Pointer, str] | None = None,
            aliases: tuple[str, ...] = ()) -> Resource:
        """``unknown``: API-shape paths not known before deployment → why (user's words)."""
        spec, name_field, arn_field = KIND_FIELDS[kind]
        problem = shapes.shape_error(item, spec)
        if problem:
            where, expected = problem
            at = (*pointer, *where)
            raise doc.fail(at, f"{pointer_text(at)} must be {expected}")
        name = item.get(name_field)
        if not isinstance(name, str) or not name:
            raise doc.fail(pointer, f"{pointer_text(pointer)} has no {name_field}")
        arn = item.get(arn_field) if arn_field else None
        _, arn_region, arn_account = parse_arn(arn)
        res = Resource(
            kind=kind,
            name=name,
            data=item,
            arn=arn if isinstance(arn, str) else None,
            account=arn_account or account,
            region=arn_region or region,
            origin=Origin(doc.path, pointer, doc.source),
            unknown=dict(unknown or {}),
            aliases=aliases,
        )
        self.locators.setdefault(doc.path, doc)
        return self._merge(res)

    def add_profile_roles(self, doc: Document, added: list[Resource]) -> None:
        """The roles inside an instance profile exist too: add them as roles."""
        for res in added:
            if res.kind != m.INSTANCE_PROFILE:
                continue
            for i, role in enumerate(res.data.get("Roles") or []):
                self.add(doc, m.IAM_ROLE, (*res.origin.pointer, "Roles", i), role, res.account)

    def _merge(self, res: Resource) -> Resource:
        ident = res.arn or res.name
        if res.kind == m.LAUNCH_TEMPLATE_VERSION:
            ident = f"{res.name}:{res.data.get('VersionNumber')}"
        elif res.kind == m.INSTANCE_TYPE_OFFERING:  # one per type and zone
            ident = f"{res.name}@{res.data.get('Location')}"
        key = (res.kind, res.account, res.region if res.kind not in _GLOBAL else None, ident)
        seen = self._resources.get(key)
        if seen is None:
            self._resources[key] = res
            return res
        merged = Resource(seen.kind, seen.name, _merge_data(seen.data, res.data), seen.arn,
                          seen.account, seen.region, seen.origin,
                          {**res.unknown, **seen.unknown}, (*seen.aliases, *res.aliases))
        self._resources[key] = merged
        return merged

    def build(self, all_revisions: bool = False, world: str = "", group: str = "") -> m.Model:
        return m.Model(tuple(self._resources.values()), frozenset(self.complete),
                       dict(self.unavailable), all_revisions, self.collected_at,
                       group=group, world=world, locators=dict(self.locators))


_GLOBAL = {m.IAM_ROLE, m.INSTANCE_PROFILE, m.IAM_POLICY}


def _merge_data(old: Mapping[str, Json], new: Mapping[str, Json]) -> dict[str, Json]:
    out = dict(old)
    for key, value in new.items():
        if key not in out or out[key] in (None, [], {}):
            out[key] = value
    return out
