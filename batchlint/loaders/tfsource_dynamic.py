"""``dynamic "x" { for_each = … iterator = … content { … } }``: the blocks it stands for."""

from __future__ import annotations

from typing import Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders import tfsource_limits as limits
from batchlint.loaders.tfsource_eval import EvalError, Lazy, Unknown
from batchlint.loaders.tfsource_hcl import Block, HclFile
from batchlint.loaders.tfsource_scope import Locals, Scope


def dynamic_blocks(file: HclFile, block: Block, scope: Scope,
                   for_each: Any) -> list[tuple[Block, Scope]] | None:
    """The content block once per element of ``for_each`` (already evaluated, known, and
    checked by :func:`checked_for_each`), with the iterator (the block's label, or
    ``iterator``) bound; None without content."""
    name = block.labels[0]
    content = next((b for b in block.body.blocks if b.type == "content"), None)
    if content is None:
        return None
    iterator = name
    if "iterator" in block.body.attrs:
        iterator = hcl.bare_name(file, block.body.attrs["iterator"].expr) or name
    if not isinstance(for_each, dict | list):
        raise EvalError(f"`for_each` of dynamic block `{name}` is not a collection")
    blocks = _blocks(scope, len(for_each))
    items = list(for_each.items()) if isinstance(for_each, dict) else \
        [(v if isinstance(for_each, ev.TfSet) else i, v) for i, v in enumerate(for_each)]
    return [(content, _Blocks(scope, {iterator: {"key": k, "value": v}}, blocks))
            for k, v in items]


class _Blocks(Locals):
    """A dynamic block's iterator, knowing how many blocks the dynamic blocks it is in
    stand for (nested ones multiply)."""

    def __init__(self, outer: Scope, names: dict[str, Any], blocks: int):
        super().__init__(outer, names)
        self.blocks = blocks


def checked_for_each(scope: Scope, value: Any) -> Any:
    """The evaluated ``for_each`` of a dynamic block, or an unknown saying why not:
    Terraform rejects one that is not a collection (null, a number, a string), and
    batchlint expands at most ``MAX_ELEMENTS`` blocks (nested dynamic blocks multiplied)."""
    plain = ev.plain(value)
    if isinstance(plain, Unknown | Lazy):
        return value
    if not isinstance(plain, dict | list):
        shown = "null" if plain is None else "a bool" if isinstance(plain, bool) else \
            "a number" if isinstance(plain, int | float) else "a string"
        return Unknown(why=f"has a `for_each` of {shown}, which Terraform rejects")
    blocks = _blocks(scope, len(plain))
    if blocks > limits.MAX_ELEMENTS:
        return Unknown(why=f"stands for {blocks:,} blocks: batchlint expands at most "
                           f"{limits.MAX_ELEMENTS:,} blocks of a dynamic block")
    return value


def _blocks(scope: Scope, elements: int) -> int:
    """How many blocks ``elements`` stand for inside the dynamic blocks of ``scope``."""
    return (scope.blocks if isinstance(scope, _Blocks) else 1) * elements
