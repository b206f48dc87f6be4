"""`batchlint export` keeps no secret (issue 15, items 1 and 2), and BL303 reads the
snapshot as it reads the account.

The moto account of conftest gets, in this module, job definitions of every container
kind holding secrets in each place the review found them kept (environment values
that only contain a reference, parameters, command arguments, log-driver options,
tags), and a compute environment whose launch template's user data is a plain shell
script with ``Content-Type:`` in its first lines.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from batchlint.export import normalise

from .conftest import EAST, GENEROUS, Account, Hooks, findings, inject_quotas, not_verified

PASSWORD = "Sup3r-S3cret-pw-4711"
BEARER = "bearer-token-0123456789abcdef"
ACCESS_KEY = "AKIAZZZZEXAMPLE12345"
SHELL = (f'#!/bin/bash\ncurl -H "Content-Type: application/json" -H "Authorization: Bearer '
         f'{BEARER}" -u admin:{PASSWORD} https://example.com/register\n\necho done\n')
SECRETS = (PASSWORD, BEARER, ACCESS_KEY, base64.b64encode(SHELL.encode()).decode())
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
CONTAINER: dict[str, Any] = {
    "image": "busybox", "vcpus": 1, "memory": 512,
    "command": ["python", "job.py", "--password", PASSWORD, f"--token={BEARER}",
                "Ref::input", "-v"],
    "environment": [
        {"name": "DB_URL", "value": f"postgres://admin:{PASSWORD}@{{{{resolve:ssm:/db/host}}}}/x"},
        {"name": "DB_PASSWORD", "value": f"{PASSWORD}{{{{resolve:ssm:/db/extra}}}}"},
        {"name": "API_TOKEN", "value": PASSWORD},
        {"name": "DB_SECRET", "value": SECRET_ARN},
        {"name": "ODD_SECRET", "value": f"arn:aws:{PASSWORD} and more"}],
    "logConfiguration": {"logDriver": "splunk",
                         "options": {"splunk-token": BEARER, "splunk-url": "https://splunk",
                                     "awslogs-group": "/batch/jobs"},
                         "secretOptions": [{"name": "splunk-token", "valueFrom": SECRET_ARN}]},
}
COMMAND = ["python", "<redacted>", "--password", "<redacted>", "--token=<redacted>",
           "Ref::input", "-v"]
ENVIRONMENT = {"DB_URL": "<redacted>{{resolve:ssm:/db/host}}<redacted>",
               "DB_PASSWORD": "<redacted>{{resolve:ssm:/db/extra}}",
               "API_TOKEN": "<redacted>", "DB_SECRET": SECRET_ARN,
               "ODD_SECRET": "arn:aws:<redacted>"}


@pytest.fixture(scope="module", autouse=True)
def leaky(account: Account) -> Iterator[None]:
    """Job definitions and a launch template that hold secrets, in the module's moto."""
    session = boto3.Session(region_name=EAST)
    batch, ec2 = session.client("batch"), session.client("ec2")
    batch.register_job_definition(
        jobDefinitionName="leaky", type="container", containerProperties=CONTAINER,
        retryStrategy={"attempts": 2}, parameters={"password": PASSWORD, "input": "s3://b/k"},
        tags={"owner": "team-a", "api_token": PASSWORD, "note": ACCESS_KEY,
              "batchlint:ignore": "BL305"})
    batch.register_job_definition(
        jobDefinitionName="leaky-eks", type="container", retryStrategy={"attempts": 2},
        eksProperties={"podProperties": {
            "initContainers": [{"name": "init", "image": "busybox",
                                "command": ["sh", "-c", f"echo {PASSWORD}"],
                                "env": [{"name": "INIT_TOKEN", "value": BEARER}]}],
            "containers": [{"name": "main", "image": "busybox", "command": ["python"],
                            "args": ["--api-key", ACCESS_KEY, "run"],
                            "env": [{"name": "DB_URL", "value": CONTAINER["environment"][0][
                                "value"]}]}]}})
    template = ec2.create_launch_template(LaunchTemplateName="shell-nodes", LaunchTemplateData={
        "UserData": base64.b64encode(SHELL.encode()).decode()})["LaunchTemplate"]
    (subnet,) = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"][:1]]
    role = account.roles["AWSBatchServiceRole"]
    batch.create_compute_environment(
        computeEnvironmentName="shell-ce", type="MANAGED", state="ENABLED", serviceRole=role,
        computeResources={"type": "EC2", "minvCpus": 0, "maxvCpus": 16, "instanceTypes": ["m5"],
                          "subnets": [subnet], "instanceRole": account.profile_arn,
                          "securityGroupIds": [ec2.describe_security_groups()[
                              "SecurityGroups"][0]["GroupId"]],
                          "launchTemplate": {"launchTemplateId": template["LaunchTemplateId"]}})
    yield


def _export(cli: Callable[..., Any], path: Path, *args: str) -> dict[str, Any]:
    result = cli("export", "--output", str(path), "--region", EAST, *args)
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    text = path.read_text(encoding="utf-8")
    leaked = [secret for secret in SECRETS if secret in text]
    assert leaked == [], f"the snapshot keeps {leaked}"
    snapshot: dict[str, Any] = json.loads(text)
    return snapshot


def _jobdef(snapshot: dict[str, Any], name: str) -> dict[str, Any]:
    (region,) = snapshot["accounts"][0]["regions"]
    (found,) = [d for d in region["jobDefinitions"] if d["jobDefinitionName"] == name]
    return found


def test_plain_shell_user_data_with_a_content_type_line_is_redacted_entirely(
        cli, hooks: Hooks, tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    snapshot = _export(cli, tmp_path / "s.json")
    (region,) = snapshot["accounts"][0]["regions"]
    versions = {v["LaunchTemplateName"]: v["LaunchTemplateData"].get("UserData")
                for v in region["launchTemplateVersions"]}
    assert versions["shell-nodes"] == "<redacted>"


def test_every_literal_of_every_container_kind_is_redacted(cli, hooks: Hooks,
                                                           tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    snapshot = _export(cli, tmp_path / "s.json")
    leaky = _jobdef(snapshot, "leaky")
    assert leaky["parameters"] == {"password": "<redacted>", "input": "<redacted>"}
    assert leaky["tags"] == {"owner": "team-a", "api_token": "<redacted>",
                             "note": "<redacted>", "batchlint:ignore": "BL305"}
    for container in (leaky["containerProperties"],):
        assert container["command"] == COMMAND
        assert {e["name"]: e["value"] for e in container["environment"]} == ENVIRONMENT
        assert container["logConfiguration"] == {
            "logDriver": "splunk",
            "options": {"splunk-token": "<redacted>", "splunk-url": "<redacted>",
                        "awslogs-group": "/batch/jobs"},
            "secretOptions": [{"name": "splunk-token", "valueFrom": SECRET_ARN}]}
    pod = _jobdef(snapshot, "leaky-eks")["eksProperties"]["podProperties"]
    assert pod["initContainers"][0]["command"] == ["sh", "-c", "<redacted>"]
    assert pod["initContainers"][0]["env"] == [{"name": "INIT_TOKEN", "value": "<redacted>"}]
    assert pod["containers"][0]["command"] == ["python"]
    # a value BL303 knows by its shape keeps its kind, so the snapshot is read like the account
    assert pod["containers"][0]["args"] == ["--api-key", "<redacted: an AWS access key id>",
                                            "<redacted>"]
    assert pod["containers"][0]["env"] == [{"name": "DB_URL",
                                            "value": ENVIRONMENT["DB_URL"]}]


def test_keep_env_values_keeps_only_the_environment(cli, hooks: Hooks, tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    path = tmp_path / "kept.json"
    result = cli("export", "--output", str(path), "--region", EAST, "--keep-env-values")
    assert result.exit_code == 0, result.stderr
    leaky = _jobdef(json.loads(path.read_text()), "leaky")["containerProperties"]
    assert leaky["environment"] == CONTAINER["environment"]
    assert leaky["command"] == COMMAND


def test_bl303_reads_the_snapshot_as_it_reads_the_account(cli, hooks: Hooks,
                                                          tmp_path: Path) -> None:
    inject_quotas(hooks, GENEROUS)
    path = tmp_path / "s.json"
    _export(cli, path)
    live = cli("scan", "--region", EAST, "--select", "BL303", "--format", "json")
    from_file = cli("scan", str(path), "--select", "BL303", "--format", "json")
    live_report, file_report = json.loads(live.stdout), json.loads(from_file.stdout)
    assert findings(file_report) == findings(live_report)
    assert not_verified(file_report) == not_verified(live_report)
    flagged = {f["message"] for f in live_report["findings"] if f["resource"]["name"] == "leaky"}
    assert any("`API_TOKEN` (containerProperties.environment[2])" in m for m in flagged)
    assert not any("DB_PASSWORD" in m for m in flagged)  # it holds a reference


def test_ecs_multi_container_and_multi_node_jobs_are_redacted() -> None:
    """ecsProperties and nodeProperties (which moto does not keep) through the same
    normalisation as the export."""
    two = {"containers": [{**CONTAINER, "name": "a"},
                          {"name": "b", "command": [f"echo {PASSWORD}"]}]}
    ecs = {"jobDefinitionName": "ecs", "jobDefinitionArn": "arn:aws:batch:us-east-1:1:a",
           "ecsProperties": {"taskProperties": [two]}}
    mnp = {"jobDefinitionName": "mnp", "jobDefinitionArn": "arn:aws:batch:us-east-1:1:b",
           "nodeProperties": {"nodeRangeProperties": [
               {"targetNodes": "0", "container": CONTAINER},
               {"targetNodes": "1:", "ecsProperties": {"taskProperties": [two]}}]}}
    out = normalise({"accounts": [{"account": "1", "regions": [
        {"region": EAST, "jobDefinitions": [ecs, mnp]}]}]}, keep_env_values=False)
    text = json.dumps(out)
    assert [secret for secret in SECRETS if secret in text] == []
    ecs_out, mnp_out = out["accounts"][0]["regions"][0]["jobDefinitions"]
    ranges = mnp_out["nodeProperties"]["nodeRangeProperties"]
    for task in (ecs_out["ecsProperties"]["taskProperties"][0],
                 ranges[1]["ecsProperties"]["taskProperties"][0]):
        a, b = task["containers"]
        assert a["command"] == COMMAND and b["command"] == ["<redacted>"]
        assert {e["name"]: e["value"] for e in a["environment"]} == ENVIRONMENT
        assert a["logConfiguration"]["options"]["splunk-token"] == "<redacted>"
    assert ranges[0]["container"]["command"] == COMMAND
    assert {e["name"]: e["value"] for e in ranges[0]["container"]["environment"]} == \
        ENVIRONMENT


MIME = ('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n'
        '--B\nContent-Type: text/cloud-config; charset="us-ascii"\nX-Token: leak-1\n\n'
        f'write_files: [{{content: {PASSWORD}}}]\n'
        '--B\nContent-Type: text/x-shellscript\n\n#!/bin/bash\n'
        f'curl -H "Content-Type: a/b" -H "Authorization: Bearer {BEARER}"\n--B--\n')


@pytest.mark.parametrize(("text", "kept"), [
    (SHELL, None),
    ('#cloud-config\nContent-Type: text/plain\n\npassword: ' + PASSWORD, None),
    (MIME, 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n'
           '--B\nContent-Type: text/cloud-config; charset="us-ascii"\n\n'
           '--B\nContent-Type: text/x-shellscript\n\n--B--\n'),
    (f"Content-Type: text/x-shellscript; token={BEARER}\n\n#!/bin/bash\necho {PASSWORD}\n",
     "Content-Type: text/x-shellscript\n"),
], ids=["shell-with-content-type-line", "cloud-config", "multipart", "single-part"])
def test_user_data_keeps_only_mime_headers(text: str, kept: str | None) -> None:
    version = {"LaunchTemplateData": {"UserData": base64.b64encode(text.encode()).decode()}}
    out = normalise({"accounts": [{"account": "1", "regions": [
        {"region": EAST, "launchTemplateVersions": [version]}]}]})
    data = out["accounts"][0]["regions"][0]["launchTemplateVersions"][0]["LaunchTemplateData"]
    if kept is None:
        assert data["UserData"] == "<redacted>"
    else:
        assert base64.b64decode(data["UserData"]).decode() == kept
