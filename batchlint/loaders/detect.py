"""What a parsed file is, decided cheaply, so a format's loader is imported only for its files."""

from __future__ import annotations

import os
from collections.abc import Mapping

from batchlint.model import Json


def is_cloudformation(data: Json) -> bool:
    """A template: a format version, or Resources whose entries all name a Type."""
    if not isinstance(data, Mapping):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    # every entry names a Type, at least one as a string (a template with one broken
    # resource is still a template; the loader says what it cannot read)
    return isinstance(resources, Mapping) and bool(resources) and all(
        isinstance(r, Mapping) and "Type" in r for r in resources.values()) and any(
        isinstance(r.get("Type"), str) for r in resources.values())


def is_terraform_plan(data: Json) -> bool:
    """``terraform show -json`` output."""
    return isinstance(data, Mapping) and "format_version" in data and (
        "planned_values" in data or "terraform_version" in data)


def is_terraform_source(path: str) -> bool:
    """A ``.tf`` (or ``.tf.json``) file, or a directory (read as Terraform modules)."""
    return path.endswith((".tf", ".tf.json")) or (path != "-" and os.path.isdir(path))
