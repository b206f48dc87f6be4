"""``dynamic "x" { for_each = … iterator = … content { … } }``: the blocks it stands for."""

from __future__ import annotations

from typing import Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_expr import Locals, Scope
from batchlint.loaders.tfsource_hcl import Block, HclFile


def dynamic_blocks(file: HclFile, block: Block, scope: Scope,
                   for_each: Any) -> list[tuple[Block, Scope]] | None:
    """The content block once per element of ``for_each`` (already evaluated, known), with
    the iterator (the block's label, or ``iterator``) bound; None without content."""
    name = block.labels[0]
    content = next((b for b in block.body.blocks if b.type == "content"), None)
    if content is None:
        return None
    iterator = name
    if "iterator" in block.body.attrs:
        iterator = hcl.bare_name(file, block.body.attrs["iterator"].expr) or name
    items = list(for_each.items()) if isinstance(for_each, dict) else \
        [(v if isinstance(for_each, ev.TfSet) else i, v) for i, v in enumerate(for_each)] \
        if isinstance(for_each, list) else []
    return [(content, Locals(scope, {iterator: {"key": k, "value": v}})) for k, v in items]
