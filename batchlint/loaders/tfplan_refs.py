"""A Terraform plan's resource instances, and what their values refer to.

``planned_values`` gives every resource instance by its address
(``module.batch["x"].aws_batch_job_queue.this[0]``); ``resource_changes`` says which of
its values are known only after apply (``after_unknown``); ``configuration`` gives the
references behind each attribute, keyed by the resource without instance keys
(``module.batch.aws_batch_job_queue.this``). A reference is followed through module
inputs (``var.x`` → the module call's argument in the parent module), module outputs
and ``count``/``for_each`` instances to a resource instance of the plan; a data source,
a local value or an ambiguous instance is named, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from batchlint.jsonvalues import items, mapping
from batchlint.loaders.tfaddress import Key as Key  # Key, Part, render: re-exported for tfsource
from batchlint.loaders.tfaddress import Part as Part
from batchlint.loaders.tfaddress import config_path, parse_address, split_module
from batchlint.loaders.tfaddress import render as render
from batchlint.model import Json, Pointer


@dataclass
class Instance:
    """One resource instance of the plan."""

    address: str
    type: str
    key: str  # ``type.name`` without the index: what a reference in its module names
    index: Key
    module: str  # its module instance, "" for the root
    module_parts: list[Part]
    values: Mapping[str, Json]
    pointer: Pointer
    unknown: Json = None  # after_unknown; None when the plan has no change for it
    actions: tuple[str, ...] = ()
    expressions: Mapping[str, Json] = field(default_factory=dict)

    def value(self, *path: str | int) -> Json:
        return dig(self.values, path)

    def is_unknown(self, *path: str | int) -> bool:
        """Known only after apply: ``after_unknown`` is true at the path or above it."""
        if self.unknown is None:  # no resource_changes (a hand-made plan): null and configured
            expression = self.expression(*path)
            return self.value(*path) is None and bool(expression and expression.get("references"))
        node = self.unknown
        for step in path:
            if node is True:
                return True
            if isinstance(node, Mapping) and isinstance(step, str):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                node = node[step]
            else:
                return False
        return node is True

    def expression(self, *path: str | int) -> Mapping[str, Json] | None:
        """The configuration expression of an attribute (static blocks only)."""
        node: Json = self.expressions
        for step in path:
            if isinstance(node, list):
                if isinstance(step, int) and step < len(node):
                    node = node[step]
                    continue
                if isinstance(step, int) and len(node) == 1:  # a block written once
                    node = node[0]
                    continue
                return None
            if not isinstance(node, Mapping) or not isinstance(step, str):
                return None
            node = node.get(step)
        return node if isinstance(node, Mapping) else None


def dig(value: Json, path: tuple[str | int, ...]) -> Json:
    for step in path:
        if isinstance(value, Mapping) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


@dataclass(frozen=True)
class Target:
    """A reference that reaches a resource instance of the plan."""

    instance: Instance
    attribute: str  # what is read of it: "arn", "name", "latest_version", "" for itself


@dataclass(frozen=True)
class Outside:
    """A reference that reaches something whose value the plan does not give."""

    text: str  # as the user reads it: data.aws_iam_role.batch, local.x
    ref: str = ""  # the whole reference: data.aws_iam_role.batch.arn
    candidates: tuple[Instance, ...] = ()  # one of these instances, the plan does not say which


Origin = Target | Outside

_IGNORED_ROOTS = {"each", "count", "path", "terraform", "self"}


class PlanIndex:
    """Every resource instance of a plan and the configuration behind it."""

    def __init__(self, plan: Mapping[str, Json]):
        self.instances: dict[str, Instance] = {}
        self.by_resource: dict[tuple[str, str], list[Instance]] = {}
        self.modules: dict[str, Mapping[str, Json]] = {}  # config path → module config
        self.module_instances: set[str] = {""}
        changes = _changes(plan.get("resource_changes"))
        planned = plan.get("planned_values")
        values_root = "planned_values"
        if not isinstance(planned, Mapping):  # `terraform show -json` of a state
            planned, values_root = plan.get("values"), "values"
        root = planned.get("root_module") if isinstance(planned, Mapping) else None
        self._config(plan.get("configuration"))
        for resource, pointer in _planned(root, (values_root, "root_module")):
            self._add(resource, pointer, changes)

    def _config(self, configuration: Json) -> None:
        root = configuration.get("root_module") if isinstance(configuration, Mapping) else None
        stack: list[tuple[str, Json]] = [("", root)]
        while stack:
            path, module = stack.pop()
            if not isinstance(module, Mapping):
                continue
            self.modules[path] = module
            calls = module.get("module_calls")
            for name, call in (calls.items() if isinstance(calls, Mapping) else ()):
                if isinstance(call, Mapping):
                    stack.append((f"{path}.module.{name}".lstrip("."), call.get("module")))

    def _add(self, resource: Mapping[str, Json], pointer: Pointer,
             changes: dict[str, Mapping[str, Json]]) -> None:
        address = resource["address"]
        parts = parse_address(address)
        module, rest = split_module(parts)
        if len(rest) < 2 or rest[0][0] == "data":
            return
        change = changes.get(address) or {}
        actions = change.get("actions")
        values = resource.get("values")
        inst = Instance(
            address=address, type=resource["type"], key=f"{rest[0][0]}.{rest[1][0]}",
            index=rest[1][1], module=render(module),
            module_parts=module, values=values if isinstance(values, Mapping) else {},
            pointer=pointer, unknown=change.get("after_unknown") if change else None,
            actions=tuple(a for a in actions if isinstance(a, str))
            if isinstance(actions, list) else (),
            expressions=self._expressions(config_path(module), f"{rest[0][0]}.{rest[1][0]}"))
        self.instances[address] = inst
        self.by_resource.setdefault((inst.module, inst.key), []).append(inst)
        for i in range(0, len(module), 2):
            self.module_instances.add(render(module[:i + 2]))

    def _expressions(self, module_path: str, key: str) -> Mapping[str, Json]:
        for _, resource in items(mapping(self.modules.get(module_path)).get("resources")):
            if resource.get("address") == key:
                expressions = resource.get("expressions")
                return expressions if isinstance(expressions, Mapping) else {}
        return {}

    # -- references --------------------------------------------------------------
    def why(self, inst: Instance, path: tuple[str | int, ...]) -> str:
        """What the configuration says of an unknown value beyond the plan's words ("" here:
        a plan's wording fits; Terraform source says more, such as a variable's missing
        default)."""
        return ""

    def origins(self, inst: Instance, *path: str | int) -> list[Origin]:
        """Where the value of one of ``inst``'s attributes comes from, first reference first."""
        expression = inst.expression(*path)
        refs = expression.get("references") if expression else None
        if not isinstance(refs, list):
            return []
        return self._follow(inst.module_parts, [r for r in refs if isinstance(r, str)],
                            inst.index, 0)

    def _follow(self, module: list[Part], refs: list[str], each_key: Key,
                depth: int) -> list[Origin]:
        if depth > 32:
            return []
        out: list[Origin] = []
        seen: set[str] = set()
        uses_each_key = "each.key" in refs
        for ref in refs:
            parts = parse_address(ref)
            if not parts or parts[0][0] in _IGNORED_ROOTS:
                continue
            head = parts[0][0]
            if head == "var" and len(parts) >= 2:
                if parts[1][0] in seen or not module:
                    continue
                seen.add(parts[1][0])
                out += self._variable(module, parts[1][0], depth)
            elif head == "module" and len(parts) >= 3:
                ident = render(parts[:3])
                if any(s.startswith(ident) for s in seen):
                    continue
                seen.add(ident)
                out += self._output(module, parts, depth)
            elif head in ("local", "data"):
                n = 2 if head == "local" else 3
                ident = render(module + [(name, None) for name, _ in parts[:n]])
                if ident not in seen:
                    seen.add(ident)
                    out.append(Outside(ident, render([*module, *parts])))
            elif len(parts) >= 2:
                # "x.y[0].arn", "x.y[0]", "x.y" name one instance: the first says it all
                whole = render([*module, (parts[0][0], None), (parts[1][0], None)])
                ident = render([*module, *parts[:2]])
                if ident in seen or (parts[1][1] is None and whole in seen):
                    continue
                seen.update((ident, whole))
                origin = self._resource(module, parts, each_key if uses_each_key else None)
                if origin is not None:
                    out.append(origin)
        return out

    def _variable(self, module: list[Part], name: str, depth: int) -> list[Origin]:
        parent, (call, key) = module[:-2], module[-1]
        calls = (self.modules.get(config_path(parent)) or {}).get("module_calls")
        spec = calls.get(call) if isinstance(calls, Mapping) else None
        expressions = spec.get("expressions") if isinstance(spec, Mapping) else None
        expression = expressions.get(name) if isinstance(expressions, Mapping) else None
        refs = expression.get("references") if isinstance(expression, Mapping) else None
        if not isinstance(refs, list):
            return []  # a constant, or the variable's default
        return self._follow(parent, [r for r in refs if isinstance(r, str)], key, depth + 1)

    def _output(self, module: list[Part], parts: list[Part], depth: int) -> list[Origin]:
        call, key = parts[1]
        child = [*module, ("module", None), (call, key)]
        if key is None:
            prefix = render([*module, ("module", None), (call, None)])
            keyed = [m for m in self.module_instances if m.startswith(prefix + "[")]
            if keyed:
                return [Outside(render([*module, *parts[:3]]))]
        outputs = (self.modules.get(config_path(child)) or {}).get("outputs")
        output = outputs.get(parts[2][0]) if isinstance(outputs, Mapping) else None
        expression = output.get("expression") if isinstance(output, Mapping) else None
        refs = expression.get("references") if isinstance(expression, Mapping) else None
        if not isinstance(refs, list):
            return []
        return self._follow(child, [r for r in refs if isinstance(r, str)], None, depth + 1)

    def _resource(self, module: list[Part], parts: list[Part], each_key: Key) -> Origin | None:
        """A reference to a managed resource; None when it has no instance (``count = 0``)."""
        (rtype, _), (rname, index) = parts[0], parts[1]
        attribute = parts[2][0] if len(parts) > 2 else ""
        candidates = self.by_resource.get((render(module), f"{rtype}.{rname}"), [])
        if index is not None:
            found = [c for c in candidates if c.index == index]
        elif len(candidates) == 1 and candidates[0].index is None:
            found = candidates
        elif each_key is not None:  # this[each.key]: the instance of the same key
            found = [c for c in candidates if c.index == each_key] or candidates
        else:
            found = candidates
        if not found:
            return None  # no instance in the plan: a count or for_each of nothing
        if len(found) == 1:
            return Target(found[0], attribute)
        return Outside(render([*module, (rtype, None), (rname, None)]), candidates=tuple(found))


def _changes(changes: Json) -> dict[str, Mapping[str, Json]]:
    out: dict[str, Mapping[str, Json]] = {}
    for item in changes if isinstance(changes, list) else ():
        if isinstance(item, Mapping) and isinstance(item.get("address"), str) \
                and isinstance(item.get("change"), Mapping):
            out[item["address"]] = item["change"]
    return out


def _planned(module: Json, at: Pointer) -> Iterator[tuple[Mapping[str, Any], Pointer]]:
    if not isinstance(module, Mapping):
        return
    resources = module.get("resources")
    for i, resource in enumerate(resources if isinstance(resources, list) else ()):
        if isinstance(resource, Mapping) and resource.get("mode", "managed") == "managed" \
                and isinstance(resource.get("address"), str) \
                and isinstance(resource.get("type"), str):
            yield resource, (*at, "resources", i)
    children = module.get("child_modules")
    for i, child in enumerate(children if isinstance(children, list) else ()):
        yield from _planned(child, (*at, "child_modules", i))
