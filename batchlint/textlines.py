"""Line and column of an offset in a text, at C speed, for any size of file."""

from __future__ import annotations

_BLOCK = 4096  # characters per block of the line table


class LineTable:
    """Lines are counted (in C, ``str.count``) within one block of the text, from a table
    of the lines before each block built once: each position costs at most a block's scan
    however long the line (``terraform show -json`` writes one line), and the table is a
    few ints per block, not one per line."""

    def __init__(self, text: str):
        self.text = text
        lines, line_starts = [1], [0]  # per block: the line it starts on, where that starts
        for start in range(_BLOCK, len(text) + _BLOCK, _BLOCK):
            lines.append(lines[-1] + text.count("\n", start - _BLOCK, start))
            newline = text.rfind("\n", start - _BLOCK, start)
            line_starts.append(newline + 1 if newline >= 0 else line_starts[-1])
        self._lines, self._line_starts = lines, line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        block = offset // _BLOCK
        start = block * _BLOCK
        line = self._lines[block] + self.text.count("\n", start, offset)
        newline = self.text.rfind("\n", start, offset)
        line_start = newline + 1 if newline >= 0 else self._line_starts[block]
        return line, offset - line_start + 1
