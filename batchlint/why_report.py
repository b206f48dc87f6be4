"""``batchlint why`` output: text for people (rich colours on a terminal, one screen for a
typical stuck job) and JSON (the same as data; its shape is in the README).

Names, reasons and messages come from the account or files: every line goes through
:func:`batchlint.terminal.escape`, so no control character reaches a terminal.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any

from batchlint import __version__
from batchlint.facts.compute import compute_type, instance_types, resources_of
from batchlint.model import Resource
from batchlint.terminal import escape
from batchlint.why import rule_name
from batchlint.why_types import Explanation, duration, text

SCHEMA_VERSION = 1
Span = tuple[str, str]
Line = list[Span]
_CERTAINTY_STYLE = {"certain": "bold red", "batch": "yellow", "likely": "yellow",
                    "possible": "cyan"}


def write(out_: IO[str], explanation: Explanation, output_format: str) -> None:
    if output_format == "json":
        out_.write(json.dumps(as_json(explanation), indent=2, ensure_ascii=False) + "\n")
        return
    lines = [[(escape(t), style) for t, style in line] for line in render(explanation)]
    if _colour(out_):
        from rich.console import Console
        from rich.text import Text

        console = Console(file=out_, highlight=False, soft_wrap=True, emoji=False)
        for line in lines:
            console.print(Text.assemble(*line))
    else:
        out_.write("".join("".join(t for t, _ in line) + "\n" for line in lines))


def _colour(out_: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(out_, "isatty", None)
    return bool(isatty and isatty()) or bool(os.environ.get("FORCE_COLOR"))


# -- text ---------------------------------------------------------------------------


def render(ex: Explanation) -> list[Line]:
    job = ex.job.data
    name = text(job.get("jobName")) or ex.job.name
    age = f" for {duration(ex.age_ms)}" if ex.age_ms is not None and ex.status == "RUNNABLE" \
        else ""
    scope = " · ".join(p for p in (ex.job.account, ex.job.region) if p)
    lines: list[Line] = [[("job ", "bold"), (name, "bold underline"), (f" ({ex.job.name})  ", ""),
                          (ex.status, _status_style(ex.status)), (age, ""),
                          (f"  {scope}" if scope else "", "dim")]]
    if ex.queue is not None:
        lines.append(_row("queue", f"{ex.queue.name}  {_state(ex.queue)}"))
    elif ex.queue_ref:
        lines.append(_row("queue", f"{ex.queue_ref} (not in the data)"))
    for ce in ex.environments:
        lines.append(_row("compute", _environment(ce)))
    if ex.job_definition is not None:
        lines.append(_row("definition", ex.job_definition.name + _revision(ex.job_definition)))
    reason = text(job.get("statusReason"))
    if reason and ex.status != "FAILED":
        lines.append(_row("Batch says", reason))
    lines.append([])
    if ex.status == "RUNNABLE":
        lines += _causes(ex)
    elif ex.status == "FAILED":
        lines += _failures(ex)
    if ex.not_checked:
        lines.append([("Not checked:", "bold magenta")])
        lines += [[("  - ", ""), (note, "")] for note in ex.not_checked]
        lines.append([])
    lines.append([(ex.summary, "bold")])
    return lines


def _row(label: str, value: str) -> Line:
    return [(f"  {label:<11}", "dim"), (value, "")]


def _status_style(status: str) -> str:
    return {"FAILED": "bold red", "RUNNABLE": "bold yellow", "SUCCEEDED": "bold green"}.get(
        status, "bold")


def _state(res: Resource) -> str:
    state = str(res.data.get("state", "ENABLED")).upper()
    status = str(res.data.get("status", "")).upper()
    return f"{state} {status}".strip()


def _environment(ce: Resource) -> str:
    cr = resources_of(ce)
    parts = [ce.name, compute_type(ce) or str(ce.data.get("type", "")), _state(ce)]
    if "maxvCpus" in cr:
        parts.append(f"maxvCpus {cr.get('maxvCpus')}")
    types = instance_types(ce)
    if types:
        parts.append(", ".join(types[:4]) + (" …" if len(types) > 4 else ""))
    return "  ".join(p for p in parts if p)


def _revision(jd: Resource) -> str:
    revision = jd.data.get("revision")
    return f":{revision}" if isinstance(revision, int) else ""


def _causes(ex: Explanation) -> list[Line]:
    if not ex.causes:
        return [[("No reason found in the configuration.", "bold green")], []]
    lines: list[Line] = [[("Why it is not placed (most likely first):", "bold")]]
    for i, cause in enumerate(ex.causes, 1):
        rule = f"  [{cause.rule_id}{' ' + cause.rule_name if cause.rule_name else ''}]" \
            if cause.rule_id else ""
        lines.append([(f"  {i}. ", "bold"), (cause.title, _CERTAINTY_STYLE[cause.certainty]),
                      (rule, "bold")])
        lines.append([("     ", ""), (cause.detail, "dim")])
    lines.append([])
    return lines


def _failures(ex: Explanation) -> list[Line]:
    lines: list[Line] = [[("Why it failed:", "bold")]]
    for failure in ex.failures:
        label = f"attempt {failure.attempt}" if failure.attempt is not None else "job"
        said = " | ".join(p for p in (failure.status_reason, failure.reason) if p)
        code = f" (exit code {failure.exit_code})" if failure.exit_code is not None else ""
        lines.append([(f"  {label}: ", "bold"), (said or "no reason given", ""), (code, "")])
        rules = ", ".join(f"{r} {rule_name(r) or ''}".strip() for r in failure.rule_ids)
        lines.append([("     → ", ""), (failure.explanation, "yellow"),
                      (f"  [{rules}]" if rules else "", "bold")])
    lines.append([])
    return lines


# -- JSON -----------------------------------------------------------------------------


def as_json(ex: Explanation) -> dict[str, Any]:
    job = ex.job.data
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "batchlint", "version": __version__},
        "job": {
            "jobId": ex.job.name, "jobName": job.get("jobName"), "jobArn": ex.job.arn,
            "status": ex.status, "statusReason": job.get("statusReason"),
            "jobQueue": ex.queue_ref or None, "jobDefinition": job.get("jobDefinition"),
            "account": ex.job.account, "region": ex.job.region,
            "createdAt": job.get("createdAt"), "startedAt": job.get("startedAt"),
            "stoppedAt": job.get("stoppedAt"),
            "age_minutes": ex.age_ms // 60_000 if ex.age_ms is not None else None,
        },
        "summary": ex.summary,
        "queue": _resource(ex.queue) if ex.queue is not None else None,
        "compute_environments": [_resource(ce) for ce in ex.environments],
        "causes": [{
            "title": c.title, "detail": c.detail, "certainty": c.certainty, "kind": c.kind,
            "rule_id": c.rule_id, "rule_name": c.rule_name, "resource": c.resource,
            "batch_agrees": c.batch_agrees,
        } for c in ex.causes],
        "failures": [{
            "attempt": f.attempt, "statusReason": f.status_reason or None,
            "reason": f.reason or None, "exitCode": f.exit_code, "explanation": f.explanation,
            "rules": [{"rule_id": r, "rule_name": rule_name(r)} for r in f.rule_ids],
        } for f in ex.failures],
        "not_checked": list(ex.not_checked),
    }


def _resource(res: Resource) -> dict[str, Any]:
    cr = resources_of(res)
    out: dict[str, Any] = {"kind": res.kind, "name": res.name, "arn": res.arn,
                           "state": res.data.get("state"), "status": res.data.get("status"),
                           "statusReason": res.data.get("statusReason")}
    if res.kind == "compute-environment":
        out.update({"type": compute_type(res), "maxvCpus": cr.get("maxvCpus"),
                    "instanceTypes": instance_types(res)})
    return out
