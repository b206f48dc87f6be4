"""``--format json``: the stable, versioned JSON document of SPEC.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from batchlint import __version__
from batchlint.locations import Location
from batchlint.refs import ResourceRef
from batchlint.reporters import ReportInput
from batchlint.reporters.common import findings_of, summary
from batchlint.rule import Finding, NotVerified

SCHEMA_VERSION = 1


def write(result: ReportInput, out: IO[str]) -> None:
    """The document of SPEC.md, written a finding at a time: tens of thousands of findings
    are never all held as JSON objects at once."""
    report = result.report
    findings, gaps, suppressed = findings_of(report)
    out.write("{\n")
    _member(out, "schema_version", SCHEMA_VERSION)
    _member(out, "tool", {"name": "batchlint", "version": __version__})
    encode = _Encoder()
    _array(out, "findings", map(encode.finding, findings))
    _array(out, "not_verified", map(encode.gap, gaps))
    _array(out, "suppressed", map(encode.suppressed, suppressed))
    _member(out, "notes", list(result.notes))  # files skipped, regions or accounts not read
    counts: dict[str, int] = summary(report)
    if result.baseline_hidden is not None:  # only with --baseline: the keys above never change
        counts["baseline_hidden"] = result.baseline_hidden
    _member(out, "summary", counts, last=True)
    out.write("}\n")


def _indented(value: Any, level: int) -> str:
    """``json.dumps(value, indent=2)`` with every line after the first indented ``level``
    steps more, byte for byte; the common shapes (objects with text keys, arrays, text)
    without the pure-Python encoder that ``indent`` falls back to (measured: 5 ms instead
    of 25 ms for the 300 findings of ``benchmarks/bench_tfsource.py``'s module)."""
    return _encode(value, "\n" + "  " * level)


def _encode(value: Any, pad: str) -> str:
    """``value`` as JSON whose closing bracket is on a line starting ``pad``; a type not
    handled here (a float, a subclass, a key that is not text) as json writes it."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = pad + "  "
    if type(value) is dict:
        if not value:
            return "{}"
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                break
            scalar = _SCALARS.get(type(item))
            parts.append(f"{inner}{_STRING(key)}: "
                         f"{scalar(item) if scalar is not None else _encode(item, inner)}")
        else:
            return "{" + ",".join(parts) + pad + "}"
    elif type(value) is list or type(value) is tuple:
        if not value:
            return "[]"
        return "[" + ",".join(inner + _encode(item, inner) for item in value) + pad + "]"
    return json.dumps(value, indent=2).replace("\n", pad)


_STRING: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring_ascii", None) \
    or json.encoder.encode_basestring_ascii
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _STRING, int: int.__repr__, type(None): lambda _: "null",
    bool: lambda value: "true" if value else "false"}


def _member(out: IO[str], key: str, value: Any, last: bool = False) -> None:
    out.write(f"  {json.dumps(key)}: {_indented(value, 1)}{'' if last else ','}\n")


def _array(out: IO[str], key: str, items: Iterator[str]) -> None:
    out.write(f"  {json.dumps(key)}: [")
    first = True
    for item in items:
        out.write(("\n    " if first else ",\n    ") + item)
        first = False
    out.write("],\n" if first else "\n  ],\n")


# Findings are written by hand in the shape _encode gives them (the test pins both to
# json.dumps): tens of thousands of them, from templates, each resource's text made once.
_ITEM = "\n    "  # where an element of the report's arrays closes


def _template(pad: str, *keys: str) -> str:
    """A %-template of an object of ``keys`` (plain ASCII) whose values are encoded JSON."""
    inner = pad + "  "
    return "{" + ",".join(f'{inner}"{key}": %s' for key in keys) + pad + "}"


_FINDING = _template(_ITEM, "rule_id", "rule_name", "severity", "message", "resource",
                     "location")
_SUPPRESSED = _template(_ITEM, "rule_id", "rule_name", "severity", "message", "resource",
                        "location", "suppressed_by")
_GAP = _template(_ITEM, "rule_id", "rule_name", "resource", "reason", "location")
_RESOURCE = _template(_ITEM + "  ", "kind", "name", "arn", "account", "region")
_LOCATION = _template(_ITEM + "  ", "path", "line", "column")


def _scalar(value: Any) -> str:
    return _STRING(value) if type(value) is str else _encode(value, "")


class _Encoder:
    """Findings and gaps as text; what recurs (rule ids and names, resources, file paths)
    encoded once."""

    def __init__(self) -> None:
        self.words: dict[Any, str] = {}
        self.resources: dict[int, str] = {}  # by id(): the references outlive the report

    def word(self, value: Any) -> str:
        text = self.words.get(value)
        if text is None:
            text = self.words[value] = _scalar(value)
        return text

    def finding(self, item: Finding) -> str:
        return _FINDING % (self.word(item.rule_id), self.word(item.rule_name),
                           self.word(item.severity), _scalar(item.message),
                           self.resource(item.resource), self.location(item.location))

    def suppressed(self, item: Finding) -> str:
        return _SUPPRESSED % (self.word(item.rule_id), self.word(item.rule_name),
                              self.word(item.severity), _scalar(item.message),
                              self.resource(item.resource), self.location(item.location),
                              self.word(item.suppressed_by))

    def gap(self, gap: NotVerified) -> str:
        return _GAP % (self.word(gap.rule_id), self.word(gap.rule_name),
                       self.resource(gap.resource), _scalar(gap.reason),
                       self.location(gap.location))

    def resource(self, res: ResourceRef) -> str:
        text = self.resources.get(id(res))
        if text is None:
            text = self.resources[id(res)] = _RESOURCE % (
                _scalar(res.kind), _scalar(res.name), _scalar(res.arn), _scalar(res.account),
                _scalar(res.region))
        return text

    def location(self, loc: Location | None) -> str:
        if loc is None:
            return "null"
        return _LOCATION % (self.word(loc.path), _scalar(loc.line), _scalar(loc.column))
