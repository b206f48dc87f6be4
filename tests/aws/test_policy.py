"""`batchlint iam-policy` is the least privilege a scan needs: enough, and nothing more.

moto enforces IAM here (``set_initial_no_auth_action_count(0)``: every request
is authenticated and authorized against the caller's policies). IAM action
names are case-insensitive in AWS; moto names Batch's actions by their
lower-case URL (``batch:describecomputeenvironments``) and matches them
case-sensitively, so ``enforcement.any_case_actions`` makes moto match actions as AWS
does.
Quotas are not injected in these scans: the GetServiceQuota requests reach moto,
which checks the permission and then, knowing no EC2 quota, answers
NoSuchResourceException, for the administrator and the scanner alike.
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from moto.core import set_initial_no_auth_action_count

from batchlint.aws.policy import (
    MULTI_ACCOUNT_ACTIONS,
    SCAN_ACTIONS,
    WHY_ACTIONS,
    policy_document,
)

from .conftest import (
    ACCOUNT,
    BOTH_REGIONS,
    EAST,
    WEST,
    Account,
    Call,
    Hooks,
    findings,
    inject_quotas,
    not_verified,
    response,
    scan_json,
)
from .enforcement import any_case_actions, enforced, principal

pytestmark = pytest.mark.usefixtures("account")
# Needs no permission in AWS ("No permissions are required to perform this operation"),
# so the policy does not name it; a scan calls it to learn the account id.
NO_PERMISSION_NEEDED = {"sts:GetCallerIdentity"}


def _without(action: str) -> dict[str, Any]:
    document = policy_document()
    (statement,) = document["Statement"]
    statement["Action"] = [a for a in statement["Action"] if a != action]
    assert len(statement["Action"]) == len(SCAN_ACTIONS) + len(WHY_ACTIONS) - 1
    return document


@pytest.fixture(scope="module")
def principals(account: Account) -> dict[str, dict[str, str]]:
    return {"scanner": principal("batchlint-scanner", policy_document()),
            "no-get-role": principal("batchlint-no-get-role", _without("iam:GetRole")),
            "nothing": principal("batchlint-nothing", {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})}


@pytest.fixture(scope="module")
def admin_report(account: Account) -> dict[str, Any]:
    """The scan with moto's default, unchecked credentials (an administrator)."""
    from typer.testing import CliRunner

    from batchlint.cli import app

    return scan_json(lambda *a: CliRunner().invoke(app, list(a)), *BOTH_REGIONS)


def test_moto_enforces_iam_in_these_tests(cli, monkeypatch: pytest.MonkeyPatch,
                                          principals: dict[str, dict[str, str]]) -> None:
    """Without the policy, the same scan is refused: the enforcement is real."""
    any_case_actions(monkeypatch)
    for name, value in principals["nothing"].items():
        monkeypatch.setenv(name, value)
    run = set_initial_no_auth_action_count(0)(lambda: cli("scan", "--region", EAST))
    result = run()
    assert result.exit_code == 2  # nothing could be read: an error, never a clean pass
    # (moto answers Batch's refusal in XML, so botocore reads its code as "403")
    assert re.fullmatch(f"batchlint: error: no region could be read: region {EAST} of account "
                        f"{ACCOUNT} not scanned: "
                        r"\S+ on batch:DescribeComputeEnvironments\n", result.stderr)


def test_credentials_aws_does_not_know_are_one_line_and_exit_2(
        cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    result = set_initial_no_auth_action_count(0)(lambda: cli("scan", "--region", EAST))()
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: AWS rejected the credentials: InvalidClientTokenId\n")


def test_a_principal_with_exactly_the_policy_scans_like_an_administrator(
        cli, monkeypatch: pytest.MonkeyPatch, principals: dict[str, dict[str, str]],
        admin_report: dict[str, Any]) -> None:
    report = enforced(cli, monkeypatch, principals["scanner"], *BOTH_REGIONS)
    assert report["notes"] == [] and report["_stderr"] == ""
    assert report["findings"]
    assert findings(report) == findings(admin_report)
    assert not_verified(report) == not_verified(admin_report)


def test_without_iam_get_role_bl101_is_not_verified_not_a_crash_nor_a_finding(
        cli, monkeypatch: pytest.MonkeyPatch, principals: dict[str, dict[str, str]],
        admin_report: dict[str, Any]) -> None:
    report = enforced(cli, monkeypatch, principals["no-get-role"], *BOTH_REGIONS)
    assert report["notes"] == [] and report["_stderr"] == ""
    assert not any("internal error" in f["message"] for f in report["findings"])
    assert [f for f in report["findings"] if f["rule_id"] == "BL101"] == []
    reasons = {n["resource"]["name"]: n["reason"] for n in report["not_verified"]
               if n["rule_id"] == "BL101"}
    assert set(reasons) == {"ondemand-lt", "spot-lt", "ondemand-plain", "spot-plain",
                            "west-spot"}
    assert all("AccessDenied on iam:GetRole" in reason for reason in reasons.values()), reasons
    # nothing made up: every finding is one of the administrator's
    assert set(findings(report)) <= set(findings(admin_report))
    # what the administrator found with BL101 is now unknown, not passed
    assert {f["resource"]["name"] for f in admin_report["findings"]
            if f["rule_id"] == "BL101"} == {"ondemand-plain"}


def test_a_full_scan_calls_exactly_the_actions_of_the_policy(
        cli, hooks: Hooks, calls: list[Call]) -> None:
    """Every operation of a full scan (--all-regions, quotas, IAM), recorded before
    batchlint's guard sees it, is in the policy, and every action of the policy is used.
    DescribeRegions is answered at the botocore layer (moto lists ~38 regions of every
    partition) with the two regions of the account."""
    inject_quotas(hooks, {"L-1216C47A": 5000, "L-34B43A08": 5000})
    hooks.add("before-call.ec2.DescribeRegions", lambda **_: response(200, {"Regions": [
        {"RegionName": r, "OptInStatus": "opt-in-not-required"} for r in (EAST, WEST)]}))
    scan_json(cli, "--all-regions")
    used = {c.action for c in calls}
    assert used - NO_PERMISSION_NEEDED == set(SCAN_ACTIONS)


def test_multi_account_scans_call_only_the_multi_account_actions_more(
        cli, hooks: Hooks, calls: list[Call]) -> None:
    """`--org-role` in an organization of one account: the starting account is asked only
    for organizations:ListAccounts and sts:AssumeRole beyond the scan's actions."""
    boto3.client("organizations", region_name=EAST).create_organization(FeatureSet="ALL")
    inject_quotas(hooks, {"L-1216C47A": 5000, "L-34B43A08": 5000})
    report = scan_json(cli, "--org-role", "BatchlintAudit", "--region", EAST)
    assert {f["resource"]["account"] for f in report["findings"]} == {ACCOUNT}
    used = {c.action for c in calls} - NO_PERMISSION_NEEDED
    assert used - set(SCAN_ACTIONS) == set(MULTI_ACCOUNT_ACTIONS)


def test_iam_policy_command_prints_the_policy(cli) -> None:
    result = cli("iam-policy")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == policy_document()
    statement = json.loads(result.stdout)["Statement"][0]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*"
    assert all(a.split(":")[1].startswith(("Describe", "List", "Get"))
               for a in statement["Action"])
    multi = json.loads(cli("iam-policy", "--multi-account").stdout)
    assert multi == policy_document(multi_account=True)
    assert multi["Statement"][1]["Action"] == list(MULTI_ACCOUNT_ACTIONS)
