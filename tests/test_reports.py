"""Reports people read (issue 11): the wrapped text report, concise, statistics, the
warnings for scans that check nothing, baseline counts, one-line usage errors."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchlint.reporters import REPORTERS
from batchlint.reporters.common import split_fix
from batchlint.scan import ScanOptions, run_scan

from .conftest import EXAMPLES, REPO, compute_environment

EXAMPLE_FILES = sorted(str(p.relative_to(REPO)) for p in EXAMPLES.glob("*.json"))
SNAPSHOT = REPO / "tests" / "data" / "text_report_100.txt"
SNAPSHOT_RULES = "BL101,BL103,BL104,BL110,BL111,BL113,BL116,BL201,BL301,BL303,BL305,BL401"
# without the subnets, BL113 gives the report a group of not-verified checks to render
SNAPSHOT_FILES = [f for f in EXAMPLE_FILES if not f.endswith("subnets.json")]


# -- text ------------------------------------------------------------------------------

def test_text_at_100_columns_is_the_snapshot(monkeypatch, capsys) -> None:
    """The example account rendered as on a terminal 100 columns wide (the rules that fire
    on it, and BL113 without the subnets for a group of not-verified checks, so a new rule
    changes nothing)."""
    monkeypatch.chdir(REPO)
    run_scan(ScanOptions(paths=SNAPSHOT_FILES, width=100, select=SNAPSHOT_RULES))
    rendered = capsys.readouterr().out
    assert all(len(line) <= 100 for line in rendered.splitlines())
    if os.environ.get("BATCHLINT_UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(rendered)
    assert rendered == SNAPSHOT.read_text(), (
        f"{SNAPSHOT.relative_to(REPO)} differs (BATCHLINT_UPDATE_SNAPSHOTS=1 rewrites it)")


def test_wrapped_text_puts_errors_first_and_the_fix_on_its_own_line(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    run_scan(ScanOptions(paths=EXAMPLE_FILES, width=80))
    lines = capsys.readouterr().out.splitlines()
    spot = lines.index(next(line for line in lines if line.startswith(
        "compute-environment genomics-spot")))
    severities = [line.split()[1] for line in lines[spot + 1:spot + 12]
                  if line.startswith("  ") and not line.startswith("   ")]
    assert severities[:3] == ["error", "warning", "warning"]
    assert "      fix: attach a launch template that maps /dev/xvda to at least 50 GiB" in lines
    assert any(line.startswith("What a rule checks and how to fix it: batchlint explain BL")
               for line in lines)
    assert lines[-1].startswith("Found 6 errors")  # the summary, last


def test_piped_text_keeps_one_line_per_finding(cli) -> None:
    out = cli("scan", *EXAMPLE_FILES).stdout
    finding = next(line for line in out.splitlines() if " BL111 " in line)
    assert finding.startswith("  examples/account/compute-environments.json:12:13  error   BL111")
    assert finding.endswith("or use SPOT_PRICE_CAPACITY_OPTIMIZED")  # the fix stays on it


def test_not_verified_checks_are_grouped_unless_verbose(cli) -> None:
    grouped = cli("scan", *SNAPSHOT_FILES).stdout
    verbose = cli("scan", *SNAPSHOT_FILES, "--verbose").stdout
    section = grouped.split("Not verified", 1)[1].split("\n\n", 1)[0].splitlines()
    detailed = verbose.split("Not verified", 1)[1].split("\n\n", 1)[0].splitlines()
    count = int(section[0].split("(", 1)[1].split(")", 1)[0])
    assert len(detailed) == count + 1  # each check on a line of its own
    assert "--verbose" in section[-1]
    assert len(section) < len(detailed) or count == len(section) - 2


def test_grouped_not_verified_checks_keep_the_names_they_share(cli, tmp_path) -> None:
    """Two environments on the same role, each with its own subnet parameter: the group says
    which role and field it is about, and elides only the parameters that differ."""
    template = tmp_path / "two.yaml"
    environments = "".join(f"""
  CE{n}:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources:
        Type: EC2
        MaxvCpus: 16
        InstanceTypes: [m5.large]
        InstanceRole: ecsInstanceRole
        Subnets: [!Ref Subnet{n}]
""" for n in (1, 2))
    template.write_text("Parameters:\n  Subnet1: {Type: String}\n  Subnet2: {Type: String}\n"
                        f"Resources:{environments}")
    out = cli("scan", str(template), "--select", "BL102,BL113").stdout
    assert ("BL102 instance-role-missing  2 checks on compute-environment `CE1`, `CE2`: "
            "ComputeResources.InstanceRole: instance-profile `ecsInstanceRole` is not in the "
            "CloudFormation template") in out
    assert ("2 checks on compute-environment `CE1`, `CE2`: it depends on values not known "
            "before deployment: `ComputeResources.Subnets[0]` depends on parameter `…`, which "
            "has no default") in out


@pytest.mark.parametrize(("message", "problem", "fix"), [
    ("ce `a` is bad; fix it", "ce `a` is bad", "fix it"),
    ("`a; b` (x; y) is bad; add {k: [1; 2]}", "`a; b` (x; y) is bad", "add {k: [1; 2]}"),
    ("no fix here", "no fix here", ""),
    ("bad; fix it. Related findings: BL1 on a; BL2 on b",
     "bad. Related findings: BL1 on a; BL2 on b", "fix it"),
])
def test_split_fix(message: str, problem: str, fix: str) -> None:
    assert split_fix(message) == (problem, fix)


# -- concise and statistics -----------------------------------------------------------

def test_concise_is_one_line_per_finding(cli) -> None:
    out = cli("scan", *EXAMPLE_FILES, "--format", "concise").stdout.splitlines()
    findings = [line for line in out if "[not-verified]" not in line]
    assert len(findings) == 13
    assert ("examples/account/compute-environments.json:12:13: BL111 [error] compute "
            "environment `genomics-spot` is SPOT") in out[2]
    assert all(line.split(": ", 1)[1].startswith("BL") for line in out)


def test_concise_names_live_resources_by_account_region_kind_and_name() -> None:
    from batchlint.loaders import load_live
    from batchlint.reporters import ReportInput, concise

    snapshot = json.loads((REPO / "tests" / "rules" / "cases" / "bl107" / "pass.json")
                          .read_text())
    snapshot["accounts"][0]["regions"][0]["computeEnvironments"][0]["type"] = "UNMANAGED"
    from batchlint.engine import RuleRun, run
    from batchlint.registry import load_rules

    loaded = load_live(snapshot, [])
    rule = next(r for r in load_rules() if r.id == "BL107")
    out = io.StringIO()
    concise.write(ReportInput(run(loaded.models, [RuleRun(rule, "note", {})])), out)
    account, region, kind, rest = out.getvalue().split("/", 3)
    assert (account, region, kind) == ("123456789012", "us-east-1", "compute-environment")
    assert ": BL107 [note] " in rest


def test_statistics(cli) -> None:
    out = cli("scan", *EXAMPLE_FILES, "--statistics").stdout.splitlines()
    assert out[0] == "2  BL103  small-node-disk"
    assert "1  BL111  spot-fleet-role-missing" in out
    rows = json.loads(cli("scan", *EXAMPLE_FILES, "--statistics", "-f", "json").stdout)
    assert {"rule_id": "BL103", "rule_name": "small-node-disk", "count": 2,
            "not_verified": 0} in rows
    bad = cli("scan", *EXAMPLE_FILES, "--statistics", "-f", "sarif")
    assert (bad.exit_code, bad.stderr) == (
        2, "batchlint: error: --statistics is written as text, concise, json, not sarif\n")


# -- json ----------------------------------------------------------------------------

def test_the_json_report_is_written_as_json_dumps_indents_it(cli, write_json) -> None:
    """The report is the document json.dumps(indent=2) writes, byte for byte (findings,
    suppressed ones and not-verified checks alike): a compute environment named with a
    quote, non-ASCII text and a control character, and values json writes its own way
    (floats, keys that are not text, empty ones)."""
    from batchlint.reporters.json_report import _indented

    odd = 'ce "quoted" \u00e9\u4e2d\x07'
    path = write_json("odd.json", {"computeEnvironments": [{
        "computeEnvironmentName": odd, "type": "MANAGED", "state": "ENABLED",
        "tags": {"batchlint:ignore": "BL111"},
        "computeResources": {"type": "SPOT", "maxvCpus": 16, "instanceTypes": ["optimal"],
                             "subnets": [], "instanceRole": "ecsInstanceRole"}}]})
    out = cli("scan", path, "--format", "json", "--fail-on", "never").stdout
    document = json.loads(out)
    assert out == json.dumps(document, indent=2) + "\n"
    assert any(f["resource"]["name"] == odd for f in document["findings"])
    assert document["suppressed"] and document["not_verified"]  # every array was written
    for value in ({"a": 1.5, "b": [], "c": {}, "d": [True, None, {"e": -2}]},
                  {1: "one", None: "none"}, [float("inf"), 1e300, (1, "two")], "\ud800"):
        assert _indented(value, 2) == json.dumps(value, indent=2).replace("\n", "\n    ")


# -- no silent no-ops -----------------------------------------------------------------

def test_an_empty_select_warns_and_fails_under_strict(cli) -> None:
    result = cli("scan", *EXAMPLE_FILES, "--select", "")
    assert result.exit_code == 0
    assert result.stderr == ("batchlint: warning: --select is empty: no rule was run, nothing "
                             "was checked\n")
    strict = cli("scan", *EXAMPLE_FILES, "--select", ",", "--strict")
    assert strict.exit_code == 2 and "(an error under --strict)" in strict.stderr


def test_a_scan_that_reads_no_batch_resource_says_so(cli, write_json) -> None:
    empty = write_json("empty.json", {"computeEnvironments": []})
    result = cli("scan", empty)
    assert (result.exit_code, result.stderr) == (
        0, "batchlint: warning: no AWS Batch resource was read (read: 1 path)\n")
    assert cli("scan", empty, "--strict").exit_code == 2


def test_baselines_say_how_many_findings(cli, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    wrote = cli("scan", *EXAMPLE_FILES, "--write-baseline", str(baseline))
    assert f"batchlint: wrote 13 findings to the baseline {baseline}\n" in wrote.stderr
    result = cli("scan", *EXAMPLE_FILES, "--baseline", str(baseline), "-f", "json")
    assert f"batchlint: the baseline {baseline} hid 13 findings\n" in result.stderr
    summary = json.loads(result.stdout)["summary"]
    assert summary["baseline_hidden"] == 13 and summary["error"] == 0
    plain = json.loads(cli("scan", *EXAMPLE_FILES, "-f", "json").stdout)["summary"]
    assert "baseline_hidden" not in plain  # the existing keys, unchanged, without --baseline


# -- the command line -----------------------------------------------------------------

def test_dash_h_is_help(cli) -> None:
    for command in ((), ("scan",), ("rules",)):
        short, long_ = cli(*command, "-h"), cli(*command, "--help")
        assert short.exit_code == 0 and short.stdout == long_.stdout


def test_scan_help_names_every_input_and_format(cli) -> None:
    text = " ".join(cli("scan", "--help").stdout.split())
    for words in ("`aws batch`", "snapshots", "CloudFormation", "Terraform plans",
                  "Terraform source", "directories", "`-`", "standard input"):
        assert words in text
    for name in REPORTERS:
        assert name in text


@pytest.mark.parametrize("args", [
    ("--fail-on", "sometimes"),
    ("--format", "yaml"),
    ("--no-such-option",),
])
def test_usage_errors_are_one_line(cli, args: tuple[str, ...]) -> None:
    result = cli("scan", *EXAMPLE_FILES, *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("batchlint: error: ")
    assert "(see 'batchlint scan --help')" in result.stderr


def test_unknown_command_is_one_line(cli) -> None:
    result = cli("scna")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("batchlint: error: No such command 'scna'")


def test_a_mistyped_rule_suggests_the_closest(cli) -> None:
    result = cli("scan", *EXAMPLE_FILES, "--select", "BL1O3")
    assert (result.exit_code, result.stderr) == (
        2, "batchlint: error: unknown rule selector 'BL1O3'; did you mean BL103? "
           "(see 'batchlint rules')\n")
    named = cli("scan", *EXAMPLE_FILES, "--ignore", "small-node-disc")
    assert "did you mean small-node-disk?" in named.stderr


def test_long_selectors_are_not_echoed_whole(cli) -> None:
    result = cli("scan", *EXAMPLE_FILES, "--select", "X" * 5000)
    assert result.exit_code == 2 and len(result.stderr) < 200


def test_bad_output_and_baseline_are_one_line_and_truncate_nothing(cli, tmp_path: Path) -> None:
    unwritable = cli("scan", *EXAMPLE_FILES, "-o", str(tmp_path / "no" / "dir" / "r.txt"))
    assert unwritable.exit_code == 2 and unwritable.stderr.count("\n") == 1
    assert "cannot write" in unwritable.stderr
    not_a_baseline = tmp_path / "baseline.json"
    not_a_baseline.write_text('{"findings": []}')
    report = tmp_path / "report.txt"
    report.write_text("the previous report\n")
    result = cli("scan", *EXAMPLE_FILES, "--baseline", str(not_a_baseline), "-o", str(report))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "not a batchlint baseline" in result.stderr
    assert report.read_text() == "the previous report\n"
    assert not_a_baseline.read_text() == '{"findings": []}'


# -- inputs ---------------------------------------------------------------------------

def test_dash_reads_one_document_from_standard_input() -> None:
    from batchlint.cli import app

    runner = CliRunner()
    text = (EXAMPLES / "compute-environments.json").read_text()
    result = runner.invoke(app, ["scan", "-", "-f", "concise"], input=text)
    assert result.exit_code == 1, result.stderr
    assert "<stdin>:12:13: BL111 [error]" in result.stdout
    yaml = "computeEnvironments:\n  - computeEnvironmentName: legacy\n" \
           "    computeEnvironmentArn: arn:aws:batch:us-east-1:123456789012:" \
           "compute-environment/legacy\n    type: UNMANAGED\n    state: ENABLED\n" \
           "    status: VALID\n"
    result = runner.invoke(app, ["scan", "-", "-f", "concise", "--select", "BL107"], input=yaml)
    assert result.stdout.startswith("<stdin>:4:5: BL107 [note]"), result.output
    empty = runner.invoke(app, ["scan", "-"], input="")
    assert (empty.exit_code, empty.stderr) == (
        2, "batchlint: error: <stdin>: nothing on standard input\n")


def test_a_directory_is_walked(cli, tmp_path: Path) -> None:
    ce = compute_environment("legacy", type="UNMANAGED")
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "ce.json").write_text(json.dumps({"computeEnvironments": [ce]}))
    for skipped in ("node_modules", ".git", "build"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "ce.json").write_text(json.dumps({"computeEnvironments": [ce]}))
    (tmp_path / ".gitignore").write_text("# build output\nbuild/\n*.log\n")
    (tmp_path / "debug.log").write_text("x")
    (tmp_path / "package.json").write_text('{"name": "web"}')
    (tmp_path / "README.md").write_text("hello")
    result = cli("scan", str(tmp_path), "--select", "BL107", "-f", "concise")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("BL107") == 1  # only batch/ce.json was read
    assert f"{tmp_path / 'batch' / 'ce.json'}:" in result.stdout
    assert result.stderr == (
        f"batchlint: skipped in {tmp_path}: 1 file not AWS Batch configuration, 1 other file, "
        "2 ignored by .gitignore, 2 folders (.git, node_modules)\n")


def test_a_live_scan_of_empty_regions_says_which_it_read(cli, monkeypatch) -> None:
    from batchlint.aws import live

    empty = {"batchlint_snapshot": 2, "accounts": [{"account": "123456789012", "regions": [
        {"region": "us-east-1", "computeEnvironments": [], "jobQueues": [],
         "jobDefinitions": []},
        {"region": "eu-west-1", "computeEnvironments": [], "jobQueues": [],
         "jobDefinitions": []}]}]}
    monkeypatch.setattr(live, "collect", lambda options, step: live.Collection(empty, []))
    monkeypatch.setattr(live, "progress_printer", lambda: (lambda _: None, lambda: None))
    result = cli("scan", "--region", "us-east-1", "--region", "eu-west-1")
    assert (result.exit_code, result.stderr) == (
        0, "batchlint: warning: no AWS Batch resource was read (read: account 123456789012 "
           "(eu-west-1, us-east-1))\n")
    strict = cli("scan", "--region", "us-east-1", "--strict")
    assert strict.exit_code == 2
