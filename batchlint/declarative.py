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

In ``message``, ``{name}`` is the resource's name and any other ``{expression}``
is a jmespath expression evaluated on the resource.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from batchlint.errors import BatchlintError
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
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
        self._doc = str(spec["doc"]).strip() + "\n"
        self._path = str(spec.get("path", ""))
        self._message = str(spec["message"])
        try:
            self._condition = jmespath.compile(spec["condition"])
            self._placeholders = {
                expr: jmespath.compile(expr)
                for expr in _PLACEHOLDER.findall(self._message)
                if expr != "name"
            }
        except JMESPathError as exc:
            raise BatchlintError(f"{source}: invalid jmespath expression: {exc}") from None

    @property
    def doc(self) -> str:
        return self._doc

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if _truthy(self._condition.search(resource.data)):
            yield self.finding(resource, self._render(resource), self._path)

    def _render(self, resource: Resource) -> str:
        def value(match: re.Match[str]) -> str:
            expr = match.group(1)
            if expr == "name":
                return resource.name
            found = self._placeholders[expr].search(resource.data)
            return "(none)" if found is None else str(found)

        return _PLACEHOLDER.sub(value, self._message)


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
