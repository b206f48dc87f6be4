"""A tree-sitter tree with an ``ERROR`` or ``MISSING`` node: read again, or refused.

HCL reads ``1e9`` as a number; tree-sitter-hcl needs a fraction before an exponent
(``1.0e9``) and errs. A file whose tree has an error is looked at again: each number
literal written with an exponent and no fraction gets ``.0`` before its exponent, and the
text is parsed again; the offsets of those insertions are kept, so that columns after
them on the same line still count the text as written (:func:`position`). An error
still there is refused with one line naming its place and the token found there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from batchlint.errors import InputError

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

# patterns compiled by re (and kept in its cache) when first used: only for syntax errors
_TOKEN = rb"<<-|<<|\.\.\.|=>|==|!=|<=|>=|&&|\|\||\$\{|%\{|::|\w+|\S"
_EXPONENT = rb"(?<![\w.])\d+(?=[eE][+-]?\d)"  # the digits of a number an exponent follows
_ROUNDS = 4  # parses again for numbers with an exponent, at most
Where = Callable[[int, int], tuple[int, int]]  # a line and column in the text → in the file


def position(data: bytes, offset: int, point: tuple[int, int],
             shifts: list[int] | None = None) -> tuple[int, int]:
    """1-based line and column in characters (tree-sitter counts bytes), as written: less
    the ``.0`` inserted before it on its line (``shifts``)."""
    row, column = point
    prefix = data[offset - column:offset]
    found = column if prefix.isascii() else len(prefix.decode("utf-8", "replace"))
    found -= sum(min(2, offset - s) for s in shifts or () if offset - column <= s < offset)
    return row + 1, found + 1


def reparse(path: str, data: bytes, root: Node, parser: Parser,
            where: Where | None) -> tuple[bytes, Node, list[int]]:
    """The text, its tree and the offsets of the ``.0`` inserted (see above); an error
    left is one InputError at its place (``where`` maps it to the file's)."""
    shifts: list[int] = []
    for _ in range(_ROUNDS):  # error recovery can hide a number in an ERROR node: again
        ends = [m.end() for m in re.finditer(_EXPONENT, data) if _number(root, m.start(),
                                                                         m.end())]
        if not ends:
            break
        data = b".0".join([data[a:b] for a, b in zip([0, *ends], [*ends, len(data)],
                                                         strict=True)])
        shifts = sorted([s + 2 * sum(e <= s for e in ends) for s in shifts]
                        + [e + 2 * i for i, e in enumerate(ends)])
        root = parser.parse(data).root_node
        if not root.has_error:
            return data, root, shifts
    line, column, what = syntax_error(data, root, shifts)
    if where is not None:
        line, column = where(line, column)
    raise InputError(path, f"HCL syntax error: unexpected {what}", line, column)


def _number(root: Node, start: int, end: int) -> bool:
    """Whether the digits at ``start:end`` are a number literal (not in a string, a
    comment or a name)."""
    node = root.descendant_for_byte_range(start, end)
    return node is not None and node.type == "numeric_lit" and (
        node.start_byte, node.end_byte) == (start, end)


def syntax_error(data: bytes, root: Node, shifts: list[int]) -> tuple[int, int, str]:
    """Where the first ERROR or MISSING node is, and the token found there."""
    node = root
    while True:
        bad = next((c for c in node.children if c.is_error or c.is_missing or c.has_error),
                   None)
        if bad is None:  # the node itself is the error (a tree that is one ERROR node)
            offset = _error_offset(data, node) if node.is_error else node.start_byte
            return _found(data, offset, shifts)
        if bad.is_missing:
            return _found(data, bad.start_byte, shifts)
        if bad.is_error:
            return _found(data, _error_offset(data, bad), shifts)
        node = bad


def _error_offset(data: bytes, error: Node) -> int:
    """The first byte an ERROR node skipped, else the token after it (the one refused)."""
    at = error.start_byte
    for child in error.children:
        if data[at:child.start_byte].strip() or child.start_byte == child.end_byte:
            return at if data[at:child.start_byte].strip() else child.start_byte
        at = child.end_byte
    return at


def _found(data: bytes, offset: int, shifts: list[int]) -> tuple[int, int, str]:
    match = re.compile(_TOKEN).search(data, offset)
    if match is None:
        what = "end of file"
    else:
        offset = match.start()
        what = repr(match.group().decode("utf-8", "replace"))
    line_start = data.rfind(b"\n", 0, offset) + 1
    line, column = position(data, offset, (data.count(b"\n", 0, offset), offset - line_start),
                            shifts)
    return line, column, what
