"""JSON with positions: parsed once, at C speed, with the offsets findings need.

The stdlib parser gives no positions, and json-source-map (pure Python) maps
every value of a file eagerly at about 0.45 s per MiB, far too slow for a
10,000-job-definition snapshot. :func:`load_json` parses the outer levels of a
document (a snapshot's accounts and regions, a file's lists of resources) member by
member and has the stdlib's C scanner (``scan_once``) build every resource, recording
where each member and element starts on the way: the data json.loads would build, and
the offsets of every resource with it, in one parse. :class:`JsonLocator` answers a
pointer from the deepest recorded offset, and inside one resource walks its text
lazily, skipping earlier siblings with the C scanner (``scan_once``) — a few kilobytes
per finding, never the whole file.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from batchlint.model import PathPart, Pointer
from batchlint.nesting import Levels, nests_deeper
from batchlint.textlines import LineTable

_WS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")  # between a key and its value
_COMMA = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")  # after a member, before the next
# a member's key and colon, up to its value: the key as written (escapes undecoded)
_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\n\r]*:[ \t\n\r]*')
_DECODER = json.JSONDecoder()
# Objects this shallow are walked member by member when skipped: a snapshot's
# root, accounts and regions. Deeper objects are single resources, decoded whole.
_WALKED_OBJECT_DEPTH = 5
# An element of a list is decoded whole when the element before it was smaller than this:
# a list of resources is walked for its first element only (a snapshot's one huge
# account still is walked member by member, as its first element is large).
_SMALL_ELEMENT = 256 * 1024
_SCAN = _DECODER.scan_once  # type: ignore[attr-defined]  # the C scanner: (value, end) of the value at an offset
# How deep load_json parses member by member (and records offsets): objects above this
# depth, lists up to it — a snapshot's lists of resources sit at depth 5, a CLI file's at 1
_LOADED_DEPTH = 5
Offsets = dict[Pointer, tuple[int, int]]  # member → (its key or value, its value)
_WALKED = -1  # (*pointer, _WALKED) is recorded for each container read member by member


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


@dataclass
class _Container:
    """The members of one object or array read so far, and where reading stopped."""

    is_object: bool
    depth: int  # 0 for the document itself
    resume: int  # offset of the next member, once ``pending`` is skipped
    pending: int | None = None  # offset of the last member's value, not yet skipped
    count: int = 0
    done: bool = False
    last_size: int | None = None  # characters of the last list element skipped
    whole: bool = False  # inside one resource: every member is stepped over whole, in C
    # member -> offset of its key (objects) or value (arrays); one int each, since a large
    # snapshot has hundreds of thousands of members and the value's offset is cheap to find
    members: dict[PathPart, int] = field(default_factory=dict)


class JsonLocator:
    """Positions in ``text``; ``offsets`` from :func:`load_json` (else found lazily)."""

    def __init__(self, text: str, offsets: Offsets | None = None, data: Any = None):
        self.text = text
        self._offsets = offsets or {}
        self._data = data  # the text's parse, when given: members it lacks are not looked for
        self._lines: LineTable | None = None  # built on the first position asked for
        self._containers: dict[int, _Container] = {}

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``pointer`` present in the text.

        Object members point at their key, array elements at their value.
        """
        if self._lines is None:
            self._lines = LineTable(self.text)
        return self._lines.line_col(self.offset(pointer))

    def offset(self, pointer: Pointer) -> int:
        if self._data is not None:
            pointer = pointer[:_present(self._data, pointer)]
        known = 0
        mark = value_at = _past(_WS, self.text, 0) if self.text else 0
        for n in range(len(pointer), 0, -1):  # the deepest member the parse recorded
            recorded = self._offsets.get(pointer[:n])
            if recorded is not None:
                known, (mark, value_at) = n, recorded
                break
        if known < len(pointer) and (*pointer[:known], _WALKED) in self._offsets:
            return mark  # a container load_json read whole: the member is not there
        # below a recorded member that load_json stepped over whole (one resource, or
        # deeper than it walks), every sibling is small: skipped whole by the C scanner
        whole = known > 0
        for depth, part in enumerate(pointer[known:], known):
            if value_at >= len(self.text) or self.text[value_at] not in "{[":
                break
            found = self._member(value_at, depth, part, whole)
            if found is None:
                break
            mark, value_at = found
        return mark

    def _member(self, start: int, depth: int, part: PathPart,
                whole: bool) -> tuple[int, int] | None:
        box = self._containers.get(start)
        if box is None:
            box = _Container(self.text[start] == "{", depth, _past(_WS, self.text, start + 1),
                             whole=whole)
            self._containers[start] = box
        mark = box.members.get(part)
        if mark is None and not box.done:
            mark = self._read(box, part)
        if mark is None:
            return None
        return mark, self._value_after_key(mark) if box.is_object else mark

    def _value_after_key(self, key_at: int) -> int:
        match = _KEY.match(self.text, key_at)
        if match:
            return match.end()
        _, i = scanstring(self.text, key_at + 1)
        return _past(_COLON, self.text, i)

    def _read(self, box: _Container, wanted: PathPart) -> int | None:
        """Read members up to ``wanted`` (or the end): each key and colon by one regular
        expression, each value stepped over (inside one resource, whole by the C scanner)."""
        text, members, is_object = self.text, box.members, box.is_object
        i, pending, count = box.resume, box.pending, box.count
        found: int | None = None
        try:
            while True:
                if pending is not None:
                    if box.whole:
                        end = _SCAN(text, pending)[1]
                    else:
                        end = self._skip(pending, box.depth + 1, _small(box.last_size))
                        box.last_size = None if is_object else end - pending
                    i = _past(_COMMA, text, end)
                    pending = None
                if text[i] in "}]":
                    box.done = True
                    break
                key: PathPart = count
                at = value_at = i
                if is_object:
                    match = _KEY.match(text, i)
                    if match is None:
                        raise ValueError("expected a key")
                    name, value_at = match.group(1), match.end()
                    # interned: the same few names recur in every resource
                    key = sys.intern(scanstring(text, i + 1)[0] if "\\" in name else name)
                members.setdefault(key, at)
                count, pending = count + 1, value_at
                if key == wanted:
                    found = members[key]
                    break
        except (ValueError, IndexError, StopIteration):
            box.done = True  # positions are best effort; the document itself parsed already
        box.resume, box.pending, box.count = i, pending, count
        return found

    def _skip(self, i: int, depth: int, whole: bool = False) -> int:
        """The end of the value at ``i``, which sits ``depth`` levels deep.

        The C scanner skips fastest but builds the value: skipping a 20 MiB list of
        job definitions that way costs 70 MiB at once. Lists and the outer objects
        are walked member by member instead, so one resource is built at a time;
        ``whole``: the value is a list element whose sibling before it was small.
        """
        text = self.text
        opener = text[i]
        if whole or opener not in "[{" or (opener == "{" and depth >= _WALKED_OBJECT_DEPTH):
            return int(_SCAN(text, i)[1])
        closer = "}" if opener == "{" else "]"
        i = _past(_WS, self.text, i + 1)
        last_size: int | None = None
        while text[i] != closer:
            if opener == "{":
                _, i = scanstring(text, i + 1)
                i = _past(_COLON, text, i)
            end = self._skip(i, depth + 1, _small(last_size))
            if opener == "[":
                last_size = end - i
            i = _past(_COMMA, text, end)
        return i + 1


def _present(data: Any, pointer: Pointer) -> int:
    """How many parts of ``pointer`` lead somewhere in ``data``: a member a resource lacks
    (a finding's missing ``retryStrategy``) is known absent without reading its siblings."""
    for n, part in enumerate(pointer):
        kind = type(data)
        if not ((kind is dict and part in data)
                or (kind is list and type(part) is int and 0 <= part < len(data))):
            return n
        data = data[part]
    return len(pointer)


def _small(size: int | None) -> bool:
    return size is not None and size < _SMALL_ELEMENT


def _past(pattern: re.Pattern[str], text: str, i: int) -> int:
    """The offset after ``pattern`` at ``i``; ``i`` itself when it does not match there
    (malformed text: positions are best effort)."""
    match = pattern.match(text, i)
    return match.end() if match else i
