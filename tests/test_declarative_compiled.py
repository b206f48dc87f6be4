"""Declarative rules' conditions run as compiled Python functions
(``batchlint.declarative.compiled``), not through jmespath's interpreter: on any data,
each answers exactly what ``jmespath.search`` answers (the same value and type, or the
same kind of error: jmespath raises TypeError for `"" < 2`), for the built-in rules'
conditions and every kind of node."""

from __future__ import annotations

import tomllib
from typing import Any

import jmespath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchlint.declarative import compiled

from .conftest import REPO

BUILT_IN = sorted(tomllib.loads(path.read_text())["condition"]
                  for path in (REPO / "rules").glob("*.toml"))
MORE = [
    "a == b", "a != `1`", "a.b.c == 'x'", "a < `2`", "a >= b", "a <= 'm'", "a > `0.5`",
    "!a", "!(a.b)", "a || b", "a && b.c", "!a && (b || c)", "a == `true`", "a == `0`",
    "contains(['x', 'y'], a)", "length(a) > `1`", "[a, b.c]", "@", "@.a", "a == null",
    "`[1, 2]` == a", "a[0] == 'x'", "a[*].b", "type(a) == 'string'", "starts_with(a, 'x')",
]
KEYS = st.sampled_from(["a", "b", "c", "type", "status", "computeResources", "timeout",
                        "minvCpus", "spotIamFleetRole", "attemptDurationSeconds"])
SCALARS = (st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.5, 2.0])
           | st.sampled_from(["", "x", "y", "m", "SPOT", "EC2", "UNMANAGED", "INVALID",
                              "BEST_FIT"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)


def _answer(search: Any, data: Any) -> tuple[str, Any]:
    try:
        found = search(data)
    except Exception as exc:  # jmespath raises TypeError comparing "" with 2: so must it
        return "error", type(exc).__name__
    return "value", (type(found).__name__, found)


@pytest.mark.parametrize("expression", [*BUILT_IN, *MORE])
@settings(max_examples=50, deadline=None)
@given(data=st.dictionaries(KEYS, VALUES, max_size=5) | VALUES)
def test_a_compiled_condition_answers_as_jmespath(expression: str, data: Any) -> None:
    parsed = jmespath.compile(expression)
    assert _answer(compiled(parsed.parsed), data) == _answer(parsed.search, data)


def test_the_built_in_conditions_are_covered() -> None:
    assert len(BUILT_IN) == 5
