"""Hostile custom rules and rule options: refused with one clear line, never an internal
error, and never a way to print a secret or put a script link in the HTML report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from batchlint.rule import Option

_RULE = {"id": '"BL950"', "name": '"show-all"', "severity": '"warning"', "summary": '"s"',
         "doc": '"d"', "kinds": '["job-definition"]', "condition": '"`true`"',
         "message": '"m"'}
_JOBDEFS: dict[str, Any] = {"jobDefinitions": []}


def _rule_dir(tmp_path: Path, **fields: str) -> Path:
    """A rules folder holding one declarative rule: ``_RULE`` with ``fields`` (TOML)."""
    folder = tmp_path / "rules"
    folder.mkdir()
    text = "".join(f"{key} = {value}\n" for key, value in {**_RULE, **fields}.items())
    (folder / "bl950.toml").write_text(text)
    return folder


# -- 1. a declarative rule's fields have their types ---------------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ("condition", "5", "condition must be a string"),
    ("tags", "3", "tags must be a list"),
    ("references", "4", "references must be a list"),
    ("kinds", '"job-queue"', "kinds must be a list"),
    ("enabled_by_default", '"yes"', "enabled_by_default must be true or false"),
    ("id", "950", "id must be a string"),
    ("message", "[1]", "message must be a string"),
    ("path", "{a = 1}", "path must be a string"),
])
def test_a_declarative_field_of_the_wrong_type_is_a_load_error(
        tmp_path: Path, cli: Any, write_json: Any, field: str, value: str, message: str) -> None:
    folder = _rule_dir(tmp_path, **{field: value})
    result = cli("scan", write_json("x.json", _JOBDEFS), "--rules-dir", str(folder))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"batchlint: error: {folder / 'bl950.toml'}: {message}\n"


# -- 4. references are web links only --------------------------------------------------------

def test_a_reference_that_is_not_http_is_a_load_error(tmp_path: Path, cli: Any,
                                                      write_json: Any) -> None:
    folder = _rule_dir(tmp_path, references='["javascript:alert(5)", "https://ok.example/a"]')
    result = cli("scan", write_json("x.json", _JOBDEFS), "--rules-dir", str(folder))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"batchlint: error: {folder / 'bl950.toml'}: rule BL950: "
                             "references ['javascript:alert(5)'] are not http or https URLs\n")


def test_a_python_rule_reference_that_is_not_http_is_a_load_error(
        tmp_path: Path, cli: Any, write_json: Any) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "mine.py").write_text(
        "from batchlint.rule import Rule\n\nclass Mine(Rule):\n"
        '    id, name, summary, severity = "BL951", "mine", "s", "note"\n'
        '    kinds = ("job-queue",)\n    references = ("data:text/html,x",)\n\n'
        "    def check(self, resource, ctx):\n        return []\n")
    result = cli("scan", write_json("x.json", {"jobQueues": []}), "--rules-dir", str(folder))
    assert result.exit_code == 2
    assert result.stderr == (f"batchlint: error: {folder / 'mine.py'}: rule BL951: "
                             "references ['data:text/html,x'] are not http or https URLs\n")


def test_the_html_report_links_only_http_references(tmp_path: Path, cli: Any,
                                                     write_json: Any, monkeypatch: Any) -> None:
    """Were a rule with a script reference to load, the page shows it as text only."""
    monkeypatch.setattr("batchlint.registry.metadata_problems", lambda rule: [])
    folder = _rule_dir(tmp_path, references='["javascript:alert(5)", "https://ok.example/a"]')
    out = tmp_path / "report.html"
    src = write_json("jd.json", {"jobDefinitions": [_jobdef({})]})
    result = cli("scan", src, "--rules-dir", str(folder), "--select", "BL950", "-f", "html",
                 "-o", str(out))
    assert result.exit_code == 1, result.stderr
    page = out.read_text()
    assert "<li>javascript:alert(5)</li>" in page
    assert re.findall(r'href="([^"#]*)"', page) == ["https://ok.example/a"]


# -- 2. an option's range ----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["150.0", "nan", "inf", "-inf", "1e308", "-1e308", "-0.5",
                                   "101"])
def test_an_option_outside_its_range_is_a_config_error(tmp_path: Path, cli: Any,
                                                        write_json: Any, value: str) -> None:
    config = tmp_path / "batchlint.toml"
    config.write_text(f"[rules.BL302]\nkernel_memory_percent = {value}\n")
    result = cli("scan", write_json("x.json", _JOBDEFS), "--config", str(config))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"batchlint: error: {config}: option kernel_memory_percent of "
                             "rule BL302 must be between 0 and 100\n")


@pytest.mark.parametrize("value", ["0", "0.0", "2.5", "100"])
def test_an_option_within_its_range_is_taken(tmp_path: Path, cli: Any, write_json: Any,
                                             value: str) -> None:
    config = tmp_path / "batchlint.toml"
    config.write_text(f"[rules.BL302]\nkernel_memory_percent = {value}\n")
    src = write_json("jd.json", {"jobDefinitions": [_jobdef({})]})
    result = cli("scan", src, "--config", str(config), "--select", "BL302")
    assert (result.exit_code, result.stderr) == (0, "")


def test_option_ranges_in_words() -> None:
    assert Option(1.0, "d", minimum=0, maximum=100).range == "between 0 and 100"
    assert Option(1, "d", minimum=1).range == "at least 1"
    assert Option(1, "d", maximum=9).range == "at most 9"
    assert Option(1.0, "d").range == "a finite number"
    assert not Option(1.0, "d").allows(float("nan"))  # finite, range or not
    assert Option(1.0, "d").allows(1e308) and Option("x", "d").allows("anything")


def test_a_rule_whose_option_default_is_out_of_its_range_does_not_load(
        tmp_path: Path, cli: Any, write_json: Any) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "mine.py").write_text(
        "from batchlint.rule import Option, Rule\n\nclass Mine(Rule):\n"
        '    id, name, summary, severity = "BL951", "mine", "s", "note"\n'
        '    kinds = ("job-queue",)\n'
        '    options = {"limit": Option(200, "d", minimum=0, maximum=100)}\n\n'
        "    def check(self, resource, ctx):\n        return []\n")
    result = cli("scan", write_json("x.json", {"jobQueues": []}), "--rules-dir", str(folder))
    assert result.stderr == (f"batchlint: error: {folder / 'mine.py'}: rule BL951: option "
                             "limit default 200 is not between 0 and 100\n")


# -- 3. a message never shows a secret ---------------------------------------------------------

SECRETS = ("SECRETVAL123", "hunter2SECRET", "AKIAIOSFODNN7EXAMPLE",
           "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
_TEMPLATE = """\
Parameters:
  DbPass: {Type: String, NoEcho: true, Default: hunter2SECRET}
Resources:
  JD:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      JobDefinitionName: jd
      Parameters: {pw: !Ref DbPass}
      Tags: {owner: ghp_abcdefghijklmnopqrstuvwxyz0123456789, team: data}
      ContainerProperties:
        Image: busybox:1.36
        JobRoleArn: AKIAIOSFODNN7EXAMPLE
        Command: ["--password", !Ref DbPass]
        Environment:
          - {Name: PW, Value: SECRETVAL123}
          - {Name: PW2, Value: !Ref DbPass}
          - {Name: ROLE, Value: "arn:aws:iam::123456789012:role/x"}
"""
_MESSAGE = ("v={containerProperties.environment[0].value} env={containerProperties.environment}"
            " tags={tags} p={parameters} c={containerProperties.command}"
            " j={join(',', containerProperties.environment[*].value)}"
            " role={containerProperties.jobRoleArn} img={containerProperties.image}")


def _jobdef(container: dict[str, Any]) -> dict[str, Any]:
    return {"jobDefinitionName": "jd", "jobDefinitionArn":
            "arn:aws:batch:us-east-1:123456789012:job-definition/jd:1", "revision": 1,
            "status": "ACTIVE", "type": "container",
            "containerProperties": {"image": "busybox:1.36", **container}}


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "html"])
def test_a_declarative_message_never_shows_a_secret(tmp_path: Path, cli: Any, fmt: str) -> None:
    folder = _rule_dir(tmp_path, message=json.dumps(_MESSAGE))
    template = tmp_path / "t.yaml"
    template.write_text(_TEMPLATE)
    out = tmp_path / "report"
    result = cli("scan", str(template), "--rules-dir", str(folder), "--select", "BL950",
                 "-f", fmt, "-o", str(out))
    assert result.exit_code == 1, result.stderr
    text = out.read_text() + result.stdout + result.stderr
    assert "v=" in text and "team" in text  # the message is there...
    assert [s for s in SECRETS if s in text] == []  # ...with no secret in it


def test_what_a_declarative_message_shows_instead(tmp_path: Path, cli: Any) -> None:
    folder = _rule_dir(tmp_path, message=json.dumps(_MESSAGE))
    template = tmp_path / "t.yaml"
    template.write_text(_TEMPLATE)
    result = cli("scan", str(template), "--rules-dir", str(folder), "--select", "BL950",
                 "-f", "concise")
    assert result.stdout == (
        f"{template}:6:5: BL950 [warning] v=<redacted> env=[{{'name': 'PW', 'value': "
        "'<redacted>'}, {'name': 'PW2', 'value': '<redacted>'}, {'name': 'ROLE', 'value': "
        "'arn:aws:iam::123456789012:role/x'}] tags={'owner': '<redacted>', 'team': 'data'} "
        "p={'pw': '<redacted>'} c=['--password', '<redacted>'] "
        "j=<redacted>,<redacted>,arn:aws:iam::123456789012:role/x "
        "role=<redacted: an AWS access key id> img=busybox:1.36\n")


def test_live_environment_values_of_every_container_shape_are_redacted(
        tmp_path: Path, cli: Any, write_json: Any) -> None:
    """An EKS container's ``env`` and a node range's container, as the API spells them."""
    jd = _jobdef({"environment": [{"name": "A", "value": "SECRETVAL123"}]})
    jd["eksProperties"] = {"podProperties": {"containers": [
        {"image": "x:1", "env": [{"name": "B", "value": "SECRETVAL123"}]}]}}
    folder = _rule_dir(tmp_path, message='"{containerProperties} {eksProperties}"')
    result = cli("scan", write_json("jd.json", {"jobDefinitions": [jd]}), "--rules-dir",
                 str(folder), "--select", "BL950", "-f", "json")
    assert result.exit_code == 1, result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert "SECRETVAL123" not in result.stdout
    assert finding["message"].count("'value': '<redacted>'") == 2
