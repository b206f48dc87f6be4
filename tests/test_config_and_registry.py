"""Configuration and rule loading: every mistake a user can make is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchlint.config import choose_rules, find_config, load_config, settings_for
from batchlint.errors import BatchlintError
from batchlint.registry import load_rules

RULES = load_rules(entry_points=False)


def _config(tmp_path: Path, text: str, name: str = ".batchlint.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(("text", "message"), [
    ("select = [", "invalid TOML: "),
    ('fail-on = "sometimes"', "fail-on must be one of note, warning, error, never"),
    ('strict = "yes"', "strict must be true or false"),
    ("rules = 3", "[rules.<id or name>] entries must be tables"),
    ("select = [1, 2]", "select must be a list of strings"),
    ("ignore = 3", "ignore must be a list of strings"),
])
def test_config_errors(tmp_path: Path, text: str, message: str) -> None:
    path = _config(tmp_path, text)
    with pytest.raises(BatchlintError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_config_values_and_discovery(tmp_path: Path) -> None:
    path = _config(tmp_path, 'select = "BL1, BL301"\nrules-dir = ["mine"]\nstrict = true\n')
    config = load_config(path)
    assert config.select == ("BL1", "BL301")
    assert config.rules_dirs == (str(tmp_path / "mine"),)
    assert config.strict is True
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(str(nested)) == path
    with pytest.raises(BatchlintError, match="config file not found"):
        load_config(str(tmp_path / "missing.toml"))


def test_pyproject_without_batchlint_section_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n')
    assert find_config(str(tmp_path)) in (None, *[str(p / ".batchlint.toml")
                                                 for p in tmp_path.parents])


def test_rule_settings_are_checked(tmp_path: Path) -> None:
    bl103 = next(r for r in RULES if r.id == "BL103")
    ok = load_config(_config(tmp_path, "[rules.small-node-disk]\nmin_node_disk_gib = 80\n"))
    assert settings_for(bl103, ok) == ("warning", {"min_node_disk_gib": 80})
    bad_type = load_config(_config(tmp_path, '[rules.BL103]\nmin_node_disk_gib = "80"\n'))
    with pytest.raises(BatchlintError, match="option min_node_disk_gib of rule BL103 must be "
                                             "of type int"):
        settings_for(bl103, bad_type)
    bad_severity = load_config(_config(tmp_path, '[rules.BL103]\nseverity = "fatal"\n'))
    with pytest.raises(BatchlintError, match=r"\[rules.BL103\] severity must be one of"):
        settings_for(bl103, bad_severity)


def test_unknown_rule_in_config_is_refused(tmp_path: Path, cli, write_json) -> None:
    config = _config(tmp_path, "[rules.BL999]\nseverity = 'error'\n")
    result = cli("scan", write_json("x.json", {"jobQueues": []}), "--config", config)
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {config}: [rules.BL999] names no rule\n")


def test_selection_semantics() -> None:
    ids = lambda rules: {r.id for r in rules}  # noqa: E731
    default = ids(choose_rules(RULES, None, []))
    assert "BL109" not in default and "BL101" in default  # BL109 is off by default
    assert "BL109" not in ids(choose_rules(RULES, ["BL1"], []))
    assert "BL109" in ids(choose_rules(RULES, ["BL1", "cold-start-latency"], []))
    assert ids(choose_rules(RULES, ["BL2"], ["BL203"])) == {"BL201", "BL202"}
    assert ids(choose_rules(RULES, ["bl301"], [])) == {"BL301"}


@pytest.mark.parametrize(("files", "message"), [
    ({"x.py": "raise RuntimeError('boom')"}, "rule file failed to load: RuntimeError: boom"),
    ({"x.toml": "id = "}, "invalid TOML"),
    ({"x.toml": 'id = "BL950"\nname = "x"\n'}, "declarative rule lacks severity, kinds"),
    ({"x.toml": 'id = "BL950"\nname = "x"\nseverity = "note"\nkinds = ["job-queue"]\n'
                'summary = "s"\ncondition = "a"\nmessage = "m"\ndoc = "d"\nextra = 1\n'},
     "unknown key(s) extra in declarative rule"),
    ({"x.toml": 'id = "BL950"\nname = "x"\nseverity = "note"\nkinds = ["job-queue"]\n'
                'summary = "s"\ncondition = "a ==="\nmessage = "m"\ndoc = "d"\n'},
     "invalid jmespath expression"),
    ({"x.toml": 'id = "X1"\nname = "Bad Name"\nseverity = "fatal"\nkinds = ["job-queue"]\n'
                'summary = "s"\ncondition = "a"\nmessage = "m"\ndoc = "d"\n'},
     "id 'X1' is not of the form BLnnn; name 'Bad Name' is not kebab-case; "
     "severity 'fatal' is not one of note, warning, error"),
])
def test_broken_user_rules(tmp_path: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(BatchlintError) as err:
        load_rules([str(tmp_path)], entry_points=False)
    assert message in str(err.value)


_PYTHON_RULE = """
from batchlint.rule import Option, Rule

class Mine(Rule):
    id, name, summary, severity = "BL951", "mine", "s", "note"
    kinds = {kinds}
    tags = {tags}
    options = {options}

    def check(self, resource, ctx):
        return []
"""


@pytest.mark.parametrize(("kinds", "tags", "options", "message"), [
    ('("compute-enviroment",)', "()", "{}",
     "rule BL951: unknown kinds ['compute-enviroment'] (kinds: compute-environment, job-queue, "
     "job-definition, job)"),
    ('("job-queue",)', '("speed",)', "{}", "rule BL951: unknown tags ['speed']"),
    ('("job-queue",)', "()", '{"limit": 3}',
     "rule BL951: options must map names to Option(default, description)"),
])
def test_rule_metadata_is_checked_when_it_loads(tmp_path: Path, cli, write_json, kinds: str,
                                                tags: str, options: str, message: str) -> None:
    """A custom rule whose kinds are misspelt would load, never run and pass: refused."""
    rule = tmp_path / "rules" / "mine.py"
    rule.parent.mkdir()
    rule.write_text(_PYTHON_RULE.format(kinds=kinds, tags=tags, options=options))
    result = cli("scan", write_json("x.json", {"jobQueues": []}), "--rules-dir",
                 str(rule.parent))
    assert (result.exit_code, result.stderr) == (2, f"batchlint: error: {rule}: {message}\n")


def test_rules_dir_must_exist(tmp_path: Path, cli, write_json) -> None:
    result = cli("scan", write_json("x.json", {"jobQueues": []}),
                 "--rules-dir", str(tmp_path / "nope"))
    assert result.stderr == f"batchlint: error: {tmp_path / 'nope'}: --rules-dir is not a " \
                            "directory\n"
