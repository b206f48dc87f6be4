"""SARIF for GitHub code scanning, GitHub annotations and baselines, from every source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from batchlint import __version__
from batchlint.engine import Report
from batchlint.errors import BatchlintError
from batchlint.loaders import load_live
from batchlint.reporters import ReportInput, sarif

from ..conftest import EXAMPLES, REPO

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.json"))
PLAN = REPO / "tests" / "iac" / "data" / "plan.json"
TEMPLATE = REPO / "tests" / "iac" / "realworld" / "cfn" / "alphafold-batch.yaml"
PINNED = Path(__file__).parent / "data" / "example.sarif.json"


def _sarif(cli, *args: str) -> dict[str, Any]:
    result = cli("scan", *args, "--format", "sarif", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    return doc


@pytest.mark.parametrize("inputs", [EXAMPLE_FILES, [str(PLAN)], [str(TEMPLATE)]],
                         ids=["raw-cli", "terraform", "cloudformation"])
def test_sarif_is_valid_and_every_result_has_one_physical_location(cli, inputs, tmp_path,
                                                                    monkeypatch) -> None:
    (tmp_path / "infra").mkdir()
    for source in inputs:  # the scanned files live in the repository being scanned
        (tmp_path / "infra" / Path(source).name).write_bytes(Path(source).read_bytes())
    monkeypatch.chdir(tmp_path)
    doc = _sarif(cli, *[f"infra/{Path(s).name}" for s in inputs])
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == (
        "batchlint", __version__, __version__)
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(ids) and "BL109" not in ids  # every enabled rule, no other
    for rule in driver["rules"]:
        assert "## What it does" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["helpUri"].startswith("https://")
    secret = next(r for r in driver["rules"] if r["id"] == "BL303")
    assert secret["properties"]["security-severity"] == "8.0"
    assert run["results"], "the inputs have findings"
    for result in run["results"]:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not physical["artifactLocation"]["uri"].startswith(("/", ".."))
        assert physical["region"]["startLine"] >= 1
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert location["logicalLocations"][0]["name"]
        assert len(result["partialFingerprints"]["batchlintResource/v1"]) == 32
    assert run["automationDetails"]["id"] == "batchlint/"


def test_fingerprints_survive_reformatting(cli, tmp_path: Path) -> None:
    source = json.loads((EXAMPLES / "compute-environments.json").read_text())
    compact, spread = tmp_path / "a.json", tmp_path / "b.json"
    compact.write_text(json.dumps(source))
    source["computeEnvironments"].reverse()
    spread.write_text(json.dumps(source, indent=8))

    def prints(path: Path) -> dict[str, tuple[str, int]]:
        results = _sarif(cli, str(path))["runs"][0]["results"]
        return {r["partialFingerprints"]["batchlintResource/v1"]:
                (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
                for r in results}

    a, b = prints(compact), prints(spread)
    assert set(a) == set(b)
    assert {k: v[0] for k, v in a.items()} == {k: v[0] for k, v in b.items()}
    assert [v[1] for v in a.values()] != [b[k][1] for k in a]  # the lines did move


def test_suppressed_findings_are_kept_as_suppressed(cli, tmp_path: Path) -> None:
    source = json.loads((EXAMPLES / "compute-environments.json").read_text())
    source["computeEnvironments"][0]["tags"]["batchlint:ignore"] = "BL103"
    path = tmp_path / "ce.json"
    path.write_text(json.dumps(source, indent=2))
    results = _sarif(cli, str(path))["runs"][0]["results"]
    muted = [r for r in results if r.get("suppressions")]
    assert [(r["ruleId"], r["suppressions"][0]["kind"]) for r in muted] == [("BL103", "external")]


def test_category_override(cli) -> None:
    doc = _sarif(cli, *EXAMPLE_FILES, "--sarif-category", "batchlint-prod")
    assert doc["runs"][0]["automationDetails"]["id"] == "batchlint-prod/"


def test_live_findings_need_a_snapshot() -> None:
    from batchlint.engine import RuleRun, run
    from batchlint.registry import load_rules

    snapshot = json.loads((REPO / "tests" / "rules" / "cases" / "bl107" / "pass.json")
                          .read_text())
    snapshot["accounts"][0]["regions"][0]["computeEnvironments"][0]["type"] = "UNMANAGED"
    loaded = load_live(snapshot, [])
    rules = [r for r in load_rules() if r.id == "BL107"]
    report: Report = run(loaded.models, [RuleRun(rules[0], "note", {})])
    assert report.findings
    with pytest.raises(BatchlintError, match="add --snapshot FILE"):
        sarif.write(ReportInput(report),
                    open("/dev/null", "w"))  # noqa: SIM115


def test_sarif_shape_is_pinned(cli, monkeypatch) -> None:
    """The example account's SARIF, minus the version and the machine's root folder."""
    monkeypatch.chdir(REPO)
    doc = _sarif(cli, *EXAMPLE_FILES)
    run_ = doc["runs"][0]
    run_["originalUriBaseIds"] = {"%SRCROOT%": {"uri": "file:///repo/"}}
    for key in ("version", "semanticVersion"):
        run_["tool"]["driver"][key] = "VERSION"
    for rule in run_["tool"]["driver"]["rules"]:  # docs change; their presence is checked above
        rule["help"] = {"text": "…", "markdown": "…"}
        rule["fullDescription"] = {"text": "…"}
    assert doc == json.loads(PINNED.read_text()), (
        "the SARIF shape changed: if on purpose, review the difference and update "
        f"{PINNED.relative_to(REPO)}")


def test_github_annotations(cli, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = cli("scan", *EXAMPLE_FILES, "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert ("::warning file=examples/account/compute-environments.json,line=12,col=13,"
            "title=BL103 small-node-disk::compute environment `genomics-spot` keeps the 30 GiB "
            "default disk") in "\n".join(lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def test_baseline(cli, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    result = cli("scan", *EXAMPLE_FILES, "--write-baseline", str(base), "--format", "json")
    before = json.loads(result.stdout)["findings"]
    assert before and json.loads(base.read_text())["batchlint_baseline"] == 1
    again = cli("scan", *EXAMPLE_FILES, "--baseline", str(base), "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["findings"] == []
    # reformatted and reordered, a new environment with a finding: only that one is new
    source = json.loads((EXAMPLES / "compute-environments.json").read_text())
    source["computeEnvironments"].reverse()
    clone = json.loads(json.dumps(next(c for c in source["computeEnvironments"]
                                       if c["computeEnvironmentName"] == "genomics-spot")))
    clone["computeEnvironmentName"] = "brand-new"
    clone["computeEnvironmentArn"] = clone["computeEnvironmentArn"].rsplit("/", 1)[0] + \
        "/brand-new"
    source["computeEnvironments"].append(clone)
    moved = tmp_path / "compute-environments.json"
    moved.write_text(json.dumps(source))
    files = [str(moved) if p.endswith("compute-environments.json") else p for p in EXAMPLE_FILES]
    new = json.loads(cli("scan", *files, "--baseline", str(base), "--format", "json").stdout)
    assert {f["resource"]["name"] for f in new["findings"]} == {"brand-new"}
    bad = cli("scan", *EXAMPLE_FILES, "--baseline", str(tmp_path / "nope.json"))
    assert (bad.exit_code, bad.stderr) == (
        2, f"batchlint: error: {tmp_path / 'nope.json'}: no such baseline file\n")
