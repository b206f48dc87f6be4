"""CloudFormation intrinsic functions and conditions, resolved as far as the template
alone allows.

A value the template cannot give (a parameter without default, an import, an account
id, a condition that cannot be decided) resolves to :class:`Unk`: how the user would
read it (``${Env}``, ``batch-${Env}``) and why it is not known. The loader turns
those into the model's unknown paths (see ``batchlint.unknowns``).

Conditions are decided from parameter defaults; a condition that cannot be decided
takes the value the current *world* gives it (the loader reads the template once for
each combination of the undecided conditions it uses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from batchlint.jsonvalues import mapping
from batchlint.loaders.cfn_images import ssm_image_path
from batchlint.loaders.cfn_values import (
    NO_VALUE,
    UNREADABLE,
    Unk,
    base64_of,
    has_unk,
    is_scalar,
    join_whys,
    select,
    split,
    text_of,
)
from batchlint.model import Json
from batchlint.syntax import Written
from batchlint.unknowns import generated_name

IAM_ROLE = "AWS::IAM::Role"
INSTANCE_PROFILE = "AWS::IAM::InstanceProfile"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
BATCH_PREFIX = "AWS::Batch::"
_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")
# resources whose Ref is a name the template may give: that property
ECR_REPOSITORY = "AWS::ECR::Repository"
_OWN_NAMES = {ECR_REPOSITORY: "RepositoryName", "AWS::Logs::LogGroup": "LogGroupName",
              "AWS::S3::Bucket": "BucketName", "AWS::SSM::Parameter": "Name"}
_ECR_URI = "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${NAME}"  # RepositoryUri
_VERSION_WORDS = {"LatestVersionNumber": "latest", "DefaultVersionNumber": "default"}
# VPC resources (batchlint.loaders.cfn_network): a Ref, or a GetAtt of the id, is the
# logical ID, which is how the model names them
SUBNET, ROUTE_TABLE, ROUTE = "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route"
ASSOCIATION = "AWS::EC2::SubnetRouteTableAssociation"
ENDPOINT, GROUP = "AWS::EC2::VPCEndpoint", "AWS::EC2::SecurityGroup"
EGRESS, VPC = "AWS::EC2::SecurityGroupEgress", "AWS::EC2::VPC"
IGW, NAT, VGW = "AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::VPNGateway"
NETWORK_TYPES = {SUBNET, ROUTE_TABLE, ENDPOINT, GROUP, VPC, IGW, NAT, VGW}
_NETWORK_IDS = {"SubnetId", "GroupId", "RouteTableId", "Id", "VpcId", "InternetGatewayId",
                "NatGatewayId"}


class Resolver:
    """Resolves intrinsic functions in one world (values of the undecided conditions)."""

    def __init__(self, template: Mapping[str, Json], world: Mapping[str, bool] | None = None):
        resources = template.get("Resources")
        self.resources: Mapping[str, Json] = resources if isinstance(resources, Mapping) else {}
        self.parameters: Mapping[str, Json] = mapping(template.get("Parameters"))
        self.mappings: Mapping[str, Json] = mapping(template.get("Mappings"))
        self.conditions: Mapping[str, Json] = mapping(template.get("Conditions"))
        self.world: Mapping[str, bool] = world or {}
        self._decided: dict[str, bool | None] = {}
        self._deciding: set[str] = set()
        self._referring: set[str] = set()  # the Refs being resolved: a cycle is not followed
        self.role_arn: Callable[[str], str] = lambda lid: lid  # set by the loader

    # -- conditions ----------------------------------------------------------
    def condition(self, name: Json) -> bool | None:
        """The condition's value: decided by defaults, else by the world, else None."""
        if not isinstance(name, str):
            return None
        if name in self.world:
            return self.world[name]
        if name not in self._decided:
            if name in self._deciding:  # a cycle: CloudFormation rejects it
                return None
            self._deciding.add(name)
            try:
                self._decided[name] = self._evaluate(self.conditions.get(name))
            except UNREADABLE:  # a condition batchlint cannot evaluate is undecided
                self._decided[name] = None
            finally:
                self._deciding.discard(name)
        return self._decided[name]

    def _evaluate(self, expr: Json) -> bool | None:
        if not isinstance(expr, Mapping) or len(expr) != 1:
            return None
        (fn, arg), = expr.items()
        if fn == "Condition":
            return self.condition(arg)
        args = arg if isinstance(arg, list) else []
        if fn == "Fn::Equals" and len(args) == 2:
            left, right = self.resolve(args[0]), self.resolve(args[1])
            if has_unk(left) or has_unk(right):
                return None
            return text_of(left) == text_of(right)
        values = [self._evaluate(a) for a in args]
        if fn == "Fn::Not" and len(values) == 1:
            return None if values[0] is None else not values[0]
        if fn == "Fn::And" and values:
            return False if False in values else (None if None in values else True)
        if fn == "Fn::Or" and values:
            return True if True in values else (None if None in values else False)
        return None

    def undecided(self) -> list[str]:
        """The conditions that the parameter defaults do not decide, in template order."""
        return [name for name in self.conditions if self.condition(name) is None]

    # -- values --------------------------------------------------------------
    def resolve(self, value: Json) -> Json:
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not NO_VALUE]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            handler = _FUNCTIONS.get(key)
            if handler is not None:
                return handler(self, arg)
        out = {}
        for key, item in value.items():
            resolved = self.resolve(item)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def ref(self, name: Json) -> Json:
        if not isinstance(name, str):
            return Unk("${Ref}", "a `Ref` CloudFormation rejects")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name.startswith("AWS::"):
            return Unk(f"${{{name}}}", f"`{name}`, known only at deployment")
        if name in self._referring:  # a parameter or a name that refers to itself
            return Unk(f"${{{name}}}", f"`{name}`, whose value refers to itself")
        self._referring.add(name)
        try:
            return self._named(name)
        finally:
            self._referring.discard(name)

    def _named(self, name: str) -> Json:
        """A parameter's value, or a resource's ``Ref``."""
        if name in self.parameters:
            param = mapping(self.parameters[name])
            default = param.get("Default")
            if default is None:
                return Unk(f"${{{name}}}", f"parameter `{name}`, which has no default")
            if text_of(param.get("NoEcho")).lower() == "true":  # a secret: never read
                return Unk(f"${{{name}}}", f"parameter `{name}`, which is NoEcho: its value "
                           "is not read")
            path = ssm_image_path(param)
            if path is not None:  # an AMI's SSM path: cfn_images adds the images it knows
                return Written(path, f"parameter `{name}`, read from SSM at deployment "
                                     f"(`{path}`)")
            if str(param.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
                return Unk(f"${{{name}}}", f"parameter `{name}`, read from SSM at deployment")
            if str(param.get("Type", "")).startswith("List<") or \
                    param.get("Type") == "CommaDelimitedList":
                return [v.strip() for v in str(default).split(",")] \
                    if not isinstance(default, list) else default
            return self.resolve(default)
        resource = mapping(self.resources.get(name))
        kind = resource.get("Type")
        if kind in (IAM_ROLE, INSTANCE_PROFILE, LAUNCH_TEMPLATE) or kind in NETWORK_TYPES or (
                isinstance(kind, str) and kind.startswith(BATCH_PREFIX)):
            return name  # its logical ID, which is how the model names it
        own = _OWN_NAMES.get(str(kind))
        given = self.resolve(mapping(resource.get("Properties")).get(own)) if own else None
        if kind == ECR_REPOSITORY and not isinstance(given, str):
            # a repository name, known or not, holds no `:` or `@`: an image ending in it
            # has no tag (unknowns.GENERATED_NAME)
            return Unk(generated_name(name), f"the name of `{name}`, which depends on "
                       f"{given.why}" if isinstance(given, Unk) else f"`{name}`, a "
                       "repository name CloudFormation generates when it creates the stack")
        if isinstance(given, str | Unk):
            return given  # a resource whose Ref is the name the template gives it
        return Unk(f"${{{name}}}", f"`{name}`, known only once the stack creates it")

    def get_att(self, arg: Json) -> Json:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not all(isinstance(a, str) for a in arg):
            return Unk("${GetAtt}", "an `Fn::GetAtt` CloudFormation rejects")
        logical_id, attribute = arg
        resource = mapping(self.resources.get(logical_id))
        kind = resource.get("Type")
        if kind in (IAM_ROLE, INSTANCE_PROFILE) and attribute == "Arn":
            return self.role_arn(logical_id)
        if kind == LAUNCH_TEMPLATE and attribute in _VERSION_WORDS:
            # the one version the stack creates; the template states no number
            return Written("1", f"the {_VERSION_WORDS[attribute]} version (`{attribute}`)")
        if isinstance(kind, str) and kind.startswith(BATCH_PREFIX):
            return logical_id
        if kind == ECR_REPOSITORY and attribute == "RepositoryUri":  # its registry, its name
            return self.sub(_ECR_URI.replace("NAME", logical_id))
        if kind in NETWORK_TYPES and attribute in _NETWORK_IDS and not (
                attribute == "VpcId" and kind != VPC):
            return logical_id
        return Unk(f"${{{logical_id}.{attribute}}}",
                   f"`{logical_id}.{attribute}`, known only once the stack creates it")

    def sub(self, arg: Json) -> Json:
        text, variables = (arg, {}) if isinstance(arg, str) else (
            (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (None, {}))
        if not isinstance(text, str) or not isinstance(variables, Mapping):
            return Unk("${Sub}", "an `Fn::Sub` CloudFormation rejects")
        whys: list[str] = []

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                resolved = self.resolve(variables[name])
            elif "." in name:
                resolved = self.get_att(name.split(".", 1))
            else:
                resolved = self.ref(name)
            if isinstance(resolved, Unk):
                whys.append(resolved.why)
                return resolved.text
            return text_of(resolved) if is_scalar(resolved) else match.group(0)

        out = _SUB_VAR.sub(value, text).replace("${!", "${")
        return Unk(out, join_whys(whys)) if whys else out

    def join(self, arg: Json) -> Json:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            return Unk("${Join}", "an `Fn::Join` CloudFormation rejects")
        parts = self.resolve(arg[1])
        if isinstance(parts, Unk):
            return Unk(parts.text, parts.why)
        if not isinstance(parts, list):
            return Unk("${Join}", "an `Fn::Join` CloudFormation rejects")
        whys = [p.why for p in parts if isinstance(p, Unk)]
        text = arg[0].join(p.text if isinstance(p, Unk) else text_of(p) for p in parts)
        return Unk(text, join_whys(whys)) if whys else text

    def find_in_map(self, arg: Json) -> Json:
        keys = self.resolve(arg)
        if isinstance(keys, list) and len(keys) == 3 and all(isinstance(k, str) for k in keys):
            node: Json = self.mappings
            for key in keys:
                node = node.get(key) if isinstance(node, Mapping) else None
            if node is not None:
                return self.resolve(node)
        whys = [k.why for k in keys if isinstance(k, Unk)] if isinstance(keys, list) else []
        return Unk("${FindInMap}", join_whys(whys) if whys else "an `Fn::FindInMap` whose "
                   "keys are not in `Mappings`")

    def if_(self, arg: Json) -> Json:
        if not (isinstance(arg, list) and len(arg) == 3):
            return Unk("${If}", "an `Fn::If` CloudFormation rejects")
        decided = self.condition(arg[0])
        if decided is None:
            return Unk(f"${{If {arg[0]}}}",
                       f"condition `{arg[0]}`, which cannot be decided before deployment")
        return self.resolve(arg[1] if decided else arg[2])

    def import_value(self, arg: Json) -> Json:
        name = self.resolve(arg)
        label = name if isinstance(name, str) else (name.text if isinstance(name, Unk) else "")
        return Unk(f"${{ImportValue {label}}}", f"import `{label}` from another stack")


def _deployment(fn: str) -> Callable[[Resolver, Json], Json]:
    return lambda self, arg: Unk(f"${{{fn}}}", f"`Fn::{fn}`, resolved at deployment")


_FUNCTIONS: dict[str, Callable[[Resolver, Json], Json]] = {
    "Ref": Resolver.ref,
    "Fn::GetAtt": Resolver.get_att,
    "Fn::Sub": Resolver.sub,
    "Fn::Join": Resolver.join,
    "Fn::FindInMap": Resolver.find_in_map,
    "Fn::Select": lambda self, arg: select(self.resolve(arg)),
    "Fn::Base64": lambda self, arg: base64_of(self.resolve(arg)),
    "Fn::If": Resolver.if_,
    "Fn::ImportValue": Resolver.import_value,
    "Fn::GetAZs": _deployment("GetAZs"),
    "Fn::Split": lambda self, arg: split(self.resolve(arg)),
    "Fn::Cidr": _deployment("Cidr"),
    "Fn::Transform": _deployment("Transform"),
    "Fn::Length": _deployment("Length"),
    "Fn::ToJsonString": _deployment("ToJsonString"),
}
