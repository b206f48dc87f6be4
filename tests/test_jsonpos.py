"""Positions of JSON pointers, checked against the text itself."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from batchlint.jsonpos import JsonLocator

TEXT = """{
  "a": [1, {"b\\"q": "x,]}"}, [ ]],
  "é": {"deep": {"er": null}},
  "last": "v"
}"""


def test_members_point_at_keys_and_elements_at_values() -> None:
    loc = JsonLocator(TEXT)
    assert loc.position(()) == (1, 1)
    assert loc.position(("a",)) == (2, 3)
    assert loc.position(("a", 1)) == (2, 12)
    assert loc.position(("a", 1, 'b"q')) == (2, 13)
    assert loc.position(("a", 2)) == (2, 30)
    assert loc.position(("é", "deep", "er")) == (3, 18)
    assert loc.position(("last",)) == (4, 3)


def test_missing_parts_fall_back_to_the_deepest_present() -> None:
    loc = JsonLocator(TEXT)
    assert loc.position(("é", "deep", "nope", 3)) == loc.position(("é", "deep"))
    assert loc.position(("a", 9)) == loc.position(("a",))
    assert loc.position(("last", "x")) == loc.position(("last",))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 1, 2]))
def test_every_value_is_found_where_json_put_it(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    loc = JsonLocator(text)
    lines = text.split("\n")

    def walk(node: object, pointer: tuple[object, ...]) -> None:
        line, col = loc.position(pointer)  # type: ignore[arg-type]
        rest = lines[line - 1][col - 1:]
        if pointer and isinstance(pointer[-1], str) and isinstance(parent_of(pointer), dict):
            assert rest.startswith(json.dumps(pointer[-1], ensure_ascii=False))
        elif not isinstance(node, dict | list):
            assert rest.startswith(json.dumps(node, ensure_ascii=False)[:1])
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*pointer, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*pointer, i))

    def parent_of(pointer: tuple[object, ...]) -> object:
        node = value
        for part in pointer[:-1]:
            node = node[part]  # type: ignore[index]
        return node

    walk(value, ())


def _pointers(node: object, pointer: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [pointer]
    if isinstance(node, dict):
        for k, v in node.items():
            found += _pointers(v, (*pointer, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _pointers(v, (*pointer, i))
    return found


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 1, 2]))
def test_offsets_recorded_while_loading_agree_with_the_text(value: object,
                                                            indent: int | None) -> None:
    """load_json parses as json.loads does, and the positions it records on the way are
    the ones a walk of the text finds, for every value and for parts that are not there."""
    from batchlint.jsonpos import load_json

    text = json.dumps({"accounts": [{"regions": [{"jobDefinitions": [value, value]}]}]},
                      indent=indent, ensure_ascii=False)
    data, offsets = load_json(text)
    assert data == json.loads(text) and offsets
    recorded, lazy = JsonLocator(text, offsets), JsonLocator(text)
    with_data = JsonLocator(text, offsets, data)  # members the data lacks are not looked for
    resource = ("accounts", 0, "regions", 0, "jobDefinitions", 1)
    for pointer in [*_pointers(data), ("accounts", 0, "nope"), ("accounts", 3, "x"),
                    (*resource, "nope"), (*resource, 0, "x"), (*resource, "a", 5)]:
        expected = lazy.position(pointer)  # type: ignore[arg-type]
        assert recorded.position(pointer) == expected, pointer  # type: ignore[arg-type]
        assert with_data.position(pointer) == expected, pointer  # type: ignore[arg-type]


def test_invalid_json_keeps_the_stdlib_error() -> None:
    from batchlint.jsonpos import load_json

    for text in ('{"a": 1,}', "[1 2]", '{"a" 1}', '{"a": 1} x', "[[["):
        try:
            json.loads(text)
        except json.JSONDecodeError as expected:
            try:
                load_json(text)
            except json.JSONDecodeError as got:
                assert (got.msg, got.lineno, got.colno) == (expected.msg, expected.lineno,
                                                            expected.colno)
                continue
        raise AssertionError(f"{text!r} was read")
