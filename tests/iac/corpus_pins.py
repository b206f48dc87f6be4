"""What batchlint reports on the corpus (``tests/iac/realworld/corpus/``), checked by hand.

Data for ``test_corpus.py``; the review behind each line is ``realworld/REVIEW.md``.
Default rules only (what ``batchlint scan FILE`` runs). Line numbers are the template's.

``FINDINGS`` maps each template to ``{(rule, logical id): (line, text)}``: the finding
points at ``line``, whose text starts with ``text``; the comment says why it is right.
``NOT_VERIFIED`` maps ``(rule, logical id)`` to a fragment its reason must contain:
the value that is not known, in the template's words.
"""

from __future__ import annotations

Key = tuple[str, str]  # (rule id, logical id)

_PROPS = "Properties:"

FINDINGS: dict[str, dict[Key, tuple[int, str]]] = {
    "batch-large-scale.yaml": {
        # AMI: SSM parameter defaulting to .../amazon-linux/recommended/image_id (15-18), AL1
        ("BL104", "ComputeEnvironment1"): (82, "ImageId: !Ref AMI"),
        # AL1 keeps Docker on a 22 GiB /dev/xvdcz; no launch template to enlarge it
        ("BL103", "ComputeEnvironment1"): (70, "ComputeResources:"),
        ("BL108", "ComputeEnvironment1"): (73, "DesiredvCpus: 0"),
        # only ComputeEnvironment1 (95), Type: SPOT (81)
        ("BL203", "JobQueue1"): (94, "ComputeEnvironmentOrder:"),
        ("BL305", "StressJD"): (107, _PROPS),  # no Timeout (105-124)
        # .../ + !Ref StressRepository, RepositoryName: stress-ng (103): no tag
        ("BL306", "StressJD"): (119, "Image: !Join"),
        ("BL307", "StressJD"): (123, "RetryStrategy:"),  # Attempts: 10, no EvaluateOnExit
        ("BL309", "StressJD"): (120, "Vcpus: 2"),  # Vcpus 2, Memory 3192 (120-121)
    },
    "blueprints-fargate-new-vpc.yaml": {
        # none of the three Fargate job definitions (249-316) has RetryStrategy or Timeout
        ("BL301", "BatchJobDefLinux"): (251, _PROPS),
        ("BL301", "BatchJobDefWindows"): (275, _PROPS),
        ("BL301", "BatchJobDefGraviton"): (298, _PROPS),
        ("BL305", "BatchJobDefLinux"): (251, _PROPS),
        ("BL305", "BatchJobDefWindows"): (275, _PROPS),
        ("BL305", "BatchJobDefGraviton"): (298, _PROPS),
    },
    "blueprints-jq-ce-gpu-monitoring.yaml": {
        # /dev/xvda VolumeSize: !Ref EBSBootSize (107-112), Default: 30 (36-38) < 50
        ("BL103", "BatchECSCE"): (163, "LaunchTemplate:"),
    },
    "blueprints-jq-ce-launch-template.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "BatchECSCE"): (93, "Version: $Latest"),
        ("BL103", "BatchECSCE"): (91, "LaunchTemplate:"),  # /dev/xvda EBSBootSize=30 (38, 82)
    },
    "blueprints-jq-ce-lt-local-ssd.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "BatchECSCE"): (122, "Version: $Latest"),
        # /dev/xvda 30 GiB (38, 82): the RAID at /scratch takes data, not images and layers
        ("BL103", "BatchECSCE"): (120, "LaunchTemplate:"),
    },
    "blueprints-jq-ce-no-hyperthread.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "BatchECSCE"): (121, "Version: $Latest"),
        ("BL103", "BatchECSCE"): (119, "LaunchTemplate:"),  # /dev/xvda EBSBootSize=30 (39, 83)
    },
    "blueprints-single-jq-ec2.yaml": {
        ("BL103", "BatchECSCE"): (73, "ComputeResources:"),  # EC2, no launch template: 30 GiB
    },
    "genomics-sfn-batch-core.yaml": {
        # BL116: no Version ($Default): resolved once, at create or update
        ("BL116", "OnDemandEnv"): (155, "LaunchTemplate:"),
        # BL116: no Version ($Default): resolved once, at create or update
        ("BL116", "SpotEnv"): (128, "LaunchTemplate:"),
        # the launch template maps /dev/xvdcz 22 GiB (60-62) beside /dev/xvda 50 GiB (53-55);
        # no ImageType: AL2 or AL2023, neither uses /dev/xvdcz
        ("BL106", "SpotEnv"): (128, "LaunchTemplate:"),
        ("BL106", "OnDemandEnv"): (155, "LaunchTemplate:"),
        ("BL108", "SpotEnv"): (136, "DesiredvCpus: 0"),
        ("BL108", "OnDemandEnv"): (162, "DesiredvCpus: 0"),
    },
    "genomics-sfn-main.yml": {
        # three job definitions (131-180): no RetryStrategy, no Timeout
        ("BL301", "BatchJobDefinitionBwa"): (132, _PROPS),
        ("BL301", "BatchJobDefinitionSamtools"): (149, _PROPS),
        ("BL301", "BatchJobDefinitionBcftools"): (166, _PROPS),
        ("BL305", "BatchJobDefinitionBwa"): (132, _PROPS),
        ("BL305", "BatchJobDefinitionSamtools"): (149, _PROPS),
        ("BL305", "BatchJobDefinitionBcftools"): (166, _PROPS),
        # !Sub ...amazonaws.com/${ProjectLowerCase}-bwa: a repository, no tag
        ("BL306", "BatchJobDefinitionBwa"): (136, "Image: !Sub"),
        ("BL306", "BatchJobDefinitionSamtools"): (153, "Image: !Sub"),
        ("BL306", "BatchJobDefinitionBcftools"): (170, "Image: !Sub"),
        ("BL309", "BatchJobDefinitionBwa"): (137, "Vcpus: 8"),  # Vcpus 8, Memory 16000
        ("BL309", "BatchJobDefinitionSamtools"): (154, "Vcpus: 8"),
        ("BL309", "BatchJobDefinitionBcftools"): (171, "Vcpus: 8"),
    },
    # BatchJobDef (462-481) has Condition CreateBatchJobDefinitionTrue (89-93), false under
    # CreateBatchJobDefinition's Default "No" (61-65): not created, not linted
    "gwf-container-build.yaml": {},
    "gwf-sfn-example.yaml": {
        # three job definitions (218-300): no RetryStrategy, no Timeout; tags pinned (:aws)
        ("BL301", "BatchJobDefBwa"): (219, _PROPS),
        ("BL301", "BatchJobDefSamtools"): (251, _PROPS),
        ("BL301", "BatchJobDefBcftools"): (283, _PROPS),
        ("BL305", "BatchJobDefBwa"): (219, _PROPS),
        ("BL305", "BatchJobDefSamtools"): (251, _PROPS),
        ("BL305", "BatchJobDefBcftools"): (283, _PROPS),
        ("BL309", "BatchJobDefBwa"): (232, "Vcpus: 8"),  # Vcpus 8, Memory 64000
        ("BL309", "BatchJobDefSamtools"): (264, "Vcpus: 8"),  # Vcpus 8, Memory 32000
        ("BL309", "BatchJobDefBcftools"): (296, "Vcpus: 8"),  # Vcpus 8, Memory 32000
    },
    "hpc-parakeet-nvidia.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "DefaultComputeEnv"): (197, "Version: $Latest"),
        ("BL306", "JobDefinition"): (255, "Image:  !Sub"),  # ${Repository}:${Version}, latest
        ("BL307", "JobDefinition"): (298, "RetryStrategy:"),  # Attempts: 2, no EvaluateOnExit
    },
    "hpc-whisper-inferentia.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "DefaultComputeEnv"): (163, "Version: $Latest"),
        ("BL306", "JobDefinition"): (231, "Image:  !Sub"),  # Version: latest (234)
        ("BL307", "JobDefinition"): (268, "RetryStrategy:"),  # Attempts: 2, no EvaluateOnExit
    },
    "metaflow-cfn-template.yml": {
        # BatchType defaults to 'ec2' (61-65), so EnableFargateOnBatch is false: Type EC2
        # (1397), no launch template: the AMI's 30 GiB disk
        ("BL103", "ComputeEnvironment"): (1393, "ComputeResources:"),
        # !If [..., NoValue, !Ref DesiredVCPUBatch], Default: 8 (35-41)
        ("BL108", "ComputeEnvironment"): (1404, "DesiredvCpus: !If"),
    },
    "mnp-distributed-training-p5.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "DistributedDeepLearningCE"): (377, "Version: $Latest"),
        # the launch template (41-) maps no block device: the default 30 GiB root
        ("BL103", "DistributedDeepLearningCE"): (375, "LaunchTemplate:"),
        ("BL108", "DistributedDeepLearningCE"): (368, "DesiredvCpus: 0"),
        ("BL301", "NCCLTest"): (681, "Attempts: 1"),
        ("BL305", "NCCLTest"): (402, _PROPS),  # no Timeout (400-681)
        ("BL306", "NCCLTest"): (411, "Image: public.ecr.aws/hpc-cloud/nccl-tests:latest"),
    },
    "mnp-distributed-training.yaml": {
        # BL116: Version $Latest, resolved at create/update only, not when the template changes
        ("BL116", "DistributedDeepLearningCE"): (264, "Version: $Latest"),
        ("BL108", "DistributedDeepLearningCE"): (252, "DesiredvCpus: 0"),
        ("BL305", "StressJDSingleInstance"): (289, _PROPS),  # no Timeout (287-341)
        ("BL305", "StressJDMultiInstances"): (346, _PROPS),  # no Timeout (344-404)
        ("BL307", "StressJDSingleInstance"): (340, "RetryStrategy:"),  # Attempts: 10 only
        ("BL307", "StressJDMultiInstances"): (403, "RetryStrategy:"),  # Attempts: 10 only
        # BL306: Image: !Join [..., !Ref DistributedDeepLearningRepository]; the repository
        # (284-285) has no RepositoryName, so its Ref is a name CloudFormation generates,
        # which holds no ':' or '@': no tag whatever the name, pulled as `latest`
        ("BL306", "StressJDSingleInstance"): (294, "Image: !Join"),
        ("BL306", "StressJDMultiInstances"): (355, "Image: !Join"),
    },
    "protein-folding-module-alphafold2.yaml": {
        ("BL305", "AlphaFold2JobDefinition"): (99, _PROPS),  # no Timeout
        ("BL306", "AlphaFold2JobDefinition"): (108, 'Image: !Sub "${'),  # ...RepositoryUri}:latest
        ("BL307", "AlphaFold2JobDefinition"): (129, "RetryStrategy:"),  # Attempts: 3 only
    },
    # the three SAM patterns share one Batch part: EC2 environment without launch template,
    # DesiredvCpus 0, a job with Attempts 1, no Timeout, .../amazonlinux:latest, Vcpus/Memory
    "sam-apigw-rest-api-batch.yaml": {
        ("BL103", "ComputeEnvironment"): (216, "ComputeResources:"),
        ("BL108", "ComputeEnvironment"): (219, "DesiredvCpus: 0"),
        ("BL301", "JobDefinition"): (204, "Attempts: 1"),
        ("BL305", "JobDefinition"): (190, _PROPS),
        ("BL306", "JobDefinition"): (193, "Image: !Join"),
        ("BL309", "JobDefinition"): (198, "Vcpus: 2"),
    },
    "sam-eventbridge-batch.yaml": {
        ("BL103", "ComputeEnvironment"): (164, "ComputeResources:"),
        ("BL108", "ComputeEnvironment"): (167, "DesiredvCpus: 0"),
        ("BL301", "JobDefinition"): (152, "Attempts: 1"),
        ("BL305", "JobDefinition"): (138, _PROPS),
        ("BL306", "JobDefinition"): (141, "Image: !Join"),
        ("BL309", "JobDefinition"): (146, "Vcpus: 2"),
    },
    "sam-eventbridge-scheduled-batch.yaml": {
        ("BL103", "ComputeEnvironment"): (157, "ComputeResources:"),
        ("BL108", "ComputeEnvironment"): (160, "DesiredvCpus: 0"),
        ("BL301", "JobDefinition"): (145, "Attempts: 1"),
        ("BL305", "JobDefinition"): (131, _PROPS),
        ("BL306", "JobDefinition"): (134, "Image: !Join"),
        ("BL309", "JobDefinition"): (139, "Vcpus: 2"),
    },
    # Fargate; Timeout 60 s set (130-131); 1 vCPU / 2048 MiB is a Fargate pair
    "sam-eventbridge-pipes-sqs-batch.yaml": {
        ("BL301", "JobDefinition"): (133, "Attempts: 1"),
        ("BL306", "JobDefinition"): (138, "Image: 'public.ecr.aws/amazonlinux/amazonlinux:latest'"),
    },
}

_SLR = "AWSServiceRoleForBatch"  # no ServiceRole, no IAM data: the service-linked role
_NO_TYPE = "ECS_AL2023"  # no Ec2Configuration: AL2 or AL2023 by the creation date
_STD, _SPOT_STD = "L-1216C47A", "L-34B43A08"  # no quota data given
_NO_CE = "no EC2 compute environment"  # the compute is in another stack
_BLUEPRINT = {  # the blueprints' one EC2 environment, service-linked role, no ImageType
    ("BL101", "BatchECSCE"): _SLR, ("BL105", "BatchECSCE"): _NO_TYPE,
    ("BL401", "BatchECSCE"): _STD,  # c5/m5/r5 (c5d/m5d/r5d), trimmed from "c5, m5, r5"
}
_SAM = {("BL105", "ComputeEnvironment"): _NO_TYPE,
        ("BL401", "ComputeEnvironment"): _STD}  # `optimal`: standard families

NOT_VERIFIED: dict[str, dict[Key, str]] = {
    "batch-large-scale.yaml": {("BL401", "ComputeEnvironment1"): _SPOT_STD},  # SPOT c5/c4/m5/m4
    "blueprints-fargate-new-vpc.yaml": {("BL101", "BatchEcsFargateComputeEnvironment"): _SLR},
    "blueprints-jq-ce-gpu-monitoring.yaml": {
        **_BLUEPRINT, ("BL401", "BatchECSCE"): "L-DB2E81BA"},  # g4dn, g5: G and VT
    "blueprints-jq-ce-launch-template.yaml": _BLUEPRINT,
    "blueprints-jq-ce-lt-local-ssd.yaml": _BLUEPRINT,
    "blueprints-jq-ce-no-hyperthread.yaml": _BLUEPRINT,
    "blueprints-single-jq-ec2.yaml": _BLUEPRINT,
    "genomics-sfn-batch-core.yaml": {
        # ServiceRole / InstanceRole: !Ref of parameters without Default (17-22)
        ("BL101", "SpotEnv"): "parameter `BatchServiceRoleArn`",
        ("BL101", "OnDemandEnv"): "parameter `BatchServiceRoleArn`",
        ("BL102", "SpotEnv"): "parameter `BatchInstanceProfileArn`",
        ("BL102", "OnDemandEnv"): "parameter `BatchInstanceProfileArn`",
        ("BL105", "SpotEnv"): _NO_TYPE,
        ("BL105", "OnDemandEnv"): _NO_TYPE,
        ("BL401", "SpotEnv"): _SPOT_STD,
        ("BL401", "OnDemandEnv"): _STD,
    },
    "genomics-sfn-main.yml": {
        ("BL302", "BatchJobDefinitionBwa"): _NO_CE,  # compute in the nested stack `Batch` (105)
        ("BL302", "BatchJobDefinitionSamtools"): _NO_CE,
        ("BL302", "BatchJobDefinitionBcftools"): _NO_CE,
    },
    "gwf-container-build.yaml": {},
    "gwf-sfn-example.yaml": {
        ("BL302", "BatchJobDefBwa"): _NO_CE,  # no compute environment in the template
        ("BL302", "BatchJobDefSamtools"): _NO_CE,
        ("BL302", "BatchJobDefBcftools"): _NO_CE,
    },
    "hpc-parakeet-nvidia.yaml": {
        ("BL101", "DefaultComputeEnv"): _SLR,
        ("BL401", "DefaultComputeEnv"): "L-DB2E81BA",  # g6/g5, EC2 under UseSpotInstances 'No'
    },
    "hpc-whisper-inferentia.yaml": {
        ("BL101", "DefaultComputeEnv"): _SLR,  # BatchServiceRole (189) is defined, not used
        ("BL401", "DefaultComputeEnv"): "L-1945791B",  # inf2: Inf quota
    },
    "metaflow-cfn-template.yml": {
        # BL101 is decided: BatchExecutionRole trusts batch.amazonaws.com and its inline
        # custom_access_policy allows what AWSBatchServiceRole would (ecs:CreateCluster,
        # ec2:DescribeSubnets, ec2:DescribeSecurityGroups on *, 1297-1362)
        ("BL105", "ComputeEnvironment"): _NO_TYPE,
        ("BL401", "ComputeEnvironment"): _STD,  # c4.* (42-45)
    },
    "mnp-distributed-training-p5.yaml": {
        ("BL105", "DistributedDeepLearningCE"): _NO_TYPE,
        ("BL401", "DistributedDeepLearningCE"): "L-417A185B",  # p5: P quota
    },
    "mnp-distributed-training.yaml": {
        # ImageId: !If [ImageID, '/aws/.../amazon-linux-2/gpu/recommended/image_id', ...]
        # (260), ImageID true under AMI's Default '' (14-17, 69): a literal SSM path, which
        # CloudFormation passes as written and Batch does not resolve as an AMI id
        ("BL103", "DistributedDeepLearningCE"): "gpu/recommended/image_id` is an SSM "
                                                "parameter path, not an AMI id",
        ("BL104", "DistributedDeepLearningCE"): "gpu/recommended/image_id` is an SSM "
                                                "parameter path, not an AMI id",
        ("BL105", "DistributedDeepLearningCE"): "gpu/recommended/image_id` is an SSM "
                                                "parameter path, not an AMI id",
        ("BL401", "DistributedDeepLearningCE"): "L-417A185B",  # p4d: P quota
    },
    "protein-folding-module-alphafold2.yaml": {
        ("BL302", "AlphaFold2JobDefinition"): _NO_CE,  # compute in the parent stack
    },
    "sam-apigw-rest-api-batch.yaml": _SAM,
    "sam-eventbridge-batch.yaml": _SAM,
    "sam-eventbridge-pipes-sqs-batch.yaml": {},  # ServiceRole in the template (32, 42-55)
    "sam-eventbridge-scheduled-batch.yaml": _SAM,
}

# BL113, BL114 and BL310's network clause: the subnets (or security groups, or zones) come
# from parameters, imports or values the stack creates, so the network is not known
_SUBNET_IDS = "parameter `SubnetIds`"
_NETWORK: dict[str, dict[Key, str]] = {
    "batch-large-scale.yaml": {
        ("BL113", "ComputeEnvironment1"): "import `LargeScaleVPC-PrivateSubnets`"},
    "blueprints-jq-ce-gpu-monitoring.yaml": {("BL113", "BatchECSCE"): _SUBNET_IDS},
    "blueprints-jq-ce-launch-template.yaml": {("BL113", "BatchECSCE"): _SUBNET_IDS},
    "blueprints-jq-ce-lt-local-ssd.yaml": {("BL113", "BatchECSCE"): _SUBNET_IDS},
    "blueprints-jq-ce-no-hyperthread.yaml": {("BL113", "BatchECSCE"): _SUBNET_IDS},
    "blueprints-single-jq-ec2.yaml": {("BL113", "BatchECSCE"): _SUBNET_IDS},
    "genomics-sfn-batch-core.yaml": {("BL113", "OnDemandEnv"): _SUBNET_IDS,
                                     ("BL113", "SpotEnv"): _SUBNET_IDS},
    "hpc-parakeet-nvidia.yaml": {("BL113", "DefaultComputeEnv"): _SUBNET_IDS,
                                 ("BL114", "DefaultComputeEnv"): _SUBNET_IDS},
    "hpc-whisper-inferentia.yaml": {("BL113", "DefaultComputeEnv"): _SUBNET_IDS,
                                    ("BL114", "DefaultComputeEnv"): _SUBNET_IDS},
    # the VPC is the template's, but its security group is VPC.DefaultSecurityGroup and
    # the subnets' zones come from Fn::GetAZs
    "metaflow-cfn-template.yml": {("BL113", "ComputeEnvironment"): "VPC.DefaultSecurityGroup",
                                  ("BL114", "ComputeEnvironment"): "Fn::GetAZs"},
    "mnp-distributed-training-p5.yaml": {
        ("BL113", "DistributedDeepLearningCE"): "import `aws-batch-vpc-PrivateSubnet`",
        ("BL114", "DistributedDeepLearningCE"): "import `aws-batch-vpc-PrivateSubnet`"},
    "mnp-distributed-training.yaml": {
        ("BL113", "DistributedDeepLearningCE"): "import `LargeScaleVPC-PrivateSubnet`",
        ("BL114", "DistributedDeepLearningCE"): "import `LargeScaleVPC-PrivateSubnet`"},
    "sam-eventbridge-pipes-sqs-batch.yaml": {
        ("BL113", "ComputeEnvironment"): "parameter `PrivateSubnet1`",
        ("BL310", "JobDefinition"): "parameter `PrivateSubnet1`"},
}
for _name, _pins in _NETWORK.items():
    NOT_VERIFIED[_name].update(_pins)
