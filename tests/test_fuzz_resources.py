"""Property-based tests, continued: ill-typed AWS CLI outputs, snapshots of odd and
ill-typed resources, and mutated rule case files (split from ``test_fuzz.py`` so the
two halves run side by side). The strategies and the pipeline are in :mod:`tests.fuzzing`."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .fuzzing import (
    CASE_DOCS,
    FUZZ,
    Json,
    encode,
    encodings,
    lint,
    mutated_documents,
    raw_documents,
    snapshots,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(doc=raw_documents(odd=True), how=encodings)
def test_cli_outputs_of_ill_typed_resources(workdir: Path, doc: Json, how: str) -> None:
    lint(workdir / "raw-ill-typed.json", encode(doc, how))


@FUZZ
@given(doc=snapshots(odd=False), how=encodings)
def test_snapshots_of_odd_resources(workdir: Path, doc: Json, how: str) -> None:
    lint(workdir / "snapshot.json", encode(doc, how))


@FUZZ
@given(doc=snapshots(odd=True), how=encodings)
def test_snapshots_of_ill_typed_resources(workdir: Path, doc: Json, how: str) -> None:
    lint(workdir / "snapshot-ill-typed.json", encode(doc, how))


@pytest.mark.skipif(not CASE_DOCS, reason="no rule case files yet")
@settings(FUZZ, max_examples=1000)
@given(doc=mutated_documents() if CASE_DOCS else st.nothing(), how=encodings,
       all_revisions=st.booleans())
def test_mutated_case_files(workdir: Path, doc: Json, how: str, all_revisions: bool) -> None:
    lint(workdir / "mutated.json", encode(doc, how), all_revisions=all_revisions)
