"""What a CloudFormation template's values resolve to: a value, :data:`NO_VALUE`
(``AWS::NoValue``: left out) or :class:`Unk` (not known from the template alone), and
how to read those; and which conditions a value's ``Fn::If`` s test.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batchlint.model import Json

NO_VALUE: Any = object()  # AWS::NoValue: the property or list item is left out
# what reading a value of a shape batchlint does not expect may raise: it costs the value
# (or the resource, or a condition, which is then undecided), never the file
UNREADABLE = (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError,
              OverflowError)
_INDEX = re.compile(r"[0-9]+")  # an Fn::Select index written as a string ("1")


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


def select(resolved: Json) -> Json:
    """``Fn::Select`` of its resolved arguments; an index CloudFormation rejects (negative,
    fractional, true or false, past the end) is not guessed."""
    if isinstance(resolved, list) and len(resolved) == 2 and isinstance(resolved[1], list):
        index, items = resolved
        at = _index(index, len(items))
        if at is not None and at < len(items):
            return items[at]
        if at is None and not has_unk(index):
            return Unk("${Select}", "an `Fn::Select` whose index is not a whole number "
                       "from 0, which CloudFormation rejects")
        if at is not None and not has_unk(items):
            return Unk("${Select}", "an `Fn::Select` whose index is past the end of its list, "
                       "which CloudFormation rejects")
    return Unk("${Select}", first_why(resolved, "an `Fn::Select` resolved at deployment"))


def _index(index: Json, count: int) -> int | None:
    """An ``Fn::Select`` index: a whole number from 0, or its digits (``"1"``); None when
    it is anything else (``-1``, ``1.5``, ``.inf``, ``true``)."""
    if isinstance(index, int) and not isinstance(index, bool):
        return index if index >= 0 else None
    if isinstance(index, str) and _INDEX.fullmatch(index):
        return int(index) if len(index) <= 18 else count  # more digits: past any end
    return None


def split(resolved: Json) -> Json:
    """``Fn::Split`` of its resolved arguments."""
    if isinstance(resolved, list) and len(resolved) == 2 and \
            isinstance(resolved[0], str) and isinstance(resolved[1], str):
        if not resolved[0]:
            return Unk("${Split}", "an `Fn::Split` on an empty delimiter, which batchlint "
                       "does not evaluate")
        return resolved[1].split(resolved[0])
    return Unk("${Split}", first_why(resolved[1] if isinstance(resolved, list) and
                                     len(resolved) == 2 else resolved,
                                     "an `Fn::Split` of a value not known"))


def base64_of(text: Json) -> Json:
    """``Fn::Base64`` of its resolved argument; a value not known keeps its known text
    encoded (a MIME header can still be read)."""
    plain = text.text if isinstance(text, Unk) else text
    if not isinstance(plain, str):
        return Unk("${Base64}", "an `Fn::Base64` of a value not known")
    try:
        encoded = base64.b64encode(plain.encode("utf-8")).decode("ascii")
    except UnicodeError:  # a lone surrogate (\ud800): no UTF-8 encodes it
        return Unk("${Base64}", "an `Fn::Base64` of text that is not valid Unicode")
    return Unk(encoded, text.why) if isinstance(text, Unk) else encoded
