"""``batchlint why JOB_ID [PATH ...]``: find the job (in the files, or live with one
DescribeJobs), explain it, print it. A job found and explained exits 0 whatever its state;
a malformed or unknown job id is one line on stderr, exit 2."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from batchlint.errors import BatchlintError
from batchlint.fileio import DEFAULT_LIMITS, Limits
from batchlint.model import Model
from batchlint.terminal import escape
from batchlint.why import explain, find_job, parse_job_ref
from batchlint.why_report import write


def run_why(job_ref: str, paths: list[str], output_format: str, profile: str | None = None,
            region: str | None = None, timeout: float | None = None,
            limits: Limits = DEFAULT_LIMITS) -> int:
    """``timeout`` None: not given (the live default; given with PATH, a usage error)."""
    job_id, arn_region, _ = parse_job_ref(job_ref)
    notes: list[str] = []
    if paths:
        if profile or region or timeout is not None:
            raise BatchlintError("account options (--profile, --region, --timeout) apply to "
                                 "a live `why`, without PATH")
        model = _from_files(job_id, paths, limits)
    else:
        from batchlint.aws.faults import DEFAULT_TIMEOUT
        from batchlint.aws.why_live import collect_job

        if region and arn_region and region != arn_region:
            raise BatchlintError(f"--region {region} but the job ARN is in {arn_region}")
        model, notes = collect_job(job_id, region or arn_region, profile,
                                   DEFAULT_TIMEOUT if timeout is None else timeout)
    job = find_job(model, job_id)
    if job is None:  # collect_job raises first; files are checked in _from_files
        raise BatchlintError(f"job {job_id} not found")
    explanation = explain(model, job)
    explanation.not_checked.extend(notes)
    write(sys.stdout, explanation, output_format)
    return 0


def _from_files(job_id: str, paths: list[str], limits: Limits) -> Model:
    from batchlint.loaders import load_files

    loaded = load_files(paths, limits=limits)
    for note in loaded.notes:
        print(f"batchlint: {escape(note)}", file=sys.stderr)
    if find_job(loaded.model, job_id) is not None:
        return loaded.model
    described = [path for path, doc in loaded.documents.items()
                 if isinstance(doc.data, Mapping) and isinstance(doc.data.get("jobs"), list)
                 and "batchlint_snapshot" not in doc.data]
    if described:
        raise BatchlintError(f"job {job_id} is not in the describe-jobs output given "
                             f"({', '.join(described)})")
    raise BatchlintError(f"job {job_id} is not in the files given: give the output of `aws "
                         "batch describe-jobs --jobs JOB_ID`, or a snapshot exported with "
                         "--include-jobs while the job was RUNNABLE")
