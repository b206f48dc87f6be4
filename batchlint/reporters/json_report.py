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
from batchlint.rule import Finding

SCHEMA_VERSION = 1


def write(result: ReportInput, out: IO[str]) -> None:
    """The document of SPEC.md, written a finding at a time: tens of thousands of findings
    are never all held as JSON objects at once."""
    report = result.report
    findings, gaps, suppressed = findings_of(report)
    out.write("{\n")
    _member(out, "schema_version", SCHEMA_VERSION)
    _member(out, "tool", {"name": "batchlint", "version": __version__})
    _array(out, "findings", (_finding(item) for item in findings))
    _array(out, "not_verified", (_object(
        _ITEM, ("rule_id", _scalar(gap.rule_id)), ("rule_name", _scalar(gap.rule_name)),
        ("resource", _resource(gap.resource)), ("reason", _scalar(gap.reason)),
        ("location", _location(gap.location))) for gap in gaps))
    _array(out, "suppressed", (_finding(item, ("suppressed_by", _scalar(item.suppressed_by)))
                               for item in suppressed))
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
# json.dumps): tens of thousands of them, three times faster than building dicts first.
_ITEM = "\n    "  # where an element of the report's arrays closes
_INNER = _ITEM + "  "


def _object(pad: str, *members: tuple[str, str]) -> str:
    """An object of encoded ``members`` (their keys plain ASCII) closing on ``pad``."""
    inner = pad + "  "
    return "{" + ",".join([f'{inner}"{key}": {text}' for key, text in members]) + pad + "}"


def _scalar(value: Any) -> str:
    return _STRING(value) if type(value) is str else _encode(value, "")


def _finding(item: Finding, *more: tuple[str, str]) -> str:
    return _object(_ITEM, ("rule_id", _scalar(item.rule_id)),
                   ("rule_name", _scalar(item.rule_name)), ("severity", _scalar(item.severity)),
                   ("message", _scalar(item.message)), ("resource", _resource(item.resource)),
                   ("location", _location(item.location)), *more)


def _resource(res: ResourceRef) -> str:
    return _object(_INNER, ("kind", _scalar(res.kind)), ("name", _scalar(res.name)),
                   ("arn", _scalar(res.arn)), ("account", _scalar(res.account)),
                   ("region", _scalar(res.region)))


def _location(loc: Location | None) -> str:
    if loc is None:
        return "null"
    return _object(_INNER, ("path", _scalar(loc.path)), ("line", _scalar(loc.line)),
                   ("column", _scalar(loc.column)))
