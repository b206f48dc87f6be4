"""``count`` and ``for_each``: the instances of a resource or module call, each with the
scope its attributes are evaluated in (``count.index``, ``each.key``/``each.value``),
keyed and sorted as Terraform names them; keys unknown when only apply decides them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_limits as limits
from batchlint.loaders.tfplan_refs import Key, Outside
from batchlint.loaders.tfsource_eval import EvalError, Unknown
from batchlint.loaders.tfsource_expr import evaluate
from batchlint.loaders.tfsource_hcl import Block, HclFile

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_module import Module

# a resource's or module call's arguments that are Terraform's, not the provider's
META = {"count", "for_each", "depends_on", "lifecycle", "provider", "providers", "source",
        "version"}


class InstanceScope:
    """A module's scope with ``count.index`` or ``each`` bound."""

    def __init__(self, module: Module, count: int | None = None,
                 each: tuple[Any, Any] | None = None):
        self.module, self.count, self.each = module, count, each

    def root(self, name: str) -> Any:
        if name == "count" and self.count is not None:
            return {"index": self.count}
        if name == "each" and self.each is not None:
            return {"key": self.each[0], "value": self.each[1]}
        return self.module.root(name)

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return self.module.decide(condition, value)

    def work_dir(self) -> str:
        return self.module.work_dir()


@dataclass
class Expansion:
    keys: list[Key] | Unknown
    scopes: list[InstanceScope] = field(default_factory=list)
    mode: str = ""  # "", "count" or "for_each"

    def shape(self, objects: list[Any]) -> Any:
        if isinstance(self.keys, Unknown):
            return self.keys
        if self.mode == "count":
            return objects
        if self.mode == "for_each":
            return dict(zip([str(k) for k in self.keys], objects, strict=True))
        return objects[0]


def why(arg: str, value: Unknown) -> str:
    return f"`{arg}` {value.why or 'is known only after apply'}"


def expand(module: Module, block: Block, file: HclFile, address: str) -> Expansion:
    """The instances of a resource or module call; keys unknown when apply decides them."""
    attrs = block.body.attrs
    for arg in ("count", "for_each"):
        if arg in attrs:
            try:
                value = ev.plain(evaluate(file, module, attrs[arg].expr))
                if isinstance(value, Unknown) or (arg == "for_each" and ev.unknowns(value)
                                                  and not isinstance(value, dict)):
                    unknown = Unknown.of(value)
                    return Expansion(Unknown((Outside(address),), why(arg, unknown)))
                return _expanded(module, arg, value, address)
            except EvalError as exc:
                return Expansion(Unknown((Outside(address),),
                                         f"`{arg}` cannot be evaluated by batchlint: {exc}"))
    return Expansion([None], [InstanceScope(module)])


def _expanded(module: Module, arg: str, value: Any, address: str) -> Expansion:
    if arg == "count":
        n = ev.number(value)
        if not isinstance(n, int) or n < 0:
            raise EvalError("`count` must be a whole number")
        refused = limits.instances(arg, n, n, module.run)
        if refused:
            return Expansion(Unknown((Outside(address),), refused))
        return Expansion(list(range(n)), [InstanceScope(module, count=i) for i in range(n)],
                         "count")
    if not isinstance(value, dict | list):
        raise EvalError("`for_each` needs a map or a set of strings")
    refused = limits.instances(arg, f"a collection of {len(value):,} elements", len(value),
                               module.run)
    if refused:
        return Expansion(Unknown((Outside(address),), refused))
    if isinstance(value, dict):
        pairs = sorted(value.items())
    else:
        pairs = [(ev.to_string(v), v) for v in value]
        pairs = sorted(dict(pairs).items())
    return Expansion([k for k, _ in pairs],
                     [InstanceScope(module, each=(k, v)) for k, v in pairs], "for_each")
