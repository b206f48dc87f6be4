"""The least-privilege IAM policy a live scan and ``batchlint why`` need: read-only, every
action named.

The collector makes no other call; a test records every call of a full scan
against moto and checks it against :data:`SCAN_ACTIONS`, another every call of ``why``
against it and :data:`WHY_ACTIONS`.
"""

from __future__ import annotations

from typing import Any

SCAN_ACTIONS = (
    "batch:DescribeComputeEnvironments",
    "batch:DescribeJobDefinitions",
    "batch:DescribeJobQueues",
    "batch:ListJobs",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeInstanceTypeOfferings",
    "ec2:DescribeRegions",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcEndpoints",
    "iam:GetInstanceProfile",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "servicequotas:GetServiceQuota",
)
# What `batchlint why JOB_ID` calls beyond a scan's actions (why_live.py).
WHY_ACTIONS = ("batch:DescribeJobs",)
# Only for --org-role / --role-arn, in the account the scan starts from.
MULTI_ACCOUNT_ACTIONS = ("organizations:ListAccounts", "sts:AssumeRole")


def policy_document(multi_account: bool = False) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [
        {"Sid": "BatchlintReadOnlyScan", "Effect": "Allow",
         "Action": [*SCAN_ACTIONS, *WHY_ACTIONS], "Resource": "*"},
    ]
    if multi_account:
        statements.append({"Sid": "BatchlintMultiAccount", "Effect": "Allow",
                           "Action": list(MULTI_ACCOUNT_ACTIONS), "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}
