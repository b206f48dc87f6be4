"""Rule selectors checked before use: a mistyped one names the closest rule.

``--select BL1O3`` → ``unknown rule selector 'BL1O3'; did you mean BL103?``. A long
selector is shortened in the message, never echoed whole.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from batchlint.errors import BatchlintError
from batchlint.rule import Rule
from batchlint.terminal import escape

LONGEST_ECHOED = 40


def check_selectors(rules: list[Rule], selectors: Iterable[str]) -> None:
    """Raise for the first selector that matches no rule (an id, a name or an id prefix)."""
    for selector in selectors:
        if any(_matches(selector, rule) for rule in rules):
            continue
        raise BatchlintError(f"unknown rule selector {shorten(selector)!r}"
                             f"{suggestion(rules, selector)} (see 'batchlint rules')")


def _matches(selector: str, rule: Rule) -> bool:
    sel = selector.strip()
    return sel.lower() == rule.name or sel.upper() == rule.id or (
        sel.upper().startswith("BL") and rule.id.startswith(sel.upper()))


def suggestion(rules: list[Rule], selector: str) -> str:
    """``; did you mean BL103?`` for the closest id or name, or nothing."""
    sel = selector.strip()
    looks_like_id = sel[:2].upper() == "BL" and len(sel) <= 6
    if looks_like_id:
        typed = sel.upper().replace("O", "0").replace("I", "1").replace("L", "1")
        typed = "BL" + typed[2:]
        candidates = [rule.id for rule in rules]
        exact = [c for c in candidates if c == typed]
        close = exact or difflib.get_close_matches(sel.upper(), candidates, n=1, cutoff=0.8)
    else:
        close = difflib.get_close_matches(sel.lower(), [rule.name for rule in rules], n=1,
                                          cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def shorten(text: str) -> str:
    """``text`` escaped and cut to :data:`LONGEST_ECHOED` characters."""
    text = escape(text)
    return text if len(text) <= LONGEST_ECHOED else text[:LONGEST_ECHOED - 1] + "…"
