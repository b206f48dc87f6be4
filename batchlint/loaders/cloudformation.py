"""CloudFormation templates (JSON or YAML, SAM included) → the model's API shapes.

``AWS::Batch::*`` properties are PascalCase; the Batch API (and so the rules)
uses camelCase: keys are converted, except inside free-form maps (tags,
parameters, log options). ``AWS::IAM::Role``, ``AWS::IAM::InstanceProfile`` and
``AWS::EC2::LaunchTemplate`` already use the IAM and EC2 API's PascalCase and
are mapped to those shapes. References between them are resolved: a compute
environment's ``InstanceRole: !GetAtt Profile.Arn`` reaches the profile, its
role and the role's ``ManagedPolicyArns``.

Intrinsic functions and conditions are resolved by :mod:`cfn_intrinsics`. A value
the template alone cannot give becomes one of the resource's unknown paths, with
the reason in the template's words. Conditions that the parameter defaults do not
decide are read both ways: the template is loaded once per *world* (each
combination of the first few such conditions), and the engine reports a finding
only when every world fails. Resources are named by their logical ID; the name
a template gives them (``ComputeEnvironmentName: !Sub batch-${Env}``) is an alias
that references find. They have no account or region.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Mapping
from typing import Any

from batchlint import model as m
from batchlint import shapes
from batchlint.loaders import cfn_foreach, cfn_iam, cfn_images, cfn_network
from batchlint.loaders.builder import KIND_FIELDS, Document, ModelBuilder
from batchlint.loaders.cfn_iam import iam_arn, iam_path, role
from batchlint.loaders.cfn_intrinsics import IAM_ROLE, INSTANCE_PROFILE, LAUNCH_TEMPLATE, Resolver
from batchlint.loaders.cfn_positions import Fields, Trace
from batchlint.loaders.cfn_positions import TemplateDocument as TemplateDocument  # table.py
from batchlint.loaders.cfn_settle import field_name, settle
from batchlint.loaders.cfn_values import UNREADABLE, Unk, conditions_used
from batchlint.model import Json, Pointer
from batchlint.unknowns import value_at

BATCH_TYPES = {
    "AWS::Batch::ComputeEnvironment": m.COMPUTE_ENVIRONMENT,
    "AWS::Batch::JobQueue": m.JOB_QUEUE,
    "AWS::Batch::JobDefinition": m.JOB_DEFINITION,
    "AWS::Batch::SchedulingPolicy": m.SCHEDULING_POLICY,
}
MAPPED_TYPES = {**BATCH_TYPES, IAM_ROLE: m.IAM_ROLE, INSTANCE_PROFILE: m.INSTANCE_PROFILE,
                LAUNCH_TEMPLATE: m.LAUNCH_TEMPLATE_VERSION}
IGNORE_METADATA = "batchlint"
MAX_WORLD_CONDITIONS = 3  # 8 worlds; conditions past these are unknown values

# Maps whose keys are the user's, not property names: never camelCased.
_FREE_FORM = {"Tags", "Parameters", "Options", "Labels", "Annotations", "Limits", "Requests"}
_NAME_PROPERTIES = {"AWS::Batch::ComputeEnvironment": "ComputeEnvironmentName",
                    "AWS::Batch::JobQueue": "JobQueueName",
                    "AWS::Batch::JobDefinition": "JobDefinitionName",
                    "AWS::Batch::SchedulingPolicy": "Name",
                    IAM_ROLE: "RoleName", INSTANCE_PROFILE: "InstanceProfileName",
                    LAUNCH_TEMPLATE: "LaunchTemplateName"}


def load(doc: Document, all_revisions: bool = False) -> list[m.Model]:
    """The template's Batch view, one model per world; [] when it has no Batch resources."""
    template = doc.data
    resources = template.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        raise doc.fail((), "template has no Resources")
    mapped = [(lid, r) for lid, r in resources.items()
              if isinstance(r, Mapping) and isinstance(r.get("Type"), str)
              and r["Type"] in MAPPED_TYPES]
    looped = [(lid, BATCH_TYPES[kind], at, loop)
              for lid, kind, at, loop in cfn_foreach.generated(resources) if kind in BATCH_TYPES]
    if not looped and not any(r["Type"] in BATCH_TYPES for _, r in mapped):
        return []
    undecided = set(Resolver(template).undecided())
    used = [c for _, r in mapped
            for c in [r.get("Condition"), *conditions_used(r.get("Properties"))]
            if isinstance(c, str) and c in undecided]
    used = list(dict.fromkeys(used))[:MAX_WORLD_CONDITIONS]
    models = []
    for values in itertools.product((True, False), repeat=len(used)):
        world = dict(zip(used, values, strict=True))
        builder = ModelBuilder()
        resolver = Resolver(template, world)
        resolver.role_arn = lambda lid: iam_arn(resources, lid)
        shaped = []
        for logical_id, resource in mapped:
            if "Condition" in resource and resolver.condition(resource["Condition"]) is False:
                continue  # not created under the defaults, or in this world
            fields: Fields = {}
            shaped.append(_shape(resolver, logical_id, resource, fields))
            if isinstance(doc, TemplateDocument):  # where findings on each field point
                doc.record(("Resources", logical_id, "Properties"), fields)
        names = {alias for *_, aliases in shaped for alias in aliases}
        for kind, logical_id, data, unknown, aliases in shaped:
            # a name built from values not known, that names a resource of the template
            # built the same way (`!Sub batch-${Env}`), is known to be that resource
            unknown = {path: why for path, why in unknown.items()
                       if not (path and value_at(data, path) in names)}
            builder.add(doc, kind, ("Resources", logical_id, "Properties"), data,
                        unknown=unknown, aliases=aliases)
        for logical_id, kind, at, loop in looped:  # not expanded: each is not verified
            builder.add(doc, kind, at, {KIND_FIELDS[kind][1]: logical_id},
                        unknown={(): cfn_foreach.why(logical_id, loop)})
        cfn_images.add_public_images(doc, builder, template)
        cfn_network.add(doc, builder, resolver)
        label = ", ".join(f"condition `{c}` is {str(v).lower()}" for c, v in world.items())
        models.append(builder.build(all_revisions, world=label, group=doc.path))
    return models


Shaped = tuple[str, str, dict[str, Json], dict[Pointer, str], tuple[str, ...]]


def _shape(resolver: Resolver, logical_id: str, resource: Mapping[str, Json],
           fields: Fields) -> Shaped:
    """(kind, logical ID, API-shape data, unknown paths, aliases) of one resource; the
    template path of each field of a Batch resource is recorded in ``fields``."""
    kind_type = resource["Type"]
    kind = MAPPED_TYPES[kind_type]
    props = resource.get("Properties", {})
    unknown: dict[Pointer, str] = {}
    aliases: tuple[str, ...] = ()
    try:
        if props is None:
            props = {}
        if not isinstance(props, Mapping):
            raise ValueError("Properties is not a mapping")
        resolved = resolver.resolve(props)
        name = resolved.get(_NAME_PROPERTIES[kind_type]) if isinstance(resolved, Mapping) \
            else None
        aliases = tuple(a for a in [name.text if isinstance(name, Unk) else name]
                        if isinstance(a, str) and a and a != logical_id)
        data = _api_shape(kind_type, logical_id, resolved, resolver, resource, fields)
        data = settle(data, _SPECS[kind], (), unknown, cfn_iam.spelling(resolver, logical_id)
                      if kind_type == IAM_ROLE else field_name)
        problem = shapes.shape_error(data, _SPECS[kind])
        if problem:
            raise ValueError(f"{field_name(problem[0])} must be {problem[1]}")
    except UNREADABLE as exc:
        # a resource of a shape batchlint cannot read costs that resource, not the file
        detail = _detail(exc)
        data, unknown = {KIND_FIELDS[kind][1]: logical_id}, {
            (): f"`{logical_id}` could not be read: {detail}"}
    return kind, logical_id, data, unknown, aliases


def _detail(exc: BaseException) -> str:
    """Why a resource could not be read, in words that quote none of its values."""
    if isinstance(exc, UnicodeError):
        return "text that is not valid Unicode"
    if isinstance(exc, OverflowError):
        return "a number out of range"
    if isinstance(exc, ValueError):
        return str(exc)
    return "properties of an unexpected shape"


_SPECS: dict[str, Any] = {
    m.SCHEDULING_POLICY: shapes.SCHEDULING_POLICY,
    m.COMPUTE_ENVIRONMENT: shapes.COMPUTE_ENVIRONMENT,
    m.JOB_QUEUE: shapes.JOB_QUEUE,
    m.JOB_DEFINITION: shapes.JOB_DEFINITION,
    m.IAM_ROLE: shapes.ROLE,
    m.INSTANCE_PROFILE: shapes.INSTANCE_PROFILE,
    m.LAUNCH_TEMPLATE_VERSION: shapes.LAUNCH_TEMPLATE_VERSION,
}


def _api_shape(kind_type: str, logical_id: str, props: Json, resolver: Resolver,
               resource: Mapping[str, Json], fields: Fields) -> dict[str, Json]:
    if kind_type in BATCH_TYPES:
        data: dict[str, Json] = _camel(props, Trace(resolver, fields, resource["Properties"]))
        data[KIND_FIELDS[BATCH_TYPES[kind_type]][1]] = logical_id
        ignore = _metadata_ignore(resource)
        if ignore:
            tags = dict(data.get("tags") or {})
            tags["batchlint:ignore"] = ",".join([*filter(None, [tags.get("batchlint:ignore")]),
                                                 *ignore])
            data["tags"] = tags
        return data
    if kind_type == IAM_ROLE:
        return role(resolver, logical_id)
    if kind_type == INSTANCE_PROFILE:
        return {"InstanceProfileName": logical_id, "Path": iam_path(props.get("Path")),
                "Arn": iam_arn(resolver.resources, logical_id),
                "Roles": [role(resolver, r) if isinstance(r, str) and r in resolver.resources
                          else {"RoleName": r} for r in props.get("Roles") or []]}
    lt_data = props.get("LaunchTemplateData")
    return {"LaunchTemplateId": logical_id,
            "LaunchTemplateName": logical_id,
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
    """``UserData`` as the EC2 API gives it: base64 (a template may give plain text)."""
    out = dict(data)
    user = out.get("UserData")
    text = user.text if isinstance(user, Unk) else user
    if isinstance(text, str):
        try:
            base64.b64decode(text, validate=True)
        except ValueError:
            text = base64.b64encode(text.encode()).decode()
        # a value not known keeps its known text: it still tells whether it is MIME
        out["UserData"] = Unk(text, user.why) if isinstance(user, Unk) else text
    return out


def _camel(value: Json, trace: Trace | None, free_form: bool = False) -> Json:
    """A Batch resource's resolved properties in the API's names (the first letter lower
    case, but for the keys of free-form maps); ``trace`` records where each came from."""
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            key = k if free_form else k[:1].lower() + k[1:]
            out[key] = _camel(v, trace and trace.key(k, key), k in _FREE_FORM and not free_form)
        return out
    if isinstance(value, list):
        return [_camel(v, trace and trace.item(i)) for i, v in enumerate(value)]
    return value
