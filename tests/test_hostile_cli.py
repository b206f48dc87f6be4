"""Hostile input at the command line's edges (sweep h6): lone surrogates and non-UTF-8
file names in SARIF and baselines, broken config files, odd standard input and output,
huge sizes, rule files that exit. Each answer is one line on stderr and exit 2 (or a
clean report), never an internal error or a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES

TEMPLATE = """\
Resources:
  JD:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: busybox:1
"""
SURROGATE_TEMPLATE = ('{"Resources":{"JD\\ud800":{"Type":"AWS::Batch::JobDefinition",'
                      '"Properties":{"Type":"container","ContainerProperties":'
                      '{"Image":"busybox:1"}}}}}')


def run(*args: str, cwd: Path | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``batchlint ARGS`` in a child process (real standard streams)."""
    if "stdout" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "batchlint", *args], text=True, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1"},
                          check=False, timeout=120, **kwargs)


def error(result: Any, message: str) -> None:
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert (code, result.stderr) == (2, f"batchlint: error: {message}\n")


# -- 1: SARIF and baselines --------------------------------------------------------------

def test_sarif_with_a_lone_surrogate_in_a_logical_id(tmp_path: Path, cli) -> None:
    path = tmp_path / "t.json"
    path.write_text(SURROGATE_TEMPLATE)
    result = cli("scan", str(path), "-f", "sarif", "--fail-on", "never")
    assert (result.exit_code, result.stderr) == (0, "")
    result.stdout.encode("utf-8")  # strict: no lone surrogate is left (SARIF is I-JSON)
    assert not re.search(r"\\ud[89a-f]", result.stdout)
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"BL301", "BL305"}
    assert {r["locations"][0]["logicalLocations"][0]["name"] for r in results} == {"JD\ufffd"}
    assert all(re.fullmatch("[0-9a-f]{32}", r["partialFingerprints"]["batchlintResource/v1"])
               for r in results)


def test_a_baseline_with_a_lone_surrogate_hides_its_findings(tmp_path: Path, cli) -> None:
    path, baseline = tmp_path / "t.json", tmp_path / "baseline.json"
    path.write_text(SURROGATE_TEMPLATE)
    written = cli("scan", str(path), "--write-baseline", str(baseline), "--fail-on", "never")
    assert written.exit_code == 0
    assert written.stderr == f"batchlint: wrote 2 findings to the baseline {baseline}\n"
    entries = json.loads(baseline.read_text())["findings"]
    assert [e["resource"].endswith("|JD\ud800") for e in entries] == [True, True]
    again = cli("scan", str(path), "--baseline", str(baseline))
    assert (again.exit_code, again.stderr) == (
        0, f"batchlint: the baseline {baseline} hid 2 findings\n")


def test_sarif_uri_of_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"tmpl\xff.yaml")
    try:
        (tmp_path / name).write_text(TEMPLATE)
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses a non-UTF-8 name")
    result = run("scan", name, "-f", "sarif", "--fail-on", "never", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    results = json.loads(result.stdout)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"tmpl%FF.yaml"}  # the name's bytes, percent-encoded


# -- 2: config files -----------------------------------------------------------------------

@pytest.mark.parametrize(("pyproject", "message"), [
    ("tool = 5\n", "tool must be a table ([tool]), not an integer"),
    ('tool = "batchlint"\n', "tool must be a table ([tool]), not a string"),
    ("[tool]\nbatchlint = 5\n", "tool.batchlint must be a table ([tool.batchlint]), "
                                "not an integer"),
    ("[tool]\nbatchlint = [1]\n", "tool.batchlint must be a table ([tool.batchlint]), "
                                  "not an array"),
])
def test_a_pyproject_whose_tool_is_not_a_table(tmp_path: Path, pyproject: str,
                                               message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    below = tmp_path / "sub" / "dir"  # found in a parent folder: every scan below it
    below.mkdir(parents=True)
    (below / "t.yaml").write_text(TEMPLATE)
    error(run("scan", "t.yaml", cwd=below), f"{tmp_path / 'pyproject.toml'}: {message}")
    error(run("scan", "--config", str(tmp_path / "pyproject.toml"), "t.yaml", cwd=below),
          f"{tmp_path / 'pyproject.toml'}: {message}")


def test_a_foreign_pyproject_is_still_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    assert run("scan", "t.yaml", "--fail-on", "never", cwd=tmp_path).returncode == 0


def test_a_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".batchlint.toml").write_bytes(b'select = ["BL1"]\n# \xff\xfe\n')
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    error(run("scan", "t.yaml", cwd=tmp_path),
          f"{tmp_path / '.batchlint.toml'}: not UTF-8 text (undecodable byte at offset 19); "
          "TOML files are UTF-8")


# -- 3: standard input ---------------------------------------------------------------------

def test_binary_on_stdin_is_the_error_a_file_gets(tmp_path: Path) -> None:
    data = b"Resources:\n  X: \xff\xfe\x80binary\n"
    (tmp_path / "binary.bin").write_bytes(data)
    error(run("scan", str(tmp_path / "binary.bin")),
          f"{tmp_path / 'binary.bin'}: not UTF-8 text (undecodable byte at offset 16)")
    from_stdin = subprocess.run([sys.executable, "-m", "batchlint", "scan", "-"], input=data,
                                capture_output=True, check=False, timeout=120)
    assert (from_stdin.returncode, from_stdin.stderr) == (
        2, b"batchlint: error: <stdin>: not UTF-8 text (undecodable byte at offset 16)\n")


def test_stdin_with_nul_bytes_is_binary() -> None:
    from typer.testing import CliRunner

    from batchlint.cli import app

    result = CliRunner().invoke(app, ["scan", "-"], input=b"\x00\x01\x02\x03junk")
    error(result, "<stdin>: binary data, not text (a NUL byte in the first four bytes)")


def test_a_closed_stdin(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    result = run("scan", "t.yaml", "-", cwd=tmp_path, preexec_fn=lambda: os.close(0))
    error(result, "<stdin>: cannot read: standard input is closed")


# -- 4: --max-file-size ------------------------------------------------------------------

@pytest.mark.parametrize("size", ["99999999999999999999999999G", "9" * 5000])
def test_a_huge_max_file_size_means_no_limit(tmp_path: Path, size: str) -> None:
    from batchlint.fileio import MAX_FILE_SIZE, parse_size

    assert parse_size(size) == MAX_FILE_SIZE
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    for args, stdin in ((["t.yaml"], None), (["-"], TEMPLATE)):
        result = run("scan", "--max-file-size", size, "-f", "concise", "--fail-on", "never",
                     *args, cwd=tmp_path, input=stdin)
        assert (result.returncode, result.stderr) == (0, "")
        assert result.stdout.count("BL301") == 1


def test_a_zero_max_file_size_is_still_refused(cli) -> None:
    error(cli("scan", "--max-file-size", "000G", "-"),
          "--max-file-size: '000G' is not a size such as 256MiB, 1G or 500000")


# -- 5: standard output that cannot be written --------------------------------------------

def test_stdout_on_a_full_device(tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    for fmt in ("text", "json", "sarif"):
        with open("/dev/full", "w") as full:
            result = run("scan", "t.yaml", "-f", fmt, cwd=tmp_path, stdout=full,
                         stderr=subprocess.PIPE)
        error(result, "<stdout>: cannot write: No space left on device")
    with open("/dev/full", "w") as full:
        error(run("rules", stdout=full, stderr=subprocess.PIPE),
              "<stdout>: cannot write: No space left on device")


def test_a_closed_stdout(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    result = run("scan", "t.yaml", cwd=tmp_path, preexec_fn=lambda: os.close(1))
    error(result, "<stdout>: cannot write: standard output is closed")


def test_a_broken_pipe_exits_1_quietly() -> None:
    """``batchlint scan … | head -1``: exit 1 and nothing on stderr, as click (black) does;
    not even Python's "Exception ignored … BrokenPipeError" at shutdown."""
    child = subprocess.Popen([sys.executable, "-m", "batchlint", "scan", str(EXAMPLES),
                              "--fail-on", "never"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"})
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the report is written
    assert (child.wait(timeout=120), child.stderr.read()) == (1, b"")
    child.stderr.close()


# -- 6: rule files that exit ------------------------------------------------------------

@pytest.mark.parametrize(("source", "what"), [
    ("import sys\nsys.exit(3)\n", "SystemExit: 3"),
    ("import sys\nsys.exit()\n", "SystemExit"),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
])
def test_a_rule_file_that_exits_failed_to_load(tmp_path: Path, cli, source: str,
                                               what: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bl902.py").write_text(source)
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    error(cli("scan", "--rules-dir", str(rules), str(tmp_path / "t.yaml")),
          f"{rules / 'bl902.py'}: rule file failed to load: {what}")
