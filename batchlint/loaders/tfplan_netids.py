"""What references to a plan's VPC resources stand for (:class:`Ids`), shared by
:mod:`tfplan_network` and :mod:`tfplan_routes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from batchlint.errors import InputError
from batchlint.loaders.builder import KIND_FIELDS, Document, ModelBuilder
from batchlint.loaders.tfaddress import parse_address, render, split_module
from batchlint.loaders.tfplan_refs import Instance, Outside, PlanIndex, Target
from batchlint.loaders.tfplan_values import Reader, display, reason
from batchlint.model import Pointer

Shaped = tuple[Instance, str, dict[str, Any], dict[Pointer, str], tuple[str, ...]]
ReaderFor = Callable[[Instance], Reader]
VPC, SUBNET, GROUP = "aws_vpc", "aws_subnet", "aws_security_group"
DEFAULT_TABLE = "aws_default_route_table"
# a VPC's default security group, which Terraform adopts (and strips of every rule not in
# the configuration) rather than creates: where GROUP is asked for, it is a group too
DEFAULT_GROUP = "aws_default_security_group"
_MAIN_TABLE_ATTRIBUTES = ("default_route_table_id", "main_route_table_id")
# how a VPC's default resource names its VPC: (its attribute, that VPC's attribute)
_DEFAULT_OF = {DEFAULT_TABLE: ("default_route_table_id", "default_route_table_id"),
               DEFAULT_GROUP: ("vpc_id", "id")}


class Ids:
    """What a reference to one of the plan's network resources stands for."""

    def __init__(self, index: PlanIndex):
        self.index = index
        self.of_type: dict[str, list[Instance]] = {}
        for inst in index.instances.values():
            self.of_type.setdefault(inst.type, []).append(inst)
        # a VPC's main route table: its aws_default_route_table, else one batchlint makes;
        # its default security group: its aws_default_security_group, else not known
        self.main: dict[str, str] = {}
        self.default_group: dict[str, str] = {}
        for kind, found in ((DEFAULT_TABLE, self.main), (DEFAULT_GROUP, self.default_group)):
            for inst in self.of_type.get(kind, []):
                vpc = self._vpc_of_default(inst)
                if vpc is not None:
                    found.setdefault(vpc.address, self.own(inst))

    def own(self, inst: Instance) -> str:
        known = inst.value("id")
        if isinstance(known, str) and known:
            return known
        if inst.type == DEFAULT_GROUP:  # adopted: the group its VPC already has
            vpc = self._vpc_of_default(inst)
            known = vpc.value("default_security_group_id") if vpc is not None else None
            if isinstance(known, str) and known:
                return known
        return inst.address

    def main_table(self, vpc: Instance) -> str:
        known = vpc.value("main_route_table_id")
        if vpc.address in self.main:
            return self.main[vpc.address]
        return known if isinstance(known, str) and known else f"{vpc.address} main route table"

    def _vpc_of_default(self, inst: Instance) -> Instance | None:
        """The VPC whose main route table or default security group ``inst`` manages."""
        own, twin = _DEFAULT_OF[inst.type]
        for origin in self.index.origins(inst, own):
            if isinstance(origin, Target) and origin.instance.type == VPC:
                return origin.instance
        known = inst.value(own)
        for vpc in self.of_type.get(VPC, []):
            if isinstance(known, str) and known and vpc.value(twin) == known:
                return vpc
        return None

    def of(self, target: Target, types: tuple[str, ...]) -> str | None:
        inst, attribute = target.instance, target.attribute
        if GROUP in types:
            if inst.type == VPC and attribute == "default_security_group_id":
                return self.default_group.get(inst.address)
            types = (*types, DEFAULT_GROUP)
        if inst.type not in types:
            return None
        if inst.type == VPC and attribute in _MAIN_TABLE_ATTRIBUTES:
            return self.main_table(inst) if "aws_route_table" in types else None
        if attribute in ("", "id"):
            if inst.type == DEFAULT_TABLE:
                vpc = self._vpc_of_default(inst)
                return self.main_table(vpc) if vpc is not None else self.own(inst)
            return self.own(inst)
        return None

    def one(self, r: Reader, api: Pointer, path: tuple[str | int, ...],
            types: tuple[str, ...]) -> str | None:
        """The id an attribute names; None (recorded at ``api`` when set) if not known."""
        inst = r.inst
        if not inst.is_unknown(*path):
            value = inst.value(*path)
            return value if isinstance(value, str) and value else None
        origins = self.index.origins(inst, *path)
        found = self._pick(inst, path, origins, types)
        if found is None:
            why = self.index.why(inst, path) or reason(display(path), origins)
            earlier = r.unknown.get(api)  # another element of the same list
            r.unknown[api] = why if earlier is None or why in earlier else f"{earlier}; {why}"
        return found

    def _pick(self, inst: Instance, path: tuple[str | int, ...],
              origins: list[Target | Outside], types: tuple[str, ...]) -> str | None:
        if len(origins) != 1:
            return None
        origin = origins[0]
        if isinstance(origin, Target):
            return self.of(origin, types)
        named = origin.candidates or self._instances(origin.text)
        if len(named) == 1:  # one of one
            return self.of(Target(named[0], "id"), types)
        # x[count.index] (or element(x[*].id, count.index)) of a resource counted as this
        # one is: the instance of the same index
        expression = inst.expression(*path) or {}
        refs = expression.get("references")
        same = self.index.by_resource.get((inst.module, inst.key), [])
        if not origin.candidates or not isinstance(refs, list) or "count.index" not in refs \
                or not isinstance(inst.index, int) or len(origin.candidates) != len(same):
            return None
        for candidate in origin.candidates:
            if candidate.index == inst.index:
                return self.of(Target(candidate, "id"), types)
        return None

    def _instances(self, text: str) -> tuple[Instance, ...]:
        """The instances of a resource an origin names by its address (``module.a.x.y``)."""
        module, rest = split_module(parse_address(text))
        if len(rest) != 2 or rest[1][1] is not None:
            return ()
        return tuple(self.index.by_resource.get((render(module), f"{rest[0][0]}.{rest[1][0]}"),
                                                ()))

    def listed(self, r: Reader, api: Pointer, path: tuple[str | int, ...],
               types: tuple[str, ...]) -> list[str] | None:
        """A list of ids known only after apply: the plan's resources its expression
        references (every instance of one referenced whole, as ``x[*].id`` reads); None
        when a reference reaches anything else or an instance chosen by ``count.index``."""
        inst = r.inst
        expression = inst.expression(*path) or {}
        refs = expression.get("references")
        if isinstance(refs, list) and ("count.index" in refs or "each.value" in refs):
            return None
        ids: list[str] = []
        for origin in self.index.origins(inst, *path):
            targets = [origin] if isinstance(origin, Target) else \
                [Target(c, "id") for c in origin.candidates]
            if not targets:
                return None
            for target in targets:
                found = self.of(target, types)
                if found is None:
                    return None
                ids.append(found)
        return list(dict.fromkeys(ids)) or None


def add(builder: ModelBuilder, doc: Document, kind: str, pointer: Pointer, data: dict[str, Any],
        unknown: dict[Pointer, str], aliases: tuple[str, ...]) -> None:
    """One resource into the model; one of a shape the API never gives, as not known."""
    try:
        builder.add(doc, kind, pointer, data, unknown=unknown, aliases=aliases)
    except InputError:
        name = next(iter(KIND_FIELDS[kind][0]))
        why = f"the values of `{aliases[0] if aliases else data[name]}` have a shape " \
              "batchlint does not read"
        builder.add(doc, kind, pointer, {name: data[name]},
                    unknown={(f,): why for f in KIND_FIELDS[kind][0] if f != name},
                    aliases=aliases)


def created(inst: Instance) -> bool:
    """Made by this plan (or a hand-made plan without ids): nothing else is in it yet."""
    return inst.actions == ("create",) or (not inst.actions and not inst.value("id"))
