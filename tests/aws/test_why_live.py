"""`batchlint why JOB_ID` against a live account (moto, in-process): one DescribeJobs, then
only what the job's queue needs, read-only.

moto's simple Batch backend (no Docker) finishes a submitted job at once; a RUNNABLE or
FAILED job is made by setting that job's state in moto's own backend, as Batch would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.batch.models import batch_backends

from batchlint.aws.policy import SCAN_ACTIONS, WHY_ACTIONS

from .conftest import (
    ACCOUNT,
    EAST,
    GENEROUS,
    Account,
    Call,
    Hooks,
    inject_quotas,
)

MEMORY_REASON = ("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement "
                 "(vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to "
                 "the job queue.")


@pytest.fixture(scope="module")
def huge(account: Account) -> str:
    """A job definition no instance can hold (2,000,000 MiB)."""
    batch = boto3.client("batch", region_name=EAST)
    batch.register_job_definition(jobDefinitionName="huge", type="container",
                                  retryStrategy={"attempts": 2},
                                  containerProperties={"image": "busybox", "vcpus": 2,
                                                       "memory": 2_000_000})
    return "huge"


def submit(definition: str, status: str, reason: str | None = None,
           attempt: dict[str, Any] | None = None) -> str:
    """Submit to `high-priority`, then put the job in ``status`` in moto's backend."""
    batch = boto3.client("batch", region_name=EAST)
    job_id: str = batch.submit_job(jobName="sample", jobQueue="high-priority",
                                   jobDefinition=definition)["jobId"]
    job = batch_backends[ACCOUNT][EAST]._jobs[job_id]
    job.status = status
    job.job_stopped_reason = reason
    if status == "RUNNABLE":
        job.job_stopped = False
        job.attempts = []
    elif attempt is not None:
        job.attempts = [attempt]
    return job_id


@pytest.fixture
def quotas(hooks: Hooks) -> Iterator[None]:
    inject_quotas(hooks, GENEROUS)
    yield


def why(cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = cli("why", *args, "--format", "json")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_runnable_job_live(account: Account, huge: str, quotas: None, calls: list[Call],
                           cli: Callable[..., Any]) -> None:
    job_id = submit(huge, "RUNNABLE", MEMORY_REASON)
    out = why(cli, job_id)
    assert out["job"]["status"] == "RUNNABLE" and out["job"]["jobId"] == job_id
    assert out["queue"]["name"] == "high-priority"
    assert [ce["name"] for ce in out["compute_environments"]] == ["ondemand-lt", "spot-lt"]
    top = out["causes"][0]
    assert (top["rule_id"], top["kind"], top["batch_agrees"]) == ("BL302", "capacity", True)
    assert top["title"].startswith("it asks for 2,000,000 MiB, more than any instance type")
    batch = [c for c in calls if c.action.startswith("batch:")]
    assert [c.action for c in batch] == ["batch:DescribeJobs", "batch:DescribeJobQueues",
                                         "batch:DescribeComputeEnvironments",
                                         "batch:DescribeJobDefinitions"]
    assert batch[0].params == {"jobs": [job_id]}
    # the queue's own references (moto keeps the names it was created with)
    assert sorted(batch[2].params["computeEnvironments"]) == ["ondemand-lt", "spot-lt"]
    assert all(c.action.split(":")[1].startswith(("Describe", "List", "Get")) for c in calls)
    assert {c.action for c in calls} - {"sts:GetCallerIdentity"} <= {*SCAN_ACTIONS,
                                                                     *WHY_ACTIONS}
    assert "batch:ListJobs" not in {c.action for c in calls}


def test_runnable_job_text_names_the_cause_in_one_screen(account: Account, huge: str,
                                                         quotas: None,
                                                         cli: Callable[..., Any]) -> None:
    job_id = submit(huge, "RUNNABLE", MEMORY_REASON)
    result = cli("why", job_id, "--region", EAST)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"job sample ({job_id})  RUNNABLE for 0 min")
    assert "[BL302 job-exceeds-capacity]" in result.stdout
    assert lines[-1].startswith("job `sample` has been RUNNABLE for 0 min in job queue "
                                "`high-priority`; most likely: it asks for 2,000,000 MiB")
    assert len(lines) <= 30


def test_failed_job_live(account: Account, quotas: None, cli: Callable[..., Any]) -> None:
    attempt = {"container": {"exitCode": 137, "reason": "OutOfMemoryError: Container killed "
                                                        "due to memory usage"},
               "statusReason": "Essential container in task exited"}
    job_id = submit("train", "FAILED", "Essential container in task exited", attempt)
    out = why(cli, f"arn:aws:batch:{EAST}:{ACCOUNT}:job/{job_id}")
    (failure,) = out["failures"]
    assert failure["exitCode"] == 137
    assert [r["rule_id"] for r in failure["rules"]] == ["BL302"]


def test_succeeded_job_live(account: Account, quotas: None, cli: Callable[..., Any]) -> None:
    batch = boto3.client("batch", region_name=EAST)
    job_id = batch.submit_job(jobName="ok", jobQueue="high-priority",
                              jobDefinition="train")["jobId"]
    out = why(cli, job_id)
    assert out["summary"] == ("job `ok` in job queue `high-priority` SUCCEEDED: it exited with "
                              "code 0")


def test_unknown_job_live(account: Account, cli: Callable[..., Any]) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    result = cli("why", missing)
    assert result.exit_code == 2
    assert result.stderr == (f"batchlint: error: job {missing} not found in {EAST} "
                             "(batch:DescribeJobs returned nothing; pass --region, or the job "
                             "ARN)\n")


def test_region_of_the_arn_and_region_option_disagree(account: Account,
                                                      cli: Callable[..., Any]) -> None:
    arn = f"arn:aws:batch:us-west-2:{ACCOUNT}:job/11111111-2222-3333-4444-555555555555"
    result = cli("why", arn, "--region", EAST)
    assert result.exit_code == 2
    assert result.stderr == f"batchlint: error: --region {EAST} but the job ARN is in us-west-2\n"
