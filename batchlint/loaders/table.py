"""The loaders, in one table: what each input kind is recognised by, and how it is read.

A document loader gets every parsed file (JSON or YAML) in turn: the first whose
``recognises(path, data)`` says yes reads it with ``load(doc, session)``, adding its
resources to the session (the one shared view of snapshots and CLI files, or a view of
its own per template and plan) and answering a note when the file holds nothing for
batchlint. A source loader reads paths before they are parsed (Terraform source
directories, whose files are read as the modules they form). Adding an input kind is one
module and one entry here; the loader's module is imported only for its own files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from batchlint.fileio import DEFAULT_LIMITS, Limits
from batchlint.loaders import detect
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.model import Json, Model


@dataclass
class Session:
    """What the loaders of one scan read into."""

    all_revisions: bool = False
    limits: Limits = DEFAULT_LIMITS
    var_files: list[str] = field(default_factory=list)
    builder: ModelBuilder = field(default_factory=ModelBuilder)  # snapshots and CLI files
    views: list[Model] = field(default_factory=list)  # one per template or plan (and world)
    documents: dict[str, Document] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    iam_lists: dict[str, set[str]] = field(default_factory=dict)  # CLI files: IAM lists seen


@dataclass(frozen=True)
class DocumentLoader:
    name: str
    recognises: Callable[[str, Json], bool]  # (path, parsed data)
    # reads the document into the session; a note when it holds nothing batchlint reads
    load: Callable[[Document, Session], str | None]
    finish: Callable[[Session], None] | None = None  # once every file is read


@dataclass(frozen=True)
class SourceLoader:
    name: str
    recognises: Callable[[str], bool]  # a path, before anything is parsed
    load: Callable[[list[str], Session], None]  # every recognised path at once


# the snapshot and AWS CLI readers are imported at the first document a scan parses (a
# scan of Terraform source alone parses none)
def _is_snapshot(_: str, data: Json) -> bool:
    from batchlint.loaders import snapshot

    return snapshot.recognises(data)


def _snapshot(doc: Document, session: Session) -> None:
    from batchlint.loaders import snapshot

    snapshot.load(doc, session.builder)


def _is_awscli(_: str, data: Json) -> bool:
    from batchlint.loaders import awscli

    return awscli.recognises(data)


def _awscli(doc: Document, session: Session) -> None:
    from batchlint.loaders import awscli

    awscli.load(doc, session.builder, session.iam_lists)


def _awscli_finish(session: Session) -> None:
    from batchlint.loaders import awscli

    awscli.finish(session.builder, session.iam_lists)


def _terraform_plan(doc: Document, session: Session) -> str | None:
    from batchlint.loaders import terraform
    from batchlint.loaders.tfplan_positions import PlanDocument

    plan = ModelBuilder()
    if not terraform.load(doc.retyped(PlanDocument), plan):
        return "a Terraform plan without AWS Batch resources"
    session.views.append(plan.build(session.all_revisions))
    return None


def _cloudformation(doc: Document, session: Session) -> str | None:
    from batchlint.loaders import cloudformation

    worlds = cloudformation.load(doc.retyped(cloudformation.TemplateDocument),
                                 session.all_revisions)
    if not worlds:
        return "a CloudFormation template without AWS Batch resources"
    session.views.extend(worlds)
    return None


def _terraform_source(paths: list[str], session: Session) -> None:
    from batchlint.loaders import tfsource

    models, documents, notes = tfsource.load(paths, session.var_files, session.all_revisions,
                                             session.limits)
    session.views += models
    session.documents.update(documents)
    session.notes += notes


SOURCE_LOADERS: tuple[SourceLoader, ...] = (
    SourceLoader("terraform-source", detect.is_terraform_source, _terraform_source),
)
DOCUMENT_LOADERS: tuple[DocumentLoader, ...] = (
    DocumentLoader("snapshot", _is_snapshot, _snapshot),
    DocumentLoader("aws-cli", _is_awscli, _awscli, _awscli_finish),
    DocumentLoader("terraform-plan", lambda _, data: detect.is_terraform_plan(data),
                   _terraform_plan),
    DocumentLoader("cloudformation", lambda _, data: detect.is_cloudformation(data),
                   _cloudformation),
)


def document_loader(path: str, data: Json) -> DocumentLoader | None:
    """The loader that reads this document, if any does."""
    return next((loader for loader in DOCUMENT_LOADERS if loader.recognises(path, data)), None)
