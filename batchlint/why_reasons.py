"""What Batch's own words and batchlint's rules say about a RUNNABLE job: the tables
``why`` reads them with (why_runnable.py)."""

from __future__ import annotations

from collections.abc import Mapping

from batchlint.model import Resource
from batchlint.why_types import text

# Batch's blocked-queue statusReason codes (job_stuck_in_runnable.html and its pages
# _capacity, _invalid_ce, _undetermined; CDK's JobStateTimeLimitActionsReason):
# code → (what it means, the kinds of cause that agree with it, the rule that prevents it)
BATCH_REASONS: Mapping[str, tuple[str, tuple[str, ...], str | None]] = {
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT": (
        "no instance type of the queue's compute environments can hold the job's vCPUs, "
        "memory or GPUs", ("capacity",), "BL302"),
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE": (
        "the job needs more vCPUs than the maxvCpus of every compute environment of the queue",
        ("max-vcpus",), "BL302"),
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY": (
        "EC2 has no capacity for the instance types the compute environments ask for (more "
        "instance types and Availability Zones, or an On-Demand fallback, BL203, help)",
        ("offerings", "quota"), None),
    "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS": (
        "the compute environments' service role lacks permissions Batch needs",
        ("service-role",), "BL101"),
    "MISCONFIGURATION:EC2_INSTANCE_CONFIGURATION_UNSUPPORTED": (
        "EC2 does not support the instance configuration (type, image or launch template) a "
        "compute environment asks for", ("offerings", "gpu-ami"), "BL114"),
    "ACTION_REQUIRED": ("every compute environment of the queue is INVALID", ("ce-state",),
                        "BL110"),
    "UNDETERMINED": ("Batch found the queue blocked but not why", (), None),
}
# The reasons a queue's jobStateTimeLimitActions can act on (job_stuck_in_runnable.html).
TIME_LIMIT_REASONS = frozenset({"CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
                                "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
                                "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"})

# Rule findings that explain a RUNNABLE job: rule → (kind, certainty, title). BL110, BL201,
# BL113 (through batchlint/network.py), BL302 and BL401 are checked for the job itself, so
# their own findings add nothing.
RULE_CAUSES: Mapping[str, tuple[str, str, str]] = {
    "BL101": ("service-role", "likely", "Batch cannot use the compute environment's service "
                                        "role"),
    "BL102": ("instance-role", "likely", "instances cannot join the ECS cluster: the instance "
                                          "role is missing or wrong"),
    "BL104": ("ce-state", "possible", "the compute environment launches an Amazon Linux 1 "
                                      "image, which Batch no longer supports"),
    "BL107": ("ce-state", "possible", "the compute environment is UNMANAGED: its instances are "
                                      "yours to start and register"),
    "BL111": ("service-role", "likely", "the SPOT compute environment has no usable Spot Fleet "
                                        "role"),
    "BL112": ("ce-state", "possible", "the launch template has fields Batch ignores or user "
                                      "data it rejects"),
    "BL114": ("offerings", "likely", "an instance type is not offered in the Availability Zones "
                                     "of the environment's subnets"),
    "BL115": ("gpu-ami", "likely", "GPU instances boot an image without NVIDIA drivers"),
    "BL202": ("queue-state", "likely", "the queue mixes compute environments Batch cannot "
                                       "schedule together"),
}
NETWORK_RULE, OFFERINGS_RULE = "BL113", "BL114"


def batch_reason(job: Resource) -> tuple[str, str]:
    """(code, whole statusReason) — the code is what precedes `` - ``."""
    whole = text(job.data.get("statusReason"))
    code = whole.split(" - ", 1)[0].strip()
    for known in BATCH_REASONS:
        if code.startswith(known):
            return known, whole
    return code, whole
