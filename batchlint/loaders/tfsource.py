"""Terraform source (``.tf`` files, module directories) → the model, without a plan.

A directory is one root module; ``.tf`` files given one by one stand for the module
directories they are in, and a directory scanned finds every module directory under it
that no other one calls. Variables take their defaults, then ``terraform.tfvars``,
``*.auto.tfvars`` (and their ``.json`` forms) and ``--var-file`` s; locals, ``count``,
``for_each``, ``dynamic`` blocks and local module calls are followed (see
:mod:`tfsource_module`, :mod:`tfsource_resource`), override files merged first
(:mod:`tfsource_override`). Each instance then reads as a plan's
would (:mod:`tfsource_index`), so the rules see what a plan of the same code shows, named
by the same addresses, located at the attribute's line in the ``.tf`` file.

A condition that cannot be decided before apply splits the configuration into worlds,
as a CloudFormation template's conditions do (at most ``MAX_WORLD_CONDITIONS``; further
ones leave their value unknown).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable
from typing import Any

from batchlint import model as m
from batchlint.errors import InputError
from batchlint.fileio import DEFAULT_LIMITS, Limits
from batchlint.loaders import terraform as plan
from batchlint.loaders import tfsource_guard as guard
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders import tfsource_override as override
from batchlint.loaders.builder import ModelBuilder
from batchlint.loaders.tfplan_refs import Instance
from batchlint.loaders.tfsource_eval import EvalError
from batchlint.loaders.tfsource_guard import read_terraform
from batchlint.loaders.tfsource_index import SourceIndex, TfDocument
from batchlint.loaders.tfsource_limits import reading_under
from batchlint.loaders.tfsource_module import Module, ModuleDef
from batchlint.loaders.tfsource_reader import PartialReader
from batchlint.loaders.tfsource_registry import Downloads
from batchlint.loaders.tfsource_resource import Path, Run, SourceInstance
from batchlint.loaders.tfsource_vars import variable_values
from batchlint.loaders.walk import walk
from batchlint.model import Pointer

MAX_WORLD_CONDITIONS = 3
Shaped = tuple[SourceInstance | None, str, str, dict[str, Any], dict[Pointer, str], list[str]]


class Loader:
    """Reads module directories once, for every root and world that uses them."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits
        self.definitions: dict[str, ModuleDef | None] = {}
        self.documents: dict[str, TfDocument] = {}
        self.ignored: set[str] = set()  # files a scanned directory's .gitignore ignores
        self.downloads = Downloads(limits)  # modules `terraform init` downloaded

    def __call__(self, directory: str) -> ModuleDef | None:
        if directory not in self.definitions:
            files: list[hcl.HclFile] = []
            overrides: list[hcl.HclFile] = []
            for name in sorted(os.listdir(directory)):
                path = os.path.join(directory, name)
                if not os.path.isfile(path) or os.path.normpath(path) in self.ignored:
                    continue
                if not name.endswith((".tf", ".tf.json")):
                    continue
                text = read_terraform(path, self.limits)
                parse = _json_parse(self.limits) if name.endswith(".json") else hcl.parse
                (overrides if override.is_override(name) else files).append(parse(path, text))
                self.documents[path] = TfDocument(path, text)
            override.merge(files, overrides)
            self.definitions[directory] = ModuleDef.of(directory, files) if files else None
        return self.definitions[directory]


def _json_parse(limits: Limits) -> Callable[[str, str], hcl.HclFile]:
    """The ``.tf.json`` reader, imported only for a module that has such a file."""
    from batchlint.loaders import tfsource_json

    return lambda path, text: tfsource_json.parse(path, text, limits)


def roots(paths: Iterable[str], loader: Loader, notes: list[str] | None = None,
          scanned: dict[str, str] | None = None) -> list[str]:
    """The root module directories that ``paths`` (directories and ``.tf`` files) name
    (``scanned``: each found in a directory → that directory). Local module calls that
    come back where they start are an error, as for Terraform (:mod:`tfsource_guard`)."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            walked = walk(path)
            loader.ignored.update(os.path.normpath(p) for p in walked.ignored_terraform)
            under = [os.path.normpath(d) for d in walked.terraform_dirs]
            edges = {os.path.realpath(d): _local_calls(d, loader(d)) for d in under}
            cycle = guard.find_cycle(edges)
            if cycle is not None:
                raise guard.cycle_error(cycle)
            called = {target for calls in edges.values() for target, _ in calls}
            called.update(os.path.realpath(listed) for d in under  # terraform init's
                          for listed in loader.downloads.listed(d))
            mine = [d for d in under if os.path.realpath(d) not in called]
            found += mine
            if scanned is not None:
                scanned.update(dict.fromkeys(mine, path))
            if not under and notes is not None:
                notes.append(f"skipped {path}: a directory without Terraform files")
        else:
            found.append(os.path.dirname(path) or ".")
    return list(dict.fromkeys(found))


def _local_calls(directory: str, definition: ModuleDef | None) -> list[tuple[str, guard.Call]]:
    """The folders a module calls by a local path, by real path (they are not roots)."""
    out = []
    for block, file in (definition.calls.values() if definition else ()):
        source = block.body.attrs.get("source")
        text = file.source(source.expr).strip('"') if source is not None else ""
        called = os.path.normpath(os.path.join(directory, text))
        if text.startswith(("./", "../")) and os.path.isdir(called):
            out.append((os.path.realpath(called), (directory, called, block, file)))
    return out


def load(paths: list[str], var_files: list[str] | None = None, all_revisions: bool = False,
         limits: Limits = DEFAULT_LIMITS) -> tuple[list[m.Model], dict[str, TfDocument],
                                                   list[str]]:
    """Models (one per world), the ``.tf`` files' documents and notes, for ``paths``."""
    loader = Loader(limits)
    models: list[m.Model] = []
    notes: list[str] = []
    scanned: dict[str, str] = {}
    skipped: dict[str, list[str]] = {}  # a directory scanned (or a root) → roots skipped
    for root in roots(paths, loader, notes, scanned):
        definition = loader(root)
        with reading_under(scanned.get(root, root)):
            found = [] if definition is None else _worlds(
                root, definition, variable_values(root, var_files or [], limits), loader,
                all_revisions)
        if not found:
            why = "no Terraform files" if definition is None else "Terraform without AWS " \
                                                                   "Batch resources"
            skipped.setdefault(scanned.get(root, root), []).append(f"skipped {root}: {why}")
        models += found
    for where, lines in skipped.items():  # a directory's are counted in one line
        notes += lines if len(lines) == 1 else [
            f"skipped in {where}: {len(lines)} Terraform folders without AWS Batch resources"]
    return models, dict(loader.documents), notes + loader.downloads.notes


def _worlds(root: str, definition: ModuleDef, values: dict[str, Any], loader: Loader,
            all_revisions: bool) -> list[m.Model]:
    conditions: list[str] = []
    first = _run(root, definition, values, loader, {}, conditions)
    if not _has_batch(first):
        return []
    if not conditions:
        return [_model(first, loader, all_revisions)]
    models = []
    for choice in itertools.product((True, False), repeat=len(conditions)):
        world = dict(zip(conditions, choice, strict=True))
        run = _run(root, definition, values, loader, world, None)
        label = ", ".join(f"{c} is {str(v).lower()}" for c, v in world.items())
        models.append(_model(run, loader, all_revisions, label, root))
    return models


def _run(root: str, definition: ModuleDef, values: dict[str, Any], loader: Loader,
         world: dict[str, bool], collect: list[str] | None) -> Run:
    run = Run(loader, root, world, collect, MAX_WORLD_CONDITIONS, loader.downloads)
    Module(run, definition, [], None, values).everything()
    for source in run.instances:
        try:
            source.finish()
        except (EvalError, RecursionError) as exc:
            source.raw = {}
            run.unread.append((source.node, f"`{source.inst.address}` cannot be read: {exc}"))
    return run


def _has_batch(run: Run) -> bool:
    return any(s.inst.type in plan.BATCH_TYPES for s in run.instances) or any(
        node.type in plan.BATCH_TYPES for node, _ in run.unread)


def _model(run: Run, loader: Loader, all_revisions: bool, world: str = "",
           group: str = "") -> m.Model:
    index = SourceIndex([s for s in run.instances if s.raw is not None])
    shaped: list[Shaped] = []
    for source in run.instances:
        inst = source.inst
        kind = plan.BATCH_TYPES.get(inst.type) or plan.OTHER_KINDS.get(inst.type)
        if kind is None or inst.address not in index.instances:
            continue
        fields: dict[Pointer, Path] = {}
        reader = PartialReader(index, inst, fields)
        try:
            data = plan._SHAPES[inst.type](reader, index)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError):
            data, reader.unknown = plan._unread(kind, inst, "its values")
        names = [n for n in (inst.value(a) for a in plan._NAME_ATTRIBUTES)
                 if isinstance(n, str) and n]
        document = loader.documents[source.node.file.path]
        document.resources[inst.address] = (source.positions, fields,
                                            (source.node.block.line, source.node.block.column))
        shaped.append((source, inst.address, kind, data, reader.unknown, names))
    for node, why in run.unread:
        kind = plan.BATCH_TYPES.get(node.type) or plan.OTHER_KINDS.get(node.type)
        if kind is not None:
            name_field, fields_read = plan._UNREAD[kind]
            loader.documents[node.file.path].resources.setdefault(
                node.address, ({}, {}, (node.block.line, node.block.column)))
            shaped.append((None, node.address, kind, {name_field: node.address},
                           {(f,): why for f in fields_read}, []))
    builder = ModelBuilder()
    _network(builder, index, run, loader)
    return _build(builder, shaped, loader, all_revisions, world, group, run)


def _network(builder: ModelBuilder, index: SourceIndex, run: Run, loader: Loader) -> None:
    """The configuration's VPC resources, as a plan's (:mod:`tfplan_network`)."""
    if not plan.has_network(index):
        return
    from batchlint.loaders import tfplan_network as network

    sources = {s.inst.address: s for s in run.instances}

    def reader_for(inst: Instance) -> PartialReader:
        source, fields = sources[inst.address], dict[Pointer, Path]()
        loader.documents[source.node.file.path].resources[inst.address] = (
            source.positions, fields, (source.node.block.line, source.node.block.column))
        return PartialReader(index, inst, fields)

    try:
        found = network.shaped(index, reader_for)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError, EvalError):
        return
    network.into(builder, index, found, lambda inst: (
        loader.documents[sources[inst.address].node.file.path], ("resources", inst.address)))


def _build(builder: ModelBuilder, shaped: list[Shaped], loader: Loader, all_revisions: bool,
           world: str, group: str, run: Run) -> m.Model:
    arns = plan._environment_arns([(None, k, d, u, n) for _, _, k, d, u, n in shaped])  # type: ignore[misc]
    nodes = {n.address: n for n, _ in run.unread}
    for source, address, kind, data, unknown, names in shaped:
        node = source.node if source is not None else nodes[address]
        document = loader.documents[node.file.path]
        ignored = node.file.ignored(node.block)
        if isinstance(data.get("tags"), dict):  # a tag whose value apply decides: left out
            data["tags"] = {k: v for k, v in data["tags"].items() if isinstance(v, str)}
        if ignored and kind in plan.BATCH_TYPES.values():
            tags = dict(data.get("tags") or {})
            tags["batchlint:ignore"] = ",".join(filter(None, [tags.get("batchlint:ignore"),
                                                              *ignored]))
            data["tags"] = tags
        if kind == m.COMPUTE_ENVIRONMENT and node.file.ignore_changes(node.block):  # for BL108
            data["terraformIgnoreChanges"] = node.file.ignore_changes(node.block)
        aliases = tuple(dict.fromkeys([*names, *(a for n in names for a in arns.get(n, ()))]))
        pointer = ("resources", address)
        try:
            builder.add(document, kind, pointer, data, unknown=unknown, aliases=aliases)
        except InputError:  # a value of a type the API never gives: this resource only
            name_field, fields_read = plan._UNREAD[kind]
            why = f"the values of `{address}` have a shape batchlint does not read"
            builder.add(document, kind, pointer, {name_field: address},
                        unknown={(f,): why for f in fields_read}, aliases=aliases)
    return builder.build(all_revisions, world=world, group=group)
