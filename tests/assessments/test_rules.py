"""The answer and design rules of assessment grids, on generated grids (hypothesis) and by hand."""

import math
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parcours.assessments import rules
from parcours.core.validators import EARLIEST_DATE, latest_date

CHARS = st.characters(exclude_characters="\x00")
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
CHOICE_VALUES = st.lists(
    st.text(CHARS, min_size=1, max_size=12).filter(lambda s: s.strip()), min_size=2, max_size=6, unique=True
)


@st.composite
def questions(draw, key):
    kind = draw(st.sampled_from(sorted(rules.KINDS)))
    question = {
        "key": key,
        "label": draw(st.text(CHARS, min_size=1, max_size=40).filter(lambda s: s.strip())),
        "kind": kind,
        "required": draw(st.booleans()),
        "choices": [],
        "scale_min": None,
        "scale_max": None,
        "min": None,
        "max": None,
    }
    if kind in rules.CHOICE_KINDS:
        question["choices"] = [{"value": v, "label": v.upper()} for v in draw(CHOICE_VALUES)]
    if kind == "scale":
        low = draw(st.integers(-10, 10))
        question["scale_min"], question["scale_max"] = low, low + draw(st.integers(1, 10))
    if kind == "number":
        low = draw(st.none() | st.integers(-1000, 1000) | st.floats(-1000, 1000))
        question["min"] = low
        if draw(st.booleans()):
            question["max"] = (low if low is not None else 0) + draw(st.integers(0, 5000))
    return question


@st.composite
def grids(draw):
    keys = draw(st.lists(KEYS, min_size=1, max_size=10, unique=True))
    items = [draw(questions(key)) for key in keys]
    cut = draw(st.integers(0, len(items)))
    return {
        "sections": [
            {"title": "Première", "questions": items[:cut]},
            {"title": "Seconde", "questions": items[cut:]},
        ]
    }


def valid_answer(question):
    kind = question["kind"]
    values = [c["value"] for c in question["choices"]]
    if kind == "choice":
        return st.sampled_from(values)
    if kind == "multiple_choice":
        return st.lists(st.sampled_from(values), min_size=1, unique=True)
    if kind == "scale":
        return st.integers(question["scale_min"], question["scale_max"])
    if kind == "number":
        low = question["min"] if question["min"] is not None else -1e12
        high = question["max"] if question["max"] is not None else 1e12
        ints = (
            st.integers(math.ceil(low), math.floor(high))
            if math.ceil(low) <= math.floor(high)
            else st.nothing()
        )
        return st.floats(low, high, allow_nan=False, allow_infinity=False) | ints
    if kind == "date":
        return st.dates(EARLIEST_DATE, latest_date()).map(date.isoformat)
    return st.text(CHARS, min_size=1, max_size=300).filter(lambda s: s.strip())


@st.composite
def answered(draw):
    """A grid and valid answers to it: every required question, and some of the others."""
    grid = draw(grids())
    answers = {}
    for question in rules.questions_of(grid):
        if question["required"] or draw(st.booleans()):
            answers[question["key"]] = draw(valid_answer(question))
    return grid, answers


def invalid_answer(question):
    """A non-empty value of the wrong type, out of range or badly formed for the question."""
    kind = question["kind"]
    values = [c["value"] for c in question["choices"]]
    if kind == "choice":
        return st.text(min_size=1).filter(lambda s: s not in values and s.strip()) | st.sampled_from(
            [1, True, 2.5, ["x"], {"a": 1}]
        )
    if kind == "multiple_choice":
        return st.sampled_from(
            [values[0], [values[0], values[0]], [values[0], "\x00inconnu"], [1], {"v": 1}, 3]
        )
    if kind == "scale":
        low, high = question["scale_min"], question["scale_max"]
        return st.sampled_from([low - 1, high + 1, True, False, low + 0.5, str(low), [low], float(low)])
    if kind == "number":
        bad = ["12", True, False, math.nan, math.inf, -math.inf, [1], {"n": 1}, 10**16]
        if question["min"] is not None:
            bad.append(question["min"] - 1)
        if question["max"] is not None:
            bad.append(question["max"] + 0.5)
        return st.sampled_from(bad)
    if kind == "date":
        return st.sampled_from(
            [
                "2024-02-30",
                "01/02/2024",
                "2024-1-1",
                "20240101",
                "demain",
                20240101,
                True,
                "0001-01-01",
                "9999-12-31",
            ]
        )
    return st.sampled_from([123, 1.5, True, ["texte"], {"t": "x"}, "x" * (rules.TEXT_MAX + 1), "a\x00b"])


@settings(max_examples=300)
@given(grids())
def test_generated_grids_are_publishable(grid):
    assert rules.validate_structure(grid) == {}


@settings(max_examples=300)
@given(answered())
def test_valid_answers_are_accepted(case):
    grid, answers = case
    assert rules.validate_answers(grid, answers, complete=True) == {}
    assert rules.validate_answers(grid, answers, complete=False) == {}
    assert rules.clean_answers(grid, answers) == answers


@settings(max_examples=400)
@given(answered(), st.data())
def test_a_wrong_answer_is_refused_on_its_field(case, data):
    grid, answers = case
    question = data.draw(st.sampled_from(rules.questions_of(grid)))
    bad = data.draw(invalid_answer(question))
    assume(not rules.is_empty(bad))
    mutated = {**answers, question["key"]: bad}
    for complete in (False, True):
        assert set(rules.validate_answers(grid, mutated, complete=complete)) == {f"answers.{question['key']}"}


@given(answered(), st.text(min_size=1, max_size=30))
def test_unknown_keys_are_refused(case, key):
    grid, answers = case
    assume(key not in {q["key"] for q in rules.questions_of(grid)})
    errors = rules.validate_answers(grid, {**answers, key: "x"}, complete=False)
    assert set(errors) == {f"answers.{key}"}


@given(answered())
def test_drafts_may_be_partial_but_completion_needs_required_answers(case):
    grid, answers = case
    required = {q["key"] for q in rules.questions_of(grid) if q["required"]}
    assert rules.validate_answers(grid, {}, complete=False) == {}
    errors = rules.validate_answers(grid, {}, complete=True)
    assert set(errors) == {f"answers.{k}" for k in required}
    blanked = {k: ("  " if isinstance(v, str) else None) for k, v in answers.items()}
    assert set(rules.validate_answers(grid, blanked, complete=True)) == {f"answers.{k}" for k in required}


def test_answers_must_be_an_object():
    grid = {"sections": [{"title": "S", "questions": [{"key": "a", "label": "A", "kind": "text"}]}]}
    assert set(rules.validate_answers(grid, ["a"], complete=False)) == {"answers"}
    assert set(rules.validate_answers(grid, None, complete=False)) == {"answers"}


def test_structure_errors_block_publishing():
    assert set(rules.validate_structure({"sections": [{"title": "Vide", "questions": []}]})) == {"questions"}
    grid = {
        "sections": [
            {
                "title": "S",
                "questions": [
                    {"key": "a", "label": "A", "kind": "choice", "choices": [{"value": "x", "label": "X"}]},
                    {
                        "key": "b",
                        "label": "B",
                        "kind": "choice",
                        "choices": [{"value": "x", "label": "X"}, {"value": "x", "label": "Y"}],
                    },
                    {"key": "c", "label": "C", "kind": "scale", "scale_min": 4, "scale_max": 4},
                    {"key": "a", "label": "A bis", "kind": "text"},
                    {"key": "Mauvaise clé", "label": "D", "kind": "text"},
                    {"key": "e", "label": "E", "kind": "number", "min": 10, "max": 1},
                    {"key": "f", "label": "", "kind": "colour"},
                ],
            }
        ]
    }
    errors = rules.validate_structure(grid)
    assert {
        "questions.a.choices",
        "questions.b.choices[1].value",
        "questions.c.scale_max",
        "questions.a.key",
        "questions[4].key",
        "questions.e.max",
        "questions.f.label",
        "questions.f.kind",
    } <= set(errors)


def test_form_values_are_typed_and_choice_lines_parsed():
    grid = {
        "sections": [
            {
                "title": "S",
                "questions": [
                    {"key": "n", "label": "N", "kind": "number"},
                    {"key": "s", "label": "S", "kind": "scale", "scale_min": 1, "scale_max": 4},
                    {"key": "m", "label": "M", "kind": "multiple_choice"},
                    {"key": "t", "label": "T", "kind": "text"},
                    {"key": "d", "label": "D", "kind": "date"},
                ],
            }
        ]
    }
    form = {"answers.n": ["3,5"], "answers.s": ["deux"], "answers.m": ["a", "b"], "answers.t": ["  "]}
    assert rules.answers_from_form(grid, form) == {
        "n": 3.5,
        "s": "deux",
        "m": ["a", "b"],
        "t": None,
        "d": None,
    }
    assert rules.parse_choice_lines("Oui\n\nnon_precise | Non précisé\nSanté mentale") == [
        {"value": "oui", "label": "Oui"},
        {"value": "non_precise", "label": "Non précisé"},
        {"value": "sante_mentale", "label": "Santé mentale"},
    ]
    assert rules.slug_key("1er entretien") == "q_1er_entretien"
    assert rules.unique_key("sante", {"sante", "sante_2"}) == "sante_3"
