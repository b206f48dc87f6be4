"""Built-in Python rules stay small: the median rule is at most 40 lines of code.

A line of code is a line holding a token other than a comment, outside the
docstrings (the module's, the class's and the functions'): metadata, imports,
the check and its helpers all count. Batch knowledge that several rules need
belongs in ``batchlint/facts/``, where the scope helpers hand a rule its
containers or its environment's images, so a rule is mostly its own judgement.
"""

from __future__ import annotations

import ast
import io
import statistics
import tokenize
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent / "rules"
MEDIAN_LIMIT = 40
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENDMARKER}


def lines_of_code(source: str) -> int:
    """Lines with a token that is not a comment, outside docstrings."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str) and first.end_lineno is not None):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _LAYOUT:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstrings)


def test_lines_of_code_skip_docstrings_comments_and_blank_lines() -> None:
    source = ('"""Module."""\n\n# a comment\nclass A:\n    """Doc\n\n    more."""\n\n'
              '    x = (1,\n         2)  # trailing\n\n    def f(self) -> str:\n'
              '        """Doc."""\n        return """a\nb"""\n')
    assert lines_of_code(source) == 6  # class, x = (1, 2) twice, def, return """a / b"""


def test_median_rule_is_at_most_40_lines_of_code() -> None:
    sizes = {path.name: lines_of_code(path.read_text(encoding="utf-8"))
             for path in sorted(RULES.glob("bl*.py"))}
    assert len(sizes) >= 20, f"only {len(sizes)} Python rules found in {RULES}"
    median = statistics.median(sizes.values())
    table = "\n".join(f"{n:5} {name}" for name, n in sorted(sizes.items(), key=lambda i: -i[1]))
    assert median <= MEDIAN_LIMIT, (f"the median rule has {median} lines of code, above "
                                    f"{MEDIAN_LIMIT}; lines of code per rule:\n{table}")
