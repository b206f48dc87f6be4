"""The nesting limit (--max-depth) as load_json applies it: a bound from each resource's text
(its brackets) settles most documents, the data settles the rest; the verdict is the
data's own depth either way."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchlint.jsonpos import load_json

# strings full of brackets: a text bound far above the data's own depth
values = st.recursive(
    st.none() | st.integers() | st.text(alphabet="a{[]}\"\\", max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(alphabet="a[{", max_size=2), inner, max_size=3),
    max_leaves=30,
)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _too_deep(text: str, limit: int) -> bool:
    try:
        load_json(text, limit)
    except RecursionError:
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(values, st.integers(1, 12), st.sampled_from([None, 2]),
       st.sampled_from(["bare", "cli", "snapshot"]))
def test_the_verdict_is_the_datas_depth(value: object, limit: int, indent: int | None,
                                        wrap: str) -> None:
    document = {
        "bare": value,
        "cli": {"jobDefinitions": [value, value, [value]]},
        "snapshot": {"accounts": [{"regions": [{"jobDefinitions": [{"a": 1}, value]}]}]},
    }[wrap]
    text = json.dumps(document, indent=indent)
    assert _too_deep(text, limit) == (_depth(document) > limit)


def _definitions(*extra: object) -> str:
    return json.dumps({"jobDefinitions": [{"jobDefinitionName": "a"}, *extra]}, indent=2)


@pytest.mark.parametrize(("nested", "deep"), [(197, False), (198, True)])
def test_a_resource_just_within_and_just_over_the_limit(nested: int, deep: bool) -> None:
    """Root object, list, resource object: 3 levels, then the resource's own lists."""
    text = _definitions({"x": json.loads("[" * nested + "]" * nested)})
    assert _too_deep(text, 200) is deep


def test_brackets_in_strings_are_not_nesting() -> None:
    """The text's 500 brackets put the bound over the limit; the data is 3 levels deep."""
    assert not _too_deep(_definitions({"command": "[" * 250 + "{" * 250}), 200)
    assert _too_deep(_definitions({"command": ["{"]}), 3)


def test_a_value_the_data_does_not_keep_is_not_measured() -> None:
    """A key given twice: json.loads keeps the last value."""
    assert not _too_deep('{"a": [[[[[[1]]]]]], "a": [1]}', 3)
    assert _too_deep('{"a": [1], "a": [[[[[[1]]]]]]}', 3)


def test_outer_levels_count_at_a_low_limit() -> None:
    """Levels load_json walks member by member: six, the last an empty list."""
    text = json.dumps({"accounts": [{"regions": [{"jobs": []}]}]})
    assert [_too_deep(text, limit) for limit in range(1, 8)] == [True] * 5 + [False] * 2
