"""Unknown is never silence: for every rule and every field of every resource in the
rule's cases, making that field *not known before deployment* (as a template parameter
without default or a value known only after apply would) leaves a rule that had
something to say still saying something — the same finding where every value fails,
else *not verified* — and a rule that read the unknown value never passes quietly.

The fields are enumerated exhaustively (each leaf of each case's resources), not
sampled; ``tests/rules/cases`` is the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.model import Model, Pointer, Resource
from batchlint.registry import load_rules
from batchlint.unknowns import Hit, plain, recording

CASES = Path(__file__).parent / "rules" / "cases"
RULES = {rule.id: rule for rule in load_rules(entry_points=False)}
WHY = "`Field` depends on parameter `X`, which has no default"
MAX_LEAVES = 60  # per resource: the cases are small; this only bounds a runaway one
# what identifies a resource or picks which resources are linted: loaders always know it
# BL303 reports what a template writes in clear: a value or a name that is a parameter is not
# a credential written in the template (the parameter is where a secret would be)
EXEMPT = {"BL303"}
IDENTITY = {"status", "revision", "tags", "computeEnvironmentName", "computeEnvironmentArn",
            "jobQueueName", "jobQueueArn", "jobDefinitionName", "jobDefinitionArn"}


def _cases() -> list[tuple[str, Path]]:
    return [(folder.name.upper(), case) for folder in sorted(CASES.iterdir())
            if folder.is_dir() for case in sorted(folder.glob("*.json"))
            if case.name != "expected.json"]


def _leaves(value: Any, path: Pointer = ()) -> Iterator[Pointer]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    elif path:
        yield path


def _without(data: dict[str, Any], path: Pointer) -> dict[str, Any]:
    """``data`` with the leaf at ``path`` not known, as loaders write it: a string keeps a
    ``${X}`` text (a value not known is never empty), any other value is left out (a list
    item that is not a string becomes ``${X}`` too)."""
    copy = plain(data)
    node: Any = copy
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if isinstance(node, dict) and not (isinstance(node[last], str) and node[last]):
        del node[last]
    else:
        node[last] = "${X}"
    return copy


def _replace(model: Model, old: Resource, new: Resource) -> Model:
    return Model(tuple(new if r is old else r for r in model.resources), model.complete,
                 model.unavailable, model.all_revisions, model.collected_at)


def _results(model: Model, code: str, resource: Resource) -> tuple[list[str], list[Hit]]:
    rule = RULES[code]
    with recording() as hits:
        report = run(model, [RuleRun(rule, rule.severity, {})])
    said = [f"finding: {f.message}" for f in report.findings if f.resource.name == resource.name
            and f.resource.kind == resource.kind]
    said += [f"not verified: {n.reason}" for n in report.not_verified
             if n.resource.name == resource.name and n.resource.kind == resource.kind]
    return said, hits


@pytest.mark.parametrize(("code", "case"), _cases(), ids=lambda v: getattr(v, "stem", v))
def test_an_unknown_field_is_never_silence(code: str, case: Path) -> None:
    rule = RULES[code]
    for model in load_files([str(case)]).models:
        for resource in [r for kind in rule.kinds for r in model.linted(kind)]:
            before, _ = _results(model, code, resource)
            leaves = [p for p in _leaves(plain(resource.data)) if p[0] not in IDENTITY]
            for path in leaves[:MAX_LEAVES]:
                variant = Resource(resource.kind, resource.name,
                                   _without(dict(resource.data), path), resource.arn,
                                   resource.account, resource.region, resource.origin,
                                   unknown={**resource.unknown, path: WHY})
                after, hits = _results(_replace(model, resource, variant), code, resource)
                where = f"{case.name}: {resource.label} with {'.'.join(map(str, path))} unknown"
                if before and code not in EXEMPT:
                    assert after, f"{where}: {code} said {before[0]!r}, then nothing"
                if hits and not rule.reads_unknowns:
                    assert after, f"{where}: {code} read it and said nothing"
                for text in after:
                    assert "${unknown" not in text and "UNKNOWN" not in text, (where, text)
                unsure = [text for text in after if text.startswith("not verified")]
                if unsure and rule.reads_unknowns and any(p == path for p, _, _ in hits):
                    # a rule of independent checks may say another not verified beside it
                    assert any(WHY in text for text in unsure), (where, unsure)


def test_the_reason_names_what_is_not_known() -> None:
    case = CASES / "bl301" / "fail.json"
    model = load_files([str(case)]).models[0]
    resource = next(iter(model.linted("job-definition")))
    data = dict(resource.data)
    data.pop("retryStrategy", None)
    variant = Resource(resource.kind, resource.name, data, resource.arn, resource.account,
                       resource.region, resource.origin, unknown={("retryStrategy",): WHY})
    said, _ = _results(_replace(model, resource, variant), "BL301", resource)
    assert said == [f"not verified: it depends on values not known before deployment: {WHY}"]
    json.dumps(said)
