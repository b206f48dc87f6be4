"""Files → one model. Loaders never import rules."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from batchlint.errors import InputError
from batchlint.loaders import awscli, detect, snapshot
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


def load_files(paths: list[str], all_revisions: bool = False) -> Loaded:
    """Read every file into one view; files that are not Batch configuration become notes."""
    builder = ModelBuilder()
    documents: dict[str, Document] = {}
    notes: list[str] = []
    iam_lists: dict[str, set[str]] = {}
    templates: list[Model] = []
    for path in paths:
        if path in documents:
            continue
        doc = read_document(path)
        if snapshot.recognises(doc.data):
            snapshot.load(doc, builder)
        elif awscli.recognises(doc.data):
            awscli.load(doc, builder, iam_lists)
        elif detect.is_terraform_plan(doc.data):
            from batchlint.loaders import terraform

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
        else:
            notes.append(f"skipped {path}: not AWS Batch configuration")
            continue
        documents[path] = doc
    awscli.finish(builder, iam_lists)
    return Loaded(builder.build(all_revisions), documents, notes, templates)


LIVE = "(live AWS)"  # the label of a live scan's data; it has no file and no positions


def load_live(data: dict[str, object], notes: list[str], all_revisions: bool = False,
              failures: list[str] | None = None) -> Loaded:
    """A live collection, in the snapshot shape, as a model; findings carry no location."""
    builder = ModelBuilder()
    snapshot.load(Document(LIVE, "", data), builder)
    return Loaded(builder.build(all_revisions), {}, list(notes), failures=list(failures or []))


def read_document(path: str) -> Document:
    text = read_text(path)
    if not text.strip():
        raise InputError(path, "empty file")
    if path.lower().endswith((".yaml", ".yml", ".template")):
        from batchlint.loaders.yamlpos import load_yaml

        data, positions, problems = load_yaml(path, text)
        if problems and detect.is_cloudformation(data):
            raise problems[0]  # what CloudFormation itself would reject
        return Document(path, text, data, positions)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise InputError(path, "invalid JSON: nested too deeply") from None
    except ValueError:  # an integer of more than 4300 digits (Python's conversion limit)
        raise InputError(path, "invalid JSON: a number is too long to read") from None
    return Document(path, text, data)


def read_text(path: str) -> str:
    if os.path.isdir(path):
        raise InputError(path, "is a directory; pass the files in it (for example "
                               f"{os.path.join(path, '*.json')})")
    try:
        with open(path, "rb") as fh:
            encoding = _encoding(fh.read(2))
        # decoded while read, so a large file is never held as bytes and text at once
        with open(path, encoding=encoding, newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except UnicodeDecodeError:
        with open(path, "rb") as fh:
            return decode(path, fh.read())  # raises, naming the byte offset
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def _encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM as PowerShell redirection writes it."""
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def decode(path: str, raw: bytes) -> str:
    encoding = _encoding(raw[:2])
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not {encoding.replace('-sig', '').upper()} text "
                               f"(undecodable byte at offset {exc.start})") from None
