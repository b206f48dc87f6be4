"""Loading files: raw AWS CLI outputs, snapshots, positions, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.errors import InputError
from batchlint.loaders import load_files
from batchlint.model import Absent, Unknown

from .conftest import EXAMPLES, compute_environment


def test_example_account_forms_one_view() -> None:
    loaded = load_files(sorted(str(p) for p in EXAMPLES.glob("*.json")))
    model = loaded.model
    assert {r.name for r in model.of_kind(m.COMPUTE_ENVIRONMENT)} == {
        "genomics-spot", "genomics-ondemand", "legacy-al1", "reports-fargate"}
    ce = model.find(m.COMPUTE_ENVIRONMENT, "genomics-spot")
    assert ce is not None and (ce.account, ce.region) == ("123456789012", "us-east-1")
    # a queue's computeEnvironment may be a name or an ARN
    arn = "arn:aws:batch:us-east-1:123456789012:compute-environment/genomics-spot"
    assert model.find(m.COMPUTE_ENVIRONMENT, arn) is ce
    # only the latest ACTIVE revision is linted
    revisions = [r.data["revision"] for r in model.linted(m.JOB_DEFINITION)
                 if r.name == "align-reads"]
    assert revisions == [2]
    # an unfiltered get-account-authorization-details is complete IAM data
    assert model.is_complete(m.IAM, "123456789012")
    assert isinstance(model.lookup(m.IAM_ROLE, "nope", m.IAM, "123456789012"), Absent)
    assert model.find(m.INSTANCE_PROFILE, "ecsInstanceRole") is not None
    assert loaded.notes == []


def test_unknown_is_not_absent(write_json) -> None:
    path = write_json("ce.json", {"computeEnvironments": [compute_environment("a")]})
    model = load_files([path]).model
    result = model.lookup(m.IAM_ROLE, "ecsInstanceRole", m.IAM, "123456789012")
    assert isinstance(result, Unknown)
    assert "no complete IAM roles and instance profiles for account 123456789012" in result.reason


def test_list_roles_with_list_instance_profiles_is_complete(write_json) -> None:
    role = {"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r"}
    profile = {"InstanceProfileName": "p", "Arn": "arn:aws:iam::123456789012:instance-profile/p",
               "Roles": [role]}
    roles = write_json("roles.json", {"Roles": [role], "IsTruncated": False})
    model = load_files([roles]).model
    assert not model.is_complete(m.IAM, "123456789012")
    profiles = write_json("profiles.json", {"InstanceProfiles": [profile]})
    model = load_files([roles, profiles]).model
    assert model.is_complete(m.IAM, "123456789012")
    truncated = write_json("t.json", {"Roles": [role], "IsTruncated": True, "Marker": "x"})
    assert not load_files([truncated, profiles]).model.is_complete(m.IAM, "123456789012")


def test_same_role_from_two_outputs_is_merged(write_json) -> None:
    arn = "arn:aws:iam::123456789012:role/r"
    a = write_json("a.json", {"Roles": [{"RoleName": "r", "Arn": arn}]})
    b = write_json("b.json", {"Role": {"RoleName": "r", "Arn": arn,
                                       "AssumeRolePolicyDocument": {"Statement": []}}})
    roles = load_files([a, b]).model.of_kind(m.IAM_ROLE)
    assert len(roles) == 1 and "AssumeRolePolicyDocument" in roles[0].data


def test_snapshot_datasets_present_are_complete(write_json) -> None:
    path = write_json("snap.json", {
        "batchlint_snapshot": 1,
        "accounts": [{"account": "123456789012", "regions": [
            {"region": "eu-west-1", "computeEnvironments": [compute_environment("a")],
             "images": []}],
            "notCollected": [{
                "dataset": "service-quotas", "region": "eu-west-1",
                "reason": "AccessDeniedException on servicequotas:GetServiceQuota"}]}],
    })
    model = load_files([path]).model
    assert isinstance(model.lookup(m.IMAGE, "ami-1", m.IMAGES, "123456789012", "eu-west-1"),
                      Absent)
    gap = model.lookup(m.SERVICE_QUOTA, "L-1216C47A", m.SERVICE_QUOTAS, "123456789012",
                       "eu-west-1")
    assert isinstance(gap, Unknown) and "AccessDeniedException" in gap.reason


def test_positions_point_at_the_resource(write_json) -> None:
    path = write_json("ce.json", {"computeEnvironments": [compute_environment("a"),
                                                          compute_environment("b")]})
    loaded = load_files([path])
    ce = loaded.model.find(m.COMPUTE_ENVIRONMENT, "b")
    assert ce is not None
    doc = loaded.documents[path]
    line, col = doc.position((*ce.origin.pointer, "computeResources", "maxvCpus"))
    text_line = Path(path).read_text().splitlines()[line - 1]
    assert text_line[col - 1:].startswith('"maxvCpus"')


def test_not_batch_configuration_is_skipped_with_a_note(write_json) -> None:
    path = write_json("package.json", {"name": "web", "version": "1.0.0"})
    loaded = load_files([path])
    assert loaded.notes == [f"skipped {path}: not AWS Batch configuration"]
    assert load_files([write_json("list.json", [1, 2])]).notes


BAD_INPUTS = [
    ("malformed.json", b'{"computeEnvironments": [\n  {"a": 1,}\n]}',
     ":2:11: invalid JSON: Expecting property name enclosed in double quotes"),
    ("empty.json", b"  \n", ": empty file"),
    ("latin1.json", '{"computeEnvironments": "caf\xe9"}'.encode("latin-1"),
     ": not UTF-8 text (undecodable byte at offset 28)"),
    ("wrong-shape.json", b'{"computeEnvironments": "genomics"}',
     ":1:2: computeEnvironments must be a list, not a string"),
    ("no-name.json", b'{"jobQueues": [{"state": "ENABLED"}]}',
     ":1:16: jobQueues[0] has no jobQueueName"),
    ("bad-field.json", b'{"computeEnvironments": [{"computeEnvironmentName": "a",'
                       b' "computeResources": {"maxvCpus": "lots"}}]}',
     ":1:79: computeEnvironments[0].computeResources.maxvCpus must be an integer"),
    ("future.json", b'{"batchlint_snapshot": 4, "accounts": []}',
     ":1:2: snapshot format 4 is newer than this batchlint reads (3); upgrade batchlint"),
    ("bad-snapshot.json", b'{"batchlint_snapshot": 1, "accounts": [{"regions": []}]}',
     ":1:40: accounts[0].account must be a non-empty string"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS,
                         ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_clear_line(tmp_path: Path, cli, name: str, content: bytes,
                                     message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError):
        load_files([str(path)])
    result = cli("scan", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"batchlint: error: {path}{message}\n"
    assert result.stdout == ""


def test_missing_file_and_directory(tmp_path: Path, cli) -> None:
    result = cli("scan", str(tmp_path / "nope.json"))
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {tmp_path / 'nope.json'}: no such file\n")
    result = cli("scan", str(tmp_path))  # directories are read for their Terraform modules
    assert result.exit_code == 0
    assert f"skipped {tmp_path}: a directory without Terraform files" in result.stderr


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ce.json"
    path.write_bytes(json.dumps({"computeEnvironments": [compute_environment("a")]})
                     .encode("utf-16"))
    assert load_files([str(path)]).model.find(m.COMPUTE_ENVIRONMENT, "a") is not None
