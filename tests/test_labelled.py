"""The scorer of hand-labelled real discrepancies, on hand-made reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.config import CheckConfig
from claimcheck.errors import InputError
from claimcheck.labelled import read_labelled, score
from claimcheck.types import Conflict, ConflictValue, Report
from tests.conftest import write

LABELS = {
    "story": "quake",
    "documents": ["a.txt", "b.txt", "c.txt"],
    "discrepancies": [
        {
            "id": "quake-1",
            "kind": "number",
            "fact": "People killed",
            "importance": "high",
            "sides": [
                {"value": "12", "documents": ["a.txt", "b.txt"], "evidence": ["killed 12 people"]},
                {"value": "21", "documents": ["c.txt"], "evidence": ["killed 21 people"]},
            ],
        },
        {
            "id": "quake-2",
            "kind": "person_name",
            "fact": "The mayor's name",
            "importance": "medium",
            "sides": [
                {"value": "Ann Smyth", "documents": ["a.txt"], "evidence": ["Mayor Ann Smyth"]},
                {"value": "Ann Smith", "documents": ["b.txt"], "evidence": ["Mayor Ann Smith"]},
            ],
        },
    ],
    "must_not_flag": [{"kind": "place", "values": ["Kathmandu", "Nepal"], "documents": ["a.txt", "c.txt"]}],
}


def conflict(kind: str, severity: str, *values: tuple[str, tuple[str, ...]]) -> Conflict:
    shown = tuple(ConflictValue(v, v.lower(), docs, ()) for v, docs in values)
    return Conflict("k", kind, severity, 0.7, "", "", shown)


def report(*conflicts: Conflict) -> Report:
    return Report((), (), (), conflicts, (), CheckConfig())


@pytest.fixture
def labelled(tmp_path: Path):  # type: ignore[no-untyped-def]
    write(tmp_path, "quake.json", json.dumps(LABELS))
    return read_labelled(tmp_path)


def test_a_matching_card_is_real_and_a_label_not_shown_is_missed(labelled) -> None:  # type: ignore[no-untyped-def]
    found = report(
        conflict("number", "high", ("12", ("a.txt", "b.txt")), ("21", ("c.txt",))),  # quake-1
        conflict("date", "medium", ("Monday", ("a.txt",)), ("Tuesday", ("b.txt",))),  # not labelled: not real
        conflict("person_name", "low", ("Ann Smyth", ("a.txt",)), ("Ann Smith", ("b.txt",))),  # quake-2, folded away
    )
    s = score(labelled, {"quake": found}).as_dict()
    assert (s["high_medium_conflicts"], s["real_high_medium_conflicts"], s["precision_high_medium"]) == (2, 1, 0.5)
    assert (s["found_any_severity"], s["found_high_medium"], s["items_high_medium_importance"]) == (2, 1, 2)
    assert [m["item"] for m in s["missed"]] == ["quake-2"] and s["missed"][0]["reported_low"]
    assert s["must_not_flag_hit"] == 0


def test_a_card_must_set_two_sides_apart_in_the_documents_that_state_them(labelled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong_documents = conflict("number", "high", ("12", ("c.txt",)), ("21", ("a.txt",)))
    one_side_twice = conflict("number", "high", ("12", ("a.txt",)), ("12 people", ("b.txt",)))
    other_kind = conflict("date", "high", ("12", ("a.txt",)), ("21", ("c.txt",)))
    s = score(labelled, {"quake": report(wrong_documents, one_side_twice, other_kind)}).as_dict()
    assert s["real_high_medium_conflicts"] == 0 and s["found_any_severity"] == 0
    # a spelling variant is told from its rival by which is the closer written form
    close = conflict("person_name", "medium", ("Ann Smyth", ("a.txt",)), ("Ann Smith", ("b.txt",)))
    assert score(labelled, {"quake": report(close)}).as_dict()["real_high_medium_conflicts"] == 1
    # figures are compared as numbers: the label's "twelve" is the card's 12
    words = json.loads(json.dumps(LABELS).replace('"value": "12"', '"value": "twelve"'))
    write(tmp_path, "quake.json", json.dumps(words))
    as_digits = conflict("number", "high", ("12", ("a.txt",)), ("21", ("c.txt",)))
    assert score(read_labelled(tmp_path), {"quake": report(as_digits)}).as_dict()["real_high_medium_conflicts"] == 1
    # sides a labeller keeps apart by case alone are told apart by the documents they list
    cased = json.loads(json.dumps(LABELS))
    cased["documents"].append("d.txt")
    cased["discrepancies"][1]["sides"][1]["documents"] = ["b.txt", "c.txt"]
    cased["discrepancies"][1]["sides"].append({"value": "ANN SMITH", "documents": ["d.txt"], "evidence": ["ANN SMITH"]})
    write(tmp_path, "quake.json", json.dumps(cased))
    merged = conflict("person_name", "medium", ("Ann Smyth", ("a.txt",)), ("Ann Smith", ("b.txt", "c.txt", "d.txt")))
    assert score(read_labelled(tmp_path), {"quake": report(merged)}).as_dict()["real_high_medium_conflicts"] == 1


def test_a_must_not_flag_pair_set_apart_at_high_or_medium_is_counted(labelled) -> None:  # type: ignore[no-untyped-def]
    flagged = conflict("place", "medium", ("Kathmandu", ("a.txt",)), ("Nepal", ("c.txt",)))
    assert score(labelled, {"quake": report(flagged)}).as_dict()["must_not_flag_hit"] == 1
    folded = conflict("place", "low", ("Kathmandu", ("a.txt",)), ("Nepal", ("c.txt",)))
    assert score(labelled, {"quake": report(folded)}).as_dict()["must_not_flag_hit"] == 0
    assert score(labelled, {}).stories == 0  # a labelled story with no report is left out


def test_a_malformed_label_file_is_named(tmp_path: Path) -> None:
    write(tmp_path, "bad.json", json.dumps({**LABELS, "discrepancies": [{"id": "x", "importance": "urgent"}]}))
    with pytest.raises(InputError, match=r"bad\.json"):
        read_labelled(tmp_path)
