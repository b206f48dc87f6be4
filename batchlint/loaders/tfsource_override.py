"""Terraform's override files (``override.tf``, ``*_override.tf``), merged as Terraform does.

Override files are read after the others, in the order of their names. Each of their
top-level blocks changes the block of the same type and labels in the other files (each
``locals`` value the local of the same name): an argument replaces the argument of the
same name, a nested block replaces every nested block of its type (``dynamic "x"`` and
``x`` count as one type), except ``lifecycle``, whose arguments are merged one by one.
An override block with nothing to override is left out (Terraform refuses the module).

An argument taken from an override file keeps its expression, which reads its own file's
text; its findings point at the block it overrides.
"""

from __future__ import annotations

from batchlint.loaders.tfsource_hcl import Attr, Block, Body, HclFile

MERGED_BLOCKS = {"lifecycle"}


def is_override(name: str) -> bool:
    return name in ("override.tf", "override.tf.json") or name.endswith(
        ("_override.tf", "_override.tf.json"))


def merge(primary: list[HclFile], overrides: list[HclFile]) -> None:
    """Apply ``overrides`` (in order) to the blocks of ``primary``, in place."""
    blocks: dict[tuple[str, ...], Block] = {}
    local_blocks: dict[str, Block] = {}
    for file in primary:
        for block in file.blocks:
            if block.type == "locals":
                local_blocks.update(dict.fromkeys(block.body.attrs, block))
            else:
                blocks.setdefault(_key(block), block)
    for file in overrides:
        for block in file.blocks:
            if block.type == "locals":
                for name, attr in block.body.attrs.items():
                    if name in local_blocks:
                        target = local_blocks[name]
                        target.body.attrs[name] = _moved(attr, target, file)
                continue
            base = blocks.get(_key(block))
            if base is not None:
                _merge(base.body, block.body, base, file)


def _key(block: Block) -> tuple[str, ...]:
    return (block.type, *block.labels)


def _moved(attr: Attr, target: Block, file: HclFile) -> Attr:
    return Attr(attr.name, attr.expr, target.line, target.column, file.path)


def _merge(body: Body, override: Body, at: Block, file: HclFile) -> None:
    for name, attr in override.attrs.items():
        body.attrs[name] = _moved(attr, at, file)
    replaced = {_nested_type(b) for b in override.blocks} - MERGED_BLOCKS
    kept = [b for b in body.blocks if _nested_type(b) not in replaced]
    for block in override.blocks:
        kind = _nested_type(block)
        base = next((b for b in kept if b.type == kind), None)
        if kind in MERGED_BLOCKS and base is not None:
            _merge(base.body, block.body, at, file)
        else:
            kept.append(_relocated(block, at, file))
    body.blocks[:] = kept


def _nested_type(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def _relocated(block: Block, at: Block, file: HclFile) -> Block:
    """A nested block of an override file, its positions those of the block it changes."""
    body = Body({n: _moved(a, at, file) for n, a in block.body.attrs.items()},
                [_relocated(b, at, file) for b in block.body.blocks])
    return Block(block.type, block.labels, body, at.line, at.column, at.end_line, at.file)
