"""Declarative rules: one TOML file with the metadata and one jmespath condition.

```toml
id = "BL107"
name = "unmanaged-compute-environment"
severity = "note"
kinds = ["compute-environment"]
summary = "..."
tags = ["reliability"]
condition = "type == 'UNMANAGED'"        # truthy → a finding
path = "type"                            # where the finding points
message = "compute environment `{name}` is {type}: ..."
doc = '''
## What it does
...'''
```

In ``message``, ``{name}`` is the resource's name, ``{field:timeout.attemptDurationSeconds}``
that field as the resource's source spells it (``Timeout.AttemptDurationSeconds`` in
CloudFormation, ``timeout.attempt_duration_seconds`` in Terraform), and any other
``{expression}`` is a jmespath expression evaluated on the resource as a message may show
it (:func:`batchlint.rule.shown`: no environment value, no credential-shaped string).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jmespath
from jmespath import functions, visitor
from jmespath.exceptions import JMESPathError

from batchlint.errors import BatchlintError
from batchlint.model import Pointer, Resource
from batchlint.rule import Context, Result, Rule, no_secret, shown
from batchlint.syntax import spell
from batchlint.unknowns import because, plain, recording, value_at

Search = Callable[[Any], Any]  # a compiled jmespath expression: data -> its value
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_FIELD = "field:"
_REQUIRED = ("id", "name", "severity", "kinds", "summary", "condition", "message", "doc")
_OPTIONAL = ("tags", "references", "path", "enabled_by_default", "precision")
_TYPES: dict[str, type] = {"kinds": list, "tags": list, "references": list,
                           "enabled_by_default": bool}  # any other key: a string
_TYPE_NAMES = {list: "a list", bool: "true or false", str: "a string"}


class DeclarativeRule(Rule):
    """A rule whose check is a jmespath condition on the resource."""

    def __init__(self, spec: Mapping[str, Any], source: str):
        self.id = spec["id"]
        self.name = spec["name"]
        self.severity = spec["severity"]
        self.kinds = tuple(spec["kinds"])
        self.summary = spec["summary"]
        self.tags = tuple(spec.get("tags", ()))
        self.references = tuple(spec.get("references", ()))
        self.enabled_by_default = bool(spec.get("enabled_by_default", True))
        self.precision = spec.get("precision", "high")
        self.source = source
        self.reads_unknowns = True  # the condition is probed with the values they may take
        self._doc = str(spec["doc"]).strip() + "\n"
        self._path = str(spec.get("path", ""))
        self._message = str(spec["message"])
        self._parts = _PLACEHOLDER.split(self._message)
        try:
            self._condition = jmespath.compile(spec["condition"])
            self._search = compiled(self._condition.parsed)
            self._placeholders = {
                expr: compiled(jmespath.compile(expr).parsed)
                for expr in _PLACEHOLDER.findall(self._message)
                if expr != "name" and not expr.startswith(_FIELD)
            }
        except JMESPathError as exc:
            raise BatchlintError(f"{source}: invalid jmespath expression: {exc}") from None

    @property
    def doc(self) -> str:
        return self._doc

    @property
    def _literals(self) -> list[Any]:
        found: list[Any] = []
        stack = [self._condition.parsed]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if node.get("type") == "literal" and not isinstance(node.get("value"), dict | list):
                    found.append(node["value"])
                stack.extend(node.get("children") or [])
        return list(dict.fromkeys(found))

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if not resource.unknown:  # the condition reads the resource alone: nothing to record
            if _truthy(self._search(resource.data)):
                yield self.finding(resource, self._render(resource), self._path)
            return
        with recording() as hits:
            fails: bool | None = _truthy(self._search(resource.data))
        if hits:
            fails = self._decide(resource, {path: why for path, why, _ in hits})
            if fails is None:
                yield self.not_verified(resource, because(hits, resource.label))
                return
        if fails:
            yield self.finding(resource, self._render(resource), self._path)

    def _decide(self, resource: Resource, unknown: dict[Pointer, str]) -> bool | None:
        """The condition's answer when it is the same for every value the unknowns may
        take (each literal the condition compares with, another value, or none); None when
        it is not."""
        given = plain(resource.data)
        choices = []
        for path in unknown:  # a value that is there may change, not vanish
            there = value_at(given, path) is not None
            choices.append([*self._literals, "\x00another value", *([] if there else [None])])
        if math.prod(len(c) for c in choices) > _MAX_PROBES:
            return None
        answers = set()
        for values in itertools.product(*choices):
            data = plain(resource.data)
            for path, value in zip(unknown, values, strict=True):
                _set(data, path, value)
            answers.add(_truthy(self._search(data)))
        return answers.pop() if len(answers) == 1 else None

    def _render(self, resource: Resource) -> str:
        # the message split at its placeholders: text, expression, text, …, text
        parts = self._parts
        data = shown(resource) if self._placeholders else None
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            expr = parts[i]
            if expr == "name":
                out.append(resource.name)
            elif expr.startswith(_FIELD):  # a field, named as the resource's source names it
                out.append(spell(resource, expr.removeprefix(_FIELD)))
            else:
                found = self._placeholders[expr](data)
                out.append("(none)" if found is None else no_secret(str(found), shape=False))
            out.append(parts[i + 1])
        return "".join(out)


_MAX_PROBES = 1024
_INTERPRETER = visitor.TreeInterpreter()
_FUNCTIONS = functions.Functions()


def compiled(node: Mapping[str, Any]) -> Search:
    """A jmespath syntax tree as nested Python functions that take the interpreter's steps
    (jmespath.visitor.TreeInterpreter) without its dispatch at every node: a condition runs
    on every resource. Kinds of node not handled here run in the interpreter."""
    kind, value = node["type"], node.get("value")
    if kind not in _COMPILED:
        return lambda data: _INTERPRETER.visit(node, data)
    parts = [compiled(child) for child in node.get("children", ())]
    if kind == "field":
        return functools.partial(_field, str(value))
    if kind == "literal":
        return lambda data: value
    if kind == "current":
        return lambda data: data
    if kind == "subexpression":
        return functools.partial(_chain, parts)
    if kind == "multi_select_list":
        return lambda data: None if data is None else [part(data) for part in parts]
    if kind == "function_expression":
        return lambda data: _FUNCTIONS.call_function(value, [part(data) for part in parts])
    if kind == "not_expression":
        return lambda data: _negated(parts[0](data))
    left, right = parts
    if kind == "and_expression":
        return lambda data: found if _INTERPRETER._is_false(found := left(data)) else right(data)
    if kind == "or_expression":
        return lambda data: right(data) if _INTERPRETER._is_false(found := left(data)) else found
    if value == "eq":
        return lambda data: _equal(left(data), right(data))
    if value == "ne":
        return lambda data: not _equal(left(data), right(data))
    compare = _INTERPRETER.COMPARATOR_FUNC[value]
    return lambda data: _ordered(compare, left(data), right(data))


_COMPILED = {"field", "literal", "current", "subexpression", "multi_select_list",
             "function_expression", "not_expression", "and_expression", "or_expression",
             "comparator"}


def _field(key: str, data: Any) -> Any:
    if isinstance(data, dict):
        return data.get(key)
    if data is None:
        return None
    try:  # what else has a get()? jmespath asks it too
        return data.get(key)
    except AttributeError:  # not an object: null
        return None


def _chain(parts: list[Search], data: Any) -> Any:
    for part in parts:
        data = part(data)
    return data


def _equal(left: Any, right: Any) -> Any:
    """jmespath's ``==``: Python's, but 0 and 1 are not false and true (a comparison with
    null or a string, as most conditions make, needs no such care)."""
    if right is None or isinstance(right, str):
        return left == right
    return _INTERPRETER.COMPARATOR_FUNC["eq"](left, right)


def _negated(found: Any) -> bool:
    if visitor._is_actual_number(found) and found == 0:  # !0 is false in jmespath
        return False
    return not found


def _ordered(compare: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    """``<``, ``>``, ``<=``, ``>=``: only numbers and strings compare, else null."""
    if not (visitor._is_comparable(left) and visitor._is_comparable(right)):
        return None
    return compare(left, right)


def _set(data: dict[str, Any], path: Pointer, value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        if isinstance(node, dict):
            node = node.setdefault(part, {})
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return
    last = path[-1] if path else None
    if isinstance(node, dict) and isinstance(last, str):
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value


def _truthy(value: Any) -> bool:
    # jmespath's notion of truth: false, null and empty strings, lists and objects are false
    if value is None or value is False:
        return False
    return not (isinstance(value, str | list | dict) and len(value) == 0)


def load_declarative(path: str) -> DeclarativeRule:
    try:
        with open(path, "rb") as fh:
            spec = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise BatchlintError(f"{path}: invalid TOML: {exc}") from None
    missing = [key for key in _REQUIRED if key not in spec]
    if missing:
        raise BatchlintError(f"{path}: declarative rule lacks {', '.join(missing)}")
    unknown = sorted(set(spec) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise BatchlintError(f"{path}: unknown key(s) {', '.join(unknown)} in declarative rule")
    for key, value in spec.items():
        wanted = _TYPES.get(key, str)
        if not isinstance(value, wanted):
            raise BatchlintError(f"{path}: {key} must be {_TYPE_NAMES[wanted]}")
    return DeclarativeRule(spec, path)
