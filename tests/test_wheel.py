"""The built distribution works on its own: sdist → wheel → a fresh virtualenv.

One test, so it pays for one virtualenv. The source tree is copied to a
temporary folder and built there (``python -m build`` builds the sdist, then
the wheel from the sdist, so a file missing from either shows up here), and
nothing is written into the checkout. The wheel is installed with its
dependencies into a virtualenv that cannot see this environment's packages or
the editable install, and the commands run from a folder outside the
repository, so nothing can be imported from the source tree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "tests" / "rules" / "cases" / "bl107" / "fail.json"
_SKIP = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info",
                               "__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache",
                               ".ruff_cache", ".hypothesis", "htmlcov", ".coverage*")


def _repo_rule_ids() -> set[str]:
    """The ids of the rule files in rules/ (``bl107_<name>.toml`` → BL107)."""
    ids = set()
    for path in (REPO / "rules").iterdir():
        match = re.match(r"(bl\d{3})_\w+\.(py|toml)$", path.name)
        if match:
            ids.add(match.group(1).upper())
    return ids


def _run(cmd: list[str], cwd: Path, env: dict[str, str],
         timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{' '.join(done.args)} exited {done.returncode}:\n" \
                                 f"{done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_and_runs_outside_the_tree(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["NO_COLOR"] = "1"

    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=_SKIP)
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], tmp_path,
                 env)
    _ok(built)
    # the package configuration is whole: setuptools warns about nothing
    assert "_Warning" not in built.stdout + built.stderr, "setuptools warned while building"
    assert "is absent from the `packages` configuration" not in built.stdout + built.stderr
    wheels = list(dist.glob("batchlint-*.whl"))
    assert len(wheels) == 1, sorted(p.name for p in dist.iterdir())

    venv = tmp_path / "venv"
    _ok(_run([sys.executable, "-m", "venv", str(venv)], tmp_path, env))
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    _ok(_run([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], tmp_path, env))

    work = tmp_path / "work"
    work.mkdir()
    located = _ok(_run([str(python), "-c", "import batchlint.builtin_rules as r; "
                        "print(r.__file__)"], work, env)).strip()
    assert Path(located).is_relative_to(venv), f"imported from {located}, not the venv"

    batchlint = str(bindir / "batchlint")
    version = _ok(_run([batchlint, "--version"], work, env))
    assert version.startswith("batchlint "), version

    listed = _ok(_run([batchlint, "rules"], work, env))
    listed_json = json.loads(_ok(_run([batchlint, "rules", "--format", "json"], work, env)))
    expected = _repo_rule_ids()
    assert "BL107" in expected
    missing = sorted(rule_id for rule_id in expected if rule_id not in listed)
    assert not missing, f"rules in rules/ but not in the installed wheel: {missing}"
    assert expected <= {rule["id"] for rule in listed_json}

    explained = _ok(_run([batchlint, "explain", "BL107"], work, env))
    assert "unmanaged-compute-environment" in explained

    shutil.copy(CASE, work / "compute-environments.json")
    scanned = _run([batchlint, "scan", "compute-environments.json", "--fail-on", "note"],
                   work, env)
    assert scanned.returncode == 1, scanned.stdout + scanned.stderr
    assert "BL107" in scanned.stdout and "legacy-unmanaged" in scanned.stdout
    assert "compute-environments.json:" in scanned.stdout, "findings carry file:line"
    assert "Traceback" not in scanned.stderr

    as_json = _run([batchlint, "scan", "compute-environments.json", "--format", "json",
                    "--select", "BL107"], work, env)
    assert as_json.returncode == 0, as_json.stderr  # a note is below the default fail-on
    report = json.loads(as_json.stdout)
    assert [f["resource"]["name"] for f in report["findings"]] == ["legacy-unmanaged"]

    broken = work / "broken.json"
    broken.write_text('{"computeEnvironments": [', encoding="utf-8")
    failed = _run([batchlint, "scan", str(broken)], work, env)
    assert failed.returncode == 2
    assert failed.stderr.startswith("batchlint: error: ") and "Traceback" not in failed.stderr
