"""Small snapshots and describe-jobs outputs for the `batchlint why` tests."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT, REGION = "123456789012", "us-east-1"
NOW = "2026-03-01T12:00:00+00:00"
CREATED = 1772355300000  # 3 h 5 min before NOW
JOB_ID = "876da822-4198-45f2-a252-6cea32512ea8"
BATCH = f"arn:aws:batch:{REGION}:{ACCOUNT}"
MEMORY_REASON = ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement "
                 "(vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to "
                 "the job queue.")


def environment(name: str, **compute: Any) -> dict[str, Any]:
    """A healthy managed EC2 environment: roles, subnets and instance types set."""
    resources = {"type": "EC2", "minvCpus": 0, "maxvCpus": 64, "instanceTypes": ["m5.large"],
                 "instanceRole": f"arn:aws:iam::{ACCOUNT}:instance-profile/ecsInstanceRole",
                 "subnets": ["subnet-1"], "securityGroupIds": ["sg-1"], **compute}
    return {"computeEnvironmentName": name,
            "computeEnvironmentArn": f"{BATCH}:compute-environment/{name}",
            "type": "MANAGED", "state": "ENABLED", "status": "VALID",
            "serviceRole": f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBatchServiceRole",
            "computeResources": resources}


def queue(name: str, *environments: str, **extra: Any) -> dict[str, Any]:
    return {"jobQueueName": name, "jobQueueArn": f"{BATCH}:job-queue/{name}",
            "state": "ENABLED", "status": "VALID", "priority": 1,
            "computeEnvironmentOrder": [{"order": i + 1, "computeEnvironment": ce}
                                        for i, ce in enumerate(environments)], **extra}


def job_definition(name: str = "align", vcpus: str = "2", memory: str = "4096",
                   **extra: Any) -> dict[str, Any]:
    return {"jobDefinitionName": name, "jobDefinitionArn": f"{BATCH}:job-definition/{name}:3",
            "revision": 3, "status": "ACTIVE", "type": "container",
            "retryStrategy": {"attempts": 3},
            "containerProperties": {"image": "bwa:0.7.17", "resourceRequirements": [
                {"type": "VCPU", "value": vcpus}, {"type": "MEMORY", "value": memory}]},
            **extra}


def job(job_id: str = JOB_ID, status: str = "RUNNABLE", reason: str | None = None,
        queue_name: str = "genomics", **extra: Any) -> dict[str, Any]:
    """A job as `aws batch describe-jobs` prints it (its container carries what it asks)."""
    out: dict[str, Any] = {
        "jobArn": f"{BATCH}:job/{job_id}", "jobId": job_id, "jobName": "align-sample-1",
        "jobQueue": f"{BATCH}:job-queue/{queue_name}", "status": status,
        "createdAt": CREATED, "jobDefinition": f"{BATCH}:job-definition/align:3",
        "container": {"image": "bwa:0.7.17", "resourceRequirements": [
            {"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "4096"}]},
        **extra}
    if reason is not None:
        out["statusReason"] = reason
    return out


def snapshot(*, environments: list[dict[str, Any]] | None = None,
             queues: list[dict[str, Any]] | None = None,
             definitions: list[dict[str, Any]] | None = None,
             jobs: list[dict[str, Any]] | None = None, **region: Any) -> dict[str, Any]:
    """A snapshot (exported with --include-jobs) with complete IAM holding the roles the
    environments name, so that only what a test breaks is found."""
    return copy.deepcopy({
        "batchlint_snapshot": 1, "collectedAt": NOW,
        "accounts": [{"account": ACCOUNT, "iam": IAM, "regions": [{
            "region": REGION,
            "computeEnvironments": environments if environments is not None
            else [environment("genomics-ec2")],
            "jobQueues": queues if queues is not None else [queue("genomics", "genomics-ec2")],
            "jobDefinitions": definitions if definitions is not None else [job_definition()],
            "jobs": jobs if jobs is not None else [job()],
            "serviceQuotas": [quota("L-1216C47A", 5000)],
            **region}]}]})


def quota(code: str, value: float) -> dict[str, Any]:
    return {"QuotaCode": code, "Value": value, "ServiceCode": "ec2",
            "QuotaArn": f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:ec2/{code}"}


def _trust(service: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}


def _role(name: str, service: str, policy: str, path: str = "/") -> dict[str, Any]:
    return {"RoleName": name, "Path": path, "Arn": f"arn:aws:iam::{ACCOUNT}:role{path}{name}",
            "AssumeRolePolicyDocument": _trust(service),
            "AttachedManagedPolicies": [{"PolicyName": policy.rsplit("/", 1)[-1],
                                         "PolicyArn": policy}]}


_INSTANCE = _role("ecsInstanceRole", "ec2.amazonaws.com",
                  "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")
IAM: dict[str, Any] = {
    "complete": True,
    "roles": [_role("AWSBatchServiceRole", "batch.amazonaws.com",
                    "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole",
                    "/service-role/"), _INSTANCE],
    "instanceProfiles": [{"InstanceProfileName": "ecsInstanceRole",
                          "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/ecsInstanceRole",
                          "Roles": [_INSTANCE]}],
}
