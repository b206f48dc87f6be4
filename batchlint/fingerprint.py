"""A finding's identity: its rule and its resource, never its line.

SARIF's ``partialFingerprints`` and baselines both use it, so an alert or a
baselined finding survives reformatting and reordering of the file.
"""

from __future__ import annotations

import hashlib

from batchlint.rule import Finding


def identity(finding: Finding) -> str:
    res = finding.resource
    # a template's logical IDs are only unique within the template
    scope = res.origin.path or "" if res.origin.source else ""
    return "|".join((finding.rule_id, res.kind, res.account or "", res.region or "", scope,
                     res.name))


def fingerprint(finding: Finding) -> str:
    # surrogatepass: a lone surrogate (JSON's "\ud800", a non-UTF-8 file name's escaped
    # byte) hashes as itself; every other string as its UTF-8, as before
    return hashlib.sha256(identity(finding).encode("utf-8", "surrogatepass")).hexdigest()[:32]
