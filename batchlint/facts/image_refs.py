"""Container image references (BL306): the tag, and which unknown parts may hold it.

A reference is ``[registry/]path[:tag][@digest]``: the tag follows the last `:` of the
last path segment, so a registry port (``host:5000/repo``) is not one. A partly known
reference writes each part not known before deployment ``${…}`` (``batchlint.unknowns``).
Only such a part in the last segment may hold the tag: the registry host
(``${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com``) and earlier segments never
do. Nor does a name (``${name of Repo}``, ``unknowns.GENERATED_NAME``), of letters, digits
and separators only, unless it stands after the `:` (the tag itself may be that name).
"""

from __future__ import annotations

import functools
import re

from batchlint.unknowns import GENERATED_NAME, UNKNOWN_PART

_WHY_PREFIX = re.compile(r"^`[^`]*` depends on ")  # "`Image` depends on A and B" (a loader's)


def _last_segment(image: str) -> str:
    """The reference's last path segment: after its last `/` outside the ``${…}`` parts."""
    masked = UNKNOWN_PART.sub(lambda m: "x" * len(m.group()), image)
    return image[masked.rfind("/") + 1:]


@functools.lru_cache(maxsize=4096)  # the same images recur across job definitions
def image_tag(image: str) -> str | None:
    """The tag of a reference without a digest; None when it has none. A part not known
    (``${…}``) reads as ``unknown``, a name as ``name``."""
    last = UNKNOWN_PART.sub(lambda m: "name" if GENERATED_NAME.fullmatch(m.group()) else "unknown",
                     _last_segment(image.strip()))
    return last.split(":", 1)[1] if ":" in last else None


@functools.lru_cache(maxsize=4096)
def tag_holes(image: str) -> tuple[str, ...]:
    """The parts not known (``${…}``) that may make the tag, or make it `latest`: without a
    `:` in the last segment's known text, its parts (one may hold ``:tag``) but names;
    with one, the parts of the tag unless its known start is no start of `latest`
    (``busybox:${Tag}``, not ``gcc:ubuntu-${Tag}``). () when the tag is known."""
    last = _last_segment(image.strip())
    masked = UNKNOWN_PART.sub(lambda m: "x" * len(m.group()), last)
    parts = list(UNKNOWN_PART.finditer(last))
    if ":" not in masked:
        return tuple(p.group() for p in parts if not GENERATED_NAME.fullmatch(p.group()))
    tag_at = masked.index(":")
    after = [p for p in parts if p.start() > tag_at]
    if not after or not "latest".startswith(last[tag_at + 1:after[0].start()]):
        return ()
    return tuple(p.group() for p in after)


def tag_unknown(image: str) -> bool:
    """The tag may be a value not known before deployment, or `latest` by one."""
    return bool(tag_holes(image))


def tag_reason(image: str, why: str) -> str:
    """Why the tag of ``image`` is not known, from ``why`` the value's unknown parts are: its
    whys of the parts that cannot hold the tag left out.

    A loader joins the whys of a value's parts with " and " ("`Image` depends on
    `AWS::AccountId`, known only at deployment and parameter `Image`, which has no
    default"); a why is taken for a part's when it names the part in backquotes
    (`AWS::AccountId` for ``${AWS::AccountId}``, `Repo` for ``${name of Repo}``), and
    a piece naming no part continues the one before it. When no why is left, the
    reason names the parts that may hold the tag."""
    holes = tag_holes(image)
    others = {p for p in UNKNOWN_PART.findall(image)} - set(holes)
    if not others:
        return why
    named_in, named_out = _names(holes), _names(others) - _names(holes)
    prefix = _WHY_PREFIX.match(why)
    groups: list[list[str]] = []
    for piece in why[prefix.end() if prefix else 0:].split(" and "):
        if groups and not _mentions(piece, named_in | named_out):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    kept = [" and ".join(g) for g in groups
            if _mentions(g[0], named_in) or not _mentions(g[0], named_out)]
    if kept and why:
        return (prefix.group() if prefix else "") + " and ".join(kept)
    return "it may be in " + " or ".join(f"`{hole}`" for hole in holes)


def _names(parts: set[str] | tuple[str, ...]) -> set[str]:
    """How whys name the parts: ``AWS::Region``, ``Repo`` (``${name of Repo}``), ``Cond``
    (``${If Cond}``)."""
    inner = [p[2:-1] for p in parts]
    return {n for i in inner for n in (i, i.rsplit(" ", 1)[-1]) if n}


def _mentions(piece: str, names: set[str]) -> bool:
    return any(f"`{name}`" in piece for name in names)
