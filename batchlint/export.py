"""The snapshot file: deterministic JSON that is safe to commit (docs/snapshot-format.md).

Resources are sorted by ARN (or id), keys are sorted, times are ISO 8601
strings, and values that change on their own (RUNNABLE jobs, unless asked
for) are left out, so the same account state gives the same bytes. Container
environment values are redacted unless they are references (ARNs,
``{{resolve:…}}``), and launch-template user data keeps only its MIME headers.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import TYPE_CHECKING, Any

from batchlint import model as m
from batchlint.jobdefs import REDACTED, containers, is_literal_value
from batchlint.model import Json, Resource

if TYPE_CHECKING:
    from batchlint.aws.live import LiveOptions


SORT_KEYS = {
    "computeEnvironments": ("computeEnvironmentArn",),
    "jobQueues": ("jobQueueArn",),
    "jobDefinitions": ("jobDefinitionArn",),
    "jobs": ("jobArn",),
    "launchTemplates": ("LaunchTemplateId",),
    "launchTemplateVersions": ("LaunchTemplateId", "VersionNumber"),
    "images": ("ImageId",),
    "instanceTypes": ("InstanceType",),
    "serviceQuotas": ("QuotaCode",),
}


def normalise(snapshot: dict[str, Any], keep_env_values: bool = True,
              include_jobs: bool = True) -> dict[str, Any]:
    """The snapshot as plain, sorted JSON values (a deep copy)."""
    out: dict[str, Any] = json.loads(json.dumps(snapshot, default=_jsonable))
    if not include_jobs:  # without jobs the time of reading matters to no rule
        out.pop("collectedAt", None)
    for account in out["accounts"]:
        for region in account.get("regions", []):
            if not include_jobs:
                region.pop("jobs", None)
            for key, fields in SORT_KEYS.items():
                if key in region:
                    region[key].sort(key=lambda item, f=fields: _sort_key(item, f))
            if not keep_env_values:
                for jobdef in region.get("jobDefinitions", []):
                    redact_environment(jobdef)
            for version in region.get("launchTemplateVersions", []):
                redact_user_data(version)
        account.get("notCollected", []).sort(key=lambda g: (g["dataset"], g.get("region", "")))
    return out


def dumps(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def redact_environment(jobdef: dict[str, Any]) -> None:
    """Replace literal environment values by ``<redacted>``; names and references stay."""
    holder = Resource(m.JOB_DEFINITION, "redacting", jobdef)
    for container in containers(holder):
        entries = container.data.get(container.env_key)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and "value" in entry and is_literal_value(entry["value"]):
                entry["value"] = REDACTED


def redact_user_data(version: dict[str, Any]) -> None:
    """User data may carry tokens: keep only its MIME headers, which rules read."""
    data = version.get("LaunchTemplateData")
    if not isinstance(data, dict) or not isinstance(data.get("UserData"), str):
        return
    try:
        text = base64.b64decode(data["UserData"], validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        data["UserData"] = REDACTED
        return
    headers = text.replace("\r\n", "\n").split("\n\n", 1)[0]
    if "content-type:" not in headers.lower():
        data["UserData"] = REDACTED
        return
    data["UserData"] = base64.b64encode((headers + "\n\n").encode("utf-8")).decode("ascii")


def _jsonable(value: Any) -> Json:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _sort_key(item: Json, fields: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
    key = []
    for name in fields:
        value = item.get(name) if isinstance(item, dict) else None
        number = value if isinstance(value, int) and not isinstance(value, bool) else 0
        key.append((0, number, "") if isinstance(value, int) else (1, 0, str(value or "")))
    return tuple(key)


def write_snapshot(options: LiveOptions, output: str, keep_env_values: bool,
                   include_jobs: bool) -> None:
    """``batchlint export``: collect, normalise, write; notes go to stderr."""
    import sys

    from batchlint.aws import live

    step, stop = live.progress_printer()
    try:
        collection = live.collect(options, step)
    finally:
        stop()
    for note in collection.notes:
        print(f"batchlint: {note}", file=sys.stderr)
    text = dumps(normalise(collection.snapshot, keep_env_values, include_jobs))
    if output == "-":
        sys.stdout.write(text)
        return
    save(output, text)


def save(path: str, text: str) -> None:
    """Write a snapshot's text to ``path``, whole or not at all (a failed write leaves the
    previous snapshot as it was); one clear error when it cannot be written."""
    from batchlint.fileio import write_text

    write_text(path, text)
