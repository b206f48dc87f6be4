"""Files → models: each path is read by the loader that recognises it (see
:mod:`batchlint.loaders.table`). Loaders never import rules or the engine."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from batchlint.errors import InputError
from batchlint.fileio import DEFAULT_LIMITS, Limits, decode, describe_size, read_at_most, read_text
from batchlint.loaders import detect, walk
from batchlint.loaders.builder import Document, ModelBuilder
from batchlint.loaders.table import SOURCE_LOADERS, DocumentLoader, Session, document_loader
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


def load_files(paths: list[str], all_revisions: bool = False,
               limits: Limits = DEFAULT_LIMITS, var_files: list[str] | None = None) -> Loaded:
    """Read every file into one view; files that are not Batch configuration become notes.
    A directory is walked (see :mod:`batchlint.loaders.walk`); what it holds that is not
    Batch configuration is counted in one note. Which loader reads what is
    :mod:`batchlint.loaders.table`'s."""
    session = Session(all_revisions, limits, list(var_files or []))
    paths, walks = _expand(paths, session.notes)
    walked = {path: found for found in walks for path in found.files}
    skipped: dict[str, list[int]] = {found.root: [0, 0] for found in walks}
    taken: set[str] = set()
    for source in SOURCE_LOADERS:  # paths read before parsing (Terraform modules)
        mine = [p for p in paths if p not in taken and source.recognises(p)]
        if mine:
            source.load(mine, session)
            taken.update(mine)
    used: list[DocumentLoader] = []
    for path in paths:
        if path in session.documents or path in taken:
            continue
        try:
            doc = read_document(path, limits)
        except InputError as exc:
            if path not in walked:
                raise
            session.notes.append(f"skipped {exc}")  # a broken file among others: not fatal
            skipped[walked[path].root][1] += 1
            continue
        loader = document_loader(doc.path, doc.data)
        if loader is None:
            if path in walked:  # counted, in the walk's one line
                skipped[walked[path].root][0] += 1
            else:
                session.notes.append(f"skipped {path}: not AWS Batch configuration")
            continue
        empty = loader.load(doc, session)
        if empty:
            session.notes.append(f"skipped {path}: {empty}")
            continue
        session.documents[doc.path] = doc
        session.notes += doc.notes
        if loader not in used:
            used.append(loader)
    for found in walks:
        line = found.summary(*skipped[found.root])
        if line:
            session.notes.append(line)
    for loader in used:
        if loader.finish is not None:
            loader.finish(session)
    return Loaded(session.builder.build(all_revisions), session.documents, session.notes,
                  session.views)


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
    from batchlint.loaders import snapshot

    builder = ModelBuilder()
    snapshot.load(Document(LIVE, "", data), builder)
    builder.locators.clear()  # live data has no file: its findings have no location
    return Loaded(builder.build(all_revisions), {}, list(notes), failures=list(failures or []))


STDIN = "<stdin>"  # the document's name when `-` is given


def read_document(path: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A file (``-``: standard input) parsed by the syntax its name, or its text, names."""
    if path == "-":
        path, text = STDIN, read_stdin(limits)
        syntax = next(s for s in SYNTAXES if s.claims_text(text))  # one JSON or YAML document
    else:
        text = read_text(path, limits)
        syntax = next((s for s in SYNTAXES if s.suffixes and path.lower().endswith(s.suffixes)),
                      SYNTAXES[-1])
    if not text.strip():
        raise InputError(path, "empty file" if path != STDIN else "nothing on standard input")
    return syntax.parse(path, text, limits)


def _parse_yaml(path: str, text: str, limits: Limits) -> Document:
    from batchlint.loaders.yamlpos import DuplicateKey, load_yaml

    data, positions, problems = load_yaml(path, text, limits)
    doc = Document(path, text, data, positions)
    if problems and detect.is_cloudformation(data):
        for problem in problems:  # what CloudFormation itself would reject
            if not isinstance(problem, DuplicateKey):
                raise problem
        doc.notes = [f"{key}: CloudFormation keeps the last value, and so does batchlint"
                     for key in problems]
    return doc


def _parse_json(path: str, text: str, limits: Limits) -> Document:
    from batchlint.jsonpos import read_json  # not for a scan of Terraform source alone

    data, offsets = read_json(path, text, limits.max_depth)
    return Document(path, text, data, offsets=offsets)


@dataclass(frozen=True)
class Syntax:
    """How a file is parsed: the names it is chosen by, and the parser, which gives the
    document its locator (YAML marks, JSON offsets)."""

    suffixes: tuple[str, ...]  # (): the last syntax, for any other name
    claims_text: Callable[[str], bool]  # standard input, by its text
    parse: Callable[[str, str, Limits], Document]


SYNTAXES = (
    Syntax((".yaml", ".yml", ".template"),
           lambda text: not text.lstrip().startswith(("{", "[")), _parse_yaml),
    Syntax((), lambda _: True, _parse_json),
)


def read_stdin(limits: Limits = DEFAULT_LIMITS) -> str:
    """Standard input as text, within the size limit, decoded as a file is (binary data or
    a byte that is not UTF-8 is the same one-line error)."""
    stream = getattr(sys.stdin, "buffer", None)  # None when closed (`<&-`)
    if stream is None:
        raise InputError(STDIN, "cannot read: standard input is closed")
    try:
        raw = read_at_most(stream, limits.max_file_size + 1)
    except (OSError, ValueError) as exc:  # a directory (`< /`), a closed stream
        raise InputError(STDIN, f"cannot read: {getattr(exc, 'strerror', None) or exc}"
                         ) from None
    if len(raw) > limits.max_file_size:
        raise InputError(STDIN, f"larger than the {describe_size(limits.max_file_size)} limit "
                                "for one file (raise it with --max-file-size)")
    return decode(STDIN, raw)

