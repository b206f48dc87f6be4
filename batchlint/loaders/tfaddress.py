"""Terraform addresses: ``module.batch["x"].aws_batch_job_queue.this[0]`` parsed into its
steps (name and instance key), rendered back, split into the module instance and the
rest. Shared by the plan reader (tfplan_refs.py) and the source reader."""

from __future__ import annotations

import json

Key = str | int | None
Part = tuple[str, Key]  # one step of an address: name and instance key


def parse_address(text: str) -> list[Part]:
    """``module.a["k"].aws_x.y[0].arn`` → [("module", None), ("a", "k"), ("aws_x", None), …]."""
    parts: list[Part] = []
    name, i, n = "", 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ".":
            parts.append((name, None))
            name = ""
        elif ch == "[":
            end = _bracket_end(text, i)
            try:
                key = json.loads(text[i + 1:end])
            except ValueError:
                key = text[i + 1:end]
            parts.append((name, key if isinstance(key, str | int) else str(key)))
            name = ""
            i = end + 1
            if i < n and text[i] == ".":
                i += 1
            continue
        else:
            name += ch
        i += 1
    if name:
        parts.append((name, None))
    return parts


def _bracket_end(text: str, start: int) -> int:
    quoted, i = False, start + 1
    while i < len(text):
        ch = text[i]
        if quoted and ch == "\\":
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == "]" and not quoted:
            return i
        i += 1
    return len(text) - 1


def render(parts: list[Part]) -> str:
    out = []
    for name, key in parts:
        out.append(name + (f"[{json.dumps(key)}]" if key is not None else ""))
    return ".".join(out)


def split_module(parts: list[Part]) -> tuple[list[Part], list[Part]]:
    """(module instance parts, the rest) of a parsed address."""
    i = 0
    while i + 1 < len(parts) and parts[i] == ("module", None):
        i += 2
    return parts[:i], parts[i:]


def config_path(module: list[Part]) -> str:
    """A module instance's configuration path: ``module.a.module.b`` (keys dropped)."""
    return ".".join(name for name, _ in module)
