"""From a finding's path inside its resource to file, line and column.

Each loader gives every document it reads a locator (JSON offsets recorded while
parsing, YAML marks, a plan's attributes, a ``.tf`` file's attribute lines); the
model keeps them by path, and the engine asks them once per finding, so reporters
receive finished locations and never see a document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint.model import Locator, Origin, Pointer


@dataclass(frozen=True)
class Location:
    path: str
    line: int
    column: int


def locate(locators: Mapping[str, Locator], origin: Origin, path: Pointer) -> Location | None:
    """Where the deepest existing part of ``path`` is; None for live resources."""
    if origin.path is None:
        return None
    locator = locators.get(origin.path)
    if locator is None:
        return None
    line, column = locator.position((*origin.pointer, *path))
    return Location(origin.path, line, column)
