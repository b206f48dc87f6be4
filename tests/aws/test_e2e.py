"""End to end: the installed ``batchlint`` CLI, run as a separate process, against a moto_server.

A ``moto_server`` is started on 127.0.0.1 (a free port) for this module, an
account is built in it with boto3, and ``python -m batchlint`` is run with
``AWS_ENDPOINT_URL`` pointing at the server, fake credentials, and no other
AWS setting of the host (no profile, no config file, no instance metadata).
Nothing is mocked in the batchlint process: it resolves credentials, reads the
account over HTTP, and prints what a user would see.

The account (123456789012 in moto):

- us-east-1: ``ce-good`` (launch template mapping /dev/xvda to 100 GiB, a
  correct instance profile and service role: no finding); ``ce-bare-role``
  (instance role without AmazonEC2ContainerServiceforEC2Role: BL102);
  ``ce-spot`` (SPOT, BEST_FIT, no spotIamFleetRole: BL111); ``ce-unmanaged``
  (BL107); queues ``q-good`` and ``q-spot`` (Spot only: BL203); job
  definitions ``jd-fixed`` (revision 1 has a literal DB_PASSWORD, revision 2
  does not), ``jd-secret`` (literal API_TOKEN: BL303) and ``jd-ignored`` (no
  retry strategy, tagged ``batchlint:ignore = BL301``: suppressed).
- eu-west-1: ``ce-eu`` (no launch template: BL103) and ``jd-eu`` (BL301).
- every other region: empty.

moto does not serve the EC2 vCPU quotas, so BL401 is *not verified* in this
account, with the refused call as the reason — in the live scan and in the
snapshot alike.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
SECRET_VALUES = ("hunter2", "s3cr3t-value")
USER_DATA_SECRET = "echo TOKEN=abc"

# (rule_id, resource kind, resource name) of each finding of the CHECKED rules, per region;
# other rules run too (and must agree between the live scan and its snapshot), but what
# they find here is theirs to test
EXPECTED = {
    REGION: {
        ("BL102", "compute-environment", "ce-bare-role"),
        ("BL111", "compute-environment", "ce-spot"),
        ("BL107", "compute-environment", "ce-unmanaged"),
        ("BL203", "job-queue", "q-spot"),
        ("BL303", "job-definition", "jd-secret"),
    },
    OTHER_REGION: {
        ("BL103", "compute-environment", "ce-eu"),
        ("BL301", "job-definition", "jd-eu"),
    },
}
CHECKED = sorted({rule for found in EXPECTED.values() for rule, _, _ in found} | {"BL401"})


# -- the server -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _start_moto(log: Path, **settings: str) -> tuple[subprocess.Popen[bytes], str]:
    """A moto_server of our own on a free port; retried if the port was taken meanwhile."""
    # moto itself uses boto3: the host's AWS settings (a profile, say) must not reach it
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOTO"))}
    env.update(MOTO_IAM_LOAD_MANAGED_POLICIES="true", **settings)
    for _ in range(3):
        port = _free_port()
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=out, stderr=subprocess.STDOUT, env=env)
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if _answers(f"{endpoint}/moto-api/"):
                break
            time.sleep(0.1)
        if proc.poll() is None and _answers(f"{endpoint}/moto-api/"):
            return proc, endpoint
        _stop(proc)
    raise RuntimeError(f"moto_server did not start: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


# -- the account ----------------------------------------------------------------


def _trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


USER_DATA = base64.b64encode(
    b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="==B=="\n\n'
    b"--==B==\nContent-Type: text/x-shellscript\n\n" + USER_DATA_SECRET.encode()
    + b"\n--==B==--\n").decode()


def _populate(endpoint: str) -> str:
    """Build the account described in the module docstring; return its id."""
    import boto3

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name=REGION)

    def client(service: str, region: str = REGION) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint)

    iam = client("iam")
    service_role = iam.create_role(RoleName="BatchServiceRole",
                                   AssumeRolePolicyDocument=_trust("batch.amazonaws.com"))["Role"]
    iam.attach_role_policy(
        RoleName="BatchServiceRole",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole")
    profiles = {}
    for name, policy in (("Batch", "AmazonEC2ContainerServiceforEC2Role"), ("Bare", None)):
        iam.create_role(RoleName=f"{name}InstanceRole",
                        AssumeRolePolicyDocument=_trust("ec2.amazonaws.com"))
        if policy:
            iam.attach_role_policy(RoleName=f"{name}InstanceRole",
                                   PolicyArn=f"arn:aws:iam::aws:policy/service-role/{policy}")
        profiles[name] = iam.create_instance_profile(
            InstanceProfileName=f"{name}InstanceProfile")["InstanceProfile"]["Arn"]
        iam.add_role_to_instance_profile(InstanceProfileName=f"{name}InstanceProfile",
                                         RoleName=f"{name}InstanceRole")

    def network(region: str) -> tuple[Any, Any, dict[str, Any]]:
        ec2, batch = client("ec2", region), client("batch", region)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="batch", Description="batch",
                                          VpcId=vpc)["GroupId"]
        resources = {"type": "EC2", "minvCpus": 0, "maxvCpus": 16, "desiredvCpus": 0,
                     "instanceTypes": ["m5.large"], "subnets": [subnet],
                     "securityGroupIds": [group], "instanceRole": profiles["Batch"]}
        return ec2, batch, resources

    ec2, batch, resources = network(REGION)
    template = ec2.create_launch_template(LaunchTemplateName="batch-disk", LaunchTemplateData={
        "UserData": USER_DATA,
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                 "Ebs": {"VolumeSize": 100, "VolumeType": "gp3"}}],
    })["LaunchTemplate"]
    environments = {
        "ce-good": {**resources, "launchTemplate": {"launchTemplateName": "batch-disk",
                                                    "version": "$Default"}},
        "ce-bare-role": {**resources, "instanceRole": profiles["Bare"],
                         "launchTemplate": {"launchTemplateId": template["LaunchTemplateId"]}},
        "ce-spot": {**resources, "type": "SPOT", "bidPercentage": 60,
                    "launchTemplate": {"launchTemplateName": "batch-disk"}},
    }
    arns = {}
    for name, compute in environments.items():
        arns[name] = batch.create_compute_environment(
            computeEnvironmentName=name, type="MANAGED", state="ENABLED",
            computeResources=compute, serviceRole=service_role["Arn"])["computeEnvironmentArn"]
    batch.create_compute_environment(computeEnvironmentName="ce-unmanaged", type="UNMANAGED",
                                     state="ENABLED", serviceRole=service_role["Arn"])
    for queue, ce in (("q-good", "ce-good"), ("q-spot", "ce-spot")):
        batch.create_job_queue(jobQueueName=queue, state="ENABLED", priority=1,
                               computeEnvironmentOrder=[{"order": 1,
                                                         "computeEnvironment": arns[ce]}])
    container = {"image": "busybox", "vcpus": 1, "memory": 128}
    retry = {"retryStrategy": {"attempts": 3}}
    for name, env, extra in (
        ("jd-fixed", [{"name": "DB_PASSWORD", "value": SECRET_VALUES[0]}], retry),
        ("jd-fixed", [], retry),
        ("jd-secret", [{"name": "API_TOKEN", "value": SECRET_VALUES[1]}], retry),
        ("jd-ignored", [], {"tags": {"batchlint:ignore": "BL301"}}),
    ):
        batch.register_job_definition(jobDefinitionName=name, type="container",
                                      containerProperties={**container, "environment": env},
                                      **extra)

    _, batch, resources = network(OTHER_REGION)
    batch.create_compute_environment(computeEnvironmentName="ce-eu", type="MANAGED",
                                     state="ENABLED", computeResources=resources,
                                     serviceRole=service_role["Arn"])
    batch.register_job_definition(jobDefinitionName="jd-eu", type="container",
                                  containerProperties=container)
    return str(client("sts").get_caller_identity()["Account"])


# -- running the CLI ------------------------------------------------------------


@dataclass
class Server:
    endpoint: str
    account: str
    home: Path  # the working directory of every run; holds no config


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def _without_host_aws(mp: pytest.MonkeyPatch, home: Path) -> None:
    """Keep the host's AWS settings (profile, config files, keys) out of boto3 here."""
    for name in [n for n in os.environ if n.startswith(("AWS_", "BOTO"))]:
        mp.delenv(name)
    mp.setenv("AWS_CONFIG_FILE", str(home / "no-config"))
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "no-credentials"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("e2e")
    proc, endpoint = _start_moto(home / "moto.log")
    try:
        with pytest.MonkeyPatch.context() as mp:
            _without_host_aws(mp, home)
            account = _populate(endpoint)
        yield Server(endpoint, account, home)
    finally:
        _stop(proc)


def batchlint(server: Server, *args: str, credentials: bool = True,
              endpoint: str | None = None, **env: str) -> Run:
    """``python -m batchlint ARGS`` in a fresh process with only fake AWS settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOTO"))}
    clean.update({
        "AWS_ENDPOINT_URL": endpoint or server.endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(server.home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(server.home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    if credentials:
        clean.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    clean.update(env)
    done = subprocess.run([sys.executable, "-m", "batchlint", *args], cwd=server.home,
                          env=clean, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def found(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    """The findings of the CHECKED rules."""
    return {(f["rule_id"], f["resource"]["kind"], f["resource"]["name"])
            for f in report["findings"] if f["rule_id"] in CHECKED}


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """What a live scan and a scan of its snapshot must share: everything but locations."""
    def strip(item: dict[str, Any]) -> str:
        return json.dumps({k: v for k, v in item.items() if k != "location"}, sort_keys=True)

    return {key: sorted(strip(item) for item in report[key])
            for key in ("findings", "not_verified", "suppressed")} | {
        "summary": report["summary"]}


@pytest.fixture(scope="module")
def live_json(server: Server) -> Run:
    """``batchlint scan --format json`` of the default region (AWS_DEFAULT_REGION)."""
    return batchlint(server, "scan", "--format", "json")


@pytest.fixture(scope="module")
def two_regions_json(server: Server) -> Run:
    return batchlint(server, "scan", "--format", "json", "--region", REGION,
                     "--region", OTHER_REGION)


# -- scan -----------------------------------------------------------------------


def test_live_scan_prints_findings_per_resource_with_account_and_region(server: Server) -> None:
    run = batchlint(server, "scan", "--select", ",".join(CHECKED))
    assert run.code == 1, run.stderr
    assert f"compute-environment ce-bare-role  ({server.account} · {REGION})" in run.stdout
    assert "BL102 instance-role-missing" in run.stdout
    assert "job-queue q-spot" in run.stdout
    assert "Not verified" in run.stdout and "servicequotas:GetServiceQuota" in run.stdout
    assert "compute-environment ce-good " not in run.stdout  # healthy: no heading of its own
    assert OTHER_REGION not in run.stdout  # only the default region was read
    assert f"Found 3 errors, 0 warnings, 2 notes in 9 resources checked by {len(CHECKED)} " \
           "rules; 2 checks not verified; 1 suppressed." in run.stdout
    assert run.stderr == ""


def test_live_json_findings_carry_account_region_and_no_location(server: Server,
                                                                  live_json: Run) -> None:
    assert live_json.code == 1, live_json.stderr
    report = live_json.json()
    assert found(report) == EXPECTED[REGION]
    for finding in report["findings"]:
        resource = finding["resource"]
        assert resource["account"] == server.account
        assert resource["region"] == REGION
        assert resource["arn"].startswith(f"arn:aws:batch:{REGION}:{server.account}:")
        assert finding["location"] is None
    assert report["notes"] == []


def test_live_scan_reads_only_the_latest_revision_and_honours_ignore_tags(live_json: Run) -> None:
    """jd-fixed's revision 1 holds a literal DB_PASSWORD; revision 2 does not. jd-ignored
    lacks a retry strategy but is tagged ``batchlint:ignore = BL301`` in AWS."""
    report = live_json.json()
    assert ("BL303", "job-definition", "jd-fixed") not in found(report)
    seen = [r["resource"]["arn"] for key in ("findings", "not_verified", "suppressed")
            for r in report[key]]
    assert any(arn.endswith(":job-definition/jd-secret:1") for arn in seen)
    assert not any(arn.endswith(":job-definition/jd-fixed:1") for arn in seen)
    assert [(s["rule_id"], s["resource"]["name"]) for s in report["suppressed"]] == [
        ("BL301", "jd-ignored")]


def test_live_scan_missing_quota_data_is_not_verified_naming_the_call(live_json: Run) -> None:
    """moto serves no EC2 vCPU quota: BL401 is not verified (not passed, not a finding)."""
    report = live_json.json()
    assert not any(f["rule_id"] == "BL401" for f in report["findings"])
    unverified = [n for n in report["not_verified"] if n["rule_id"] == "BL401"]
    assert {n["resource"]["name"] for n in unverified} == {"ce-bare-role", "ce-spot"}
    for item in unverified:
        assert "servicequotas:GetServiceQuota" in item["reason"]
        assert item["location"] is None
    assert report["summary"]["not_verified"] == len(report["not_verified"])


def test_all_revisions_reads_every_active_revision(server: Server) -> None:
    run = batchlint(server, "scan", "--format", "json", "--all-revisions", "--select", "BL303")
    assert run.code == 1, run.stderr
    arns = {f["resource"]["arn"].rsplit("/", 1)[-1] for f in run.json()["findings"]}
    assert arns == {"jd-fixed:1", "jd-secret:1"}


def test_region_twice_reads_both_regions(server: Server, two_regions_json: Run) -> None:
    assert two_regions_json.code == 1, two_regions_json.stderr
    report = two_regions_json.json()
    assert found(report) == EXPECTED[REGION] | EXPECTED[OTHER_REGION]
    for finding in report["findings"]:
        resource = finding["resource"]
        region = REGION if resource["name"] not in ("ce-eu", "jd-eu") else OTHER_REGION
        assert resource["region"] == region
        assert resource["account"] == server.account
        assert f":{region}:{server.account}:" in resource["arn"]


def test_all_regions_reads_every_enabled_region(server: Server, two_regions_json: Run) -> None:
    """moto enables every region; only two hold Batch resources."""
    run = batchlint(server, "scan", "--format", "json", "--all-regions")
    assert run.code == 1, run.stderr
    report = run.json()
    assert report["notes"] == []
    assert comparable(report) == comparable(two_regions_json.json())


def test_fail_on_never_exits_zero_with_findings(server: Server) -> None:
    run = batchlint(server, "scan", "--fail-on", "never", "--format", "json")
    assert run.code == 0, run.stderr
    assert found(run.json()) == EXPECTED[REGION]


# -- export ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot(server: Server) -> Path:
    path = server.home / "snapshot.json"
    run = batchlint(server, "export", "--output", str(path), "--region", REGION,
                    "--region", OTHER_REGION)
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    return path


def test_two_exports_of_the_same_state_are_byte_identical(server: Server, snapshot: Path) -> None:
    again = server.home / "again.json"
    run = batchlint(server, "export", "--output", str(again), "--region", REGION,
                    "--region", OTHER_REGION)
    assert run.code == 0, run.stderr
    assert again.read_bytes() == snapshot.read_bytes()


def test_scanning_the_export_gives_the_live_scans_findings(server: Server, snapshot: Path,
                                                          two_regions_json: Run) -> None:
    run = batchlint(server, "scan", str(snapshot), "--format", "json")
    assert run.code == two_regions_json.code == 1, run.stderr
    report = run.json()
    assert comparable(report) == comparable(two_regions_json.json())
    # the same account state, now with positions in the file
    assert all(f["location"]["path"] == str(snapshot) for f in report["findings"])


def test_scanning_the_export_needs_no_aws(server: Server, snapshot: Path) -> None:
    run = batchlint(server, "scan", str(snapshot), "--format", "json", credentials=False,
                    endpoint="http://127.0.0.1:1")
    assert run.code == 1, run.stderr
    assert found(run.json()) == EXPECTED[REGION] | EXPECTED[OTHER_REGION]


def test_export_is_safe_to_commit(snapshot: Path) -> None:
    """Environment values and launch-template scripts do not reach the file; names and
    MIME headers (which rules read) do."""
    text = snapshot.read_text()
    for secret in (*SECRET_VALUES, "testing"):
        assert secret not in text
    data = json.loads(text)
    region = next(r for r in data["accounts"][0]["regions"] if r["region"] == REGION)
    jobdef = next(j for j in region["jobDefinitions"] if j["jobDefinitionName"] == "jd-secret")
    assert jobdef["containerProperties"]["environment"] == [
        {"name": "API_TOKEN", "value": "<redacted>"}]
    (version,) = region["launchTemplateVersions"]
    user_data = base64.b64decode(version["LaunchTemplateData"]["UserData"]).decode()
    assert "Content-Type: multipart/mixed" in user_data
    assert USER_DATA_SECRET not in user_data


def test_export_keep_env_values_opts_out_of_redaction(server: Server) -> None:
    run = batchlint(server, "export", "--output", "-", "--keep-env-values")
    assert run.code == 0, run.stderr
    assert SECRET_VALUES[1] in run.stdout  # jd-secret, the latest revision of its name
    assert json.loads(run.stdout)["batchlint_snapshot"] == 3


# -- iam-policy -----------------------------------------------------------------


def test_iam_policy_names_every_action_the_scan_makes(server: Server) -> None:
    from batchlint.aws.policy import SCAN_ACTIONS

    run = batchlint(server, "iam-policy", credentials=False)
    assert run.code == 0, run.stderr
    policy = json.loads(run.stdout)
    assert policy["Version"] == "2012-10-17"
    actions = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert set(SCAN_ACTIONS) <= actions
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    for action in actions:  # read-only: nothing that could change the account
        assert action.split(":", 1)[1].startswith(("Describe", "List", "Get")), action


# -- errors: one line, exit 2 -----------------------------------------------------


def test_no_credentials_is_one_line_and_exit_2(server: Server) -> None:
    config = server.home / "config-prod"
    config.write_text("[profile prod]\nregion = us-east-1\n")
    run = batchlint(server, "scan", "--profile", "prod", credentials=False,
                    AWS_CONFIG_FILE=str(config))
    assert run.code == 2
    assert run.stderr == "batchlint: error: no AWS credentials for profile 'prod'\n"
    assert run.stdout == ""


def test_unreachable_endpoint_is_one_line_and_exit_2(server: Server) -> None:
    run = batchlint(server, "scan", endpoint=f"http://127.0.0.1:{_free_port()}")
    assert run.code == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("batchlint: error: cannot reach AWS"), lines
    assert run.stdout == ""


def test_a_region_that_cannot_be_read_is_reported_and_the_others_scanned(server: Server) -> None:
    """moto answers 500 in a region it does not know: the region is named in a note on
    stderr and in the report, and the other region's findings are all there."""
    run = batchlint(server, "scan", "--format", "json", "--region", REGION,
                    "--region", "moon-1")
    assert run.code == 1, run.stderr
    report = run.json()
    assert found(report) == EXPECTED[REGION]
    (note,) = report["notes"]
    assert note.startswith(f"region moon-1 of account {server.account} not scanned: ")
    assert "batch:DescribeComputeEnvironments" in note
    assert run.stderr == f"batchlint: {note}\n"


# -- a principal that may not read Batch -------------------------------------------


def test_strict_fails_when_batch_refuses_to_describe_a_region(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A principal whose policy lacks batch:Describe* (moto's IAM enforcement, in a second
    moto_server that enforces it after the 3 calls that create the principal) reads no
    Batch resource at all. The region is reported as not scanned, naming the refused call;
    and since nothing in it was verified, ``--strict`` must not let the run pass.

    When no region at all can be read the scan is an error (exit 2); when some can,
    ``--strict`` fails on the unread ones (tests/aws/test_faults.py)."""
    _without_host_aws(monkeypatch, tmp_path)
    proc, endpoint = _start_moto(tmp_path / "moto.log", INITIAL_NO_AUTH_ACTION_COUNT="3")
    try:
        import boto3

        iam = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                            region_name=REGION).client("iam", endpoint_url=endpoint)
        iam.create_user(UserName="scanner")
        iam.put_user_policy(UserName="scanner", PolicyName="everything-but-batch",
                            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                                "Effect": "Allow", "Resource": "*",
                                "Action": ["ec2:Describe*", "iam:Get*", "iam:List*",
                                           "servicequotas:Get*"]}]}))
        key = iam.create_access_key(UserName="scanner")["AccessKey"]
        run = batchlint(Server(endpoint, "", tmp_path), "scan", "--strict", "--format", "json",
                        credentials=False, AWS_ACCESS_KEY_ID=key["AccessKeyId"],
                        AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
    finally:
        _stop(proc)
    # nothing at all could be read: one clear error, exit 2, whether --strict or not
    assert run.code == 2, "a scan that could not read Batch at all must not pass"
    assert run.stderr.startswith(f"batchlint: error: no region could be read: region {REGION} "
                                 "of account ")
    assert "batch:DescribeComputeEnvironments" in run.stderr and run.stderr.count("\n") == 1


# -- packaging ------------------------------------------------------------------------


def test_every_batchlint_package_is_in_the_wheel() -> None:
    """The tests above run the editable install, which finds every package on disk. The
    wheel holds only the packages pyproject.toml lists ([tool.setuptools] packages): one
    missing there (batchlint.aws) makes the installed CLI's live scan and export fail
    with ModuleNotFoundError.

    """
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    packages = {".".join(init.parent.relative_to(REPO).parts)
                for init in (REPO / "batchlint").rglob("__init__.py")}
    assert packages - listed == set()
