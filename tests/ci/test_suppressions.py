"""Suppressions from every source: resource tags, CloudFormation Metadata, config excludes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ..conftest import EXAMPLES, REPO

EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))
PLAN = REPO / "tests" / "iac" / "data" / "plan.json"
SNAPSHOT = REPO / "tests" / "rules" / "cases" / "bl107" / "fail.json"
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())


def _config(tmp_path: Path, text: str, monkeypatch) -> None:
    (tmp_path / ".batchlint.toml").write_text(text)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("inputs", "rule", "pattern", "muted"), [
    (EXAMPLE_FILES, "BL103", "genomics-*", "genomics-spot"),
    ([str(PLAN)], "small-node-disk", "aws_batch_compute_environment.*",
     "aws_batch_compute_environment.spot"),
    ([str(SNAPSHOT)], "BL1", "arn:aws:batch:*:compute-environment/legacy-*", "legacy-unmanaged"),
], ids=["raw-cli", "terraform", "snapshot-by-arn"])
def test_config_exclude_mutes_with_its_reason(cli, tmp_path, monkeypatch, inputs, rule,
                                             pattern, muted) -> None:
    _config(tmp_path, f'[[exclude]]\nrules = ["{rule}"]\nresources = ["{pattern}"]\n'
                      'reason = "retired next quarter (TICKET-1)"\n', monkeypatch)
    doc = json.loads(cli("scan", *inputs, "--format", "json", "--fail-on", "never").stdout)
    suppressed = [(f["resource"]["name"], f["suppressed_by"]) for f in doc["suppressed"]]
    assert (muted, "retired next quarter (TICKET-1)") in suppressed
    assert not [f for f in doc["findings"] if f["resource"]["name"] == muted
                and (f["rule_id"] == rule or f["rule_name"] == rule
                     or f["rule_id"].startswith(rule))]
    sarif = json.loads(cli("scan", *inputs, "--format", "sarif", "--fail-on", "never").stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    justifications = {s["justification"] for r in sarif["runs"][0]["results"]
                      for s in r.get("suppressions", [])}
    assert "retired next quarter (TICKET-1)" in justifications


def test_stale_exclude_is_reported(cli, tmp_path, monkeypatch) -> None:
    _config(tmp_path, '[[exclude]]\nrules = ["BL103"]\nresources = ["gone-*"]\n'
                      'reason = "old cluster"\n', monkeypatch)
    result = cli("scan", *EXAMPLE_FILES, "--format", "json", "--fail-on", "never")
    note = "exclude #1 (old cluster) matched no finding; remove it if it is stale"
    assert f"batchlint: {note}" in result.stderr
    assert note in json.loads(result.stdout)["notes"]


@pytest.mark.parametrize(("text", "message"), [
    ('[[exclude]]\nrules = ["BL103"]\nresources = ["x"]\n', "exclude #1 needs a reason"),
    ('[[exclude]]\nrules = []\nresources = ["x"]\nreason = "r"\n',
     "exclude #1: rules must be a non-empty list of strings"),
    ('[[exclude]]\nrules = ["BL1"]\nresources = ["x"]\nreason = "r"\nwhy = 1\n',
     "exclude #1: unknown key(s) why"),
])
def test_exclude_needs_rules_resources_and_a_reason(cli, tmp_path, monkeypatch, text,
                                                    message) -> None:
    _config(tmp_path, text, monkeypatch)
    result = cli("scan", *EXAMPLE_FILES)
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {tmp_path / '.batchlint.toml'}: {message}\n")


def test_cloudformation_tags_and_metadata(cli, tmp_path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n"
        "  ByMetadata:\n"
        "    Type: AWS::Batch::JobDefinition\n"
        "    Metadata: {batchlint: {ignore: [BL305, missing-retry-strategy]}}\n"
        "    Properties: {Type: container, ContainerProperties: {Image: 'a:1'}}\n"
        "  ByTag:\n"
        "    Type: AWS::Batch::JobDefinition\n"
        "    Properties:\n"
        "      Type: container\n"
        "      Tags: {'batchlint:ignore': 'BL305'}\n"
        "      ContainerProperties: {Image: 'a:1'}\n")
    doc = json.loads(cli("scan", str(template), "--select", "BL301,BL305", "--format",
                         "json", "--fail-on", "never").stdout)
    assert {(f["rule_id"], f["resource"]["name"]) for f in doc["findings"]} == {
        ("BL301", "ByTag")}
    assert {(f["rule_id"], f["resource"]["name"]) for f in doc["suppressed"]} == {
        ("BL301", "ByMetadata"), ("BL305", "ByMetadata"), ("BL305", "ByTag")}
