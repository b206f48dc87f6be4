"""Finding rules: built-in ``rules/``, ``--rules-dir`` folders, ``batchlint.rules`` entry points.

All go through the same loader. A folder holds rule files: Python files that
define a :class:`~batchlint.rule.Rule` subclass, and declarative ``.toml``
files. Codes and names are checked, well-formed and unique, at load.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import types
from collections.abc import Iterable
from typing import Any

from batchlint.declarative import load_declarative
from batchlint.errors import BatchlintError
from batchlint.rule import Rule, doc_references, metadata_problems

ENTRY_POINT_GROUP = "batchlint.rules"


def builtin_rules_dir() -> str:
    """The built-in rules' folder (found by the import system, as importlib.resources
    would, without importing its readers and zipfile at every start)."""
    spec = importlib.util.find_spec("batchlint.builtin_rules")
    locations = spec.submodule_search_locations if spec is not None else None
    if locations:
        return str(next(iter(locations)))
    from importlib import resources

    return str(resources.files("batchlint.builtin_rules"))


def load_rules(rules_dirs: Iterable[str] = (), entry_points: bool = True) -> list[Rule]:
    """Every rule, sorted by id; raises BatchlintError on a broken or clashing rule."""
    found: list[Rule] = list(load_dir(builtin_rules_dir()))
    for directory in rules_dirs:
        if not os.path.isdir(directory):
            raise BatchlintError(f"{directory}: --rules-dir is not a directory")
        found.extend(load_dir(directory))
    if entry_points:
        found.extend(_from_entry_points())
    _check(found)
    return sorted(found, key=lambda r: r.id)


def load_dir(directory: str) -> Iterable[Rule]:
    for entry in sorted(os.listdir(directory)):
        path = os.path.join(directory, entry)
        if entry.startswith(("_", ".")) or not os.path.isfile(path):
            continue
        if entry.endswith(".py"):
            yield from load_python(path)
        elif entry.endswith(".toml"):
            yield load_declarative(path)


def load_python(path: str) -> list[Rule]:
    module_name = "batchlint_rule_" + re.sub(r"\W", "_", os.path.abspath(path)[:-3])
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise BatchlintError(f"{path}: cannot load rule file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    # a user's rule file may fail in any way: sys.exit(3) or a KeyboardInterrupt raised by
    # the import is the file failing, not batchlint's exit status or a Ctrl-C
    except BaseException as exc:
        del sys.modules[module_name]
        raise BatchlintError(f"{path}: rule file failed to load: {_described(exc)}") from None
    return _rules_in_module(module, path)


def _described(exc: BaseException) -> str:
    """``ValueError: bad``; ``SystemExit: 3``; ``KeyboardInterrupt`` (no message)."""
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _rules_in_module(module: types.ModuleType, source: str) -> list[Rule]:
    rules = []
    for obj in list(vars(module).values()):
        if (isinstance(obj, type) and issubclass(obj, Rule) and obj.__module__ == module.__name__
                and obj.id):
            rule = obj()
            rule.source = source
            rules.append(rule)
    return rules


def _any_plugin_installed() -> bool:
    """A quick look for the group in installed packages' entry_points.txt.

    importlib.metadata reads every installed distribution (about 20 ms, a
    sixth of a file scan's start-up); most installs have no batchlint
    plugin, so it is consulted only when one of these files names the group.
    """
    marker = f"[{ENTRY_POINT_GROUP}]"
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(entry.path, "entry_points.txt"), encoding="utf-8") as fh:
                        if marker in fh.read():
                            return True
                except OSError:
                    continue
    return False


def _from_entry_points() -> list[Rule]:
    if not _any_plugin_installed():
        return []
    from importlib.metadata import entry_points

    rules: list[Rule] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            target = ep.load()
        except BaseException as exc:  # a broken plugin must not look like a batchlint crash
            raise BatchlintError(f"entry point {ep.name} ({ep.value}) failed to load: "
                                 f"{_described(exc)}") from None
        rules.extend(_rules_from_object(target, f"entry point {ep.name}"))
    return rules


def _rules_from_object(target: Any, source: str) -> list[Rule]:
    if isinstance(target, str) and os.path.isdir(target):
        return list(load_dir(target))
    if isinstance(target, types.ModuleType):
        return _rules_in_module(target, source)
    if isinstance(target, type) and issubclass(target, Rule):
        rule = target()
        rule.source = source
        return [rule]
    if isinstance(target, list | tuple):
        return [r for item in target for r in _rules_from_object(item, source)]
    raise BatchlintError(f"{source}: must name a Rule class, a module, a list of them "
                         "or a folder of rule files")


def _check(rules: list[Rule]) -> None:
    by_id: dict[str, Rule] = {}
    by_name: dict[str, Rule] = {}
    for rule in rules:
        if not rule.references:  # written once, in the doc's References section
            rule.references = doc_references(rule.doc)
        problems = metadata_problems(rule)
        if problems:
            raise BatchlintError(f"{rule.source}: rule {rule.id or '?'}: {'; '.join(problems)}")
        for index, key in ((by_id, rule.id), (by_name, rule.name)):
            if key in index:
                raise BatchlintError(f"{rule.source}: rule {rule.id} reuses {key!r}, "
                                     f"already taken by {index[key].source}")
            index[key] = rule
