"""A secret's value never reaches any output: not a report, a note, an error or a log line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import EXAMPLES

SECRET = "FAKE-example-password-123"  # in examples/account/job-definitions.json
FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secret_value_is_never_printed(cli, fmt: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BATCHLINT_DEBUG", "1")
    assert SECRET in (EXAMPLES / "job-definitions.json").read_text()
    result = cli("scan", *FILES, "--format", fmt, "--select", "BL3")
    assert "REPORT_DB_PASSWORD" in result.stdout  # the name is reported...
    assert SECRET not in result.stdout + result.stderr  # ...the value never
    out = tmp_path / "report"
    cli("scan", *FILES, "--format", fmt, "--output", str(out))
    assert SECRET not in out.read_text()


def test_secret_not_in_json_report_fields(cli) -> None:
    doc = json.loads(cli("scan", *FILES, "--format", "json").stdout)
    [finding] = [f for f in doc["findings"] if f["rule_id"] == "BL303"]
    assert finding["resource"]["name"] == "export-report"
    assert SECRET not in json.dumps(doc)


def test_secret_not_in_errors_about_the_file(cli, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "job-definitions.json").read_text())
    doc["jobDefinitions"][3]["retryStrategy"] = {"attempts": SECRET}  # wrong type near it
    bad = tmp_path / "jd.json"
    bad.write_text(json.dumps(doc))
    result = cli("scan", str(bad))
    assert result.exit_code == 2
    assert "retryStrategy.attempts must be an integer" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc)[:-40])
    result = cli("scan", str(broken))
    assert result.exit_code == 2 and SECRET not in result.stderr
