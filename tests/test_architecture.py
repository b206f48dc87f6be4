"""The package's shape: imports flow one way, facts read only the model, modules stay small.

The import graph is built from the source (every ``import`` and ``from … import``, those
inside functions too: a lazy import hides a cycle, it does not remove it). Imports under
``if TYPE_CHECKING:`` are left out: they never run, and annotations are strings here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "batchlint"
MAX_LINES = 300
# facts read the model only: never the engine, the rules' API, loaders, reporters or the CLI
NOT_FOR_FACTS = ("batchlint.engine", "batchlint.rule", "batchlint.loaders",
                 "batchlint.reporters", "batchlint.scan", "batchlint.cli")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _targets(name: str, path: Path) -> Iterator[str]:
    """The batchlint modules ``name`` imports: ``from a import b`` is a.b when that is a
    module, else a (a package's ``__init__`` is not counted for importing its modules)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in MODULES else base


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, but for the bodies of ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        test = node.test if isinstance(node, ast.If) else None
        if isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith(
                "TYPE_CHECKING"):
            yield from (n for child in node.orelse for n in [child, *_nodes(child)])
            continue
        yield node
        yield from _nodes(node)


def import_graph() -> dict[str, set[str]]:
    return {name: {t for t in _targets(name, path) if t in MODULES and t != name}
            for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component of more than one module
    (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_and_only_that() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_imports_inside_functions_but_not_type_checking_ones() -> None:
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\nelse:\n"
              "    import c\ndef f():\n    import d\n")
    names = {n.names[0].name for n in _nodes(ast.parse(source)) if isinstance(n, ast.Import)}
    assert names == {"c", "d"}
    graph = import_graph()
    assert "batchlint.engine" in graph["batchlint.scan"]
    assert "batchlint.model" in graph["batchlint.facts.quotas"]  # `from batchlint import model`


def test_batchlint_has_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_facts_read_the_model_only() -> None:
    graph = import_graph()
    wrong = {name: sorted(t for t in targets if _within(t, NOT_FOR_FACTS))
             for name, targets in graph.items() if _within(name, ("batchlint.facts",))}
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_modules_are_at_most_300_lines() -> None:
    paths = [*MODULES.values(), *sorted((REPO / "rules").glob("*.py"))]
    sizes = {p.relative_to(REPO).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in paths}
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}, "split them by meaning"
