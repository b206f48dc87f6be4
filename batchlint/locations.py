"""From a finding's path inside its resource to file, line and column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from batchlint.loaders.builder import Document
from batchlint.model import Pointer, Resource


@dataclass(frozen=True)
class Location:
    path: str
    line: int
    column: int


def locate(resource: Resource, path: Pointer, documents: Mapping[str, Document]) -> Location | None:
    """Where the deepest existing part of ``path`` is; None for live resources."""
    origin = resource.origin
    if origin.path is None:
        return None
    doc = documents.get(origin.path)
    if doc is None:
        return None
    line, column = doc.position((*origin.pointer, *path))
    return Location(origin.path, line, column)
