"""Real-world CloudFormation templates: every rule's findings, pinned and checked by hand.

The six templates under ``tests/iac/realworld/cfn/`` are public templates copied byte
for byte (see SOURCES.md there). Every rule runs, off-by-default ones included,
and the exact set of ``(rule, logical id)`` findings and not-verified results is
pinned. Each pinned finding was checked by hand against the template text and
the documented AWS Batch behaviour the rules rely on; the comment on each line
says what in the template makes it right (line numbers are the template's).

Known mistakes are pinned too, so a fix fails loudly: ``WRONG`` holds findings
that fire although the configuration is fine (``xfail(strict=True)`` asserting
they are gone), and ``MISSED`` holds findings or not-verified results that
should be reported and are not (``xfail(strict=True)`` asserting they are
there). Once one is fixed, its xfail passes, which fails the run: move the case
into ``FINDINGS``/``NOT_VERIFIED`` (or drop it) then.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pytest

from batchlint.engine import RuleRun, run
from batchlint.loaders import Loaded, load_files
from batchlint.registry import load_rules
from batchlint.rule import Finding

from ..conftest import REPO

REALWORLD = REPO / "tests" / "iac" / "realworld" / "cfn"
ALL_RULES = load_rules(entry_points=False)

Key = tuple[str, str]  # (rule id, logical id)

# ---------------------------------------------------------------------------
# Findings, each checked by hand.
# ---------------------------------------------------------------------------
# aws-cfn-batch-for-slc: one environment and one queue per platform and market
_DCEOY_EC2 = [f"{p}{m}" for p in ("Graviton", "Intel", "Nvidia") for m in ("Spot", "OnDemand")]
_DCEOY_ALL = [f"Ec2{ce}" for ce in _DCEOY_EC2] + ["FargateIntelSpot", "FargateIntelOnDemand"]
_DCEOY_QUEUES = ("FargateIntel", "Ec2Graviton", "Ec2Intel", "Ec2Nvidia")

FINDINGS: dict[str, set[Key]] = {
    "alphafold-batch.yaml": {
        # BL116: LaunchTemplate Version: $Latest, resolved only at create/update
        ("BL116", "PrivateCPUComputeEnvironmentOnDemand"),
        ("BL116", "PrivateCPUComputeEnvironmentSpot"),
        ("BL116", "PrivateGPUComputeEnvironment"),
        # BL204 (off by default): no JobStateTimeLimitActions for RUNNABLE
        ("BL204", "PrivateCPUJobQueueOnDemand"),
        ("BL204", "PrivateCPUJobQueueSpot"),
        ("BL204", "PrivateGPUJobQueue"),
        # BL109 (off by default): MinvCpus: 0 and no ScalingPolicy in ComputeResources
        ("BL109", "PrivateCPUComputeEnvironmentOnDemand"),  # MinvCpus: 0 (line 134)
        ("BL109", "PrivateCPUComputeEnvironmentSpot"),  # MinvCpus: 0 (line 195)
        ("BL109", "PrivateGPUComputeEnvironment"),  # MinvCpus: 0 (line 221)
        # the queue's only compute environment (line 249) is Type: SPOT (line 202); the
        # on-demand environment sits behind a different queue, so no fallback here
        ("BL203", "PrivateCPUJobQueueSpot"),
        # BL305: none of the three job definitions has a Timeout property
        ("BL305", "CPUFoldingJobDefinition"),  # lines 269-362
        ("BL305", "GPUFoldingJobDefinition"),  # lines 364-464
        ("BL305", "CPUDownloadJobDefinition"),  # lines 466-497
        # BL307: RetryStrategy is only Attempts: 3, no EvaluateOnExit
        ("BL307", "CPUFoldingJobDefinition"),  # line 358
        ("BL307", "GPUFoldingJobDefinition"),  # line 460
        ("BL307", "CPUDownloadJobDefinition"),  # line 493
        # BL306: Image: !Join [":", [!Ref …RegistryURI, "latest"]]: the repository is a
        # parameter, the tag an explicit `latest` (lines 275, 375, 472)
        ("BL306", "CPUFoldingJobDefinition"),
        ("BL306", "GPUFoldingJobDefinition"),
        ("BL306", "CPUDownloadJobDefinition"),
    },
    "cbmc.yaml": {
        # the launch template (lines 194-206) maps only /dev/xvdcz (1200 GiB, io1): the
        # root /dev/xvda keeps the image's 30 GiB, and /dev/xvdcz is Amazon Linux 1's Docker
        # volume, which the AL2/AL2023 images Batch picks (no ImageType) never use
        ("BL103", "CBMCComputeEnvironmentWithTemplate7"),
        ("BL106", "CBMCComputeEnvironmentWithTemplate7"),
        ("BL108", "CBMCComputeEnvironmentWithTemplate7"),  # DesiredvCpus: 8 (line 216)
        # BL109 (off by default): MinvCpus: 0 (line 215), no ScalingPolicy
        ("BL109", "CBMCComputeEnvironmentWithTemplate7"),
        ("BL204", "JobQueue"),  # (off by default) no JobStateTimeLimitActions
        ("BL301", "Ubuntu14GccJobDefinition"),  # RetryStrategy Attempts: 1 (line 168)
        ("BL301", "Ubuntu16GccJobDefinition"),  # Attempts: 1 (line 182)
        ("BL305", "Ubuntu14GccJobDefinition"),  # no Timeout
        ("BL305", "Ubuntu16GccJobDefinition"),
        ("BL309", "Ubuntu14GccJobDefinition"),  # Vcpus: 2, Memory: 16000 (lines 165-166)
        ("BL309", "Ubuntu16GccJobDefinition"),  # lines 178-179
    },
    "dejonghe-batch-example.yaml": {
        # ImageId: !Ref AMI (line 197), a parameter of type
        # AWS::SSM::Parameter::Value<String> whose default is the Amazon Linux 1 ECS AMI path
        # (/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id), which
        # CloudFormation resolves as it does Value<AWS::EC2::Image::Id>: AL1, end of life,
        # 22 GiB Docker volume
        ("BL104", "BatchCompute"),
        ("BL103", "BatchCompute"),
        ("BL108", "BatchCompute"),  # DesiredvCpus: 0 (line 203)
        ("BL204", "Queue"),  # (off by default) no JobStateTimeLimitActions
        ("BL301", "StartJob"),  # RetryStrategy Attempts: 1 (line 234)
        ("BL305", "StartJob"),  # no Timeout
        ("BL305", "ProcessJob"),
        # Image: !Join ['', [AccountId, '.dkr.ecr.', Region, '.amazonaws.com/',
        # !Ref StartImageName]], whose default ends in `:latest`
        ("BL306", "StartJob"),
        ("BL306", "ProcessJob"),
        ("BL307", "ProcessJob"),  # Attempts: 4, no EvaluateOnExit (line 248)
        ("BL309", "StartJob"),  # Vcpus: 1, Memory: 128 (lines 228-230)
        ("BL309", "ProcessJob"),  # lines 243-245
    },
    "batch-mpi-quickstart.yaml": {
        ("BL108", "ComputeEnvironment"),  # DesiredvCpus: !Ref MinvCpus, default 0 (line 172)
        # BL109 (off by default): MinvCpus: !Ref MinvCpus, default 0, no ScalingPolicy
        ("BL109", "ComputeEnvironment"),
        ("BL116", "ComputeEnvironment"),  # LaunchTemplate Version: $Default (line 177)
        ("BL204", "Queue"),  # (off by default) no JobStateTimeLimitActions
        ("BL301", "BatchJobDefinition"),  # no RetryStrategy
        ("BL305", "BatchJobDefinition"),  # no Timeout
        # Image: !If [CreateECR, !GetAtt ECRRepository.RepositoryUri, !Ref EcrUrl] (line
        # 205); EcrUrl defaults to '' so CreateECR holds: a repository URI carries no tag
        ("BL306", "BatchJobDefinition"),
    },
    "dceoy-batch-env-queues.yaml": {
        # ImageType ECS_AL2 (lines 83, 119, 258, 291) and ECS_AL2_NVIDIA (155, 324): Amazon
        # Linux 2, whose support ended on 30 June 2026
        *{("BL105", f"BatchComputeEnvironmentEc2{ce}") for ce in _DCEOY_EC2},
        # BL109 (off by default): MinvCpus: 0 (lines 70-311), no ScalingPolicy
        *{("BL109", f"BatchComputeEnvironmentEc2{ce}") for ce in _DCEOY_EC2},
        # LaunchTemplate Version: $Latest (lines 77-318)
        *{("BL116", f"BatchComputeEnvironmentEc2{ce}") for ce in _DCEOY_EC2},
        # each Spot queue orders only its SPOT / FARGATE_SPOT environment (lines 175-211)
        *{("BL203", f"BatchJobQueue{q}Spot") for q in _DCEOY_QUEUES},
        # BL204 (off by default): no queue has JobStateTimeLimitActions
        *{("BL204", f"BatchJobQueue{q}{m}") for q in _DCEOY_QUEUES
          for m in ("Spot", "OnDemand")},
    },
    "batch-genomics-env.yaml": {
        # BL204 (off by default): no JobStateTimeLimitActions for RUNNABLE
        ("BL204", "HighPriorityQueue"),
        ("BL204", "LowPriorityQueue"),
        ("BL108", "GenomicSpotEnv"),  # DesiredvCpus: 0 (line 41)
        ("BL108", "GenomicOnDemandEnv"),  # DesiredvCpus: 0 (line 72)
        ("BL109", "GenomicSpotEnv"),  # MinvCpus: 0 (line 40), no ScalingPolicy
        ("BL109", "GenomicOnDemandEnv"),  # MinvCpus: 0 (line 71), no ScalingPolicy
        # only compute environment (line 103) is GenomicSpotEnv, Type: SPOT (line 54)
        ("BL203", "LowPriorityQueue"),
    },
    "batch-genomics-jobs.yaml": {
        # BL301: RetryStrategy Attempts: 1, so one Spot reclaim fails the job
        ("BL301", "IsaacJobDefinition"),  # line 24
        ("BL301", "StrelkaJobDefinition"),  # line 63
        ("BL301", "SnpEffJobDefinition"),  # line 105
        ("BL301", "SamtoolsStatsJobDefinition"),  # line 141
        # BL305: no Timeout in any of the four
        ("BL305", "IsaacJobDefinition"),
        ("BL305", "StrelkaJobDefinition"),
        ("BL305", "SnpEffJobDefinition"),
        ("BL305", "SamtoolsStatsJobDefinition"),
        # BL306: !Sub "${AWS::AccountId}.dkr.ecr.us-east-1.amazonaws.com/<repo>": only the
        # account (in the registry host) is unknown; the repository has no tag, so `latest`
        ("BL306", "IsaacJobDefinition"),  # line 32 .../isaac
        ("BL306", "StrelkaJobDefinition"),  # line 72 .../strelka
        ("BL306", "SnpEffJobDefinition"),  # line 112 .../snpeff
        ("BL306", "SamtoolsStatsJobDefinition"),  # line 148 .../samtools-stats
        # BL309: ContainerProperties uses the deprecated top-level Vcpus/Memory
        ("BL309", "IsaacJobDefinition"),  # Vcpus: 32, Memory: 80000 (lines 33-34)
        ("BL309", "StrelkaJobDefinition"),  # Vcpus: 32, Memory: 32000 (lines 73-74)
        ("BL309", "SnpEffJobDefinition"),  # Vcpus: 4, Memory: 10000 (lines 113-114)
        ("BL309", "SamtoolsStatsJobDefinition"),  # Vcpus: 4, Memory: 40000 (lines 149-150)
    },
    "gwfcore-batch.yaml": {
        # BL204 (off by default): no JobStateTimeLimitActions for RUNNABLE
        ("BL204", "DefaultQueue"),
        ("BL204", "PriorityQueue"),
        # Ec2Configuration ImageType: ECS_AL2, whose support ended on 30 June 2026
        ("BL105", "SpotComputeEnv"),  # line 165
        ("BL105", "OnDemandComputeEnv"),  # line 198
        # MinvCpus from a parameter whose Default is 0 (the parent stack, gwfcore-root,
        # passes its own parameter, also defaulting to 0); no ScalingPolicy
        ("BL109", "SpotComputeEnv"),  # !Ref DefaultCEMinvCpus (line 178, Default: 0 line 82)
        ("BL109", "OnDemandComputeEnv"),  # !Ref PriorityCEMinvCpus (line 205, Default: 0 line 72)
        # only compute environment (line 233) is SpotComputeEnv, Type: SPOT (line 184)
        ("BL203", "DefaultQueue"),
        # BL116: Version: $Latest (lines 175, 202), whatever template the parameter
        # LaunchTemplateId (no default) names: the version alone decides
        ("BL116", "SpotComputeEnv"),
        ("BL116", "OnDemandComputeEnv"),
    },
    "nextflow-resources.yaml": {
        ("BL301", "BatchNextflowJobDefinition"),  # no RetryStrategy (lines 226-258)
        ("BL305", "BatchNextflowJobDefinition"),  # no Timeout
        ("BL309", "BatchNextflowJobDefinition"),  # Memory: 1024 (line 231), Vcpus: 2 (line 233)
    },
    "protein-folding-batch.yaml": {
        # BL116: LaunchTemplate Version: $Latest, resolved only at create/update
        ("BL116", "CPUComputeEnvironmentOnDemand"),
        ("BL116", "CPUComputeEnvironmentSpot"),
        ("BL116", "G4dnComputeEnvironment"),
        # BL204 (off by default): no JobStateTimeLimitActions for RUNNABLE
        ("BL204", "CPUOnDemandJobQueue"),
        ("BL204", "CPUSpotJobQueue"),
        ("BL204", "G4dnJobQueue"),
        # BL109: MinvCpus: 0, no ScalingPolicy. G5/P4d carry a Condition whose parameter
        # defaults to "N" (lines 307, 336): not created under the defaults, so not linted
        ("BL109", "CPUComputeEnvironmentOnDemand"),  # line 229
        ("BL109", "CPUComputeEnvironmentSpot"),  # line 259
        ("BL109", "G4dnComputeEnvironment"),  # line 289
        # only compute environment (line 383) is CPUComputeEnvironmentSpot, Type: SPOT (265)
        ("BL203", "CPUSpotJobQueue"),
        ("BL305", "DownloadJobDefinition"),  # no Timeout (lines 433-464)
        ("BL307", "DownloadJobDefinition"),  # Attempts: 3 (line 459), no EvaluateOnExit
        # BL306: Image: !Join [":", [!Ref DownloadContainerRegistryURI, "latest"]] (line 439)
        ("BL306", "DownloadJobDefinition"),
    },
}

# ---------------------------------------------------------------------------
# Not verified: what each reason must name (the value that is not known).
# ---------------------------------------------------------------------------
_SLR = "AWSServiceRoleForBatch"  # no ServiceRole: the service-linked role is used
_DEFAULT_AMI = "Ec2Configuration sets no ImageType"  # none: AL2 or AL2023 by creation date

NOT_VERIFIED: dict[str, dict[Key, str]] = {
    "alphafold-batch.yaml": {
        ("BL101", "PrivateCPUComputeEnvironmentOnDemand"): _SLR,
        ("BL101", "PrivateCPUComputeEnvironmentSpot"): _SLR,
        ("BL101", "PrivateGPUComputeEnvironment"): _SLR,
        ("BL105", "PrivateCPUComputeEnvironmentOnDemand"): _DEFAULT_AMI,
        ("BL105", "PrivateCPUComputeEnvironmentSpot"): _DEFAULT_AMI,
        ("BL105", "PrivateGPUComputeEnvironment"): _DEFAULT_AMI,
        ("BL401", "PrivateCPUComputeEnvironmentOnDemand"): "L-1216C47A",  # m5/r5/c5
        ("BL401", "PrivateCPUComputeEnvironmentSpot"): "L-34B43A08",  # Spot standard
        ("BL401", "PrivateGPUComputeEnvironment"): "L-DB2E81BA",  # g4dn: G and VT
        # Subnets: [!Ref Subnet], a parameter without default (lines 131, 190, 220)
        ("BL113", "PrivateCPUComputeEnvironmentOnDemand"): "parameter `Subnet`",
        ("BL113", "PrivateCPUComputeEnvironmentSpot"): "parameter `Subnet`",
        ("BL113", "PrivateGPUComputeEnvironment"): "parameter `Subnet`",
    },
    "cbmc.yaml": {
        # no Ec2Configuration ImageType: the default image depends on the creation date
        ("BL105", "CBMCComputeEnvironmentWithTemplate7"): "gives no creation date",
        ("BL114", "CBMCComputeEnvironmentWithTemplate7"): "instance type `r4.2xlarge`",
        # MaxvCpus: !Ref MaxVcpus, a parameter without default (line 217)
        ("BL401", "CBMCComputeEnvironmentWithTemplate7"): "parameter `MaxVcpus`",
        ("BL302", "Ubuntu14GccJobDefinition"): "parameter `MaxVcpus`",
        ("BL302", "Ubuntu16GccJobDefinition"): "parameter `MaxVcpus`",
    },
    "dejonghe-batch-example.yaml": {
        ("BL113", "BatchCompute"): "parameter `Subnets`, which has no default",
        ("BL401", "BatchCompute"): "is not in the CloudFormation template",
    },
    "batch-mpi-quickstart.yaml": {
        # no ServiceRole: the service-linked role, which only the account has
        ("BL101", "ComputeEnvironment"): "AWSServiceRoleForBatch",
        # the launch template's ImageId is parameter Image, of type
        # AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>, default a plain Amazon Linux 2
        # path batchlint does not resolve (not an ECS-optimized one)
        **{(rule, "ComputeEnvironment"): "the AMI comes from parameter `Image`, read from SSM "
           "at deployment" for rule in ("BL103", "BL104", "BL105")},
        ("BL113", "ComputeEnvironment"): "parameter `Subnets`, which has no default",
        ("BL114", "ComputeEnvironment"): "parameter `Subnets`, which has no default",
        ("BL401", "ComputeEnvironment"): "is not in the CloudFormation template",
    },
    "dceoy-batch-env-queues.yaml": {
        # roles and subnets come from other stacks (Fn::ImportValue)
        **{("BL101", f"BatchComputeEnvironment{ce}"): "BatchServiceRoleArn` from another stack"
           for ce in _DCEOY_ALL},
        **{("BL102", f"BatchComputeEnvironmentEc2{ce}"): "BatchEc2InstanceProfileArn` from "
           "another stack" for ce in _DCEOY_EC2},
        **{("BL113", f"BatchComputeEnvironment{ce}"): "PrivateSubnet0` from another stack"
           for ce in _DCEOY_ALL},
        # the vCPU quotas are the account's
        **{("BL401", f"BatchComputeEnvironmentEc2{ce}"): "is not in the CloudFormation template"
           for ce in ("GravitonOnDemand", "GravitonSpot", "NvidiaOnDemand", "NvidiaSpot")},
    },
    "batch-genomics-env.yaml": {
        # ServiceRole, InstanceRole: Fn::ImportValue (lines 28, 36, 60, 67)
        ("BL101", "GenomicSpotEnv"): "import `${RoleStackName}:",
        ("BL101", "GenomicOnDemandEnv"): "import `${RoleStackName}:",
        ("BL102", "GenomicSpotEnv"): "import `${RoleStackName}:",
        ("BL102", "GenomicOnDemandEnv"): "import `${RoleStackName}:",
        # no launch template; ImageId: !Sub "${ImageId}", a parameter without default
        ("BL103", "GenomicSpotEnv"): "parameter `ImageId`",
        ("BL103", "GenomicOnDemandEnv"): "parameter `ImageId`",
        ("BL104", "GenomicSpotEnv"): "parameter `ImageId`",
        ("BL104", "GenomicOnDemandEnv"): "parameter `ImageId`",
        ("BL105", "GenomicSpotEnv"): "parameter `ImageId`",
        ("BL105", "GenomicOnDemandEnv"): "parameter `ImageId`",
        ("BL401", "GenomicSpotEnv"): "L-34B43A08",  # c5.18xlarge, Spot
        ("BL401", "GenomicOnDemandEnv"): "L-1216C47A",  # c5.18xlarge, On-Demand
        # Subnets: Fn::ImportValue of the VPC stack's subnets
        ("BL113", "GenomicSpotEnv"): "import `${VPCStackName}:SubnetA`",
        ("BL113", "GenomicOnDemandEnv"): "import `${VPCStackName}:SubnetA`",
        ("BL114", "GenomicSpotEnv"): "import `${VPCStackName}:SubnetA`",
        ("BL114", "GenomicOnDemandEnv"): "import `${VPCStackName}:SubnetA`",
    },
    "batch-genomics-jobs.yaml": {
        # the compute environments are in the companion template, not in this view
        ("BL302", "IsaacJobDefinition"): "no EC2 compute environment",
        ("BL302", "StrelkaJobDefinition"): "no EC2 compute environment",
        ("BL302", "SnpEffJobDefinition"): "no EC2 compute environment",
        ("BL302", "SamtoolsStatsJobDefinition"): "no EC2 compute environment",
    },
    "gwfcore-batch.yaml": {
        # GPU types or not, and the launch template named: both parameters without default
        ("BL115", "SpotComputeEnv"): "parameter `BatchComputeInstanceTypes`",
        ("BL115", "OnDemandComputeEnv"): "parameter `BatchComputeInstanceTypes`",
        # parameters without Default: BatchServiceRoleArn, Ec2InstanceProfileArn,
        # LaunchTemplateId, BatchComputeInstanceTypes (through !Split)
        ("BL101", "SpotComputeEnv"): "parameter `BatchServiceRoleArn`",
        ("BL101", "OnDemandComputeEnv"): "parameter `BatchServiceRoleArn`",
        ("BL102", "SpotComputeEnv"): "parameter `Ec2InstanceProfileArn`",
        ("BL102", "OnDemandComputeEnv"): "parameter `Ec2InstanceProfileArn`",
        ("BL103", "SpotComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL103", "OnDemandComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL104", "SpotComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL104", "OnDemandComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL106", "SpotComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL106", "OnDemandComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL112", "SpotComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL112", "OnDemandComputeEnv"): "parameter `LaunchTemplateId`",
        ("BL401", "SpotComputeEnv"): "parameter `BatchComputeInstanceTypes`",
        ("BL401", "OnDemandComputeEnv"): "parameter `BatchComputeInstanceTypes`",
        # whether the queues mix x86 and Arm depends on the same instance types
        ("BL202", "DefaultQueue"): "parameter `BatchComputeInstanceTypes`",
        ("BL202", "PriorityQueue"): "parameter `BatchComputeInstanceTypes`",
        ("BL113", "SpotComputeEnv"): "parameter `SubnetIds`",
        ("BL113", "OnDemandComputeEnv"): "parameter `SubnetIds`",
        ("BL114", "SpotComputeEnv"): "parameter `BatchComputeInstanceTypes`",
        ("BL114", "OnDemandComputeEnv"): "parameter `BatchComputeInstanceTypes`",
    },
    "nextflow-resources.yaml": {
        ("BL302", "BatchNextflowJobDefinition"): "no EC2 compute environment",
        # Image: !Sub ${ContainerBuildNextflow.Outputs.ContainerImage} (line 234): a nested
        # stack's output, so the tag cannot be known from this template
        ("BL306", "BatchNextflowJobDefinition"): "ContainerBuildNextflow.Outputs.ContainerImage",
    },
    "protein-folding-batch.yaml": {
        ("BL101", "CPUComputeEnvironmentOnDemand"): _SLR,
        ("BL101", "CPUComputeEnvironmentSpot"): _SLR,
        ("BL101", "G4dnComputeEnvironment"): _SLR,
        ("BL105", "CPUComputeEnvironmentOnDemand"): _DEFAULT_AMI,
        ("BL105", "CPUComputeEnvironmentSpot"): _DEFAULT_AMI,
        ("BL105", "G4dnComputeEnvironment"): _DEFAULT_AMI,
        ("BL401", "CPUComputeEnvironmentOnDemand"): "L-1216C47A",  # m6i/r6i/c6i
        ("BL401", "CPUComputeEnvironmentSpot"): "L-34B43A08",
        # g4dn: G and VT (G5, which shares the quota, is not created under the defaults)
        ("BL401", "G4dnComputeEnvironment"): "L-DB2E81BA",
        ("BL113", "CPUComputeEnvironmentOnDemand"): "parameter `Subnets`",
        ("BL113", "CPUComputeEnvironmentSpot"): "parameter `Subnets`",
        ("BL113", "G4dnComputeEnvironment"): "parameter `Subnets`",
    },
}


# ---------------------------------------------------------------------------
# Known mistakes.
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    template: str
    rule: str
    logical_id: str
    why: str
    not_verified: bool = False  # a MISSED not-verified result rather than a finding


_SAME_PROFILE = ("the launch template's IamInstanceProfile is !Ref InstanceProfile (line {lt}), "
                 "the very profile the compute environment's InstanceRole names (line {ce}): "
                 "Batch ignoring the field changes nothing, so the configuration is fine")

# Reviewed and fixed: BL112 no longer reports a launch template's IamInstanceProfile
# that names the compute environment's own InstanceRole (alphafold line 77,
# protein-folding line 131: Batch ignoring it changes nothing), and BL306 reads the
# `latest` tag after a parameter's unknown repository and reports an image that is
# wholly unknown (a nested stack's output) as not verified. Keep the lists for cases
# found wrong later: each becomes a strict xfail until fixed.
WRONG: list[Case] = []
MISSED: list[Case] = []


# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Scan:
    loaded: Loaded
    findings: dict[Key, Finding]
    not_verified: dict[Key, str]


@functools.cache
def scan(name: str) -> Scan:
    loaded = load_files([str(REALWORLD / name)])
    report = run(loaded.models, [RuleRun(r, r.severity, {}) for r in ALL_RULES])
    return Scan(loaded,
                {(f.rule_id, f.resource.name): f for f in report.findings},
                {(n.rule_id, n.resource.name): n.reason for n in report.not_verified})


def _keys(cases: list[Case], template: str, not_verified: bool) -> set[Key]:
    return {(c.rule, c.logical_id) for c in cases
            if c.template == template and c.not_verified == not_verified}


TEMPLATES = sorted(FINDINGS)


def test_every_template_is_pinned() -> None:
    assert sorted(p.name for p in REALWORLD.glob("*.yaml")) == TEMPLATES
    assert sorted(NOT_VERIFIED) == TEMPLATES


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_loads_without_error(name: str) -> None:
    result = scan(name)
    assert result.loaded.notes == []
    assert len(result.loaded.templates) == 1
    assert not [f for f in result.findings.values() if f.internal]


@pytest.mark.parametrize("name", TEMPLATES)
def test_findings_are_pinned(name: str) -> None:
    found = set(scan(name).findings) - _keys(WRONG, name, False) - _keys(MISSED, name, False)
    assert found == FINDINGS[name]


@pytest.mark.parametrize("name", TEMPLATES)
def test_not_verified_are_pinned(name: str) -> None:
    gaps = scan(name).not_verified
    assert set(gaps) - _keys(MISSED, name, True) == set(NOT_VERIFIED[name])
    for key, fragment in NOT_VERIFIED[name].items():
        assert fragment in gaps[key], (key, gaps[key])


@pytest.mark.parametrize("case", [
    pytest.param(c, id=f"{c.rule}-{c.logical_id}",
                 marks=pytest.mark.xfail(strict=True, reason=c.why)) for c in WRONG])
def test_wrong_findings_are_gone(case: Case) -> None:
    assert (case.rule, case.logical_id) not in scan(case.template).findings


@pytest.mark.parametrize("case", [
    pytest.param(c, id=f"{c.rule}-{c.logical_id}",
                 marks=pytest.mark.xfail(strict=True, reason=c.why)) for c in MISSED])
def test_missed_results_are_reported(case: Case) -> None:
    result = scan(case.template)
    reported = result.not_verified if case.not_verified else result.findings
    assert (case.rule, case.logical_id) in reported


_SPLIT = ("InstanceTypes: !Split [',', !Ref BatchComputeInstanceTypes] (gwfcore lines 177, 204) "
          "becomes `${unknown:Fn::Split}`: the reason names the function, not the parameter "
          "whose value is unknown")


def test_split_reason_names_the_parameter() -> None:
    reason = scan("gwfcore-batch.yaml").not_verified[("BL401", "SpotComputeEnv")]
    assert "BatchComputeInstanceTypes" in reason


def test_floating_version_names_the_template_as_written() -> None:
    # LaunchTemplateId: !Ref LaunchTemplateId (no default), Version: $Latest (line 175)
    message = scan("gwfcore-batch.yaml").findings[("BL116", "SpotComputeEnv")].message
    assert message.startswith("compute environment `SpotComputeEnv` uses launch template "
                              "`${LaunchTemplateId}` with ComputeResources.LaunchTemplate."
                              "Version $Latest, which Batch resolves only when")


@pytest.mark.parametrize(("name", "rule", "logical_id", "line", "text"), [
    ("gwfcore-batch.yaml", "BL105", "SpotComputeEnv", 165, "- ImageType: ECS_AL2"),
    ("gwfcore-batch.yaml", "BL116", "SpotComputeEnv", 175, "Version: $Latest"),
    ("gwfcore-batch.yaml", "BL116", "OnDemandComputeEnv", 202, "Version: $Latest"),
    ("gwfcore-batch.yaml", "BL109", "OnDemandComputeEnv", 205, "MinvCpus: !Ref PriorityCEMinvCpus"),
    ("gwfcore-batch.yaml", "BL203", "DefaultQueue", 231, "ComputeEnvironmentOrder:"),
    ("batch-genomics-env.yaml", "BL108", "GenomicSpotEnv", 41, "DesiredvCpus: 0"),
    ("batch-genomics-jobs.yaml", "BL301", "StrelkaJobDefinition", 63, "Attempts: 1"),
    ("batch-genomics-jobs.yaml", "BL306", "IsaacJobDefinition", 32, "Image: !Sub"),
    ("batch-genomics-jobs.yaml", "BL309", "SnpEffJobDefinition", 113, "Vcpus: 4"),
    ("alphafold-batch.yaml", "BL307", "GPUFoldingJobDefinition", 459, "RetryStrategy:"),
    ("protein-folding-batch.yaml", "BL109", "G4dnComputeEnvironment", 289, "MinvCpus: 0"),
    ("nextflow-resources.yaml", "BL309", "BatchNextflowJobDefinition", 233, "Vcpus: 2"),
])
def test_findings_point_at_the_property(name: str, rule: str, logical_id: str, line: int,
                                        text: str) -> None:
    result = scan(name)
    finding = result.findings[(rule, logical_id)]
    location = finding.location
    assert location is not None and location.line == line
    source = (REALWORLD / name).read_text().splitlines()[line - 1]
    assert source.strip().startswith(text)


# ---------------------------------------------------------------------------
# The corpus under ``tests/iac/realworld/corpus/``: more public templates, each
# reviewed by hand in ``tests/iac/realworld/REVIEW.md`` (sources in SOURCES.md
# there); their findings are pinned in ``test_corpus.py``. Each must load through the
# command line: exit 0 or 1, never 2, no traceback.
# ---------------------------------------------------------------------------
CORPUS = REPO / "tests" / "iac" / "realworld" / "corpus"


def test_corpus_has_its_sources() -> None:
    sources = (CORPUS / "SOURCES.md").read_text()
    names = sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".yaml", ".yml"})
    assert len(names) >= 15
    assert [n for n in names if f"`{n}`" not in sources] == []


@pytest.mark.parametrize("name", [
    p.name for p in sorted(CORPUS.iterdir()) if p.suffix in {".yaml", ".yml"}
])
def test_corpus_template_loads(name: str, cli) -> None:
    result = cli("scan", str(CORPUS / name), "--format", "json")
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
