"""``batchlint why JOB_ID`` live: one DescribeJobs, then only what the job's queue needs.

The job's queue (DescribeJobQueues), its compute environments
(DescribeComputeEnvironments), the job's definition (DescribeJobDefinitions), and what
those environments reference, read as the scan collector reads it (collect.py): launch
template versions, AMIs, instance types, the EC2 vCPU quotas they count against, and
their IAM roles and instance profiles. Read-only, through the same guarded session
(session.py); a refused call leaves its dataset not verified, as in a scan.
"""

from __future__ import annotations

import datetime
import importlib
from typing import Any

from batchlint import __version__
from batchlint.aws import session as sess
from batchlint.aws.collect import RegionCollector, describe_error, error_code, pages
from batchlint.aws.faults import AWS_FAULTS, CallBudget, describe_fault, reply_field
from batchlint.aws.iam_collect import collect_iam
from batchlint.aws.references import iam_references
from batchlint.errors import BatchlintError
from batchlint.loaders.snapshot import FORMAT_VERSION
from batchlint.model import Json, Model, parse_arn

# Datasets read for the queue's environments, as a scan reads them (collect.py).
_DATASETS = (("launch-templates", "_launch_templates"), ("images", "_images"),
             ("instance-types", "_instance_types"), ("service-quotas", "_quotas"))
def collect_job(job_id: str, region: str | None, profile: str | None,
                timeout: float) -> tuple[Model, list[str]]:
    """The model of one job and what its queue needs, and notes on what was not read."""
    from batchlint.aws.live import check_region

    if region:
        check_region(region, "--region")
    budget = CallBudget(timeout)
    base = sess.base_session(profile, region, budget)
    region = region or base.region_name
    if not region:
        raise BatchlintError("no region: pass --region or a job ARN, or set AWS_DEFAULT_REGION "
                             "or a region in the profile")
    check_region(region, "the profile or AWS_DEFAULT_REGION")
    try:
        return _collect(base, job_id, region, budget)
    except AWS_FAULTS as exc:
        raise BatchlintError(f"cannot reach AWS: {describe_fault(exc, 'batch')}") from None


def _collect(base: Any, job_id: str, region: str, budget: CallBudget) -> tuple[Model, list[str]]:
    from botocore.exceptions import ClientError

    worker = sess.frozen_copy(base, region, sess.RateLimiter(sess.BATCH_CALLS_PER_SECOND),
                              budget)
    collector = RegionCollector(worker, region, all_revisions=False, with_jobs=False)
    batch = collector.batch
    try:
        jobs = reply_field(batch, "describe_jobs", batch.describe_jobs(jobs=[job_id]), "jobs")
        if not jobs:
            raise BatchlintError(f"job {job_id} not found in {region} (batch:DescribeJobs "
                                 "returned nothing; pass --region, or the job ARN)")
        job: Json = jobs[0]
        queues = _named(batch, "describe_job_queues", "jobQueues", job.get("jobQueue"))
        refs = [entry.get("computeEnvironment") for queue in queues
                for entry in queue.get("computeEnvironmentOrder") or []]
        environments = _named(batch, "describe_compute_environments", "computeEnvironments",
                              *refs)
        definitions = _named(batch, "describe_job_definitions", "jobDefinitions",
                             job.get("jobDefinition"))
    except ClientError as exc:
        raise BatchlintError(f"cannot read job {job_id}: "
                             f"{describe_error(exc, 'batch:' + str(exc.operation_name))}") \
            from None
    data = collector.out.data
    data.update(computeEnvironments=environments, jobQueues=queues,
                jobDefinitions=definitions, jobs=[job])
    notes: list[str] = []
    for dataset, method in _DATASETS:
        collector._guarded(dataset, lambda m=method: getattr(collector, m)(data))
    _network(collector, data, notes)
    account = parse_arn(job.get("jobArn"))[2] or "unknown"
    iam = collect_iam(worker, *iam_references(environments, account))
    if len(environments) > 0:
        notes.append("live: only this queue's compute environments were read, so the vCPU "
                     "quotas are compared with their maxvCpus alone")
    entry: dict[str, Any] = {"account": account, "regions": [{"region": region, **data}],
                             "iam": iam.as_json()}
    gaps = [*iam.gaps, *collector.out.gaps]
    if gaps:
        entry["notCollected"] = [gap.as_json() for gap in gaps]
    snapshot = {"batchlint_snapshot": FORMAT_VERSION, "generator": {"name": "batchlint",
                                                       "version": __version__},
                "collectedAt": datetime.datetime.now(datetime.UTC).isoformat(
                    timespec="seconds"), "accounts": [entry]}
    from batchlint.export import normalise
    from batchlint.loaders import load_live

    return load_live(normalise(snapshot), []).model, notes


def _network(collector: RegionCollector, data: dict[str, Any], notes: list[str]) -> None:
    """The environments' subnets, route tables, endpoints, security groups and instance-type
    offerings, read by the scan's own reader (network_collect.py) where this tree has it."""
    try:
        reader_module: Any = importlib.import_module("batchlint.aws.network_collect")
    except ImportError:
        notes.append("network path not checked: this batchlint does not read network data")
        return
    reader = reader_module.NetworkReader(collector.ec2, pages, data)
    for dataset, step in (("subnets", reader.subnets), ("route-tables", reader.route_tables),
                          ("vpc-endpoints", reader.vpc_endpoints),
                          ("security-groups", reader.security_groups),
                          ("instance-type-offerings", reader.offerings)):
        collector._guarded(dataset, step)


def _named(batch: Any, operation: str, key: str, *refs: Json) -> list[Json]:
    """The resources of a Batch describe call, for the names or ARNs given only."""
    wanted = sorted({ref for ref in refs if isinstance(ref, str) and ref})
    if not wanted:
        return []
    param = {"describe_job_queues": "jobQueues",
             "describe_compute_environments": "computeEnvironments",
             "describe_job_definitions": "jobDefinitions"}[operation]
    try:
        return pages(batch, operation, key, **{param: wanted})
    except Exception as exc:  # a deleted queue or definition: absent, not fatal
        if error_code(exc) in ("ClientException", "ResourceNotFoundException"):
            return []
        raise
