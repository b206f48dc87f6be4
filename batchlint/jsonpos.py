"""JSON with positions: parsed once, at C speed, with the offsets findings need.

The stdlib parser gives no positions, and json-source-map (pure Python) maps
every value of a file eagerly at about 0.45 s per MiB, far too slow for a
10,000-job-definition snapshot. :func:`load_json` parses the outer levels of a
document (a snapshot's accounts and regions, a file's lists of resources) member by
member and has the stdlib's C scanner (``scan_once``) build every resource, recording
where each member and element starts on the way: the data json.loads would build, and
the offsets of every resource with it, in one parse.
:class:`batchlint.jsonlocator.JsonLocator` answers a finding's pointer from them.
"""

from __future__ import annotations

import json
import re
import sys
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from batchlint.errors import InputError
from batchlint.model import Pointer
from batchlint.nesting import Levels, nests_deeper

_WS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")  # between a key and its value
# a member's key and colon, up to its value: the key as written (escapes undecoded)
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
_DECODER = json.JSONDecoder()
_SCAN = _DECODER.scan_once  # type: ignore[attr-defined]  # the C scanner: (value, end) of the value at an offset
# How deep load_json parses member by member (and records offsets): objects above this
# depth, lists up to it — a snapshot's lists of resources sit at depth 5, a CLI file's at 1
_LOADED_DEPTH = 5
Offsets = dict[Pointer, tuple[int, int]]  # member → (its key or value, its value)
# An element of a list is decoded whole when the element before it was smaller than this:
# a list of resources is walked for its first element only (a snapshot's one huge
# account still is walked member by member, as its first element is large).
_SMALL_ELEMENT = 256 * 1024
_WALKED = -1  # (*pointer, _WALKED) is recorded for each container read member by member


def read_json(path: str, text: str, max_depth: int) -> tuple[Any, Offsets]:
    """:func:`load_json` of an input file, its errors one line naming the file, as batchlint
    reports every ``.json`` input (``.tf.json`` and ``.tfvars.json`` too)."""
    try:
        return load_json(text, max_depth)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:  # deeper than Python recurses, or than the limit
        raise InputError(path, f"nested more than {max_depth} levels deep (raise the limit "
                               "with --max-depth)") from None
    except ValueError:  # an integer of more than 4300 digits (Python's conversion limit)
        raise InputError(path, "invalid JSON: a number is too long to read") from None


def load_json(text: str, max_depth: int | None = None) -> tuple[Any, Offsets]:
    """``json.loads(text)`` (its errors as they are), and where the members of the
    document's outer levels start: one parse.

    The outer levels are built member by member, recording offsets on the way, each
    resource by the C scanner (``scan_once``) stepping over it: the data json.loads
    builds. Text the walk cannot read (malformed) goes to ``json.loads``, which raises
    its own error (else gives its data, and no offsets: positions are found lazily).

    ``max_depth``: RecursionError if objects and lists nest deeper (as json.loads raises it
    for nesting deeper than Python recurses); the walk bounds the nesting of each value it
    steps over by its text (see :mod:`batchlint.nesting`).
    """
    offsets: Offsets = {}
    levels: Levels = []
    try:
        data, end = _record(text, _past(_WS, text, 0), (), offsets, levels)
        if _past(_WS, text, end) != len(text):
            raise ValueError("Extra data")
    except (ValueError, StopIteration, IndexError, RecursionError):
        data = json.loads(text)
        offsets, levels = {}, [((), sys.maxsize)]
    if max_depth is not None and nests_deeper(data, levels, max_depth):
        raise RecursionError(f"nested more than {max_depth} levels deep")
    return data, offsets


def _record(text: str, i: int, pointer: Pointer, offsets: Offsets,
            levels: Levels) -> tuple[Any, int]:
    """The value at ``i`` and its end, recording the members of outer containers."""
    opener, depth = text[i], len(pointer)
    if opener not in "{[" or depth + (opener == "{") > _LOADED_DEPTH:  # see _LOADED_DEPTH
        return _step(text, i, pointer, levels)
    offsets[(*pointer, _WALKED)] = (i, i)
    levels.append((pointer, depth + 1))
    i = _past(_WS, text, i + 1)
    closed = text[i] == ("}" if opener == "{" else "]")
    i += closed  # past an empty object's or list's closer
    if opener == "{":
        members: dict[str, Any] = {}
        while not closed:
            match = _KEY.match(text, i)  # the key and its colon; decoded by scanstring
            if match is None:
                raise ValueError("expected a key and ':'")
            key = sys.intern(scanstring(text, i + 1)[0])
            member = (*pointer, key)
            offsets[member] = (i, match.end())  # a key given twice: where it is last
            members[key], end = _record(text, match.end(), member, offsets, levels)
            i, closed = _next(text, end, "}")
        return members, i
    elements: list[Any] = []
    size: int | None = None
    while not closed:
        member = (*pointer, len(elements))
        offsets[member] = (i, i)
        # an element after a small one is one resource: stepped over whole, in C
        value, end = _step(text, i, member, levels) if _small(size) else \
            _record(text, i, member, offsets, levels)
        elements.append(value)
        size = end - i
        i, closed = _next(text, end, "]")
    return elements, i


def _step(text: str, i: int, pointer: Pointer, levels: Levels) -> tuple[Any, int]:
    """The value at ``i`` and its end, built in C; its nesting bounded by its text."""
    value, end = _SCAN(text, i)
    levels.append((pointer, len(pointer) + text.count("{", i, end) + text.count("[", i, end)))
    return value, end


def _next(text: str, i: int, closer: str) -> tuple[int, bool]:
    """Past the white space and comma after a member: (where the next starts, closed)."""
    i = _past(_WS, text, i)
    if text[i] == closer:
        return i + 1, True
    if text[i] != ",":
        raise ValueError("expected ','")
    return _past(_WS, text, i + 1), False


def _small(size: int | None) -> bool:
    return size is not None and size < _SMALL_ELEMENT


def _past(pattern: re.Pattern[str], text: str, i: int) -> int:
    """The offset after ``pattern`` at ``i``; ``i`` itself when it does not match there
    (malformed text: positions are best effort)."""
    match = pattern.match(text, i)
    return match.end() if match else i
