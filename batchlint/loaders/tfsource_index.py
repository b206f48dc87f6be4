"""A source configuration seen as a plan: the index and reader the plan's shapes read.

:mod:`tfplan_shapes` maps plan instances to API shapes through a :class:`PlanIndex` (what
a value refers to) and a :class:`Reader` (known values, and why the others are not).
Source instances are given the same ``planned_values`` / ``after_unknown`` /
configuration, so source and plan of the same code read the same; references come from
the evaluation itself, and reasons only the source knows (a variable without default, a
remote module, a construct batchlint does not evaluate) replace the plan's wording.
"""

from __future__ import annotations

from typing import Any

from batchlint.loaders.builder import Document
from batchlint.loaders.tfplan_refs import Instance, PlanIndex, Target
from batchlint.loaders.tfplan_values import Reader, display, identity, reason
from batchlint.loaders.tfsource_eval import Origin, Unknown, unknowns
from batchlint.loaders.tfsource_funcs import Encoded
from batchlint.loaders.tfsource_resource import Path, SourceInstance
from batchlint.model import Json, Pointer


def _dig(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


class SourceIndex(PlanIndex):
    def __init__(self, instances: list[SourceInstance]):
        self.instances: dict[str, Instance] = {}
        self.by_resource: dict[tuple[str, str], list[Instance]] = {}
        self.modules: dict[str, Any] = {}
        self.module_instances: set[str] = {""}
        self.raw: dict[str, Any] = {}
        for source in instances:
            inst = source.inst
            self.instances[inst.address] = inst
            self.by_resource.setdefault((inst.module, inst.key), []).append(inst)
            self.module_instances.add(inst.module)
            self.raw[inst.address] = source.raw or {}

    def origins(self, inst: Instance, *path: str | int) -> list[Origin]:
        found: list[Origin] = []
        for u in unknowns(_dig(self.raw.get(inst.address), path)):
            found += [o for o in u.origins if not any(o is f for f in found)]
        return found

    def why(self, inst: Instance, path: tuple[str | int, ...]) -> str:
        """What only the source can say about an unknown value ("" when the plan's wording
        fits)."""
        for u in unknowns(_dig(self.raw.get(inst.address), path)):
            if u.why:
                return f"`{display(path)}` {u.why}"
        return ""


class SourceReader(Reader):
    """A plan reader whose fields (which attribute each API field was read from) go to
    ``fields``, and whose reasons for unknown values are the source's."""

    def __init__(self, index: SourceIndex, inst: Instance, fields: dict[Pointer, Path]):
        super().__init__(index, inst)
        self.source_index = index
        self.fields = fields

    def get(self, api: Pointer, *path: str | int, text: bool = False,
            ref: bool = False, whole: bool = True) -> Json:
        value = super().get(api, *path, text=text, ref=ref, whole=whole)
        self._better(api, path)
        return value

    def blocks(self, api: Pointer, *path: str | int) -> Any:
        value = super().blocks(api, *path)
        self._better(api, path)
        return value

    def encoded(self, api: Pointer, *path: str | int) -> Json:
        """What ``jsonencode()`` was given, each unknown in it a reference to a resource
        the model knows (``aws_iam_role.x.arn``) or recorded as unknown at its own path."""
        value = _dig(self.source_index.raw.get(self.inst.address), path)
        if not isinstance(value, Encoded) or not isinstance(value.value, dict):
            return None
        self.unknown.pop(api, None)
        known: Json = self._known(value.value, api, path)
        return known

    def _known(self, value: Any, api: Pointer, path: tuple[str | int, ...]) -> Any:
        if isinstance(value, Unknown):
            origins = list(value.origins)
            if len(origins) == 1 and isinstance(origins[0], Target):
                found = identity(origins[0])
                if found is not None:
                    return found
            self.unknown[api] = (f"`{display(path)}` {value.why}" if value.why
                                 else reason(display(path), origins))
            return None
        if isinstance(value, dict):
            out = {k: self._known(v, (*api, k), (*path, k)) for k, v in value.items()}
            return {k: v for k, v in out.items() if v is not None or value[k] is None}
        if isinstance(value, list):
            return [self._known(v, (*api, i), (*path, i)) for i, v in enumerate(value)]
        return value

    def _better(self, api: Pointer, path: tuple[str | int, ...]) -> None:
        if api in self.unknown:
            why = self.source_index.why(self.inst, path)
            if why:
                self.unknown[api] = why


class TfDocument(Document):
    """A ``.tf`` file: positions of each resource's attributes, found by API path."""

    def __init__(self, path: str, text: str):
        super().__init__(path, text, None, {})
        self.source = "terraform"
        # address → (attribute positions, API field → attribute path, the block's position)
        self.resources: dict[str, tuple[dict[Path, tuple[int, int]], dict[Pointer, Path],
                                        tuple[int, int]]] = {}

    def position(self, pointer: Pointer) -> tuple[int, int]:
        entry = self.resources.get(str(pointer[1])) if len(pointer) > 1 else None
        if entry is None:
            return 1, 1
        positions, fields, start = entry
        api = pointer[2:]
        for n in range(len(api), 0, -1):
            attribute = fields.get(api[:n])
            if attribute is None:
                continue
            path = (*attribute, *api[n:])
            for m in range(len(path), 0, -1):
                if path[:m] in positions:
                    return positions[path[:m]]
        return start
