"""Project configuration: ``.batchlint.toml``, else ``[tool.batchlint]`` in ``pyproject.toml``.

```toml
select = ["BL1", "BL301"]
ignore = ["BL109"]
fail-on = "error"
strict = false
rules-dir = ["ci/batch-rules"]

[rules.BL103]              # or [rules.small-node-disk]
severity = "error"
min_node_disk_gib = 100
```

The first of those files found in the current folder or a parent is used.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from batchlint.errors import BatchlintError
from batchlint.rule import SEVERITIES, Rule

if TYPE_CHECKING:  # imported only when a config file is read (load_config)
    from batchlint.excludes import Exclude

FAIL_ON = (*SEVERITIES, "never")
_KEYS = {"select", "ignore", "fail-on", "strict", "rules-dir", "rules", "exclude"}


@dataclass(frozen=True)
class Config:
    path: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    strict: bool | None = None
    rules_dirs: tuple[str, ...] = ()
    rule_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    excludes: tuple[Exclude, ...] = ()


def find_config(start: str | None = None) -> str | None:
    folder = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, ".batchlint.toml")
        if os.path.isfile(candidate):
            return candidate
        pyproject = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(pyproject) and _pyproject_section(pyproject) is not None:
            return pyproject
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_config(path: str | None) -> Config:
    if path is None:
        return Config()
    if not os.path.isfile(path):
        raise BatchlintError(f"{path}: config file not found")
    data = _read_toml(path)
    if os.path.basename(path) == "pyproject.toml":
        data = _pyproject_section(path) or {}
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise BatchlintError(f"{path}: unknown setting(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(_KEYS))}")
    base = os.path.dirname(os.path.abspath(path))
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise BatchlintError(f"{path}: fail-on must be one of {', '.join(FAIL_ON)}")
    strict = data.get("strict")
    if strict is not None and not isinstance(strict, bool):
        raise BatchlintError(f"{path}: strict must be true or false")
    rules = data.get("rules", {})
    if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
        raise BatchlintError(f"{path}: [rules.<id or name>] entries must be tables")
    select = data.get("select")
    from batchlint.excludes import parse_excludes

    return Config(
        path=path,
        select=None if select is None else _strings(path, "select", select),
        ignore=_strings(path, "ignore", data.get("ignore", [])),
        fail_on=fail_on,
        strict=strict,
        rules_dirs=tuple(os.path.join(base, d)
                         for d in _strings(path, "rules-dir", data.get("rules-dir", []))),
        rule_settings=rules,
        excludes=parse_excludes(path, data.get("exclude", [])),
    )


def _pyproject_section(path: str) -> dict[str, Any] | None:
    """``[tool.batchlint]`` of a pyproject.toml; None when it has none. A ``tool`` or
    ``tool.batchlint`` that is not a table is an error, as ruff's for ``tool.ruff``: the
    file is not a valid pyproject.toml, and a setting in it may be meant for batchlint."""
    tool = _read_toml(path).get("tool", {})
    if not isinstance(tool, dict):
        raise BatchlintError(f"{path}: tool must be a table ([tool]), not {_toml_type(tool)}")
    section = tool.get("batchlint")
    if section is not None and not isinstance(section, dict):
        raise BatchlintError(f"{path}: tool.batchlint must be a table ([tool.batchlint]), "
                             f"not {_toml_type(section)}")
    return section


def _toml_type(value: Any) -> str:
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a float"),
                       (str, "a string"), (list, "an array")):
        if isinstance(value, kind):
            return name
    return "a date or time"


def _read_toml(path: str) -> dict[str, Any]:
    import tomllib

    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BatchlintError(f"{path}: not UTF-8 text (undecodable byte at offset "
                             f"{exc.start}); TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise BatchlintError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise BatchlintError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _strings(path: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BatchlintError(f"{path}: {key} must be a list of strings")
    return tuple(v.strip() for v in value)


def split_selectors(text: str | None) -> tuple[str, ...] | None:
    """``--select BL1,BL301`` → ("BL1", "BL301")."""
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def matches(selector: str, rule: Rule, prefixes: bool = True) -> bool:
    sel = selector.strip()
    if sel.lower() == rule.name or sel.upper() == rule.id:
        return True
    return prefixes and sel.upper().startswith("BL") and rule.id.startswith(sel.upper())


def choose_rules(rules: list[Rule], select: Iterable[str] | None,
                 ignore: Iterable[str]) -> list[Rule]:
    """ruff-like selection: prefixes pick rules that are on by default; an exact id or
    name also turns on a rule that is off by default."""
    select = None if select is None else list(select)
    ignore = list(ignore)
    for selector in [*(select or []), *ignore]:
        if not any(matches(selector, rule) for rule in rules):
            raise BatchlintError(f"unknown rule selector {selector!r} (see 'batchlint rules')")
    chosen = []
    for rule in rules:
        if select is None:
            picked = rule.enabled_by_default
        else:
            picked = any(matches(s, rule, prefixes=False) for s in select) or (
                rule.enabled_by_default and any(matches(s, rule) for s in select))
        if picked and not any(matches(s, rule) for s in ignore):
            chosen.append(rule)
    return chosen


def settings_for(rule: Rule, config: Config) -> tuple[str, dict[str, Any]]:
    """(severity, option overrides) that the config sets for ``rule``; checked."""
    settings: dict[str, Any] = {}
    for key in (rule.id, rule.name):
        settings.update(config.rule_settings.get(key, {}))
    severity = settings.pop("severity", rule.severity)
    where = config.path or "config"
    if severity not in SEVERITIES:
        raise BatchlintError(f"{where}: [rules.{rule.id}] severity must be one of "
                             f"{', '.join(SEVERITIES)}")
    for name, value in settings.items():
        option = rule.options.get(name)
        if option is None:
            known = ", ".join(sorted(rule.options)) or "none"
            raise BatchlintError(f"{where}: rule {rule.id} has no option {name!r} "
                                 f"(its options: {known})")
        if not _fits(value, option.default):
            raise BatchlintError(f"{where}: option {name} of rule {rule.id} must be of type "
                                 f"{type(option.default).__name__}")
    return severity, settings


def _fits(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))


def unknown_rule_settings(rules: list[Rule], config: Config) -> list[str]:
    known = {r.id for r in rules} | {r.name for r in rules}
    return sorted(k for k in config.rule_settings if k not in known)
