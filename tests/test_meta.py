"""Meta-tests: every built-in rule is complete, tested and documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from batchlint.catalog import readme_table
from batchlint.registry import builtin_rules_dir, load_rules
from batchlint.rule import DOC_SECTIONS, Rule

from .conftest import EXAMPLES, REPO

BUILTIN = [r for r in load_rules(entry_points=False)]
CASES = REPO / "tests" / "rules" / "cases"


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule: Rule) -> None:
    assert not rule.id.startswith("BL9"), "BL900-BL999 are left to users"
    assert rule.tags, "tags"
    assert rule.references and all(u.startswith("https://") for u in rule.references)
    assert any("docs.aws.amazon.com" in u for u in rule.references), "an AWS documentation link"
    assert "\n" not in rule.summary and len(rule.summary) < 160
    file = Path(rule.source).name
    assert re.fullmatch(rf"{rule.id.lower()}_{rule.name.replace('-', '_')}\.(py|toml)", file)
    for name, option in rule.options.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name) and option.description


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_rule_doc_has_the_sections_in_order(rule: Rule) -> None:
    headings = re.findall(r"^## (.+)$", rule.doc, re.MULTILINE)
    assert headings == list(DOC_SECTIONS)
    sections = re.split(r"^## .+$", rule.doc, flags=re.MULTILINE)[1:]
    assert all(s.strip() for s in sections), "no empty section"
    assert "docs.aws.amazon.com" in sections[-1]


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.id)
def test_rule_has_pass_and_fail_cases_with_expectations(rule: Rule) -> None:
    folder = CASES / rule.id.lower()
    names = {p.name for p in folder.glob("*.json")}
    assert any(n.startswith("pass") for n in names), "a pass case"
    assert any(n.startswith("fail") for n in names), "a fail case"
    expected = json.loads((folder / "expected.json").read_text())
    cases = {n for n in names if n != "expected.json"}
    assert cases <= set(expected), f"expected.json lacks {sorted(cases - set(expected))}"


def test_builtin_rules_are_the_rules_folder() -> None:
    files = {p.name for p in Path(builtin_rules_dir()).iterdir()
             if p.suffix in (".py", ".toml") and p.name != "__init__.py"}
    assert files == {Path(r.source).name for r in BUILTIN}
    assert Path(builtin_rules_dir()).resolve() == (REPO / "rules").resolve()


def test_readme_rule_table_is_current() -> None:
    readme = (REPO / "README.md").read_text()
    assert readme_table(BUILTIN) in readme, "run `python -m batchlint.catalog`"


def _readme_blocks() -> dict[str, str]:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```(?:toml|python)\n# (my-rules/\S+)\n(.*?)```", readme, re.DOTALL)
    return {name: body for name, body in blocks}


def test_readme_custom_rule_examples_work(tmp_path: Path, cli) -> None:
    blocks = _readme_blocks()
    assert set(blocks) == {"my-rules/bl910_spot_bid_too_low.toml",
                           "my-rules/bl911_queue_needs_owner.py"}
    for name, body in blocks.items():
        target = tmp_path / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(body)
    files = sorted(str(p) for p in EXAMPLES.glob("*.json"))
    result = cli("scan", *files, "--rules-dir", str(tmp_path / "my-rules"),
                 "--select", "BL910,BL911", "--format", "json")
    found = {(f["rule_id"], f["resource"]["name"]) for f in json.loads(result.stdout)["findings"]}
    assert ("BL911", "genomics") in found
    assert not any(rule == "BL910" for rule, _ in found)  # the example bids 100%
