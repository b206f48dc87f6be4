"""HCL as batchlint reads it (tree-sitter's HCL grammar): expressions, templates, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from batchlint import model as m
from batchlint.errors import InputError
from batchlint.loaders import load_files
from batchlint.loaders.tfsource_eval import EvalError, Unknown
from batchlint.loaders.tfsource_expr import evaluate
from batchlint.loaders.tfsource_hcl import MAX_BLOCK_DEPTH, parse

VARIABLES = {"n": 3, "names": ["a", "b"], "items": [{"id": "i-1"}, {"id": "i-2"}],
             "tags": {"Team": "genomics", "Env": "prod"}, "flag": True}


class Scope:
    def root(self, name: str) -> Any:
        if name == "var":
            return VARIABLES
        if name == "later":
            return Unknown(why="is known after apply")
        raise EvalError(f"no `{name}`")

    def decide(self, condition: str, value: Unknown) -> bool | None:
        return None

    def work_dir(self) -> str:
        return "."


def value(expression: str) -> Any:
    file = parse("main.tf", f"x = {expression}\n")
    return evaluate(file, Scope(), file.attrs["x"].expr)


@pytest.mark.parametrize(("expression", "expected"), [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("-1.5e3", -1500),
    ("!var.flag || 2 >= 3", False),
    ("var.n == 3 && var.flag", True),
    ("var.n > 2 ? \"big\" : \"small\"", "big"),
    ("var.items[*].id", ["i-1", "i-2"]),
    ("var.items.*.id", ["i-1", "i-2"]),
    ("var.items.1.id", "i-2"),
    ("var.names[0]", "a"),
    ("[1, 2][1]", 2),
    ("{ a = 1 }.a", 1),
    ("[for i, n in var.names : \"${i}-${n}\" if n != \"b\"]", ["0-a"]),
    ("{ for k, v in var.tags : v => k }", {"genomics": "Team", "prod": "Env"}),
    ("{ for n in [\"a\", \"b\", \"a\"] : n => n... }", {"a": ["a", "a"], "b": ["b"]}),
    ("max([1, 5, 3]...)", 5),
    ("provider::test::upper(\"batch\")", "BATCH"),
    ("\"${var.n}\"", 3),
    ("\"n=${var.n} ${var.names[1]}\"", "n=3 b"),
    ('"a\\n\\"b$${c}%%{d}\\u00e9"', 'a\n"b${c}%{d}\u00e9'),
    ("{ a = 1, \"b c\" = 2, (var.names[1]) = 3, d: 4 }", {"a": 1, "b c": 2, "b": 3, "d": 4}),
    ("{ # a comment\n  a = 1 // another\n  b = 2 /* and a third */\n}", {"a": 1, "b": 2}),
    ("null", None),
    # conditionals are right-associative, as Terraform reads them (tree-sitter-hcl's tree
    # is turned round): a ? b : (c ? d : e), never (a ? b : c) ? d : e
    ("true ? 1 : false ? 2 : 3", 1),
    ("true ? false : true ? 2 : 3", False),
    ("false ? 1 : var.flag ? 2 : 3", 2),
    ("false ? 1 : false ? 2 : var.n > 5 ? 3 : 4", 4),
    ("(true ? false : true) ? 2 : 3", 3),
    # replace() with a regular expression expands Go's $1 and $$, as Terraform does
    ('replace("ab-12", "/^([a-z]+)-([0-9]+)$/", "$2-$1 $$")', "12-ab $"),
])
def test_expressions(expression: str, expected: Any) -> None:
    assert value(expression) == expected


def test_heredocs_keep_or_trim_their_indentation() -> None:
    assert value("<<EOT\n  a ${var.n}\n    b\nEOT\n") == "  a 3\n    b\n"
    assert value("<<-EOT\n    a ${var.n}\n      $${b}\n    EOT\n") == "a 3\n  ${b}\n"
    assert value("<<-EOT\n    ${var.names[0]} x\n  y\n  EOT\n") == "  a x\ny\n"


def test_unknowns_and_directives_leave_the_value_unknown() -> None:
    assert isinstance(value('"x-${later}"'), Unknown)
    directive = value('"%{ if var.flag }yes%{ endif }"')
    assert isinstance(directive, Unknown)
    assert directive.why == ("is built by a template directive (`%{…}`), which batchlint "
                             "does not evaluate")


def test_deep_expressions_cost_the_attribute_not_the_run(tmp_path: Path) -> None:
    deep = "[" * 3000 + "]" * 3000
    (tmp_path / "main.tf").write_text(
        'resource "aws_batch_job_definition" "j" {\n  name = "j"\n  type = "container"\n'
        f"  container_properties = jsonencode({deep})\n}}\n")
    loaded = load_files([str(tmp_path)])
    [jd] = [r for r in loaded.templates[0].resources if r.kind == m.JOB_DEFINITION]
    assert jd.data.get("containerProperties") is None
    with pytest.raises(EvalError, match="an expression nested more than 200 deep"):
        value(deep)


def test_deep_blocks_are_one_error(tmp_path: Path) -> None:
    depth = MAX_BLOCK_DEPTH + 1
    text = "a {\n" * (depth + 1) + "}\n" * (depth + 1)
    with pytest.raises(InputError) as raised:
        parse("main.tf", text)
    assert str(raised.value) == (f"main.tf:{depth + 1}:1: HCL blocks nested more than "
                                 f"{MAX_BLOCK_DEPTH} deep")


@pytest.mark.parametrize(("text", "message"), [
    ("x = [for k, v in var.m : k => v]\n", "1:28: HCL syntax error: unexpected '=>'"),
    ("x = f(1,,2)\n", "1:9: HCL syntax error: unexpected ','"),
    ('x = {\n  a = 1\n  b = }\n', "3:7: HCL syntax error: unexpected '}'"),
    ('x = "café" + @\n', "1:14: HCL syntax error: unexpected '@'"),
    ('x = "open\n', "2:1: HCL syntax error: unexpected end of file"),
])
def test_syntax_errors_name_the_token(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse("main.tf", text)
    assert str(raised.value) == f"main.tf:{message}"


def test_positions_count_characters() -> None:
    file = parse("main.tf", 'locals {\n  é = "ü"\n  b = 1\n}\n')
    [block] = file.blocks
    assert [(a.name, a.line, a.column) for a in block.body.attrs.values()] == [
        ("é", 2, 3), ("b", 3, 3)]
