"""Raw AWS CLI outputs, recognised by their top-level key.

Region and account come from the ARNs. Outputs without ARNs (launch
templates, images, instance types) are joined by ID or name to the resources
that reference them.
"""

from __future__ import annotations

from collections.abc import Mapping

from batchlint import model as m
from batchlint.loaders import network_files
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.model import Json

# top-level key -> kind, for the outputs that are a plain list of resources
LIST_KEYS = {
    "computeEnvironments": m.COMPUTE_ENVIRONMENT,  # batch describe-compute-environments
    "jobQueues": m.JOB_QUEUE,  # batch describe-job-queues
    "jobDefinitions": m.JOB_DEFINITION,  # batch describe-job-definitions
    "jobSummaryList": m.JOB,  # batch list-jobs
    "LaunchTemplates": m.LAUNCH_TEMPLATE,  # ec2 describe-launch-templates
    "LaunchTemplateVersions": m.LAUNCH_TEMPLATE_VERSION,  # ec2 describe-launch-template-versions
    "Images": m.IMAGE,  # ec2 describe-images
    "InstanceTypes": m.INSTANCE_TYPE,  # ec2 describe-instance-types
    "Roles": m.IAM_ROLE,  # iam list-roles
    "InstanceProfiles": m.INSTANCE_PROFILE,  # iam list-instance-profiles
    "Quotas": m.SERVICE_QUOTA,  # service-quotas list-service-quotas
}
# top-level key -> kind, for the outputs that hold one resource
ONE_KEYS = {
    "Role": m.IAM_ROLE,  # iam get-role
    "InstanceProfile": m.INSTANCE_PROFILE,  # iam get-instance-profile
    "Quota": m.SERVICE_QUOTA,  # service-quotas get-service-quota
}
AUTH_DETAILS = "RoleDetailList"  # iam get-account-authorization-details
DESCRIBE_JOBS = "jobs"  # batch describe-jobs (see describes_jobs)
_AUTH_DETAIL_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")

KEYS = (*LIST_KEYS, *ONE_KEYS, AUTH_DETAILS, *network_files.NETWORK_KEYS)


def recognises(data: Json) -> bool:
    return isinstance(data, Mapping) and (any(key in data for key in KEYS)
                                          or describes_jobs(data))


def describes_jobs(data: Mapping[str, Json]) -> bool:
    """``batch describe-jobs`` output: a list of jobs under ``jobs``, each with its
    ``jobId`` (a GitHub workflow's ``jobs`` is a mapping, and stays unrecognised)."""
    jobs = data.get(DESCRIBE_JOBS)
    return isinstance(jobs, list) and all(isinstance(j, Mapping) and "jobId" in j for j in jobs)


def load(doc: Document, builder: ModelBuilder, iam_lists: dict[str, set[str]]) -> None:
    """Add every resource of a raw CLI output; note complete IAM listings in ``iam_lists``."""
    data = doc.data
    truncated = data.get("IsTruncated") is True
    network_files.load(doc, builder)
    for key, kind in LIST_KEYS.items():
        if key in data:
            added = builder.add_all(doc, kind, (key,), data[key])
            if kind in (m.IAM_ROLE, m.INSTANCE_PROFILE):
                builder.add_profile_roles(doc, added)
                if not truncated:
                    for account in {r.account for r in added if r.account}:
                        iam_lists.setdefault(account, set()).add(key)
    for key, kind in ONE_KEYS.items():
        if key in data:
            res = builder.add(doc, kind, (key,), data[key])
            builder.add_profile_roles(doc, [res])
    if AUTH_DETAILS in data:
        roles = builder.add_all(doc, m.IAM_ROLE, (AUTH_DETAILS,), data[AUTH_DETAILS])
        for i, role in enumerate(roles):
            profiles = role.data.get("InstanceProfileList") or []
            pointer = (AUTH_DETAILS, i, "InstanceProfileList")
            builder.add_all(doc, m.INSTANCE_PROFILE, pointer, profiles)
        if isinstance(data.get("Policies"), list):  # customer managed, with their versions
            builder.add_all(doc, m.IAM_POLICY, ("Policies",), data["Policies"])
        unfiltered = all(k in data for k in _AUTH_DETAIL_KEYS) and not truncated
        if unfiltered:
            for account in {r.account for r in roles if r.account}:
                builder.complete.add((m.IAM, account, None))
    if describes_jobs(data):
        builder.add_all(doc, m.JOB, (DESCRIBE_JOBS,), data[DESCRIBE_JOBS])


def finish(builder: ModelBuilder, iam_lists: dict[str, set[str]]) -> None:
    """`list-roles` plus `list-instance-profiles` of one account are complete IAM data."""
    for account, keys in iam_lists.items():
        if {"Roles", "InstanceProfiles"} <= keys:
            builder.complete.add((m.IAM, account, None))
