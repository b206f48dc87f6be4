"""``data "aws_iam_policy_document"``: the one data source whose value the configuration
alone decides (no AWS call), built as the provider builds its ``json``."""

from __future__ import annotations

import json
from typing import Any

from batchlint.loaders.tfsource_eval import EvalError, Unknown, unknowns
from batchlint.loaders.tfsource_expr import Scope, evaluate
from batchlint.loaders.tfsource_hcl import Block, Body, HclFile

_UNSUPPORTED = ("source_policy_documents", "override_policy_documents",
                "source_json", "override_json", "for_each")


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _statement(body: Body, file: HclFile, scope: Scope) -> dict[str, Any]:
    def attr(name: str) -> Any:
        found = body.attrs.get(name)
        return evaluate(file, scope, found.expr) if found is not None else None

    out: dict[str, Any] = {}
    for name, key in (("sid", "Sid"), ("effect", "Effect")):
        value = attr(name)
        if value is not None:
            out[key] = value
    out.setdefault("Effect", "Allow")
    for name, key in (("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        value = attr(name)
        if value:
            out[key] = _one(sorted(value) if isinstance(value, list) and not unknowns(value)
                            else value)
    for block in body.blocks:
        if block.type in ("principals", "not_principals"):
            kind = evaluate(file, scope, block.body.attrs["type"].expr)
            ids = evaluate(file, scope, block.body.attrs["identifiers"].expr)
            key = "Principal" if block.type == "principals" else "NotPrincipal"
            if kind == "*" and ids == ["*"]:
                out[key] = "*"
            else:
                out.setdefault(key, {})[kind] = _one(ids)
        elif block.type == "condition":
            test = evaluate(file, scope, block.body.attrs["test"].expr)
            variable = evaluate(file, scope, block.body.attrs["variable"].expr)
            values = evaluate(file, scope, block.body.attrs["values"].expr)
            out.setdefault("Condition", {}).setdefault(test, {})[variable] = _one(values)
        else:
            raise EvalError(f"`{block.type}` blocks of a policy document are not read")
    return out


def policy_document(block: Block, file: HclFile, scope: Scope) -> Any:
    """The document's ``json``; Unknown when a part of it is not known."""
    if any(name in block.body.attrs for name in _UNSUPPORTED):
        raise EvalError("a policy document built from other documents is not read")
    statements = [_statement(b.body, file, scope) for b in block.body.blocks
                  if b.type == "statement"]
    if any(b.type != "statement" for b in block.body.blocks):
        raise EvalError("dynamic statements of a policy document are not read")
    version = block.body.attrs.get("version")
    document = {"Version": evaluate(file, scope, version.expr) if version else "2012-10-17",
                "Statement": statements}
    if unknowns(document):
        return Unknown.of(document)
    return json.dumps(document)
