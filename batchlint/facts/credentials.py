"""Values that have the form of a credential, whatever the name they are stored under (BL303).

Only formats with a precise, documented shape are recognised, so that a match is
almost never anything else:

- AWS access key ids: ``AKIA`` (long-term) or ``ASIA`` (temporary) and 16 upper-case
  letters or digits (`AKIAIOSFODNN7EXAMPLE` is AWS's documented example);
- PEM private key blocks: a ``-----BEGIN … PRIVATE KEY-----`` line followed by key
  material (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8, PGP ``… PRIVATE KEY BLOCK``);
- GitHub tokens: ``ghp_``, ``gho_``, ``ghu_``, ``ghs_``, ``ghr_`` and 36 (up to 251)
  characters of ``[A-Za-z0-9_]`` (GitHub's changelog of 2021-03-31), and fine-grained
  ``github_pat_`` tokens (60 or more such characters);
- Slack tokens: ``xoxa-``, ``xoxb-``, ``xoxp-`` with their numeric team/user parts;
- Stripe live secret and restricted keys: ``sk_live_`` / ``rk_live_`` and 24 or more
  letters or digits.

Parts that are not literal text are never read as a credential: ``${…}`` spans (a
template's or a plan's value known only at deployment, written in the user's spelling,
or a shell variable) and CloudFormation ``{{resolve:…}}`` dynamic references.

The functions here return what *kind* of credential a value looks like, never the match:
callers must not be able to print it. A writer that must keep a value out (a snapshot
export) can write :func:`redacted` in its place, and the value still reads as that kind.
"""

from __future__ import annotations

import functools
import re

# A boundary: the character before/after a token is not one that could extend it.
_B = r"(?<![A-Za-z0-9_])"
_E = r"(?![A-Za-z0-9_])"
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(_B + r"(?:AKIA|ASIA)[A-Z0-9]{16}" + _E)),
    ("a PEM private key", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[nr])+"
        r"(?:[A-Za-z-]{1,20}: ?[^\n\\]{0,200}(?:\s|\\[nr])+){0,4}[A-Za-z0-9+/]{16}")),
    ("a GitHub token", re.compile(_B + r"gh[pousr]_[A-Za-z0-9_]{36,251}" + _E)),
    ("a GitHub fine-grained token", re.compile(_B + r"github_pat_[A-Za-z0-9_]{60,251}" + _E)),
    ("a Slack token", re.compile(
        _B + r"xox[abp]-(?:[0-9]{1,20}-){1,3}[A-Za-z0-9]{20,64}" + _E)),
    ("a Stripe live key", re.compile(_B + r"[sr]k_live_[A-Za-z0-9]{24,247}" + _E)),
)
# Spans that are not literal text: `${…}` (no nesting needed: a span ends at its first
# `}`, and what follows is read as text) and `{{resolve:…}}` dynamic references.
_NOT_TEXT = re.compile(r"\$\{[^}]*\}?|\{\{resolve:.*?(?:\}\}|$)", re.DOTALL)
_REDACTED = re.compile("<redacted: (" + "|".join(re.escape(k) for k, _ in _KINDS) + ")>")
_LONGEST = 64 * 1024  # beyond this a value is data, not a pasted credential: read its start


@functools.lru_cache(maxsize=4096)  # the same values recur across revisions
def credential_kind(value: str) -> str | None:
    """What kind of credential ``value`` holds (``"an AWS access key id"``), or None."""
    marker = _REDACTED.search(value)
    if marker:
        return marker[1]
    text = _NOT_TEXT.sub(" ", value[:_LONGEST])
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return None


def redacted(kind: str) -> str:
    """What to write in place of a credential of ``kind`` (a :func:`credential_kind`
    answer) so that BL303 reads the stand-in as it read the value: ``<redacted: …>``."""
    return f"<redacted: {kind}>"
