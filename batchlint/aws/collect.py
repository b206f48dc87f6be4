"""Read one account's Batch setup into the snapshot shape (docs/snapshot-format.md).

Per region: compute environments, job queues, ACTIVE job definitions, RUNNABLE
jobs, and only what those reference: launch template versions, AMIs, instance
types and the EC2 vCPU quotas their families count against. IAM is global, so
the roles and instance profiles the environments name are read once per
account. Every call is paginated at the API's largest page; nothing is read
per resource where a call takes many at once.

A call refused for lack of permission does not stop the scan: the dataset it
feeds is recorded in ``notCollected`` with the call's name, so the checks that
need it are reported as not verified.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from batchlint.aws.faults import AWS_FAULTS, check_reply, describe_fault, reply_field
from batchlint.aws.network_collect import NetworkReader, SubnetsMissing
from batchlint.aws.references import (
    image_ids,
    instance_type_patterns,
    launch_template_specs,
    quota_codes,
)
from batchlint.model import Json

NOT_ENABLED = {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure",
               "OptInRequired", "InvalidSignatureException"}
# What rules read of an instance type; the rest (network, EBS, boot modes…) would
# make every snapshot several times larger for nothing.
INSTANCE_TYPE_FIELDS = frozenset({
    "InstanceType", "CurrentGeneration", "VCpuInfo", "MemoryInfo", "ProcessorInfo", "GpuInfo",
    "NeuronInfo", "InferenceAcceleratorInfo", "SupportedUsageClasses", "BareMetal",
})


class RegionUnavailable(Exception):
    """The region cannot be read at all (not enabled, unreachable, Batch refused)."""


@dataclass
class Gap:
    dataset: str
    region: str | None
    reason: str

    def as_json(self) -> dict[str, str]:
        out = {"dataset": self.dataset, "reason": self.reason}
        if self.region:
            out["region"] = self.region
        return out


@dataclass
class RegionData:
    region: str
    data: dict[str, Any] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def describe_error(exc: BaseException, call: str) -> str:
    code = error_code(exc) or type(exc).__name__
    return f"{code} on {call}"


def pages(client: Any, operation: str, key: str, **params: Any) -> list[Json]:
    """Every item of a paginated call."""
    paginator = client.get_paginator(operation)
    items: list[Json] = []
    for page in paginator.paginate(**params):
        check_reply(client, operation, key, page)
        items.extend(page.get(key) or [])
    return items


def call_name(client: Any, operation: str) -> str:
    model = client.meta.service_model
    return f"{model.signing_name}:{model.operation_model(_camel(operation)).name}"


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


class RegionCollector:
    """Reads one region of one account. ``session`` belongs to this thread alone."""

    def __init__(self, session: Any, region: str, all_revisions: bool, with_jobs: bool = True):
        from batchlint.aws.session import client_config

        config = client_config()
        self.region = region
        self.batch = session.client("batch", region_name=region, config=config)
        self.ec2 = session.client("ec2", region_name=region, config=config)
        self.quotas = session.client("service-quotas", region_name=region, config=config)
        self.all_revisions = all_revisions
        self.with_jobs = with_jobs
        self.out = RegionData(region)

    def collect(self) -> RegionData:
        data = self.out.data
        data["computeEnvironments"] = self._batch("describe_compute_environments",
                                                  "computeEnvironments", maxResults=100)
        data["jobQueues"] = self._batch("describe_job_queues", "jobQueues", maxResults=100)
        data["jobDefinitions"] = latest_revisions(
            self._batch("describe_job_definitions", "jobDefinitions", status="ACTIVE",
                        maxResults=100), self.all_revisions)
        if self.with_jobs:
            self._guarded("jobs", lambda: self._runnable_jobs(data["jobQueues"]))
        self._guarded("launch-templates", lambda: self._launch_templates(data))
        self._guarded("images", lambda: self._images(data))
        self._guarded("instance-types", lambda: self._instance_types(data))
        self._guarded("service-quotas", lambda: self._quotas(data))
        network = NetworkReader(self.ec2, pages, data)
        self._guarded("subnets", network.subnets)
        self._guarded("route-tables", network.route_tables)
        self._guarded("vpc-endpoints", network.vpc_endpoints)
        self._guarded("security-groups", network.security_groups)
        self._guarded("instance-type-offerings", network.offerings)
        return self.out

    # -- Batch ---------------------------------------------------------------
    def _batch(self, operation: str, key: str, **params: Any) -> list[Json]:
        from botocore.exceptions import ClientError

        try:
            return pages(self.batch, operation, key, **params)
        except ClientError as exc:
            raise RegionUnavailable(describe_error(exc, call_name(self.batch, operation))) \
                from None
        except AWS_FAULTS as exc:  # endpoint unreachable or silent, no such region, …
            raise RegionUnavailable(describe_fault(exc, call_name(self.batch, operation))) \
                from None

    def _runnable_jobs(self, queues: list[Json]) -> None:
        jobs: list[Json] = []
        for queue in queues:
            arn = queue.get("jobQueueArn")
            for job in pages(self.batch, "list_jobs", "jobSummaryList", jobQueue=arn,
                             jobStatus="RUNNABLE", maxResults=1000):
                jobs.append({**job, "jobQueue": arn})  # ListJobs does not say the queue
        self.out.data["jobs"] = jobs

    def _guarded(self, dataset: str, collect: Any) -> None:
        """Run one dataset's calls; a refusal or fault becomes a gap, not a crash."""
        from botocore.exceptions import ClientError

        try:
            collect()
        except ClientError as exc:
            operation = exc.operation_name if hasattr(exc, "operation_name") else "?"
            service = _SERVICE_OF.get(dataset, "?")
            self.out.gaps.append(Gap(dataset, self.region,
                                     f"{error_code(exc) or 'error'} on {service}:{operation}"))
        except AWS_FAULTS as exc:
            self.out.gaps.append(Gap(dataset, self.region,
                                     describe_fault(exc, _SERVICE_OF.get(dataset, "?"))))
        except SubnetsMissing as exc:
            self.out.gaps.append(Gap(dataset, self.region, str(exc)))

    # -- EC2 -----------------------------------------------------------------
    def _launch_templates(self, data: dict[str, Any]) -> None:
        wanted: dict[str, set[str]] = {}
        for spec in launch_template_specs(data["computeEnvironments"]):
            ref = spec.get("launchTemplateId") or spec.get("launchTemplateName")
            if isinstance(ref, str) and ref:
                version = spec.get("version")
                wanted.setdefault(ref, set()).add(str(version) if version else "$Default")
        templates: list[Json] = []
        versions: list[Json] = []
        for ref, numbers in sorted(wanted.items()):
            by = "LaunchTemplateIds" if ref.startswith("lt-") else "LaunchTemplateNames"
            found = self._existing_templates(by, ref)
            templates.extend(found)
            for template in found:
                versions.extend(pages(
                    self.ec2, "describe_launch_template_versions", "LaunchTemplateVersions",
                    LaunchTemplateId=template["LaunchTemplateId"],
                    Versions=sorted(numbers | {"$Default"})))
        data["launchTemplates"] = _unique(templates, "LaunchTemplateId")
        data["launchTemplateVersions"] = _unique(
            versions, "LaunchTemplateId", "VersionNumber")

    def _existing_templates(self, by: str, ref: str) -> list[Json]:
        from botocore.exceptions import ClientError

        try:
            found: list[Json] = reply_field(self.ec2, "describe_launch_templates",
                                            self.ec2.describe_launch_templates(**{by: [ref]}),
                                            "LaunchTemplates")
            return found
        except ClientError as exc:
            if "NotFound" in (error_code(exc) or ""):
                return []  # referenced but deleted: absent from complete data
            raise

    def _images(self, data: dict[str, Any]) -> None:
        ids = sorted(image_ids(data["computeEnvironments"], data.get("launchTemplateVersions",
                                                                     [])))
        images: list[Json] = []
        for chunk in _chunks(ids, 100):
            images.extend(pages(self.ec2, "describe_images", "Images",
                                Filters=[{"Name": "image-id", "Values": chunk}]))
        data["images"] = _unique(images, "ImageId")

    def _instance_types(self, data: dict[str, Any]) -> None:
        patterns = sorted(instance_type_patterns(data["computeEnvironments"]))
        found: list[Json] = []
        for chunk in _chunks(patterns, 100):
            found.extend(pages(self.ec2, "describe_instance_types", "InstanceTypes",
                               Filters=[{"Name": "instance-type", "Values": chunk}],
                               MaxResults=100))
        data["instanceTypes"] = [{k: v for k, v in item.items() if k in INSTANCE_TYPE_FIELDS}
                                 for item in _unique(found, "InstanceType")]

    # -- Service Quotas --------------------------------------------------------
    def _quotas(self, data: dict[str, Any]) -> None:
        from botocore.exceptions import ClientError

        found: list[Json] = []
        failed: dict[str, list[str]] = {}
        for code in sorted(quota_codes(data["computeEnvironments"])):
            try:
                found.append(reply_field(self.quotas, "get_service_quota",
                                         self.quotas.get_service_quota(ServiceCode="ec2",
                                                                       QuotaCode=code), "Quota"))
            except ClientError as exc:  # one quota's refusal leaves the others readable
                failed.setdefault(f"{error_code(exc)} on servicequotas:GetServiceQuota",
                                  []).append(code)
        data["serviceQuotas"] = found
        for reason, codes in failed.items():
            self.out.gaps.append(Gap("service-quotas", self.region,
                                     f"{reason} ({', '.join(codes)})"))


_SERVICE_OF = {"jobs": "batch", "launch-templates": "ec2", "images": "ec2",
               "instance-types": "ec2", "service-quotas": "servicequotas", "subnets": "ec2",
               "route-tables": "ec2", "vpc-endpoints": "ec2", "security-groups": "ec2",
               "instance-type-offerings": "ec2"}


def latest_revisions(jobdefs: list[Json], all_revisions: bool) -> list[Json]:
    if all_revisions:
        return jobdefs
    latest: dict[str, Json] = {}
    for jd in jobdefs:
        name = jd.get("jobDefinitionName")
        seen = latest.get(name)
        if seen is None or jd.get("revision", 0) > seen.get("revision", 0):
            latest[name] = jd
    return list(latest.values())


def _unique(items: list[Json], *keys: str) -> list[Json]:
    seen: dict[tuple[Any, ...], Json] = {}
    for item in items:
        seen.setdefault(tuple(item.get(k) for k in keys), item)
    return list(seen.values())


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
