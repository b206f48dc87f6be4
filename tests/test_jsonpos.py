"""Positions of JSON pointers, checked against the text itself."""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from batchlint.jsonlocator import JsonLocator

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


# leaves json.loads reads as ints, floats and constants (NaN, Infinity), keys of any text
exact_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=4),
    max_leaves=20,
)
# where a value sits: in a snapshot's resources, in an AWS CLI file's, or the document
SHAPES: dict[str, Callable[[object], object]] = {
    "snapshot": lambda value: {"accounts": [{"regions": [{"jobDefinitions": [value, value]}]}]},
    "cli": lambda value: {"jobDefinitions": [value, value, [value]], "nextToken": value},
    "bare": lambda value: value,
    "list": lambda value: [value, {"a": [value]}],
}
RESOURCE = {"snapshot": ("accounts", 0, "regions", 0, "jobDefinitions", 1),
            "cli": ("jobDefinitions", 1), "bare": (), "list": (1, "a", 0)}


def _same(got: object, expected: object) -> bool:
    """Equal, and of the same types all the way down, keys in the same order (NaN is NaN)."""
    if type(got) is not type(expected):
        return False
    if isinstance(got, dict) and isinstance(expected, dict):
        return list(got) == list(expected) and all(_same(got[k], expected[k]) for k in got)
    if isinstance(got, list) and isinstance(expected, list):
        return len(got) == len(expected) and all(map(_same, got, expected))
    return got == expected or repr(got) == repr(expected) == "nan"


@settings(max_examples=300, deadline=None)
@given(exact_values, st.sampled_from([None, 1, 2]), st.sampled_from(sorted(SHAPES)))
def test_offsets_recorded_while_loading_agree_with_the_text(value: object, indent: int | None,
                                                            shape: str) -> None:
    """load_json builds what json.loads builds, and the positions it records on the way are
    the ones a walk of the text finds, for every value and for parts that are not there."""
    from batchlint.jsonpos import load_json

    text = json.dumps(SHAPES[shape](value), indent=indent, ensure_ascii=False)
    data, offsets = load_json(text)
    assert _same(data, json.loads(text))
    assert offsets or not isinstance(data, dict | list)
    recorded, lazy = JsonLocator(text, offsets), JsonLocator(text)
    with_data = JsonLocator(text, offsets, data)  # members the data lacks are not looked for
    resource = RESOURCE[shape]
    for pointer in [*_pointers(data), ("accounts", 0, "nope"), ("accounts", 3, "x"),
                    (*resource, "nope"), (*resource, 0, "x"), (*resource, "a", 5)]:
        expected = lazy.position(pointer)  # type: ignore[arg-type]
        assert recorded.position(pointer) == expected, pointer  # type: ignore[arg-type]
        assert with_data.position(pointer) == expected, pointer  # type: ignore[arg-type]


def test_invalid_json_keeps_the_stdlib_error() -> None:
    from batchlint.jsonpos import load_json

    for text in ('{"a": 1,}', "[1 2]", '{"a" 1}', '{"a": 1} x', "[[[", "", " ",
                 '{"a": [1,]}', '["\\x"]', '\ufeff[]', '{a: 1}', '{"a"1}', "[1] [2]"):
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


def _outcome(load: Callable[[str], object], text: str) -> tuple[object, ...]:
    try:
        return ("read", load(text))
    except json.JSONDecodeError as error:
        return ("invalid", error.msg, error.lineno, error.colno)
    except RecursionError:
        return ("too deep",)


@settings(max_examples=500, deadline=None)
@given(exact_values, st.sampled_from(sorted(SHAPES)), st.integers(0, 10**6),
       st.sampled_from(["drop", "insert", "cut"]), st.sampled_from(list('{}[],:"\\ 0-eNa')))
def test_malformed_text_gets_the_stdlibs_answer(value: object, shape: str, where: int,
                                                edit: str, char: str) -> None:
    """A document with one character dropped or added, or cut short: json.loads' error
    (message, line, column), or, where the text still reads, json.loads' data."""
    from batchlint.jsonpos import load_json

    text = json.dumps(SHAPES[shape](value), indent=1)
    at = where % (len(text) + 1)
    text = {"drop": text[:at] + text[at + 1:], "insert": text[:at] + char + text[at:],
            "cut": text[:at]}[edit]
    got, expected = _outcome(lambda t: load_json(t)[0], text), _outcome(json.loads, text)
    assert got[0] == expected[0] and (_same(got[1], expected[1]) if got[0] == "read"
                                      else got == expected)


def test_a_key_given_twice_keeps_its_last_value_and_its_last_offset() -> None:
    from batchlint.jsonpos import load_json

    text = '{"jobDefinitions": [{"a": 1}, [2]], "x": 0, "jobDefinitions": [{"b": 2}, {"a": 3}]}'
    data, offsets = load_json(text)
    assert _same(data, json.loads(text))
    last = text.rindex('"jobDefinitions"')
    assert offsets[("jobDefinitions",)] == (last, text.index("[", last))
    assert offsets[("jobDefinitions", 1)] == (text.rindex('{"a": 3}'),) * 2
    lazy = JsonLocator(text, offsets, data)
    assert lazy.position(("jobDefinitions", 1, "a")) == (1, text.rindex('"a"') + 1)


# few names, used as keys at every depth and as string values: a name's first occurrence in
# a resource's text is often not its member's key
_NAMES = st.sampled_from(["a", "b", "", "a b", "é", 'q"', "x\\"])
colliding_values = st.recursive(
    st.none() | st.integers(0, 2) | _NAMES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=16,
)


@settings(max_examples=300, deadline=None)
@given(colliding_values, st.sampled_from([None, 1]), st.booleans())
def test_a_member_found_by_its_name_is_the_one_a_walk_finds(value: object, indent: int | None,
                                                            ascii_only: bool) -> None:
    """Inside a resource, a member whose quoted name occurs once in the resource's text is
    found without reading its siblings: where the name recurs (deeper, as a value, escaped),
    the members are read; the position is the same either way."""
    from batchlint.jsonpos import load_json

    text = json.dumps({"jobDefinitions": [value, {"x": value}, value]}, indent=indent,
                      ensure_ascii=ascii_only)
    data, offsets = load_json(text)
    with_data, lazy = JsonLocator(text, offsets, data), JsonLocator(text)
    for pointer in _pointers(data):
        expected = lazy.position(pointer)  # type: ignore[arg-type]
        assert with_data.position(pointer) == expected, pointer  # type: ignore[arg-type]


def test_a_name_written_with_escapes_is_found_by_reading_the_members() -> None:
    """`"\\u0061"` is the key `a`: the one literal `"a"` of the resource is another member's."""
    from batchlint.jsonpos import load_json

    text = '{"jobDefinitions": [{}, {"b": {"a": 1}, "\\u0061": 2}, {}]}'
    data, offsets = load_json(text)
    assert data["jobDefinitions"][1]["a"] == 2
    located = JsonLocator(text, offsets, data).position(("jobDefinitions", 1, "a"))
    assert located == (1, text.index('"\\u0061"') + 1)
