"""Files → one model. Loaders never import rules."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from batchlint.errors import InputError
from batchlint.fileio import DEFAULT_LIMITS, Limits, describe_size, read_text
from batchlint.loaders import awscli, detect, snapshot, walk
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.model import Model


@dataclass
class Loaded:
    model: Model  # the one view of every snapshot and raw AWS CLI file
    documents: dict[str, Document] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # each template is a view of its own: its logical IDs mean nothing to another template
    templates: list[Model] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # live accounts/regions not read

    @property
    def models(self) -> list[Model]:
        return [self.model, *self.templates]

    def release(self) -> None:
        """Drop the models and the parsed JSON once rules have run (a 30 MiB snapshot parses
        to ~110 MiB); positions are found in the text. Templates keep theirs, as their
        positions are looked up through it."""
        self.model = Model()
        self.templates = []
        for doc in self.documents.values():
            if doc.positions is None and type(doc) is Document:
                doc.data = None


def load_files(paths: list[str], all_revisions: bool = False,
               limits: Limits = DEFAULT_LIMITS, var_files: list[str] | None = None) -> Loaded:
    """Read every file into one view; files that are not Batch configuration become notes.
    A directory is walked (see :mod:`batchlint.loaders.walk`); what it holds that is not
    Batch configuration is counted in one note."""
    builder = ModelBuilder()
    documents: dict[str, Document] = {}
    notes: list[str] = []
    iam_lists: dict[str, set[str]] = {}
    templates: list[Model] = []
    paths, walks = _expand(paths, notes)
    walked = {path: found for found in walks for path in found.files}
    skipped: dict[str, list[int]] = {found.root: [0, 0] for found in walks}
    terraform_source = [p for p in paths if detect.is_terraform_source(p)]
    if terraform_source:  # .tf files and directories: read as the modules they form
        from batchlint.loaders import tfsource

        models, tf_documents, tf_notes = tfsource.load(terraform_source, var_files,
                                                       all_revisions, limits)
        templates += models
        documents.update(tf_documents)
        notes += tf_notes
    for path in paths:
        if path in documents or path in terraform_source:
            continue
        try:
            doc = read_document(path, limits)
        except InputError as exc:
            if path not in walked:
                raise
            notes.append(f"skipped {exc}")  # a broken file among others: named, not fatal
            skipped[walked[path].root][1] += 1
            continue
        if snapshot.recognises(doc.data):
            snapshot.load(doc, builder)
        elif awscli.recognises(doc.data):
            awscli.load(doc, builder, iam_lists)
        elif detect.is_terraform_plan(doc.data):
            from batchlint.loaders import terraform
            from batchlint.loaders.tfplan_positions import PlanDocument

            doc = PlanDocument(doc.path, doc.text, doc.data, doc.positions)
            plan = ModelBuilder()
            if not terraform.load(doc, plan):
                notes.append(f"skipped {path}: a Terraform plan without AWS Batch resources")
                continue
            templates.append(plan.build(all_revisions))
        elif detect.is_cloudformation(doc.data):
            from batchlint.loaders import cloudformation

            doc = cloudformation.TemplateDocument(doc.path, doc.text, doc.data, doc.positions)
            worlds = cloudformation.load(doc, all_revisions)
            if not worlds:
                notes.append(f"skipped {path}: a CloudFormation template without AWS Batch "
                             "resources")
                continue
            templates.extend(worlds)
        elif path in walked:  # counted, in the walk's one line
            skipped[walked[path].root][0] += 1
            continue
        else:
            notes.append(f"skipped {path}: not AWS Batch configuration")
            continue
        documents[doc.path] = doc
    for found in walks:
        line = found.summary(*skipped[found.root])
        if line:
            notes.append(line)
    awscli.finish(builder, iam_lists)
    return Loaded(builder.build(all_revisions), documents, notes, templates)


def _expand(paths: list[str], notes: list[str]) -> tuple[list[str], list[walk.Walk]]:
    """Directories as the files they hold: the readable ones, and the directory itself
    when it holds Terraform source (whose loader reads its modules)."""
    out: list[str] = []
    walks = []
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            out.append(path)
            continue
        found = walk.walk(path)
        walks.append(found)
        if found.terraform:
            out.append(path)
        elif not found.files:
            notes.append(f"skipped {path}: a directory without Terraform files or "
                         f"{', '.join('*' + s for s in walk.READ_SUFFIXES)} files")
        out += found.files
    return list(dict.fromkeys(out)), walks


LIVE = "(live AWS)"  # the label of a live scan's data; it has no file and no positions


def load_live(data: dict[str, object], notes: list[str], all_revisions: bool = False,
              failures: list[str] | None = None) -> Loaded:
    """A live collection, in the snapshot shape, as a model; findings carry no location."""
    builder = ModelBuilder()
    snapshot.load(Document(LIVE, "", data), builder)
    return Loaded(builder.build(all_revisions), {}, list(notes), failures=list(failures or []))


STDIN = "<stdin>"  # the document's name when `-` is given


def read_document(path: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    if path == "-":
        path, text = STDIN, read_stdin(limits)
        yaml = not text.lstrip().startswith(("{", "["))  # one JSON or YAML document
    else:
        text = read_text(path, limits)
        yaml = path.lower().endswith((".yaml", ".yml", ".template"))
    if not text.strip():
        raise InputError(path, "empty file" if path != STDIN else "nothing on standard input")
    if yaml:
        from batchlint.loaders.yamlpos import load_yaml

        data, positions, problems = load_yaml(path, text, limits)
        if problems and detect.is_cloudformation(data):
            raise problems[0]  # what CloudFormation itself would reject
        return Document(path, text, data, positions)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _too_deep(path, limits) from None
    except ValueError:  # an integer of more than 4300 digits (Python's conversion limit)
        raise InputError(path, "invalid JSON: a number is too long to read") from None
    if _depth_over(data, limits.max_depth):
        raise _too_deep(path, limits)
    return Document(path, text, data)


def read_stdin(limits: Limits = DEFAULT_LIMITS) -> str:
    """Standard input as text, within the size limit."""
    stream = sys.stdin
    text = stream.read(limits.max_file_size + 1)
    if len(text) > limits.max_file_size:
        raise InputError(STDIN, f"larger than the {describe_size(limits.max_file_size)} limit "
                                "for one file (raise it with --max-file-size)")
    return text


def _too_deep(path: str, limits: Limits) -> InputError:
    return InputError(path, f"nested more than {limits.max_depth} levels deep (raise the "
                            "limit with --max-depth)")


def _depth_over(data: object, limit: int) -> bool:
    """Whether objects and lists nest more than ``limit`` deep; without recursion, as
    everything downstream would recurse (a 30 MiB snapshot: 0.15 s)."""
    if type(data) not in (dict, list):
        return False
    stack: list[tuple[object, int]] = [(data, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        children = value.values() if type(value) is dict else value
        assert isinstance(children, Iterable)
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                if depth >= limit:
                    return True
                push((child, depth + 1))
    return limit < 1
