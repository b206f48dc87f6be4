"""A variable's ``type``: its value converted as Terraform converts it.

``type = number`` turns a default or tfvars value of ``"100"`` into ``100``, ``string`` a
number into its text, ``bool`` ``"true"`` into ``true``; ``list(…)``, ``set(…)``,
``map(…)`` and ``tuple([…])`` convert their elements. ``object({…})`` keeps the
attributes it declares, each converted, and drops the others; one declared
``optional(T)`` that the value leaves out (or gives as null) is null, and one declared
``optional(T, default)`` is the default, itself converted to ``T`` (Terraform 1.3's
optional attributes: a module's ``each.value.type`` is ``"MANAGED"`` when the caller did
not say it). ``any`` leaves the value as written; unknowns stay unknown, and a value
Terraform would refuse is an :class:`EvalError`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_eval import EvalError, Lazy, Unknown
from batchlint.loaders.tfsource_expr import evaluate
from batchlint.loaders.tfsource_hcl import HclFile, Node

Kind = tuple[Any, ...]  # ("string",), ("list", Kind), ("object", {name: Attribute}), …
ANY: Kind = ("any",)
MAX_TYPE_DEPTH = 32  # types in one another; Terraform modules' nest a handful deep


@dataclass(frozen=True)
class Attribute:
    """An attribute of an ``object({…})`` type."""

    kind: Kind
    optional: bool = False  # ``optional(…)``: the value may leave it out
    default: Any = None  # what ``optional(T, default)`` puts for null, converted to T


def convert(file: HclFile, type_expr: Node, value: Any) -> Any:
    """``value`` as a variable of type ``type_expr`` holds it."""
    kind = _type(file, type_expr, 0)
    return value if kind == ANY else _convert(kind, value)


def _type(file: HclFile, node: Node, depth: int) -> Kind:
    if depth > MAX_TYPE_DEPTH:
        raise EvalError(f"a type nested more than {MAX_TYPE_DEPTH} deep")
    node = hcl.unwrap(node)
    if node.type == "variable_expr":
        name = file.raw(node)
        # `list` alone is Terraform 0.11's list(any)
        return (name, ANY) if name in ("list", "set", "map") else (name,)
    if node.type != "function_call":
        return ANY
    name, args = _call(file, node)
    if len(args) != 1:
        return ANY
    if name in ("list", "set", "map"):
        return (name, _type(file, args[0], depth + 1))
    inner = hcl.unwrap(args[0])  # object({…}) and tuple([…]) take a literal
    if name == "object" and inner.type == "object":
        return ("object", _attributes(file, inner, depth + 1))
    if name == "tuple" and inner.type == "tuple":
        return ("tuple", tuple(_type(file, item, depth + 1) for item in hcl.kids(inner)
                               if item.type == "expression"))
    return ANY


def _call(file: HclFile, node: Node) -> tuple[str, list[Node]]:
    """A function call's name and argument expressions (``list(string)``)."""
    parts = hcl.kids(node)
    args = [a for a in hcl.kids(parts[1]) if a.type == "expression"] if len(parts) > 1 else []
    return file.raw(parts[0]), args


def _attributes(file: HclFile, node: Node, depth: int) -> dict[str, Attribute]:
    """``{ name = string, type = optional(string, "MANAGED") }`` of ``object({…})``."""
    out: dict[str, Attribute] = {}
    for elem in hcl.kids(node):
        if elem.type != "object_elem":
            continue
        key, value = elem.child_by_field_name("key"), elem.child_by_field_name("val")
        name = hcl.bare_name(file, key) if key is not None else None
        if name is None or value is None:
            raise EvalError("an object type's attributes are named by identifiers")
        out[name] = _attribute(file, value, depth)
    return out


def _attribute(file: HclFile, node: Node, depth: int) -> Attribute:
    inner = hcl.unwrap(node)
    if inner.type != "function_call" or _call(file, inner)[0] != "optional":
        return Attribute(_type(file, node, depth))
    args = _call(file, inner)[1]
    if len(args) not in (1, 2):
        raise EvalError("`optional` takes a type and, after it, a default")
    kind = _type(file, args[0], depth)
    if len(args) == 1:
        return Attribute(kind, optional=True)
    try:  # a constant, converted (and given its own defaults) once, as Terraform does
        default = _convert(kind, evaluate(file, _CONSTANTS, args[1]))
    except EvalError as exc:
        raise EvalError(f"the default of `{file.source(inner)}`: {exc}") from None
    return Attribute(kind, optional=True, default=default)


class _Constants:
    """The scope of an optional attribute's default: no names, as in Terraform."""

    def root(self, name: str) -> Any:
        raise EvalError(f"`{name}` cannot be used in a type's default")

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return None

    def work_dir(self) -> str:  # what every function call asks for
        raise EvalError("functions cannot be used in a type's default")


_CONSTANTS = _Constants()


def _convert(kind: Kind, value: Any) -> Any:
    name = kind[0]
    # a resource or module given whole stays what it is: its attributes read the same
    if name == "any" or (name == "object" and isinstance(value, Lazy)):
        return value
    value = ev.plain(value)
    if value is None or isinstance(value, Unknown):
        return value
    if name == "number":
        if isinstance(value, bool):
            raise EvalError("a bool is not a number")
        return ev.number(value)
    if name == "string":
        return ev.to_string(value)
    if name == "bool":
        return ev.boolean(value)
    if name in ("list", "set", "tuple"):
        return _sequence(kind, value)
    if name == "map":
        if not isinstance(value, dict):
            raise EvalError("a map is required")
        return {k: _inside(f"element {k!r}", kind[1], v) for k, v in value.items()}
    if name == "object":
        return _object(kind[1], value)
    return value


def _sequence(kind: Kind, value: Any) -> Any:
    name = kind[0]
    if not isinstance(value, list):
        raise EvalError(f"a {name} is required")
    if name == "tuple":
        if len(value) != len(kind[1]):
            raise EvalError(f"a tuple of {len(kind[1])} elements is required")
        pairs = enumerate(zip(kind[1], value, strict=True))
        return [_inside(f"element {i}", k, v) for i, (k, v) in pairs]
    items = [_inside(f"element {i}", kind[1], v) for i, v in enumerate(value)]
    return ev.TfSet(_unique(items)) if name == "set" else items


def _unique(items: list[Any]) -> list[Any]:
    """A set's elements, each once; left as they are where unknowns leave that open."""
    if all(isinstance(i, str | int | float) for i in items):
        return list(dict.fromkeys(items))
    if ev.unknowns(items):
        return items
    try:
        return list({json.dumps(i, sort_keys=True): i for i in items}.values())
    except TypeError:  # a resource or module inside an `any`
        return items


def _object(attributes: dict[str, Attribute], value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvalError("an object is required")
    out: dict[str, Any] = {}
    for name, attribute in attributes.items():
        if name not in value and not attribute.optional:
            raise EvalError(f"attribute `{name}` is required")
        given = value.get(name)
        if given is None and attribute.default is not None:  # null takes the default too
            out[name] = copy.deepcopy(attribute.default)
        else:
            out[name] = _inside(f"attribute `{name}`", attribute.kind, given)
    return out


def _inside(where: str, kind: Kind, value: Any) -> Any:
    """An element or attribute converted; what Terraform refuses says where it is."""
    try:
        return _convert(kind, value)
    except EvalError as exc:
        raise EvalError(f"{where}: {exc}") from None
