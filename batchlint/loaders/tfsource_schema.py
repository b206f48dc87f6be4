"""A resource's values converted to the types of the provider's schema, as Terraform does.

Terraform converts each attribute to its schema type before the provider sees it:
``max_vcpus = "256"`` (or a ``type = string`` variable holding ``"256"``) is the number
256, ``"true"`` and ``"1"`` the bool true. The number and bool attributes of the resource
types batchlint reads are in ``batchlint/data/terraform_types.json``, extracted from
``terraform providers schema -json`` of hashicorp/aws (``scripts/
gen_terraform_blocks.py``). A value that does not convert (``"abc"``) is one Terraform rejects:
it is left unknown, saying why (``is "abc", which is not a number``).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from typing import Any

from batchlint.loaders.tfsource_eval import EvalError, Lazy, Unknown, in_range

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_BOOLS = {"true": True, "1": True, "false": False, "0": False}
_A = {"number": "a number", "bool": "a bool (true or false)"}


@cache
def _types() -> dict[str, dict[str, Any]]:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data",
                        "terraform_types.json")
    with open(path, encoding="utf-8") as fh:
        table: dict[str, dict[str, Any]] = json.load(fh)["resource"]
    return table


def conform(resource_type: str, raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` (an evaluated resource body) with its number and bool attributes converted
    from the strings Terraform would convert."""
    types = _types().get(resource_type)
    return _body(types, raw) if types else raw


def _body(types: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    out = dict(raw)
    for name, kind in types.items():
        if name not in raw:
            continue
        value = raw[name]
        if isinstance(kind, dict):  # a nested block: a list of bodies
            if isinstance(value, list):
                out[name] = [_body(kind, v) if isinstance(v, dict) else v for v in value]
        elif isinstance(kind, str):
            out[name] = _primitive(kind, value)
        elif isinstance(value, list):  # ["list" | "set", "number"]
            out[name] = [_primitive(kind[1], v) for v in value]
        elif isinstance(value, dict):  # ["map", "number"]
            out[name] = {k: _primitive(kind[1], v) for k, v in value.items()}
    return out


def _primitive(kind: str, value: Any) -> Any:
    if value is None or isinstance(value, Unknown | Lazy):
        return value
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind == "bool" and isinstance(value, bool):
        return value
    if isinstance(value, str):
        if kind == "number" and _NUMBER.fullmatch(value):
            try:  # the evaluator's own bounds ("1e400", more digits than Python converts)
                number = in_range(int(value) if value.lstrip("+-").isdigit() else
                                  float(value))
            except (ValueError, EvalError):
                return Unknown(why=f"is {json.dumps(value)}, a number out of range")
            return int(number) if isinstance(number, float) and number.is_integer() \
                else number
        if kind == "bool" and value in _BOOLS:
            return _BOOLS[value]
        shown = json.dumps(value)
    else:
        shown = "true" if value is True else "false" if value is False else \
            "a list" if isinstance(value, list) else \
            "an object" if isinstance(value, dict) else json.dumps(value)
    return Unknown(why=f"is {shown}, which is not {_A[kind]}")
