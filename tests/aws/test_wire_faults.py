"""Attacks from the network and the credentials (issue 15, items 6, 11, 13 and 18).

The account is moto's (in-process ``mock_aws``, see conftest); one service at a time is
pointed (``AWS_ENDPOINT_URL_<SERVICE>``) at a tiny server on 127.0.0.1 that misbehaves:
it accepts connections and never answers, closes them unanswered, or answers 200 with
an HTML page. Every case ends in one line, or in a note and not-verified checks, within
a few seconds (``--timeout 2``), never in a traceback or a hang.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from batchlint.cli import app

from .conftest import ACCOUNT, EAST, GENEROUS, Hooks, inject_quotas

pytestmark = pytest.mark.usefixtures("account")
HTML = b"<html><body>Service Unavailable</body></html>"


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@contextmanager
def local_server(behaviour: str) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a server that is ``silent`` (accepts, never answers),
    ``closing`` (accepts, closes unanswered) or ``html`` (answers 200 with an HTML page)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def answer(conn: socket.socket) -> None:
        conn.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(HTML), HTML))
        conn.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            if behaviour == "silent":
                held.append(conn)
            elif behaviour == "closing":
                conn.close()
            else:
                threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


@contextmanager
def endpoint(monkeypatch: pytest.MonkeyPatch, service: str, behaviour: str) -> Iterator[str]:
    with local_server(behaviour) as url:
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service.upper()}", url)
        yield url[len("http://"):]


def _timed(*args: str) -> tuple[Any, float]:
    start = time.monotonic()
    result = _cli(*args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result, time.monotonic() - start


# -- item 6: an endpoint that never answers ------------------------------------------


def test_a_silent_ec2_endpoint_costs_about_the_timeout_and_its_data_is_not_verified(
        hooks: Hooks, monkeypatch: pytest.MonkeyPatch) -> None:
    """EC2 accepts connections and never answers: the first EC2 call gives up after
    ``--timeout`` seconds, the others are not sent, and every EC2-backed check is not
    verified with the reason; Batch, IAM and the quotas are read as usual."""
    inject_quotas(hooks, GENEROUS)
    with endpoint(monkeypatch, "ec2", "silent") as host:
        result, seconds = _timed("scan", "--region", EAST, "--timeout", "2",
                                 "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert seconds < 8, seconds
    report = json.loads(result.stdout)
    reasons = {n["reason"] for n in report["not_verified"]}
    first = ("launch template `batch-nodes` version $Latest: Read timeout on endpoint URL: "
             f'"http://{host}/" (ec2:DescribeLaunchTemplates)')
    skipped = f"{host} did not answer within 2 s (--timeout); ec2:DescribeImages not sent"
    assert any(r.endswith(first) for r in reasons), reasons
    assert any(r.endswith(skipped) for r in reasons), reasons
    assert report["findings"]  # Batch was read: its own checks ran


def test_a_silent_batch_endpoint_is_one_line_within_the_timeout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with endpoint(monkeypatch, "batch", "silent") as host:
        result, seconds = _timed("scan", "--region", EAST, "--timeout", "2")
    assert seconds < 8, seconds
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"batchlint: error: no region could be read: region {EAST} of account {ACCOUNT} not "
        f'scanned: Read timeout on endpoint URL: "http://{host}/v1/describecomputeenvironments"'
        " (batch:DescribeComputeEnvironments)\n")


# -- item 18 and 11: a 200 reply that is not what AWS sends -------------------------------


def test_a_non_json_200_from_batch_is_a_note_naming_the_call_not_an_empty_account(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with endpoint(monkeypatch, "batch", "html"):
        result, _ = _timed("scan", "--region", EAST, "--timeout", "2")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"batchlint: error: no region could be read: region {EAST} of account {ACCOUNT} not "
        "scanned: the reply to batch:DescribeComputeEnvironments is not what AWS sends "
        "(not a JSON object)\n")


def test_a_non_xml_200_from_ec2_leaves_its_checks_not_verified(
        hooks: Hooks, monkeypatch: pytest.MonkeyPatch) -> None:
    inject_quotas(hooks, GENEROUS)
    with endpoint(monkeypatch, "ec2", "html"):
        result, _ = _timed("scan", "--region", EAST, "--timeout", "2", "--format", "json")
    assert result.exit_code == 1, result.stderr
    reasons = {n["reason"] for n in json.loads(result.stdout)["not_verified"]}
    assert any(r.endswith("launch template `batch-nodes` version $Latest: the reply to "
                          "ec2:DescribeLaunchTemplates is not what AWS sends (not an AWS XML "
                          "reply)") for r in reasons), reasons


def test_a_non_xml_200_from_sts_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    with endpoint(monkeypatch, "sts", "html"):
        result, _ = _timed("scan", "--region", EAST, "--timeout", "2")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: cannot reach AWS: the reply to sts:GetCallerIdentity is not "
               "what AWS sends (not an AWS XML reply)\n")


# -- item 11: faults of the calls before the scan ---------------------------------------


def test_an_invalid_region_is_one_line() -> None:
    result = _cli("scan", "--region", "us east 1")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: invalid region 'us east 1' (from --region): a region is a "
               "name such as us-east-1\n")


def test_an_invalid_default_region_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us east 1")
    result = _cli("export", "--output", "-")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: invalid region 'us east 1' (from the profile or "
               "AWS_DEFAULT_REGION): a region is a name such as us-east-1\n")


@pytest.mark.parametrize("behaviour", ["closing", "refusing"])
def test_org_role_when_organizations_cannot_be_read_is_one_line(
        monkeypatch: pytest.MonkeyPatch, behaviour: str) -> None:
    if behaviour == "refusing":  # nothing listens on the port any more
        with local_server("closing") as url:
            pass
        monkeypatch.setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", url)
        why = f'Could not connect to the endpoint URL: "{url}/"'
    else:
        with endpoint(monkeypatch, "organizations", "closing") as host:
            result, _ = _timed("scan", "--org-role", "Audit", "--region", EAST,
                               "--timeout", "2")
        why = ("Connection was closed before we received a valid response from endpoint "
               f'URL: "http://{host}/".')
    if behaviour == "refusing":
        result, _ = _timed("scan", "--org-role", "Audit", "--region", EAST, "--timeout", "2")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"batchlint: error: cannot list the organization's accounts: {why} "
               "(organizations:ListAccounts)\n")


def test_a_connection_closed_during_describe_regions_is_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with endpoint(monkeypatch, "ec2", "closing") as host:
        result, seconds = _timed("scan", "--all-regions", "--timeout", "2")
    assert seconds < 8, seconds
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: cannot list the enabled regions: Connection was closed "
               f'before we received a valid response from endpoint URL: "http://{host}/". '
               "(ec2:DescribeRegions)\n")


# -- item 11: credentials that cannot be had ---------------------------------------------


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    return path


CREDENTIAL_FAULTS = {
    "credential-process-fails": (
        "[profile p]\ncredential_process = /bin/false\n",
        "Error when retrieving credentials from custom-process:"),
    "source-profile-missing": (
        "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = nope\n",
        'The source_profile "nope" referenced in the profile "p" does not exist.'),
    "source-profile-loop": (
        "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = q\n"
        "[profile q]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = p\n",
        "Infinite loop in credential configuration detected. Attempting to load from "
        "profile p which has already been visited. Visited profiles: ['p', 'q']"),
    "key-without-secret": (
        "[profile p]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\n",
        "Partial credentials found in config-file, missing: aws_secret_access_key"),
}


@pytest.mark.parametrize("case", list(CREDENTIAL_FAULTS))
def test_credentials_that_cannot_be_had_are_one_line(config_file: Path, case: str) -> None:
    text, why = CREDENTIAL_FAULTS[case]
    config_file.write_text(text)
    result = _cli("scan", "--profile", "p", "--region", EAST)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"batchlint: error: cannot get AWS credentials for profile 'p': {why}\n")


def test_a_key_id_without_a_secret_in_the_environment_is_one_line(
        config_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    result = _cli("scan", "--region", EAST)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "batchlint: error: cannot get AWS credentials for the default credential "
               "chain: Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY\n")


# -- item 13: web identity (EKS IRSA, GitHub OIDC) ---------------------------------------


def test_web_identity_credentials_scan(hooks: Hooks, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The default chain's sts:AssumeRoleWithWebIdentity is not a write: the scan runs with
    the role's credentials (moto implements the call)."""
    inject_quotas(hooks, GENEROUS)
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWYifQ.c2ln")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ROLE_ARN", f"arn:aws:iam::{ACCOUNT}:role/github-actions")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token))
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "ci")
    result = _cli("scan", "--region", EAST, "--select", "BL101", "--format", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    assert {f["resource"]["account"] for f in json.loads(result.stdout)["findings"]} == {ACCOUNT}
