"""Where things are in a YAML text: the line and column of a parse event, the positions
that hold when a key is given twice, the place of a character YAML does not allow."""

from __future__ import annotations

import re
from typing import Any

from batchlint.errors import InputError
from batchlint.model import Pointer

Positions = dict[Pointer, tuple[int, int]]

# what YAML allows in a stream (YAML 1.1 "printable"); the first other character is named
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                            "\U00010000-\U0010ffff]")


def mark(event: Any) -> tuple[int, int]:
    """1-based (line, column) where a parse event starts."""
    start = event.start_mark
    if start is None:
        return 1, 1
    return start.line + 1, start.column + 1


def last_wins(positions: Positions, repeated: dict[Pointer, tuple[int, int]]) -> Positions:
    """``positions`` without those under an earlier occurrence of a key given again (by
    where its last occurrence starts): the data keeps the last value, and so do they."""
    if not repeated:
        return positions
    return {pointer: at for pointer, at in positions.items()
            if not any(at < repeated.get(pointer[:n], at) for n in range(1, len(pointer) + 1))}


def unreadable(path: str, text: str) -> InputError:
    """PyYAML names a control character by its offset in bytes or characters, on two
    lines; this names it once, with its line and column."""
    match = _NOT_PRINTABLE.search(text)
    if match is None:
        return InputError(path, "invalid YAML: a character YAML does not allow")
    at = match.start()
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return InputError(path, f"invalid YAML: control character U+{ord(match.group()):04X} "
                            "is not allowed", line, col)
