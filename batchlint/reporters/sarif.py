"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning ingests it.

One run; every enabled rule in ``tool.driver.rules`` from its own metadata;
each result with exactly one physical location (a repository-relative URI and
the offending property's line and column), the resource's ARN or logical ID as
a logical location, and a fingerprint from the rule and the resource's
identity — not the line — so alerts survive reformatting. Suppressed findings
are results with ``suppressions``; checks that could not be verified are tool
notifications, not alerts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import IO, Any
from urllib.parse import quote

from batchlint import __version__
from batchlint.errors import BatchlintError
from batchlint.fingerprint import fingerprint
from batchlint.locations import Location
from batchlint.reporters import ReportInput
from batchlint.reporters.common import findings_of
from batchlint.rule import Finding, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/batchlint/batchlint"
# A security rule's score (GitHub: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low).
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.5", "note": "3.0"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def write(result: ReportInput, out: IO[str]) -> None:
    report, category = result.report, result.sarif_category
    findings, gaps, suppressed = findings_of(report)
    missing = [item for item in (*findings, *suppressed) if item.location is None]
    if missing:
        raise BatchlintError("SARIF needs a file location for every result, and a live scan "
                             "has none: add --snapshot FILE to write the account's snapshot "
                             "and point the results at it")
    rules = sorted(report.rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    levels = dict(result.severities)
    results = [_result(item, index, None) for item in findings]
    results += [_result(item, index, "external") for item in suppressed]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "batchlint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(rule, levels.get(rule.id, rule.severity)) for rule in rules],
        }},
        "automationDetails": {"id": f"{category.rstrip('/')}/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri()}},
        "results": results,
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {"level": "note",
                 "message": {"text": f"not verified: {g.resource.label}: {g.reason}"},
                 "descriptor": {"id": g.rule_id},
                 **({"locations": [_physical(g.location)]} if g.location else {})}
                for g in gaps],
        }],
    }
    json.dump(_valid_unicode({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}), out,
              indent=2)
    out.write("\n")


def _descriptor(rule: Rule, level: str) -> dict[str, Any]:
    properties: dict[str, Any] = {"tags": list(rule.tags), "precision": rule.precision}
    if "security" in rule.tags:
        properties["security-severity"] = SECURITY_SEVERITY[level]
    else:
        properties["problem.severity"] = PROBLEM_SEVERITY[level]
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary[:1024]},
        "fullDescription": {"text": _first_section(rule.doc)[:1024] or rule.summary[:1024]},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": level},
        "properties": properties,
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _first_section(doc: str) -> str:
    """The text of the doc's first section (What it does), on one line."""
    body = doc.split("## ", 2)[1] if doc.count("## ") >= 1 else doc
    return " ".join(body.split("\n", 1)[-1].split())


def _result(item: Finding, index: Mapping[str, int], suppression: str | None) -> dict[str, Any]:
    f = item
    assert item.location is not None
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": f.severity,
        "message": {"text": f.message},
        "locations": [{
            **_physical(item.location),
            "logicalLocations": [{"name": f.resource.name,
                                  "fullyQualifiedName": f.resource.arn or f.resource.name,
                                  "kind": f.resource.kind}],
        }],
        "partialFingerprints": {"batchlintResource/v1": fingerprint(f)},
    }
    if suppression:
        result["suppressions"] = [{"kind": suppression,
                                   "justification": f.suppressed_by or "suppressed"}]
    return result


def _physical(location: Location) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": _relative_uri(location.path), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": location.line, "startColumn": location.column},
    }}


def _relative_uri(path: str) -> str:
    """A URI reference: ``my dir#1/ce 100%.json`` is ``my%20dir%231/ce%20100%25.json``; a
    name that is not UTF-8 (``tmpl\\xff.yaml``) is its bytes, ``tmpl%FF.yaml``."""
    relative = os.path.relpath(os.path.abspath(path))
    return quote(os.fsencode(relative.replace(os.sep, "/")), safe="/")


def _root_uri() -> str:
    root = os.getcwd().replace(os.sep, "/")
    root = root if root.startswith("/") else "/" + root
    return "file://" + quote(os.fsencode(root), safe="/:") + "/"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(value: Any) -> Any:
    """``value`` with each lone surrogate (JSON's ``"\\ud800"``, a non-UTF-8 file name's
    byte) as U+FFFD: SARIF is I-JSON, which has none. Fingerprints keep them apart."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    return value
