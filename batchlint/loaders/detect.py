"""What a parsed file is, decided cheaply, so a format's loader is imported only for its files."""

from __future__ import annotations

import os
from collections.abc import Mapping

from batchlint.model import Json


def is_cloudformation(data: Json) -> bool:
    """A template: a format version, Resources whose entries all name a Type, or Resources
    with an ``AWS::Batch::*`` resource among entries of any shape."""
    if not isinstance(data, Mapping):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        return False
    # every entry names a Type, at least one as a string (a template with one broken
    # resource is still a template; the loader says what it cannot read); a loop
    # (`Fn::ForEach::Name`, AWS::LanguageExtensions) is an entry of a template too
    entries = [r for k, r in resources.items() if not str(k).startswith(_FOR_EACH)]
    return (bool(entries) and all(isinstance(r, Mapping) and "Type" in r for r in entries)
            and any(isinstance(r.get("Type"), str) for r in entries)) or _has_batch(resources)


_FOR_EACH = "Fn::ForEach::"


def _has_batch(resources: Mapping[str, Json]) -> bool:
    """An ``AWS::Batch::*`` resource among the entries, or among what a loop generates."""
    stack: list[Json] = list(resources.values())
    while stack:
        entry = stack.pop()
        if isinstance(entry, Mapping):
            kind = entry.get("Type")
            if isinstance(kind, str) and kind.startswith("AWS::Batch::"):
                return True
        elif isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], Mapping):
            stack.extend(entry[2].values())  # a loop's fragment
    return False


def is_terraform_plan(data: Json) -> bool:
    """``terraform show -json`` output."""
    return isinstance(data, Mapping) and "format_version" in data and (
        "planned_values" in data or "terraform_version" in data)


def is_terraform_source(path: str) -> bool:
    """A ``.tf`` (or ``.tf.json``) file, or a directory (read as Terraform modules)."""
    return path.endswith((".tf", ".tf.json")) or (path != "-" and os.path.isdir(path))
