"""Resolved template values in the API's types: what CloudFormation coerces (``MaxvCpus:
"256"``, a comma-separated list) coerced the same way, and values not known moved to the
resource's unknown paths with the reason in the template's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from batchlint import shapes
from batchlint.loaders.cfn_values import NO_VALUE, Unk
from batchlint.model import Json, Pointer

# maps whose keys are the user's own (log driver options, parameters, tags, labels)
_FREE_FORM = {"options", "parameters", "tags", "labels", "annotations"}


def field_name(path: Pointer) -> str:
    """How the template spells an API path: ``ComputeResources.Subnets[0]``; a key of a
    map of the user's own as written (``LogConfiguration.Options.awslogs-region``)."""
    out, previous = "", ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            own = previous in _FREE_FORM
            out += ("." if out else "") + (part if own else part[:1].upper() + part[1:])
        previous = part if isinstance(part, str) else ""
    return out or "the resource"


def settle(value: Json, spec: Any, path: Pointer, unknown: dict[Pointer, str],
           name: Callable[[Pointer], str] = field_name) -> Json:
    """Template values in the API's types, and unknown values moved to ``unknown``.

    CloudFormation accepts ``Value: 8`` for a string and ``MaxvCpus: "256"`` for an
    integer, and a comma-separated string for a list. A string that is not fully
    known keeps its text (``batch-${Env}``); any other value not known is left out.
    Both are listed in ``unknown`` with the reason, naming the field by ``name``.
    """
    if isinstance(value, Unk):
        unknown[path] = f"`{name(path)}` depends on {value.why}"
        return value.text if spec in (str, None, shapes.ANY) else NO_VALUE
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            sub = spec.get(key) if isinstance(spec, dict) else None
            settled = settle(item, sub, (*path, key), unknown, name)
            if settled is not NO_VALUE:
                out[key] = settled
        return out
    if isinstance(spec, list) and isinstance(value, str):
        value = [item.strip() for item in value.split(",")]  # as CloudFormation trims them
    if isinstance(value, list):
        item_spec = spec[0] if isinstance(spec, list) else None
        items: list[Json] = []
        for item in value:
            settled = settle(item, item_spec, (*path, len(items)), unknown, name)
            if settled is NO_VALUE:
                why = unknown.pop((*path, len(items)), "")
                unknown[path] = f"an item of {why}" if why else f"`{name(path)}`"
            else:
                items.append(settled)
        return items
    if spec is str and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if spec is str and isinstance(value, bool):
        return "true" if value else "false"
    if spec in (int, shapes.NUMBER) and isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        unknown[path] = f"`{name(path)}` is not a number"
        return NO_VALUE
    if spec is bool and isinstance(value, str):
        decided = {"true": True, "false": False}.get(value.strip().lower())
        if decided is None:
            unknown[path] = f"`{name(path)}` is not true or false"
            return NO_VALUE
        return decided
    return value
