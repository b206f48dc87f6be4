"""Attack tests for what batchlint writes (issue 15): whole files or none, never over an
input, baselines read before they are replaced, and no control character from a name or
a path reaching a terminal or a CI log raw."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from batchlint import fileio
from batchlint.errors import BatchlintError

from .conftest import compute_environment

HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J\r\nbatchlint: error: forged\u202e"


def _scan_file(write_json: Any, name: str = "ce.json", ce_name: str = "genomics") -> str:
    return str(write_json(name, {"computeEnvironments": [compute_environment(ce_name)]}))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- 12, 16: atomic writes ------------------------------------------------------------------

def test_output_to_an_unwritable_place_is_one_line(cli, write_json) -> None:
    if not os.path.exists("/proc/version"):
        pytest.skip("no /proc")
    result = cli("scan", _scan_file(write_json), "--output", "/proc/version")
    assert result.exit_code == 2
    assert result.stderr.startswith("batchlint: error: /proc/version: cannot write: ")
    assert result.stderr.count("\n") == 1


def test_a_full_disk_leaves_the_previous_report(tmp_path: Path, write_json) -> None:
    """A child process whose files may not grow past 100 bytes: writes fail with EFBIG,
    as on a full disk."""
    path = _scan_file(write_json)
    report = tmp_path / "report.json"
    report.write_text("the previous report\n")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    result = subprocess.run([sys.executable, "-m", "batchlint", "scan", path, "-f", "json",
                             "-o", str(report)], capture_output=True, text=True, timeout=60,
                            preexec_fn=small_files, check=False)
    assert result.returncode == 2
    assert result.stderr == f"batchlint: error: {report}: cannot write: File too large\n"
    assert report.read_text() == "the previous report\n"
    assert _leftovers(tmp_path) == []


def test_dev_full_is_one_line(cli, write_json) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    result = cli("scan", _scan_file(write_json), "-o", "/dev/full")
    assert (result.exit_code, result.stderr) == (
        2, "batchlint: error: /dev/full: cannot write: No space left on device\n")


def test_a_run_that_fails_while_writing_keeps_the_old_file(tmp_path: Path, cli, write_json,
                                                           monkeypatch) -> None:
    from batchlint.reporters import json_report

    report = tmp_path / "report.json"
    report.write_text("the previous report\n")

    def broken(*args: Any) -> None:
        raise BatchlintError("the reporter gave up half way")

    monkeypatch.setattr(json_report._Encoder, "location", broken)  # after the first lines
    result = cli("scan", _scan_file(write_json), "-f", "json", "-o", str(report))
    assert (result.exit_code, result.stderr) == (
        2, "batchlint: error: the reporter gave up half way\n")
    assert report.read_text() == "the previous report\n"
    assert _leftovers(tmp_path) == []


def test_writes_keep_the_mode_and_follow_symlinks(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    fileio.write_text(str(link), "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_export_save_is_atomic(tmp_path: Path, monkeypatch) -> None:
    from batchlint.export import save

    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text("the good snapshot\n")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(BatchlintError, match="cannot write: No space left on device"):
        save(str(snapshot), "a new snapshot\n")
    assert snapshot.read_text() == "the good snapshot\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("option", ["--output", "--write-baseline"])
def test_an_output_that_is_also_an_input_is_refused(cli, write_json, option: str) -> None:
    path = _scan_file(write_json)
    before = Path(path).read_text()
    result = cli("scan", path, option, path)
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {path}: is also read by this run (PATH); write the output to "
           "another file\n")
    assert Path(path).read_text() == before


def test_output_over_the_baseline_is_refused(tmp_path: Path, cli, write_json) -> None:
    path = _scan_file(write_json)
    baseline = tmp_path / "baseline.json"
    assert cli("scan", path, "--write-baseline", str(baseline)).exit_code in (0, 1)
    result = cli("scan", path, "--baseline", str(baseline), "-o", str(baseline))
    assert result.stderr == (f"batchlint: error: {baseline}: is also read by this run "
                             "(--baseline); write the output to another file\n")


# -- 15: a baseline read before it is replaced --------------------------------------------

def test_baseline_and_write_baseline_on_one_file(tmp_path: Path, cli, write_json) -> None:
    baseline = tmp_path / "baseline.json"
    first = write_json("ce.json", {"computeEnvironments": [compute_environment("a")]})
    assert cli("scan", first, "--write-baseline", str(baseline)).exit_code in (0, 1)
    recorded = json.loads(baseline.read_text())["findings"]
    assert recorded, "the case needs a finding to record"
    both = write_json("ce.json", {"computeEnvironments": [compute_environment("a"),
                                                          compute_environment("b")]})
    result = cli("scan", both, "--baseline", str(baseline), "--write-baseline", str(baseline),
                 "-f", "json")
    reported = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert reported and {f["resource"]["name"] for f in reported} == {"b"}
    assert len(json.loads(baseline.read_text())["findings"]) == 2 * len(recorded)


# -- 17: control characters ---------------------------------------------------------------

def test_hostile_names_are_escaped_in_text_and_github(cli, write_json) -> None:
    path = _scan_file(write_json, ce_name=HOSTILE)
    for fmt in ("text", "github"):
        result = cli("scan", path, "-f", fmt, "--fail-on", "never")
        assert result.exit_code == 0, result.stderr
        assert not any(c in result.stdout for c in "\x1b\x07\r\u202e"), fmt
        assert not any(line.startswith("batchlint: error:")
                       for line in result.stdout.splitlines()), fmt
    text = cli("scan", path, "--fail-on", "never").stdout
    assert "evil\\x1b]0;pwned\\x07\\x1b[2J\\r\\nbatchlint: error: forged\\u202e" in text


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_hostile_names_keep_json_and_sarif_valid(cli, write_json, fmt: str) -> None:
    result = cli("scan", _scan_file(write_json, ce_name=HOSTILE), "-f", fmt, "--fail-on", "never")
    assert "\x1b" not in result.stdout
    strings: list[str] = []
    json.loads(result.stdout, object_pairs_hook=lambda pairs: strings.extend(
        v for _, v in pairs if isinstance(v, str)))
    assert any(HOSTILE in s for s in strings)  # the name itself, JSON-escaped in the file


def test_hostile_file_names_are_escaped_on_stderr(tmp_path: Path, cli) -> None:
    name = tmp_path / "x\x1b[2J\nbatchlint: error: forged.json"
    result = cli("scan", str(name))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert result.stderr.endswith("x\\x1b[2J\\nbatchlint: error: forged.json: no such file\n")
    name.write_text('{"name": "not batch"}')
    note = cli("scan", str(name)).stderr  # the note, then the warning that nothing was read
    assert note.count("\n") == 2 and "\x1b" not in note
    assert note.splitlines()[1].startswith("batchlint: warning: no AWS Batch resource")


# -- 18: SARIF URIs ------------------------------------------------------------------------

def test_sarif_uris_are_percent_encoded(tmp_path: Path, cli, monkeypatch) -> None:
    folder = tmp_path / "my dir#1"
    folder.mkdir()
    path = folder / "ce 100%.json"
    path.write_text(json.dumps({"computeEnvironments": [compute_environment("a")]}))
    monkeypatch.chdir(tmp_path)
    result = cli("scan", str(path), "-f", "sarif", "--fail-on", "never")
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert results
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"my%20dir%231/ce%20100%25.json"}
