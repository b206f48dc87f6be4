"""The GitHub Action in action.yml, run locally: its `run:` steps in order, with the
inputs substituted as the runner would, against the bundled example; the upload step
(github/codeql-action/upload-sarif) is the one step not run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())


def _substitute(text: str, inputs: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(REPO)
        raise AssertionError(f"expression the test cannot evaluate: {expr}")

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def _run_action(tmp_path: Path, **given: str) -> list[subprocess.CompletedProcess[str]]:
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    # python3 is this interpreter, where batchlint is already installed: the install step
    # runs its real command and finds the requirement satisfied, without the network
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                 f"{os.environ['PATH']}", "PIP_NO_INDEX": "1"}
    runs = []
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            assert step["uses"].startswith("github/codeql-action/upload-sarif@")
            continue
        assert step["shell"] == "bash"
        step_env = {k: _substitute(str(v), inputs) for k, v in step.get("env", {}).items()}
        run = subprocess.run(["bash", "-e", "-c", _substitute(step["run"], inputs)],
                             cwd=tmp_path, env={**env, **step_env}, capture_output=True,
                             text=True, timeout=300)
        runs.append(run)
        if run.returncode:
            break
    return runs


def test_the_action_is_composite_and_uploads_sarif() -> None:
    assert ACTION["runs"]["using"] == "composite"
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert uses == ["github/codeql-action/upload-sarif@v3"]
    assert set(ACTION["inputs"]) >= {"paths", "fail-on", "args", "sarif-file", "category"}


def test_the_action_scans_the_example(tmp_path: Path) -> None:
    install, scan, verdict = _run_action(tmp_path, paths=str(REPO / "examples" / "account"),
                                         version="batchlint")
    assert install.returncode == 0, install.stderr
    assert scan.returncode == 0, scan.stderr
    sarif: dict[str, Any] = json.loads((tmp_path / "batchlint.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert sarif["version"] == "2.1.0" and len(results) == 13
    assert sarif["runs"][0]["automationDetails"]["id"] == "batchlint/"
    assert verdict.returncode == 1  # findings at or above warning
    assert "::error file=" in verdict.stdout


def test_the_action_passes_its_inputs(tmp_path: Path) -> None:
    *_, verdict = _run_action(tmp_path, paths=str(REPO / "examples" / "account"),
                              version="batchlint", **{"fail-on": "never",
                                                      "args": "--select BL103",
                                                      "sarif-file": "out/b.sarif",
                                                      "category": "batch-iac"})
    assert verdict.returncode == 0, verdict.stderr
    sarif = json.loads((tmp_path / "out" / "b.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"BL103"}
    assert sarif["runs"][0]["automationDetails"]["id"] == "batch-iac/"


def test_a_failing_scan_stops_the_action(tmp_path: Path) -> None:
    runs = _run_action(tmp_path, paths=str(tmp_path / "missing.json"), version="batchlint")
    assert len(runs) == 2 and runs[-1].returncode == 2
    assert "no such file" in runs[-1].stderr


@pytest.mark.parametrize("name", ["LICENSE", "CHANGELOG.md", "action.yml"])
def test_adoption_files_exist(name: str) -> None:
    assert (REPO / name).is_file()
