"""``*.tf.json``: Terraform's JSON syntax, read as the native syntax it stands for.

The JSON is written out as the equivalent ``.tf`` text (``{"resource": {"t": {"n": {…}}}}``
→ ``resource "t" "n" {…}``; strings are templates, ``"${aws_iam_role.x.arn}"`` the
reference itself), which the HCL reader parses; every line of that text remembers the
JSON position it comes from, so findings point into the ``.tf.json`` file. A key of a
resource body is a nested block where the provider's schema says so
(``batchlint/data/terraform_blocks.json``, from ``scripts/gen_terraform_blocks.py``),
else an attribute (``tags``). ``variable`` defaults are literal values, ``type`` a type
expression; ``terraform``, ``moved``, ``import`` and ``check`` blocks and ``//``
comments are left out, as are provisioners, ``depends_on`` and ``lifecycle`` but for its
``ignore_changes`` (which BL108 reads).
"""

from __future__ import annotations

import bisect
import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from batchlint.errors import InputError
from batchlint.fileio import DEFAULT_LIMITS, Limits
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_guard import read_json
from batchlint.loaders.tfsource_hcl import HclFile, Node

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LABELLED = {"variable", "output", "module", "provider"}
_LEFT_OUT = {"lifecycle", "provisioner", "connection", "depends_on"}
_TOP = ("resource", "data", "module")
_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\[\d+\]|\.\d+|\.[A-Za-z_][\w-]*)*")  # ignore_changes
_PROVIDER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)?")


@dataclass
class J:
    """A JSON value and where it starts: ``members`` for objects, ``items`` for arrays."""

    at: int
    value: Any = None
    members: list[tuple[str, int, J]] | None = None
    items: list[J] | None = None


@cache
def _schema() -> dict[str, dict[str, Any]]:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data",
                        "terraform_blocks.json")
    with open(path, encoding="utf-8") as fh:
        table: dict[str, dict[str, Any]] = json.load(fh)
    return table


def _value(text: str, i: int) -> tuple[J, int]:
    """The (valid) JSON value at ``i``, and where it ends."""
    if text[i] in "{[":
        out = J(i, members=[]) if text[i] == "{" else J(i, items=[])
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        while text[i] not in "}]":
            if out.members is not None:
                at = i
                key, i = _DECODER.raw_decode(text, i)
                i = _WS.match(text, text.index(":", i) + 1).end()  # type: ignore[union-attr]
                value, i = _value(text, i)
                out.members.append((key, at, value))
            else:
                value, i = _value(text, i)
                out.items.append(value)  # type: ignore[union-attr]
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        return out, i + 1
    value, end = _DECODER.raw_decode(text, i)
    return J(i, value), end


def _reference(value: J) -> bool:
    """A provider configuration's name: ``aws`` or ``aws.alias``."""
    return isinstance(value.value, str) and _PROVIDER.fullmatch(value.value) is not None


def _bodies(value: J) -> list[J]:
    """A block's body, or each of an array of bodies."""
    if value.members is not None:
        return [value]
    return [v for v in value.items or [] if v.members is not None]


def _escape(text: str, templates: bool) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = text.replace("\r", "\\r").replace("\t", "\\t")
    return text if templates else text.replace("${", "$${").replace("%{", "%%{")


def _close(text: str, i: int) -> int | None:
    """The index of the ``}`` closing the interpolation whose body starts at ``i``."""
    depth, quoted = 1, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _template(text: str) -> str:
    out, i, start = [], 0, 0
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            i += 3
            continue
        end = _close(text, i + 2) if text.startswith(("${", "%{"), i) else None
        if end is None:
            i += 1
            continue
        out += [_escape(text[start:i], True), text[i:end + 1].replace("\n", " ")]
        i = start = end + 1
    out.append(_escape(text[start:], True))
    return '"' + "".join(out) + '"'


def _expr(value: J, templates: bool = True) -> str:
    if value.members is not None:
        return "{" + ", ".join(f'"{_escape(k, False)}" = {_expr(v, templates)}'
                               for k, _, v in value.members) + "}"
    if value.items is not None:
        return "[" + ", ".join(_expr(v, templates) for v in value.items) + "]"
    if isinstance(value.value, str):
        return _template(value.value) if templates else f'"{_escape(value.value, False)}"'
    return json.dumps(value.value)


@dataclass
class _Writer:
    lines: list[str] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)

    def line(self, text: str, at: int) -> None:
        self.lines.append(text)
        self.origins.append(at)

    def block(self, head: str, at: int, body: J, kind: str, schema: dict[str, Any]) -> None:
        self.line(head + " {", at)
        self.body(body, kind, schema)
        self.line("}", at)

    def body(self, body: J, kind: str, schema: dict[str, Any]) -> None:
        for name, at, value in body.members or []:
            if name == "lifecycle" and kind == "resource":
                self._lifecycle(value)
            if not _NAME.fullmatch(name) or (kind in _TOP and name in _LEFT_OUT):
                continue
            if kind == "variable":
                if name == "type" and isinstance(value.value, str):
                    self.line(f"type = {value.value}", at)
                elif name == "default":
                    self.line(f"default = {_expr(value, templates=False)}", at)
            elif name == "dynamic" and kind in ("resource", "data", "nested"):
                self._dynamic(value, schema)
            elif name == "provider" and kind in _TOP:
                if _reference(value):
                    self.line(f"provider = {value.value}", at)
            elif name == "providers" and kind == "module":
                self.line("providers = {" + ", ".join(
                    f"{k} = {v.value}" for k, _, v in value.members or []
                    if _PROVIDER.fullmatch(k) and _reference(v)) + "}", at)
            elif name in schema and _bodies(value) and value.value is None:
                for one in _bodies(value):
                    self.block(name, one.at, one, "nested", schema[name])
            else:
                self.line(f"{name} = {_expr(value)}", at)

    def _lifecycle(self, value: J) -> None:
        """Only ``ignore_changes`` (for BL108): ``"all"`` or a list of attribute paths."""
        for one in _bodies(value):
            for name, at, inner in one.members or []:
                paths = [i.value for i in inner.items or []]
                if name == "ignore_changes" and (inner.value == "all" or (paths and all(
                        isinstance(p, str) and _PATH.fullmatch(p) for p in paths))):
                    written = "all" if inner.value == "all" else f"[{', '.join(paths)}]"
                    self.line("lifecycle {", one.at)
                    self.line(f"ignore_changes = {written}", at)
                    self.line("}", one.at)

    def _dynamic(self, value: J, schema: dict[str, Any]) -> None:
        for label, at, spec in value.members or []:
            for one in _bodies(spec):
                self.line(f'dynamic "{_escape(label, False)}" {{', at)
                for name, inner_at, inner in one.members or []:
                    if name == "content":
                        for content in _bodies(inner):
                            self.block("content", inner_at, content, "nested",
                                       schema.get(label, {}))
                    elif name == "iterator" and isinstance(inner.value, str):
                        self.line(f"iterator = {inner.value}", inner_at)
                    elif name in ("for_each", "labels"):
                        self.line(f"{name} = {_expr(inner)}", inner_at)
                self.line("}", at)


def _write(root: J) -> _Writer:
    out = _Writer()
    for kind, at, value in root.members or []:
        if kind in ("resource", "data"):
            types = _schema()[kind]
            for type_, _, names in value.members or []:
                for name, name_at, body in names.members or []:
                    for one in _bodies(body):
                        out.block(f'{kind} "{type_}" "{name}"', name_at, one, kind,
                                  types.get(type_, {}))
        elif kind in _LABELLED:
            for name, name_at, body in value.members or []:
                for one in _bodies(body):
                    out.block(f'{kind} "{name}"', name_at, one, kind, {})
        elif kind == "locals":
            for one in _bodies(value):
                out.block("locals", at, one, "locals", {})
    return out


class JsonFile(HclFile):
    """A ``.tf.json`` file as the native syntax it stands for, positioned in the JSON."""

    positions: list[tuple[int, int]]

    def position(self, node: Node) -> tuple[int, int]:
        return self.positions[min(node.start_point[0], len(self.positions) - 1)]


def parse(path: str, text: str, limits: Limits = DEFAULT_LIMITS) -> HclFile:
    """A ``.tf.json`` file; invalid JSON (or JSON nested deeper than ``limits``, as any
    JSON file batchlint reads) is one InputError naming its line and column, as is an
    expression in it that is not Terraform's syntax."""
    read_json(path, text, limits)
    try:
        return _parse(path, text)
    except RecursionError:  # nested deeper than this reader recurses (a --max-depth raised)
        raise InputError(path, "nested too deeply to read as Terraform") from None


def _parse(path: str, text: str) -> HclFile:
    start = _WS.match(text).end()  # type: ignore[union-attr]
    root, _ = _value(text, start)
    if root.members is None:
        raise InputError(path, "Terraform JSON syntax needs an object at the top level", 1, 1)
    written = _write(root)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    positions = [(row + 1, at - starts[row] + 1) for at in written.origins
                 for row in [bisect.bisect_right(starts, at) - 1]] or [(1, 1)]

    def where(line: int, column: int) -> tuple[int, int]:  # a syntax error's, in the JSON
        return positions[min(line, len(positions)) - 1]

    data, tree, _ = hcl.parse_tree(path, "\n".join(written.lines) + "\n", where)
    out = JsonFile(path, text, [], {}, data)
    out.positions = positions
    hcl.read_body(out, tree)
    return out
