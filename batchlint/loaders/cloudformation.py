"""CloudFormation templates (JSON or YAML) → the model's API shapes.

``AWS::Batch::*`` properties are PascalCase; the Batch API (and so the rules)
uses camelCase: keys are converted, except inside free-form maps (tags,
parameters, log options). ``AWS::IAM::Role``, ``AWS::IAM::InstanceProfile`` and
``AWS::EC2::LaunchTemplate`` already use the IAM and EC2 API's PascalCase and
are mapped to those shapes. References between them are resolved: a compute
environment's ``InstanceRole: !GetAtt Profile.Arn`` reaches the profile, its
role and the role's ``ManagedPolicyArns``.

A value that cannot be known from the template alone (an import, a parameter
without default, a condition) becomes a ``${unknown:…}`` string, which no
lookup resolves: the checks that depend on it are not verified, never failed.
Resources are named by their logical ID; they have no account or region.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from typing import Any

from batchlint import model as m
from batchlint import shapes
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.model import UNKNOWN_FIELDS, Json, Pointer

BATCH_TYPES = {
    "AWS::Batch::ComputeEnvironment": m.COMPUTE_ENVIRONMENT,
    "AWS::Batch::JobQueue": m.JOB_QUEUE,
    "AWS::Batch::JobDefinition": m.JOB_DEFINITION,
    "AWS::Batch::SchedulingPolicy": m.SCHEDULING_POLICY,
}
IAM_ROLE = "AWS::IAM::Role"
INSTANCE_PROFILE = "AWS::IAM::InstanceProfile"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
MAPPED_TYPES = {*BATCH_TYPES, IAM_ROLE, INSTANCE_PROFILE, LAUNCH_TEMPLATE}
IGNORE_METADATA = "batchlint"

# Maps whose keys are the user's, not property names: never camelCased.
_FREE_FORM = {"Tags", "Parameters", "Options", "Labels", "Annotations", "Limits", "Requests"}
_NO_VALUE = object()
_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")
_SYNTHETIC_ACCOUNT = ""  # ARNs built for template roles carry no account


def unknown(what: str) -> str:
    return f"${{unknown:{what}}}"


class TemplateDocument(Document):
    """A template: positions by the template's own (PascalCase) keys."""

    def __init__(self, path: str, text: str, data: Json,
                 positions: dict[Pointer, tuple[int, int]] | None = None):
        super().__init__(path, text, data, positions)
        self.source = "cloudformation"

    def position(self, pointer: Pointer) -> tuple[int, int]:
        return super().position(_template_pointer(self.data, pointer))


def _template_pointer(data: Json, pointer: Pointer) -> Pointer:
    """The pointer into the template for a path in the API shape (camelCase → PascalCase)."""
    out: list[str | int] = []
    node = data
    for part in pointer:
        if isinstance(node, Mapping) and isinstance(part, str):
            match = next((k for k in (part, part[:1].upper() + part[1:]) if k in node), None)
            if match is None:
                break
            out.append(match)
            node = node[match]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        else:
            break
    return tuple(out)


def load(doc: Document, builder: ModelBuilder) -> bool:
    """Map the template's Batch resources into ``builder``; False when it has none."""
    template = doc.data
    resources = template.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        raise doc.fail((), "template has no Resources")
    resolver = _Resolver(template)
    mapped = [(lid, r) for lid, r in resources.items()
              if isinstance(r, Mapping) and r.get("Type") in MAPPED_TYPES]
    if not any(r.get("Type") in BATCH_TYPES for _, r in mapped):
        return False
    for logical_id, resource in mapped:
        kind_type = resource["Type"]
        props = resource.get("Properties", {})
        if not isinstance(props, Mapping):
            raise doc.fail(("Resources", logical_id, "Properties"), "Properties must be a mapping")
        at: Pointer = ("Resources", logical_id, "Properties")
        try:
            data = _api_shape(kind_type, logical_id, resolver.resolve(props), resolver, resource)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError):
            # a template CloudFormation would reject: say where, never a traceback
            raise doc.fail(at, f"{logical_id} has properties of an unexpected shape") from None
        kind = BATCH_TYPES.get(kind_type) or {IAM_ROLE: m.IAM_ROLE,
                                              INSTANCE_PROFILE: m.INSTANCE_PROFILE,
                                              LAUNCH_TEMPLATE: m.LAUNCH_TEMPLATE_VERSION}[kind_type]
        dropped: list[str] = []
        data = _coerce(data, _SPECS[kind], "", dropped)
        if dropped:  # rules must not read "not known" as "not set"
            data[UNKNOWN_FIELDS] = dropped
        builder.add(doc, kind, at, data)
    return True


_SPECS = {
    m.SCHEDULING_POLICY: shapes.SCHEDULING_POLICY,
    m.COMPUTE_ENVIRONMENT: shapes.COMPUTE_ENVIRONMENT,
    m.JOB_QUEUE: shapes.JOB_QUEUE,
    m.JOB_DEFINITION: shapes.JOB_DEFINITION,
    m.IAM_ROLE: shapes.ROLE,
    m.INSTANCE_PROFILE: shapes.INSTANCE_PROFILE,
    m.LAUNCH_TEMPLATE_VERSION: shapes.LAUNCH_TEMPLATE_VERSION,
}


def _api_shape(kind_type: str, logical_id: str, props: Json, resolver: _Resolver,
               resource: Mapping[str, Json]) -> dict[str, Json]:
    if kind_type in BATCH_TYPES:
        data: dict[str, Json] = _camel(props)
        name_key = {"AWS::Batch::ComputeEnvironment": "computeEnvironmentName",
                    "AWS::Batch::JobQueue": "jobQueueName",
                    "AWS::Batch::JobDefinition": "jobDefinitionName",
                    "AWS::Batch::SchedulingPolicy": "name"}[kind_type]
        data[name_key] = logical_id
        ignore = _metadata_ignore(resource)
        if ignore:
            tags = dict(data.get("tags") or {})
            tags["batchlint:ignore"] = ",".join([*filter(None, [tags.get("batchlint:ignore")]),
                                                 *ignore])
            data["tags"] = tags
        return data
    if kind_type == IAM_ROLE:
        return resolver.role(logical_id)
    if kind_type == INSTANCE_PROFILE:
        return {"InstanceProfileName": logical_id, "Path": props.get("Path", "/"),
                "Arn": resolver.arn(logical_id, "instance-profile", props.get("Path", "/")),
                "Roles": [resolver.role(r) if r in resolver.resources else
                          {"RoleName": str(r)} for r in props.get("Roles") or []]}
    lt_data = props.get("LaunchTemplateData")
    return {"LaunchTemplateId": logical_id,
            "LaunchTemplateName": str(props.get("LaunchTemplateName") or logical_id),
            "VersionNumber": 1, "DefaultVersion": True,
            "LaunchTemplateData": _user_data(lt_data) if isinstance(lt_data, Mapping) else {}}


def _metadata_ignore(resource: Mapping[str, Json]) -> list[str]:
    meta = resource.get("Metadata")
    ours = meta.get(IGNORE_METADATA) if isinstance(meta, Mapping) else None
    ignore = ours.get("ignore") if isinstance(ours, Mapping) else None
    if isinstance(ignore, str):
        return [ignore]
    return [str(i) for i in ignore] if isinstance(ignore, list) else []


def _user_data(data: Mapping[str, Json]) -> dict[str, Json]:
    out = dict(data)
    user = out.get("UserData")
    if isinstance(user, str) and not user.startswith("${unknown:"):
        try:
            base64.b64decode(user, validate=True)
        except ValueError:
            out["UserData"] = base64.b64encode(user.encode()).decode()
    return out


def _camel(value: Json, free_form: bool = False) -> Json:
    if isinstance(value, Mapping):
        return {(k if free_form else k[:1].lower() + k[1:]):
                _camel(v, k in _FREE_FORM and not free_form) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _coerce(value: Json, spec: Any, at: str = "", dropped: list[str] | None = None) -> Json:
    """Template values in the API's types, as CloudFormation converts them.

    CloudFormation accepts ``Value: 8`` for a string and ``MaxvCpus: "256"`` for an
    integer, and a comma-separated string for a list parameter. A number or
    boolean that cannot be known statically is left out; an unknown string or list
    stays an ``${unknown:…}`` string that no lookup resolves. The paths of the numbers
    left out are listed in ``dropped``.
    """
    if isinstance(spec, dict) and isinstance(value, dict):
        for key, sub in spec.items():
            if key in value:
                coerced = _coerce(value[key], sub, f"{at}{key}.", dropped)
                if coerced is _NO_VALUE:
                    del value[key]
                    if dropped is not None:
                        dropped.append(f"{at}{key}")
                else:
                    value[key] = coerced
        return value
    if isinstance(spec, list):
        if isinstance(value, str):
            value = [value] if value.startswith("${unknown:") else value.split(",")
        return ([_coerce(item, spec[0], f"{at.rstrip('.')}[{i}].", dropped)
                 for i, item in enumerate(value)]
                if isinstance(value, list) else value)
    if spec is str and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if spec is str and isinstance(value, bool):
        return "true" if value else "false"
    if spec in (int, shapes.NUMBER) and isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        return _NO_VALUE
    if spec is bool and isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower(), _NO_VALUE)
    return value


class _Resolver:
    """Intrinsic functions resolved as far as the template alone allows."""

    def __init__(self, template: Mapping[str, Json]):
        self.resources: Mapping[str, Json] = template.get("Resources") or {}
        self.parameters: Mapping[str, Json] = template.get("Parameters") or {}
        self.mappings: Mapping[str, Json] = template.get("Mappings") or {}
        self._roles: dict[str, dict[str, Json]] = {}

    def resolve(self, value: Json) -> Json:
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not _NO_VALUE]
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
            if resolved is not _NO_VALUE:
                out[key] = resolved
        return out

    # -- Ref and GetAtt -----------------------------------------------------
    def ref(self, name: Json) -> Json:
        if not isinstance(name, str):
            return unknown("Ref")
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name.startswith("AWS::"):
            return unknown(name)
        if name in self.parameters:
            param = self.parameters[name]
            default = param.get("Default") if isinstance(param, Mapping) else None
            if default is None:
                return unknown(f"parameter {name}")
            return self.resolve(default)
        return name  # a resource's Ref: its logical ID, which is how the model names it

    def get_att(self, arg: Json) -> Json:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not all(isinstance(a, str) for a in arg):
            return unknown("Fn::GetAtt")
        logical_id, attribute = arg
        resource = self.resources.get(logical_id)
        kind = resource.get("Type") if isinstance(resource, Mapping) else None
        props = resource.get("Properties") if isinstance(resource, Mapping) else None
        path = props.get("Path", "/") if isinstance(props, Mapping) else "/"
        if kind == IAM_ROLE and attribute == "Arn":
            return self.arn(logical_id, "role", path)
        if kind == INSTANCE_PROFILE and attribute == "Arn":
            return self.arn(logical_id, "instance-profile", path)
        if kind == LAUNCH_TEMPLATE and attribute in ("LatestVersionNumber",
                                                     "DefaultVersionNumber"):
            return "1"
        if kind in BATCH_TYPES:
            return logical_id
        return unknown(f"{logical_id}.{attribute}")

    def arn(self, logical_id: str, kind: str, path: Json) -> str:
        path = path if isinstance(path, str) and path.startswith("/") else "/"
        return f"arn:aws:iam::{_SYNTHETIC_ACCOUNT}:{kind}{path}{logical_id}"

    def role(self, logical_id: str) -> dict[str, Json]:
        """An ``AWS::IAM::Role`` as ``iam get-role`` plus its attached and inline policies."""
        if logical_id not in self._roles:
            resource = self.resources.get(logical_id)
            raw = resource.get("Properties") if isinstance(resource, Mapping) else None
            props = self.resolve(raw) if isinstance(raw, Mapping) else {}
            path = props.get("Path", "/")
            arns = [a for a in props.get("ManagedPolicyArns") or [] if isinstance(a, str)]
            self._roles[logical_id] = {
                "RoleName": logical_id,
                "Path": path if isinstance(path, str) else "/",
                "Arn": self.arn(logical_id, "role", path),
                "AssumeRolePolicyDocument": props.get("AssumeRolePolicyDocument") or {},
                "AttachedManagedPolicies": [{"PolicyArn": a, "PolicyName": a.rsplit("/", 1)[-1]}
                                            for a in arns],
                "RolePolicyList": [{"PolicyName": str(p.get("PolicyName"))}
                                   for p in props.get("Policies") or []
                                   if isinstance(p, Mapping)],
            }
        return self._roles[logical_id]

    # -- the other functions ------------------------------------------------
    def sub(self, arg: Json) -> Json:
        text, variables = (arg, {}) if isinstance(arg, str) else (
            (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (None, {}))
        if not isinstance(text, str) or not isinstance(variables, Mapping):
            return unknown("Fn::Sub")

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                resolved = self.resolve(variables[name])
            elif "." in name:
                resolved = self.get_att(name.split(".", 1))
            else:
                resolved = self.ref(name)
            return _text(resolved, name)

        return _SUB_VAR.sub(value, text).replace("${!", "${")

    def join(self, arg: Json) -> Json:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            return unknown("Fn::Join")
        parts = self.resolve(arg[1])
        if not isinstance(parts, list):
            return unknown("Fn::Join")
        # unknown parts stay marked inline: "arn:aws:iam::${unknown:…}:role/x" resolves
        # nothing, and the known head of a MIME user data is still read
        return arg[0].join(_text(p, "Fn::Join") for p in parts)

    def find_in_map(self, arg: Json) -> Json:
        keys = self.resolve(arg)
        if isinstance(keys, list) and len(keys) == 3 and all(isinstance(k, str) for k in keys):
            node: Json = self.mappings
            for key in keys:
                node = node.get(key) if isinstance(node, Mapping) else None
            if node is not None:
                return self.resolve(node)
        return unknown("Fn::FindInMap")

    def select(self, arg: Json) -> Json:
        resolved = self.resolve(arg)
        if isinstance(resolved, list) and len(resolved) == 2 and isinstance(resolved[1], list):
            try:
                return resolved[1][int(resolved[0])]
            except (ValueError, IndexError, TypeError):
                pass
        return unknown("Fn::Select")

    def base64(self, arg: Json) -> Json:
        text = self.resolve(arg)
        if isinstance(text, str):
            return base64.b64encode(text.encode("utf-8")).decode("ascii")
        return unknown("Fn::Base64")


def _text(value: Json, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return unknown(what)


_FUNCTIONS: dict[str, Callable[[_Resolver, Json], Json]] = {
    "Ref": _Resolver.ref,
    "Fn::GetAtt": _Resolver.get_att,
    "Fn::Sub": _Resolver.sub,
    "Fn::Join": _Resolver.join,
    "Fn::FindInMap": _Resolver.find_in_map,
    "Fn::Select": _Resolver.select,
    "Fn::Base64": _Resolver.base64,
    "Fn::ImportValue": lambda self, arg: unknown("Fn::ImportValue"),
    "Fn::If": lambda self, arg: unknown("Fn::If"),
    "Fn::GetAZs": lambda self, arg: unknown("Fn::GetAZs"),
    "Fn::Split": lambda self, arg: unknown("Fn::Split"),
    "Fn::Cidr": lambda self, arg: unknown("Fn::Cidr"),
    "Fn::Transform": lambda self, arg: unknown("Fn::Transform"),
}

