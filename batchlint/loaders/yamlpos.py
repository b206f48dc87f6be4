"""YAML (CloudFormation flavour) with the line and column of every key and item.

The document is built from PyYAML's parse events in one loop, without
recursion, recording for each JSON-pointer-like path where its key (or list
item) starts. CloudFormation's short-form tags (``!Ref``, ``!GetAtt``, ``!Sub``
…) become their long forms (``{"Ref": …}``, ``{"Fn::GetAtt": [...]}``).

Hostile input is bounded: nesting deeper than ``Limits.max_depth`` is refused
where it starts; an alias shares the value of its anchor (never a copy), and
aliases that would repeat more than ``Limits.max_alias_values`` values in all
(a "billion laughs") are refused. A value that its explicit tag cannot hold
(``!!int abc``) is invalid YAML, reported without the value, which may be a
secret. What only CloudFormation rejects — unknown tags, merge keys (``<<``), keys
that are lists or maps, a second document — is returned as problems, fatal only if
the file turns out to be a template, so that other YAML (docker-compose files,
mkdocs.yml) is skipped rather than rejected. A key given twice in one mapping is
returned apart: CloudFormation deploys such a template, keeping the last value, and
so does this (the positions under the key are the last one's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from batchlint.errors import InputError
from batchlint.fileio import DEFAULT_LIMITS, Limits
from batchlint.loaders.yamlmarks import Positions, last_wins, mark, unreadable
from batchlint.loaders.yamltags import (
    MAP_TAGS,
    SCALAR_TAGS,
    SEQ_TAGS,
    SHORT_FORMS,
    STANDARD,
    construct,
    resolve,
    short,
    tag_of,
)
from batchlint.model import Json, Pointer

_NO_KEY: Any = object()  # a map waits for a key
_SKIP: Any = object()  # a map drops this entry (merge key, complex key)


@dataclass(slots=True)
class _Anchor:
    value: Json
    weight: int  # values it holds, repeats included
    key_text: str | None  # a scalar's own text, for use as a key


@dataclass(slots=True)
class _Frame:
    """A list or map being built."""

    value: Any  # list or dict
    at: Pointer | None  # where its members go; None inside a complex key (no positions)
    depth: int  # nesting of the data, short-form wrappers included
    anchor: str | None
    wrap: str | None = None  # a short form's long key: the value becomes {wrap: value}
    bad_tag: bool = False  # an unknown tag: the value becomes None
    start_mark: Any = None  # where it starts, for problems with it as a key
    key: Any = _NO_KEY
    weight: int = 1


def load_yaml(path: str, text: str, limits: Limits = DEFAULT_LIMITS) -> tuple[
        Json, Positions, list[InputError]]:
    """(data, positions, problems): problems are what CloudFormation would reject (a
    :class:`DuplicateKey` it deploys); they matter only if the file turns out to be a
    template."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder(path, limits, yaml.SafeLoader(""))
    try:
        for event in yaml.parse(text, Loader=loader_class):
            if builder.feed(event):
                break
    except yaml.reader.ReaderError:
        raise unreadable(path, text) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(path, f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    return (builder.result, last_wins(builder.positions, builder.repeated_keys),
            builder.problems)


class DuplicateKey(InputError):
    """A key given again in one mapping: CloudFormation deploys the template, keeping the
    last value, and so does :func:`load_yaml`."""


@dataclass
class _Builder:
    path: str
    limits: Limits
    loader: Any  # a SafeLoader: its resolver and scalar constructors
    result: Json = None
    positions: Positions = field(default_factory=lambda: {(): (1, 1)})
    problems: list[InputError] = field(default_factory=list)
    repeated_keys: dict[Pointer, tuple[int, int]] = field(default_factory=dict)  # last mark
    stack: list[_Frame] = field(default_factory=list)
    anchors: dict[str, _Anchor | None] = field(default_factory=dict)  # None: still open
    repeated: int = 0  # values repeated by aliases so far
    documents: int = 0

    def feed(self, event: Any) -> bool:
        """Take one parse event; True once the (first) document is complete."""
        import yaml

        if isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._start(event, isinstance(event, yaml.MappingStartEvent))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self._end()
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.problems.append(self._fail(event, "more than one YAML document; a "
                                                       "template is one"))
                return True
        return False

    # -- where a node goes --------------------------------------------------------------

    def _child_at(self, event: Any) -> Pointer | None:
        """The pointer of the node that starts with ``event``; records an item's position."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.at is None:
            return None
        if isinstance(top.value, list):
            at = (*top.at, len(top.value))
            self.positions[at] = mark(event)
            return at
        if top.key is _SKIP or top.key is _NO_KEY:  # dropped, or a key (not a plain one)
            return None
        return (*top.at, top.key)

    def _place(self, value: Json, weight: int, event: Any, key_text: str | None,
               merge: bool = False) -> None:
        """Put a finished node into its parent (as a key, a value or an item)."""
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            top.weight += weight
        elif top.key is _NO_KEY:
            self._key(top, event, key_text, merge)
        else:
            if top.key is not _SKIP:
                top.value[top.key] = value
                top.weight += weight
            top.key = _NO_KEY

    def _key(self, top: _Frame, event: Any, key_text: str | None, merge: bool) -> None:
        if key_text is None:
            top.key = _SKIP
            self.problems.append(self._fail(event, "a mapping key must be a plain value"))
            return
        if merge:
            top.key = _SKIP
            self.problems.append(self._fail(event, "merge keys (<<) are not supported by "
                                                   "CloudFormation"))
            return
        if key_text in top.value:
            line, col = mark(event)
            self.problems.append(DuplicateKey(self.path, f"duplicate key {key_text!r}", line, col))
            if top.at is not None:
                self.repeated_keys[(*top.at, key_text)] = line, col
        if top.at is not None:
            self.positions[(*top.at, key_text)] = mark(event)
        top.key = key_text

    # -- events -------------------------------------------------------------------------

    def _scalar(self, event: Any) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.key is _NO_KEY:
            text = str(event.value)  # a key: its text, as written
            self._remember(event.anchor, text, 1, text)
            self._place(None, 1, event, text, tag_of(self.loader, event) == STANDARD + "merge")
            return
        at = self._child_at(event)
        value = self._scalar_value(event, at)
        self._remember(event.anchor, value, 1, str(event.value))
        self._place(value, 1, event, str(event.value))

    def _scalar_value(self, event: Any, at: Pointer | None) -> Json:
        tag = event.tag
        if tag in SHORT_FORMS:
            self._check_depth(event, (self.stack[-1].depth if self.stack else 0) + 1)
            if tag == "!GetAtt":
                resource, _, attribute = str(event.value).partition(".")
                return {"Fn::GetAtt": [resource, attribute]}
            if tag in ("!Ref", "!Condition", "!Sub"):
                return {SHORT_FORMS[tag]: str(event.value)}
            return {SHORT_FORMS[tag]: self._construct(event, resolve(self.loader, event), False)}
        if tag is None or tag == "!":
            return self._construct(event, resolve(self.loader, event), False)
        if tag in SCALAR_TAGS:
            return self._construct(event, tag, True)
        self.problems.append(self._fail(event, f"unknown tag {short(tag)}"))
        return None

    def _construct(self, event: Any, tag: str, explicit: bool) -> Json:
        try:
            return construct(self.loader, event, tag, explicit)
        except ValueError as exc:
            raise self._fail(event, f"invalid YAML: {exc}") from None

    def _start(self, event: Any, is_map: bool) -> None:
        parent_depth = self.stack[-1].depth if self.stack else 0
        at = self._child_at(event)
        if self.stack and isinstance(self.stack[-1].value, dict) and \
                self.stack[-1].key is _NO_KEY:
            at = None  # a complex key (? [a, b]): read, then dropped
        tag = event.tag
        wrap = SHORT_FORMS.get(tag) if tag else None
        known = tag in (None, "!") or wrap is not None or tag in (
            MAP_TAGS if is_map else SEQ_TAGS)
        if not known:
            self.problems.append(self._fail(event, f"unknown tag {short(tag)}"))
        depth = parent_depth + 1 + (wrap is not None)
        self._check_depth(event, depth)
        if event.anchor is not None:
            self.anchors[event.anchor] = None
        self.stack.append(_Frame({} if is_map else [], None if at is None else (
            (*at, wrap) if wrap else at), depth, event.anchor, wrap, not known,
            event.start_mark))

    def _end(self) -> None:
        frame = self.stack.pop()
        value: Json = frame.value
        if frame.bad_tag:
            value = None
        elif frame.wrap is not None:
            value = {frame.wrap: value}
        self._remember(frame.anchor, value, frame.weight, None)
        self._place(value, frame.weight, frame, None)

    def _alias(self, event: Any) -> None:
        anchor = self.anchors.get(event.anchor, _SKIP)
        if anchor is _SKIP:
            raise self._fail(event, f"invalid YAML: found undefined alias {event.anchor!r}")
        if anchor is None:
            raise self._fail(event, "invalid YAML: an alias inside its own anchor (a "
                                    "recursive structure)")
        self.repeated += anchor.weight
        if self.repeated > self.limits.max_alias_values:
            raise self._fail(event, f"YAML aliases repeat more than "
                                    f"{self.limits.max_alias_values:,} values (an alias "
                                    "bomb?); not read")
        self._child_at(event)
        self._place(anchor.value, anchor.weight, event, anchor.key_text)

    # -- helpers ------------------------------------------------------------------------

    def _remember(self, anchor: str | None, value: Json, weight: int,
                  key_text: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = _Anchor(value, weight, key_text)

    def _check_depth(self, event: Any, depth: int) -> None:
        if depth > self.limits.max_depth:
            raise self._fail(event, f"nested more than {self.limits.max_depth} levels deep "
                                    "(raise the limit with --max-depth)")

    def _fail(self, event: Any, message: str) -> InputError:
        line, col = mark(event)
        return InputError(self.path, message, line, col)
