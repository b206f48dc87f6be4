"""Unknown values: the one way the model says "not known before deployment".

A resource's ``unknown`` maps API-shape paths to why the value there is not known, in
the user's words ("`ServiceRole` is parameter `BatchServiceRoleArn`, which has no
default", "`service_role` is known only after apply"). At such a path ``data`` holds
nothing (a number, boolean, list or object that is not known) or a string whose unknown
parts are written as the user wrote them (``batch-${Env}``).

Rules need not look: a resource with unknown values hands rules a view of its data that
records every read of an unknown path while a check runs (:func:`recording`). The engine
then knows which unknowns a rule's answer depended on, and a rule that read one does not
pass silently or fail on a guess: its answer becomes *not verified*, naming them — unless
the rule says it weighs unknowns itself (``Rule.reads_unknowns``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

Pointer = tuple[str | int, ...]
T = TypeVar("T")
Hit = tuple[Pointer, str, str]  # (path, why it is not known, whose: the resource's label)

_recorders: list[list[Hit]] = []


class recording:  # used as a function: `with recording() as hits`
    """Collect the unknown values read inside the block (nested blocks see their own).

    A class, not a generator: the engine opens one around every check of a model that
    has unknown values, and each memoised computation opens one."""

    __slots__ = ("hits",)

    def __enter__(self) -> list[Hit]:
        self.hits: list[Hit] = []
        _recorders.append(self.hits)
        return self.hits

    def __exit__(self, *_: object) -> None:
        _recorders.pop()
        if _recorders:  # what an inner block read, the outer one read too
            _recorders[-1].extend(self.hits)


class isolated:  # used as a function: `with isolated():`
    """Reads inside the block are nobody else's: a nested engine run (``why`` running rules
    for BL402) weighs the unknowns its rules read in their own results, so they must not
    reach the check that asked, whose whole answer would otherwise turn "not verified"."""

    __slots__ = ("outer",)

    def __enter__(self) -> None:
        self.outer = list(_recorders)
        _recorders.clear()

    def __exit__(self, *_: object) -> None:
        _recorders[:] = self.outer


def because(hits: list[Hit], label: str) -> str:
    """The not-verified reason for a check of ``label`` that read the ``hits``."""
    whys = list(dict.fromkeys(why if owner in ("", label) else f"{why} (of {owner})"
                              for _, why, owner in hits))
    more = f"; and {len(whys) - 3} more" if len(whys) > 3 else ""
    return "it depends on values not known before deployment: " + "; ".join(whys[:3]) + more


def remember(store: dict[Any, Any], key: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` in ``store``; later callers "read" the unknown values
    the first computation read, so a cached answer is never quieter than a fresh one.

    Computed while nothing records (a model without unknown values), the answer is kept
    bare, without its reads: the first caller that records computes it again, recording."""
    entry = store.get(key, _ABSENT)
    if type(entry) is _Recorded:
        if entry.reads and _recorders:
            _recorders[-1].extend(entry.reads)
        entry = entry.value
    elif not _recorders:
        if entry is _ABSENT:
            entry = store[key] = compute()
    else:
        with recording() as hits:
            entry = compute()
        store[key] = _Recorded(entry, hits)
    result: T = entry
    return result


_ABSENT = object()


class _Recorded:
    """An answer :func:`remember` computed while recording, and the reads it made."""

    __slots__ = ("reads", "value")

    def __init__(self, value: Any, reads: list[Hit]):
        self.value, self.reads = value, reads


def value_at(data: Any, path: Pointer) -> Any:
    """The value at ``path`` in plain JSON data, or None where the path does not lead."""
    for part in path:
        if isinstance(data, Mapping) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


_texts_read = [0]  # > 0 inside known_text(): strings present are read for their known part


class known_text:  # used as a function: `with known_text():`
    """Reads inside the block take partly known strings for their known text (a rule
    that reads an image's tag, or user data's MIME header, and weighs ``${…}`` itself).
    A class, not a generator: BL306 opens one for every container."""

    __slots__ = ()

    def __enter__(self) -> None:
        _texts_read[0] += 1

    def __exit__(self, *_: object) -> None:
        _texts_read[0] -= 1


# A part of a partly known string not known before deployment, as it is written (``${…}``)
UNKNOWN_PART = re.compile(r"\$\{[^}]*\}")
# A part of a partly known string that is a name made when the resource is created (an
# ECR repository without RepositoryName): not known, but of letters, digits and
# separators only, never a tag's `:` or a digest's `@`.
GENERATED_NAME = re.compile(r"\$\{name of [^}]*\}")


def generated_name(label: str) -> str:
    """``${name of Repo}``: how a partly known string writes the generated name of ``label``."""
    return "${name of " + label + "}"


def _hit(path: Pointer, why: str, owner: str, value: Any = None) -> None:
    if _recorders and not (_texts_read[0] and isinstance(value, str)):
        _recorders[-1].append((path, why, owner))


def track(data: Mapping[str, Any], unknown: Mapping[Pointer, str],
          owner: str = "") -> Mapping[str, Any]:
    """``data`` as a view whose reads of the ``unknown`` paths are recorded."""
    if not unknown:
        return data
    below: set[Pointer] = set()
    for path in unknown:
        for i in range(len(path)):
            below.add(path[:i])
    tracked: Mapping[str, Any] = _wrap(data, (), unknown, below, owner)
    return tracked


def _wrap(value: Any, path: Pointer, unknown: Mapping[Pointer, str],
          below: set[Pointer], owner: str) -> Any:
    if path not in below:
        return value
    if isinstance(value, Mapping):
        return _Dict({k: _wrap(v, (*path, k), unknown, below, owner)
                      for k, v in value.items()}, path, unknown, owner)
    if isinstance(value, list):
        return _List([_wrap(v, (*path, i), unknown, below, owner)
                      for i, v in enumerate(value)], path, unknown, owner)
    return value


class _Dict(dict[str, Any]):
    """A mapping on the way to an unknown value; reads of unknown keys are recorded."""

    __slots__ = ("_owner", "_path", "_unknown")

    def __init__(self, items: dict[str, Any], path: Pointer, unknown: Mapping[Pointer, str],
                 owner: str):
        super().__init__(items)
        self._path = path
        self._unknown = unknown
        self._owner = owner

    def _read(self, key: Any) -> None:
        why = self._unknown.get((*self._path, key))
        if why is not None:
            _hit((*self._path, key), why, self._owner, dict.get(self, key))

    def _read_all(self) -> None:
        depth = len(self._path) + 1
        for path, why in self._unknown.items():
            if len(path) == depth and path[:-1] == self._path:
                _hit(path, why, self._owner, super().get(str(path[-1])))

    def __getitem__(self, key: str) -> Any:
        self._read(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._read(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._read(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._read_all()
        return super().__iter__()

    def keys(self) -> Any:
        self._read_all()
        return super().keys()

    def values(self) -> Any:
        self._read_all()
        return super().values()

    def items(self) -> Any:
        self._read_all()
        return super().items()


class _List(list[Any]):
    """A list on the way to an unknown value; reads of unknown items are recorded."""

    __slots__ = ("_owner", "_path", "_unknown")

    def __init__(self, items: list[Any], path: Pointer, unknown: Mapping[Pointer, str],
                 owner: str):
        super().__init__(items)
        self._path = path
        self._unknown = unknown
        self._owner = owner

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            at = index % len(self) if self else index
            why = self._unknown.get((*self._path, at))
            if why is not None:
                _hit((*self._path, at), why, self._owner, list.__getitem__(self, at))
        else:
            self._read_all()
        return super().__getitem__(index)

    def _read_all(self) -> None:
        depth = len(self._path) + 1
        for path, why in self._unknown.items():
            if len(path) == depth and path[:-1] == self._path:
                at = path[-1]
                _hit(path, why, self._owner, list.__getitem__(self, at) if isinstance(at, int)
                     and at < len(self) else None)

    def __iter__(self) -> Iterator[Any]:
        self._read_all()
        return super().__iter__()


def plain(value: Any) -> Any:
    """A copy of tracked data as plain dicts and lists (reads of it are not recorded)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in dict.items(value)}
    if isinstance(value, list):
        return [plain(v) for v in list.__iter__(value)]
    return value
