"""Where a finding's path lies in a CloudFormation template: the property's own line.

Rules name fields by their API path (``computeResources.type``); a template spells them
in PascalCase, inside the branch of an ``Fn::If`` the template takes, at the index a list
item has before the items ``AWS::NoValue`` leaves out. While it shapes a resource, the
loader records the template path each API field came from (:class:`Trace`); the locator
follows those, then PascalCase, as far as the template goes: a field the template does
not set points at the nearest part that it does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint.loaders.builder import Document, recorded
from batchlint.loaders.cfn_intrinsics import Resolver
from batchlint.loaders.cfn_values import NO_VALUE
from batchlint.model import Json, Pointer

Fields = dict[Pointer, Pointer | None]  # API path → template path (None: worlds disagree)


class TemplateDocument(Document):
    """A template: positions of API paths through the template paths the loader recorded
    (``fields``, by the resource's pointer), then by PascalCase."""

    def __init__(self, path: str, text: str, data: Json,
                 positions: dict[Pointer, tuple[int, int]] | None = None):
        super().__init__(path, text, data, positions)
        self.source = "cloudformation"
        self.fields: dict[Pointer, Fields] = {}

    def record(self, resource: Pointer, fields: Fields) -> None:
        """The fields one world recorded for a resource; where worlds take different
        branches, the field is found through its parent instead."""
        known = self.fields.setdefault(resource, {})
        for api, at in fields.items():
            known[api] = at if known.get(api, at) == at else None

    def position(self, pointer: Pointer) -> tuple[int, int]:
        return super().position(self.template_pointer(pointer))

    def template_pointer(self, pointer: Pointer) -> Pointer:
        """The pointer into the template for a resource's pointer and an API path."""
        found = recorded(self.fields, pointer)
        if found is None:
            return _pascal(self.data, (), pointer)
        resource, at, rest = found
        return _pascal(self.data, (*resource, *at), rest)


def _pascal(data: Json, start: Pointer, rest: Pointer) -> Pointer:
    """``start``, then each part of ``rest`` as the template has it (as is, else with its
    first letter upper-cased), as far as the template goes."""
    node: Json = data
    out: list[str | int] = []
    for part in start:  # recorded from the template: there, unless the file is not
        has, node = _child(node, part)
        if not has:
            return tuple(out)
        out.append(part)
    for part in rest:
        if isinstance(node, Mapping) and isinstance(part, str):
            match = next((k for k in (part, part[:1].upper() + part[1:]) if k in node), None)
            if match is None:
                break
            out.append(match)
            node = node[match]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        else:
            break
    return tuple(out)


def _child(node: Json, part: str | int) -> tuple[bool, Json]:
    if isinstance(node, Mapping):
        return part in node, node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return True, node[part]
    return False, None


@dataclass(frozen=True)
class Trace:
    """Where in the template the value being shaped came from: ``raw`` (the template's
    node) at ``at`` (relative to the resource's properties) became the API path ``api``.
    Each step records the child's template path in ``fields``."""

    resolver: Resolver  # the world's: it decides which branch of an Fn::If is taken
    fields: Fields
    raw: Json
    at: Pointer = ()
    api: Pointer = ()

    def key(self, key: str, api_key: str) -> Trace | None:
        """The trace of property ``key``, named ``api_key`` in the API shape."""
        raw, at = self._taken()
        if not isinstance(raw, Mapping) or key not in raw:
            return None
        return self._child(raw[key], (*at, key), api_key)

    def item(self, index: int) -> Trace | None:
        """The trace of the resolved list's item ``index``: the template's items less
        those that resolve to ``AWS::NoValue``."""
        raw, at = self._taken()
        if not isinstance(raw, list):
            return None
        kept = [i for i, item in enumerate(raw) if self.resolver.resolve(item) is not NO_VALUE]
        return self._child(raw[kept[index]], (*at, kept[index]), index) \
            if index < len(kept) else None

    def _child(self, raw: Json, at: Pointer, api_part: str | int) -> Trace:
        child = Trace(self.resolver, self.fields, raw, at, (*self.api, api_part))
        self.fields[child.api] = at
        return child

    def _taken(self) -> tuple[Json, Pointer]:
        """The node through the ``Fn::If`` branches this world takes."""
        raw, at = self.raw, self.at
        while isinstance(raw, Mapping) and len(raw) == 1 and isinstance(raw.get("Fn::If"), list):
            arg = raw["Fn::If"]
            decided = self.resolver.condition(arg[0]) if len(arg) == 3 else None
            if decided is None:
                break
            branch = 1 if decided else 2
            raw, at = arg[branch], (*at, "Fn::If", branch)
        return raw, at
