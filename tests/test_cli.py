"""The command line as a user drives it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from batchlint import __version__
from batchlint.registry import load_rules

from .conftest import EXAMPLES, compute_environment

EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))


def _unmanaged(write_json, name: str = "ce.json", **tags: str) -> str:
    ce = compute_environment("legacy", type="UNMANAGED", tags=tags)
    ok = compute_environment("fine")
    return write_json(name, {"computeEnvironments": [ce, ok]})


def test_version(cli) -> None:
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"batchlint {__version__}\n")


def test_rules_lists_every_rule(cli) -> None:
    result = cli("rules")
    assert result.exit_code == 0
    for rule in load_rules():
        assert f"{rule.id}  {rule.name}" in result.stdout
    data = json.loads(cli("rules", "--format", "json").stdout)
    assert {r["id"] for r in data} == {r.id for r in load_rules()}


def test_explain_by_id_and_name(cli) -> None:
    by_id, by_name = cli("explain", "BL107"), cli("explain", "unmanaged-compute-environment")
    assert by_id.exit_code == 0 and by_id.stdout == by_name.stdout
    assert by_id.stdout.startswith("# BL107 unmanaged-compute-environment\n")
    assert "## Why is this bad?" in by_id.stdout
    bad = cli("explain", "BL999")
    assert (bad.exit_code, bad.stderr) == (
        2, "batchlint: error: unknown rule 'BL999' (see 'batchlint rules')\n")


def test_explain_a_near_miss_names_the_closest_rule(cli) -> None:
    by_id = cli("explain", "BL1O3")  # letter O for zero
    assert (by_id.exit_code, by_id.stdout, by_id.stderr) == (
        2, "", "batchlint: error: unknown rule 'BL1O3'; did you mean BL103? "
               "(see 'batchlint rules')\n")
    by_name = cli("explain", "small-node-disc")
    assert (by_name.exit_code, by_name.stderr) == (
        2, "batchlint: error: unknown rule 'small-node-disc'; did you mean small-node-disk? "
           "(see 'batchlint rules')\n")
    long = cli("explain", "X" * 5000)
    assert long.exit_code == 2 and long.stderr.count("\n") == 1 and len(long.stderr) < 200


def test_scan_example_account_reports_findings(cli) -> None:
    result = cli("scan", *EXAMPLE_FILES)
    assert result.exit_code == 1, result.stdout
    assert "compute-environment legacy-al1" in result.stdout
    assert "examples/account/compute-environments.json:" in result.stdout
    assert "Found " in result.stdout.splitlines()[-1]


def test_json_output_is_the_documented_shape(cli, tmp_path: Path, write_json) -> None:
    out = tmp_path / "findings.json"
    result = cli("scan", _unmanaged(write_json), "--select", "BL107", "--format", "json",
                 "--output", str(out))
    assert result.exit_code == 0  # a note is below the default --fail-on warning
    assert result.stdout == ""
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 1
    assert doc["tool"] == {"name": "batchlint", "version": __version__}
    [finding] = [f for f in doc["findings"] if f["rule_id"] == "BL107"]
    assert finding["rule_name"] == "unmanaged-compute-environment"
    assert finding["severity"] == "note"
    assert finding["resource"] == {
        "kind": "compute-environment", "name": "legacy",
        "arn": "arn:aws:batch:us-east-1:123456789012:compute-environment/legacy",
        "account": "123456789012", "region": "us-east-1"}
    assert finding["location"]["path"].endswith("ce.json")
    assert finding["location"]["line"] > 1
    assert set(doc["summary"]) == {"error", "warning", "note", "not_verified"}
    assert doc["summary"]["not_verified"] == len(doc["not_verified"])


def test_fail_on_and_select(cli, write_json) -> None:
    path = _unmanaged(write_json)
    assert cli("scan", path, "--select", "BL107", "--fail-on", "note").exit_code == 1
    assert cli("scan", path, "--select", "BL107", "--fail-on", "never").exit_code == 0
    result = cli("scan", path, "--select", "BL1", "--ignore", "BL107", "--fail-on", "note",
                 "--format", "json")
    assert "BL107" not in {f["rule_id"] for f in json.loads(result.stdout)["findings"]}
    bad = cli("scan", path, "--select", "BL99x")
    assert (bad.exit_code, bad.stderr) == (
        2, "batchlint: error: unknown rule selector 'BL99x' (see 'batchlint rules')\n")
    usage = cli("scan", path, "--fail-on", "sometimes")
    assert usage.exit_code == 2 and "Invalid value for '--fail-on'" in usage.stderr


def test_strict_fails_on_not_verified(cli, write_json) -> None:
    # no IAM data at all: role checks cannot be verified
    path = write_json("ce.json", {"computeEnvironments": [compute_environment("a")]})
    doc = json.loads(cli("scan", path, "--format", "json", "--fail-on", "never").stdout)
    if not doc["not_verified"]:
        pytest.skip("no rule needing IAM data is installed")
    assert cli("scan", path, "--fail-on", "never", "--strict").exit_code == 1


def test_tag_suppresses_rules_on_that_resource(cli, write_json) -> None:
    path = _unmanaged(write_json, **{"batchlint:ignore": "unmanaged-compute-environment, BL999"})
    doc = json.loads(cli("scan", path, "--format", "json", "--select", "BL107").stdout)
    assert doc["findings"] == []
    assert [f["rule_id"] for f in doc["suppressed"]] == ["BL107"]


def test_config_file(cli, tmp_path: Path, write_json, monkeypatch) -> None:
    path = _unmanaged(write_json)
    (tmp_path / ".batchlint.toml").write_text(
        'select = ["BL107"]\nfail-on = "warning"\n[rules.BL107]\nseverity = "error"\n')
    monkeypatch.chdir(tmp_path)
    result = cli("scan", path, "--format", "json")
    assert result.exit_code == 1
    assert [f["severity"] for f in json.loads(result.stdout)["findings"]] == ["error"]
    (tmp_path / ".batchlint.toml").write_text('[rules.BL107]\nmin_disk = 3\n')
    result = cli("scan", path)
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {tmp_path / '.batchlint.toml'}: rule BL107 has no option "
           "'min_disk' (its options: none)\n")
    (tmp_path / ".batchlint.toml").write_text("selct = 1\n")
    assert "unknown setting(s) selct" in cli("scan", path).stderr


def test_pyproject_config(cli, tmp_path: Path, write_json, monkeypatch) -> None:
    path = _unmanaged(write_json)
    (tmp_path / "pyproject.toml").write_text('[tool.batchlint]\nignore = ["BL107"]\n')
    monkeypatch.chdir(tmp_path)
    doc = json.loads(cli("scan", path, "--format", "json").stdout)
    assert "BL107" not in {f["rule_id"] for f in doc["findings"]}


CUSTOM_PY = '''
from batchlint.rule import Rule

class NoTeamTag(Rule):
    """## What it does
    Requires a team tag.

    ## Why is this bad?
    Nobody owns it.

    ## Example
    No tag.

    ## Use instead
    A tag.

    ## References
    - https://docs.aws.amazon.com/batch/latest/userguide/using-tags.html
    """

    id = "BL901"
    name = "team-tag-missing"
    summary = "Every compute environment has a team tag."
    severity = "warning"
    kinds = ("compute-environment",)
    tags = ("cost",)

    def check(self, resource, ctx):
        if "team" not in resource.tags:
            yield self.finding(resource, f"compute environment `{resource.name}` has no team tag",
                               "tags")
'''

CUSTOM_TOML = '''
id = "BL902"
name = "huge-max-vcpus"
severity = "note"
kinds = ["compute-environment"]
summary = "maxvCpus above 10000."
condition = "computeResources.maxvCpus > `10000`"
path = "computeResources.maxvCpus"
message = "compute environment `{name}` allows {computeResources.maxvCpus} vCPUs"
doc = """## What it does
x
## Why is this bad?
x
## Example
x
## Use instead
x
## References
x"""
'''


def test_rules_dir_python_and_declarative(cli, tmp_path: Path, write_json) -> None:
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "bl901_team_tag.py").write_text(CUSTOM_PY)
    (rules / "bl902_huge.toml").write_text(CUSTOM_TOML)
    big = compute_environment("big", tags={"team": "x"})
    big["computeResources"]["maxvCpus"] = 20000
    path = write_json("ce.json", {"computeEnvironments": [big, compute_environment("small")]})
    result = cli("scan", path, "--rules-dir", str(rules), "--select", "BL9", "--format", "json")
    found = {(f["rule_id"], f["resource"]["name"], f["message"])
             for f in json.loads(result.stdout)["findings"]}
    assert found == {("BL901", "small", "compute environment `small` has no team tag"),
                     ("BL902", "big", "compute environment `big` allows 20000 vCPUs")}
    assert "BL901" in cli("rules", "--rules-dir", str(rules)).stdout


def test_duplicate_rule_code_is_refused(cli, tmp_path: Path, write_json) -> None:
    rules = tmp_path / "dupes"
    rules.mkdir()
    (rules / "a.toml").write_text(CUSTOM_TOML)
    (rules / "b.toml").write_text(CUSTOM_TOML.replace("huge-max-vcpus", "other-name"))
    result = cli("scan", _unmanaged(write_json), "--rules-dir", str(rules))
    assert result.exit_code == 2
    assert result.stderr.startswith("batchlint: error: ")
    assert "reuses 'BL902'" in result.stderr


def test_entry_point_rules(cli, tmp_path: Path, write_json, monkeypatch) -> None:
    plugin = tmp_path / "site"
    (plugin / "teamrules").mkdir(parents=True)
    (plugin / "teamrules" / "__init__.py").write_text(CUSTOM_PY)
    dist = plugin / "teamrules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: teamrules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[batchlint.rules]\nteam = teamrules\n")
    monkeypatch.syspath_prepend(str(plugin))
    result = cli("scan", _unmanaged(write_json), "--select", "BL901", "--format", "json")
    assert {f["rule_id"] for f in json.loads(result.stdout)["findings"]} == {"BL901"}
    sys.modules.pop("teamrules", None)


def test_rule_that_raises_is_isolated(cli, tmp_path: Path, write_json) -> None:
    rules = tmp_path / "broken"
    rules.mkdir()
    (rules / "bl903.py").write_text(
        CUSTOM_PY.replace("BL901", "BL903").replace("team-tag-missing", "broken")
        .replace('if "team" not in resource.tags:', "if 1 / 0:"))
    path = _unmanaged(write_json)
    result = cli("scan", path, "--rules-dir", str(rules), "--select", "BL903,BL107",
                 "--format", "json")
    doc = json.loads(result.stdout)
    internal = [f for f in doc["findings"] if f["rule_id"] == "BL903"]
    assert len(internal) == 2 and internal[0]["severity"] == "error"
    assert internal[0]["message"].startswith("internal error in rule BL903 (broken) on "
                                             "compute-environment `fine`: ZeroDivisionError")
    assert any(f["rule_id"] == "BL107" for f in doc["findings"])  # the run went on


def test_non_batch_file_note_goes_to_stderr(cli, write_json) -> None:
    pkg = write_json("package.json", {"name": "web"})
    result = cli("scan", pkg, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == (f"batchlint: skipped {pkg}: not AWS Batch configuration\n"
                             "batchlint: warning: no AWS Batch resource was read (read: 1 path, "
                             "1 skipped)\n")
    assert json.loads(result.stdout)["findings"] == []


_LIVE_ONLY = ("batchlint: error: account options (--profile, --region, --all-regions, "
              "--role-arn, --org-role, --timeout, --snapshot) apply to live scans, without "
              "PATH\n")


@pytest.mark.parametrize("option", [["--profile", "prod"], ["--region", "eu-west-1"],
                                    ["--timeout", "5"], ["--timeout", "60"]])
def test_account_options_need_a_live_scan(cli, write_json, option: list[str]) -> None:
    # --timeout 60 is the default, but given with a file it is still not used: say so
    result = cli("scan", write_json("x.json", {"jobQueues": []}), *option)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", _LIVE_ONLY)


def test_text_output_plain_without_tty(cli, write_json, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = cli("scan", _unmanaged(write_json), "--select", "BL107")
    assert "\x1b[" not in result.stdout
    assert "note    BL107 unmanaged-compute-environment" in result.stdout


def test_colour_on_a_terminal_or_when_forced(cli, write_json, monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = cli("scan", _unmanaged(write_json), "--select", "BL107")
    assert "\x1b[" in result.stdout  # coloured by rich
    assert "BL107" in result.stdout and "[bold]" not in result.stdout  # no markup leaks
