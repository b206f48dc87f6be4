"""CloudFormation's stack-wide pseudo parameters inside a template's strings.

``${AWS::Region}`` and ``${AWS::AccountId}`` (and the stack's name) are not known
before deployment, but each is one value throughout the stack. A role whose policy allows
``ssm:GetParameters`` on ``arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/*``
therefore allows it on the job definition's secret
``arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/token`` wherever the stack
is deployed. :func:`read` gives such a string with each pseudo parameter as one symbol
(a private-use character: no ``:`` to split an ARN on, no character a pattern's ``?`` or
literal text can match), so a match found with the symbols holds for every value they
take; :func:`shown` writes them back as the template does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batchlint.model import Json
from batchlint.unknowns import UNKNOWN_PART, plain

_SYMBOLS = {f"${{AWS::{name}}}": chr(0xE000 + i)
            for i, name in enumerate(("Region", "AccountId", "StackName"))}
_NAMES = {symbol: text for text, symbol in _SYMBOLS.items()}
SYMBOLS_CLASS = "[\uE000-\uE0FF]"  # a regular expression's class of every symbol


def read(holder: Mapping[str, Json], key: str) -> Json:
    """``holder[key]``: when its only unknown parts are stack-wide pseudo parameters, with
    them as symbols and without recording the read as one of an unknown value; else the
    value as read (recorded if it is not known)."""
    raw = plain(dict.get(holder, key) if isinstance(holder, dict) else holder.get(key))
    texts = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(t, str) for t in texts) or not any("${" in t for t in texts):
        return holder.get(key)
    symbolic = [encoded(t) for t in texts]
    if None in symbolic:
        return holder.get(key)
    return symbolic if isinstance(raw, list) else symbolic[0]


REGION, ACCOUNT = _SYMBOLS["${AWS::Region}"], _SYMBOLS["${AWS::AccountId}"]


def encoded(text: str) -> str | None:
    """``text`` with its stack constants as symbols; None if it holds another unknown."""
    if not all(p in _SYMBOLS for p in UNKNOWN_PART.findall(text)):
        return None
    return UNKNOWN_PART.sub(lambda m: _SYMBOLS[m.group()], text)


def has_symbols(text: Any) -> bool:
    return isinstance(text, str) and any(ch in _NAMES for ch in text)


def shown(text: str) -> str:
    """``text`` with its symbols written as the template writes them."""
    return "".join(_NAMES.get(ch, ch) for ch in text) if has_symbols(text) else text
