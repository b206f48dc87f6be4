"""`batchlint export`: a deterministic snapshot, safe to commit, that scans like the account."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    ACCOUNT,
    BOTH_REGIONS,
    DB_PASSWORD,
    EAST,
    EKS_API_KEY,
    GENEROUS,
    USER_DATA,
    USER_DATA_HEADERS,
    WEST,
    Account,
    Hooks,
    error,
    findings,
    inject_quotas,
    not_verified,
    region_of,
    scan_json,
)

pytestmark = pytest.mark.usefixtures("account")
TOKEN = "ghp_user_data_secret_value"


def _export(cli: Callable[..., Any], path: Path, *args: str) -> str:
    result = cli("export", "--output", str(path), *BOTH_REGIONS, *args)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    return path.read_text(encoding="utf-8")


def _region(snapshot: dict[str, Any], region: str) -> dict[str, Any]:
    (account,) = snapshot["accounts"]
    (found,) = [r for r in account["regions"] if r["region"] == region]
    return found


def _environment(snapshot: dict[str, Any], name: str) -> dict[str, str]:
    (jobdef,) = [d for d in _region(snapshot, EAST)["jobDefinitions"]
                 if d["jobDefinitionName"] == name]
    if "eksProperties" in jobdef:
        (container,) = jobdef["eksProperties"]["podProperties"]["containers"]
        return {e["name"]: e["value"] for e in container["env"]}
    return {e["name"]: e["value"] for e in jobdef["containerProperties"]["environment"]}


def test_two_exports_of_the_same_state_are_byte_identical(cli, hooks: Hooks,
                                                          tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    first = _export(cli, tmp_path / "first.json")
    second = _export(cli, tmp_path / "second.json")
    assert first == second
    stdout = cli("export", "--output", "-", *BOTH_REGIONS)
    assert stdout.stdout == first
    snapshot = json.loads(first)
    # sorted keys, two-space indent, one final newline; no time of export
    assert first == json.dumps(snapshot, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert snapshot["batchlint_snapshot"] == 3 and "collectedAt" not in snapshot
    (account,) = snapshot["accounts"]
    assert account["account"] == ACCOUNT
    assert [r["region"] for r in account["regions"]] == [EAST, WEST]
    east = _region(snapshot, EAST)
    arns = [ce["computeEnvironmentArn"] for ce in east["computeEnvironments"]]
    assert arns == sorted(arns) and len(arns) == 4
    assert "jobs" not in east  # RUNNABLE jobs change by the minute: only with --include-jobs


def test_include_jobs_writes_the_runnable_jobs(cli, hooks: Hooks, tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    snapshot = json.loads(_export(cli, tmp_path / "jobs.json", "--include-jobs"))
    assert _region(snapshot, EAST)["jobs"] == [] and _region(snapshot, WEST)["jobs"] == []


def test_environment_values_are_redacted_unless_kept(cli, hooks: Hooks, tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    text = _export(cli, tmp_path / "redacted.json")
    assert DB_PASSWORD not in text and EKS_API_KEY not in text
    assert _environment(json.loads(text), "etl") == {"DB_PASSWORD": "<redacted>",
                                                     "LOG_LEVEL": "<redacted>"}
    assert _environment(json.loads(text), "eks-etl") == {"API_KEY": "<redacted>"}
    kept = _export(cli, tmp_path / "kept.json", "--keep-env-values")
    assert _environment(json.loads(kept), "etl") == {"DB_PASSWORD": DB_PASSWORD,
                                                     "LOG_LEVEL": "debug"}
    assert _environment(json.loads(kept), "eks-etl") == {"API_KEY": EKS_API_KEY}


@pytest.mark.parametrize("keep", [[], ["--keep-env-values"]], ids=["default", "keep-env"])
def test_user_data_is_reduced_to_its_mime_headers(cli, hooks: Hooks, tmp_path: Path,
                                                  account: Account, keep: list[str]) -> None:
    """Launch template user data may carry tokens; only the MIME headers of the document
    and of each part (rules read the first) are written, whatever --keep-env-values says."""
    inject_quotas(hooks, GENEROUS)
    text = _export(cli, tmp_path / "snapshot.json", *keep)
    assert TOKEN not in text
    assert base64.b64encode(USER_DATA.encode()).decode() not in text
    (v1,) = [v for v in _region(json.loads(text), EAST)["launchTemplateVersions"]
             if v["VersionNumber"] == 1]
    assert v1["LaunchTemplateId"] == account.templates["batch-nodes"]
    assert base64.b64decode(v1["LaunchTemplateData"]["UserData"]).decode() == (
        USER_DATA_HEADERS + '--==BOUNDARY==\nContent-Type: text/x-shellscript; charset="us-ascii"'
        "\n\n--==BOUNDARY==--\n")


def _refuse_lt_versions(hooks: Hooks) -> None:
    hooks.add("before-call.ec2.DescribeLaunchTemplateVersions",
              lambda context=None, **_: error("UnauthorizedOperation")
              if region_of(context) == EAST else None, first=True)


def _refuse_get_role(hooks: Hooks) -> None:
    hooks.add("before-call.iam.GetRole", lambda **_: error("AccessDenied"), first=True)


def _no_quotas(hooks: Hooks) -> None:
    hooks.add("before-call.service-quotas.GetServiceQuota",
              lambda **_: error("AccessDeniedException"), first=True)


FAULTS = {"complete": None, "launch-templates-refused": _refuse_lt_versions,
          "get-role-refused": _refuse_get_role, "quotas-refused": _no_quotas}


@pytest.mark.parametrize("fault", list(FAULTS.values()), ids=list(FAULTS))
def test_scanning_the_export_gives_the_live_scans_findings(
        cli, hooks: Hooks, tmp_path: Path, fault: Callable[[Hooks], None] | None) -> None:
    """Same account, same faults: the snapshot's findings and not-verified checks are the
    live scan's, rule, resource and message alike; only the locations differ (the live scan
    has none, the snapshot's point into the file)."""
    inject_quotas(hooks, GENEROUS)
    if fault is not None:
        fault(hooks)
    live = scan_json(cli, *BOTH_REGIONS)
    path = tmp_path / "snapshot.json"
    _export(cli, path)
    from_file = scan_json(cli, str(path))
    assert live["findings"] and live["not_verified"]
    assert findings(from_file) == findings(live)
    assert not_verified(from_file) == not_verified(live)
    assert all(f["location"] is None for f in live["findings"])
    assert {f["location"]["path"] for f in from_file["findings"]} == {str(path)}
    if fault is not None:
        assert json.loads(path.read_text())["accounts"][0]["notCollected"]


def test_a_region_that_cannot_be_read_is_a_note_and_the_export_goes_on(
        cli, hooks: Hooks, tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    hooks.add("before-call.batch", lambda context=None, **_: error(
        "UnrecognizedClientException", "The security token included in the request is invalid.")
        if region_of(context) == WEST else None, first=True)
    path = tmp_path / "snapshot.json"
    result = cli("export", "--output", str(path), *BOTH_REGIONS)
    assert result.exit_code == 0
    assert result.stderr == (f"batchlint: region {WEST} of account {ACCOUNT} not scanned: "
                             "UnrecognizedClientException on "
                             "batch:DescribeComputeEnvironments\n")
    (account,) = json.loads(path.read_text())["accounts"]
    assert [r["region"] for r in account["regions"]] == [EAST]
