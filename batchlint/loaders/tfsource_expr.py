"""Walking one HCL expression tree to its value (see :mod:`tfsource_eval` for values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_funcs as funcs
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders import tfsource_limits as limits
from batchlint.loaders import tfsource_partial as partial
from batchlint.loaders import tfsource_template as template
from batchlint.loaders.tfsource_conditional import Branch, branches, conditional
from batchlint.loaders.tfsource_eval import EvalError, Hole, Lazy, Partial, Unknown
from batchlint.loaders.tfsource_hcl import HclFile, Node
from batchlint.loaders.tfsource_scope import Locals, Scope


class Evaluator:
    def __init__(self, file: HclFile, scope: Scope, depth: int = 0,
                 steps: list[int] | None = None):
        self.file, self.scope, self.depth = file, scope, depth
        self.steps = [limits.MAX_STEPS] if steps is None else steps  # shared with inner ones

    def __call__(self, node: Node) -> Any:
        handler = _HANDLERS.get(node.type)
        if handler is None:
            raise EvalError(f"`{self.file.source(node)}` is not an expression batchlint reads")
        self.depth += 1
        self.steps[0] -= 1
        if self.depth > MAX_DEPTH:
            raise EvalError(f"an expression nested more than {MAX_DEPTH} deep")
        if self.steps[0] < 0:
            raise EvalError(f"an expression of more than {limits.MAX_STEPS:,} steps, which "
                            "batchlint does not evaluate")
        try:
            return handler(self, node)
        finally:
            self.depth -= 1

    def _inner(self, node: Node) -> Any:
        """``literal_value``, ``operation``…: the grammar's wrappers of one term."""
        return self(hcl.kids(node)[0])

    def _expression(self, node: Node) -> Any:
        return self._term([c for c in node.children if c.type != "comment"])

    def _term(self, nodes: list[Node]) -> Any:
        """A term and the steps after it (``.a``, ``[0]``, ``[*].b``), as the grammar lays
        them side by side; ``( … )`` around the term."""
        if nodes[0].type == "(":
            value, steps = self(nodes[1]), nodes[3:]
        else:
            value, steps = self(nodes[0]), nodes[1:]
        return self._steps(value, [s for s in steps if s.type != "comment"])

    def _steps(self, value: Any, steps: list[Node]) -> Any:
        """The steps after a term, splats as HCL parses them: a full splat (``[*]``) takes
        every step after it from each element; an attribute-only one (``.*``) its ``.a`` and
        ``.0`` steps, the first ``[…]`` ending it (``x.*.a[0]`` is ``(x.*.a)[0]``)."""
        for at, step in enumerate(steps):
            if step.type != "splat":
                value = self._step(value, step)
                continue
            form = hcl.kids(step)[0]
            inner, rest = hcl.kids(form), steps[at + 1:]
            if form.type == "full_splat":
                return self._splat(value, inner + rest)
            cut = next((i for i, s in enumerate(inner) if s.type == "index"
                        and hcl.kids(s)[0].type != "legacy_index"), len(inner))
            if cut == len(inner) and rest and rest[0].type == "splat" and \
                    hcl.kids(rest[0])[0].type == "attr_splat":
                raise EvalError("a splat (`.*`) inside an attribute-only splat, which "
                                "Terraform refuses")
            return self._steps(self._splat(value, inner[:cut]), inner[cut:] + rest)
        return value

    def _step(self, value: Any, step: Node) -> Any:
        if step.type == "get_attr":
            return ev.attribute(value, self.file.raw(hcl.kids(step)[0]))
        index = hcl.kids(step)[0]
        if index.type == "legacy_index":
            return ev.index(value, int(self.file.raw(index)[1:]))
        return ev.index(value, self(hcl.kids(index)[0]))

    def _splat(self, value: Any, steps: list[Node]) -> Any:
        """The steps taken from each element: a value that is not a list is one element,
        null none (``terraform console``: ``{a = 1}[*].a`` is ``[1]``, ``null[*]`` ``[]``)."""
        value = ev.plain(value)
        if isinstance(value, Unknown):
            return ev.whole(value)
        items = value if isinstance(value, list) else [] if value is None else [value]
        return [self._steps(item, steps) for item in items]

    def _numeric_lit(self, node: Node) -> Any:
        text = self.file.raw(node)
        return ev.in_range(int(text) if text.isdigit() else ev.tidy(float(text)), text)

    def _bool_lit(self, node: Node) -> Any:
        return self.file.raw(node) == "true"

    def _null_lit(self, node: Node) -> Any:
        return None

    def _variable_expr(self, node: Node) -> Any:
        return self.scope.root(self.file.raw(node))

    def _string_lit(self, node: Node) -> Any:
        text = self.file.raw(node)[1:-1]
        if "\\" in text or "$${" in text or "%%{" in text:
            return self._template(node)
        return text

    def _template(self, node: Node) -> Any:
        parts = hcl.template_parts(self.file, node)
        if len(parts) == 3 and parts[0] == parts[2] == "" and not isinstance(parts[1], str) \
                and parts[1].type == "expression":
            return ev.plain(self(parts[1]))  # "${x}" alone is x itself
        pieces = [self._piece(p) for p in parts]
        limits.built([p.text if isinstance(p, Partial | Hole) else p for p in pieces],
                     "a string template's result")
        if any(isinstance(p, Unknown) and not isinstance(p, Partial) for p in pieces):
            # a directive: the text around it may not be there
            return Unknown.of(*(p.value if isinstance(p, Hole) else p for p in pieces))
        return partial.concat(pieces)

    def _piece(self, part: str | Node) -> Any:
        """A text, or the value of an interpolation (unknown: a hole written as it is)."""
        if isinstance(part, str):
            return part
        if part.type == "template_directive":
            return Unknown(why="is built by a template directive (`%{…}`), which batchlint "
                               "does not evaluate")
        value = ev.to_string(self(part))
        if isinstance(value, Unknown) and not (isinstance(value, Partial) and value.pieces):
            return Hole(value, partial.placeholder(self.file.source(part)))
        return value

    def _tuple(self, node: Node) -> Any:
        return [self(item) for item in hcl.kids(node) if item.type == "expression"]

    def _object(self, node: Node) -> Any:
        out: dict[str, Any] = {}
        for elem in hcl.kids(node):
            if elem.type != "object_elem":
                continue
            key_node, value = elem.child_by_field_name("key"), elem.child_by_field_name("val")
            assert key_node is not None and value is not None
            key = hcl.bare_name(self.file, key_node)
            if key is None:
                computed = ev.to_string(self(key_node))
                if isinstance(computed, Unknown):
                    return ev.whole(computed)  # an object whose keys are not known
                key = computed
            out[key] = self(value)
        return out

    def _function_call(self, node: Node) -> Any:
        parts = hcl.kids(node)
        name = "".join(self.file.raw(parts[0]).split())
        arguments = parts[1] if len(parts) > 1 else None
        args = [a for a in hcl.kids(arguments) if a.type == "expression"] if arguments else []
        expand = arguments is not None and any(
            a.type == "ellipsis" for a in hcl.kids(arguments))
        if name in ("try", "can"):
            return self._try(name, args)
        if name == "coalesce" and not expand:
            return partial.coalesce(args, lambda a: ev.plain(self(a)))
        values = [self(a) for a in args]
        if expand and values:
            last = ev.plain(values[-1])
            if isinstance(last, Unknown):
                return ev.whole(last)
            if not isinstance(last, list):
                raise EvalError("`...` needs a list")
            values = values[:-1] + last
        if name == "templatefile":
            return template.render([ev.plain(v) for v in values], self.scope, evaluate)
        return funcs.call(name, [ev.plain(v) for v in values], self.scope.work_dir())

    def _try(self, name: str, args: list[Node]) -> Any:
        for arg in args:
            try:
                value = self(arg)
            except EvalError:
                continue
            return value if name == "try" else True  # evaluated, if perhaps not known
        if name == "can":
            return False
        raise EvalError("no argument of try() could be evaluated")

    def _conditional(self, node: Node) -> Any:
        return self._choose(*conditional(node))

    def _choose(self, condition: Node, yes: Branch, no: Branch) -> Any:
        decided = ev.boolean(self(condition))
        if isinstance(decided, Unknown):
            picked = self.scope.decide(self.file.source(condition), decided)
            if picked is None:
                return Unknown.of(decided, *branches(self._branch, yes, no))
            decided = picked
        return self._branch(yes if decided else no)

    def _branch(self, branch: Branch) -> Any:
        return self._choose(*branch) if isinstance(branch, tuple) else self(branch)

    def _binary_operation(self, node: Node) -> Any:
        children = [c for c in node.children if c.type != "comment"]
        at = next(i for i, c in enumerate(children) if not c.is_named and c.type in _OPERATORS)
        op, left = children[at].type, children[:at]
        if op in ("&&", "||"):
            first = ev.boolean(self._term(left))
            if first is (op == "||"):
                return first  # short-circuit, as Terraform 1.x does not, is harmless
        return ev.binary(op, self._term(left), self._term(children[at + 1:]))

    def _unary_operation(self, node: Node) -> Any:
        children = [c for c in node.children if c.type != "comment"]
        op, value = children[0].type, self._term(children[1:])
        if op == "!":
            value = ev.boolean(value)
            return value if isinstance(value, Unknown) else not value
        value = ev.number(value)
        return value if isinstance(value, Unknown) else -value

    def _for(self, node: Node) -> Any:
        parts = hcl.kids(node)
        intro = next(p for p in parts if p.type == "for_intro")
        bodies = [p for p in parts if p.type == "expression"]
        cond = next((p for p in parts if p.type == "for_cond"), None)
        grouped = any(p.type == "ellipsis" for p in parts)
        tuple_ = node.type == "for_tuple_expr"
        names = [self.file.raw(n) for n in hcl.kids(intro) if n.type == "identifier"]
        source = ev.plain(self(next(n for n in hcl.kids(intro) if n.type == "expression")))
        if isinstance(source, Unknown):
            return ev.whole(source)
        if isinstance(source, dict):
            pairs = list(source.items())
        elif isinstance(source, list):
            pairs = [(v if isinstance(source, ev.TfSet) else i, v) for i, v in enumerate(source)]
        else:
            raise EvalError("`for` needs a list, set or object")
        limits.elements(len(pairs), "the collection of a `for` expression")
        items: list[Any] = []
        out: dict[str, Any] = {}
        for key, value in pairs:
            bound = dict(zip(names, [key, value] if len(names) == 2 else [value], strict=True))
            inner = Evaluator(self.file, Locals(self.scope, bound), self.depth, self.steps)
            if cond is not None:
                keep = ev.boolean(inner(hcl.kids(cond)[0]))
                if isinstance(keep, Unknown):
                    return keep
                if not keep:
                    continue
            if tuple_:
                items.append(inner(bodies[0]))
                continue
            name = ev.to_string(inner(bodies[0]))
            if isinstance(name, Unknown):
                return ev.whole(name)
            if grouped:
                out.setdefault(name, []).append(inner(bodies[1]))
            else:
                out[name] = inner(bodies[1])
        return items if tuple_ else out


MAX_DEPTH = 200  # expression nodes in one another (the grammar has ~3 a level of brackets)
_OPERATORS = {"*", "/", "%", "+", "-", "<", ">", "<=", ">=", "==", "!=", "&&", "||"}
_HANDLERS: dict[str, Callable[[Evaluator, Node], Any]] = {
    "expression": Evaluator._expression, "numeric_lit": Evaluator._numeric_lit,
    "bool_lit": Evaluator._bool_lit, "null_lit": Evaluator._null_lit,
    "variable_expr": Evaluator._variable_expr, "string_lit": Evaluator._string_lit,
    "quoted_template": Evaluator._template, "heredoc_template": Evaluator._template,
    "tuple": Evaluator._tuple, "object": Evaluator._object,
    "function_call": Evaluator._function_call, "conditional": Evaluator._conditional,
    "binary_operation": Evaluator._binary_operation,
    "unary_operation": Evaluator._unary_operation,
    "for_tuple_expr": Evaluator._for, "for_object_expr": Evaluator._for,
    **{w: Evaluator._inner for w in ("literal_value", "collection_value", "template_expr",
                                     "operation", "for_expr")},
}


def evaluate(file: HclFile, scope: Scope, node: Node) -> Any:
    """The value of an expression; EvalError when batchlint cannot read it."""
    try:
        value = Evaluator(file, scope)(node)
        limits.weight(value, "its value")
        return value
    except RecursionError:
        raise EvalError("an expression nested too deeply") from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise EvalError(f"an expression batchlint cannot read ({type(exc).__name__})") from None


__all__ = ["Evaluator", "Lazy", "Locals", "Scope", "evaluate"]
