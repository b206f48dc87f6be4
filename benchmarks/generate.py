"""Synthetic batchlint snapshots (docs/snapshot-format.md) of a realistic shape.

Used by ``bench_scan.py``; also a command of its own::

    python benchmarks/generate.py --compute-environments 1000 --job-queues 1000 \\
        --job-definitions 10000 -o /tmp/big.json

The account looks like a large, lived-in one: managed EC2 and SPOT compute
environments with launch templates (some without), a few Fargate and unmanaged
ones, queues that each order 1-3 compatible environments by ARN, job
definitions with environment variables (values redacted, as the exporter
writes them), retry strategies on most but not all, some GPU and multi-node
definitions, RUNNABLE jobs, IAM roles and instance profiles, launch template
versions, AMIs, instance types and EC2 vCPU quotas. The output is
deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
TEAMS = ("genomics", "imaging", "risk", "ml", "etl", "render", "qa", "finance")
AZS = ("a", "b", "c", "d")

Json = Any


def _arn(service: str, resource: str, region: str = REGION) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


def _iam_arn(resource: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{resource}"


def _trust(service: str) -> dict[str, Json]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                       "Action": "sts:AssumeRole"}],
    }


def _role(name: str, service: str, policies: list[str], path: str = "/") -> dict[str, Json]:
    return {
        "RoleName": name,
        "RoleId": "AROA" + format(zlib.crc32(name.encode()), "016X"),
        "Arn": _iam_arn(f"role{path}{name}"),
        "Path": path,
        "CreateDate": "2023-01-01T00:00:00+00:00",
        "AssumeRolePolicyDocument": _trust(service),
        "MaxSessionDuration": 3600,
        "AttachedManagedPolicies": [
            {"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": p} for p in policies
        ],
    }


def _iam(job_roles: int) -> dict[str, Json]:
    service = _role("AWSBatchServiceRole", "batch.amazonaws.com",
                    ["arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"],
                    "/service-role/")
    instance = _role("ecsInstanceRole", "ec2.amazonaws.com",
                     ["arn:aws:iam::aws:policy/service-role/"
                      "AmazonEC2ContainerServiceforEC2Role"])
    gpu = _role("batch-gpu-instance", "ec2.amazonaws.com",
                ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
                 "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    spot_fleet = _role("AmazonEC2SpotFleetTaggingRole", "spotfleet.amazonaws.com",
                       ["arn:aws:iam::aws:policy/service-role/AmazonEC2SpotFleetTaggingRole"])
    execution = _role("ecsTaskExecutionRole", "ecs-tasks.amazonaws.com",
                      ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"])
    jobs = [_role(f"batch-job-{team}", "ecs-tasks.amazonaws.com",
                  ["arn:aws:iam::aws:policy/AmazonS3FullAccess"])
            for team in TEAMS[:job_roles]]
    roles = [service, instance, gpu, spot_fleet, execution, *jobs]
    profiles = [
        {"InstanceProfileName": name, "InstanceProfileId": "AIPA" + name.upper()[:12],
         "Arn": _iam_arn(f"instance-profile/{name}"), "Path": "/",
         "CreateDate": "2023-01-01T00:00:00+00:00", "Roles": [role]}
        for name, role in (("ecsInstanceRole", instance), ("batch-gpu-instance", gpu))
    ]
    return {"complete": True, "roles": sorted(roles, key=lambda r: r["Arn"]),
            "instanceProfiles": sorted(profiles, key=lambda p: p["Arn"])}


IMAGES = (
    ("ami-0al2023x86000001", "al2023-ami-ecs-hvm-2023.0.20240610-kernel-6.1-x86_64", "x86_64"),
    ("ami-0al2023arm000002", "al2023-ami-ecs-hvm-2023.0.20240610-kernel-6.1-arm64", "arm64"),
    ("ami-0al2x86000000003", "amzn2-ami-ecs-hvm-2.0.20240610-x86_64-ebs", "x86_64"),
    ("ami-0al2gpu000000004", "amzn2-ami-ecs-gpu-hvm-2.0.20240610-x86_64-ebs", "x86_64"),
    ("ami-0al1000000000005", "amzn-ami-2018.03.20231211-amazon-ecs-optimized", "x86_64"),
)

INSTANCE_TYPES = (
    # type, vCPUs, MiB, arch, GPUs
    ("m5.large", 2, 8192, "x86_64", 0), ("m5.xlarge", 4, 16384, "x86_64", 0),
    ("m5.4xlarge", 16, 65536, "x86_64", 0), ("c5.2xlarge", 8, 16384, "x86_64", 0),
    ("c5.9xlarge", 36, 73728, "x86_64", 0), ("r5.4xlarge", 16, 131072, "x86_64", 0),
    ("m6g.xlarge", 4, 16384, "arm64", 0), ("c6g.4xlarge", 16, 32768, "arm64", 0),
    ("g4dn.xlarge", 4, 16384, "x86_64", 1), ("g5.12xlarge", 48, 196608, "x86_64", 4),
    ("p3.8xlarge", 32, 249856, "x86_64", 4), ("x2idn.16xlarge", 64, 1048576, "x86_64", 0),
)

QUOTAS = (
    ("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 4096.0),
    ("L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", 2048.0),
    ("L-DB2E81BA", "Running On-Demand G and VT instances", 64.0),
    ("L-3819A6DF", "All G and VT Spot Instance Requests", 64.0),
    ("L-417A185B", "Running On-Demand P instances", 0.0),
    ("L-7212CCBC", "All P Spot Instance Requests", 0.0),
    ("L-7295265B", "Running On-Demand X instances", 128.0),
    ("L-E3A00192", "All X Spot Instance Requests", 0.0),
)


def _images() -> list[dict[str, Json]]:
    return [
        {"ImageId": image_id, "Name": name, "Architecture": arch,
         "Description": f"Amazon ECS-optimized image {name}", "OwnerId": "591542846629",
         "ImageOwnerAlias": "amazon", "RootDeviceName": "/dev/xvda", "State": "available",
         "VirtualizationType": "hvm", "Public": True,
         "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
             "VolumeSize": 30, "VolumeType": "gp2", "DeleteOnTermination": True}}]}
        for image_id, name, arch in IMAGES
    ]


def _instance_types() -> list[dict[str, Json]]:
    out = []
    for name, vcpus, mib, arch, gpus in INSTANCE_TYPES:
        item: dict[str, Json] = {
            "InstanceType": name, "CurrentGeneration": True,
            "VCpuInfo": {"DefaultVCpus": vcpus, "DefaultCores": max(1, vcpus // 2)},
            "MemoryInfo": {"SizeInMiB": mib},
            "ProcessorInfo": {"SupportedArchitectures": [arch]},
            "SupportedUsageClasses": ["on-demand", "spot"],
        }
        if gpus:
            item["GpuInfo"] = {"Gpus": [{"Name": "T4" if name.startswith("g4") else "A10G",
                                         "Manufacturer": "NVIDIA", "Count": gpus,
                                         "MemoryInfo": {"SizeInMiB": 16384}}],
                               "TotalGpuMemoryInMiB": 16384 * gpus}
        out.append(item)
    return out


def _quotas() -> list[dict[str, Json]]:
    return [
        {"ServiceCode": "ec2", "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
         "QuotaArn": _arn("servicequotas", f"ec2/{code}"), "QuotaCode": code,
         "QuotaName": name, "Value": value, "Unit": "None", "Adjustable": True,
         "GlobalQuota": False}
        for code, name, value in QUOTAS
    ]


def _user_data() -> str:
    import base64

    mime = ("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"==BOUNDARY==\"\n\n"
            "--==BOUNDARY==\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\n\n"
            "#!/bin/bash\necho ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n"
            "--==BOUNDARY==--\n")
    return base64.b64encode(mime.encode()).decode()


def _launch_templates(rng: random.Random, count: int) -> tuple[list[Json], list[Json]]:
    templates, versions = [], []
    for i in range(count):
        lt_id = f"lt-{i:017x}"
        name = f"batch-{TEAMS[i % len(TEAMS)]}-{i:03d}"
        n_versions = rng.randint(1, 3)
        templates.append({
            "LaunchTemplateId": lt_id, "LaunchTemplateName": name,
            "CreateTime": "2023-01-01T00:00:00+00:00",
            "CreatedBy": _iam_arn("user/admin"),
            "DefaultVersionNumber": 1, "LatestVersionNumber": n_versions,
        })
        for v in range(1, n_versions + 1):
            data: dict[str, Json] = {"UserData": _user_data()}
            shape = rng.random()
            if shape < 0.6:  # a proper root volume
                data["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvda", "Ebs": {
                    "VolumeSize": rng.choice((50, 100, 200, 500)), "VolumeType": "gp3",
                    "Encrypted": True, "DeleteOnTermination": True}}]
            elif shape < 0.75:  # too small
                data["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvda", "Ebs": {
                    "VolumeSize": 30, "VolumeType": "gp2"}}]
            elif shape < 0.85:  # the Amazon Linux 1 Docker volume
                data["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvdcz", "Ebs": {
                    "VolumeSize": 200, "VolumeType": "gp3"}}]
            if rng.random() < 0.2:
                data["ImageId"] = rng.choice(IMAGES)[0]
            if rng.random() < 0.3:
                data["TagSpecifications"] = [{"ResourceType": "instance", "Tags": [
                    {"Key": "team", "Value": TEAMS[i % len(TEAMS)]}]}]
            versions.append({
                "LaunchTemplateId": lt_id, "LaunchTemplateName": name, "VersionNumber": v,
                "DefaultVersion": v == 1, "CreateTime": "2023-01-01T00:00:00+00:00",
                "CreatedBy": _iam_arn("user/admin"), "LaunchTemplateData": data,
            })
    return templates, versions


def _compute_environment(rng: random.Random, i: int, templates: list[Json]) -> dict[str, Json]:
    team = TEAMS[i % len(TEAMS)]
    pick = rng.random()
    kind = ("EC2" if pick < 0.45 else "SPOT" if pick < 0.82 else "FARGATE" if pick < 0.92
            else "FARGATE_SPOT" if pick < 0.97 else "UNMANAGED")
    name = f"{team}-{kind.lower().replace('_', '-')}-{i:05d}"
    arn = _arn("batch", f"compute-environment/{name}")
    ce: dict[str, Json] = {
        "computeEnvironmentName": name, "computeEnvironmentArn": arn,
        "ecsClusterArn": _arn("ecs", f"cluster/AWSBatch-{name}-{i:08x}"),
        "uuid": f"{i:08x}-0000-4000-8000-{i:012x}",
        "tags": {"team": team, "cost-center": f"cc-{i % 97:03d}"},
        "type": "UNMANAGED" if kind == "UNMANAGED" else "MANAGED",
        "state": "DISABLED" if rng.random() < 0.05 else "ENABLED",
        "status": "INVALID" if rng.random() < 0.02 else "VALID",
        "statusReason": "ComputeEnvironment Healthy",
        "containerOrchestrationType": "ECS",
        "updatePolicy": {"terminateJobsOnUpdate": False, "jobExecutionTimeoutMinutes": 30},
    }
    if rng.random() < 0.7:  # the rest rely on the service-linked role
        ce["serviceRole"] = _iam_arn("role/service-role/AWSBatchServiceRole")
    if kind == "UNMANAGED":
        ce["unmanagedvCpus"] = rng.choice((0, 64, 256))
        return ce
    resources: dict[str, Json] = {
        "type": kind, "maxvCpus": rng.choice((16, 64, 256, 512, 1024, 4096)),
        "subnets": [f"subnet-0{team[:3]}{az}{i % 7:010x}" for az in AZS[:rng.randint(1, 3)]],
        "securityGroupIds": [f"sg-0{i % 13:016x}"],
    }
    if kind in ("FARGATE", "FARGATE_SPOT"):
        ce["computeResources"] = resources
        return ce
    gpu = rng.random() < 0.1
    resources.update({
        "minvCpus": rng.choice((0, 0, 0, 4, 16)), "desiredvCpus": 0,
        "instanceTypes": (["g4dn.xlarge", "g5.12xlarge"] if gpu else
                          rng.choice((["optimal"], ["m5", "c5", "r5"], ["default_x86_64"],
                                      ["m6g.xlarge", "c6g.4xlarge"], ["c5.9xlarge"]))),
        "instanceRole": (_iam_arn("instance-profile/batch-gpu-instance") if gpu
                         else rng.choice(("ecsInstanceRole",
                                          _iam_arn("instance-profile/ecsInstanceRole")))),
        "allocationStrategy": ("BEST_FIT_PROGRESSIVE" if kind == "EC2" else
                               rng.choice(("SPOT_CAPACITY_OPTIMIZED",
                                           "SPOT_PRICE_CAPACITY_OPTIMIZED", "BEST_FIT"))),
        "tags": {"team": team, "Name": f"batch-{team}"},
        "ec2KeyPair": "ops" if rng.random() < 0.1 else None,
    })
    if resources["ec2KeyPair"] is None:
        del resources["ec2KeyPair"]
    if kind == "SPOT":
        resources["bidPercentage"] = rng.choice((60, 80, 100))
        if rng.random() < 0.5:
            resources["spotIamFleetRole"] = _iam_arn("role/AmazonEC2SpotFleetTaggingRole")
    image_type = ("ECS_AL2_NVIDIA" if gpu else
                  rng.choice(("ECS_AL2023", "ECS_AL2023", "ECS_AL2", "ECS_AL1")))
    if rng.random() < 0.8:
        resources["ec2Configuration"] = [{"imageType": image_type}]
    if rng.random() < 0.65:
        lt = rng.choice(templates)
        resources["launchTemplate"] = (
            {"launchTemplateId": lt["LaunchTemplateId"]} if rng.random() < 0.5
            else {"launchTemplateName": lt["LaunchTemplateName"]})
        resources["launchTemplate"]["version"] = rng.choice(
            ("$Default", "$Latest", str(rng.randint(1, lt["LatestVersionNumber"]))))
    elif rng.random() < 0.1:
        resources["imageId"] = rng.choice(IMAGES)[0]
    ce["computeResources"] = resources
    return ce


def _job_queue(rng: random.Random, i: int, families: dict[str, list[str]]) -> dict[str, Json]:
    team = TEAMS[i % len(TEAMS)]
    family = "fargate" if rng.random() < 0.15 and families["fargate"] else "ec2"
    pool = families[family] or families["fargate"] or families["ec2"]
    chosen = rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))
    name = f"{team}-{family}-q{i:05d}"
    queue: dict[str, Json] = {
        "jobQueueName": name, "jobQueueArn": _arn("batch", f"job-queue/{name}"),
        "state": "DISABLED" if rng.random() < 0.03 else "ENABLED",
        "status": "VALID", "statusReason": "JobQueue Healthy",
        "priority": rng.choice((1, 10, 50, 100)),
        "computeEnvironmentOrder": [{"order": n + 1, "computeEnvironment": arn}
                                    for n, arn in enumerate(chosen)],
        "tags": {"team": team},
        "jobStateTimeLimitActions": [],
    }
    if rng.random() < 0.3:
        queue["jobStateTimeLimitActions"] = [{
            "reason": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "state": "RUNNABLE",
            "maxTimeSeconds": 3600, "action": "CANCEL"}]
    if rng.random() < 0.1:
        queue["schedulingPolicyArn"] = _arn("batch", f"scheduling-policy/fair-{team}")
    return queue


def _container(rng: random.Random, team: str, fargate: bool, gpu: bool) -> dict[str, Json]:
    vcpus = rng.choice(("0.25", "1", "2", "4") if fargate else ("1", "2", "4", "8", "16"))
    memory = str(int(float(vcpus) * rng.choice((2048, 4096, 8192))))
    env = [{"name": f"{team.upper()}_SETTING_{k}", "value": "<redacted>"}
           for k in range(rng.randint(0, 12))]
    if rng.random() < 0.05:
        env.append({"name": "AWS_SECRET_ACCESS_KEY", "value": "<redacted>"})
    requirements = [{"type": "VCPU", "value": vcpus}, {"type": "MEMORY", "value": memory}]
    if gpu:
        requirements.append({"type": "GPU", "value": "1"})
    container: dict[str, Json] = {
        "image": rng.choice((
            f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{team}/worker:1.{rng.randint(0, 40)}",
            "public.ecr.aws/amazonlinux/amazonlinux:2023", "busybox:latest")),
        "command": ["python", "-m", f"{team}.main", "Ref::input", "--threads", vcpus],
        "jobRoleArn": _iam_arn(f"role/batch-job-{team}"),
        "resourceRequirements": requirements,
        "environment": env,
        "volumes": [], "mountPoints": [], "ulimits": [], "secrets": [],
        "logConfiguration": {"logDriver": "awslogs", "options": {}, "secretOptions": []},
    }
    if fargate:
        container["executionRoleArn"] = _iam_arn("role/ecsTaskExecutionRole")
        container["fargatePlatformConfiguration"] = {"platformVersion": "LATEST"}
        container["networkConfiguration"] = {"assignPublicIp": "DISABLED"}
    else:
        if rng.random() < 0.2:
            container["volumes"] = [{"name": "scratch", "host": {"sourcePath": "/scratch"}}]
            container["mountPoints"] = [{"sourceVolume": "scratch",
                                         "containerPath": "/scratch", "readOnly": False}]
        if rng.random() < 0.03:
            container["privileged"] = True
        if rng.random() < 0.1:
            container["ulimits"] = [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}]
    return container


def _job_definition(rng: random.Random, i: int) -> dict[str, Json]:
    team = TEAMS[i % len(TEAMS)]
    fargate = rng.random() < 0.2
    gpu = not fargate and rng.random() < 0.05
    multinode = not fargate and not gpu and rng.random() < 0.02
    name = f"{team}-{'mnp' if multinode else 'task'}-{i:06d}"
    revision = rng.randint(1, 40)
    jd: dict[str, Json] = {
        "jobDefinitionName": name,
        "jobDefinitionArn": _arn("batch", f"job-definition/{name}:{revision}"),
        "revision": revision, "status": "ACTIVE",
        "type": "multinode" if multinode else "container",
        "parameters": {"input": f"s3://{team}-data/input/"},
        "platformCapabilities": ["FARGATE" if fargate else "EC2"],
        "tags": {"team": team}, "propagateTags": rng.random() < 0.5,
        "containerOrchestrationType": "ECS",
    }
    if rng.random() < 0.7:  # the rest have no retry strategy
        retry: dict[str, Json] = {"attempts": rng.randint(1, 5)}
        if rng.random() < 0.5:
            retry["evaluateOnExit"] = [
                {"onStatusReason": "Host EC2*", "action": "RETRY"},
                {"onExitCode": "137", "action": "RETRY"},
                {"onReason": "*", "action": "EXIT"},
            ]
        jd["retryStrategy"] = retry
    if rng.random() < 0.6:
        jd["timeout"] = {"attemptDurationSeconds": rng.choice((600, 3600, 86400))}
    if multinode:
        nodes = rng.randint(2, 8)
        jd["nodeProperties"] = {"numNodes": nodes, "mainNode": 0, "nodeRangeProperties": [
            {"targetNodes": "0:", "container": _container(rng, team, False, False)}]}
    else:
        jd["containerProperties"] = _container(rng, team, fargate, gpu)
    return jd


def _job(rng: random.Random, i: int, queues: list[Json], definitions: list[Json]) -> Json:
    queue = rng.choice(queues)
    jd = rng.choice(definitions)
    job_id = f"{i:08x}-1111-4222-8333-{i:012x}"
    return {
        "jobId": job_id, "jobName": f"run-{i}", "jobArn": _arn("batch", f"job/{job_id}"),
        "jobQueue": queue["jobQueueArn"], "jobDefinition": jd["jobDefinitionArn"],
        "status": "RUNNABLE", "createdAt": 1717000000000 + i * 1000,
        "statusReason": rng.choice(("", "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - "
                                        "The job resource requirement (vCPU/memory/GPU) is "
                                        "higher than that can be met by the CE(s) attached "
                                        "to the job queue.")),
    }


def snapshot(compute_environments: int = 1000, job_queues: int = 1000,
             job_definitions: int = 10000, seed: int = 0) -> dict[str, Json]:
    """A snapshot of one account and region with the given number of Batch resources."""
    rng = random.Random(seed)
    templates, versions = _launch_templates(rng, max(1, compute_environments // 20))
    ces = [_compute_environment(rng, i, templates) for i in range(compute_environments)]
    families: dict[str, list[str]] = {"ec2": [], "fargate": []}
    for ce in ces:
        kind = ce.get("computeResources", {}).get("type", "EC2")
        families["fargate" if kind.startswith("FARGATE") else "ec2"].append(
            ce["computeEnvironmentArn"])
    queues = ([_job_queue(rng, i, families) for i in range(job_queues)]
              if ces else [])
    definitions = [_job_definition(rng, i) for i in range(job_definitions)]
    jobs = ([_job(rng, i, queues, definitions) for i in range(job_definitions // 50)]
            if queues and definitions else [])
    region = {
        "region": REGION,
        "computeEnvironments": sorted(ces, key=lambda r: r["computeEnvironmentArn"]),
        "jobQueues": sorted(queues, key=lambda r: r["jobQueueArn"]),
        "jobDefinitions": sorted(definitions, key=lambda r: r["jobDefinitionArn"]),
        "jobs": sorted(jobs, key=lambda r: r["jobArn"]),
        "launchTemplates": templates,
        "launchTemplateVersions": versions,
        "images": _images(),
        "instanceTypes": _instance_types(),
        "serviceQuotas": _quotas(),
    }
    return {
        "batchlint_snapshot": 1,
        "generator": {"name": "batchlint-benchmarks", "version": "1"},
        "accounts": [{"account": ACCOUNT, "iam": _iam(len(TEAMS)), "regions": [region],
                      "notCollected": []}],
    }


def write(data: Json, path: str) -> int:
    """Write as the exporter does (sorted keys, indented); return the size in bytes."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return len(text.encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compute-environments", type=int, default=1000)
    parser.add_argument("--job-queues", type=int, default=1000)
    parser.add_argument("--job-definitions", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)
    data = snapshot(args.compute_environments, args.job_queues, args.job_definitions, args.seed)
    if args.output == "-":
        json.dump(data, sys.stdout, indent=2, sort_keys=True)
        print()
    else:
        size = write(data, args.output)
        print(f"wrote {args.output} ({size / 2**20:.1f} MiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
