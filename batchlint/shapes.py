"""The types of the fields rules read, checked once when a file is loaded.

Rules can then trust that a field, when present, has the type the AWS API
gives it. Fields not listed here are kept as they are and never checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from batchlint.model import Pointer

Spec = Any  # str | int | bool | float | dict | list | special markers below


class _Marker:
    def __init__(self, word: str):
        self.word = word


NUMBER = _Marker("a number")
ANY = _Marker("any value")
STRING_MAP = _Marker("an object of strings")
POLICY_DOCUMENT = _Marker("a policy document (object or string)")

_WORDS = {str: "a string", int: "an integer", bool: "true or false"}

_TAGS = STRING_MAP

_ENVIRONMENT = [{"name": str, "value": ANY}]
_RESOURCE_REQUIREMENTS = [{"type": str, "value": str}]
_CONTAINER = {
    "image": str,
    "vcpus": int,
    "memory": int,
    "privileged": bool,
    "environment": _ENVIRONMENT,
    "resourceRequirements": _RESOURCE_REQUIREMENTS,
    "instanceType": str,
    "logConfiguration": {"logDriver": str},
    # Fargate (containerProperties; each ecsProperties task has them too)
    "executionRoleArn": str,
    "ephemeralStorage": {"sizeInGiB": int},
    "networkConfiguration": {"assignPublicIp": str},
}

COMPUTE_ENVIRONMENT: Spec = {
    "computeEnvironmentName": str,
    "computeEnvironmentArn": str,
    "type": str,
    "state": str,
    "status": str,
    "statusReason": str,
    "serviceRole": str,
    "tags": _TAGS,
    "computeResources": {
        "type": str,
        "allocationStrategy": str,
        "minvCpus": int,
        "maxvCpus": int,
        "desiredvCpus": int,
        "instanceTypes": [str],
        "subnets": [str],
        "securityGroupIds": [str],
        "instanceRole": str,
        "spotIamFleetRole": str,
        "imageId": str,
        "launchTemplate": {
            "launchTemplateId": str,
            "launchTemplateName": str,
            "version": str,
            "overrides": [{"launchTemplateId": str, "launchTemplateName": str, "version": str}],
        },
        "ec2Configuration": [{"imageType": str, "imageIdOverride": str}],
        "scalingPolicy": {"minScaleDownDelayMinutes": int},
    },
}

JOB_QUEUE: Spec = {
    "jobQueueName": str,
    "jobQueueArn": str,
    "state": str,
    "status": str,
    "priority": int,
    "tags": _TAGS,
    "computeEnvironmentOrder": [{"order": int, "computeEnvironment": str}],
    "jobStateTimeLimitActions": [
        {"state": str, "action": str, "reason": str, "maxTimeSeconds": int}
    ],
}

JOB_DEFINITION: Spec = {
    "jobDefinitionName": str,
    "jobDefinitionArn": str,
    "revision": int,
    "status": str,
    "type": str,
    "tags": _TAGS,
    "platformCapabilities": [str],
    "retryStrategy": {
        "attempts": int,
        "evaluateOnExit": [
            {"onStatusReason": str, "onReason": str, "onExitCode": str, "action": str}
        ],
    },
    "timeout": {"attemptDurationSeconds": int},
    "containerProperties": _CONTAINER,
    "nodeProperties": {"nodeRangeProperties": [{"targetNodes": str, "container": _CONTAINER}]},
    "ecsProperties": {"taskProperties": [{
        "containers": [_CONTAINER], "executionRoleArn": str,
        "ephemeralStorage": {"sizeInGiB": int}, "networkConfiguration": {"assignPublicIp": str},
    }]},
    "eksProperties": {
        "podProperties": {
            "containers": [
                {"image": str, "env": _ENVIRONMENT, "securityContext": {"privileged": bool}}
            ]
        }
    },
}

JOB: Spec = {"jobId": str, "jobName": str, "jobArn": str, "status": str, "statusReason": str,
             "createdAt": int, "jobDefinition": str}

LAUNCH_TEMPLATE: Spec = {
    "LaunchTemplateId": str,
    "LaunchTemplateName": str,
    "DefaultVersionNumber": int,
    "LatestVersionNumber": int,
}

_BLOCK_DEVICES = [{"DeviceName": str, "Ebs": {"VolumeSize": int, "VolumeType": str}}]

LAUNCH_TEMPLATE_VERSION: Spec = {
    "LaunchTemplateId": str,
    "LaunchTemplateName": str,
    "VersionNumber": int,
    "DefaultVersion": bool,
    "LaunchTemplateData": {
        "ImageId": str,
        "InstanceType": str,
        "UserData": str,
        "BlockDeviceMappings": _BLOCK_DEVICES,
        "SecurityGroupIds": [str],
        "NetworkInterfaces": [{"AssociatePublicIpAddress": bool, "Groups": [str]}],
    },
}

IMAGE: Spec = {
    "ImageId": str,
    "Name": str,
    "Description": str,
    "RootDeviceName": str,
    "Architecture": str,
    "BlockDeviceMappings": _BLOCK_DEVICES,
}

INSTANCE_TYPE: Spec = {
    "InstanceType": str,
    "VCpuInfo": {"DefaultVCpus": int},
    "MemoryInfo": {"SizeInMiB": int},
    "ProcessorInfo": {"SupportedArchitectures": [str]},
    "GpuInfo": {"Gpus": [{"Count": int}]},
}

ROLE: Spec = {
    "RoleName": str,
    "Arn": str,
    "Path": str,
    "AssumeRolePolicyDocument": POLICY_DOCUMENT,
    "AttachedManagedPolicies": [{"PolicyName": str, "PolicyArn": str}],
    "RolePolicyList": [ANY],
}

MANAGED_POLICY: Spec = {"PolicyName": str, "Arn": str, "DefaultVersionId": str,
                         "PolicyVersionList": ANY}

INSTANCE_PROFILE: Spec = {
    "InstanceProfileName": str,
    "Arn": str,
    "Roles": [ROLE],
}

SCHEDULING_POLICY: Spec = {"name": str, "arn": str, "tags": _TAGS,
                           "fairsharePolicy": {"shareDecaySeconds": int, "computeReservation": int}}

# network and placement: what batchlint.facts.network reads
SUBNET: Spec = {"SubnetId": str, "VpcId": str, "AvailabilityZone": str,
                "MapPublicIpOnLaunch": bool, "OwnerId": str, "SubnetArn": str}
ROUTE_TABLE: Spec = {
    "RouteTableId": str, "VpcId": str, "OwnerId": str,
    "Associations": [{"SubnetId": str, "Main": bool, "GatewayId": str}],
    "Routes": [{"DestinationCidrBlock": str, "State": str, "GatewayId": str,
                "NatGatewayId": str, "InstanceId": str, "NetworkInterfaceId": str,
                "TransitGatewayId": str, "VpcPeeringConnectionId": str}],
}
VPC_ENDPOINT: Spec = {"VpcEndpointId": str, "VpcId": str, "ServiceName": str,
                      "VpcEndpointType": str, "State": str, "PrivateDnsEnabled": bool,
                      "OwnerId": str}
_PERMISSIONS = [{"IpProtocol": str, "FromPort": int, "ToPort": int}]
SECURITY_GROUP: Spec = {"GroupId": str, "GroupName": str, "VpcId": str, "OwnerId": str,
                        "IpPermissionsEgress": _PERMISSIONS}
INSTANCE_TYPE_OFFERING: Spec = {"InstanceType": str, "LocationType": str, "Location": str}

SERVICE_QUOTA: Spec = {"QuotaCode": str, "ServiceCode": str, "QuotaArn": str, "Value": NUMBER}


def shape_error(value: Any, spec: Spec, at: Pointer = ()) -> tuple[Pointer, str] | None:
    """The first place where ``value`` does not fit ``spec``: (pointer, what was expected)."""
    if spec is ANY:
        return None
    if isinstance(spec, dict):
        if not isinstance(value, Mapping):
            return at, "an object"
        for key, sub in spec.items():
            if key in value and value[key] is not None:
                err = shape_error(value[key], sub, (*at, key))
                if err:
                    return err
        return None
    if isinstance(spec, list):
        if not isinstance(value, list):
            return at, "a list"
        for i, item in enumerate(value):
            err = shape_error(item, spec[0], (*at, i))
            if err:
                return err
        return None
    if spec is STRING_MAP:
        ok = isinstance(value, Mapping) and all(isinstance(v, str) for v in value.values())
        return None if ok else (at, STRING_MAP.word)
    if spec is NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else (at, NUMBER.word)
    if spec is POLICY_DOCUMENT:
        return None if isinstance(value, Mapping | str) else (at, POLICY_DOCUMENT.word)
    if spec is int and isinstance(value, bool):
        return at, _WORDS[int]
    return None if isinstance(value, spec) else (at, _WORDS[spec])


def json_type(value: Any) -> str:
    """How JSON would name the type of ``value``, for error messages (never the value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
