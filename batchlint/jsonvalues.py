"""Reading JSON values whose shape is not guaranteed: one home for the small type guards.

Resources hold data as AWS, a template or a plan gave it, and only the fields in
:mod:`batchlint.shapes` are type-checked on load, so every step into the data checks
what it finds and skips what does not fit. This module imports nothing of batchlint's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is an object, else an empty mapping."""
    if isinstance(value, dict):  # what JSON gives: spares the Mapping check its ABC lookup
        return value
    return value if value is not None and isinstance(value, Mapping) else {}


def items(value: Any) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, item) for the items of a list that are objects; nothing for a non-list."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, Mapping)):  # dict first: no ABC lookup for JSON
                yield i, item


def integer(value: Any) -> int | None:
    """``value`` when it is an integer (not a boolean, which Python counts as one)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
