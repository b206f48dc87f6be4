"""Line and column of a JSON pointer in the text it was parsed from.

The stdlib parser gives no positions, and json-source-map (pure Python) maps
every value of a file eagerly at about 0.45 s per MiB, far too slow for a
10,000-job-definition snapshot. Positions are needed only for the few places
findings point at, so this walks the text lazily: inside a container it reads
members in order only as far as the one asked for, skipping each earlier
sibling with the stdlib's C scanner (``raw_decode``), and remembers where it
stopped. Each value is skipped at most once per container it sits in, and the
member descended into is never decoded, so a whole run reads each part of the
file about once.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]

from batchlint.model import PathPart, Pointer

_WS = re.compile(r"[ \t\n\r]*")
_WS_CHARS = frozenset(" \t\n\r")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")  # between a key and its value
_COMMA = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")  # after a member, before the next
_DECODER = json.JSONDecoder()
# Objects this shallow are walked member by member when skipped: a snapshot's
# root, accounts and regions. Deeper objects are single resources, decoded whole.
_WALKED_OBJECT_DEPTH = 5
# An element of a list is decoded whole when the element before it was smaller than this:
# a list of resources is walked for its first element only (a snapshot's one huge
# account still is walked member by member, as its first element is large).
_SMALL_ELEMENT = 256 * 1024
_BLOCK = 4096  # characters per block of the line table


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
    # member -> offset of its key (objects) or value (arrays); one int each, since a large
    # snapshot has hundreds of thousands of members and the value's offset is cheap to find
    members: dict[PathPart, int] = field(default_factory=dict)


class JsonLocator:
    def __init__(self, text: str):
        self.text = text
        self._block_lines: list[int] | None = None  # built on the first position asked for
        self._block_line_starts: list[int] | None = None
        self._containers: dict[int, _Container] = {}

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``pointer`` present in the text.

        Object members point at their key, array elements at their value.
        """
        return self._line_col(self.offset(pointer))

    def offset(self, pointer: Pointer) -> int:
        value_at = self._skip_ws(0)
        mark = value_at
        for depth, part in enumerate(pointer):
            if value_at >= len(self.text) or self.text[value_at] not in "{[":
                break
            found = self._member(value_at, depth, part)
            if found is None:
                break
            mark, value_at = found
        return mark

    def _skip_ws(self, i: int) -> int:
        if self.text[i:i + 1] not in _WS_CHARS:  # most often no white space at all
            return i
        match = _WS.match(self.text, i)
        return match.end() if match else i

    def _member(self, start: int, depth: int, part: PathPart) -> tuple[int, int] | None:
        box = self._containers.get(start)
        if box is None:
            box = _Container(self.text[start] == "{", depth, self._skip_ws(start + 1))
            self._containers[start] = box
        mark = box.members.get(part)
        while mark is None and not box.done:
            mark = self._read_next(box, part)
        if mark is None:
            return None
        return mark, self._value_after_key(mark) if box.is_object else mark

    def _value_after_key(self, key_at: int) -> int:
        _, i = scanstring(self.text, key_at + 1)
        return _past(_COLON, self.text, i)

    def _read_next(self, box: _Container, wanted: PathPart) -> int | None:
        """Read one more member; its mark (key or value offset) when it is ``wanted``."""
        text = self.text
        try:
            if box.pending is not None:
                end = self._skip(box.pending, box.depth + 1, _small(box.last_size))
                if not box.is_object:
                    box.last_size = end - box.pending
                box.pending = None
                self._advance(box, end)
            i = box.resume
            if i >= len(text) or text[i] in "}]":
                box.done = True
                return None
            key_at = i
            key: PathPart = box.count
            if box.is_object:
                name, i = scanstring(text, i + 1)
                key = sys.intern(name)  # the same few names recur in every resource
                i = _past(_COLON, text, i)
        except (ValueError, IndexError):
            box.done = True  # positions are best effort; the document itself parsed already
            return None
        box.members.setdefault(key, key_at if box.is_object else i)
        box.count += 1
        box.pending = i
        return box.members[key] if key == wanted else None

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
            return int(_DECODER.raw_decode(text, i)[1])
        closer = "}" if opener == "{" else "]"
        i = self._skip_ws(i + 1)
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

    def _advance(self, box: _Container, i: int) -> None:
        box.resume = _past(_COMMA, self.text, i)

    def _line_col(self, offset: int) -> tuple[int, int]:
        """Lines are counted (in C, ``str.count``) within one block of the text, from a
        table of the lines before each block built once: each position costs at most a
        block's scan however long the line (``terraform show -json`` writes one line), and
        the table is a few ints per block, not one per line."""
        if self._block_lines is None:
            self._index_blocks()
        assert self._block_lines is not None and self._block_line_starts is not None
        block = offset // _BLOCK
        start = block * _BLOCK
        line = self._block_lines[block] + self.text.count("\n", start, offset)
        newline = self.text.rfind("\n", start, offset)
        line_start = newline + 1 if newline >= 0 else self._block_line_starts[block]
        return line, offset - line_start + 1

    def _index_blocks(self) -> None:
        """For each block: the line it starts on and where that line starts."""
        text = self.text
        lines, line_starts = [1], [0]
        for start in range(_BLOCK, len(text) + _BLOCK, _BLOCK):
            lines.append(lines[-1] + text.count("\n", start - _BLOCK, start))
            newline = text.rfind("\n", start - _BLOCK, start)
            line_starts.append(newline + 1 if newline >= 0 else line_starts[-1])
        self._block_lines, self._block_line_starts = lines, line_starts


def _small(size: int | None) -> bool:
    return size is not None and size < _SMALL_ELEMENT


def _past(pattern: re.Pattern[str], text: str, i: int) -> int:
    """The offset after ``pattern`` at ``i``; ``i`` itself when it does not match there
    (malformed text: positions are best effort)."""
    match = pattern.match(text, i)
    return match.end() if match else i
