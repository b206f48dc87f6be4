"""What the property-based tests (``test_fuzz*.py``) are made of: strategies for JSON,
AWS CLI outputs, snapshots and mutated rule case files, and the pipeline they go through.

Random JSON, documents built around the top-level keys the loaders recognise,
resources shaped after :mod:`batchlint.shapes` with odd values, and the rule
case files with random parts replaced, deleted or retyped all go through the
real pipeline: the loader, every rule (those off by default too) and both
reporters. The property: loading raises :class:`BatchlintError` (the CLI's exit
2) or everything completes; no other exception, and no rule ever raises (the
engine would turn that into an "internal error" finding).

The text report is written through a UTF-8 stream that escapes what it cannot
encode (lone surrogates, valid in JSON as "\\ud800"), as the CLI sets up stdout
and ``--output``; the CLI tests check that set-up itself.
"""

from __future__ import annotations

import copy
import io
import json
import math
import re
import traceback
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from typer.testing import CliRunner

from batchlint import shapes
from batchlint.cli import app
from batchlint.engine import Report, RuleRun, run
from batchlint.errors import BatchlintError
from batchlint.loaders import awscli, load_files, snapshot
from batchlint.loaders.builder import KIND_FIELDS
from batchlint.model import LINTED_KINDS, Model
from batchlint.registry import load_rules
from batchlint.reporters import ReportInput, json_report, text
from batchlint.rule import Context, option_values

REPO = Path(__file__).resolve().parent.parent
RULES = load_rules(entry_points=False)
RUNS = [RuleRun(rule, rule.severity, {}) for rule in RULES]
ALL_RULE_IDS = ",".join(rule.id for rule in RULES)
FUZZ = settings(max_examples=300, deadline=None,
                phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

Json = Any


# -- what the documents are made of ----------------------------------------------

def _case_documents() -> list[Json]:
    files = [*sorted((REPO / "tests" / "rules" / "cases").glob("*/*.json")),
             *sorted((REPO / "examples").glob("**/*.json"))]
    docs = []
    for path in files:
        if path.name == "expected.json":
            continue
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8-sig")))
        except (ValueError, OSError):
            continue  # a case file being written right now
    return docs


CASE_DOCS = _case_documents()


def _walk(value: Json) -> Iterator[Json]:
    yield value
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _spec_keys(spec: Json) -> Iterator[str]:
    if isinstance(spec, dict):
        for key, sub in spec.items():
            yield key
            yield from _spec_keys(sub)
    elif isinstance(spec, list):
        yield from _spec_keys(spec[0])


def _source_keys() -> set[str]:
    """Field names the rules and their helpers read (``.get("x")``, ``["x"]``, jmespath)."""
    keys: set[str] = set()
    sources = [*(REPO / "batchlint").glob("*.py"), *(REPO / "rules").glob("*.py")]
    for path in sources:
        source = path.read_text(encoding="utf-8")
        keys.update(re.findall(r"""\.get\(\s*["']([A-Za-z_][\w:-]*)["']""", source))
        keys.update(re.findall(r"""\[\s*["']([A-Za-z_][\w:-]*)["']\s*\]""", source))
    for path in (REPO / "rules").glob("*.toml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("condition", "path")):
                keys.update(re.findall(r"[A-Za-z_]\w+", line.split("=", 1)[1]))
    return keys


_CASE_STRINGS = sorted({v for doc in CASE_DOCS for v in _walk(doc) if isinstance(v, str)})
KEYS = sorted({*(k for spec, _, _ in KIND_FIELDS.values() for k in _spec_keys(spec)),
               *(k for doc in CASE_DOCS for k in _walk(doc)
                 if isinstance(k, str) and len(k) < 40),
               *_source_keys(), *awscli.KEYS, *snapshot.REGION_KEYS})

NAMES = ["a", "ce", "queue", "jd", "ecsInstanceRole", "AWSBatchServiceRole",
         "AWSServiceRoleForBatch", "lt-0123456789abcdef0", "ami-0123456789abcdef0",
         "m5.large", "L-1216C47A", "L-34B43A08", "x" * 300, " ", "ü", "\u202e", "\ud800"]
ACCOUNTS = ["123456789012", "210987654321", "", "aws", "12345"]
REGIONS = ["us-east-1", "eu-west-1", "", "*"]
ARN_RESOURCES = ["compute-environment/{}", "job-queue/{}", "job-definition/{}:1",
                 "job-definition/{}", "role/{}", "role/service-role/{}",
                 "role/aws-service-role/batch.amazonaws.com/{}", "instance-profile/{}",
                 "ec2/{}", "{}", ""]
WORDS = ["", "MANAGED", "UNMANAGED", "EC2", "SPOT", "FARGATE", "FARGATE_SPOT", "ENABLED",
         "DISABLED", "VALID", "INVALID", "ACTIVE", "INACTIVE", "ECS_AL1", "ECS_AL2",
         "ECS_AL2023", "ECS_AL2_NVIDIA", "EKS_AL2", "EKS_AL2023", "optimal", "default_x86_64",
         "default_arm64", "m5", "g4dn.xlarge", "p3.2xlarge", "/dev/xvda", "/dev/xvdcz",
         "/dev/sda1", "$Default", "$Latest", "1", "0", "-1", "1.5", "VCPU", "MEMORY", "GPU",
         "RETRY", "EXIT", "container", "multinode", "x86_64", "arm64", "ec2", "batch",
         "batch.amazonaws.com", "ec2.amazonaws.com", "spotfleet.amazonaws.com",
         "BEST_FIT", "BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED", "RUNNABLE",
         "AWS_SECRET_ACCESS_KEY", "PASSWORD", "DB_PASSWORD", "<redacted>",
         "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
         "batchlint:ignore", "BL107", "BL1", "arn:", "arn:aws", "arn:aws:batch:::",
         "amzn-ami-2018.03.20231211-amazon-ecs-optimized",
         "amzn2-ami-ecs-hvm-2.0.20240610-x86_64-ebs", "%7B%22Version%22%3A%222012-10-17%22%7D",
         "{}", "[]", "null", "Ref::x", "*", "\x00", "\ud800", "\n", "{name}", "a" * 500]
STRINGS = sorted({*WORDS, *NAMES, *_CASE_STRINGS[:2000]})

arns = st.builds(
    lambda service, region, account, resource, name: (
        f"arn:aws:{service}:{region}:{account}:{resource.format(name)}"),
    st.sampled_from(["batch", "iam", "ec2", "servicequotas", "ecs", ""]),
    st.sampled_from(REGIONS), st.sampled_from(ACCOUNTS), st.sampled_from(ARN_RESOURCES),
    st.sampled_from(NAMES))


def pick(values: list[Json]) -> st.SearchStrategy[Json]:
    """``sampled_from`` for long lists, whose repr would not fit in an error message."""
    def item(index: int) -> Json:
        return values[index]

    return st.integers(min_value=0, max_value=len(values) - 1).map(item)


strings = st.one_of(pick(STRINGS), arns, st.text(max_size=12))
names = st.one_of(st.sampled_from(NAMES), pick([s for s in STRINGS if s]))
ints = st.one_of(st.integers(min_value=-2, max_value=5000), st.integers(),
                 st.sampled_from([0, -1, 2**31, 2**63, 10**30, 10**300]))
numbers = st.one_of(ints, st.floats(),
                    st.sampled_from([0.5, -0.0, 1e308, math.inf, -math.inf, math.nan]))
leaves = st.one_of(st.none(), st.booleans(), numbers, strings)
keys = st.one_of(pick(KEYS), st.text(max_size=8))
json_values = st.recursive(
    leaves,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(keys, children, max_size=5)),
    max_leaves=30)

statements = st.fixed_dictionaries({}, optional={
    "Effect": st.sampled_from(["Allow", "Deny", "allow", ""]) | json_values,
    "Principal": st.one_of(
        st.sampled_from(["*", {"Service": "batch.amazonaws.com"},
                         {"Service": ["ec2.amazonaws.com", "batch.amazonaws.com"]},
                         {"AWS": "arn:aws:iam::123456789012:root"}]),
        st.fixed_dictionaries({"Service": st.one_of(strings, st.lists(strings))}),
        json_values),
    "Action": st.one_of(st.sampled_from(["sts:AssumeRole", "sts:*", "*", ["sts:AssumeRole"]]),
                        json_values),
    "Condition": json_values,
})
policies = st.fixed_dictionaries({}, optional={
    "Version": st.sampled_from(["2012-10-17", ""]),
    "Statement": st.one_of(statements, st.lists(statements, max_size=3), json_values)})


def from_spec(spec: Json, odd: bool) -> st.SearchStrategy[Json]:
    """Values shaped after a :mod:`batchlint.shapes` spec, plus fields it does not list.

    Well typed (``odd`` false), every listed field has its type (or is null) but any
    value of it, so the resource gets past the loader to the rules; ``odd`` also puts
    values of any type anywhere, for the loader's type checks.
    """
    if spec is shapes.ANY:
        return json_values
    if isinstance(spec, dict):
        shaped = st.fixed_dictionaries({}, optional={
            key: (st.one_of(from_spec(sub, odd), st.none(), json_values) if odd
                  else st.one_of(from_spec(sub, odd), st.none()))
            for key, sub in spec.items()})
        extra_keys = keys if odd else keys.filter(lambda k: k not in spec)
        extra = st.dictionaries(extra_keys, json_values, max_size=3)
        return st.builds(lambda a, b: {**b, **a}, shaped, extra)
    if isinstance(spec, list):
        return st.lists(from_spec(spec[0], odd), max_size=4)
    if spec is shapes.STRING_MAP:
        return st.dictionaries(strings, strings, max_size=4)
    if spec is shapes.NUMBER:
        return numbers
    if spec is shapes.POLICY_DOCUMENT:
        return st.one_of(policies, policies.map(json.dumps),
                         policies.map(lambda p: urllib.parse.quote(json.dumps(p))), strings)
    if spec is bool:
        return st.booleans()
    if spec is int:
        return ints
    return strings


def resource(kind: str, odd: bool) -> st.SearchStrategy[Json]:
    """One resource of ``kind`` with a name (and usually an ARN), or, when odd, anything."""
    spec, name_field, arn_field = KIND_FIELDS[kind]
    base = from_spec(spec, odd)
    fixed: dict[str, st.SearchStrategy[Json]] = {name_field: names}
    if arn_field:
        fixed[arn_field] = arns | strings
    named = st.builds(lambda b, f: {**b, **f}, base, st.fixed_dictionaries(fixed))
    return st.one_of(named, base, json_values) if odd else named


def resources(kind: str, odd: bool) -> st.SearchStrategy[Json]:
    items = st.lists(resource(kind, odd), max_size=4)
    return st.one_of(items, json_values) if odd else items


def _with_profiles(role: Json, profiles: Json) -> Json:
    return {**role, "InstanceProfileList": profiles} if isinstance(role, dict) else role


def raw_documents(odd: bool) -> st.SearchStrategy[Json]:
    """A raw AWS CLI output (or several merged into one object)."""
    anything: st.SearchStrategy[Json] = json_values if odd else st.nothing()
    return st.fixed_dictionaries({}, optional={
        **{key: resources(kind, odd) for key, kind in awscli.LIST_KEYS.items()},
        **{key: resource(kind, odd) for key, kind in awscli.ONE_KEYS.items()},
        "RoleDetailList": st.one_of(st.lists(st.builds(
            _with_profiles, resource("iam-role", odd),
            resources("instance-profile", odd)), max_size=3), anything),
        "UserDetailList": st.just([]), "GroupDetailList": st.just([]), "Policies": st.just([]),
        "IsTruncated": st.booleans() | anything,
        "NextToken": strings,
    })


def snapshots(odd: bool) -> st.SearchStrategy[Json]:
    """A batchlint snapshot."""
    anything: st.SearchStrategy[Json] = json_values if odd else st.nothing()
    region = st.builds(
        lambda where, datasets: {**datasets, **where},
        st.fixed_dictionaries({"region": st.sampled_from(REGIONS).filter(bool) | anything}),
        st.fixed_dictionaries({}, optional={key: resources(kind, odd)
                                            for key, (kind, _) in snapshot.REGION_KEYS.items()}))
    not_collected = st.fixed_dictionaries(
        {"dataset": st.sampled_from(snapshot.DATASETS) | (strings if odd else st.nothing()),
         "reason": names | anything},
        optional={"region": st.sampled_from(REGIONS) | anything})
    account = st.fixed_dictionaries(
        {"account": st.sampled_from(ACCOUNTS).filter(bool) | anything},
        optional={
            "iam": st.one_of(st.none(), anything, st.fixed_dictionaries({}, optional={
                "complete": st.booleans() | anything,
                "roles": resources("iam-role", odd),
                "instanceProfiles": resources("instance-profile", odd)})),
            "regions": st.lists(region, max_size=3) | anything,
            "notCollected": st.lists(not_collected, max_size=3) | anything,
        })
    return st.fixed_dictionaries(
        {"batchlint_snapshot": st.just(1) | anything},
        optional={"accounts": st.lists(account, max_size=3) | anything,
                  "generator": json_values})


# -- mutations of valid documents --------------------------------------------------

def _paths(value: Json, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*at, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*at, i))


def _retype(value: Json) -> list[Json]:
    return [None, True, 0, -1, 1.5, math.nan, "", "x", str(value), [], [value], {},
            {"value": value}, 10**40]


@st.composite
def mutated_documents(draw: st.DrawFn) -> Json:
    doc = copy.deepcopy(draw(st.sampled_from(CASE_DOCS)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        *parent_path, last = path
        parent = doc
        for part in parent_path:
            parent = parent[part]
        value = parent[last]
        action = draw(st.sampled_from(["delete", "replace", "retype", "duplicate", "swap"]))
        if action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(json_values)
        elif action == "retype":
            parent[last] = draw(st.sampled_from(_retype(value)))
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(value))
        else:  # put another value of the document here
            other = draw(st.sampled_from(paths))
            source = doc
            for part in other:
                source = source[part]
            if source is not parent and source is not doc:
                parent[last] = copy.deepcopy(source)
    return doc


# -- the pipeline --------------------------------------------------------------------

def encode(doc: Json, how: str) -> bytes:
    if how == "compact":
        return json.dumps(doc).encode()
    if how == "indented-utf8":
        return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + json.dumps(doc, indent=1).encode()
    return json.dumps(doc, indent=4).encode("utf-16")  # PowerShell's redirection


encodings = st.sampled_from(["compact", "compact", "indented-utf8", "bom", "utf-16"])


def _raise_again(model: Model, report: Report) -> None:
    """Re-run the rules that raised, outside the engine, so the traceback shows."""
    by_id = {rule.id: rule for rule in RULES}
    for finding in report.findings:
        if finding.message.startswith("internal error"):
            rule = by_id[finding.rule_id]
            resource = next(r for r in model.resources if r.kind == finding.resource.kind
                            and r.name == finding.resource.name)
            list(rule.check(resource, Context(model, option_values(rule, {}))))
            pytest.fail(f"{finding.message} (did not raise again outside the engine)")


def _event(what: str) -> None:
    """Count outcomes for ``pytest --hypothesis-show-statistics``."""
    if currently_in_test_context():
        event(what)


def lint(path: Path, data: bytes, *more: tuple[Path, bytes],
         all_revisions: bool = False) -> Report | None:
    """The scan pipeline on files; None when they are refused as a user error."""
    for where, content in ((path, data), *more):
        where.write_bytes(content)
    try:
        loaded = load_files([str(path), *(str(where) for where, _ in more)], all_revisions)
    except BatchlintError:
        _event("refused as input error")
        return None
    report = run(loaded.models, RUNS)
    _event("findings" if report.findings else "not verified only" if report.not_verified
           else "linted, nothing reported" if loaded.model.resources else "no resources")
    _raise_again(loaded.model, report)
    out = io.StringIO()
    json_report.write(ReportInput(report), out)
    parsed = json.loads(out.getvalue())
    assert len(parsed["findings"]) == len(report.findings)
    checked = sum(1 for kind in LINTED_KINDS for _ in loaded.model.linted(kind))
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace",
                              newline="")  # as the CLI reconfigures stdout
    text.write(ReportInput(report, resources_checked=checked), stream)
    stream.flush()
    return report


def scan_cli(workdir: Path, data: bytes, output_format: str, fail_on: str,
             *extra: str) -> None:
    """The CLI in-process: exit 0, 1 or 2, never a traceback."""
    path = workdir / "cli.json"
    path.write_bytes(data)
    config = workdir / "empty.toml"
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "scan", str(path), "--format", output_format, "--fail-on", fail_on,
        "--select", ALL_RULE_IDS, "--config", str(config), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        "".join(traceback.format_exception(result.exception))
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("batchlint: error: "), result.stderr
