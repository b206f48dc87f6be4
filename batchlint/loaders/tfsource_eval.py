"""Evaluating Terraform expressions without a plan.

Values are plain JSON values; what only apply, a data source, a remote module or a
variable without value gives is an :class:`Unknown`, which carries where it comes from
(the plan's :class:`Target`/:class:`Outside`, so references read as a plan's do) and,
when the plan would not say it that way, why. Operations on an unknown give an unknown;
a string built around unknown parts (a template, ``format``, ``join``) is a :class:`Partial`,
an unknown that keeps its known text for the few operations that carry text unchanged
(:mod:`tfsource_partial`); every other operation takes it as wholly unknown. A construct
batchlint does not evaluate raises :class:`EvalError`, which costs the attribute, never
the file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from batchlint.loaders.tfplan_refs import Outside, Target

Origin = Target | Outside


class EvalError(Exception):
    """An expression Terraform would reject, or that batchlint does not evaluate."""


@dataclass(frozen=True, eq=False)
class Unknown:
    origins: tuple[Origin, ...] = ()
    why: str = ""  # completes "`attr` …" when the plan's wording would not fit

    @staticmethod
    def of(*values: Any) -> Unknown:
        origins: list[Origin] = []
        why = ""
        for value in values:
            for u in unknowns(value):
                origins += [o for o in u.origins if not any(o is p for p in origins)]
                why = why or u.why
        return Unknown(tuple(origins), why)


@dataclass(frozen=True, eq=False)
class Hole:
    """An unknown part of a :class:`Partial`, and how its text writes it (``var.x``)."""

    value: Unknown
    label: str

    @property
    def text(self) -> str:
        return "${" + self.label + "}"


@dataclass(frozen=True, eq=False)
class Partial(Unknown):
    """A string not wholly known: ``text`` is its known text with each unknown part written
    ``${…}`` as the user wrote it, the model's partly known string. ``pieces`` are its known
    texts and :class:`Hole` s in order; () when ``text`` is not their concatenation
    (``base64encode()`` of one: only a reader that decodes the text finds its parts)."""

    text: str = ""
    pieces: tuple[str | Hole, ...] = ()


def whole(value: Any) -> Any:
    """A value as wholly unknown when it is a :class:`Partial` (its text is not carried)."""
    return Unknown.of(value) if isinstance(value, Partial) else value


class Lazy:
    """An object whose attributes are evaluated when read (resources, modules, namespaces)."""

    def get(self, name: str) -> Any:
        raise EvalError(f"unsupported attribute `{name}`")

    def index(self, key: Any) -> Any:
        raise EvalError("this value cannot be indexed")

    def whole(self) -> Any:
        raise EvalError("this object cannot be used as a whole")


def unknowns(value: Any) -> list[Unknown]:
    """Every unknown inside a value, in order."""
    if isinstance(value, Unknown):
        return [value]
    if isinstance(value, dict):
        return [u for v in value.values() for u in unknowns(v)]
    if isinstance(value, list):
        return [u for v in value for u in unknowns(v)]
    return []


class TfSet(list[Any]):
    """``toset(…)``: iterated by ``for_each`` with each.key equal to each.value."""


def plain(value: Any) -> Any:
    return value.whole() if isinstance(value, Lazy) else value


def to_string(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, Unknown | str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number_text(value)
    if value is None:
        raise EvalError("a null value cannot be used in a string")
    raise EvalError("a list or object cannot be used in a string")


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def number(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, Unknown):
        return whole(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return in_range(value)
    if isinstance(value, str):
        try:
            parsed = in_range(float(value), value)
        except ValueError:
            raise EvalError(f"{value!r} is not a number") from None
        return int(parsed) if parsed.is_integer() and "." not in value else parsed
    raise EvalError("a number is required")


def in_range(value: Any, text: str = "") -> Any:
    """A number batchlint computes with: finite (Python's floats overflow to infinity past
    1.8e308, where Terraform's numbers do not) and of at most 1024 bits."""
    if (isinstance(value, float) and not math.isfinite(value)) or \
            (isinstance(value, int) and value.bit_length() > 1024):
        shown = f"the number {text}" if text else "a number"
        raise EvalError(f"{shown} is out of range for batchlint")
    return value


def boolean(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, Unknown | bool):
        return whole(value)
    if value in ("true", "false"):
        return value == "true"
    raise EvalError("a bool is required")


def tidy(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "%": lambda a, b: a % b,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def binary(op: str, left: Any, right: Any) -> Any:
    left, right = plain(left), plain(right)
    if op in ("==", "!="):
        other = right if left is None else left if right is None else None
        if isinstance(other, dict | list | Partial):  # known not null, whatever it holds
            return op == "!="
        if unknowns(left) or unknowns(right):
            return Unknown.of(left, right)
        same = json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)
        return same if op == "==" else not same
    if op in ("&&", "||"):
        a, b = boolean(left), boolean(right)
        if op == "&&" and (a is False or b is False):
            return False
        if op == "||" and (a is True or b is True):
            return True
        return Unknown.of(a, b) if unknowns(a) or unknowns(b) else bool(a and b) \
            if op == "&&" else bool(a or b)
    a, b = number(left), number(right)
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return Unknown.of(a, b)
    try:
        return tidy(in_range(_ARITHMETIC[op](a, b)))
    except ZeroDivisionError:
        raise EvalError("division by zero") from None
    except OverflowError:
        raise EvalError("a number is out of range for batchlint") from None


def attribute(value: Any, name: str) -> Any:
    if isinstance(value, Lazy):
        return value.get(name)
    if isinstance(value, Unknown):
        return whole(value)
    if isinstance(value, dict):
        if name not in value:
            raise EvalError(f"no attribute `{name}`")
        return value[name]
    raise EvalError(f"cannot read `{name}` of this value")


def index(value: Any, key: Any) -> Any:
    key = plain(key)
    if isinstance(value, Unknown):
        return whole(value)
    if isinstance(key, Unknown):
        return Unknown.of(key, value)
    if isinstance(value, Lazy):
        return value.index(key)
    if isinstance(value, dict):
        key = to_string(key)
        if key not in value:
            raise EvalError(f"no element {key!r}")
        return value[key]
    if isinstance(value, list):
        position = number(key)
        if not isinstance(position, int) or not 0 <= position < len(value):
            raise EvalError(f"no element {key!r}")
        return value[position]
    raise EvalError("this value cannot be indexed")


def mapping(value: Any) -> Mapping[str, Any]:
    value = plain(value)
    if not isinstance(value, dict):
        raise EvalError("an object is required")
    return value
