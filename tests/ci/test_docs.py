"""The README's CI examples are copies of files this test runs."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import jsonschema
import yaml

from ..conftest import EXAMPLES, REPO

DOCS = REPO / "docs" / "examples"
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
TEMPLATE = REPO / "tests" / "iac" / "realworld" / "cfn" / "alphafold-batch.yaml"


def test_readme_holds_the_example_files_verbatim() -> None:
    readme = (REPO / "README.md").read_text()
    for name in ("github-workflow.yml", "pre-commit-config.yaml"):
        assert (DOCS / name).read_text() in readme, name


def test_pre_commit_example_names_the_hook() -> None:
    config = yaml.safe_load((DOCS / "pre-commit-config.yaml").read_text())
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    [repo] = config["repos"]
    assert {h["id"] for h in repo["hooks"]} <= {h["id"] for h in hooks}


def _batchlint_steps() -> list[list[str]]:
    workflow = yaml.safe_load((DOCS / "github-workflow.yml").read_text())
    steps = workflow["jobs"]["batchlint"]["steps"]
    return [shlex.split(step["run"])[1:] for step in steps
            if step.get("run", "").startswith("batchlint ")]


def test_workflow_file_scans_run_as_written(cli, tmp_path: Path, monkeypatch) -> None:
    """The workflow's IaC scan and baseline gate, in a checkout like the one it describes
    (the live scan step is run against moto in tests/aws)."""
    steps = _batchlint_steps()
    assert [s[0] for s in steps] == ["scan", "scan", "scan"]
    live, iac, gate = steps
    assert "--snapshot" in live and "sarif" in live
    (tmp_path / "infra").mkdir()
    shutil.copy(TEMPLATE, tmp_path / "infra" / "batch.yaml")
    snapshot = json.loads((REPO / "tests" / "rules" / "cases" / "bl107" / "pass.json").read_text())
    (tmp_path / "batch-snapshot.json").write_text(json.dumps(snapshot))
    monkeypatch.chdir(tmp_path)
    result = cli(*iac)
    assert result.exit_code == 0, result.stderr
    doc = json.loads((tmp_path / "batchlint-iac.sarif").read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    assert doc["runs"][0]["automationDetails"]["id"] == "batchlint-iac/"
    assert doc["runs"][0]["results"]
    # the gate fails on the template's errors until they are baselined
    baseline = gate[gate.index("--baseline") + 1]
    first = cli(*[a for a in gate if a not in ("--baseline", baseline)], "--write-baseline",
                baseline)
    assert first.exit_code in (0, 1)
    assert cli(*gate).exit_code == 0
    assert EXAMPLES.exists()
