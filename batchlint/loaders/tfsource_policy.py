"""``data "aws_iam_policy_document"``: the one data source whose value the configuration
alone decides (the provider renders it without calling AWS, and a plan shows it as known
when its inputs are), built as the provider builds its ``json`` and ``minified_json``.

What the provider does, as real plans show it (``tests/iac/tfsource/test_policy_document``):
statements in the order written, keys in the order Sid, Effect, Action, NotAction,
Resource, NotResource, Principal, NotPrincipal, Condition; actions and resources are sets
(no repeats) listed in reverse order, one value written as a string; ``&{`` in resources,
principals and condition values becomes ``${``; principals blocks of one type are merged
(identifiers in reverse order), a lone ``*``/``*`` principal is ``"*"``; conditions are
grouped by test and variable, values in the order written; map keys sorted; a document
without statements has none. ``source_policy_documents`` are merged first, then this
document's statements, then ``override_policy_documents``; a statement with the Sid of an
earlier one replaces it.
"""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING, Any

from batchlint.loaders.tfsource_dynamic import dynamic_blocks
from batchlint.loaders.tfsource_eval import EvalError, Unknown, plain, unknowns
from batchlint.loaders.tfsource_expand import expand
from batchlint.loaders.tfsource_expr import Scope, evaluate
from batchlint.loaders.tfsource_hcl import Block, Body, HclFile

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_module import Module

_UNSUPPORTED = ("source_json", "override_json")
_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
         "NotPrincipal", "Condition")
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
            "\u2029": "\\u2029"}  # what Go's encoding/json escapes and Python's does not


class _Unknown(Exception):
    def __init__(self, value: Any):
        self.value = value


def _one(value: list[Any]) -> Any:
    return value[0] if len(value) == 1 else value


def _vars(values: list[Any]) -> list[Any]:
    return [v.replace("&{", "${") if isinstance(v, str) else v for v in values]


def _known(value: Any) -> Any:
    if unknowns(value):
        raise _Unknown(value)
    return value


def _strings(value: Any, what: str) -> list[str]:
    value = _known(value)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EvalError(f"`{what}` of a policy document is not a list of strings")
    return value


def _blocks(body: Body, file: HclFile, scope: Scope, kinds: tuple[str, ...],
            ) -> list[tuple[str, Body, Scope]]:
    """The nested blocks of these kinds, ``dynamic`` ones expanded, in the order written."""
    out: list[tuple[str, Body, Scope]] = []
    for block in body.blocks:
        kind = block.labels[0] if block.type == "dynamic" and len(block.labels) == 1 \
            else block.type
        if kind not in kinds:
            raise EvalError(f"`{kind}` blocks of a policy document are not read")
        if block.type != "dynamic":
            out.append((kind, block.body, scope))
            continue
        for_each = block.body.attrs.get("for_each")
        value = plain(_known(evaluate(file, scope, for_each.expr))) if for_each else []
        out += [(kind, content.body, inner)
                for content, inner in dynamic_blocks(file, block, scope, value) or []]
    return out


def _attr(body: Body, file: HclFile, scope: Scope, name: str) -> Any:
    found = body.attrs.get(name)
    return _known(evaluate(file, scope, found.expr)) if found is not None else None


def _statement(body: Body, file: HclFile, scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key in (("sid", "Sid"), ("effect", "Effect")):
        value = _attr(body, file, scope, name)
        if value is not None and value != "":
            out[key] = value
    out.setdefault("Effect", "Allow")
    for name, key in (("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        value = _attr(body, file, scope, name)
        if value:
            values = sorted(set(_strings(value, name)), reverse=True)
            out[key] = _one(values if "Action" in key else _vars(values))
    principals: dict[str, dict[str, list[str]]] = {"Principal": {}, "NotPrincipal": {}}
    conditions: dict[str, dict[str, list[Any]]] = {}
    for kind, inner, at in _blocks(body, file, scope,
                                   ("principals", "not_principals", "condition")):
        attr = partial(_attr, inner, file, at)
        if kind == "condition":
            values = _vars(_strings(attr("values"), "values"))
            conditions.setdefault(attr("test"), {}).setdefault(attr("variable"), []).extend(
                values)
        else:
            key = "Principal" if kind == "principals" else "NotPrincipal"
            ids = _vars(_strings(attr("identifiers"), "identifiers"))
            principals[key].setdefault(attr("type"), []).extend(ids)
    for key, found in principals.items():
        if list(found.items()) == [("*", ["*"])]:
            out[key] = "*"
        elif found:
            out[key] = {k: _one(sorted(found[k], reverse=True)) for k in sorted(found)}
    if conditions:
        out["Condition"] = {t: {v: _one(conditions[t][v]) for v in sorted(conditions[t])}
                            for t in sorted(conditions)}
    return out


def _read(text: Any, what: str) -> dict[str, Any]:
    """A source or override document, as the provider reads it back."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        raise EvalError(f"an entry of `{what}` is not JSON") from None
    if not isinstance(data, dict):
        raise EvalError(f"an entry of `{what}` is not a JSON object")
    statements = data.get("Statement", [])
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise EvalError(f"an entry of `{what}` has no list of statements")
    out = {k: data[k] for k in ("Version", "Id") if isinstance(data.get(k), str)}
    out["Statement"] = [_canonical(s, what) for s in statements]
    return out


def _canonical(statement: dict[str, Any], what: str) -> dict[str, Any]:
    if not isinstance(statement.get("Effect"), str):
        raise EvalError(f"a statement of `{what}` without an Effect is not read")
    out = {k: statement[k] for k in _KEYS if statement.get(k) not in (None, "", [], {})}
    for key in ("Principal", "NotPrincipal"):
        value = out.get(key)
        if isinstance(value, dict):
            out[key] = {k: sorted(v, reverse=True) if isinstance(v, list) else v
                        for k, v in sorted(value.items())}
    if isinstance(out.get("Condition"), dict):
        out["Condition"] = {t: dict(sorted(v.items())) if isinstance(v, dict) else v
                            for t, v in sorted(out["Condition"].items())}
    return out


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    """The provider's IAMPolicyDoc.Merge: a later Sid replaces an earlier one."""
    if new.get("Id"):
        into["Id"] = new["Id"]
    if new.get("Version", "") > into.get("Version", ""):
        into["Version"] = new["Version"]
    statements = into.setdefault("Statement", [])
    for statement in new.get("Statement", []):
        same = [i for i, s in enumerate(statements)
                if statement.get("Sid") and s.get("Sid") == statement.get("Sid")]
        if same:
            statements[same[0]] = statement
        else:
            statements.append(statement)


def _documents(block: Block, file: HclFile, scope: Scope, what: str) -> list[dict[str, Any]]:
    found = block.body.attrs.get(what)
    if found is None:
        return []
    value = _known(evaluate(file, scope, found.expr))
    if not isinstance(value, list):
        raise EvalError(f"`{what}` is not a list")
    return [_read(text, what) for text in value if text is not None]


def _unique(statements: list[dict[str, Any]], sids: set[str], what: str) -> None:
    """The provider refuses a Sid twice among the source documents, or the statements."""
    for statement in statements:
        sid = statement.get("Sid")
        if sid and sid in sids:
            raise EvalError(f"duplicate Sid ({sid}) in `{what}`")
        if sid:
            sids.add(sid)


def document(block: Block, file: HclFile, scope: Scope) -> dict[str, Any]:
    """The document as a JSON object; raises :class:`_Unknown` when a part is unknown."""
    if any(name in block.body.attrs for name in _UNSUPPORTED):
        raise EvalError("`source_json` and `override_json` (deprecated) of a policy "
                        "document are not read")
    merged: dict[str, Any] = {}
    sids: set[str] = set()
    for source in _documents(block, file, scope, "source_policy_documents"):
        _unique(source["Statement"], sids, "source_policy_documents")
        _merge(merged, source)
    version = block.body.attrs.get("version")
    policy_id = block.body.attrs.get("policy_id")
    own: dict[str, Any] = {
        "Version": _known(evaluate(file, scope, version.expr)) if version else "2012-10-17",
        "Statement": [_statement(body, file, at)
                      for _, body, at in _blocks(block.body, file, scope, ("statement",))]}
    _unique(own["Statement"], set(), "statement")
    if policy_id is not None:
        own["Id"] = _known(evaluate(file, scope, policy_id.expr))
    _merge(merged, own)
    for override in _documents(block, file, scope, "override_policy_documents"):
        _merge(merged, override)
    out = {k: merged[k] for k in ("Version", "Id") if merged.get(k)}
    if merged.get("Statement"):
        out["Statement"] = merged["Statement"]
    return out


def _go(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def policy_document(block: Block, file: HclFile, scope: Scope) -> dict[str, Any]:
    """The data source's ``json`` and ``minified_json`` (Unknown when a part is not known)."""
    try:
        doc = document(block, file, scope)
    except _Unknown as exc:
        unknown = Unknown.of(exc.value)
        return {"json": unknown, "minified_json": unknown}
    return {"json": _go(json.dumps(doc, indent=2, ensure_ascii=False)),
            "minified_json": _go(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))}


def instances(module: Module, block: Block, file: HclFile, address: str) -> Any:
    """The data source's value: one object, or a list (``count``) or map (``for_each``)."""
    expansion = expand(module, block, file, address)
    return expansion.shape([policy_document(block, file, s) for s in expansion.scopes])
