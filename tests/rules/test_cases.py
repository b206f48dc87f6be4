"""Every rule's cases, fed through the real loader and engine.

``tests/rules/cases/<code>/`` holds ``pass*.json`` (no finding of the rule),
``fail*.json`` (findings on exactly the resources ``expected.json`` lists) and
``unverified*.json`` (no finding; *not verified* on exactly the resources
listed); a CloudFormation template may also be a ``.yaml`` case. ``expected.json``
maps each file name to its ``kind/name`` list, and may give rule options per file
under ``"_options"``. An entry of a ``fail`` list may instead be an object that
pins one finding: ``{"resource": "kind/name", "path": "computeResources.imageId",
"line": 12}`` (sqlfluff's ``line_no``) — the finding's field path in the resource
and, where given, the line the report points at in the case file; ``path`` ""
is the resource itself. ``pytest -k bl301`` runs one rule's cases.

Each case's results are also rendered, one line each with the finding's path in the
resource and its line and column in the case file, and compared with
``<case>.snap`` beside it (ruff's ``assert_messages!``): a change of wording, path
or position is a visible diff. ``BATCHLINT_UPDATE_SNAPSHOTS=1 pytest tests/rules``
writes them anew; review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.registry import load_rules

CASES = Path(__file__).parent / "cases"
RULES = {rule.id: rule for rule in load_rules(entry_points=False)}


def _cases() -> list[tuple[str, Path]]:
    return [
        (folder.name, case)
        for folder in sorted(CASES.iterdir())
        if folder.is_dir()
        for case in sorted([*folder.glob("*.json"), *folder.glob("*.yaml")])
        if case.name != "expected.json"
    ]


def _expected(folder: Path) -> dict[str, object]:
    result: dict[str, object] = json.loads((folder / "expected.json").read_text())
    return result


@pytest.mark.parametrize(("code", "case"), _cases(), ids=lambda v: getattr(v, "stem", v))
def test_case(code: str, case: Path) -> None:
    rule = RULES[code.upper()]
    expected = _expected(case.parent)
    options = expected.get("_options", {}).get(case.name, {})  # type: ignore[attr-defined]
    loaded = load_files([str(case)])
    report = run(loaded.models, [RuleRun(rule, rule.severity, options)])
    failing = sorted(f"{f.resource.kind}/{f.resource.name}" for f in report.findings)
    unverified = sorted(f"{n.resource.kind}/{n.resource.name}" for n in report.not_verified)
    assert not [f.message for f in report.findings if f.message.startswith("internal error")]
    if case.name.startswith("fail"):
        assert failing, f"{case.name} raised no {code} finding"
        listed: list[str | dict[str, object]] = expected[case.name]  # type: ignore[assignment]
        assert failing == sorted(e if isinstance(e, str) else str(e["resource"]) for e in listed)
        _assert_pinned(report, [e for e in listed if isinstance(e, dict)])
    elif case.name.startswith("pass"):
        assert failing == [], [f.message for f in report.findings]
    elif case.name.startswith("unverified"):
        assert failing == [], [f.message for f in report.findings]
        assert unverified == sorted(expected[case.name])  # type: ignore[arg-type]
    else:
        pytest.fail(f"{case.name}: case files start with pass, fail or unverified")
    for finding in report.findings:
        assert finding.resource.name in finding.message, "messages name the resource"
    _assert_snapshot(case, _render(report))


def _assert_pinned(report: object, pins: list[dict[str, object]]) -> None:
    """Each pinned finding is one of the findings, at its path and (when given) line; two
    pins cannot claim the same finding."""
    found = []
    for f in report.findings:  # type: ignore[attr-defined]
        where = f.location
        found.append({"resource": f"{f.resource.kind}/{f.resource.name}",
                      "path": _dotted(f.path), "line": where.line if where else None})
    for pin in pins:
        unknown = set(pin) - {"resource", "path", "line"}
        assert not unknown, f"expected.json: unknown keys {sorted(unknown)} in {pin}"
        match = [f for f in found if all(f[key] == value for key, value in pin.items())]
        assert match, f"no finding matches {pin}; the findings: {found}"
        found.remove(match[0])


def _dotted(path: tuple[str | int, ...]) -> str:
    """``computeResources.ec2Configuration[0].imageType``, as rules and the README write it."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _render(report: object) -> str:
    lines = []
    for f in report.findings:  # type: ignore[attr-defined]
        where = f.location
        at = f"{where.line}:{where.column}" if where else "-"
        path = ".".join(map(str, f.path)) or "(resource)"
        lines.append(f"{f.rule_id} {f.severity} {f.resource.kind}/{f.resource.name} "
                     f"{path} @{at}\n    {f.message}")
    for n in report.not_verified:  # type: ignore[attr-defined]
        lines.append(f"{n.rule_id} not-verified {n.resource.kind}/{n.resource.name}\n"
                     f"    {n.reason}")
    return "\n".join(lines) + "\n" if lines else "(nothing)\n"


def _assert_snapshot(case: Path, rendered: str) -> None:
    snap = case.with_suffix(".snap")
    if os.environ.get("BATCHLINT_UPDATE_SNAPSHOTS") or not snap.exists():
        snap.write_text(rendered)
        if not os.environ.get("BATCHLINT_UPDATE_SNAPSHOTS"):
            pytest.fail(f"{snap.name} did not exist: written, review and commit it")
    assert rendered == snap.read_text(), f"{snap} differs (BATCHLINT_UPDATE_SNAPSHOTS=1 to "\
                                         "rewrite it after review)"
