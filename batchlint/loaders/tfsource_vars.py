"""Root module variables from ``terraform.tfvars``, ``*.auto.tfvars`` (and their
``.json`` forms, read as every ``.json`` input is) and the ``--var-file`` s."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from batchlint.fileio import Limits, read_text
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_eval import EvalError, Unknown
from batchlint.loaders.tfsource_expr import evaluate
from batchlint.loaders.tfsource_guard import read_json, read_terraform


def variable_values(directory: str, var_files: Iterable[str], limits: Limits) -> dict[str, Any]:
    """Root variables from the directory's tfvars, then the ``--var-file`` s, in order."""
    names = sorted(os.listdir(directory))
    files = [os.path.join(directory, n) for n in ("terraform.tfvars", "terraform.tfvars.json")
             if n in names]
    files += [os.path.join(directory, n) for n in names
              if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    values: dict[str, Any] = {}
    for path in [*files, *var_files]:
        if path.endswith(".json"):
            data = read_json(path, read_text(path, limits), limits)
            if isinstance(data, dict):
                values.update(data)
            continue
        parsed = hcl.parse(path, read_terraform(path, limits))
        for name, attr in parsed.attrs.items():
            try:
                values[name] = evaluate(parsed, _NoScope(), attr.expr)
            except EvalError as exc:
                values[name] = Unknown(why=f"is set in {path} to a value batchlint cannot "
                                           f"read: {exc}")
    return values


class _NoScope:
    def root(self, name: str) -> Any:
        raise EvalError("a variable's value cannot refer to anything")

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return None

    def work_dir(self) -> str:
        return "."
