"""What a live scan reads from an account (moto, in-process), and what it leaves alone."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3
import pytest

from batchlint.aws import session as sess
from batchlint.aws.live import LiveOptions, collect

from .conftest import (
    ACCOUNT,
    BATCH_POLICY,
    BOTH_REGIONS,
    DB_PASSWORD,
    EAST,
    GENEROUS,
    MANAGED,
    ON_DEMAND_STANDARD,
    SPOT_STANDARD,
    WEST,
    Account,
    Call,
    Hooks,
    by_rule,
    findings,
    inject_quotas,
    response,
    scan_json,
)

pytestmark = pytest.mark.usefixtures("account")


def _regions(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (only,) = snapshot["accounts"]
    return {r["region"]: r for r in only["regions"]}


def _names(items: list[dict[str, Any]], key: str) -> list[str]:
    return sorted(item[key] for item in items)


def _actions(calls: list[Call], action: str) -> list[Call]:
    return [c for c in calls if c.action == action]


def test_collects_batch_resources_and_only_what_they_reference(
        account: Account, hooks: Hooks, calls: list[Call]) -> None:
    """Per region: every compute environment, queue and latest ACTIVE job definition, and of
    EC2 and Service Quotas only the launch templates, AMIs, instance types and quota codes
    that the environments use; of IAM only the roles and instance profiles they name."""
    quota_requests: list[tuple[str | None, str]] = []
    inject_quotas(hooks, GENEROUS, quota_requests)
    collection = collect(LiveOptions(regions=(EAST, WEST)))
    assert collection.notes == []
    (only,) = collection.snapshot["accounts"]
    assert only["account"] == ACCOUNT and "notCollected" not in only
    east, west = _regions(collection.snapshot)[EAST], _regions(collection.snapshot)[WEST]

    for region, data in ((EAST, east), (WEST, west)):
        assert _names(data["computeEnvironments"], "computeEnvironmentName") == \
            account.compute_environments[region]
        assert _names(data["jobQueues"], "jobQueueName") == account.queues[region]
        assert data["jobs"] == []
    # latest ACTIVE revision of each name; `cleanup` was deregistered
    assert sorted(f"{d['jobDefinitionName']}:{d['revision']}" for d in east["jobDefinitions"]) \
        == ["eks-etl:1", "etl:1", "train:3"]
    assert [d["jobDefinitionName"] for d in west["jobDefinitions"]] == ["west-report"]

    # the template referenced by name and by id, not `unused-template`
    assert _names(east["launchTemplates"], "LaunchTemplateName") == ["batch-nodes"]
    assert sorted(v["VersionNumber"] for v in east["launchTemplateVersions"]) == [1, 2]
    assert _names(west["launchTemplateVersions"], "LaunchTemplateName") == ["west-nodes"]
    template_refs = {ref for c in calls if c.action == "ec2:DescribeLaunchTemplates"
                     for ref in c.params.get("LaunchTemplateNames", [])
                     + c.params.get("LaunchTemplateIds", [])}
    assert template_refs == {"batch-nodes", account.templates["batch-nodes"], "west-nodes"}

    # the AMIs pinned by an environment or a template version: 2 of moto's ~1300
    assert _names(east["images"], "ImageId") == sorted(account.images.values())
    assert west["images"] == []
    (describe_images,) = _actions(calls, "ec2:DescribeImages")
    assert describe_images.region == EAST

    # instance types of the families the environments may launch (m5, c5, r5 and the
    # families of `optimal`), trimmed to the fields rules read
    families = {t["InstanceType"].split(".")[0] for t in east["instanceTypes"]}
    assert {"m5", "c5", "r5", "m4", "c4", "r4"} <= families <= {
        "m5", "c5", "r5", "m4", "c4", "r4", "m6i", "c6i", "r6i", "c7i"}
    assert "c5.xlarge" in {t["InstanceType"] for t in east["instanceTypes"]}
    assert {t["InstanceType"].split(".")[0] for t in west["instanceTypes"]} == {"m5"}
    assert all(set(t) <= {"InstanceType", "CurrentGeneration", "VCpuInfo", "MemoryInfo",
                          "ProcessorInfo", "GpuInfo", "NeuronInfo", "InferenceAcceleratorInfo",
                          "SupportedUsageClasses", "BareMetal"} for t in east["instanceTypes"])

    # one GetServiceQuota per quota code a region needs
    assert sorted(quota_requests) == sorted([(EAST, ON_DEMAND_STANDARD), (EAST, SPOT_STANDARD),
                                             (WEST, SPOT_STANDARD)])
    assert _names(east["serviceQuotas"], "QuotaCode") == [ON_DEMAND_STANDARD, SPOT_STANDARD]
    assert _names(west["serviceQuotas"], "QuotaCode") == [SPOT_STANDARD]

    # IAM: the roles the environments name, not `unrelated-lambda-role`
    iam = only["iam"]
    assert iam["complete"] is True
    assert _names(iam["roles"], "RoleName") == [
        "AWSBatchServiceRole", "AmazonEC2SpotFleetRole", "ecsInstanceRole",
        "legacy-batch-service"]
    roles = {r["RoleName"]: r for r in iam["roles"]}
    assert [p["PolicyName"] for p in roles["AWSBatchServiceRole"]["AttachedManagedPolicies"]] \
        == ["AWSBatchServiceRole"]
    assert roles["ecsInstanceRole"]["RolePolicyList"] == [{
        "PolicyName": "read-artifacts", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]
    # the attached managed policies with their default version; none is known to batchlint
    policies = {p["Arn"]: p for p in iam["policies"]}
    assert sorted(policies) == [MANAGED + "service-role/" + name for name in (
        "AWSBatchServiceRole", "AmazonEC2ContainerServiceforEC2Role",
        "AmazonEC2SpotFleetTaggingRole")]
    for policy in policies.values():
        (version,) = policy["PolicyVersionList"]
        assert version["VersionId"] == policy["DefaultVersionId"]
        assert version["Document"]["Statement"]
        assert "AttachmentCount" not in policy
    assert roles["legacy-batch-service"]["AttachedManagedPolicies"] == []
    assert not any("RoleLastUsed" in r for r in iam["roles"])
    (profile,) = iam["instanceProfiles"]
    assert profile["InstanceProfileName"] == "ecsInstanceRole"
    assert [r["RoleName"] for r in profile["Roles"]] == ["ecsInstanceRole"]


def test_iam_is_read_once_per_account_across_regions(hooks: Hooks, calls: list[Call]) -> None:
    """Both regions' environments name the same service, instance and Spot Fleet roles;
    each role and instance profile is read once, not once per region or environment."""
    inject_quotas(hooks, GENEROUS)
    collect(LiveOptions(regions=(EAST, WEST)))
    reads = Counter((c.action, c.params.get("RoleName") or c.params.get("InstanceProfileName"),
                     c.params.get("PolicyName") or c.params.get("PolicyArn"))
                    for c in calls if c.action.startswith("iam:"))
    assert reads and set(reads.values()) == {1}, reads
    assert reads[("iam:GetRole", "AWSBatchServiceRole", None)] == 1
    assert reads[("iam:GetInstanceProfile", "ecsInstanceRole", None)] == 1
    assert reads[("iam:GetPolicy", None, BATCH_POLICY)] == 1
    assert reads[("iam:GetRolePolicy", "ecsInstanceRole", "read-artifacts")] == 1
    assert ("iam:GetRole", "unrelated-lambda-role", None) not in reads
    assert Counter(c.action for c in calls)["sts:GetCallerIdentity"] == 1


def test_every_call_is_paginated_at_the_api_maximum(hooks: Hooks, calls: list[Call]) -> None:
    inject_quotas(hooks, GENEROUS)
    collect(LiveOptions(regions=(EAST,)))
    page_sizes = {c.action: c.params.get("maxResults", c.params.get("MaxResults"))
                  for c in calls if c.action in {
                      "batch:DescribeComputeEnvironments", "batch:DescribeJobQueues",
                      "batch:DescribeJobDefinitions", "batch:ListJobs",
                      "ec2:DescribeInstanceTypes"}}
    assert page_sizes == {"batch:DescribeComputeEnvironments": 100,
                          "batch:DescribeJobQueues": 100, "batch:DescribeJobDefinitions": 100,
                          "batch:ListJobs": 1000, "ec2:DescribeInstanceTypes": 100}
    (jobdefs,) = _actions(calls, "batch:DescribeJobDefinitions")
    assert jobdefs.params["status"] == "ACTIVE"
    assert {c.params["jobStatus"] for c in _actions(calls, "batch:ListJobs")} == {"RUNNABLE"}


def test_latest_revision_by_default_every_revision_with_all_revisions(cli, hooks: Hooks) -> None:
    """`train` has three ACTIVE revisions; only the third sets a retry strategy."""
    inject_quotas(hooks, GENEROUS)
    latest = collect(LiveOptions(regions=(EAST,)))
    every = collect(LiveOptions(regions=(EAST,), all_revisions=True))
    assert sorted(d["revision"] for d in _regions(latest.snapshot)[EAST]["jobDefinitions"]
                  if d["jobDefinitionName"] == "train") == [3]
    assert sorted(d["revision"] for d in _regions(every.snapshot)[EAST]["jobDefinitions"]
                  if d["jobDefinitionName"] == "train") == [1, 2, 3]

    default = scan_json(cli, "--region", EAST, "--select", "BL301")
    assert default["findings"] == []
    revisions = scan_json(cli, "--region", EAST, "--select", "BL301", "--all-revisions")
    assert sorted(f["resource"]["arn"].rsplit("/", 1)[-1] for f in revisions["findings"]) == [
        "train:1", "train:2"]


def test_a_scan_reports_the_accounts_findings(cli, hooks: Hooks) -> None:
    """The live scan through the CLI: findings carry account and region, no location."""
    inject_quotas(hooks, GENEROUS)
    report = scan_json(cli, *BOTH_REGIONS)
    assert report["notes"] == [] and report["_stderr"] == ""
    assert all(f["location"] is None for f in report["findings"])
    assert {f["resource"]["account"] for f in report["findings"]} == {ACCOUNT}
    assert {(f["rule_id"], f["resource"]["name"], f["resource"]["region"])
            for f in report["findings"]} >= {
        ("BL101", "ondemand-plain", EAST),  # legacy service role: wrong trust, no policy
        ("BL104", "ondemand-plain", EAST),  # pinned Amazon Linux 1 ECS AMI
        ("BL103", "spot-lt", EAST),  # launch template $Default: no bigger root volume
        ("BL111", "spot-plain", EAST),  # SPOT BEST_FIT without a Spot Fleet role
        ("BL203", "spot-only", EAST),
        ("BL203", "west", WEST),
        ("BL303", "etl", EAST),  # DB_PASSWORD in the environment
    }
    assert "BL101" not in {f["rule_id"] for f in report["findings"]
                           if f["resource"]["name"] != "ondemand-plain"}
    assert DB_PASSWORD not in json.dumps(report)


@pytest.mark.parametrize(("quota", "expected"), [(300, "finding"), (400, "pass")])
def test_bl401_compares_the_environments_with_the_applied_quota(
        cli, hooks: Hooks, quota: int, expected: str) -> None:
    """The On-Demand Standard vCPU quota is served at the botocore layer
    (``before-call.service-quotas.GetServiceQuota``), since moto's Service Quotas knows no
    EC2 quota. us-east-1's On-Demand environments can run 256 (`ondemand-lt`) + 64
    (`ondemand-plain`) = 320 vCPUs (BEST_FIT On-Demand never overshoots): a quota of 300
    is a finding, 400 passes."""
    inject_quotas(hooks, {ON_DEMAND_STANDARD: quota, SPOT_STANDARD: 5000})
    report = scan_json(cli, "--region", EAST, "--select", "BL401")
    assert by_rule(report, "BL401", "not_verified") == {}
    if expected == "pass":
        assert report["findings"] == []
        return
    (message,) = by_rule(report, "BL401").values()
    assert message.startswith("compute environment `ondemand-lt` together with "
                              "`ondemand-plain` can run 320 vCPUs")
    assert f"the On-Demand Standard vCPU quota ({ON_DEMAND_STANDARD}) of 300 in {EAST}" \
        in message


def test_bl401_without_quota_data_is_not_verified(cli, hooks: Hooks) -> None:
    """Unserved quotas (moto answers NoSuchResourceException for EC2 codes): not verified
    with the call named, not a pass and not a finding."""
    inject_quotas(hooks, {SPOT_STANDARD: 5000})
    report = scan_json(cli, "--region", EAST, "--select", "BL401")
    assert report["findings"] == []
    (reason,) = by_rule(report, "BL401", "not_verified").values()
    assert f"NoSuchResourceException on servicequotas:GetServiceQuota ({ON_DEMAND_STANDARD})" \
        in reason


def test_all_regions_scans_the_regions_enabled_for_the_account(cli, hooks: Hooks,
                                                               calls: list[Call]) -> None:
    """`--all-regions` asks EC2 for the enabled regions (AllRegions=False). moto lists ~38
    regions of every partition and knows no opt-in state, so the DescribeRegions answer of an
    account with two regions enabled is served at the botocore layer."""
    inject_quotas(hooks, GENEROUS)

    def enabled(**_: Any) -> Any:
        return response(200, {"Regions": [
            {"RegionName": r, "Endpoint": f"ec2.{r}.amazonaws.com",
             "OptInStatus": "opt-in-not-required"} for r in (WEST, EAST)]})

    hooks.add("before-call.ec2.DescribeRegions", enabled)
    report = scan_json(cli, "--all-regions")
    (describe,) = _actions(calls, "ec2:DescribeRegions")
    assert describe.params.get("AllRegions") is False
    assert {c.region for c in calls if c.action.startswith("batch:")} == {EAST, WEST}
    assert {f["resource"]["region"] for f in report["findings"]} == {EAST, WEST}
    both = scan_json(cli, *BOTH_REGIONS)
    assert findings(report) == findings(both)


def test_region_and_all_regions_exclude_each_other(cli) -> None:
    result = cli("scan", "--region", EAST, "--all-regions")
    assert (result.exit_code, result.stderr) == (
        2, "batchlint: error: --region and --all-regions exclude each other\n")


# -- the read-only guard --------------------------------------------------------


WRITES = [
    ("batch", "submit_job", {"jobName": "x", "jobQueue": "high-priority",
                             "jobDefinition": "train"}, "batch:SubmitJob"),
    ("iam", "delete_role", {"RoleName": "unrelated-lambda-role"}, "iam:DeleteRole"),
    ("ec2", "delete_launch_template", {"LaunchTemplateName": "unused-template"},
     "ec2:DeleteLaunchTemplate"),
    ("batch", "update_compute_environment", {"computeEnvironment": "spot-plain",
                                             "state": "DISABLED"},
     "batch:UpdateComputeEnvironment"),
]


def _guarded_sessions() -> list[boto3.Session]:
    base = sess.base_session(None, EAST)
    return [base, sess.frozen_copy(base, EAST, sess.RateLimiter(50)),
            sess.assumed_session(base, f"arn:aws:iam::{ACCOUNT}:role/auditor", EAST)]


def test_read_only_guard_refuses_a_write_before_it_is_sent(hooks: Hooks) -> None:
    """Through every kind of session a scan uses (the user's, a worker's frozen copy, an
    assumed role's), a write raises ReadOnlyViolation and no request reaches moto."""
    sent: list[str] = []
    hooks.add("before-send", lambda request, **_: sent.append(request.url), first=True)
    sessions = _guarded_sessions()
    sent.clear()  # sts:AssumeRole, for the assumed role's session
    for session in sessions:
        for service, operation, params, action in WRITES:
            client = session.client(service, region_name=EAST)
            with pytest.raises(sess.ReadOnlyViolation,
                               match=f"^refused {action}: batchlint only reads"):
                getattr(client, operation)(**params)
    assert sent == []
    # moto's state is untouched
    admin = boto3.Session(region_name=EAST)
    admin.client("iam").get_role(RoleName="unrelated-lambda-role")
    admin.client("ec2").describe_launch_templates(LaunchTemplateNames=["unused-template"])
    batch = admin.client("batch")
    assert batch.list_jobs(jobQueue="high-priority", jobStatus="SUBMITTED")["jobSummaryList"] \
        == []
    (spot,) = batch.describe_compute_environments(
        computeEnvironments=["spot-plain"])["computeEnvironments"]
    assert spot["state"] == "ENABLED"


def test_read_only_guard_lets_reads_through(hooks: Hooks) -> None:
    for session in _guarded_sessions():
        batch = session.client("batch", region_name=EAST)
        assert batch.describe_job_queues()["jobQueues"]
        assert session.client("sts").get_caller_identity()["Account"] == ACCOUNT


# -- many accounts ----------------------------------------------------------------


ORG_ROLE = "OrganizationAccountAccessRole"


def _assume(account_id: str) -> boto3.Session:
    creds = boto3.client("sts", region_name=EAST).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{ORG_ROLE}",
        RoleSessionName="setup")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=EAST)


@pytest.fixture(scope="module")
def organization(account: Account) -> tuple[list[str], str]:
    """The account becomes the management account of an organization with an ACTIVE member
    and a closed one; each member has a job definition without retry strategy (BL301), named
    after its account. (The management account's own job definitions all retry.)"""
    org = boto3.client("organizations", region_name=EAST)
    org.create_organization(FeatureSet="ALL")
    members = [org.create_account(AccountName=name, Email=f"{name}@example.com")
               ["CreateAccountStatus"]["AccountId"] for name in ("data", "closed")]
    org.close_account(AccountId=members[1])
    for account_id in members:
        _assume(account_id).client("batch").register_job_definition(
            jobDefinitionName=f"nightly-{account_id}", type="container",
            containerProperties={"image": "busybox:1.36", "vcpus": 1, "memory": 512})
    return members[:1], members[1]


def test_org_role_scans_every_active_account(cli, organization: tuple[list[str], str],
                                             hooks: Hooks, calls: list[Call]) -> None:
    """`--org-role` assumes the role in every ACTIVE account organizations:ListAccounts
    returns (the management account included, the closed one not); findings carry each
    account's id."""
    members, closed = organization
    inject_quotas(hooks, GENEROUS)
    report = scan_json(cli, "--org-role", ORG_ROLE, "--region", EAST, "--select", "BL301,BL101")
    assert sorted(c.params["RoleArn"] for c in calls if c.action == "sts:AssumeRole") == [
        f"arn:aws:iam::{a}:role/{ORG_ROLE}" for a in sorted([ACCOUNT, *members])]
    assert {(f["rule_id"], f["resource"]["account"], f["resource"]["name"],
             f["resource"]["arn"]) for f in report["findings"]} == {
        ("BL101", ACCOUNT, "ondemand-plain",
         f"arn:aws:batch:{EAST}:{ACCOUNT}:compute-environment/ondemand-plain"),
        *(("BL301", a, f"nightly-{a}", f"arn:aws:batch:{EAST}:{a}:job-definition/nightly-{a}:1")
          for a in members)}
    assert report["notes"] == []
    assert closed not in json.dumps(report)


def test_role_arn_scans_each_given_account(cli, organization: tuple[list[str], str],
                                           hooks: Hooks) -> None:
    """`--role-arn` (repeatable, repeats ignored) scans exactly the given accounts."""
    (member,), closed = organization
    inject_quotas(hooks, GENEROUS)
    arns = [f"arn:aws:iam::{a}:role/{ORG_ROLE}" for a in (member, closed, member)]
    report = scan_json(cli, *(arg for arn in arns for arg in ("--role-arn", arn)),
                       "--region", EAST, "--select", "BL301")
    assert sorted(f["resource"]["account"] for f in report["findings"]) == sorted([closed, member])
