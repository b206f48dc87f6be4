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
``{expression}`` is a jmespath expression evaluated on the resource.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from batchlint.errors import BatchlintError
from batchlint.model import Pointer, Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell
from batchlint.unknowns import because, plain, recording, value_at

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_FIELD = "field:"
_REQUIRED = ("id", "name", "severity", "kinds", "summary", "condition", "message", "doc")
_OPTIONAL = ("tags", "references", "path", "enabled_by_default", "precision")


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
        try:
            self._condition = jmespath.compile(spec["condition"])
            self._placeholders = {
                expr: jmespath.compile(expr)
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
        with recording() as hits:
            fails: bool | None = _truthy(self._condition.search(resource.data))
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
            answers.add(_truthy(self._condition.search(data)))
        return answers.pop() if len(answers) == 1 else None

    def _render(self, resource: Resource) -> str:
        def value(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr == "name":
                return resource.name
            if expr.startswith(_FIELD):  # a field, named as the resource's source names it
                return spell(resource, expr.removeprefix(_FIELD))
            found = self._placeholders[expr].search(resource.data)
            return "(none)" if found is None else str(found)

        return _PLACEHOLDER.sub(value, self._message)


_MAX_PROBES = 1024


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
    if not isinstance(spec["kinds"], list):
        raise BatchlintError(f"{path}: kinds must be a list")
    return DeclarativeRule(spec, path)
