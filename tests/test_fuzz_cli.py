"""Fuzzing every loader through the command line (issue 15).

Where ``test_fuzz.py`` checks the pipeline's functions, this runs ``batchlint scan``
itself (typer's CliRunner, in-process) on files of every kind it reads:
CloudFormation-like templates in YAML (short-form tags, anchors, aliases) and JSON,
Terraform-plan-like JSON, raw AWS-CLI-like outputs, and real templates, plans and
outputs mutated byte by byte with hostile tokens (tags, aliases, merge keys, control
characters, deep brackets). The property is the user's: the exit code is 0, 1 or 2,
never a traceback or an internal error, and an error is one line of stderr with no
raw control character.

Bounded for CI: about 40 seconds with the default number of examples;
``BATCHLINT_FUZZ_EXAMPLES=5000`` runs longer (say, nightly).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from batchlint.cli import app

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("BATCHLINT_FUZZ_EXAMPLES", "60"))
CLI_FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])
SEEDS = sorted([*(REPO / "tests" / "iac" / "realworld" / "cfn").glob("*.yaml"),
                REPO / "tests" / "iac" / "data" / "plan.json",
                *(REPO / "examples" / "account").glob("*.json")])
TOKENS = [b"&a ", b"*a", b"!!int ", b"!!binary ", b"!!python/name:os.system ", b"<<: *a\n",
          b"? [a, b]\n: c\n", b"- ", b"{", b"}", b"[", b"]", b'"', b"'", b",", b": ", b"\n  ",
          b"\t", b"!Ref ", b"!GetAtt ", b"!Sub ", b"!Bogus ", b"\x1b[2J", b"\x07", b"\r",
          b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\\ud800", b"---\n", b"[" * 300, b"null",
          b"1e999", b"9" * 5000, b"AWS::Batch::JobDefinition", b"aws_batch_compute_environment"]
BATCH_TYPES = ["AWS::Batch::ComputeEnvironment", "AWS::Batch::JobQueue",
               "AWS::Batch::JobDefinition", "AWS::Batch::SchedulingPolicy", "AWS::IAM::Role",
               "AWS::IAM::InstanceProfile", "AWS::EC2::LaunchTemplate", "AWS::EC2::Subnet",
               "AWS::S3::Bucket"]
TF_TYPES = ["aws_batch_compute_environment", "aws_batch_job_queue", "aws_batch_job_definition",
            "aws_iam_role", "aws_iam_instance_profile", "aws_launch_template", "aws_subnet"]
FORMATS = ["text", "json", "sarif", "github"]
FIELDS = ["Type", "Properties", "ComputeResources", "MaxvCpus", "InstanceTypes", "Image",
          "ContainerProperties", "JobQueueName", "ComputeEnvironmentOrder", "Order",
          "ResourceRequirements", "Value", "Environment", "Name", "Tags", "RetryStrategy",
          "type", "name", "values", "container_properties", "compute_resources",
          "max_vcpus", "state", "jobDefinitionName", "computeEnvironmentName", "A", "B"]


class Short:
    """A CloudFormation short form, written as a YAML tag (``!Ref x``)."""

    def __init__(self, tag: str, value: Any):
        self.tag, self.value = tag, value


class _Dumper(yaml.SafeDumper):
    pass


def _represent_short(dumper: yaml.SafeDumper, short: Short) -> yaml.Node:
    if isinstance(short.value, list):
        return dumper.represent_sequence(short.tag, short.value)
    if isinstance(short.value, dict):
        return dumper.represent_mapping(short.tag, short.value)
    return dumper.represent_scalar(short.tag, str(short.value))


_Dumper.add_representer(Short, _represent_short)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10_000),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["optimal", "m5.large", "EC2", "SPOT", "FARGATE", "ENABLED",
                                     "1", "2048", "arn:aws:iam::123456789012:role/r", "\x1b]0;x"]),
                    st.text(max_size=12))


def _intrinsics(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    names = st.sampled_from(["A", "B", "Queue", "AWS::Region", "Missing"])
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, names),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, names, st.sampled_from(["Arn", "x"])),
        st.builds(lambda s: {"Fn::Sub": s}, st.sampled_from(["${A}", "x-${AWS::Region}", "${"])),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, names, children, children),
        st.builds(lambda n: Short("!Ref", n), names),
        st.builds(lambda s: Short("!Sub", s), st.sampled_from(["${A}", "plain"])),
        st.builds(lambda v: Short("!Join", ["-", v]), st.lists(children, max_size=3)),
    )


values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(FIELDS), children, max_size=5),
    _intrinsics(children)), max_leaves=25)


def _plain(value: Any) -> Any:
    """JSON has no tags: short forms become long forms."""
    if isinstance(value, Short):
        key = "Ref" if value.tag == "!Ref" else "Fn::" + value.tag[1:]
        return {key: _plain(value.value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


templates = st.fixed_dictionaries({
    "AWSTemplateFormatVersion": st.just("2010-09-09"),
    "Parameters": st.dictionaries(st.sampled_from(["A", "B"]), st.fixed_dictionaries(
        {"Type": st.sampled_from(["String", "Number", "CommaDelimitedList"]),
         "Default": scalars}), max_size=2),
    "Resources": st.dictionaries(st.sampled_from(["A", "B", "Queue", "Env", "Job", "Role"]),
                                 st.fixed_dictionaries({"Type": st.one_of(
                                     st.sampled_from(BATCH_TYPES), values),
                                     "Properties": values}), max_size=4),
})
plans = st.fixed_dictionaries({
    "format_version": st.just("1.2"), "terraform_version": st.just("1.7.0"),
    "planned_values": st.fixed_dictionaries({"root_module": st.fixed_dictionaries({
        "resources": st.lists(st.fixed_dictionaries({
            "address": st.sampled_from(["a.b", "aws_batch_job_queue.q", "x"]),
            "mode": st.sampled_from(["managed", "data"]), "type": st.sampled_from(TF_TYPES),
            "name": st.sampled_from(["a", "b"]), "values": values}), max_size=4),
        "child_modules": st.lists(st.fixed_dictionaries({"resources": values}), max_size=2)})}),
})
cli_outputs = st.dictionaries(st.sampled_from(["computeEnvironments", "jobQueues",
                                               "jobDefinitions", "Roles", "LaunchTemplateVersions",
                                               "InstanceTypes", "Quotas"]),
                              st.lists(values, max_size=3), min_size=1, max_size=3)


def _run(path: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["scan", str(path), "-f", fmt, "--fail-on", "warning"])
    stderr = result.stderr
    assert result.exit_code in (0, 1, 2), (result.exit_code, stderr, result.exception)
    assert "Traceback" not in stderr + result.stdout
    assert "internal error" not in stderr, stderr
    assert not any(c in stderr for c in "\x1b\x07\r\x00"), stderr
    if result.exit_code == 2:
        errors = [line for line in stderr.splitlines() if line.startswith("batchlint: error:")]
        assert len(errors) == 1 and stderr.endswith("\n") and errors[0] == \
            stderr.splitlines()[-1], stderr


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-cli")


@CLI_FUZZ
@given(doc=templates, as_yaml=st.booleans(), fmt=st.sampled_from(FORMATS))
def test_templates(workdir: Path, doc: Any, as_yaml: bool, fmt: str) -> None:
    path = workdir / ("template.yaml" if as_yaml else "template.json")
    path.write_text(yaml.dump(doc, Dumper=_Dumper, allow_unicode=True) if as_yaml
                    else json.dumps(_plain(doc)))
    _run(path, fmt)


@CLI_FUZZ
@given(doc=st.one_of(plans, cli_outputs), fmt=st.sampled_from(FORMATS))
def test_plans_and_cli_outputs(workdir: Path, doc: Any, fmt: str) -> None:
    path = workdir / "data.json"
    path.write_text(json.dumps(_plain(doc)))
    _run(path, fmt)


@CLI_FUZZ
@given(seed=st.sampled_from(SEEDS), data=st.data(), fmt=st.sampled_from(FORMATS))
def test_mutated_real_files(workdir: Path, seed: Path, data: st.DataObject, fmt: str) -> None:
    raw = bytearray(seed.read_bytes()[:20_000])
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        at = data.draw(st.integers(0, len(raw)), label="at")
        how = data.draw(st.sampled_from(["insert", "delete", "flip", "repeat"]), label="how")
        if how == "insert":
            raw[at:at] = data.draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=8)))
        elif how == "delete":
            del raw[at:at + data.draw(st.integers(1, 200), label="length")]
        elif how == "flip" and at < len(raw):
            raw[at] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        else:
            raw[at:at] = raw[at:at + data.draw(st.integers(1, 400), label="length")]
    path = workdir / seed.name
    path.write_bytes(bytes(raw))
    _run(path, fmt)
