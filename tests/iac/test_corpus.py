"""The corpus of public templates: every finding and not-verified result pinned.

The 21 templates under ``tests/iac/realworld/corpus/`` are public CloudFormation and SAM
templates copied byte for byte (sources and licences in SOURCES.md there). batchlint
runs its default rules on each, as ``batchlint scan FILE`` does, and the exact sets of
``(rule, logical id)`` findings and not-verified results are pinned in
``corpus_pins.py``, each checked by hand (``realworld/REVIEW.md`` has the review).

Where batchlint is still wrong, the wrong result is left out of the pins and the right
behaviour is asserted under ``xfail(strict=True)``: ``KNOWN_DEFECTS`` for verdicts,
``MESSAGE_DEFECTS`` for messages that are not in the template's words (``MESSAGE_WORDS``
holds those already fixed). A fix makes its
xfail pass, which fails the run: move the case into the pins (or drop it) then.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from batchlint.engine import RuleRun, run
from batchlint.loaders import Loaded, load_files
from batchlint.rule import Finding

from .corpus_pins import FINDINGS, NOT_VERIFIED, Key
from .test_realworld import ALL_RULES, CORPUS

DEFAULT_RULES = [RuleRun(r, r.severity, {}) for r in ALL_RULES if r.enabled_by_default]
TEMPLATES = sorted(FINDINGS)


@dataclass(frozen=True)
class Scan:
    loaded: Loaded
    findings: dict[Key, Finding]
    not_verified: dict[Key, str]

    def text(self, key: Key) -> str:
        """The message of the finding, else the reason of the not-verified result."""
        if key in self.findings:
            return self.findings[key].message
        return self.not_verified.get(key, "")


@functools.cache
def scan(name: str) -> Scan:
    loaded = load_files([str(CORPUS / name)])
    report = run(loaded.models, DEFAULT_RULES)
    return Scan(loaded,
                {(f.rule_id, f.resource.name): f for f in report.findings},
                {(n.rule_id, n.resource.name): n.reason for n in report.not_verified})


# ---------------------------------------------------------------------------
# Known defects: what batchlint gets wrong on the corpus, and what is right.
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Defect:
    template: str
    rule: str
    logical_id: str
    why: str
    right: Callable[[Scan, Key], bool]  # the correct behaviour
    now: str = ""  # "finding" / "not_verified": where the wrong result is today (not pinned)


def _is_finding(result: Scan, key: Key) -> bool:
    return key in result.findings


# none today: BL306 on the unnamed ECR repository and the literal SSM path of
# mnp-distributed-training.yaml are fixed and pinned (corpus_pins.py)
KNOWN_DEFECTS: list[Defect] = []


@dataclass(frozen=True)
class Words:
    rule: str
    pattern: str  # no message or reason of the rule on the corpus may match it
    why: str
    template: str = ""  # only this template; every template when empty


def _api(cfn: str) -> str:
    return f"API field names on a CloudFormation template (CloudFormation spells them {cfn})"


# Fixed by the message work (one message table per rule): keep them fixed.
MESSAGE_WORDS: list[Words] = [
    Words("BL101", r"\bserviceRole\b", "'used without serviceRole': " + _api("ServiceRole")),
    Words("BL105", r"\b(ec2Configuration|imageType)\b",
          "'ec2Configuration sets no imageType': " + _api("Ec2Configuration/ImageType")),
    Words("BL301", r"\b(retryStrategy|evaluateOnExit|onStatusReason|onReason)\b"
          r"|\{attempts:|\.attempts\b",
          "'add retryStrategy: {attempts: 3, ...}': " + _api("RetryStrategy/Attempts")),
    Words("BL305", r"\btimeout\.|\battemptDurationSeconds\b",
          "'sets no timeout.attemptDurationSeconds': " + _api("Timeout.AttemptDurationSeconds")),
    Words("BL307", r"\b(evaluateOnExit|onStatusReason|onReason)\b|\"action\"",
          "'{\"onReason\": \"*\", \"action\": \"EXIT\"}': " + _api("OnReason/Action")),
    Words("BL306", r"\b(containerProperties|nodeProperties|nodeRangeProperties)\b",
          "'(containerProperties.image)' as the image's field, also in not-verified reasons: "
          + _api("ContainerProperties.Image")),
    Words("BL309", r"\bvcpus \d|\bmemory \d|\"(type|value)\":|\b(containerProperties|"
          r"resourceRequirements)\b",
          "'sets the deprecated vcpus 2 and memory 3192 in ...; state it as ..."
          "ResourceRequirements: [{\"type\": \"VCPU\", \"value\": \"2\"}, ...]': "
          + _api("Vcpus/Memory, ResourceRequirements: [{Type: VCPU, Value: 2}]")),
    Words("BL401", r"` count against",
          "'`ComputeEnvironment` count against the ... quota': 'counts' (16 reasons)"),
    Words("BL103", r"ECS_AL2023 AMI",
          "'the 30 GiB default disk of Batch's ECS_AL2023 AMI' on environments that set no "
          "ImageType, whose image BL105 on the same environment says is AL2 or AL2023 by "
          "creation date; the verdict holds for both (30 GiB /dev/xvda), the message should "
          "say Amazon Linux 2 or 2023"),
    Words("BL106", r"ECS_AL2023 AMI",
          "'Batch's ECS_AL2023 AMI keeps Docker's data on /dev/xvda' on SpotEnv and "
          "OnDemandEnv, which set no ImageType (AL2 or AL2023; both use /dev/xvda)"),
    Words("BL103", r"\bversion 1\b",
          "'launch template `BatchLaunchTemplate` version 1' for Version: !GetAtt "
          "BatchLaunchTemplate.LatestVersionNumber (line 165), a number the template does not "
          "state: it says 'the latest version (`LatestVersionNumber`) of launch template "
          "`BatchLaunchTemplate`'", template="blueprints-jq-ce-gpu-monitoring.yaml"),
    Words("BL104", r"amzn-ami-2018\.03\.\d+",
          "'runs AMI `/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id` "
          "(amzn-ami-2018.03.20240319-amazon-ecs-optimized)': that name is the family's "
          "representative built into batchlint (loaders/cfn_images.py), not the image the "
          "parameter resolves to; it says 'the AMI of parameter `AMI` (default `/aws/service/"
          "ecs/optimized-ami/amazon-linux/recommended/image_id`)'",
          template="batch-large-scale.yaml"),
    Words("BL103", r"disk of AMI `/aws/service/",
          "'keeps the 22 GiB default disk of AMI `/aws/service/ecs/optimized-ami/amazon-linux/"
          "recommended/image_id`': an SSM parameter's path is not an AMI; it says 'the AMI of "
          "parameter `AMI` (default `/aws/service/…`)', as BL104 does",
          template="batch-large-scale.yaml"),
]

MESSAGE_DEFECTS: list[Words] = []  # none today


def _held(template: str, now: str) -> set[Key]:
    return {(d.rule, d.logical_id) for d in KNOWN_DEFECTS
            if d.template == template and d.now == now}


# ---------------------------------------------------------------------------
def test_every_corpus_template_is_pinned() -> None:
    names = sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".yaml", ".yml"})
    assert names == TEMPLATES
    assert sorted(NOT_VERIFIED) == TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_loads_without_notes(name: str) -> None:
    result = scan(name)  # undecided conditions give several worlds of one template
    assert result.loaded.notes == [] and result.loaded.failures == []
    assert not [f for f in result.findings.values() if f.internal]


@pytest.mark.parametrize("name", TEMPLATES)
def test_findings_are_pinned(name: str) -> None:
    assert set(scan(name).findings) - _held(name, "finding") == set(FINDINGS[name])


@pytest.mark.parametrize("name", TEMPLATES)
def test_not_verified_are_pinned(name: str) -> None:
    gaps = scan(name).not_verified
    assert set(gaps) - _held(name, "not_verified") == set(NOT_VERIFIED[name])
    for key, fragment in NOT_VERIFIED[name].items():
        assert fragment in gaps[key], (key, gaps[key])


@pytest.mark.parametrize("name", [n for n in TEMPLATES if FINDINGS[n]])
def test_findings_point_at_the_property(name: str) -> None:
    result = scan(name)
    source = (CORPUS / name).read_text().splitlines()
    for key, (line, text) in FINDINGS[name].items():
        finding = result.findings[key]
        location = finding.location
        assert location is not None and location.line == line, (key, location)
        assert source[line - 1].strip().startswith(text), (key, source[line - 1])


@pytest.mark.parametrize("defect", [
    pytest.param(d, id=f"{d.template}-{d.rule}-{d.logical_id}",
                 marks=pytest.mark.xfail(strict=True, reason=d.why)) for d in KNOWN_DEFECTS])
def test_known_defects_are_fixed(defect: Defect) -> None:
    assert defect.right(scan(defect.template), (defect.rule, defect.logical_id))


def _check_words(words: Words) -> None:
    texts = [result.text(key) for name in ([words.template] if words.template else TEMPLATES)
             for result in [scan(name)]
             for key in [*result.findings, *result.not_verified] if key[0] == words.rule]
    assert texts, "the rule reports nothing on the corpus: drop the case"
    assert [t for t in texts if re.search(words.pattern, t)] == []


@pytest.mark.parametrize("words", MESSAGE_WORDS, ids=lambda w: f"{w.rule}-{w.template or 'all'}")
def test_messages_are_in_the_templates_words(words: Words) -> None:
    _check_words(words)


@pytest.mark.parametrize("words", [
    pytest.param(w, id=f"{w.rule}-{w.template or 'all'}-{i}",
                 marks=pytest.mark.xfail(strict=True, reason=w.why))
    for i, w in enumerate(MESSAGE_DEFECTS)])
def test_message_defects_are_fixed(words: Words) -> None:
    _check_words(words)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_no_placeholder_in_any_output(output_format: str, cli) -> None:
    paths = [str(CORPUS / name) for name in TEMPLATES]
    result = cli("scan", *paths, "--format", output_format, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert "${unknown" not in result.output.lower()
    assert "UNKNOWN:" not in result.output
    assert "__unknown__" not in result.output
