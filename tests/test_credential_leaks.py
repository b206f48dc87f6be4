"""BL303 finds credentials by their shape in every container kind, and no output format
ever shows one: not the value, not a distinctive part of it, not in a log line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from batchlint.cli import Format
from batchlint.facts.credentials import credential_kind

# Obviously fake values: AWS's documented example key id, a key body and a token that
# say so. Each is listed with a distinctive part that must not appear either.
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
PEM = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEFAKEKEYBODYFORBATCHLINTTESTS\n"
       "-----END OPENSSH PRIVATE KEY-----\n")
TOKEN = "ghp_" + "EXAMPLEtoken" * 3
LEAKS = {KEY_ID: "IOSFODNN7", PEM: "FAKEKEYBODYFORBATCHLINT", TOKEN: "EXAMPLEtokenEXAMPLE"}
IMAGE = "public.ecr.aws/docker/library/busybox:1.36"


def _ecs(where: str, value: str) -> dict[str, Any]:
    """A container holding ``value`` in its environment or its command."""
    if where == "env":
        return {"name": "main", "image": IMAGE,
                "environment": [{"name": "HARMLESS", "value": value}]}
    return {"name": "main", "image": IMAGE, "command": ["run.sh", "--with", value]}


def _eks(where: str, value: str) -> dict[str, Any]:
    if where == "env":
        return {"name": "main", "image": IMAGE, "env": [{"name": "HARMLESS", "value": value}]}
    return {"name": "main", "image": IMAGE, "command": ["run.sh"] if where == "args" else
            ["run.sh", value], **({"args": ["--with", value]} if where == "args" else {})}


def _kinds(where: str, value: str) -> dict[str, dict[str, Any]]:
    """One job definition's properties per container kind, the credential in ``where``."""
    ecs = _ecs(where, value)
    task = {"taskProperties": [{"containers": [{"name": "other", "image": IMAGE}, ecs]}]}
    node = {"numNodes": 2, "mainNode": 0}
    eks = _eks(where, value)
    return {
        "container": {"containerProperties": {k: v for k, v in ecs.items() if k != "name"}},
        "ecs": {"ecsProperties": task},
        "node-container": {"type": "multinode", "nodeProperties": {**node, "nodeRangeProperties": [
            {"targetNodes": "0:", "container": {k: v for k, v in ecs.items() if k != "name"}}]}},
        "node-ecs": {"type": "multinode", "nodeProperties": {**node, "nodeRangeProperties": [
            {"targetNodes": "0:", "ecsProperties": task}]}},
        "eks": {"eksProperties": {"podProperties": {"containers": [eks]}}},
        "eks-init": {"eksProperties": {"podProperties": {
            "initContainers": [eks], "containers": [{"name": "app", "image": IMAGE}]}}},
    }


def _file(tmp_path: Path) -> tuple[str, list[str]]:
    """A job-definitions file with every credential in every place; the names."""
    defs, names = [], []
    for value in LEAKS:
        for where in ("env", "command", "args"):
            for kind, props in _kinds(where, value).items():
                if where == "args" and not kind.startswith("eks"):
                    continue
                name = f"{kind}-{where}-{len(names)}"
                names.append(name)
                defs.append({"jobDefinitionName": name, "revision": 1, "status": "ACTIVE",
                             "jobDefinitionArn": "arn:aws:batch:us-east-1:123456789012:"
                                                 f"job-definition/{name}:1",
                             "type": "container", **props})
    path = tmp_path / "job-definitions.json"
    path.write_text(json.dumps({"jobDefinitions": defs}, indent=2))
    return str(path), names


def test_the_fakes_have_a_credential_shape() -> None:
    assert [credential_kind(v) for v in LEAKS] == [
        "an AWS access key id", "a PEM private key", "a GitHub token"]


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_no_format_prints_a_credential(cli: Any, fmt: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHLINT_DEBUG", "1")
    path, names = _file(tmp_path)
    result = cli("scan", path, "--format", fmt)  # every rule, not only BL303
    out = result.stdout + result.stderr
    assert result.exit_code == 1, out
    for name in names:
        assert name in out, f"{name} has no finding in {fmt}"
    for value, part in LEAKS.items():
        assert value not in out and part not in out, f"{fmt} shows a credential"
    report = tmp_path / "report"
    cli("scan", path, "--format", fmt, "--output", str(report))
    written = report.read_text()
    assert all(part not in written and value not in written for value, part in LEAKS.items())


def test_messages_name_container_place_and_kind(cli: Any, tmp_path: Path) -> None:
    path, _ = _file(tmp_path)
    doc = json.loads(cli("scan", path, "--format", "json", "--select", "BL303").stdout)
    messages = {f["resource"]["name"]: f["message"] for f in doc["findings"]}
    assert "container `main`" in messages["ecs-env-1"]
    assert "`HARMLESS`" in messages["ecs-env-1"]
    assert "an AWS access key id" in messages["ecs-env-1"]
    assert "containerProperties.command[2]" in messages["container-command-6"]
    assert "eksProperties.podProperties.initContainers[0].args[1]" in messages["eks-init-args-13"]
    assert "a PEM private key" in messages["eks-init-args-27"]
    assert "a GitHub token" in messages["node-ecs-command-37"]


CFN = """\
AWSTemplateFormatVersion: 2010-09-09
Parameters:
  Suffix:
    Type: String
  Token:
    Type: String
    NoEcho: true
Resources:
  Built:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: busybox:1.36
        Environment:
          - {Name: KEY, Value: !Sub "AKIA${Suffix}"}
          - {Name: SHELLISH, Value: !Sub "${!GITHUB_TOKEN}"}
          - {Name: RESOLVED, Value: "{{resolve:secretsmanager:AKIAIOSFODNN7EXAMPLE}}"}
        Command: ["run.sh", !Ref Token, !Sub "--key=${Token}"]
  Pasted:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: busybox:1.36
        Command: ["run.sh", !Sub "--key=${Suffix}-AKIAIOSFODNN7EXAMPLE"]
"""


def test_template_spans_are_not_credentials_but_pasted_text_is(tmp_path: Path) -> None:
    from batchlint.engine import RuleRun, run
    from batchlint.loaders import load_files
    from batchlint.registry import load_rules

    rule = next(r for r in load_rules(entry_points=False) if r.id == "BL303")
    path = tmp_path / "template.yaml"
    path.write_text(CFN)
    report = run(load_files([str(path)]).models, [RuleRun(rule, rule.severity, {})])
    assert [(f.resource.name, f.path) for f in report.findings] == [
        ("Pasted", ("containerProperties", "command", 1))]
    assert not report.not_verified
    assert "IOSFODNN7" not in report.findings[0].message


def test_a_redacted_credential_keeps_its_kind() -> None:
    from batchlint.facts.credentials import redacted

    for value in LEAKS:
        kind = credential_kind(value)
        assert kind is not None and credential_kind(redacted(kind)) == kind
        assert credential_kind(f"--key={redacted(kind)}") == kind
    assert credential_kind("<redacted>") is None
    assert credential_kind("<redacted: a password>") is None
