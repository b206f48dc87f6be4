"""Line and column of a JSON pointer in the text it was parsed from.

The stdlib parser gives no positions, and json-source-map (pure Python) maps
every value of a file eagerly at about 0.45 s per MiB, far too slow for a
10,000-job-definition snapshot. Positions are needed only for the few places
findings point at, so this walks the text lazily: at each container it lists
the children's offsets once, skipping each child with the stdlib's C scanner
(``raw_decode``), and remembers them, so a whole run costs O(file size).
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]

from batchlint.model import PathPart, Pointer

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonLocator:
    def __init__(self, text: str):
        self.text = text
        self._line_starts: list[int] | None = None
        # container offset -> {key: (key offset, value offset)}
        self._children: dict[int, dict[PathPart, tuple[int, int]]] = {}

    def position(self, pointer: Pointer) -> tuple[int, int]:
        """1-based (line, column) of the deepest part of ``pointer`` present in the text.

        Object members point at their key, array elements at their value.
        """
        return self._line_col(self.offset(pointer))

    def offset(self, pointer: Pointer) -> int:
        value_at = self._skip_ws(0)
        mark = value_at
        for part in pointer:
            if value_at >= len(self.text) or self.text[value_at] not in "{[":
                break
            children = self._members(value_at)
            if part not in children:
                break
            mark, value_at = children[part]
        return mark

    def _skip_ws(self, i: int) -> int:
        match = _WS.match(self.text, i)
        return match.end() if match else i

    def _members(self, start: int) -> dict[PathPart, tuple[int, int]]:
        cached = self._children.get(start)
        if cached is not None:
            return cached
        members: dict[PathPart, tuple[int, int]] = {}
        text, is_object = self.text, self.text[start] == "{"
        i, index = self._skip_ws(start + 1), 0
        try:
            while i < len(text) and text[i] not in "}]":
                key_at = i
                key: PathPart = index
                if is_object:
                    key, i = scanstring(text, i + 1)
                    i = self._skip_ws(i) + 1  # the colon
                    i = self._skip_ws(i)
                value_at = i
                _, i = _DECODER.raw_decode(text, i)
                members.setdefault(key, (key_at if is_object else value_at, value_at))
                index += 1
                i = self._skip_ws(i)
                if i < len(text) and text[i] == ",":
                    i = self._skip_ws(i + 1)
        except (ValueError, IndexError):
            pass  # positions are best effort; the document itself parsed already
        self._children[start] = members
        return members

    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            find, i = self.text.find, self.text.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1
