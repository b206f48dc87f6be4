"""What a CloudFormation template's values resolve to: a value, :data:`NO_VALUE`
(``AWS::NoValue``: left out) or :class:`Unk` (not known from the template alone), and
how to read those; and which conditions a value's ``Fn::If`` s test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batchlint.model import Json

NO_VALUE: Any = object()  # AWS::NoValue: the property or list item is left out


@dataclass(frozen=True)
class Unk:
    """A value not known from the template: its text as the user reads it, and why."""

    text: str
    why: str



def conditions_used(value: Json) -> list[str]:
    """The conditions that ``Fn::If`` s anywhere in ``value`` test, in order."""
    found: list[str] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            branch = node.get("Fn::If")
            if len(node) == 1 and isinstance(branch, list) and branch and \
                    isinstance(branch[0], str):
                found.append(branch[0])
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return list(dict.fromkeys(found))


def is_scalar(value: Json) -> bool:
    return isinstance(value, str | int | float | bool)


def text_of(value: Json) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def has_unk(value: Json) -> bool:
    if isinstance(value, Unk):
        return True
    if isinstance(value, list):
        return any(has_unk(v) for v in value)
    if isinstance(value, Mapping):
        return any(has_unk(v) for v in value.values())
    return False


def first_why(value: Json, default: str) -> str:
    if isinstance(value, Unk):
        return value.why
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Unk):
                return item.why
    return default


def join_whys(whys: list[str]) -> str:
    return " and ".join(dict.fromkeys(whys))
