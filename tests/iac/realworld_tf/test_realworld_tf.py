"""Real-world Terraform modules with AWS Batch resources: findings pinned, checked by hand.

Each folder here holds unmodified copies of the ``.tf`` files (and the files they
``file()``/``templatefile()``) of public, permissively licensed modules, with the
repository's LICENSE (see SOURCES.md). Each folder is scanned as Terraform source
(``load_files`` + ``run`` with the rules that are on by default) and the exact set of
``(rule, resource)`` findings and not-verified results is pinned, with the exact
message of every error- and warning-level finding. Every finding was checked by hand
against the Terraform code (REVIEW.md: one line per finding, TRUE or FALSE and why).

A finding judged FALSE was fixed before it was pinned (REVIEW.md says which).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest

from batchlint.engine import RuleRun, run
from batchlint.loaders import Loaded, load_files
from batchlint.registry import load_rules
from batchlint.rule import Finding

from ...conftest import REPO

HERE = REPO / "tests" / "iac" / "realworld_tf"
DEFAULT_RULES = [r for r in load_rules(entry_points=False) if r.enabled_by_default]

Key = tuple[str, str]  # (rule id, resource name)

# ---------------------------------------------------------------------------
# Findings, each checked by hand (REVIEW.md). Line numbers are the copied file's.
# ---------------------------------------------------------------------------
FINDINGS: dict[str, set[Key]] = {
    "batch-for-slc": {
        # modules/batch/main.tf:97: the queue's only environment is each.value, the
        # for_each entry `spot = "FARGATE_SPOT"` (line 4): no on-demand fallback
        ("BL203", 'aws_batch_job_queue.fargate["spot"]'),
        # modules/batchjob/main.tf:52/118: attempts = var.…_retry_strategy_attempts,
        # whose default is 1 (variables.tf:112)
        ("BL301", "aws_batch_job_definition.fargate"),
        ("BL301", "aws_batch_job_definition.ec2[0]"),
    },
    "metaflow": set(),  # no finding: see REVIEW.md for the checks that pass
    "scpca-portal": {
        # batch/compute_environment.tf:36: desired_vcpus = 2, lifecycle has no ignore_changes
        ("BL108", "module.batch.aws_batch_compute_environment.scpca_portal_ec2"),
        # no BL112: the template's iam_instance_profile { name = …batch_instance_profile.name }
        # (line 84) is the environment's own instance_role (…batch_instance_profile.arn, 46)
        # batch/compute_environment.tf:54: version = "$Latest"
        ("BL116", "module.batch.aws_batch_compute_environment.scpca_portal_ec2"),
        # batch/job_definition.tf:107/142: no timeout block
        ("BL305", "module.batch.aws_batch_job_definition.scpca_portal_ec2"),
        ("BL305", "module.batch.aws_batch_job_definition.scpca_portal_fargate"),
        # batch/job_definition.tf:3: image = "${var.dockerhub_account}/scpca_portal_api:latest"
        ("BL306", "module.batch.aws_batch_job_definition.scpca_portal_ec2"),
        ("BL306", "module.batch.aws_batch_job_definition.scpca_portal_fargate"),
        # batch/job_definition.tf:134/158: retry_strategy { attempts = 3 }, no evaluate_on_exit
        ("BL307", "module.batch.aws_batch_job_definition.scpca_portal_ec2"),
        ("BL307", "module.batch.aws_batch_job_definition.scpca_portal_fargate"),
    },
    "snakemake": {
        # terraform/main.tf:113: EC2 environment (var default "EC2") with no launch_template
        ("BL103", "aws_batch_compute_environment.sample"),
    },
    "swipe": {
        # swipe-sfn-batch-queue/main.tf:172: queue "spot" holds only swipe_main["spot"],
        # whose type is var.use_spot ? "SPOT" : "EC2" with use_spot defaulting to true
        ("BL203", 'aws_batch_job_queue.swipe_main["spot"]'),
        # swipe-sfn-batch-job/main.tf:122: attempts = var.batch_job_retry_attempts, default 1
        ("BL301", "aws_batch_job_definition.swipe_main"),
    },
    "ucl-arc-batch-processing": {
        # modules/batch/main.tf:84: aws_batch_job_definition with no retry_strategy …
        ("BL301", "aws_batch_job_definition.simple_batch_job"),
        # … and no timeout
        ("BL305", "aws_batch_job_definition.simple_batch_job"),
        # main.tf:92: the heredoc's "image" is `${var.container_image_url}`, whose default
        # (variables.tf:30) is public.ecr.aws/docker/library/busybox:latest; only the
        # heredoc's `${var.efs_id}` (no default) is unknown
        ("BL306", "aws_batch_job_definition.simple_batch_job"),
    },
}

_RETRY = ('add retry_strategy { attempts = 3 evaluate_on_exit { on_status_reason = "Host EC2*" '
          'action = "RETRY" } evaluate_on_exit { on_reason = "*" action = "EXIT" } }')
# on Fargate (platform_capabilities FARGATE): no EC2 host, so no "Host EC2*"
_FARGATE = ("one task that fails to start or Spot interruption fails the job for good; add "
            'retry_strategy { attempts = 3 evaluate_on_exit { on_status_reason = "Task failed to '
            'start" action = "RETRY" } evaluate_on_exit { on_status_reason = "Your Spot Task was '
            'interrupted*" action = "RETRY" } evaluate_on_exit { on_reason = "*" action = "EXIT" '
            "} }")

# the exact message and place (path under this folder, line) of each error or warning
MESSAGES: dict[tuple[str, str, str], tuple[str, str, int]] = {
    ("batch-for-slc", "BL301", "aws_batch_job_definition.fargate"): (
        "job definition `aws_batch_job_definition.fargate` sets retry_strategy.attempts to 1, "
        "so " + _FARGATE,
        "batch-for-slc/modules/batchjob/main.tf", 52),
    ("batch-for-slc", "BL301", "aws_batch_job_definition.ec2[0]"): (
        "job definition `aws_batch_job_definition.ec2[0]` sets retry_strategy.attempts to 1, "
        "so one host failure or Spot reclaim fails the job for good; " + _RETRY,
        "batch-for-slc/modules/batchjob/main.tf", 118),
    ("snakemake", "BL103", "aws_batch_compute_environment.sample"): (
        "compute environment `aws_batch_compute_environment.sample` keeps the 30 GiB default "
        "disk of Batch's default ECS AMI (Amazon Linux 2 or 2023, by the day the environment "
        "was created), below 50 GiB; attach a launch template that maps /dev/xvda to at least "
        "50 GiB",
        "snakemake/terraform/main.tf", 113),
    ("swipe", "BL301", "aws_batch_job_definition.swipe_main"): (
        "job definition `aws_batch_job_definition.swipe_main` sets retry_strategy.attempts to "
        "1, so one host failure or Spot reclaim fails the job for good; " + _RETRY,
        "swipe/terraform/modules/swipe-sfn-batch-job/main.tf", 122),
    ("ucl-arc-batch-processing", "BL301", "aws_batch_job_definition.simple_batch_job"): (
        # main.tf:88: platform_capabilities = [upper(var.compute_environments)], "fargate"
        "job definition `aws_batch_job_definition.simple_batch_job` has no retry_strategy, so "
        + _FARGATE,
        "ucl-arc-batch-processing/modules/batch/main.tf", 84),
}

# ---------------------------------------------------------------------------
# Not verified: key → a fragment of the reason
# ---------------------------------------------------------------------------
_NO_DEFAULT = "which has no default and no value in a tfvars file"
_SSM_AMI = "`compute_resources.image_id` comes from `data.aws_ssm_parameter.swipe_batch_ami`"
# templatefile() renders the container's YAML, whose image is a variable without default
_TEMPLATEFILE = f"`container_properties` comes from `var.batch_job_docker_image`, {_NO_DEFAULT}"
_SCPCA_AMI = "`image_id` comes from `module.batch.data.aws_ami.ecs_optimized_amazon_linux`"
_SCPCA_SECRET = ("`container_properties.secrets[0].valueFrom` is "
                 "`aws_secretsmanager_secret.django_secret_key.arn`, known only after apply")
_NO_IMAGE_TYPE = "compute_resources.ec2_configuration sets no image_type"
_QUOTA = "service-quota `L-1216C47A` is not in the Terraform configuration"
# the Fargate environments are made by the remote module `batch`, not downloaded
_UCL_FARGATE = "there is no Fargate compute environment in its region in the data"
_UCL_CE = ("`compute_environments[0]` comes from module `batch` "
           "(`terraform-aws-modules/batch/aws`), which is not downloaded")

NOT_VERIFIED: dict[str, dict[Key, str]] = {
    "batch-for-slc": {
        ("BL113", 'aws_batch_compute_environment.fargate["ondemand"]'):
            "the environment names no subnets",
        ("BL113", 'aws_batch_compute_environment.fargate["spot"]'):
            "the environment names no subnets",
        ("BL302", "aws_batch_job_definition.ec2[0]"):
            "there is no EC2 compute environment in its region in the data",
        ("BL302", "aws_batch_job_definition.fargate"):
            "there is no Fargate compute environment in its region in the data",
        ("BL306", "aws_batch_job_definition.ec2[0]"): "`var.batch_image_uri`",
        ("BL306", "aws_batch_job_definition.fargate"): "`var.batch_image_uri`",
        ("BL310", "aws_batch_job_definition.fargate"): "`var.batch_execution_iam_role_arn`",
        ("BL311", "aws_batch_job_definition.fargate"): "`var.batch_execution_iam_role_arn`",
    },
    "metaflow": {
        ("BL105", "aws_batch_compute_environment.this"): _NO_IMAGE_TYPE,
        ("BL113", "aws_batch_compute_environment.this"): "`var.subnet1_id`",
        ("BL114", "aws_batch_compute_environment.this"):
            "`var.compute_environment_instance_types`",
        ("BL202", "aws_batch_job_queue.this"): "`var.compute_environment_instance_types`",
        ("BL401", "aws_batch_compute_environment.this"): "`var.compute_environment_max_vcpus`",
    },
    "scpca-portal": {
        ("BL103", "module.batch.aws_batch_compute_environment.scpca_portal_ec2"): _SCPCA_AMI,
        ("BL104", "module.batch.aws_batch_compute_environment.scpca_portal_ec2"): _SCPCA_AMI,
        ("BL105", "module.batch.aws_batch_compute_environment.scpca_portal_ec2"): _SCPCA_AMI,
        ("BL311", "module.batch.aws_batch_job_definition.scpca_portal_ec2"): _SCPCA_SECRET,
        ("BL311", "module.batch.aws_batch_job_definition.scpca_portal_fargate"): _SCPCA_SECRET,
        ("BL401", "module.batch.aws_batch_compute_environment.scpca_portal_ec2"): _QUOTA,
    },
    "snakemake": {
        ("BL105", "aws_batch_compute_environment.sample"): _NO_IMAGE_TYPE,
        ("BL114", "aws_batch_compute_environment.sample"):
            "the Availability Zone of subnet `aws_subnet.subnet01` is not known",
        ("BL401", "aws_batch_compute_environment.sample"): _QUOTA,
    },
    "swipe": {
        ("BL103", 'aws_batch_compute_environment.swipe_main["on_demand"]'): _SSM_AMI,
        ("BL103", 'aws_batch_compute_environment.swipe_main["spot"]'): _SSM_AMI,
        ("BL104", 'aws_batch_compute_environment.swipe_main["on_demand"]'): _SSM_AMI,
        ("BL104", 'aws_batch_compute_environment.swipe_main["spot"]'): _SSM_AMI,
        ("BL105", 'aws_batch_compute_environment.swipe_main["on_demand"]'): _SSM_AMI,
        ("BL105", 'aws_batch_compute_environment.swipe_main["spot"]'): _SSM_AMI,
        ("BL112", 'aws_batch_compute_environment.swipe_main["on_demand"]'):
            "`user_data` comes from `data.template_cloudinit_config.user_data_merge`",
        ("BL112", 'aws_batch_compute_environment.swipe_main["spot"]'):
            "`user_data` comes from `data.template_cloudinit_config.user_data_merge`",
        ("BL113", 'aws_batch_compute_environment.swipe_main["on_demand"]'):
            f"`compute_resources.subnets` comes from `var.network_info`, {_NO_DEFAULT}",
        ("BL113", 'aws_batch_compute_environment.swipe_main["spot"]'):
            f"`compute_resources.subnets` comes from `var.network_info`, {_NO_DEFAULT}",
        ("BL302", "aws_batch_job_definition.swipe_main"): _TEMPLATEFILE,
        ("BL303", "aws_batch_job_definition.swipe_main"): _TEMPLATEFILE,
        ("BL304", "aws_batch_job_definition.swipe_main"): _TEMPLATEFILE,
        ("BL305", "aws_batch_job_definition.swipe_main"): "`var.batch_job_timeout_seconds`",
        ("BL306", "aws_batch_job_definition.swipe_main"): _TEMPLATEFILE,
        ("BL309", "aws_batch_job_definition.swipe_main"): _TEMPLATEFILE,
        ("BL311", "aws_batch_job_definition.swipe_main"): _TEMPLATEFILE,
        ("BL401", 'aws_batch_compute_environment.swipe_main["on_demand"]'):
            "`var.on_demand_max_vcpus`",
        ("BL401", 'aws_batch_compute_environment.swipe_main["spot"]'): "`var.spot_max_vcpus`",
    },
    "ucl-arc-batch-processing": {
        ("BL201", "aws_batch_job_queue.test-queue"): _UCL_CE,
        ("BL202", "aws_batch_job_queue.test-queue"): _UCL_CE,
        ("BL203", "aws_batch_job_queue.test-queue"): _UCL_CE,
        ("BL302", "aws_batch_job_definition.simple_batch_job"): _UCL_FARGATE,
        ("BL310", "aws_batch_job_definition.simple_batch_job"):
            "there is no enabled Fargate compute environment in its region in the data",
    },
}

FOLDERS = sorted(FINDINGS)


@dataclass(frozen=True)
class Scan:
    loaded: Loaded
    findings: dict[Key, Finding]
    not_verified: dict[Key, str]


@functools.cache
def scan(name: str) -> Scan:
    loaded = load_files([str(HERE / name)])
    report = run(loaded.models, [RuleRun(r, r.severity, {}) for r in DEFAULT_RULES])
    findings: dict[Key, Finding] = {}
    for f in report.findings:
        assert (f.rule_id, f.resource.name) not in findings, f  # one per key
        findings[(f.rule_id, f.resource.name)] = f
    return Scan(loaded, findings,
                {(n.rule_id, n.resource.name): n.reason for n in report.not_verified})


def test_every_folder_is_pinned() -> None:
    folders = sorted(p.name for p in HERE.iterdir()
                     if p.is_dir() and not p.name.startswith(("_", ".")))
    assert folders == FOLDERS
    assert sorted(NOT_VERIFIED) == FOLDERS
    for name in FOLDERS:
        assert (HERE / name / "LICENSE").is_file()
        assert f"| `{name}/` |" in (HERE / "SOURCES.md").read_text()


@pytest.mark.parametrize("name", FOLDERS)
def test_folder_loads_without_failure(name: str) -> None:
    result = scan(name)
    assert result.loaded.failures == []
    assert result.loaded.templates  # read as Terraform source
    assert not [n for n in result.loaded.notes if "internal error" in n]
    assert not [f for f in result.findings.values() if f.internal]
    assert not [f for f in result.findings.values() if "internal error" in f.message]
    assert not [r for r in result.not_verified.values() if "internal error" in r]


@pytest.mark.parametrize("name", FOLDERS)
def test_findings_are_pinned(name: str) -> None:
    assert set(scan(name).findings) == FINDINGS[name]


@pytest.mark.parametrize("name", FOLDERS)
def test_not_verified_are_pinned(name: str) -> None:
    gaps = scan(name).not_verified
    assert set(gaps) == set(NOT_VERIFIED[name])
    for key, fragment in NOT_VERIFIED[name].items():
        assert fragment in gaps[key], (key, gaps[key])


@pytest.mark.parametrize("name", FOLDERS)
def test_error_and_warning_messages_are_pinned(name: str) -> None:
    loud = {key for key, f in scan(name).findings.items() if f.severity in ("error", "warning")}
    assert loud == {(rule, res) for (folder, rule, res) in MESSAGES if folder == name}
    for rule, res in loud:
        finding = scan(name).findings[(rule, res)]
        message, path, line = MESSAGES[(name, rule, res)]
        assert finding.message == message
        where = finding.location
        assert where is not None
        assert (where.path, where.line) == (str(HERE / path), line)
