"""How deep JSON data nests, for the ``--max-depth`` guard: nothing downstream is handed
objects and lists nested deeper than the limit, as everything downstream recurses.

:func:`batchlint.jsonpos.load_json` bounds each value it steps over by its text: its
objects and lists nest at most one level deeper for each ``{`` and ``[`` the text holds
(strings only add to the count), counted in C. Only values whose bound is over the limit
are measured, in the data.
"""

from __future__ import annotations

from typing import Any

from batchlint.model import Pointer

# (a value's pointer, the deepest level its objects and lists can reach; the document's
# own object or list is level 1)
Levels = list[tuple[Pointer, int]]


def nests_deeper(data: Any, levels: Levels, max_depth: int) -> bool:
    """Whether ``data`` nests objects and lists more than ``max_depth`` deep, ``levels``
    bounding every part of it."""
    return any(level > max_depth and _deeper(data, pointer, max_depth)
               for pointer, level in levels)


def _deeper(data: Any, pointer: Pointer, max_depth: int) -> bool:
    """Whether the value at ``pointer`` nests deeper than ``max_depth`` (counted from the
    document); without recursion. A value not there (a key given twice: the data keeps
    the last) is not."""
    for part in pointer:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    if type(data) not in (dict, list):
        return False
    limit = max_depth - len(pointer)
    stack: list[tuple[Any, int]] = [(data, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        for child in value.values() if type(value) is dict else value:
            kind = type(child)
            if kind is dict or kind is list:
                if depth >= limit:
                    return True
                push((child, depth + 1))
    return limit < 1
