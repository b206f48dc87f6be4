"""`batchlint why JOB_ID FILE…`: every cause found for a RUNNABLE job, in order, each with the
rule that would have caught it; the JSON document; the errors for bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from batchlint.loaders import load_files
from batchlint.why import explain, find_job

from .conftest import EXAMPLES
from .why_data import (
    ACCOUNT,
    BATCH,
    JOB_ID,
    MEMORY_REASON,
    REGION,
    environment,
    job,
    job_definition,
    queue,
    quota,
    snapshot,
)

WriteJson = Callable[[str, Any], str]


def why_json(cli: Callable[..., Any], *args: str) -> dict[str, Any]:
    result = cli("why", *args, "--format", "json")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def causes(write_json: WriteJson, cli: Callable[..., Any], data: dict[str, Any],
           job_id: str = JOB_ID) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = why_json(cli, job_id, write_json("snap.json", data))["causes"]
    return found


def first(found: list[dict[str, Any]]) -> tuple[str | None, str]:
    return found[0]["rule_id"], found[0]["title"]


# -- RUNNABLE: each cause ----------------------------------------------------------------


def test_memory_above_what_the_instance_registers(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(jobs=[job(reason=MEMORY_REASON, container={"resourceRequirements": [
        {"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "8192"}]})])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL302", "it asks for 8,192 MiB, more than any instance type its "
                            "queue's compute environments may launch registers (the largest, "
                            "m5.large, has 8,192 MiB, of which the ECS agent registers about "
                            "7,955)")
    assert found[0]["certainty"] == "certain" and found[0]["batch_agrees"] is True
    assert found[0]["rule_name"] == "job-exceeds-capacity"
    assert "Ask for at most 7,955 MiB" in found[0]["detail"]
    assert len(found) == 1  # Batch's reason is folded into the cause it agrees with


def test_more_vcpus_than_max_vcpus(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(environments=[environment("genomics-ec2", maxvCpus=4,
                                              instanceTypes=["m5"])],
                    jobs=[job(container={"resourceRequirements": [
                        {"type": "VCPU", "value": "8"}, {"type": "MEMORY", "value": "1024"}]})])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL302", "it asks for 8 vCPUs, more than the maxvCpus of every "
                            "compute environment of its queue (the largest is 4, on "
                            "`genomics-ec2`)")
    assert found[0]["kind"] == "max-vcpus"


def test_gpus_on_compute_without_gpus(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(jobs=[job(container={"resourceRequirements": [
        {"type": "VCPU", "value": "1"}, {"type": "GPU", "value": "1"}]})])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL302", "it asks for 1 GPU(s), and none has a GPU among the "
                            "instance types its queue's compute environments may launch")


def test_every_environment_invalid(write_json: WriteJson, cli: Any) -> None:
    reason = "CLIENT_ERROR - Not authorized to perform sts:AssumeRole"
    bad = {**environment("genomics-ec2"), "status": "INVALID", "statusReason": reason}
    data = snapshot(environments=[bad], jobs=[job(
        reason="ACTION_REQUIRED - CE(s) associated with the job queue are invalid.")])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL110", f"compute environment `genomics-ec2` is INVALID ({reason})")
    assert found[0]["certainty"] == "certain" and found[0]["batch_agrees"] is True
    assert "no other usable compute environment" in found[0]["detail"]


def test_one_invalid_environment_beside_a_usable_one_is_only_possible(
        write_json: WriteJson, cli: Any) -> None:
    bad = {**environment("old"), "status": "INVALID"}
    data = snapshot(environments=[environment("genomics-ec2"), bad],
                    queues=[queue("genomics", "genomics-ec2", "old")])
    found = causes(write_json, cli, data)
    assert [(c["rule_id"], c["certainty"]) for c in found] == [("BL110", "possible")]


def test_only_environment_disabled(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(environments=[{**environment("genomics-ec2"), "state": "DISABLED"}])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL201", "compute environment `genomics-ec2` is DISABLED")


def test_queue_without_compute_and_queue_disabled(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(queues=[{**queue("genomics"), "state": "DISABLED"}])
    found = causes(write_json, cli, data)
    assert [(c["rule_id"], c["title"], c["certainty"]) for c in found] == [
        ("BL201", "job queue `genomics` has no compute environment", "certain"),
        (None, "job queue `genomics` is DISABLED", "possible")]


def test_quota_below_the_job(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(serviceQuotas=[quota("L-1216C47A", 0)])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL401", "the On-Demand Standard vCPU quota (L-1216C47A) is 0, less "
                            "than the 2 vCPUs the job asks for")


def test_quota_below_max_vcpus_is_likely(write_json: WriteJson, cli: Any) -> None:
    found = causes(write_json, cli, snapshot(serviceQuotas=[quota("L-1216C47A", 16)]))
    assert [(c["rule_id"], c["certainty"]) for c in found] == [("BL401", "likely")]
    assert found[0]["title"].endswith("is 16, below the 64 vCPUs `genomics-ec2` can use")


def test_instance_role_finding_is_mapped(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(environments=[environment("genomics-ec2", instanceRole="missing-profile")])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL102", "instances cannot join the ECS cluster: the instance role "
                            "is missing or wrong")
    assert "`genomics-ec2`" in found[0]["detail"]
    assert found[0]["resource"] == "compute-environment `genomics-ec2`"


def test_batch_reason_alone(write_json: WriteJson, cli: Any) -> None:
    reason = ("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity "
              "requested for instance type [m5.large]")
    found = causes(write_json, cli, snapshot(jobs=[job(reason=reason)]))
    assert found[0]["certainty"] == "batch" and found[0]["rule_id"] is None
    assert found[0]["title"].startswith("Batch says: EC2 has no capacity for the instance types")
    assert "jobStateTimeLimitActions could cancel" in found[0]["detail"]


def test_certain_causes_come_before_likely_ones(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(environments=[environment("genomics-ec2", instanceRole="missing-profile")],
                    serviceQuotas=[quota("L-1216C47A", 16)],
                    jobs=[job(container={"resourceRequirements": [
                        {"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "9000"}]})])
    found = causes(write_json, cli, data)
    assert [c["rule_id"] for c in found] == ["BL302", "BL102", "BL401"]


def test_nothing_found(write_json: WriteJson, cli: Any) -> None:
    out = why_json(cli, JOB_ID, write_json("snap.json", snapshot()))
    assert out["causes"] == []
    assert out["summary"] == ("job `align-sample-1` has been RUNNABLE for 3 h 5 min in job "
                              "queue `genomics`; batchlint found no reason in the configuration "
                              "and Batch gives none: it may wait behind running jobs (maxvCpus "
                              "reached) or for instances to start")


def test_fargate_size_fargate_does_not_offer(write_json: WriteJson, cli: Any) -> None:
    fargate_ce = {**environment("genomics-ec2"), "computeResources": {
        "type": "FARGATE", "maxvCpus": 16, "subnets": ["subnet-1"],
        "securityGroupIds": ["sg-1"]}}
    data = snapshot(environments=[fargate_ce], jobs=[job(
        platformCapabilities=["FARGATE"], container={"resourceRequirements": [
            {"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": "16384"}]})])
    found = causes(write_json, cli, data)
    assert first(found) == ("BL302", "it asks Fargate for 1 vCPU and 16,384 MiB, a size Fargate "
                            "does not offer")


def test_a_list_jobs_summary_is_sized_by_its_job_definition(write_json: WriteJson,
                                                            cli: Any) -> None:
    summary = job()
    del summary["container"]
    data = snapshot(definitions=[job_definition(memory="8192")], jobs=[summary])
    assert first(causes(write_json, cli, data))[0] == "BL302"


def test_no_network_path(write_json: WriteJson, cli: Any) -> None:
    """A private subnet with no NAT, no public IP and no endpoints (batchlint/network.py)."""
    data = snapshot(
        subnets=[{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a",
                  "OwnerId": ACCOUNT, "MapPublicIpOnLaunch": False,
                  "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-1"}],
        routeTables=[{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "OwnerId": ACCOUNT,
                      "Associations": [{"Main": True}],
                      "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
                                  "State": "active"}]}],
        vpcEndpoints=[],
        securityGroups=[{"GroupId": "sg-1", "VpcId": "vpc-1", "OwnerId": ACCOUNT,
                         "IpPermissionsEgress": [{"IpProtocol": "-1",
                                                  "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}])
    data["batchlint_snapshot"] = 2
    found = causes(write_json, cli, data)
    assert first(found) == ("BL113", "instances of `genomics-ec2` have no network path to ECS, "
                            "ECR and S3, so they never register")
    assert found[0]["certainty"] == "certain" and found[0]["kind"] == "network"
    assert found[0]["rule_name"] == "compute-without-network-path"


def test_network_not_verified_is_said(write_json: WriteJson, cli: Any) -> None:
    out = why_json(cli, JOB_ID, write_json("snap.json", snapshot()))
    assert any(note.startswith("network path of compute environment `genomics-ec2` not "
                               "verified: ") for note in out["not_checked"])


# -- BL402 gives why's most likely cause ----------------------------------------------------


def test_bl402_carries_the_most_likely_cause_of_its_oldest_job(write_json: WriteJson,
                                                               cli: Any) -> None:
    older = "0b1c2d3e-4198-45f2-a252-6cea32512ea8"
    data = snapshot(jobs=[
        job(container={"resourceRequirements": [{"type": "MEMORY", "value": "4096"}]}),
        job(job_id=older, createdAt=1772355000000, container={"resourceRequirements": [
            {"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "8192"}]})])
    path = write_json("snap.json", data)
    title = why_json(cli, older, path)["causes"][0]["title"]
    result = cli("scan", path, "--select", "BL402", "--format", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert (f"most likely cause (`batchlint why {older}`): {title} (BL302 "
            "job-exceeds-capacity)") in finding["message"]


# -- FAILED: each attempt explained ------------------------------------------------------------

FAILURES = [
    ("Task failed to start", "CannotPullContainerError: pull access denied for repo", None,
     ("BL311",)),
    ("Task failed to start", "CannotPullContainerError: dial tcp 52.1.2.3:443: i/o timeout",
     None, ("BL113", "BL310")),
    ("Task failed to start", "CannotPullContainerError: manifest unknown", None, ("BL306",)),
    ("Task failed to start", "ResourceInitializationError: unable to pull secrets or registry "
                             "auth: execution resource retrieval failed", None,
     ("BL311", "BL310", "BL113")),
    ("Essential container in task exited", "OutOfMemoryError: Container killed due to memory "
                                           "usage", 137, ("BL302",)),
    ("Essential container in task exited", "", 137, ("BL302",)),
    ("Host EC2 (instance i-0123456789abcdef0) terminated.", "", None, ("BL301", "BL307")),
    ("Task failed to start", "CannotPullContainerError: write /var/lib/docker/tmp: no space "
                             "left on device", None, ("BL103", "BL106")),
    ("Job attempt duration exceeded timeout", "", 143, ("BL305",)),
    ("Canceled by JobStateTimeLimit action due to reason: "
     "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", "", None, ("BL302",)),
    ("Essential container in task exited", "", 127, ()),
]


@pytest.mark.parametrize(("status_reason", "reason", "exit_code", "rules"), FAILURES)
def test_failed_attempt_explained(write_json: WriteJson, cli: Any, status_reason: str,
                                  reason: str, exit_code: int | None,
                                  rules: tuple[str, ...]) -> None:
    container: dict[str, Any] = {"reason": reason} if reason else {}
    if exit_code is not None:
        container["exitCode"] = exit_code
    failed = job(status="FAILED", reason=status_reason, attempts=[
        {"container": container, "statusReason": status_reason}])
    out = why_json(cli, JOB_ID, write_json("snap.json", snapshot(jobs=[failed])))
    (failure,) = out["failures"]
    assert failure["attempt"] == 1 and failure["exitCode"] == exit_code
    assert tuple(r["rule_id"] for r in failure["rules"]) == rules
    assert out["summary"].startswith("job `align-sample-1` FAILED in job queue `genomics` after "
                                     "1 attempt; last: ")


def test_every_attempt_is_explained_in_text(write_json: WriteJson, cli: Any) -> None:
    failed = job(status="FAILED", reason="Essential container in task exited", attempts=[
        {"container": {"exitCode": 137, "reason": "OutOfMemoryError: Container killed"},
         "statusReason": "Essential container in task exited"},
        {"container": {}, "statusReason": "Host EC2 (instance i-0abc) terminated."}])
    result = cli("why", JOB_ID, write_json("snap.json", snapshot(jobs=[failed])))
    assert result.exit_code == 0
    assert "attempt 1: Essential container in task exited | OutOfMemoryError" in result.stdout
    assert "[BL302 job-exceeds-capacity]" in result.stdout
    assert "attempt 2: Host EC2 (instance i-0abc) terminated." in result.stdout
    assert "[BL301 missing-retry-strategy, BL307 retry-without-exit-conditions]" in result.stdout


@pytest.mark.parametrize(("status", "summary"), [
    ("SUCCEEDED", "job `align-sample-1` in job queue `genomics` SUCCEEDED: it exited with code 0"),
    ("RUNNING", "job `align-sample-1` in job queue `genomics` is RUNNING"),
    ("STARTING", "job `align-sample-1` in job queue `genomics` is STARTING: it is placed on a "
                 "host, and its container is being pulled and started"),
])
def test_other_states_are_described(write_json: WriteJson, cli: Any, status: str,
                                    summary: str) -> None:
    out = why_json(cli, JOB_ID, write_json("snap.json", snapshot(jobs=[job(status=status)])))
    assert out["summary"] == summary and out["causes"] == [] and out["failures"] == []


# -- raw describe-jobs output ------------------------------------------------------------------


def test_describe_jobs_with_cli_outputs(write_json: WriteJson, cli: Any) -> None:
    data = snapshot()
    region = data["accounts"][0]["regions"][0]
    files = [write_json("jobs.json", {"jobs": [job(reason=MEMORY_REASON, container={
        "resourceRequirements": [{"type": "MEMORY", "value": "8192"}]})]}),
        write_json("ces.json", {"computeEnvironments": region["computeEnvironments"]}),
        write_json("queues.json", {"jobQueues": region["jobQueues"]})]
    out = why_json(cli, JOB_ID, *files)
    assert out["job"]["jobArn"] == f"{BATCH}:job/{JOB_ID}"
    assert [c["rule_id"] for c in out["causes"]][:1] == ["BL302"]


def test_describe_jobs_record_wins_over_a_list_jobs_summary(write_json: WriteJson) -> None:
    summary = job()
    del summary["container"]
    paths = [write_json("snap.json", snapshot(jobs=[summary])),
             write_json("jobs.json", {"jobs": [job()]})]
    model = load_files(paths).model
    found = find_job(model, JOB_ID)
    assert found is not None and "container" in found.data
    assert explain(model, found).causes == []


def test_a_workflow_with_a_jobs_mapping_is_not_describe_jobs(write_json: WriteJson,
                                                             cli: Any) -> None:
    path = write_json("ci.json", {"on": "push", "jobs": {"test": {"runs-on": "ubuntu"}}})
    result = cli("scan", path)
    assert result.exit_code == 0
    assert "not AWS Batch configuration" in result.stderr


# -- JSON shape ----------------------------------------------------------------------------------


def test_json_document_shape(write_json: WriteJson, cli: Any) -> None:
    out = why_json(cli, JOB_ID, write_json("snap.json", snapshot(jobs=[job(
        reason=MEMORY_REASON, container={"resourceRequirements": [
            {"type": "MEMORY", "value": "8192"}]})])))
    assert set(out) == {"schema_version", "tool", "job", "summary", "queue",
                        "compute_environments", "causes", "failures", "not_checked"}
    assert out["schema_version"] == 1 and out["tool"]["name"] == "batchlint"
    assert set(out["job"]) == {"jobId", "jobName", "jobArn", "status", "statusReason",
                               "jobQueue", "jobDefinition", "account", "region", "createdAt",
                               "startedAt", "stoppedAt", "age_minutes"}
    assert out["job"]["age_minutes"] == 185
    assert out["queue"]["name"] == "genomics" and out["queue"]["state"] == "ENABLED"
    (ce,) = out["compute_environments"]
    assert ce == {"kind": "compute-environment", "name": "genomics-ec2",
                  "arn": f"{BATCH}:compute-environment/genomics-ec2", "state": "ENABLED",
                  "status": "VALID", "statusReason": None, "type": "EC2", "maxvCpus": 64,
                  "instanceTypes": ["m5.large"]}
    assert set(out["causes"][0]) == {"title", "detail", "certainty", "kind", "rule_id",
                                     "rule_name", "resource", "batch_agrees"}


def test_text_fits_one_screen(write_json: WriteJson, cli: Any) -> None:
    data = snapshot(jobs=[job(reason=MEMORY_REASON, container={"resourceRequirements": [
        {"type": "MEMORY", "value": "8192"}]})])
    result = cli("why", JOB_ID, write_json("snap.json", data))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (f"job align-sample-1 ({JOB_ID})  RUNNABLE for 3 h 5 min  "
                        "123456789012 · us-east-1")
    assert "Why it is not placed (most likely first):" in lines
    assert len(lines) <= 24


# -- bad input: one line, exit 2 -----------------------------------------------------------------


def test_malformed_job_id(cli: Any) -> None:
    result = cli("why", "not-a-job", "whatever.json")
    assert result.exit_code == 2
    assert result.stderr == ("batchlint: error: malformed job id 'not-a-job': a Batch job id is "
                             "a UUID such as 876da822-4198-45f2-a252-6cea32512ea8 (or a job "
                             "ARN)\n")


def test_unknown_job_in_a_snapshot(write_json: WriteJson, cli: Any) -> None:
    other = "11111111-2222-3333-4444-555555555555"
    result = cli("why", other, write_json("snap.json", snapshot()))
    assert result.exit_code == 2
    assert result.stderr == (f"batchlint: error: job {other} is not in the files given: give "
                             "the output of `aws batch describe-jobs --jobs JOB_ID`, or a "
                             "snapshot exported with --include-jobs while the job was "
                             "RUNNABLE\n")


def test_describe_jobs_file_without_the_job(write_json: WriteJson, cli: Any) -> None:
    path = write_json("jobs.json", {"jobs": [job(job_id="11111111-2222-3333-4444-555555555555")]})
    result = cli("why", JOB_ID, path)
    assert result.exit_code == 2
    assert result.stderr == (f"batchlint: error: job {JOB_ID} is not in the describe-jobs "
                             f"output given ({path})\n")


def test_job_arn_is_accepted(write_json: WriteJson, cli: Any) -> None:
    out = why_json(cli, f"{BATCH}:job/{JOB_ID}", write_json("snap.json", snapshot()))
    assert out["job"]["jobId"] == JOB_ID


@pytest.mark.parametrize("option", [["--region", "us-east-1"], ["--timeout", "5"]])
def test_account_options_need_a_live_why(write_json: WriteJson, cli: Any,
                                         option: list[str]) -> None:
    result = cli("why", JOB_ID, write_json("snap.json", snapshot()), *option)
    assert result.exit_code == 2
    assert result.stderr == ("batchlint: error: account options (--profile, --region, "
                             "--timeout) apply to a live `why`, without PATH\n")


def test_the_diagnosis_of_one_resource_is_what_the_whole_run_finds_on_it() -> None:
    """``why`` and BL402 run the relevant rules over just the resources they ask about
    (a 10,000-job-definition account explains its stuck jobs without rerunning every
    rule): what that finds on each resource is what a run over the whole model finds,
    older revisions of a job definition answering with the latest one's results."""
    from batchlint.engine import RuleRun, run
    from batchlint.model import LINTED_KINDS
    from batchlint.why import RELEVANT_RULES, _builtin_rules, diagnose
    from batchlint.why_types import resource_key

    model = load_files([str(path) for path in sorted(EXAMPLES.iterdir())]).model
    rules = [rule for rule in _builtin_rules() if rule.id in RELEVANT_RULES]
    whole = run(model, [RuleRun(rule, rule.severity, {}) for rule in rules], located=False)
    lazy = diagnose(model)
    resources = [res for kind in LINTED_KINDS for res in model.of_kind(kind)]
    assert len(resources) > len({resource_key(res) for res in resources})  # revisions
    assert whole.findings
    for res in resources:
        key = resource_key(res)
        assert lazy.on(res) == [f for f in whole.findings if resource_key(f.resource) == key]
        assert lazy.unverified_on(res) == [g for g in whole.not_verified
                                           if resource_key(g.resource) == key]
