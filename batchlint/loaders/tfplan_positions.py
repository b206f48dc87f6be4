"""Where a finding's path lies in a Terraform plan: the attribute's own line.

Rules name fields by their API path (``computeResources.instanceRole``); the plan holds
the resource's ``values`` in the provider's names, blocks as lists of one object
(``compute_resources[0].instance_role``), and documents such as ``container_properties``
as JSON strings. The pointer is translated through the plan's own data, as far as it
goes: a field the plan does not set points at the nearest part that it does.
"""

from __future__ import annotations

from collections.abc import Mapping

from batchlint.loaders.builder import Document
from batchlint.model import Json, Pointer
from batchlint.syntax import terraform_name


class PlanDocument(Document):
    """A ``terraform show -json`` output: positions of API paths by the plan's own names."""

    def position(self, pointer: Pointer) -> tuple[int, int]:
        return super().position(plan_pointer(self.data, pointer))


def plan_pointer(data: Json, pointer: Pointer) -> Pointer:
    """The pointer into the plan for a resource's pointer followed by an API path."""
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
        return tuple(out)
    if isinstance(node, Mapping) and isinstance(node.get("values"), Mapping):
        out.append("values")
        node = node["values"]
    for part in rest:
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
            break
        out.append(key)
        node = node[key]
        if isinstance(node, str):
            break  # a JSON document (container_properties): its attribute's line
    return tuple(out)


def _child(node: Json, part: str | int) -> Json:
    if isinstance(node, Mapping) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None
