"""The snapshot file: deterministic JSON that is safe to commit (docs/snapshot-format.md).

Resources are sorted by ARN (or id), keys are sorted, times are ISO 8601
strings, and values that change on their own (RUNNABLE jobs, unless asked
for) are left out, so the same account state gives the same bytes. What may be a
secret is redacted (batchlint/redact.py): container environment values unless they
are references, job parameters, command arguments other than flags, log-driver
options, secret-looking tags, and launch-template user data beyond its MIME headers.
"""

from __future__ import annotations

import base64
import datetime
import json
from typing import TYPE_CHECKING, Any

from batchlint.model import Json
from batchlint.redact import redact_job_definition, redact_tags, redact_user_data
from batchlint.terminal import escape

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
    "subnets": ("SubnetId",),
    "routeTables": ("RouteTableId",),
    "vpcEndpoints": ("VpcEndpointId",),
    "securityGroups": ("GroupId",),
    "instanceTypeOfferings": ("InstanceType", "Location"),
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
            for jobdef in region.get("jobDefinitions", []):
                redact_job_definition(jobdef, keep_env_values)
            for version in region.get("launchTemplateVersions", []):
                redact_user_data(version)
        redact_tags(account)
        account.get("notCollected", []).sort(key=lambda g: (g["dataset"], g.get("region", "")))
    return out


def dumps(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


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
        print(f"batchlint: {escape(note)}", file=sys.stderr)
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
