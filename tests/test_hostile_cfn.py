"""CloudFormation templates a hostile-input sweep found mishandled: conditions that cannot
be evaluated, `Fn::Select` indexes CloudFormation rejects, NoEcho parameters, and
`Fn::ForEach` loops. Each is read, never a crash and never a guess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from batchlint.fileio import DEFAULT_LIMITS
from batchlint.loaders.cfn_intrinsics import Resolver
from batchlint.loaders.detect import is_cloudformation
from batchlint.loaders.yamlpos import load_yaml
from batchlint.reporters import REPORTERS

# a job definition that only BL306 (the image tag) can fault
JD = """\
  JD:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      RetryStrategy: {Attempts: 3, EvaluateOnExit: [{OnStatusReason: "Host EC2*", Action: RETRY},
                                                   {OnReason: "*", Action: EXIT}]}
      Timeout: {AttemptDurationSeconds: 600}
      ContainerProperties:
        Image: IMAGE
"""


def _scan(cli: Any, tmp_path: Path, text: str, *args: str, name: str = "t.yaml") -> Any:
    path = tmp_path / name
    path.write_text(text)
    result = cli("scan", "-f", "concise", *args, str(path))
    assert "internal error" not in result.stdout + result.stderr
    return result


def _lines(result: Any, tmp_path: Path) -> list[str]:
    return list(str(result.stdout).replace(f"{tmp_path}/", "").splitlines())


# -- 1: a condition that cannot be evaluated is undecided, never a crash ------------------

CONDITIONS = {
    "parameter-default-refers-to-itself": ("Parameters:\n  P: {Type: String, Default: {Ref: P}}\n",
                                           "!Equals [!Ref P, x]"),
    "bucket-named-by-itself": ("", "!Equals [!Ref B, x]"),
    "split-on-empty-delimiter": ("", '!Equals [!Split ["", abc], x]'),
}
SELF_NAMED_BUCKET = "  B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Ref B}}\n"
UNDECIDED = ("t.yaml:{line}:5: BL306 [not-verified] job-definition `JD`: it depends on conditions "
             "that cannot be decided before deployment: when condition `C` is false, job "
             "definition `JD` runs image `repo:latest` (ContainerProperties.Image), which uses "
             "the `latest` tag, a tag that moves with every push; pin a version tag or a digest "
             "(`@sha256:…`); not when condition `C` is true")


@pytest.mark.parametrize("case", CONDITIONS)
def test_a_condition_that_cannot_be_evaluated_is_read_both_ways(cli: Any, tmp_path: Path,
                                                                 case: str) -> None:
    head, condition = CONDITIONS[case]
    text = (f"{head}Conditions:\n  C: {condition}\nResources:\n{SELF_NAMED_BUCKET}"
            + JD.replace("IMAGE", '!If [C, "repo:1.0", "repo:latest"]'))
    result = _scan(cli, tmp_path, text)
    line = text.splitlines().index("  JD:") + 3
    assert (result.exit_code, _lines(result, tmp_path)) == (0, [UNDECIDED.format(line=line)])
    data, _, _ = load_yaml(str(tmp_path / "t.yaml"), text, DEFAULT_LIMITS)
    assert Resolver(data).undecided() == ["C"]


def test_a_condition_on_the_base64_of_a_lone_surrogate_is_undecided(cli: Any,
                                                                    tmp_path: Path) -> None:
    # YAML refuses the escape; JSON reads it as a string no UTF-8 can encode
    template = {"Conditions": {"C": {"Fn::Equals": [{"Fn::Base64": "@"}, "x"]}},
                "Resources": {"JD": {"Type": "AWS::Batch::JobDefinition", "Properties": {
                    "Type": "container", "ContainerProperties": {
                        "Image": {"Fn::If": ["C", "repo:1.0", "repo:latest"]}}}}}}
    text = json.dumps(template).replace('"@"', '"\\ud800"')
    result = _scan(cli, tmp_path, text, "--select", "BL306", name="t.json")
    assert (result.exit_code, _lines(result, tmp_path)) == (0, [
        UNDECIDED.replace("t.yaml:{line}:5", "t.json:1:130")])


def test_a_name_that_refers_to_itself_is_unknown(cli: Any, tmp_path: Path) -> None:
    text = "Resources:\n" + SELF_NAMED_BUCKET + JD.replace("IMAGE", "!Ref B")
    result = _scan(cli, tmp_path, text)
    assert _lines(result, tmp_path) == [
        "t.yaml:5:5: BL306 [not-verified] job-definition `JD`: the tag of image `${B}` "
        "(ContainerProperties.Image) is not known before deployment: "
        "`ContainerProperties.Image` depends on `B`, whose value refers to itself"]


# -- 2, 5: an Fn::Select index CloudFormation rejects is not guessed ----------------------

NOT_AN_INDEX = ("depends on an `Fn::Select` whose index is not a whole number from 0, which "
                "CloudFormation rejects")
PAST_THE_END = ("depends on an `Fn::Select` whose index is past the end of its list, which "
                "CloudFormation rejects")


@pytest.mark.parametrize(("index", "why"), [
    (".inf", NOT_AN_INDEX), ("-.inf", NOT_AN_INDEX), (".nan", NOT_AN_INDEX),
    ("-1", NOT_AN_INDEX), ('"-1"', NOT_AN_INDEX), ("1.0", NOT_AN_INDEX),
    ("true", NOT_AN_INDEX), ('" 1"', NOT_AN_INDEX), ('"\\u0661"', NOT_AN_INDEX),
    ("2", PAST_THE_END), ("99999999999999999999999", PAST_THE_END),
    ('"99999999999999999999999"', PAST_THE_END),
])
def test_a_select_index_cloudformation_rejects_is_unknown(cli: Any, tmp_path: Path, index: str,
                                                          why: str) -> None:
    text = "Resources:\n" + JD.replace("IMAGE", f'!Select [{index}, ["repo:1.0", "repo:latest"]]')
    result = _scan(cli, tmp_path, text)
    assert (result.exit_code, _lines(result, tmp_path)) == (0, [
        "t.yaml:4:5: BL306 [not-verified] job-definition `JD`: the tag of image `${Select}` "
        f"(ContainerProperties.Image) is not known before deployment: "
        f"`ContainerProperties.Image` {why}"])


def test_a_select_index_of_1e400_in_json_is_unknown(cli: Any, tmp_path: Path) -> None:
    template = {"Resources": {"JD": {"Type": "AWS::Batch::JobDefinition", "Properties": {
        "Type": "container", "ContainerProperties": {"Image": {"Fn::Select": ["@", ["a:1"]]}}}}}}
    result = _scan(cli, tmp_path, json.dumps(template).replace('"@"', "1e400"),
                   "--select", "BL306", name="t.json")
    assert _lines(result, tmp_path) == [
        "t.json:1:60: BL306 [not-verified] job-definition `JD`: the tag of image `${Select}` "
        "(ContainerProperties.Image) is not known before deployment: "
        f"`ContainerProperties.Image` {NOT_AN_INDEX}"]


@pytest.mark.parametrize("index", ["0", '"0"', "1", '"1"'])
def test_a_select_index_cloudformation_accepts_is_read(cli: Any, tmp_path: Path,
                                                       index: str) -> None:
    text = "Resources:\n" + JD.replace("IMAGE", f'!Select [{index}, ["repo:1.0", "repo:latest"]]')
    result = _scan(cli, tmp_path, text)
    latest = index.strip('"') == "1"  # BL306's note on `repo:latest`, which fails no scan
    assert (result.exit_code, len(_lines(result, tmp_path))) == (0, int(latest))


# -- 3: a NoEcho parameter's value is never read, nor printed ----------------------------

SECRET = "hunter2SECRET"
NOECHO = """\
Parameters:
  DbPass: {Type: String, NoEcho: NOECHO, Default: "hunter2SECRET"}
  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", NoEcho: true,
        Default: /aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id}
Conditions:
  HasPass: !Equals [!Ref DbPass, "hunter2SECRET"]
Resources:
""" + JD.replace("IMAGE", "!Ref DbPass") + """\
  JD2:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: !If [HasPass, !Sub "repo/${DbPass}", "repo:1.0"]
        Command: [!Select [0, !Split [",", !Ref DbPass]]]
"""


@pytest.mark.parametrize("noecho", ["true", '"true"', "True", '"TRUE"'])
def test_a_noecho_parameter_is_unknown(cli: Any, tmp_path: Path, noecho: str) -> None:
    text = NOECHO.replace("NOECHO", noecho)
    result = _scan(cli, tmp_path, text, "--select", "BL306")
    assert _lines(result, tmp_path)[0] == (
        "t.yaml:10:5: BL306 [not-verified] job-definition `JD`: the tag of image `${DbPass}` "
        "(ContainerProperties.Image) is not known before deployment: "
        "`ContainerProperties.Image` depends on parameter `DbPass`, which is NoEcho: its value "
        "is not read")
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("fmt", list(REPORTERS))  # every --format
def test_no_format_prints_a_noecho_default(cli: Any, tmp_path: Path, fmt: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHLINT_DEBUG", "1")
    path = tmp_path / "t.yaml"
    path.write_text(NOECHO.replace("NOECHO", "true"))
    result = cli("scan", "--format", fmt, "--verbose", str(path))
    out = result.stdout + result.stderr
    assert "DbPass" in out and SECRET not in out and "amazon-linux-2/recommended" not in out
    report = tmp_path / "report"
    cli("scan", "--format", fmt, "--output", str(report), str(path))
    assert SECRET not in report.read_text()


# -- 4: Fn::ForEach and null resources ---------------------------------------------------

LOOP = """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Name
    - [a, b]
    - Bucket${Name}: {Type: "AWS::S3::Bucket"}
""" + JD.replace("IMAGE", "busybox:latest")


def test_a_loop_does_not_hide_the_template(cli: Any, tmp_path: Path) -> None:
    result = _scan(cli, tmp_path, LOOP)
    assert (result.exit_code, _lines(result, tmp_path)) == (0, [
        "t.yaml:15:9: BL306 [note] job definition `JD` runs image `busybox:latest` "
        "(ContainerProperties.Image), which uses the `latest` tag, a tag that moves with every "
        "push; pin a version tag or a digest (`@sha256:…`)"])


def test_a_null_resource_does_not_hide_the_template(cli: Any, tmp_path: Path) -> None:
    template = {"Resources": {"Broken": None, "JD": {
        "Type": "AWS::Batch::JobDefinition",
        "Properties": {"Type": "container", "ContainerProperties": {"Image": "busybox:1"}}}}}
    result = _scan(cli, tmp_path, json.dumps(template), "--select", "BL301", name="t.json")
    assert (result.exit_code, _lines(result, tmp_path)) == (1, [
        "t.json:1:76: BL301 [warning] job definition `JD` has no RetryStrategy, so one host "
        "failure or Spot reclaim fails the job for good; add RetryStrategy: {Attempts: 3, "
        'EvaluateOnExit: [{OnStatusReason: "Host EC2*", Action: RETRY}, {OnReason: "*", '
        "Action: EXIT}]}"])


@pytest.mark.parametrize("version", ["AWSTemplateFormatVersion: '2010-09-09'\n", ""])
def test_batch_resources_a_loop_generates_are_not_verified(cli: Any, tmp_path: Path,
                                                           version: str) -> None:
    text = version + """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Jobs:
    - Name
    - [a, b]
    - JD${Name}:
        Type: AWS::Batch::JobDefinition
        Properties: {Type: container, ContainerProperties: {Image: "busybox:latest"}}
      Fn::ForEach::Queues:
        - Queue
        - [q]
        - Q${Queue}${Name}: {Type: AWS::Batch::JobQueue, Properties: {Priority: 1}}
"""
    result = _scan(cli, tmp_path, text, "--select", "BL306,BL201")
    line = 6 + bool(version)
    assert (result.exit_code, _lines(result, tmp_path)) == (0, [
        f"t.yaml:{line + 6}:11: BL201 [not-verified] job-queue `Q${{Queue}}${{Name}}`: "
        "`Q${Queue}${Name}` is generated by `Fn::ForEach::Queues` (AWS::LanguageExtensions), "
        "which batchlint does not expand",
        f"t.yaml:{line}:7: BL306 [not-verified] job-definition `JD${{Name}}`: `JD${{Name}}` is "
        "generated by `Fn::ForEach::Jobs` (AWS::LanguageExtensions), which batchlint does not "
        "expand"])


@pytest.mark.parametrize("data", [
    {"Resources": {"a": 1}}, {"Resources": {"Fn::ForEach::X": ["N", [], {}]}},
    {"Resources": {"a": None, "b": {"Type": "AWS::S3::Bucket"}}},
    {"Resources": {"x": {"Type": "AWS::Batchy"}, "y": None}}, {"Resources": []},
])
def test_what_is_not_a_template_stays_so(data: Any) -> None:
    assert not is_cloudformation(data)
