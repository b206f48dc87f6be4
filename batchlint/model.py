"""The one model that every source is converted to.

Each resource keeps the shape the AWS API returns (camelCase for Batch as
``aws batch describe-*`` prints it, PascalCase for EC2 and IAM), its identity
and where it came from. Lookups across resources answer in three ways: the
resource, :class:`Absent` (the data for that scope is complete and the resource
is not in it) or :class:`Unknown` (the data was not collected): unknown is not
absent.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from batchlint.kinds import *  # noqa: F403  (the kinds and datasets, read as m.JOB_QUEUE)
from batchlint.kinds import (
    DATASET_WORDS,
    IAC_WORDS,
    IAM,
    IAM_POLICIES,
    IAM_ROLE,
    INSTANCE_PROFILE,
    JOB_DEFINITION,
    LAUNCH_TEMPLATE,
    LAUNCH_TEMPLATE_VERSION,
    SERVICE_QUOTA,
)
from batchlint.unknowns import isolated, remember, track

Json = Any
PathPart = str | int
Pointer = tuple[PathPart, ...]

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@functools.lru_cache(maxsize=4096)  # findings of many resources point at the same paths
def parse_path(path: str | Pointer) -> Pointer:
    """``computeResources.ec2Configuration[0].imageType`` → a pointer tuple."""
    if isinstance(path, tuple):
        return path
    return tuple(int(index) if index else name for name, index in _SEGMENT.findall(path))
T = TypeVar("T")

class Locator(Protocol):
    """What a loader makes for each document it reads: where a pointer into it is."""

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``pointer`` the file has."""


@dataclass(frozen=True)
class Origin:
    """Where a resource came from: a file and the JSON pointer to it, or a live scan."""

    path: str | None = None
    pointer: Pointer = ()
    source: str = ""  # "cloudformation" or "terraform" for infrastructure as code


@dataclass(frozen=True, eq=False)
class Resource:
    """One resource in its API shape. ``data`` is shared, never mutated."""

    kind: str
    name: str
    data: Mapping[str, Json]
    arn: str | None = None
    account: str | None = None
    region: str | None = None
    origin: Origin = field(default_factory=Origin)
    # API-shape paths whose value is not known before deployment → why, in the user's words
    # (see batchlint.unknowns); other names the resource is referred to by in its template
    unknown: Mapping[Pointer, str] = field(default_factory=dict, repr=False, compare=False)
    aliases: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # what helpers derive from ``data`` once for every rule that asks (never the data)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.unknown:  # rules read it through a view that records reads of unknowns
            object.__setattr__(self, "data", track(self.data, self.unknown, self.label))

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """Derive a value from the data once; later callers "read" what the first did."""
        return remember(self.cache, key, compute)

    @property
    def tags(self) -> Mapping[str, str]:
        """For the engine (the ignore tag), not a check: whenever first asked, even inside a
        check, its reads are nobody's."""
        tags = self.cache.get("tags")
        if tags is None:
            with isolated():
                raw = self.data.get("tags")
                tags = self.cache["tags"] = (
                    {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {})
        return tags

    @property
    def label(self) -> str:
        return f"{self.kind} `{self.name}`"


@dataclass(frozen=True)
class Absent:
    """The data for the scope was complete and the resource is not in it."""

    what: str


@dataclass(frozen=True)
class Unknown:
    """The data needed to answer was not collected; ``reason`` says why."""

    reason: str


Lookup = Resource | Absent | Unknown


def parse_arn(arn: object) -> tuple[str | None, str | None, str | None]:
    """(service, region, account) of an ARN; Nones when it is not one."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None, None, None
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None, None, None
    return parts[2] or None, parts[3] or None, parts[4] or None


def arn_resource_name(arn: str) -> str:
    """Last path segment of an ARN's resource part (role/path/name → name)."""
    resource = arn.split(":", 5)[-1]
    return resource.rsplit("/", 1)[-1]


Scope = tuple[str, str | None, str | None]  # (dataset, account, region)


@dataclass(frozen=True, eq=False)
class Model:
    """Every resource of one view, with indexes for the lookups rules make.

    ``complete`` names the (dataset, account, region) scopes whose data is
    complete (region None for global data such as IAM); ``unavailable`` gives
    the reason for scopes that could not be collected.
    """

    resources: tuple[Resource, ...] = ()
    complete: frozenset[Scope] = frozenset()
    unavailable: Mapping[Scope, str] = field(default_factory=dict)
    all_revisions: bool = False
    collected_at: datetime.datetime | None = None  # when live data was read, if known
    # a template read in several worlds (values of conditions it cannot decide): the
    # file's path, shared by its worlds, and this world in words
    group: str = ""
    world: str = ""
    # each document's locator, by its path: where a finding's path lies in the file
    locators: Mapping[str, Locator] = field(default_factory=dict, repr=False)
    _by_kind: dict[str, list[Resource]] = field(init=False, repr=False)
    _by_key: dict[tuple[str, str], list[Resource]] = field(init=False, repr=False)
    _latest: list[Resource] | None = field(init=False, repr=False, default=None)
    has_unknowns: bool = field(init=False, repr=False, default=False)  # any value not known
    # what facts derive from the whole model once per run; dies with the model
    cache: dict[str, Any] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        by_kind: dict[str, list[Resource]] = defaultdict(list)
        by_key: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for res in self.resources:
            by_kind[res.kind].append(res)
            for key in _keys(res):
                by_key[(res.kind, key)].append(res)
        object.__setattr__(self, "_by_kind", dict(by_kind))
        object.__setattr__(self, "has_unknowns", any(r.unknown for r in self.resources))
        object.__setattr__(self, "_by_key", dict(by_key))

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """Derive a value from the whole model once (as ``Resource.cached``)."""
        return remember(self.cache, key, compute)

    # -- iteration ---------------------------------------------------------
    def of_kind(self, kind: str) -> list[Resource]:
        return self._by_kind.get(kind, [])

    def linted(self, kind: str) -> Iterator[Resource]:
        """Resources rules run on: job definitions only ACTIVE, latest revision."""
        if kind != JOB_DEFINITION or self.all_revisions:
            yield from self.of_kind(kind)
            return
        if self._latest is None:  # every job-definition rule asks: work it out once
            latest: dict[tuple[str | None, str | None, str], Resource] = {}
            for res in self.of_kind(kind):
                if str(res.data.get("status", "ACTIVE")).upper() != "ACTIVE":
                    continue
                key = (res.account, res.region, res.name)
                seen = latest.get(key)
                if seen is None or _revision(res) > _revision(seen):
                    latest[key] = res
            object.__setattr__(self, "_latest", list(latest.values()))
        yield from self._latest or ()

    def in_region(self, kind: str, account: str | None, region: str | None) -> list[Resource]:
        return [r for r in self.of_kind(kind) if _in_scope(r, account, region)]

    # -- lookups -----------------------------------------------------------
    def find(self, kind: str, ref: str, account: str | None = None,
             region: str | None = None) -> Resource | None:
        """The resource of ``kind`` named, identified or ARN'd by ``ref``.

        IAM names are unique regardless of case, so IAM lookups ignore it.
        """
        key = ref.lower() if kind in _CASE_INSENSITIVE else ref
        for res in self._by_key.get((kind, key), ()):
            if _in_scope(res, account, region):
                return res
        return None

    def find_all(self, kind: str, ref: str, account: str | None = None,
                 region: str | None = None) -> list[Resource]:
        key = ref.lower() if kind in _CASE_INSENSITIVE else ref
        return [r for r in self._by_key.get((kind, key), ()) if _in_scope(r, account, region)]

    def lookup(self, kind: str, ref: str, dataset: str, account: str | None,
               region: str | None = None) -> Lookup:
        found = self.find(kind, ref, account, region)
        if found is not None:
            return found
        return self.missing(dataset, account, region, f"{kind} `{ref}`")

    def missing(self, dataset: str, account: str | None, region: str | None, what: str) -> Lookup:
        """Absent when ``dataset`` is complete for the scope, else Unknown with the reason."""
        if self.is_complete(dataset, account, region):
            return Absent(what)
        for scope in ((dataset, account, region), (dataset, account, None), (dataset, None, None)):
            if scope in self.unavailable:
                return Unknown(f"{what}: {self.unavailable[scope]}")
        if self.iac_words:  # no file can add the account's data to a template's view
            return Unknown(f"{what} is not in the {self.iac_words}: only the account has it "
                           "(scan the account, live or from a snapshot)")
        where = f" for account {account}" if account else ""
        if region and dataset not in (IAM, IAM_POLICIES):
            where += f" in {region}"
        return Unknown(f"{what} is not in the data given: no complete {DATASET_WORDS[dataset]}"
                       f"{where} were provided")

    @property
    def iac_words(self) -> str:
        """How a template's (plan's) view names its source; "" for the account's data."""
        return IAC_WORDS.get(self.cached("iac", lambda: next((
            r.origin.source for r in self.resources if r.origin.source in IAC_WORDS), "")), "")

    def is_complete(self, dataset: str, account: str | None, region: str | None = None) -> bool:
        if account is None:
            return False
        return (dataset, account, region) in self.complete or (
            (dataset, account, None) in self.complete
        )


def _revision(res: Resource) -> int:
    rev = res.data.get("revision")
    return rev if isinstance(rev, int) else 0


def _in_scope(res: Resource, account: str | None, region: str | None) -> bool:
    if account and res.account and res.account != account:
        return False
    return not (region and res.region and res.region != region)


def _keys(res: Resource) -> Iterable[str]:
    keys = [res.name, *res.aliases]
    if res.arn:
        keys.append(res.arn)
    for ident in _IDENTITY_FIELDS.get(res.kind, ()):
        value = res.data.get(ident)
        if isinstance(value, str):
            keys.append(value)
    if res.kind in _CASE_INSENSITIVE:
        return {key.lower() for key in keys}
    return dict.fromkeys(keys)


_CASE_INSENSITIVE = {IAM_ROLE, INSTANCE_PROFILE}


# Besides name and ARN, resources are found by these fields: launch templates
# are referenced by id or by name.
_IDENTITY_FIELDS = {
    LAUNCH_TEMPLATE: ("LaunchTemplateId", "LaunchTemplateName"),
    LAUNCH_TEMPLATE_VERSION: ("LaunchTemplateId", "LaunchTemplateName"),
    SERVICE_QUOTA: ("QuotaCode",),
}
