"""Property-based tests: no input file makes batchlint crash (random JSON and bytes,
recognised keys, AWS CLI outputs with odd values, several files in one view, the CLI
in-process). The strategies and the pipeline are in :mod:`tests.fuzzing`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchlint.loaders import awscli

from .fuzzing import (
    CASE_DOCS,
    FUZZ,
    Json,
    encode,
    encodings,
    json_values,
    lint,
    mutated_documents,
    raw_documents,
    scan_cli,
    snapshots,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(doc=json_values, how=encodings)
def test_any_json(workdir: Path, doc: Json, how: str) -> None:
    lint(workdir / "any.json", encode(doc, how))


@FUZZ
@given(data=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(
    lambda s: s.encode("utf-8", "surrogatepass"))))
def test_any_bytes(workdir: Path, data: bytes) -> None:
    lint(workdir / "bytes.json", data)


@FUZZ
@given(doc=st.dictionaries(st.sampled_from([*awscli.KEYS, "batchlint_snapshot"]), json_values,
                           min_size=1, max_size=4), how=encodings)
def test_recognised_keys_with_random_values(workdir: Path, doc: Json, how: str) -> None:
    lint(workdir / "keys.json", encode(doc, how))


@FUZZ
@given(doc=raw_documents(odd=False), how=encodings)
def test_cli_outputs_of_odd_resources(workdir: Path, doc: Json, how: str) -> None:
    lint(workdir / "raw.json", encode(doc, how))


@settings(FUZZ, max_examples=200)
@given(docs=st.lists(st.one_of(raw_documents(odd=False), snapshots(odd=False),
                               mutated_documents() if CASE_DOCS else st.nothing()),
                     min_size=2, max_size=3),
       all_revisions=st.booleans())
def test_several_files_in_one_view(workdir: Path, docs: list[Json],
                                   all_revisions: bool) -> None:
    """The same resources from several files merge into one; lookups cross files."""
    files = [(workdir / f"part{i}.json", encode(doc, "compact")) for i, doc in enumerate(docs)]
    lint(*files[0], *files[1:], all_revisions=all_revisions)


@pytest.mark.parametrize("depth", [50, 300, 700, 5000])
def test_deep_nesting(workdir: Path, depth: int) -> None:
    """Deeply nested values inside a resource, and a document nested past the parser's limit."""
    deep: Json = "bottom"
    for i in range(depth):
        deep = [deep] if i % 2 else {"computeResources": deep}
    for doc in (
        {"computeEnvironments": [{"computeEnvironmentName": "deep", "type": "MANAGED",
                                  "computeResources": {"subnets": deep}, "deep": deep}]},
        {"jobDefinitions": [{"jobDefinitionName": "deep", "containerProperties": {
            "environment": [{"name": "PASSWORD", "value": deep}], "secrets": deep}}]},
    ):
        try:
            data = json.dumps(doc).encode()
        except RecursionError:
            data = b'{"computeEnvironments": ' + b"[" * depth + b"]" * depth + b"}"
        lint(workdir / "deep.json", data)


def test_huge_numbers(workdir: Path) -> None:
    """Integers longer than Python's 4300-digit conversion limit are input errors."""
    data = ('{"computeEnvironments": [{"computeEnvironmentName": "big", '
            f'"computeResources": {{"maxvCpus": {"9" * 5000}}}}}]}}').encode()
    scan_cli(workdir, data, "json", "warning")
    lint(workdir / "huge.json", data)


@settings(FUZZ, max_examples=60)
@given(doc=st.one_of(raw_documents(odd=False), snapshots(odd=False),
                     mutated_documents() if CASE_DOCS else raw_documents(odd=True)),
       how=encodings, output_format=st.sampled_from(["text", "json"]),
       fail_on=st.sampled_from(["error", "warning", "note", "never"]))
def test_cli(workdir: Path, doc: Json, how: str, output_format: str, fail_on: str) -> None:
    scan_cli(workdir, encode(doc, how), output_format, fail_on)


def test_unencodable_name(workdir: Path) -> None:
    """A lone surrogate (the valid JSON escape "\\ud800") in a name that a finding prints."""
    doc = {"computeEnvironments": [{"computeEnvironmentName": "legacy-\ud800",
                                    "type": "UNMANAGED"}]}
    data = json.dumps(doc).encode()
    scan_cli(workdir, data, "text", "note")
    scan_cli(workdir, data, "text", "note", "--output", str(workdir / "report.txt"))
    assert "legacy-\\ud800" in (workdir / "report.txt").read_text(encoding="utf-8")
    lint(workdir / "unencodable.json", data)
