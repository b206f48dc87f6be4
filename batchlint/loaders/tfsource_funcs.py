"""Terraform's functions that Batch configurations use, on known values.

An unknown argument gives an unknown result (its origins kept), but for the functions that
carry a partly known string's text unchanged (:func:`tfsource_partial.carry`); a function
batchlint does not evaluate raises EvalError, so the attribute using it is not known."""

from __future__ import annotations

import base64
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from batchlint.errors import InputError
from batchlint.loaders import tfsource_limits as limits
from batchlint.loaders import tfsource_partial as partial
from batchlint.loaders.tfsource_eval import (
    EvalError,
    TfSet,
    Unknown,
    boolean,
    mapping,
    number,
    tidy,
    to_string,
    unknowns,
    whole,
)

read_file, read_bytes = limits.read_file, limits.read_bytes


def _format(spec: Any, *args: Any) -> Any:
    out, i = [], 0
    values = list(args)
    for match in re.finditer(r"%%|%[-+ #0]*\d*(?:\.\d+)?[sdqvft]|[^%]+", spec):
        token = match.group(0)
        if token == "%%":
            out.append("%")
        elif token.startswith("%"):
            if i >= len(values):
                raise EvalError("format() has too few arguments")
            value, i = values[i], i + 1
            if isinstance(value, Unknown) and token not in ("%s", "%v"):
                return Unknown.of(*values)  # flags, a width, or a verb computing from it
            verb = token[-1]
            if verb in "sv":
                out.append(to_string(value))
            elif verb == "q":
                out.append(json.dumps(to_string(value)))
            else:
                if any(int(n) > limits.MAX_WIDTH for n in re.findall(r"\d+", token)):
                    raise EvalError(f"format() of {token!r}: batchlint pads numbers to at "
                                    f"most {limits.MAX_WIDTH:,} characters")
                out.append(("%" + token[1:].replace("v", "s")) % number(value))
        else:
            out.append(token)
    limits.built(out, "format()'s result")
    return partial.concat(out)


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in maps:
        if item is not None:
            out.update(mapping(item))
    return out


def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            raise EvalError("concat() takes lists")
        out += item
    return out


def _lookup(table: Any, key: Any, *default: Any) -> Any:
    found = mapping(table)
    key = to_string(key)
    if key in found:
        return found[key]
    if default:
        return default[0]
    raise EvalError(f"lookup() found no {key!r}")


def _coalescelist(*values: Any) -> Any:
    for value in values:
        if isinstance(value, list) and value:
            return value
    return []


def _toset(value: Any) -> TfSet | Unknown:
    if not isinstance(value, list):
        raise EvalError("toset() takes a list")
    if unknowns(value):  # which elements are equal is not known, nor how many there are
        return Unknown.of(value)
    return TfSet(v for _, v in sorted({json.dumps(v, sort_keys=True): v for v in value}.items()))


@dataclass(frozen=True, eq=False)
class Encoded(Unknown):
    """``jsonencode()`` of a value with unknowns inside: unknown as a whole, and the value
    encoded, so a reader can use its known parts (container properties naming a role)."""

    value: Any = None


def _jsonencode(value: Any) -> Any:
    if unknowns(value):
        whole = Unknown.of(value)
        return Encoded(whole.origins, whole.why, value)
    return json.dumps(value, separators=(",", ":"))


def _jsondecode(text: Any) -> Any:
    try:
        return json.loads(to_string(text))
    except ValueError:
        raise EvalError("jsondecode() of text that is not JSON") from None


def _length(value: Any) -> int:
    if isinstance(value, list | dict | str):
        return len(value)
    raise EvalError("length() of a value without length")


def _element(values: Any, i: Any) -> Any:
    if not isinstance(values, list) or not values:
        raise EvalError("element() takes a non-empty list")
    return values[int(number(i)) % len(values)]


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value:
        out += _flatten(item) if isinstance(item, list) else [item]
    return out


def _formatlist(spec: Any, *lists: Any) -> list[str]:
    rows = list(zip(*lists, strict=True))
    limits.elements(len(rows), "formatlist()")
    out: list[str] = []
    for row in rows:
        out.append(_format(spec, *row))
        limits.built(out, "formatlist()'s result")
    return out


def _replace(text: str, old: str, new: str) -> str:
    if not (old.startswith("/") and old.endswith("/") and len(old) > 1):
        grows = text.count(old) if old else len(text) + 1
        limits.length(len(text) + grows * (len(new) - len(old)), "replace()'s result")
        return text.replace(old, new)
    total = [len(text)]

    template = _GO_GROUP.sub(lambda g: "$" if g.group(0) == "$$" else
                             f"\\g<{g.group(1) or g.group(2)}>", new.replace("\\", "\\\\"))

    def expand(match: re.Match[str]) -> str:  # Go's $1, ${1}, ${name}, $$ as Terraform's
        found = match.expand(template)
        total[0] += len(found) - len(match.group(0))
        limits.length(total[0], "replace()'s result")
        return found

    if _NESTED.search(old):  # Terraform's RE2 is linear; Python's re may backtrack for ever
        raise EvalError(f"replace() with the pattern {old!r}, a quantified group with a "
                        "quantifier inside, which batchlint does not evaluate")
    try:
        return re.sub(old[1:-1], expand, text)
    except re.error:  # RE2 syntax Python's re does not share, or a group that is not there
        raise EvalError(f"replace() with the pattern {old!r} and {new!r}, which batchlint "
                        "cannot run") from None


_GO_GROUP = re.compile(r"\$\{(\w+)\}|\$(\w+)|\$\$")
# a group holding a quantifier, itself quantified: (a+)+, (a|aa)*, (x{2,})+ …
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,?\d*\}|\|)(?:[^()\\]|\\.)*\)"
                     r"(?:[+*]|\{\d*,?\d*\})")


def _range(*bounds: Any) -> list[int]:
    found = range(*(int(number(x)) for x in bounds))
    limits.elements(len(found), "range()")
    return list(found)


def _zipmap(keys: Any, values: Any) -> dict[str, Any]:
    return {to_string(k): v for k, v in zip(keys, values, strict=True)}


def _yamldecode(text: Any) -> Any:
    """``yamldecode()``, with the guards of a YAML input file (aliases, depth)."""
    from batchlint.loaders.yamlpos import load_yaml  # PyYAML only when a module decodes YAML

    try:
        return load_yaml("yamldecode()", to_string(text))[0]
    except InputError:
        raise EvalError("yamldecode() of text that is not YAML batchlint reads") from None


_PLAIN: dict[str, Callable[..., Any]] = {
    "format": _format,
    "formatlist": _formatlist,
    "merge": _merge, "concat": _concat, "lookup": _lookup,
    "coalesce": lambda *v: partial.coalesce(list(v)),
    "coalescelist": _coalescelist,
    "tostring": lambda v: None if v is None else to_string(v),
    "tonumber": lambda v: None if v is None else number(v),
    "tobool": lambda v: None if v is None else boolean(v),
    "tolist": lambda v: list(v), "toset": _toset, "tomap": lambda v: dict(mapping(v)),
    "jsonencode": _jsonencode, "jsondecode": _jsondecode, "yamldecode": _yamldecode,
    "length": _length, "keys": lambda v: sorted(mapping(v)),
    "values": lambda v: [mapping(v)[k] for k in sorted(mapping(v))],
    "element": _element, "flatten": _flatten, "distinct": lambda v: list(dict.fromkeys(v)),
    "contains": lambda v, x: x in v, "join": lambda sep, v: sep.join(map(to_string, v)),
    "split": lambda sep, v: v.split(sep), "upper": str.upper, "lower": str.lower,
    "title": str.title, "trimspace": str.strip, "chomp": lambda v: v.rstrip("\r\n"),
    "trimprefix": lambda v, p: v[len(p):] if v.startswith(p) else v,
    "trimsuffix": lambda v, s: v[:-len(s)] if s and v.endswith(s) else v,
    "startswith": str.startswith, "endswith": str.endswith,
    "replace": _replace,
    "substr": lambda v, o, n: v[int(o):] if int(n) < 0 else v[int(o):int(o) + int(n)],
    "min": lambda *v: tidy(min(number(x) for x in v)),
    "max": lambda *v: tidy(max(number(x) for x in v)),
    "abs": lambda v: abs(number(v)), "ceil": lambda v: math.ceil(number(v)),
    "floor": lambda v: math.floor(number(v)),
    "range": _range,
    "zipmap": _zipmap, "compact": lambda v: [x for x in v if x not in (None, "")],
    "sort": lambda v: sorted(v), "reverse": lambda v: list(reversed(v)),
    "slice": lambda v, a, b: v[int(a):int(b)], "index": lambda v, x: v.index(x),
    "basename": os.path.basename, "dirname": os.path.dirname,
    "abspath": os.path.abspath, "pathexpand": os.path.expanduser,
    "base64encode": lambda v: base64.b64encode(v.encode()).decode(),
    "base64decode": lambda v: base64.b64decode(v).decode(),
    "one": lambda v: None if not v else v[0] if len(v) == 1 else
    (_ for _ in ()).throw(EvalError("one() of more than one element")),
    "alltrue": lambda v: all(boolean(x) for x in v),
    "anytrue": lambda v: any(boolean(x) for x in v),
}
# functions whose result is not known before apply, or not evaluated by batchlint
_LATER = {"timestamp", "uuid", "bcrypt", "plantimestamp"}
# functions whose work grows with their arguments' nested elements and characters
_WALKS = {"flatten", "join", "base64encode", "jsondecode", "yamldecode", "formatlist"}


def _checked(short: str, result: Any) -> Any:
    """A function's result within batchlint's bounds (:mod:`tfsource_limits`)."""
    if isinstance(result, str):
        limits.length(len(result), f"`{short}()`'s result")
    elif isinstance(result, list) and short in ("concat", "flatten"):
        limits.elements(len(result), f"`{short}()`'s result")
    elif short in ("jsondecode", "yamldecode") or isinstance(result, float):
        limits.finite(result, f"`{short}()`'s result")
    return result


def call(name: str, args: list[Any], work_dir: str) -> Any:
    short = name.rsplit("::", 1)[-1]
    if short in _LATER:
        return Unknown(why=f"comes from `{short}()`, known only after apply")
    if short in ("file", "filebase64"):  # filebase64: any bytes, as base64
        if isinstance(args[0], Unknown):
            return whole(args[0])
        return read_file(work_dir, *args) if short == "file" else \
            _checked(short, base64.b64encode(read_bytes(work_dir, *args)).decode())
    function = _PLAIN.get(short)
    if function is None:
        raise EvalError(f"`{short}()` is not evaluated by batchlint")
    if short == "coalesce":
        return function(*args)
    if short == "jsonencode":
        limits.weight(args, "the argument of `jsonencode()`")
        return _checked(short, function(*args))
    carried = partial.carry(short, args, _format) if unknowns(args) else None
    if carried is not None:
        return carried
    if any(isinstance(a, Unknown) for a in args):
        return Unknown.of(*args)
    if short in ("contains", "join", "distinct", "sort", "alltrue", "anytrue", "index") \
            and unknowns(args):
        return Unknown.of(*args)
    if short in _WALKS:
        limits.weight(args, f"the argument of `{short}()`")
    try:
        return _checked(short, function(*args))
    except EvalError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError):
        raise EvalError(f"`{short}()` of arguments Terraform would reject") from None
