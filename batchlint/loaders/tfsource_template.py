"""``templatefile(path, vars)``: the file, read from Terraform's working directory as
``file()`` reads it, rendered as a template of the given variables.

The file's text is read as the body of a heredoc, which is what Terraform's template
syntax is: ``${…}`` interpolations of the variables (and of functions), ``$${`` and
``%%{`` escapes. A ``%{ … }`` directive leaves the value unknown, saying so, as in any
template. Inside, only the variables given are visible (``var.x`` is not): any other name
is a value batchlint cannot evaluate, which leaves the attribute unknown, not the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from batchlint.errors import InputError
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_eval import EvalError, Partial, Unknown
from batchlint.loaders.tfsource_funcs import read_file
from batchlint.loaders.tfsource_partial import concat

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_expr import Scope
    from batchlint.loaders.tfsource_hcl import HclFile, Node

Evaluate = Callable[["HclFile", "Scope", "Node"], Any]


class _Variables:
    """The scope of a template: the variables given, nothing else."""

    def __init__(self, outer: Scope, names: dict[str, Any]):
        self.outer, self.names = outer, names

    def root(self, name: str) -> Any:
        if name not in self.names:
            raise EvalError(f"`{name}` is not a variable given to templatefile()")
        return self.names[name]

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return self.outer.decide(condition, value)

    def work_dir(self) -> str:
        return self.outer.work_dir()


def render(args: list[Any], scope: Scope, evaluate: Evaluate) -> Any:
    """The rendered text (a :class:`Partial` where a value in it is not known)."""
    if len(args) != 2:
        raise EvalError("templatefile() takes a path and a map of variables")
    path, variables = args
    if isinstance(path, Unknown) or isinstance(variables, Unknown):
        return Unknown.of(path, variables)
    if not isinstance(variables, dict):
        raise EvalError("templatefile()'s second argument is not a map")
    text = read_file(scope.work_dir(), path, "templatefile")
    marker = "BATCHLINT_TEMPLATE_END"
    while marker in text:
        marker += "_"
    try:
        file = hcl.parse(str(path), f"x = <<{marker}\n{text}\n{marker}\n")
    except InputError:
        raise EvalError(f"templatefile() of {str(path)!r}: a template batchlint cannot read") \
            from None
    value = evaluate(file, _Variables(scope, variables), file.attrs["x"].expr)
    if isinstance(value, Partial) and value.pieces and isinstance(value.pieces[-1], str):
        return concat([*value.pieces[:-1], value.pieces[-1][:-1]])
    return value[:-1] if isinstance(value, str) else value  # the newline before the marker
