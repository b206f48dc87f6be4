"""The pre-commit hook, for real: `pre-commit try-repo` of this repository against a
temporary git repository holding a snapshot with a known finding, and a clean one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import REPO

CASES = REPO / "tests" / "rules" / "cases"
PRE_COMMIT = shutil.which("pre-commit")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(consumer: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(REPO), "batchlint", "--all-files",
                           "--verbose"], cwd=consumer, env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is installed by the test extras")
def test_hook_fails_on_a_finding_and_passes_when_clean(tmp_path: Path) -> None:
    consumer = tmp_path / "infra"
    consumer.mkdir()
    _git(consumer, "init", "-q")
    _git(consumer, "config", "user.email", "dev@example.invalid")
    _git(consumer, "config", "user.name", "dev")
    bad = json.loads((CASES / "bl107" / "fail.json").read_text())
    (consumer / "batch-snapshot.json").write_text(json.dumps(bad, indent=2))
    (consumer / "package.json").write_text('{"name": "web"}\n')  # not Batch: skipped
    (consumer / "notes.yaml").write_text("owner: platform\n")
    _git(consumer, "add", ".")
    home = tmp_path / "pre-commit-home"

    failing = _try_repo(consumer, home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "BL111" in failing.stdout or "BL107" in failing.stdout
    assert "skipped package.json: not AWS Batch configuration" in failing.stdout

    clean = json.loads((CASES / "bl107" / "pass.json").read_text())
    region = clean["accounts"][0]["regions"][0]
    region["computeEnvironments"] = []
    region["jobQueues"] = []
    (consumer / "batch-snapshot.json").write_text(json.dumps(clean, indent=2))
    _git(consumer, "add", ".")
    passing = _try_repo(consumer, home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "batchlint" in passing.stdout and "Passed" in passing.stdout
