"""Runs rules over a model and finishes their findings. Each rule is isolated: one that
raises becomes an internal error finding on the resource it was checking, and the run
goes on. A finding leaves the engine finished: its resource's reference, its severity as
configured, its location resolved through the locator the resource's loader made."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from batchlint.locations import locate
from batchlint.model import LINTED_KINDS, Model, Resource
from batchlint.refs import ResourceRef, ref
from batchlint.rule import Context, Finding, NotVerified, Rule, option_values
from batchlint.unknowns import Hit, because, recording

_TAG_REASON = "the resource's batchlint:ignore tag (or CloudFormation Metadata)"
_KIND_ORDER = {kind: i for i, kind in enumerate(LINTED_KINDS)}


@dataclass(frozen=True)
class Report:
    """What a run found. Later steps (excludes, the baseline) return new reports."""

    rules: list[Rule]
    findings: list[Finding] = field(default_factory=list)
    not_verified: list[NotVerified] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class RuleRun:
    """A rule as configured for one run."""

    rule: Rule
    severity: str
    options: Mapping[str, Any]


def run(models: Model | list[Model], runs: list[RuleRun], located: bool = True) -> Report:
    """Every rule over every resource of each view (one model, or one per template): finished
    findings, each with its resource's reference and (``located``) its location in the
    file, resolved through the locators the loaders made."""
    views = [models] if isinstance(models, Model) else models
    report = Report([r.rule for r in runs])
    worlds: dict[str, list[Model]] = {}
    for model in views:
        if model.world:  # a template read once per value of its undecided conditions
            worlds.setdefault(model.group, []).append(model)
        else:
            _run_model(model, runs, report)
    for group in worlds.values():
        _run_worlds(group, runs, report)
    findings = sorted(_link_related(report.findings), key=_order)
    not_verified = sorted(report.not_verified, key=_order)
    if not located:
        return replace(report, findings=findings, not_verified=not_verified)
    where = _Locations(views)
    return replace(report, findings=[where.finding(f) for f in findings],
                   not_verified=[where.gap(n) for n in not_verified],
                   suppressed=[where.finding(f) for f in report.suppressed])


class _Locations:
    """Each finding's path as file, line and column: a view's locators, by file (the worlds
    of a template share its file and locator)."""

    def __init__(self, views: list[Model]):
        self.locators = {path: locator for view in views
                         for path, locator in view.locators.items()}

    def finding(self, item: Finding) -> Finding:
        return item.at(locate(self.locators, item.resource.origin, item.path))

    def gap(self, item: NotVerified) -> NotVerified:
        return item.at(locate(self.locators, item.resource.origin, ()))


def run_on(model: Model, runs: list[RuleRun], resource: Resource,
           memo: dict[Any, Any]) -> Report:
    """The rules over one resource of ``model``, in the order :func:`run` gives, without
    locations. ``memo``: shared by the calls over one model, as in a whole run."""
    report = Report([r.rule for r in runs])
    _run_model(model, runs, report, resource, memo)
    return replace(report, findings=sorted(report.findings, key=_order),
                   not_verified=sorted(report.not_verified, key=_order))


def _run_model(model: Model, runs: list[RuleRun], report: Report,
               only: Resource | None = None, memo: dict[Any, Any] | None = None) -> None:
    memo = {} if memo is None else memo
    for item in runs:
        rule = item.rule
        ctx = Context(model, option_values(rule, item.options), memo)
        for kind in rule.kinds:
            if only is not None and kind != only.kind:
                continue
            for resource in model.linted(kind) if only is None else (only,):
                for result in _check(rule, resource, ctx):  # most checks find nothing
                    ignored = ref(resource).ignored
                    muted = rule.id in ignored or rule.name in ignored
                    if isinstance(result, NotVerified):
                        if not muted:
                            report.not_verified.append(result)
                        continue
                    if result.severity != item.severity and not result.internal:
                        result = replace(result, severity=item.severity)
                    if muted:
                        report.suppressed.append(replace(result, suppressed_by=_TAG_REASON))
                    else:
                        report.findings.append(result)


def _run_worlds(worlds: list[Model], runs: list[RuleRun], report: Report) -> None:
    """One template in several worlds: a finding holds when every world where its resource
    exists has it; where the worlds disagree the check is not verified, naming them."""
    reports = []
    for model in worlds:
        one = Report(report.rules)
        _run_model(model, runs, one)
        reports.append(one)
    Key = tuple[str, str, str]

    def key(item: Finding | NotVerified) -> Key:
        return item.rule_id, item.resource.kind, item.resource.name

    exists = [{(res.kind, res.name) for kind in LINTED_KINDS for res in model.linted(kind)}
              for model in worlds]
    found: list[dict[Key, list[Finding]]] = []
    muted: list[dict[Key, list[Finding]]] = []
    unsure: list[dict[Key, list[NotVerified]]] = []
    for one in reports:
        for target, items in ((found, one.findings), (muted, one.suppressed),
                              (unsure, one.not_verified)):
            table: dict[Key, list[Any]] = {}
            for item in items:
                table.setdefault(key(item), []).append(item)
            target.append(table)
    keys = dict.fromkeys(k for tables in (found, muted, unsure) for t in tables for k in t)
    for k in keys:
        present = [i for i, names in enumerate(exists) if k[1:] in names]
        failing = [i for i in present if k in found[i] or k in muted[i]]
        if failing and len(failing) == len(present):
            first = failing[0]
            report.findings.extend(_in_world(f, worlds, failing, found)
                                   for f in found[first].get(k, ()))
            report.suppressed.extend(muted[first].get(k, ()))
        elif failing:
            passing = next(i for i in present if i not in failing)
            sample = (found[failing[0]].get(k) or muted[failing[0]][k])[0]
            report.not_verified.append(NotVerified(
                sample.rule_id, sample.rule_name, sample.resource,
                f"it depends on conditions that cannot be decided before deployment: when "
                f"{worlds[failing[0]].world}, {sample.message}; not when "
                f"{worlds[passing].world}"))
        else:
            seen: dict[str, tuple[int, NotVerified]] = {}
            for i in present:
                for item in unsure[i].get(k, ()):
                    seen.setdefault(item.reason, (i, item))
            alike = len({i for i, _ in seen.values()}) < 2  # else each says its world
            report.not_verified.extend(item if alike else replace(
                item, reason=f"when {worlds[i].world}, {item.reason}")
                for i, item in seen.values())


def _in_world(item: Finding, worlds: list[Model], failing: list[int],
              found: list[dict[tuple[str, str, str], list[Finding]]]) -> Finding:
    """A finding every world has, in the words of the first: when the others word it
    otherwise (other values), it says in which world its values hold."""
    key = (item.rule_id, item.resource.kind, item.resource.name)
    others = {f.message for i in failing[1:] for f in found[i].get(key, ())}
    if others <= {item.message}:
        return item
    return replace(item, message=f"when {worlds[failing[0]].world} (with other values when "
                                 f"not), {item.message}")


def _link_related(findings: list[Finding]) -> list[Finding]:
    """Name, in a finding that has related resources, the other findings on them."""
    if not any(f.related for f in findings):
        return findings
    by_resource: dict[ResourceRef, list[Finding]] = {}
    for f in findings:
        by_resource.setdefault(f.resource, []).append(f)
    linked = []
    for f in findings:
        causes = [other for res in f.related for other in by_resource.get(res, ())
                  if other.rule_id != f.rule_id]
        if causes:
            named = "; ".join(f"{c.rule_id} {c.rule_name} on {c.resource.label}" for c in causes)
            f = replace(f, message=f"{f.message}. Related findings: {named}")
        linked.append(f)
    return linked


def _check(rule: Rule, resource: Resource, ctx: Context) -> list[Finding | NotVerified]:
    unreadable = resource.unknown.get(())
    if unreadable is not None:
        return [NotVerified(rule.id, rule.name, ref(resource), unreadable)]
    try:
        if not ctx.model.has_unknowns:  # live data, snapshots, CLI files: nothing to record
            return list(rule.check(resource, ctx))
        with recording() as hits:
            results = list(rule.check(resource, ctx))
        if hits and not rule.reads_unknowns:
            return _not_known(rule, resource, results, hits)
        return results
    except Exception as exc:  # isolate the rule; the message names no values
        if os.environ.get("BATCHLINT_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        message = (f"internal error in rule {rule.id} ({rule.name}) on {resource.label}: "
                   f"{type(exc).__name__}; the check did not run. Please report it "
                   "(BATCHLINT_DEBUG=1 prints the traceback)")
        return [Finding(rule.id, rule.name, "error", message, ref(resource), internal=True)]


def _not_known(rule: Rule, resource: Resource, results: list[Finding | NotVerified],
               hits: list[Hit]) -> list[Finding | NotVerified]:
    """A check that read values not known before deployment answers "not verified":
    what it found, or did not, may not hold for the values deployed."""
    del results  # what the rule answered holds only for values it could not know
    return [NotVerified(rule.id, rule.name, ref(resource), because(hits, resource.label))]


def _order(item: Finding | NotVerified) -> tuple[Any, ...]:
    res = item.resource
    return (_KIND_ORDER.get(res.kind, 99), res.account or "", res.region or "", res.name,
            res.arn or "", item.rule_id)
