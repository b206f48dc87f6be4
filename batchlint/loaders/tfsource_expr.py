"""Walking one HCL expression tree to its value (see :mod:`tfsource_eval` for values)."""

from __future__ import annotations

from typing import Any, Protocol

from lark import Token

from batchlint.loaders import tfsource_eval as ev
from batchlint.loaders import tfsource_funcs as funcs
from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfsource_eval import EvalError, Lazy, Unknown
from batchlint.loaders.tfsource_hcl import HclFile, Node


class Scope(Protocol):
    def root(self, name: str) -> Any:
        """``var``, ``local``, ``each``, a resource type…: the value a traversal starts at."""

    def decide(self, condition: str, value: Unknown) -> bool | None:
        """The branch of an undecided condition in this world, None when not decided."""

    def module_dir(self) -> str:
        """``path.module``."""


class Locals:
    """Names a ``for`` expression introduces, over the scope it is written in."""

    def __init__(self, outer: Scope, names: dict[str, Any]):
        self.outer, self.names = outer, names

    def root(self, name: str) -> Any:
        return self.names[name] if name in self.names else self.outer.root(name)

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return self.outer.decide(condition, value)

    def module_dir(self) -> str:
        return self.outer.module_dir()


class Evaluator:
    def __init__(self, file: HclFile, scope: Scope):
        self.file, self.scope = file, scope

    def __call__(self, node: Node) -> Any:
        handler = getattr(self, f"_{node.data}", None)
        if handler is None:
            raise EvalError(f"`{self.file.source(node)}` is not an expression batchlint reads")
        return handler(node)

    def _expr_term(self, node: Node) -> Any:
        return self(hcl.kids(node)[0])

    def _int_lit(self, node: Node) -> Any:
        return ev.number_literal(node)

    _float_lit = _int_lit

    def _literal_value(self, node: Node) -> Any:
        return ev.literal(node)

    def _identifier(self, node: Node) -> Any:
        return self.scope.root(str(node.children[0]))

    def _string(self, node: Node) -> Any:
        parts = [self._part(p) for p in hcl.kids(node)]
        if len(parts) == 1 and not isinstance(hcl.kids(node)[0].children[0], Token):
            return ev.plain(parts[0])  # "${x}" alone is x itself
        return _join(parts)

    def _part(self, node: Node) -> Any:
        child = node.children[0]
        if isinstance(child, Token):
            text = str(child)
            if child.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                return text[1:]
            return ev.unescape(text)
        if child.data == "interpolation":
            return self(hcl.kids(child)[0])
        raise EvalError("template directives (`%{…}`) are not evaluated")

    def _heredoc_template(self, node: Node) -> Any:
        token = node.children[0]
        assert isinstance(token, Token)
        body, spans = ev.heredoc(token)
        parts: list[Any] = []
        last = 0
        for start, end in spans:
            parts.append(body[last:start])
            parts.append(self(hcl.parse_expression(body[start + 2:end])))
            last = end + 1
        parts.append(body[last:])
        return _join([p.replace("$${", "${") if isinstance(p, str) else p for p in parts])

    _heredoc_template_trim = _heredoc_template

    def _tuple(self, node: Node) -> Any:
        return [self(item) for item in hcl.kids(node)]

    def _object(self, node: Node) -> Any:
        out: dict[str, Any] = {}
        for elem in hcl.kids(node):
            key_node, value = hcl.kids(elem)
            key = ev.key_name(key_node)
            if key is None:
                computed = ev.to_string(self(hcl.kids(key_node)[0]))
                if isinstance(computed, Unknown):
                    return computed  # an object whose keys are not known
                key = computed
            out[key] = self(value)
        return out

    def _get_attr_expr_term(self, node: Node) -> Any:
        base, step = hcl.kids(node)
        return ev.attribute(self(base), hcl.name_of(hcl.kids(step)[0]))

    def _index_expr_term(self, node: Node) -> Any:
        base, step = hcl.kids(node)
        return self._step(self(base), step)

    def _step(self, value: Any, step: Node) -> Any:
        if step.data == "get_attr":
            return ev.attribute(value, hcl.name_of(hcl.kids(step)[0]))
        if step.data == "short_index":
            return ev.index(value, int(str(step.children[1])))
        return ev.index(value, self(hcl.kids(step)[0]))

    def _splat(self, node: Node) -> Any:
        base, splat = hcl.kids(node)
        value = ev.plain(self(base))
        if isinstance(value, Unknown):
            return value
        items = value if isinstance(value, list) else [] if value is None else [value]
        out = []
        for item in items:
            for step in hcl.kids(splat):
                item = self._step(item, step)
            out.append(item)
        return out

    _attr_splat_expr_term = _splat
    _full_splat_expr_term = _splat

    def _function_call(self, node: Node) -> Any:
        parts = hcl.kids(node)
        name = "::".join(hcl.name_of(p) for p in parts if p.data == "identifier")
        args = hcl.kids(parts[-1]) if parts[-1].data == "arguments" else []
        expand = parts[-1].data == "arguments" and any(
            isinstance(c, Token) and c.type == "ELLIPSIS" for c in parts[-1].children)
        if name in ("try", "can"):
            return self._try(name, args)
        values = [self(a) for a in args]
        if expand and values:
            last = ev.plain(values[-1])
            if isinstance(last, Unknown):
                return last
            if not isinstance(last, list):
                raise EvalError("`...` needs a list")
            values = values[:-1] + last
        return funcs.call(name, [ev.plain(v) for v in values], self.scope.module_dir())

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
        condition, yes, no = hcl.kids(node)
        decided = ev.boolean(self(condition))
        if isinstance(decided, Unknown):
            picked = self.scope.decide(self.file.source(condition), decided)
            if picked is None:
                return Unknown.of(decided, *self._branches(yes, no))
            decided = picked
        return self(yes) if decided else self(no)

    def _branches(self, yes: Node, no: Node) -> list[Any]:
        """Both branches, for the unknowns (and the undecided conditions) inside them."""
        out = []
        for branch in (yes, no):
            try:
                out.append(self(branch))
            except EvalError:
                continue
        return out

    def _binary_op(self, node: Node) -> Any:
        left, term = hcl.kids(node)[:2]
        operator, right = hcl.kids(term)[:2]
        op = str(operator.children[0]).strip()
        if op in ("&&", "||"):
            first = ev.boolean(self(left))
            if first is (op == "||"):
                return first  # short-circuit, as Terraform 1.x does not, is harmless
        return ev.binary(op, self(left), self(right))

    def _unary_op(self, node: Node) -> Any:
        op = str(node.children[0])
        value = self(hcl.kids(node)[0])
        if op == "!":
            value = ev.boolean(value)
            return value if isinstance(value, Unknown) else not value
        value = ev.number(value)
        return value if isinstance(value, Unknown) else -value

    def _for_tuple_expr(self, node: Node) -> Any:
        return self._for(node, tuple_=True)

    def _for_object_expr(self, node: Node) -> Any:
        return self._for(node, tuple_=False)

    def _for(self, node: Node, tuple_: bool) -> Any:
        parts = hcl.kids(node)
        intro, rest = parts[0], parts[1:]
        cond = rest.pop() if rest and rest[-1].data == "for_cond" else None
        names = [hcl.name_of(n) for n in hcl.kids(intro) if n.data == "identifier"]
        source = ev.plain(self(hcl.kids(intro)[-1]))
        if isinstance(source, Unknown):
            return source
        if isinstance(source, dict):
            pairs = list(source.items())
        elif isinstance(source, list):
            pairs = [(v if isinstance(source, ev.TfSet) else i, v) for i, v in enumerate(source)]
        else:
            raise EvalError("`for` needs a list, set or object")
        grouped = any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)
        items: list[Any] = []
        out: dict[str, Any] = {}
        for key, value in pairs:
            bound = dict(zip(names, [key, value] if len(names) == 2 else [value], strict=True))
            inner = Evaluator(self.file, Locals(self.scope, bound))
            if cond is not None:
                keep = ev.boolean(inner(hcl.kids(cond)[0]))
                if isinstance(keep, Unknown):
                    return keep
                if not keep:
                    continue
            if tuple_:
                items.append(inner(rest[0]))
                continue
            name = ev.to_string(inner(rest[0]))
            if isinstance(name, Unknown):
                return name
            if grouped:
                out.setdefault(name, []).append(inner(rest[1]))
            else:
                out[name] = inner(rest[1])
        return items if tuple_ else out


def _join(parts: list[Any]) -> Any:
    texts = [ev.to_string(p) for p in parts]
    if any(isinstance(t, Unknown) for t in texts):
        return Unknown.of(*texts)
    return "".join(texts)


def evaluate(file: HclFile, scope: Scope, node: Node) -> Any:
    """The value of an expression; EvalError when batchlint cannot read it."""
    try:
        return Evaluator(file, scope)(node)
    except RecursionError:
        raise EvalError("an expression nested too deeply") from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise EvalError(f"an expression batchlint cannot read ({type(exc).__name__})") from None


__all__ = ["Evaluator", "Lazy", "Locals", "Scope", "evaluate"]
