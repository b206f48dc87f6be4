"""Terraform source files: HCL2 as python-hcl2's grammar parses it, with every position.

python-hcl2 is the HCL2 parser checkov uses, kept up to date with Terraform's syntax. Its
dictionary output keeps expressions as ``${…}`` strings without positions, so batchlint
reads its Lark parse tree instead: a real expression tree, each node with its line and
column, from which :mod:`tfsource_eval` evaluates and locations are taken directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hcl2.api import parses_to_tree
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from batchlint.errors import InputError

Node = Tree[Token]
_IGNORE = re.compile(r"(?:#|//).*?batchlint:ignore\s*=\s*([A-Za-z0-9_,\- ]+)")


@dataclass
class Attr:
    name: str
    expr: Node
    line: int
    column: int


@dataclass
class Body:
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    line: int
    column: int
    end_line: int
    file: HclFile | None = None


@dataclass
class HclFile:
    path: str
    text: str
    blocks: list[Block]
    attrs: dict[str, Attr]

    def source(self, node: Node) -> str:
        """The text of an expression as the user wrote it."""
        meta = node.meta
        if meta.empty:
            return ""
        return " ".join(self.text[meta.start_pos:meta.end_pos].split())

    def ignored(self, block: Block) -> list[str]:
        """Rules named by ``# batchlint:ignore=BL103`` comments just above or in the block."""
        lines = self.text.splitlines()
        start = block.line - 1
        while start > 0 and lines[start - 1].lstrip().startswith(("#", "//")):
            start -= 1
        found: list[str] = []
        for line in lines[start:block.end_line]:
            for match in _IGNORE.finditer(line):
                found += [p.strip() for p in match.group(1).split(",") if p.strip()]
        return found


def parse(path: str, text: str) -> HclFile:
    """One file; a syntax error is one InputError naming its line and column."""
    try:
        tree = parses_to_tree(text)
    except UnexpectedEOF:
        lines = text.splitlines() or [""]
        raise InputError(path, "HCL syntax error: unexpected end of file", len(lines),
                         len(lines[-1]) + 1) from None
    except UnexpectedCharacters as exc:
        raise InputError(path, f"HCL syntax error: unexpected character {exc.char!r}",
                         exc.line, exc.column) from None
    except UnexpectedToken as exc:
        token = exc.token
        value = str(token)
        shown = value.strip().split()[0][:20] if value.strip() else ""
        what = "end of file" if token.type == "$END" or not shown else repr(shown)
        line, column = (exc.line, exc.column) if exc.line > 0 else _end(text)
        lead = value[:len(value) - len(value.lstrip())] if shown else ""
        if "\n" in lead:  # the lexer took the newline in: point at what follows it
            line, column = line + lead.count("\n"), len(lead) - lead.rfind("\n")
        else:
            column += len(lead)
        raise InputError(path, f"HCL syntax error: unexpected {what}", line, column) from None
    except UnexpectedInput as exc:  # pragma: no cover - the three above are Lark's kinds
        raise InputError(path, "HCL syntax error", max(exc.line, 1), max(exc.column, 1)) from None
    except RecursionError:
        raise InputError(path, "HCL nested too deeply to read") from None
    body = _body(_kids(tree)[0])
    out = HclFile(path, text, body.blocks, body.attrs)
    _own(out, body)
    return out


def _end(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1


def _own(file: HclFile, body: Body) -> None:
    for block in body.blocks:
        block.file = file
        _own(file, block.body)


def _kids(tree: Node) -> list[Node]:
    return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def name_of(node: Node) -> str:
    """An identifier, keyword or quoted label."""
    if node.data == "string":
        return "".join(str(p.children[0]) for p in _kids(node)
                       if isinstance(p.children[0], Token))
    token = node.children[0]
    return str(token) if isinstance(token, Token) else name_of(token)


def _body(tree: Node) -> Body:
    body = Body()
    for item in _kids(tree):
        if item.data == "attribute":
            name, expr = _kids(item)
            body.attrs[name_of(name)] = Attr(name_of(name), expr, item.meta.line,
                                             item.meta.column)
        elif item.data == "block":
            parts = _kids(item)
            names = [name_of(p) for p in parts[:-1]]
            body.blocks.append(Block(names[0], names[1:], _body(parts[-1]), item.meta.line,
                                     item.meta.column, item.meta.end_line))
    return body


def parse_expression(text: str) -> Node:
    """One expression (inside a heredoc's ``${…}``)."""
    tree = parses_to_tree(f"x = {text}\n")
    attribute = _kids(_kids(tree)[0])[0]
    return _kids(attribute)[1]


def kids(tree: Node) -> list[Node]:
    return _kids(tree)
