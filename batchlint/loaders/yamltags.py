"""YAML tags as CloudFormation reads them: its short forms (``!Ref`` → ``{"Ref": …}``), the
standard tags a template may give, and the value a scalar's tag makes of its text. PyYAML
is imported only when a scalar is read (it is not on the path of a scan without YAML).
"""

from __future__ import annotations

import base64
from typing import Any

from batchlint.model import Json

# short-form tag -> long-form key
SHORT_FORMS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
        "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "ToJsonString",
        "Length", "ForEach")},
}

STANDARD = "tag:yaml.org,2002:"
SCALAR_TAGS = {STANDARD + name for name in (
    "str", "int", "float", "bool", "null", "timestamp", "binary")}
MAP_TAGS = {STANDARD + "map", STANDARD + "set"}
SEQ_TAGS = {STANDARD + "seq", STANDARD + "omap", STANDARD + "pairs"}


def resolve(loader: Any, event: Any) -> str:
    """The tag PyYAML's resolver gives a scalar without one (``8`` → int)."""
    import yaml

    return str(loader.resolve(yaml.ScalarNode, event.value, event.implicit))


def tag_of(loader: Any, event: Any) -> str:
    return str(event.tag) if event.tag not in (None, "!") else resolve(loader, event)


def construct(loader: Any, event: Any, tag: str, explicit: bool) -> Json:
    """The value of a scalar; its text where the tag gives a date or bytes (rules read
    strings), or when an implicit guess fails (``2020-13-45`` stays a string). An explicit
    tag its text cannot hold is a ValueError naming the tag, never the value (a secret?)."""
    import yaml

    if tag == STANDARD + "str":
        return str(event.value)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        if tag == STANDARD + "binary":  # PyYAML drops what is not base64; be strict
            base64.b64decode("".join(str(event.value).split()), validate=True)
        value = loader.yaml_constructors[tag](loader, node)
    except Exception:  # its message would echo the value, which may be a secret
        if not explicit:
            return str(event.value)
        raise ValueError(f"not a valid {short(tag)} value") from None
    if tag in (STANDARD + "timestamp", STANDARD + "binary"):
        return str(event.value)
    return value


def short(tag: str) -> str:
    """``!!int`` for the standard int tag; other tags as written."""
    return "!!" + tag[len(STANDARD):] if tag.startswith(STANDARD) else tag
