"""A variable's ``type``: its value converted as Terraform converts it.

``type = number`` turns a default or tfvars value of ``"100"`` into ``100``, ``string`` a
number into its text, ``bool`` ``"true"`` into ``true``; ``list(…)``, ``set(…)`` and
``map(…)`` convert their elements. Other types (``object``, ``tuple``, ``any``) leave the
value as written; a value Terraform would refuse is an :class:`EvalError`.
"""

from __future__ import annotations

from typing import Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_eval import EvalError, Unknown
from batchlint.loaders.tfsource_hcl import HclFile, Node


def convert(file: HclFile, type_expr: Node, value: Any) -> Any:
    """``value`` as a variable of type ``type_expr`` holds it."""
    kind = _type(file, type_expr)
    return value if kind == ("any",) else _convert(kind, ev.plain(value))


def _type(file: HclFile, node: Node) -> tuple[Any, ...]:
    node = hcl.unwrap(node)
    if node.type == "variable_expr":
        return (file.raw(node),)
    if node.type == "function_call":
        parts = hcl.kids(node)
        args = [a for a in hcl.kids(parts[1]) if a.type == "expression"] if len(parts) > 1 else []
        name = file.raw(parts[0])
        if name in ("list", "set", "map") and len(args) == 1:
            return (name, _type(file, args[0]))
    return ("any",)


def _convert(kind: tuple[Any, ...], value: Any) -> Any:
    name = kind[0]
    if value is None or isinstance(value, Unknown) or name == "any":
        return value
    if name == "number":
        if isinstance(value, bool):
            raise EvalError("a bool is not a number")
        return ev.number(value)
    if name == "string":
        return ev.to_string(value)
    if name == "bool":
        return ev.boolean(value)
    if name in ("list", "set"):
        if not isinstance(value, list):
            raise EvalError(f"a {name} is required")
        items = [_convert(kind[1], v) for v in value]
        return ev.TfSet(dict.fromkeys(items) if all(isinstance(i, str | int | float)
                                                   for i in items) else items) \
            if name == "set" else items
    if name == "map":
        if not isinstance(value, dict):
            raise EvalError("a map is required")
        return {k: _convert(kind[1], v) for k, v in value.items()}
    return value
