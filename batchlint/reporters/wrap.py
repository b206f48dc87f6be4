"""Styled lines, wrapped to a width with a hanging indent, breaking between words.

A line is a list of spans ``(text, rich style)``; wrapping keeps each word's style.
A word longer than a whole line (an ARN) is cut, as there is nothing better to do.
"""

from __future__ import annotations

import re

Span = tuple[str, str]  # (text, rich style; "" for none)
Line = list[Span]

_TOKEN = re.compile(r"\S+|\s+")


def wrap(line: Line, width: int | None, indent: int) -> list[Line]:
    """``line`` as lines of at most ``width`` columns, continuation lines indented by
    ``indent`` spaces; ``width`` None: the line as it is."""
    if width is None or sum(len(text) for text, _ in line) <= width:
        return [line]
    indent = min(indent, width // 2)
    lines: list[Line] = []
    current: Line = []
    used = 0
    for text, style in line:
        for token in _TOKEN.findall(text):
            if token.isspace():
                if used + len(token) <= width:
                    current.append((token, style))
                    used += len(token)
                continue
            while used + len(token) > width:
                room = width - used
                if current and used > indent:  # the word moves to the next line
                    lines.append(_rstrip(current))
                    current, used = [(" " * indent, "")], indent
                    continue
                current.append((token[:room], style))  # longer than a line: cut
                lines.append(current)
                token = token[room:]
                current, used = [(" " * indent, "")], indent
            current.append((token, style))
            used += len(token)
    if current and used > indent:
        lines.append(_rstrip(current))
    return lines


def _rstrip(line: Line) -> Line:
    while line and not line[-1][0].strip():
        line = line[:-1]
    return line


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)
