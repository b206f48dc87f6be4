"""``--format html``: one self-contained page, checked as text and in a real headless
browser (Debian's ``chromium``: installed here when possible, else these tests skip
with the reason). The browser tests drive the filters through the page's address
(``#severity=error``), read the DOM after the scripts ran, and write a screenshot
as an artefact (its path is printed)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

from .conftest import EXAMPLES, compute_environment

EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))
# without the subnets, the network checks are not verified: the page has that section too
PAGE_FILES = [f for f in EXAMPLE_FILES if not f.endswith("subnets.json")]
SECRET = "FAKE-example-password-123"  # the example's plaintext secret (BL303)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from batchlint.cli import app

    out = tmp_path_factory.mktemp("html") / "report.html"
    result = CliRunner().invoke(app, ["scan", *PAGE_FILES, "-f", "html", "-o", str(out)])
    assert result.exit_code == 1, result.stderr
    return out


def test_the_page_is_self_contained(page: Path) -> None:
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    # nothing is loaded from elsewhere: no src, no stylesheet link, no CSS url(), no import
    assert not re.search(r"\ssrc=|<link|url\(|@import", text)
    assert "default-src 'none'" in text  # and the page forbids it
    # the only addresses in attributes are links a person may follow (rule references)
    assert set(re.findall(r'([\w-]+)="https?://', text)) == {"href"}
    assert SECRET not in text


def test_the_page_holds_the_summary_groups_fixes_and_docs(page: Path) -> None:
    text = page.read_text()
    assert 'id="count-error">6 errors' in text
    assert "<h2>Account 123456789012</h2>" in text and "<h3>us-east-1</h3>" in text
    assert text.count('<tr class="finding') == 13
    assert "<b>Fix:</b> attach a launch template that maps /dev/xvda to at least 50 GiB" in text
    assert 'id="not-verified"' in text
    # each rule seen links to its documentation, embedded
    for rule_id in set(re.findall(r'data-rule="(BL\d+)"', text)):
        assert f'href="#rule-{rule_id}"' in text and f'id="rule-{rule_id}"' in text
    assert "## Why is this bad?" in html.unescape(text)


def test_everything_from_the_input_is_escaped(cli, write_json, tmp_path: Path) -> None:
    name = "<script>alert(1)</script>\x1b[2J"
    ce = compute_environment(name, type="UNMANAGED")
    out = tmp_path / "r.html"
    result = cli("scan", write_json("ce.json", {"computeEnvironments": [ce]}), "-f", "html",
                 "--select", "BL107", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "<script>alert" not in text and "\x1b" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J" in text


# -- in a browser ------------------------------------------------------------------------

@cache
def _chromium() -> str | None:
    """chromium's path, installing Debian's package when this runs as root with apt-get;
    None when it cannot be had."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found or os.environ.get("BATCHLINT_NO_BROWSER_INSTALL"):
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (["apt-get", "update", "-qq"],
                        ["apt-get", "install", "-y", "-qq", "chromium"]):
            subprocess.run(command, check=True, capture_output=True, timeout=600, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return shutil.which("chromium")


def _browser(*args: str) -> str:
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no chromium: install Debian's package (apt-get install chromium) to "
                    "render the HTML report in a headless browser")
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [chromium, "--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
             *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def _rows(dom: str) -> list[tuple[str, str, bool]]:
    """(severity, rule, shown) of each finding row in a DOM dump."""
    rows = re.findall(r'<tr class="finding [a-z]+" data-severity="([a-z]+)" '
                      r'data-rule="(BL\d+)"( hidden="")?>', dom)
    return [(severity, rule, not hidden) for severity, rule, hidden in rows]


def test_the_page_renders_in_a_browser(page: Path) -> None:
    dom = _browser("--dump-dom", page.as_uri())
    assert 'data-ready="true"' in dom  # the script ran to its end
    rows = _rows(dom)
    assert len(rows) == 13 and all(shown for _, _, shown in rows)
    assert '<span id="shown">13</span>' in dom


@pytest.mark.parametrize(("fragment", "wanted"), [
    ("severity=error", lambda severity, rule: severity == "error"),
    ("severity=warning,note", lambda severity, rule: severity != "error"),
    ("rule=BL305", lambda severity, rule: rule == "BL305"),
    ("severity=warning&rule=BL103", lambda severity, rule: rule == "BL103"),
])
def test_the_filters_work_in_a_browser(page: Path, fragment: str, wanted) -> None:
    dom = _browser("--dump-dom", f"{page.as_uri()}#{fragment}")
    rows = _rows(dom)
    assert rows and any(shown for _, _, shown in rows)
    for severity, rule, shown in rows:
        assert shown == wanted(severity, rule), (fragment, severity, rule)
    assert f'<span id="shown">{sum(shown for _, _, shown in rows)}</span>' in dom
    # a resource with nothing left to show is hidden as a whole
    hidden_groups = re.findall(r'<div class="group resource" hidden="">', dom)
    assert hidden_groups or all(shown for _, _, shown in rows)


def test_a_screenshot_is_written(page: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    shot = tmp_path_factory.mktemp("artefacts") / "batchlint-report.png"
    _browser("--window-size=1280,1600", f"--screenshot={shot}", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    print(f"screenshot of the HTML report: {shot}")
