"""HCL's conditional ``a ? b : c ? d : e``, as Terraform reads it: right-associative.

tree-sitter-hcl reads it as ``(a ? b : c) ? d : e`` (its tree for the vpc module's
``nat_gateway_count = var.single_nat_gateway ? 1 : var.one_nat_gateway_per_az ? … : …``);
:func:`conditional` turns such a tree round before :mod:`tfsource_expr` evaluates it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from batchlint.loaders.tfsource_eval import EvalError
from batchlint.loaders.tfsource_hcl import kids

if TYPE_CHECKING:
    from tree_sitter import Node
else:
    Node = object

Branch: TypeAlias = "Node | tuple[Node, Branch, Branch]"  # a conditional's branch


def conditional(node: Node) -> tuple[Node, Branch, Branch]:
    """A conditional's (condition, yes, no), a conditional written without parentheses as
    the condition turned round: ``a ? b : (c ? d : e)``. A ``no`` branch may so be a
    conditional that is no node of the tree: (condition, yes, no) again."""
    condition, yes, no = kids(node)
    otherwise: Branch = no
    while True:
        inner = condition.named_children
        if condition.type != "expression" or len(inner) != 1 or \
                inner[0].type != "conditional":  # parenthesised: one expression deeper
            return condition, yes, otherwise
        first, then, rest = kids(inner[0])
        condition, yes, otherwise = first, then, (rest, yes, otherwise)


def branches(evaluate: Callable[[Branch], Any], *given: Branch) -> list[Any]:
    """Both branches that can be evaluated, for the unknowns (and the undecided conditions)
    inside them."""
    out = []
    for branch in given:
        try:
            out.append(evaluate(branch))
        except EvalError:
            continue
    return out
