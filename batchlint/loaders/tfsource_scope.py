"""The scope an expression is evaluated in, and the names a ``for`` expression (or a
``dynamic`` block's iterator) introduces over it."""

from __future__ import annotations

from typing import Any, Protocol

from batchlint.loaders.tfsource_eval import Unknown


class Scope(Protocol):
    def root(self, name: str) -> Any:
        """``var``, ``local``, ``each``, a resource type…: the value a traversal starts at."""

    def decide(self, condition: str, value: Unknown) -> bool | None:
        """The branch of an undecided condition in this world, None when not decided."""

    def work_dir(self) -> str:
        """Terraform's working directory, the root module's: relative paths in ``file()``
        are read from it, in every module (``path.module`` is relative to it)."""


class Locals:
    """Names a ``for`` expression introduces, over the scope it is written in."""

    def __init__(self, outer: Scope, names: dict[str, Any]):
        self.outer, self.names = outer, names

    def root(self, name: str) -> Any:
        return self.names[name] if name in self.names else self.outer.root(name)

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return self.outer.decide(condition, value)

    def work_dir(self) -> str:
        return self.outer.work_dir()
