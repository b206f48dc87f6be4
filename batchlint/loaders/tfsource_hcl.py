"""Terraform source files: HCL2 parsed by tree-sitter's HCL grammar, with every position.

tree-sitter (a C parser) with the ``tree-sitter-hcl`` grammar of the tree-sitter-grammars
organisation reads a 200-resource module in milliseconds, where python-hcl2's pure-Python
Lark parser took a second (``benchmarks/bench_tfsource.py``). batchlint keeps the blocks
and attributes in its own :class:`Body`/:class:`Block`/:class:`Attr`; expressions stay
tree-sitter nodes, which :mod:`tfsource_expr` evaluates where a value is needed. The
grammar is error-tolerant, so a file with an ``ERROR`` or ``MISSING`` node is refused here
with one line naming the place (:mod:`tfsource_syntax`, which first reads ``1e9`` again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from batchlint.errors import InputError
from batchlint.loaders.tfsource_syntax import Where, position

if TYPE_CHECKING:
    from tree_sitter import Node as Node
    from tree_sitter import Parser
else:
    Node = object

MAX_BLOCK_DEPTH = 64  # blocks in blocks; Terraform's own nest a handful deep
# patterns compiled by re (and kept in its cache) when first used: ignore comments, syntax
# errors and escapes are rare, and compiling them at every start is not
_IGNORE = r"(?:#|//).*?batchlint:ignore\s*=\s*([A-Za-z0-9_,\- ]+)"
_PARSER: list[Parser] = []


@dataclass
class Attr:
    name: str
    expr: Node
    line: int
    column: int
    overrides: str = ""  # the override file it comes from, merged into a block elsewhere


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
    data: bytes = b""
    lines: list[str] = field(default_factory=list)
    shifts: list[int] = field(default_factory=list)  # where `.0` went into `data` (1e9)

    def raw(self, node: Node) -> str:
        """A node's text (from its own tree: an override file's attribute reads right in the
        block it overrides)."""
        return (node.text or b"").decode("utf-8", "replace")

    def source(self, node: Node) -> str:
        """The text of an expression as the user wrote it, on one line."""
        return " ".join(self.raw(node).split())

    def position(self, node: Node) -> tuple[int, int]:
        return position(self.data, node.start_byte, node.start_point, self.shifts)

    def ignored(self, block: Block) -> list[str]:
        """Rules named by ``# batchlint:ignore=BL103`` comments just above or in the block."""
        if "batchlint:ignore" not in self.text:
            return []
        lines = self.lines = self.lines or self.text.splitlines()
        start = block.line - 1
        while start > 0 and lines[start - 1].lstrip().startswith(("#", "//")):
            start -= 1
        found: list[str] = []
        for line in lines[start:block.end_line]:
            for match in re.finditer(_IGNORE, line):
                found += [p.strip() for p in match.group(1).split(",") if p.strip()]
        return found

    @staticmethod
    def ignore_changes(block: Block) -> list[str]:
        """What the block's ``lifecycle { ignore_changes = … }`` names, as written without
        quotes or comments (``all``, ``compute_resources[0].desired_vcpus``)."""
        for inner in block.body.blocks:
            attr = inner.body.attrs.get("ignore_changes") if inner.type == "lifecycle" else None
            if attr is not None:
                text = re.sub(rb"(?:#|//)[^\n]*|/\*.*?\*/", b"", attr.expr.text or b"", flags=re.S)
                return re.findall(r"[A-Za-z_][\w-]*(?:\[\d+\]|\.\d+|\.[A-Za-z_][\w-]*)*",
                                  text.decode("utf-8", "replace"))
        return []


def _parser() -> Parser:
    if not _PARSER:
        import tree_sitter_hcl
        from tree_sitter import Language, Parser

        _PARSER.append(Parser(Language(tree_sitter_hcl.language())))
    return _PARSER[0]


def parse_tree(path: str, text: str, where: Where | None = None
               ) -> tuple[bytes, Node, list[int]]:
    """The bytes parsed, their tree's root and the offsets of ``.0`` s inserted (see
    :mod:`tfsource_syntax`); a syntax error is one InputError (``where``: its position
    in the file, from the line and column in ``text``)."""
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    if root.has_error:
        from batchlint.loaders.tfsource_syntax import reparse

        return reparse(path, data, root, _parser(), where)
    return data, root, []


def parse(path: str, text: str) -> HclFile:
    """One file; a syntax error is one InputError naming its line and column."""
    data, root, shifts = parse_tree(path, text)
    out = HclFile(path, text, [], {}, data, shifts=shifts)
    read_body(out, root)
    return out


def read_body(file: HclFile, root: Node) -> None:
    """A parsed file's blocks and attributes into ``file``."""
    body = next((c for c in root.named_children if c.type == "body"), None)
    if body is not None:
        read = _body(file, body, 0)
        file.blocks, file.attrs = read.blocks, read.attrs


def _body(file: HclFile, node: Node, depth: int) -> Body:
    if depth > MAX_BLOCK_DEPTH:
        line, column = file.position(node)
        raise InputError(file.path, f"HCL blocks nested more than {MAX_BLOCK_DEPTH} deep",
                         line, column)
    body = Body()
    data = file.data  # the nodes are this file's: their text is a slice of its bytes
    for item in node.named_children:
        kind = item.type
        if kind == "attribute":
            name, expr = kids(item)[:2]
            text = data[name.start_byte:name.end_byte].decode("utf-8", "replace")
            body.attrs[text] = Attr(text, expr, *file.position(item))
        elif kind == "block":
            names: list[str] = []
            inner = None
            for part in item.named_children:
                kind = part.type
                if kind in ("identifier", "string_lit"):  # a label: quotes left out
                    quoted = kind == "string_lit"
                    names.append(data[part.start_byte + quoted:part.end_byte - quoted]
                                 .decode("utf-8", "replace"))
                elif kind == "body" and inner is None:
                    inner = part
            line, column = file.position(item)  # a .tf.json file's are its JSON's
            body.blocks.append(Block(names[0], names[1:],
                                     _body(file, inner, depth + 1) if inner else Body(),
                                     line, column, item.end_point[0] + 1, file))
    return body


def kids(node: Node) -> list[Node]:
    """The named children of a node, comments left out."""
    children = node.named_children
    if len(children) == 1 and children[0].type != "comment":
        return children
    return [c for c in children if c.type != "comment"]


def bare_name(file: HclFile, node: Node) -> str | None:
    """The identifier an expression is when it is nothing but one (``a``, not ``a.b``)."""
    parts = kids(node)
    if node.type == "expression" and len(parts) == 1 and parts[0].type == "variable_expr":
        return file.raw(parts[0])
    return None


def unwrap(node: Node) -> Node:
    """Through the grammar's one-child wrappers (expression, literal_value, …) to the term."""
    while node.type in _WRAPPERS:
        if node.named_child_count == 1:
            node = node.named_child(0)
            continue
        parts = kids(node)
        if len(parts) != 1:
            break
        node = parts[0]
    return node


_WRAPPERS = {"expression", "literal_value", "collection_value", "template_expr", "operation",
             "for_expr"}
_ESCAPE = r"(?s)\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)"
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_SENTINEL = "\ue000"  # stands for an interpolation while a heredoc is de-indented


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        escape = match.group()[1:]
        if escape[0] in "uU" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _SIMPLE.get(escape, match.group())

    return re.sub(_ESCAPE, one, text) if "\\" in text else text


def template_parts(file: HclFile, node: Node) -> list[str | Node]:
    """A quoted string or heredoc: its literal text (escapes read, ``<<-`` de-indented)
    between the expressions of its ``${…}`` and its ``%{…}`` directives, in order."""
    children = [c for c in node.children if c.type != "comment"]
    data, base = node.text or b"", node.start_byte
    heredoc = node.type == "heredoc_template"
    if heredoc:
        start = data.find(b"\n", children[1].end_byte - base) + 1 + base
        end = children[-1].start_byte - children[-1].start_point[1]
        inner = children[2:-1]
    else:
        start, end, inner = children[0].end_byte, children[-1].start_byte, children[1:-1]
    texts: list[str] = []
    nodes: list[Node] = []
    for child in inner:
        if child.type in ("template_interpolation", "template_directive"):
            texts.append(data[start - base:child.start_byte - base].decode("utf-8", "replace"))
            inside = [c for c in kids(child) if c.type == "expression"]
            nodes.append(inside[0] if child.type == "template_interpolation" and inside
                         else child)
            start = child.end_byte
    texts.append(data[start - base:max(start, end) - base].decode("utf-8", "replace"))
    if heredoc and file.raw(children[0]) == "<<-":
        texts = _dedent(texts)
    read = [t if heredoc else _unescape(t) for t in texts]
    read = [t.replace("$${", "${").replace("%%{", "%{") for t in read]
    out: list[str | Node] = [read[0]]
    for expression, text in zip(nodes, read[1:], strict=True):
        out += [expression, text]
    return out


def _dedent(texts: list[str]) -> list[str]:
    """``<<-``: every line loses the indentation its lines share (interpolations count)."""
    lines = _SENTINEL.join(texts).split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip(" \t")]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines).split(_SENTINEL)
