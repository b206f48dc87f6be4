"""Resource instances read from source, as a plan's ``planned_values`` would hold them.

``count`` and ``for_each`` expand a resource into instances (:mod:`tfsource_expand`);
each instance's attributes and blocks (``dynamic`` ones expanded) are evaluated into the
plan's value shape, with ``after_unknown`` where the value is not known and, for every
attribute, the line it is written on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfplan_refs import Instance, Key, Outside, Target, render
from batchlint.loaders.tfsource_dynamic import checked_for_each, dynamic_blocks
from batchlint.loaders.tfsource_eval import EvalError, Lazy, Unknown
from batchlint.loaders.tfsource_expand import META, Expansion, InstanceScope, expand
from batchlint.loaders.tfsource_expr import Scope, evaluate
from batchlint.loaders.tfsource_hcl import Attr, Block, Body, HclFile, Node
from batchlint.loaders.tfsource_registry import Downloads
from batchlint.loaders.tfsource_schema import conform

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_module import Module, ModuleDef

Path = tuple[str | int, ...]
SKIPPED_BLOCKS = {"lifecycle", "provisioner", "connection"}


class Run:
    """One evaluation of a configuration, in one world of its undecided conditions."""

    def __init__(self, modules: Callable[[str], ModuleDef | None], root_dir: str,
                 world: dict[str, bool], collect: list[str] | None, cap: int,
                 downloads: Downloads | None = None):
        self.modules, self.root_dir = modules, root_dir
        self.downloads = downloads or Downloads()
        self.world, self.collect, self.cap = world, collect, cap
        self.instances: list[SourceInstance] = []
        self.unread: list[tuple[ResourceNode, str]] = []

    def module(self, directory: str) -> ModuleDef | None:
        return self.modules(directory)

    def decide(self, label: str, value: Unknown) -> bool | None:
        if label in self.world:
            return self.world[label]
        if self.collect is not None and label not in self.collect \
                and len(self.collect) < self.cap:
            self.collect.append(label)
        return None


class ResourceNode:
    """One ``resource`` block of a module instance."""

    def __init__(self, module: Module, key: str, block: Block, file: HclFile):
        self.module, self.key, self.block, self.file = module, key, block, file
        self.type, self.name = key.split(".", 1)
        self.address = f"{module.prefix}{key}"
        self._expansion: Expansion | None = None
        self.instances: list[SourceInstance] = []

    def expand(self) -> Expansion:
        if self._expansion is None:
            self._expansion = expand(self.module, self.block, self.file, self.address)
            keys = self._expansion.keys
            if isinstance(keys, Unknown):
                self.module.run.unread.append((self, keys.why))
            else:
                for key, scope in zip(keys, self._expansion.scopes, strict=True):
                    self.instances.append(SourceInstance(self, key, scope))
                self.module.run.instances.extend(self.instances)
        return self._expansion

    def value(self) -> Any:
        return self.expand().shape(list(self.instances))


class SourceInstance(Lazy):
    """One resource instance: a plan :class:`Instance` and what each attribute came from."""

    def __init__(self, node: ResourceNode, key: Key, scope: InstanceScope):
        self.node, self.scope = node, scope
        module = node.module
        address = render([*module.parts, (node.type, None), (node.name, key)])
        self.inst = Instance(address=address, type=node.type, key=node.key, index=key,
                             module=render(module.parts), module_parts=module.parts,
                             values={}, pointer=("resources", address), unknown={},
                             actions=("create",))
        self._attrs: dict[str, Any] = {}
        self._busy = False
        self.raw: dict[str, Any] | None = None
        self.positions: dict[Path, tuple[int, int]] = {}

    # -- as a value that other expressions read ---------------------------------------
    def get(self, name: str) -> Any:
        body = self.node.block.body
        if name in body.attrs and name not in META:
            value = self._attr(name)
            if isinstance(value, Unknown):  # still this resource's attribute
                return Unknown((Target(self.inst, name),), value.why)
            if value is not None:
                return value  # else null: the provider's to compute, perhaps
        elif any(b.type == name or (b.type == "dynamic" and b.labels == [name])
               for b in body.blocks):
            return self.finish().get(name)
        return Unknown((Target(self.inst, name),))

    def whole(self) -> Any:
        return Unknown((Target(self.inst, ""),))

    def _attr(self, name: str) -> Any:
        if name not in self._attrs:
            self._attrs[name] = self._eval(self.node.block.body.attrs[name], self.scope)
        return self._attrs[name]

    def _eval(self, attr: Attr, scope: Scope) -> Any:
        file = self.node.file
        try:
            return evaluate(file, scope, attr.expr)
        except EvalError as exc:
            text = file.source(attr.expr)
            text = text if len(text) <= 60 else text[:57] + "…"
            return Unknown((Outside(text),), f"is `{text}`, which batchlint cannot evaluate: "
                                             f"{exc}")

    # -- the whole instance -----------------------------------------------------------
    def finish(self) -> dict[str, Any]:
        if self.raw is None:
            if self._busy:
                raise EvalError(f"`{self.inst.address}` refers to itself")
            self._busy = True
            try:
                raw: dict[str, Any] = {}
                expressions: dict[str, Any] = {}
                self._body(self.node.block.body, self.scope, (), raw, expressions)
            finally:
                self._busy = False
            self.raw = raw = conform(self.node.type, _as_strings(raw))
            values, unknown = split(raw)
            self.inst.values, self.inst.unknown = values, unknown or {}
            self.inst.expressions = expressions
        return self.raw

    def _body(self, body: Body, scope: Scope, path: Path, raw: dict[str, Any],
              expressions: dict[str, Any]) -> None:
        for name, attr in body.attrs.items():
            if not path and name in META:
                continue
            raw[name] = self._attr(name) if not path else self._eval(attr, scope)
            expressions[name] = {}
            self.positions[(*path, name)] = (attr.line, attr.column)
            if not attr.overrides:
                literal_positions(self.node.file, attr.expr, (*path, name), self.positions)
        for block in body.blocks:
            if not path and block.type in SKIPPED_BLOCKS:
                continue
            if block.type == "dynamic" and len(block.labels) == 1:
                self._dynamic(block, scope, path, raw, expressions)
                continue
            self._block(block.type, block.body, block, scope, path, raw, expressions)

    def _block(self, name: str, body: Body, at: Block, scope: Scope, path: Path,
               raw: dict[str, Any], expressions: dict[str, Any]) -> None:
        found = raw.setdefault(name, [])
        if isinstance(found, Unknown):
            return
        i = len(found)
        self.positions.setdefault((*path, name), (at.line, at.column))
        self.positions[(*path, name, i)] = (at.line, at.column)
        inner: dict[str, Any] = {}
        inner_expressions: dict[str, Any] = {}
        self._body(body, scope, (*path, name, i), inner, inner_expressions)
        found.append(inner)
        expressions.setdefault(name, []).append(inner_expressions)

    def _dynamic(self, block: Block, scope: Scope, path: Path, raw: dict[str, Any],
                 expressions: dict[str, Any]) -> None:
        name, attrs = block.labels[0], block.body.attrs
        value = ev.plain(checked_for_each(scope, self._eval(attrs["for_each"], scope))) \
            if "for_each" in attrs else []
        found = None if isinstance(value, Unknown) else \
            dynamic_blocks(self.node.file, block, scope, value)
        if found is None:
            raw[name] = value if isinstance(value, Unknown) else raw.get(name, [])
            if isinstance(value, Unknown):  # written, in blocks not known: not unset
                expressions.setdefault(name, [])
            self.positions.setdefault((*path, name), (block.line, block.column))
            return
        for content, inner in found:
            self._block(name, content.body, content, inner, path, raw, expressions)


# string attributes users write as numbers or booleans, converted as the provider's schema does
STRING_ATTRIBUTES = {"on_exit_code", "on_reason", "on_status_reason", "version", "value",
                     "associate_public_ip_address", "delete_on_termination", "encrypted"}


def _as_strings(raw: Any, name: str = "") -> Any:
    if isinstance(raw, dict):
        return {k: _as_strings(v, k) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_as_strings(v, name) for v in raw]
    if name in STRING_ATTRIBUTES and isinstance(raw, bool | int | float):
        return ev.to_string(raw)
    return raw


def split(raw: Any) -> tuple[Any, Any]:
    """(planned values, after_unknown) of an evaluated value."""
    if isinstance(raw, Unknown):
        return None, True
    if isinstance(raw, Lazy):
        return split(raw.whole())
    if isinstance(raw, dict):
        values, unknown = {}, {}
        for key, item in raw.items():
            values[key], marker = split(item)
            if marker:
                unknown[key] = marker
        return values, unknown
    if isinstance(raw, list):
        pairs = [split(item) for item in raw]
        markers = [m or False for _, m in pairs]
        return [v for v, _ in pairs], markers if any(markers) else False
    return raw, False


def literal_positions(file: HclFile, node: Node, path: Path,
                      out: dict[Path, tuple[int, int]]) -> None:
    """Lines of the keys of an object written in place (tags, ``jsonencode({…})``)."""
    node = hcl.unwrap(node)
    kind = node.type
    if kind == "function_call":
        parts = hcl.kids(node)
        if file.raw(parts[0]) == "jsonencode" and len(parts) > 1 and hcl.kids(parts[1]):
            literal_positions(file, hcl.kids(parts[1])[0], path, out)
    elif kind == "object":
        for elem in hcl.kids(node):
            key_node, value = elem.child_by_field_name("key"), elem.child_by_field_name("val")
            if key_node is None or value is None:
                continue
            key = hcl.bare_name(file, key_node)
            if key is None:
                literal = hcl.unwrap(key_node)
                if literal.type == "string_lit":
                    key = "".join(p for p in hcl.template_parts(file, literal)
                                  if isinstance(p, str))
            if key is not None:
                out[(*path, key)] = file.position(elem)
                literal_positions(file, value, (*path, key), out)
    elif kind == "tuple":
        items = [c for c in hcl.kids(node) if c.type == "expression"]
        for i, item in enumerate(items):
            out[(*path, i)] = file.position(item)
            literal_positions(file, item, (*path, i), out)
