"""Faults of a live scan: refusals, throttling, unreachable regions, missing credentials.

Every fault is put in at the botocore layer for the moto account (see conftest):
a ``before-call`` handler answers in AWS's place for refusals and regions that
cannot be read (what botocore raises once its retries are spent), a
``before-send`` handler answers one HTTP attempt for throttling, so that
botocore's own retry logic handles it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from typer.testing import CliRunner

from batchlint.aws.live import LiveOptions, collect
from batchlint.cli import app

from .conftest import (
    ACCOUNT,
    BOTH_REGIONS,
    EAST,
    GENEROUS,
    SPOT_STANDARD,
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
OTHER = "eu-west-1"


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def baseline(account: Account) -> Iterator[dict[str, Any]]:
    """The fault-free scan of both regions, generous quotas."""
    with pytest.MonkeyPatch.context() as mp:
        inject_quotas(Hooks(mp), GENEROUS)
        yield scan_json(_cli, *BOTH_REGIONS)


def _in(report: dict[str, Any], key: str, region: str) -> list[dict[str, Any]]:
    return [item for item in report[key] if item["resource"]["region"] == region]


# -- a refused call ----------------------------------------------------------------


REFUSALS = [
    # (service id, operation, error code, region or None for IAM, dataset, call named,
    #  what the gap says after the call)
    ("ec2", "DescribeLaunchTemplateVersions", "UnauthorizedOperation", EAST,
     "launch-templates", "ec2:DescribeLaunchTemplateVersions", ""),
    ("ec2", "DescribeImages", "UnauthorizedOperation", EAST, "images", "ec2:DescribeImages",
     ""),
    ("ec2", "DescribeInstanceTypes", "UnauthorizedOperation", EAST, "instance-types",
     "ec2:DescribeInstanceTypes", ""),
    ("batch", "ListJobs", "AccessDeniedException", WEST, "jobs", "batch:ListJobs", ""),
    ("iam", "GetInstanceProfile", "AccessDenied", None, "iam", "iam:GetInstanceProfile", ""),
    ("service-quotas", "GetServiceQuota", "AccessDeniedException", WEST, "service-quotas",
     "servicequotas:GetServiceQuota", f" ({SPOT_STANDARD})"),
]


@pytest.mark.parametrize(("service", "operation", "code", "region", "dataset", "call", "codes"),
                         REFUSALS, ids=[r[5] for r in REFUSALS])
def test_a_refused_call_leaves_its_checks_not_verified_and_the_rest_intact(
        baseline: dict[str, Any], hooks: Hooks, service: str, operation: str, code: str,
        region: str | None, dataset: str, call: str, codes: str) -> None:
    """One call refused (in one region, or IAM's): its dataset is recorded as not collected
    with the call; the checks that needed it are not verified naming the call (no finding
    lost silently, none made up or changed); every other dataset and region is read as
    without the fault."""
    inject_quotas(hooks, GENEROUS)

    def refuse(context: dict[str, Any] | None = None, **_: Any) -> Any:
        if region is None or region_of(context) == region:
            return error(code, "You are not authorized to perform this operation.")
        return None

    hooks.add(f"before-call.{service}.{operation}", refuse, first=True)
    collection = collect(LiveOptions(regions=(EAST, WEST)))
    assert collection.notes == []
    (only,) = collection.snapshot["accounts"]
    gap = {"dataset": dataset, "reason": f"{code} on {call}{codes}"}
    if region:
        gap["region"] = region
    assert only["notCollected"] == [gap]

    report = scan_json(_cli, *BOTH_REGIONS)
    assert report["notes"] == []
    naming = [n for n in report["not_verified"] if call in n["reason"]]
    assert naming, f"no not-verified check names {call}: {report['not_verified']}"
    assert all(f"{code} on {call}" in n["reason"] for n in naming)
    # nothing made up: every finding is one of the fault-free scan's
    assert set(findings(report)) <= set(findings(baseline))
    # nothing lost silently: a finding that went is not verified now, naming the call
    unverified = {(n[0], n[1]) for n in not_verified(report) if call in n[2]}
    for rule, resource, _ in set(findings(baseline)) - set(findings(report)):
        assert (rule, resource) in unverified
    # the other datasets and the other region are read as before
    assert set(not_verified(report)) - set(not_verified(baseline)) == {
        n for n in not_verified(report) if call in n[2]}
    for other in [] if region is None else sorted({EAST, WEST} - {region}):
        assert findings({"findings": _in(report, "findings", other)}) == \
            findings({"findings": _in(baseline, "findings", other)})
        assert not_verified({"not_verified": _in(report, "not_verified", other)}) == \
            not_verified({"not_verified": _in(baseline, "not_verified", other)})


def test_a_refused_launch_template_read_names_the_call_on_each_environment_using_one(
        baseline: dict[str, Any], hooks: Hooks) -> None:
    """The concrete case: with ec2:DescribeLaunchTemplateVersions refused in us-east-1,
    BL103 (node disk) of the two environments with a launch template there is not verified
    (`spot-lt` was a finding), while `spot-plain`, with no launch template, is still
    reported and us-west-2's `west-spot` still passes."""
    inject_quotas(hooks, GENEROUS)
    hooks.add("before-call.ec2.DescribeLaunchTemplateVersions",
              lambda context=None, **_: error("UnauthorizedOperation")
              if region_of(context) == EAST else None, first=True)
    report = scan_json(_cli, *BOTH_REGIONS, "--select", "BL103")
    reasons = {n["resource"]["name"]: n["reason"] for n in report["not_verified"]}
    assert {"ondemand-lt", "spot-lt"} <= set(reasons)
    assert "UnauthorizedOperation on ec2:DescribeLaunchTemplateVersions" in reasons["spot-lt"]
    assert "spot-lt" in {f["resource"]["name"] for f in baseline["findings"]
                         if f["rule_id"] == "BL103"}
    assert {f["resource"]["name"] for f in report["findings"]} == {"spot-plain"}
    assert "west-spot" not in reasons


# -- throttling --------------------------------------------------------------------


class _Body:
    def __init__(self, body: bytes):
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _throttled(url: str, json_protocol: bool) -> AWSResponse:
    if json_protocol:  # Batch (rest-json): 429 TooManyRequestsException
        return AWSResponse(url, 429, {"x-amzn-errortype": "TooManyRequestsException",
                                      "content-type": "application/json"},
                           _Body(b'{"message": "Too Many Requests"}'))
    return AWSResponse(url, 503, {"content-type": "text/xml"}, _Body(  # EC2
        b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
        b"exceeded.</Message></Error></Errors><RequestID>1</RequestID></Response>"))


def test_throttling_is_retried_and_the_scan_succeeds(baseline: dict[str, Any],
                                                     hooks: Hooks) -> None:
    """The first attempt of batch:DescribeComputeEnvironments and of
    ec2:DescribeLaunchTemplateVersions in us-east-1 answer "slow down" (a ``before-send``
    handler, ahead of moto's); botocore's retries get through and the scan is the
    fault-free one."""
    inject_quotas(hooks, GENEROUS)
    attempts = {"batch": 0, "ec2": 0}

    def slow_down(kind: str, limit: int) -> Any:
        def handler(request: Any, **_: Any) -> AWSResponse | None:
            if f".{EAST}." not in request.url:
                return None
            attempts[kind] += 1
            return _throttled(request.url, kind == "batch") if attempts[kind] <= limit else None

        return handler

    hooks.add("before-send.batch.DescribeComputeEnvironments", slow_down("batch", 1),
              first=True)
    hooks.add("before-send.ec2.DescribeLaunchTemplateVersions", slow_down("ec2", 1),
              first=True)
    report = scan_json(_cli, *BOTH_REGIONS)
    # 1 refused + 1; 1 refused + 2 (`batch-nodes` is read once by name, once by id)
    assert attempts == {"batch": 2, "ec2": 3}
    assert report["notes"] == [] and report["_stderr"] == ""
    assert findings(report) == findings(baseline)
    assert not_verified(report) == not_verified(baseline)


# -- regions that cannot be read --------------------------------------------------


def _not_enabled(context: dict[str, Any] | None = None, **_: Any) -> Any:
    """An opt-in region the account has not enabled: AWS does not know the credentials."""
    if region_of(context) == OTHER:
        return error("UnrecognizedClientException",
                     "The security token included in the request is invalid.")
    return None


def _unreachable(context: dict[str, Any] | None = None, **_: Any) -> Any:
    """What botocore raises once its retries to an endpoint that refuses are spent."""
    if region_of(context) == OTHER:
        raise EndpointConnectionError(endpoint_url=f"https://batch.{OTHER}.amazonaws.com/v1/"
                                                   "describecomputeenvironments")
    return None


def _batch_refused(context: dict[str, Any] | None = None, **_: Any) -> Any:
    if region_of(context) == OTHER:
        return error("AccessDeniedException", "not authorized")
    return None


UNREADABLE = [
    (_not_enabled, "UnrecognizedClientException on batch:DescribeComputeEnvironments"),
    (_unreachable, "Could not connect to the endpoint URL: \"https://batch.eu-west-1."
                   "amazonaws.com/v1/describecomputeenvironments\" "
                   "(batch:DescribeComputeEnvironments)"),
    (_batch_refused, "AccessDeniedException on batch:DescribeComputeEnvironments"),
]


@pytest.mark.parametrize(("fault", "why"), UNREADABLE, ids=["not-enabled", "unreachable",
                                                             "batch-refused"])
def test_a_region_that_cannot_be_read_is_a_note_and_the_others_are_scanned(
        baseline: dict[str, Any], hooks: Hooks, fault: Any, why: str) -> None:
    inject_quotas(hooks, GENEROUS)
    hooks.add("before-call.batch", fault, first=True)
    result = _cli("scan", "--format", "json", "--region", EAST, "--region", OTHER)
    assert result.exit_code == 1  # us-east-1's findings, not an error
    note = f"region {OTHER} of account {ACCOUNT} not scanned: {why}"
    assert result.stderr == f"batchlint: {note}\n"
    report = json.loads(result.stdout)
    assert report["notes"] == [note]
    assert findings(report) == findings({"findings": _in(baseline, "findings", EAST)})
    assert not_verified(report) == not_verified(
        {"not_verified": _in(baseline, "not_verified", EAST)})


# -- credentials -------------------------------------------------------------------


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """AWS config with a profile `prod` that has a region and no keys; no credentials in
    the environment."""
    config = tmp_path / "config"
    config.write_text("[profile prod]\nregion = us-east-1\noutput = json\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[staging]\naws_access_key_id = AKIAEXAMPLE\n"
                           "aws_secret_access_key = example\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


NO_CREDENTIALS = "batchlint: error: no AWS credentials for profile 'prod'\n"


@pytest.mark.parametrize("command", [["scan"], ["export", "--output", "snapshot.json"]])
def test_no_credentials_is_one_line_and_exit_2(aws_files: Path, command: list[str]) -> None:
    result = _cli(*command, "--profile", "prod")
    assert (result.exit_code, result.stderr, result.stdout) == (2, NO_CREDENTIALS, "")


def test_no_credentials_for_the_profile_in_aws_profile(aws_files: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`AWS_PROFILE=prod batchlint scan` names the profile as `--profile prod` does."""
    monkeypatch.setenv("AWS_PROFILE", "prod")
    result = _cli("scan")
    assert (result.exit_code, result.stderr) == (2, NO_CREDENTIALS)


def test_unknown_profile_is_one_line_and_exit_2(aws_files: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    message = "batchlint: error: AWS profile 'nope' not found in the AWS config files\n"
    result = _cli("scan", "--profile", "nope")
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")
    monkeypatch.setenv("AWS_PROFILE", "nope")
    result = _cli("scan")
    assert (result.exit_code, result.stderr) == (2, message)


# -- accounts that cannot be read ------------------------------------------------------


def test_an_account_whose_role_cannot_be_assumed_is_a_note(hooks: Hooks) -> None:
    """`--role-arn` twice, the second refused by STS: a note, and the first is scanned."""
    inject_quotas(hooks, GENEROUS)
    good, bad = (f"arn:aws:iam::{ACCOUNT}:role/BatchlintAudit",
                 "arn:aws:iam::111122223333:role/BatchlintAudit")

    def refuse(params: dict[str, Any], **_: Any) -> Any:
        if "111122223333" in str(params.get("body")):
            return error("AccessDenied", "not authorized to perform: sts:AssumeRole")
        return None

    hooks.add("before-call.sts.AssumeRole", refuse, first=True)
    result = _cli("scan", "--role-arn", good, "--role-arn", bad, "--region", EAST,
                  "--select", "BL101", "--format", "json")
    assert result.exit_code == 1, result.stderr
    note = f"account of {bad} not scanned: AccessDenied on sts:AssumeRole"
    assert result.stderr == f"batchlint: {note}\n"
    report = json.loads(result.stdout)
    assert report["notes"] == [note]
    assert {f["resource"]["account"] for f in report["findings"]} == {ACCOUNT}

    only_bad = _cli("scan", "--role-arn", bad, "--region", EAST)
    assert (only_bad.exit_code, only_bad.stderr) == (
        2, f"batchlint: error: no account could be scanned: {note}\n")


def test_org_role_outside_an_organization_is_one_line_and_exit_2(hooks: Hooks) -> None:
    """Outside an organization AWS refuses ListAccounts (moto answers an empty list, which
    is the second case): no scan of the caller's account in place of the organization's."""
    result = _cli("scan", "--org-role", "BatchlintAudit", "--region", EAST)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: the organization has no ACTIVE account "
               "(organizations:ListAccounts)\n")
    hooks.add("before-call.organizations.ListAccounts", lambda **_: error(
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.", 400))
    result = _cli("scan", "--org-role", "BatchlintAudit", "--region", EAST)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: cannot list the organization's accounts: "
               "AWSOrganizationsNotInUseException on organizations:ListAccounts\n")


def test_aws_unreachable_is_one_line_and_exit_2(hooks: Hooks) -> None:
    def unreachable(**_: Any) -> Any:
        raise EndpointConnectionError(endpoint_url="https://sts.us-east-1.amazonaws.com/")

    hooks.add("before-call.sts.GetCallerIdentity", unreachable, first=True)
    result = _cli("scan", "--region", EAST)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("batchlint: error: cannot reach AWS: Could not connect to the "
                             "endpoint URL: \"https://sts.us-east-1.amazonaws.com/\" "
                             "(sts:GetCallerIdentity)\n")
