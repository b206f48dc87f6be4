"""YAML (CloudFormation flavour) with the line and column of every key and item.

PyYAML composes the document into nodes that carry their marks; this builds
the plain values from those nodes and records, for each JSON-pointer-like path,
where its key (or list item) starts. CloudFormation's short-form tags (``!Ref``,
``!GetAtt``, ``!Sub`` …) become their long forms (``{"Ref": …}``,
``{"Fn::GetAtt": [...]}``). Duplicate keys and unknown tags are errors, as
CloudFormation makes them.
"""

from __future__ import annotations

import datetime
from typing import Any

from batchlint.errors import InputError
from batchlint.model import Json, Pointer

Positions = dict[Pointer, tuple[int, int]]

# short-form tag -> long-form key
SHORT_FORMS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
        "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString",
        "Length", "ForEach")},
}


def load_yaml(path: str, text: str) -> tuple[Json, Positions, list[InputError]]:
    """(data, positions, problems): problems are what CloudFormation would reject (unknown
    tags, duplicate keys); they matter only if the file turns out to be a template."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(path, f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML: {exc}") from None
    if node is None:
        return None, {}, []
    builder = _Builder(path, yaml.SafeLoader(""))
    return builder.value(node, ()), builder.positions, builder.problems


class _Builder:
    def __init__(self, path: str, constructor: Any):
        self.path = path
        self.constructor = constructor
        self.positions: Positions = {(): (1, 1)}
        self.problems: list[InputError] = []

    def value(self, node: Any, at: Pointer) -> Json:
        import yaml

        tag = node.tag
        if tag in SHORT_FORMS:
            key = SHORT_FORMS[tag]
            return {key: self._short_form(node, tag, (*at, key))}
        if tag.startswith("!"):
            self.problems.append(self._fail(node, f"unknown tag {tag}"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self._item(child, (*at, i)) for i, child in enumerate(node.value)]
        value = self.constructor.construct_object(node)
        if isinstance(value, datetime.date):  # AWSTemplateFormatVersion: 2010-09-09
            return node.value
        if isinstance(value, bytes):
            return node.value
        return value

    def _item(self, node: Any, at: Pointer) -> Json:
        self.positions[at] = _mark(node)
        return self.value(node, at)

    def _mapping(self, node: Any, at: Pointer) -> dict[str, Json]:
        import yaml

        out: dict[str, Json] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self._fail(key_node, "merge keys (<<) are not supported by CloudFormation")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._fail(key_node, "a mapping key must be a plain value")
            key = str(key_node.value)
            if key in out:
                self.problems.append(self._fail(key_node, f"duplicate key {key!r}"))
            self.positions[(*at, key)] = _mark(key_node)
            out[key] = self.value(value_node, (*at, key))
        return out

    def _short_form(self, node: Any, tag: str, at: Pointer) -> Json:
        import yaml

        if tag == "!GetAtt" and isinstance(node, yaml.ScalarNode):
            resource, _, attribute = str(node.value).partition(".")
            return [resource, attribute]
        if isinstance(node, yaml.ScalarNode):
            return str(node.value) if tag in ("!Ref", "!Condition", "!Sub") else \
                self.constructor.construct_object(_plain(node))
        if isinstance(node, yaml.SequenceNode):
            return [self._item(child, (*at, i)) for i, child in enumerate(node.value)]
        return self._mapping(node, at)

    def _fail(self, node: Any, message: str) -> InputError:
        line, col = _mark(node)
        return InputError(self.path, message, line, col)


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _plain(node: Any) -> Any:
    import yaml

    resolver: Any = yaml.resolver.Resolver()
    resolved = resolver.resolve(yaml.ScalarNode, node.value, (True, False))
    return yaml.ScalarNode(resolved, node.value, node.start_mark, node.end_mark, node.style)
