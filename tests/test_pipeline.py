"""The scan's steps as values: loaders (one table) → engine (finished findings) → excludes →
baseline, each returning something new and leaving its input as it was."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from batchlint import config as cfg
from batchlint.baseline import apply_baseline
from batchlint.engine import Report, RuleRun, run
from batchlint.errors import BatchlintError
from batchlint.excludes import apply_excludes, parse_excludes
from batchlint.fingerprint import fingerprint
from batchlint.loaders import load_files, table
from batchlint.loaders.builder import Document
from batchlint.refs import ResourceRef
from batchlint.registry import load_rules
from batchlint.settings import ScanOptions, resolve

from .conftest import compute_environment

RULES = {r.id: r for r in load_rules(entry_points=False)}


def _report(tmp_path: Path, *rules: str) -> Report:
    path = tmp_path / "ces.json"
    spot = compute_environment("spot", computeResources={
        "type": "SPOT", "minvCpus": 0, "maxvCpus": 16, "instanceTypes": ["optimal"]})
    path.write_text(json.dumps({"computeEnvironments": [compute_environment("ec2"), spot]},
                               indent=2))
    loaded = load_files([str(path)])
    return run(loaded.models, [RuleRun(RULES[r], RULES[r].severity, {}) for r in rules])


def test_findings_leave_the_engine_finished(tmp_path: Path) -> None:
    """Each finding holds a small frozen reference and its location; no resource data."""
    [finding] = _report(tmp_path, "BL111").findings
    assert finding.resource == ResourceRef(
        "compute-environment", "spot",
        "arn:aws:batch:us-east-1:123456789012:compute-environment/spot", "123456789012",
        "us-east-1", finding.resource.origin)
    assert not hasattr(finding.resource, "data")
    assert finding.location is not None
    # spotIamFleetRole is absent: the block that should hold it
    assert (finding.location.path, finding.location.line) == (str(tmp_path / "ces.json"), 24)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.message = "changed"  # type: ignore[misc]


def test_excludes_and_baseline_return_new_reports(tmp_path: Path) -> None:
    report = _report(tmp_path, "BL111")
    before = (list(report.findings), list(report.suppressed))
    [exclude] = parse_excludes("batchlint.toml", [
        {"rules": ["BL111"], "resources": ["sp*"], "reason": "retired next week"}])
    excluded, stale = apply_excludes(report, (exclude,))
    assert stale == [] and excluded.findings == []
    assert [f.suppressed_by for f in excluded.suppressed] == ["retired next week"]
    known, hidden = apply_baseline(report, {fingerprint(report.findings[0])})
    assert (known.findings, hidden) == ([], 1)
    assert (report.findings, report.suppressed) == before  # the run's report is untouched


def test_settings_merge_the_command_line_over_the_config(tmp_path: Path) -> None:
    config = cfg.Config(path="batchlint.toml", fail_on="error", strict=False,
                        select=("BL111",))
    settings = resolve(ScanOptions(paths=[], fail_on="note", strict=True), config)
    assert (settings.fail_on, settings.strict) == ("note", True)
    assert [r.rule.id for r in settings.runs] == ["BL111"]
    empty = resolve(ScanOptions(paths=[], select=""), config)
    assert empty.runs == () and empty.warnings == (
        "--select is empty: no rule was run, nothing was checked",)
    with pytest.raises(BatchlintError, match=r"^batchlint.toml: \[rules.BL999\] names no rule$"):
        resolve(ScanOptions(paths=[]), cfg.Config(path="batchlint.toml",
                                                  rule_settings={"BL999": {}}))


def test_a_new_input_kind_is_one_table_entry(tmp_path: Path, monkeypatch: Any) -> None:
    """A loader recognises its documents and adds their resources; load_files needs nothing
    else (here: a list of environments under a made-up key)."""
    def load(doc: Document, session: table.Session) -> None:
        session.builder.add_all(doc, "compute-environment", ("mine",), doc.data["mine"])

    mine = table.DocumentLoader("mine", lambda _, data: isinstance(data, dict) and "mine" in data,
                                load)
    monkeypatch.setattr(table, "DOCUMENT_LOADERS", (*table.DOCUMENT_LOADERS, mine))
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"mine": [compute_environment("ec2")]}))
    loaded = load_files([str(path)])
    assert [r.name for r in loaded.model.resources] == ["ec2"] and loaded.notes == []
    other = tmp_path / "other.json"
    other.write_text('{"theirs": []}')
    assert load_files([str(other)]).notes == [f"skipped {other}: not AWS Batch configuration"]
