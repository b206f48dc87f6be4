"""Positions in a JSON text: :class:`JsonLocator` answers a finding's pointer from the
deepest offset :func:`batchlint.jsonpos.load_json` recorded (every resource's), then
inside the resource finds the rest lazily:

- a member whose quoted name the text holds once in the span it must lie in (the
  resource, up to where the next one starts) is that occurrence: found by ``str.count``
  and ``str.find``, in C, without reading anything before it;
- otherwise the container's members are read in order, each key by one regular
  expression and each earlier sibling stepped over whole by the C scanner
  (``scan_once``), and remembered for the next finding on the same resource.

Members the file's parse lacks are never looked for. Without recorded offsets (text
load_json could not walk) the whole document is read lazily the same way.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from batchlint.jsonpos import _COLON, _KEY, _SCAN, _WALKED, _WS, Offsets, _past, _small
from batchlint.model import PathPart, Pointer
from batchlint.textlines import LineTable

# a key written the same in JSON and in Python: no escapes, quotes or control characters
_PLAIN = re.compile(r"[ !#-\[\]-~]*")

_COMMA = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")  # after a member, before the next
# Objects this shallow are walked member by member when skipped: a snapshot's
# root, accounts and regions. Deeper objects are single resources, decoded whole.
_WALKED_OBJECT_DEPTH = 5


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
        # pointer → (line, column) answered: findings and gaps often share a resource's place
        self._answered: dict[Pointer, tuple[int, int]] = {}

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``pointer`` present in the text.

        Object members point at their key, array elements at their value.
        """
        answer = self._answered.get(pointer)
        if answer is None:
            if self._lines is None:
                self._lines = LineTable(self.text)
            answer = self._answered[pointer] = self._lines.line_col(self.offset(pointer))
        return answer

    def offset(self, pointer: Pointer) -> int:
        recorded = self._offsets.get(pointer)
        if recorded is not None:  # a member load_json recorded (a resource itself)
            return recorded[0]
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
        end = self._span_end(pointer[:known]) if whole and self._data is not None else None
        for depth, part in enumerate(pointer[known:], known):
            if value_at >= len(self.text) or self.text[value_at] not in "{[":
                break
            found = self._unique_key(part, value_at, end) if end is not None else None
            found = found or self._member(value_at, depth, part, whole)
            if found is None:
                break
            mark, value_at = found
        return mark

    def _span_end(self, resource: Pointer) -> int | None:
        """Where the recorded resource's text ends at the latest: where the next element of
        its list starts (None for the last element, or a member of an object)."""
        if not resource or type(resource[-1]) is not int:
            return None
        following = self._offsets.get((*resource[:-1], resource[-1] + 1))
        return following[0] if following is not None else None

    def _unique_key(self, part: PathPart, start: int, end: int) -> tuple[int, int] | None:
        """The member ``part`` of the object at ``start`` (the data has it) when its quoted
        name occurs once between ``start`` and ``end``, which hold the object, and nothing
        there is escaped: that one occurrence is the member's key. (key, value) offsets;
        None to read the members instead."""
        if type(part) is not str or not _PLAIN.fullmatch(part):
            return None
        quoted = f'"{part}"'
        text = self.text
        if text[start] != "{" or text.count(quoted, start, end) != 1 or \
                text.find("\\", start, end) >= 0:  # a key may be written with escapes
            return None
        at = text.find(quoted, start, end)
        colon = _COLON.match(text, at + len(quoted))
        return (at, colon.end()) if colon else None

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
