"""The types of the fields rules read, checked once when a file is loaded.

Rules can then trust that a field, when present, has the type the AWS API
gives it. Fields not listed here are kept as they are and never checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from batchlint.model import Pointer

Spec = Any  # str | int | bool | float | dict | list | special markers below


class _Marker:
    def __init__(self, word: str, fits: Callable[[Any], bool]):
        self.word = word
        self.fits = fits


NUMBER = _Marker("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool))
ANY = _Marker("any value", lambda _: True)
STRING_MAP = _Marker("an object of strings", lambda v: isinstance(v, Mapping) and all(
    type(item) is str or isinstance(item, str) for item in v.values()))
POLICY_DOCUMENT = _Marker("a policy document (object or string)",
                          lambda v: isinstance(v, Mapping | str))

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


Problem = tuple[Pointer, str]  # where a value does not fit its spec, and what was expected
Check = Callable[[Any], Problem | None]  # a spec compiled: the problem in a value, if any


def shape_error(value: Any, spec: Spec, at: Pointer = ()) -> Problem | None:
    """The first place where ``value`` does not fit ``spec``: (pointer, what was expected)."""
    compiled = _COMPILED.get(id(spec))
    if compiled is None or compiled[0] is not spec:  # each spec is compiled once
        compiled = _COMPILED[id(spec)] = (spec, _compile(spec))
    problem = compiled[1](value)
    return None if problem is None else ((*at, *problem[0]), problem[1])


_COMPILED: dict[int, tuple[Spec, Check]] = {}  # by id: specs are this module's constants


def _compile(spec: Spec) -> Check:
    """``spec`` as a function. Objects and lists give each member whose exact type is not
    the one it must have (a ``str`` where ``str`` is expected: most members) to the member's
    own check, which keeps what ``isinstance`` accepts; members of ANY are not looked at."""
    if isinstance(spec, dict):
        return _object_check([(key, _exact(sub), _compile(sub))
                              for key, sub in spec.items() if sub is not ANY])
    if isinstance(spec, list):
        return _list_check(_exact(spec[0]), None if spec[0] is ANY else _compile(spec[0]))
    if isinstance(spec, _Marker):
        fits, word = spec.fits, spec.word
        return lambda value: None if fits(value) else ((), word)
    if spec is int:  # true and false are ints to Python, not to JSON
        return lambda value: ((), _WORDS[int]) if isinstance(value, bool) or not isinstance(
            value, int) else None
    return lambda value: None if isinstance(value, spec) else ((), _WORDS[spec])


def _exact(spec: Spec) -> type | None:
    """The type that fits ``spec`` at a glance (None: only the full check tells)."""
    return spec if spec in (str, int, bool) else dict if spec is POLICY_DOCUMENT else None


def _object_check(members: list[tuple[str, type | None, Check]]) -> Check:
    def check(value: Any) -> Problem | None:
        if type(value) is not dict and not isinstance(value, Mapping):
            return (), "an object"
        get = value.get
        for key, exact, sub in members:  # in the spec's order: the first problem is reported
            item = get(key)
            if item is not None and type(item) is not exact and (problem := sub(item)):
                return (key, *problem[0]), problem[1]
        return None
    return check


def _list_check(exact: type | None, sub: Check | None) -> Check:
    def check(value: Any) -> Problem | None:
        if not isinstance(value, list):
            return (), "a list"
        if sub is not None:
            for i, item in enumerate(value):
                if type(item) is not exact and (problem := sub(item)):
                    return (i, *problem[0]), problem[1]
        return None
    return check


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
