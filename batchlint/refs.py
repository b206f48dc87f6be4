"""What a finished finding keeps of its resource: a small, frozen reference.

Reporters, fingerprints, baselines and excludes need a resource's identity and
origin, never its data; the ``batchlint:ignore`` tag is decided here once, so
nothing downstream reads tags either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from batchlint.model import Origin, Resource

IGNORE_TAG = "batchlint:ignore"
_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ResourceRef:
    kind: str
    name: str
    arn: str | None = None
    account: str | None = None
    region: str | None = None
    origin: Origin = field(default_factory=Origin)
    # the rules its batchlint:ignore tag (or CloudFormation Metadata) mutes: ids, names
    ignored: frozenset[str] = _NOTHING

    @property
    def label(self) -> str:
        return f"{self.kind} `{self.name}`"


def ref(resource: Resource) -> ResourceRef:
    """The resource's reference (made once per resource)."""
    made: ResourceRef | None = resource.cache.get("ref")
    if made is None:
        made = resource.cache["ref"] = ResourceRef(
            resource.kind, resource.name, resource.arn, resource.account, resource.region,
            resource.origin, _ignored(resource))
    return made


def _ignored(resource: Resource) -> frozenset[str]:
    value = resource.tags.get(IGNORE_TAG, "")
    if not value:
        return _NOTHING
    return frozenset(part.strip().upper() if part.strip().upper().startswith("BL")
                     else part.strip() for part in value.split(",") if part.strip())
