"""Where a finding's path lies in a Terraform plan: the attribute's own line.

Rules name fields by their API path (``computeResources.instanceRole``); the plan holds
the resource's ``values`` in the provider's names, blocks as lists of one object
(``compute_resources[0].instance_role``), and documents such as ``container_properties``
as JSON strings. The plan loader records which attribute it read each field from; the
pointer is translated through that, then through the plan's own data, as far as it goes:
a field the plan does not set points at the nearest part that it does.
"""

from __future__ import annotations

from collections.abc import Mapping

from batchlint.jsonpos import Offsets
from batchlint.loaders.builder import Document, recorded
from batchlint.model import Json, Pointer
from batchlint.syntax import terraform_name


class PlanDocument(Document):
    """A ``terraform show -json`` output: positions of API paths by the plan's own names.

    The plan loader records, per resource, the attribute each API field was read from
    (``fields``); a path is found through them, then through the provider's names. A
    value the plan knows only after apply is absent from its planned values; such an
    attribute is found where the plan marks it, in its resource change's ``after_unknown``.
    """

    def __init__(self, path: str, text: str, data: Json,
                 positions: dict[Pointer, tuple[int, int]] | None = None,
                 offsets: Offsets | None = None):
        super().__init__(path, text, data, positions, offsets)
        self.fields: dict[Pointer, Mapping[Pointer, Pointer]] = {}  # resource → API → attribute
        self._changes: dict[str, int] | None = None  # address → index in resource_changes

    def position(self, pointer: Pointer) -> tuple[int, int]:
        return super().position(self.plan_pointer(pointer))

    def plan_pointer(self, pointer: Pointer) -> Pointer:
        """Where in the plan a resource's pointer followed by an API path is."""
        found = recorded(self.fields, pointer)
        return self._by_names(pointer) if found is None else self._attribute(*found)

    def _attribute(self, at: Pointer, attribute: Pointer, rest: Pointer) -> Pointer:
        """The attribute the loader read (then ``rest`` by the provider's names), where the
        plan marks it known after apply, or the deepest part of it the plan has."""
        full = (*at, "values", *attribute)
        if _has(self.data, full):
            return _translate(_node(self.data, full), list(full), rest)[0]
        later = self._after_unknown(at, attribute)
        if later is not None:
            return later
        out = list(full)
        while out and not _has(self.data, tuple(out)):
            out.pop()
        if out and out[-1] == 0:
            out.pop()  # point at the block's attribute, not inside the block
        return tuple(out)

    def _by_names(self, pointer: Pointer) -> Pointer:
        """Without the loader's fields: the API path in the provider's names."""
        found, left = _plan_pointer(self.data, pointer)
        if left and "values" in found:
            depth = found.index("values")  # the resource's pointer is the plan's own
            base = self._change(found[:depth])
            if base is not None:
                later, missing = _translate(_node(self.data, base), list(base), pointer[depth:])
                if not missing and _node(self.data, later) is True:
                    return later
        return found

    def _after_unknown(self, at: Pointer, attribute: Pointer) -> Pointer | None:
        """Where ``after_unknown`` marks the attribute of the resource at ``at``, if it does."""
        base = self._change(at)
        marked = None if base is None else (*base, *attribute)
        return marked if marked is not None and _node(self.data, marked) is True else None

    def _change(self, at: Pointer) -> Pointer | None:
        """The pointer of ``after_unknown`` in the change of the resource at ``at``."""
        resource = _node(self.data, at)
        address = resource.get("address") if isinstance(resource, Mapping) else None
        changes = self.data.get("resource_changes") if isinstance(self.data, Mapping) else None
        if not isinstance(address, str) or not isinstance(changes, list):
            return None
        if self._changes is None:
            self._changes = {str(c.get("address")): i for i, c in enumerate(changes)
                             if isinstance(c, Mapping)}
        index = self._changes.get(address)
        return None if index is None else ("resource_changes", index, "change", "after_unknown")


def _plan_pointer(data: Json, pointer: Pointer) -> tuple[Pointer, Pointer]:
    """(the pointer into the plan, the API path's parts it could not follow)."""
    out: list[str | int] = []
    node = data
    rest = pointer
    while rest:  # the resource's own pointer exists as it is
        child = _child(node, rest[0])
        if child is None:
            break
        out.append(rest[0])
        node, rest = child, rest[1:]
    if not rest:
        return tuple(out), ()
    if isinstance(node, Mapping) and isinstance(node.get("values"), Mapping):
        out.append("values")
        node = node["values"]
    return _translate(node, out, rest)


def _translate(node: Json, out: list[str | int], rest: Pointer) -> tuple[Pointer, Pointer]:
    """Follow API path parts through the plan's names from ``node`` (at ``out``)."""
    for n, part in enumerate(rest):
        if isinstance(part, str) and isinstance(node, list) and node \
                and isinstance(node[0], Mapping):
            out.append(0)  # a block: a list of one object
            node = node[0]
        key: str | int | None
        if isinstance(part, str) and isinstance(node, Mapping):
            key = next((k for k in (terraform_name(part), part) if k in node), None)
        elif isinstance(part, int) and isinstance(node, list) and part < len(node):
            key = part
        else:
            key = None
        if key is None:
            if out and out[-1] == 0 and isinstance(part, str):
                out.pop()  # point at the block's attribute, not inside the block
            return tuple(out), rest[n:]
        out.append(key)
        node = node[key]
        if isinstance(node, str):
            break  # a JSON document (container_properties): its attribute's line
    return tuple(out), ()


def _has(data: Json, pointer: Pointer) -> bool:
    """The plan has ``pointer`` (null values included)."""
    for part in pointer:
        if isinstance(data, Mapping) and isinstance(part, str):
            if part not in data:
                return False
        elif not (isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)):
            return False
        data = data[part]
    return True


def _node(data: Json, pointer: Pointer) -> Json:
    for part in pointer:
        data = _child(data, part)
    return data


def _child(node: Json, part: str | int) -> Json:
    if isinstance(node, Mapping) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None
