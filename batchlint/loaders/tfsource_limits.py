"""How much of a configuration batchlint evaluates: bounds that keep a hostile module from
hanging a scan or exhausting its memory.

A Batch configuration has a few dozen resources, and none builds strings of megabytes or
lists of thousands of elements: past these bounds a value is left unknown (an
:class:`EvalError` naming the bound), and a resource with more instances is not expanded,
saying why. ``file()`` reads only regular files in the scanned root module's directory
tree, so an untrusted module cannot bring a file of the host (credentials, ``/etc``,
``/proc``) into a report.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from weakref import WeakKeyDictionary

from batchlint.loaders.tfsource_eval import EvalError, to_string

MAX_FILE = 1 << 20  # file(): what a container_properties document may weigh
MAX_STRING = 1 << 20  # the longest string an expression builds
MAX_ELEMENTS = 10_000  # elements of range(), a `for`, a `dynamic` block's for_each
MAX_INSTANCES = 1_000  # instances of one resource or module call
MAX_RUN_INSTANCES = 2_000  # instances of every resource and module call of a configuration
MAX_STEPS = 200_000  # expression nodes evaluated for one attribute, loops included
MAX_WIDTH = 1_000  # format()'s widths and precisions

_expanded: WeakKeyDictionary[Any, int] = WeakKeyDictionary()  # instances so far, by run


def instances(arg: str, shown: Any, n: int, run: Any) -> str | None:
    """Why ``n`` instances (from ``count``/``for_each`` shown as ``shown``) are not
    expanded, or None (then counted against the run's bound)."""
    if n > MAX_INSTANCES:
        return (f"`{arg}` is {shown}: batchlint expands at most {MAX_INSTANCES:,} instances "
                "of a resource (no Batch configuration has that many)")
    total = _expanded.get(run, 0) + n
    if total > MAX_RUN_INSTANCES:
        return (f"`{arg}` is {shown}: batchlint expands at most {MAX_RUN_INSTANCES:,} "
                "instances of resources and modules in a configuration")
    _expanded[run] = total
    return None


def elements(n: int, what: str) -> None:
    if n > MAX_ELEMENTS:
        raise EvalError(f"{what} has {n:,} elements; batchlint evaluates at most "
                        f"{MAX_ELEMENTS:,}")


def length(n: int, what: str) -> None:
    if n > MAX_STRING:
        raise EvalError(f"{what} is longer than {MAX_STRING:,} characters, which batchlint "
                        "does not build")


def built(pieces: Any, what: str) -> None:
    """Before joining strings: their total length is within the bound."""
    length(sum(len(p) for p in pieces if isinstance(p, str)), what)


def weight(value: Any, what: str) -> None:
    """A value's elements and characters, nested ones counted each time they appear, within
    what batchlint builds (the walk stops past the bound)."""
    if _weight(value, MAX_STRING) > MAX_STRING:
        raise EvalError(f"{what} has more than {MAX_STRING:,} elements and characters, "
                        "which batchlint does not build")


# the weights of large lists and objects already walked (values are not changed once built)
_known: dict[int, tuple[Any, int]] = {}


def _weight(value: Any, budget: int) -> int:
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, dict | list):
        return 1
    known = _known.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    total = 1 + (sum(len(k) for k in value) if isinstance(value, dict) else 0)
    for item in value.values() if isinstance(value, dict) else value:
        total += _weight(item, budget - total)
        if total > budget:
            return total
    if total >= 1000:
        if len(_known) > 100_000:
            _known.clear()
        _known[id(value)] = (value, total)
    return total


def finite(value: Any, what: str) -> Any:
    """``value`` without an infinite or NaN number inside (Terraform's numbers are finite;
    Python's floats overflow to infinity past 1.8e308)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise EvalError(f"{what} is a number out of range")
        if isinstance(item, dict):
            stack += item.values()
        elif isinstance(item, list):
            stack += item
    return value


_SCANNED: ContextVar[str | None] = ContextVar("scanned", default=None)


@contextlib.contextmanager
def reading_under(directory: str) -> Iterator[None]:
    """``file()`` inside the block reads only under ``directory`` (the one given to
    ``batchlint scan``, which holds the root module and the modules it calls there)."""
    token = _SCANNED.set(os.path.realpath(directory))
    try:
        yield
    finally:
        _SCANNED.reset(token)


def read_file(work_dir: str, name: Any, function: str = "file") -> str:
    """``file(name)``: :func:`read_bytes`, as UTF-8 text (as Terraform requires)."""
    data = read_bytes(work_dir, name, function)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError(f"{function}() cannot read {to_string(name)!r}") from None


def read_bytes(work_dir: str, name: Any, function: str = "filebase64") -> bytes:
    """A file's bytes: a relative name is read from the working directory (the root
    module's), as Terraform reads it, whatever directory batchlint runs in; only a regular
    file inside the scanned directory's tree (else the root module's; symbolic links
    resolved), at most ``MAX_FILE``: a configuration under review cannot make batchlint
    print what else the machine holds."""
    name = to_string(name)
    root = _SCANNED.get() or os.path.realpath(work_dir)
    path = os.path.realpath(os.path.join(work_dir, name))
    if os.path.commonpath([root, path]) != root:
        raise EvalError(f"{function}() of {name!r}: outside the scanned directory, not read")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        raise EvalError(f"{function}() cannot read {name!r}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise EvalError(f"{function}() of {name!r}: not a regular file")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read(MAX_FILE + 1)
    except OSError:
        raise EvalError(f"{function}() cannot read {name!r}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_FILE:
        raise EvalError(f"{function}() of {name!r}: larger than {MAX_FILE} bytes")
    return data
