"""Strings partly known before apply: what carries their known text, and nothing else.

A template, ``format("%s…")`` and ``join()`` only put texts side by side, so a string
they build around a value not known is known but for that value: a :class:`Partial`,
whose text writes each unknown part ``${…}`` as the user wrote it
(``${aws_ecr_repository.app.repository_url}:latest``), as CloudFormation's ``!Sub``
does. ``base64encode()`` of one keeps its text encoded (a reader decodes it, as a launch
template's user data), and ``jsondecode()`` of JSON text whose unknown parts all sit
inside string literals is known but for those strings. Anything that computes from the
unknown part (``lower()``, ``length()``, comparisons, a number) takes the Partial as
wholly unknown, as before: only text carried through unchanged is known.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from batchlint.loaders import tfsource_limits as limits
from batchlint.loaders.tfplan_refs import Outside
from batchlint.loaders.tfsource_eval import EvalError, Hole, Partial, Unknown, to_string

_UNSAFE = re.compile(r"[{}$@\n]")  # would end or confuse a reader's `${…}`, or read as a digest


def placeholder(text: str) -> str:
    """How a hole's text writes an expression (``…`` when it is long or has braces)."""
    shown = " ".join(text.split())
    return "…" if len(shown) > 60 or _UNSAFE.search(shown) else shown


def label(value: Unknown) -> str:
    """How a hole's text writes a value whose expression is not at hand: its origin."""
    if len(value.origins) != 1:
        return "…"
    origin = value.origins[0]
    if isinstance(origin, Outside):
        return "…" if origin.candidates else placeholder(origin.ref or origin.text)
    return placeholder(f"{origin.instance.address}.{origin.attribute}".rstrip("."))


def concat(items: list[Any]) -> Any:
    """Texts, holes and values side by side: a string, a :class:`Partial`, or an unknown
    when no text is known (a value not known is a hole; a Partial's pieces are inlined)."""
    pieces: list[str | Hole] = []
    for item in items:
        if isinstance(item, Partial) and item.pieces:
            found: list[str | Hole] = list(item.pieces)
        elif isinstance(item, Unknown):
            found = [Hole(item, label(item))]
        else:
            found = [item]
        for piece in found:
            if isinstance(piece, str) and pieces and isinstance(pieces[-1], str):
                pieces[-1] += piece
            elif piece != "":
                pieces.append(piece)
    holes = [p.value for p in pieces if isinstance(p, Hole)]
    if not holes:
        return "".join(p for p in pieces if isinstance(p, str))
    both = Unknown.of(*holes)
    if all(isinstance(p, Hole) for p in pieces):
        return both
    text = "".join(p if isinstance(p, str) else p.text for p in pieces)
    limits.length(len(text), "a string's known text")
    return Partial(both.origins, both.why, text, tuple(pieces))


def base64_of(value: Partial) -> Any:
    """``base64encode()`` of a Partial: its text encoded (a reader that decodes it finds the
    ``${…}``); of one already encoded, wholly unknown."""
    if not value.pieces:
        return Unknown.of(value)
    return Partial(value.origins, value.why, base64.b64encode(value.text.encode()).decode())


_MARK = "\ue000"
_MARKED = re.compile(_MARK + r"(\d+)" + _MARK)


def decode(value: Partial) -> Any:
    """``jsondecode()`` of a Partial: the document, each string holding an unknown part a
    Partial (or an unknown); None when an unknown part is not inside a string literal
    (``"vcpus": ${var.n}``, a key), or the text is not JSON."""
    holes = [p for p in value.pieces if isinstance(p, Hole)]
    if not holes or any(isinstance(p, str) and _MARK in p for p in value.pieces):
        return None
    marked, at = "", 0
    for piece in value.pieces:
        if isinstance(piece, str):
            marked += piece
        else:
            marked, at = marked + f"{_MARK}{at}{_MARK}", at + 1
    try:
        document = json.loads(marked)
    except ValueError:
        return None
    seen: list[int] = []

    def rebuild(item: Any) -> Any:
        if isinstance(item, str) and _MARK in item:
            parts = _MARKED.split(item)
            seen.extend(int(n) for n in parts[1::2])
            return concat([holes[int(p)] if i % 2 else p for i, p in enumerate(parts)])
        if isinstance(item, dict):
            if any(_MARK in key for key in item):
                seen.append(-1)
            return {k: rebuild(v) for k, v in item.items()}
        return [rebuild(v) for v in item] if isinstance(item, list) else item

    found = rebuild(document)
    return found if sorted(seen) == list(range(len(holes))) else None


def carry(short: str, args: list[Any], format_: Callable[..., Any]) -> Any:
    """What a function that carries text unchanged gives for arguments holding unknown
    parts; None for any other function, which leaves its result unknown."""
    first = args[0] if args else None
    if short == "format" and isinstance(first, str):
        return format_(*args)
    if short == "join" and len(args) == 2:
        return join_of(*args)
    if len(args) != 1 or not isinstance(first, Partial):
        return None
    if short == "tostring":
        return first
    if short == "base64encode":
        return base64_of(first)
    return decode(first) if short == "jsondecode" and first.pieces else None


def coalesce(arguments: list[Any], value_of: Callable[[Any], Any] = lambda v: v) -> Any:
    """``coalesce()``: the first argument neither null nor "" (a Partial's known text is not
    empty), evaluated in turn: as ``terraform console`` shows, once it is known the later
    ones do not matter, not even unknown ones or ones batchlint does not evaluate. An unknown
    one before it makes the result unknown."""
    seen: list[Any] = []
    for argument in arguments:
        try:
            value = value_of(argument)
        except EvalError:
            if not seen:
                raise
            continue  # the result is unknown already
        if seen or (isinstance(value, Unknown) and not isinstance(value, Partial)):
            seen.append(value)
        elif value is not None and value != "":
            return value
    if seen:
        return Unknown.of(*seen)
    raise EvalError("coalesce() has no non-null argument")


def join_of(separator: Any, items: Any) -> Any:
    """``join()`` of a list holding unknown strings; unknown when the list or separator is."""
    if not isinstance(separator, str) or not isinstance(items, list):
        return Unknown.of(separator, items)
    out: list[Any] = []
    for n, item in enumerate(items):
        out += [separator, to_string(item)] if n else [to_string(item)]
    return concat(out)
