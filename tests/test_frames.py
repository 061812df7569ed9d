"""What a value is of, read from the parse (spaCy's en_core_web_sm)."""

from __future__ import annotations

from claimcheck.config import CheckConfig
from claimcheck.conflicts import find_conflicts
from claimcheck.pipeline import documents_claims
from claimcheck.types import Claim, Document
from tests.test_conflicts import all_pairs


def claims(*texts: tuple[str, str]) -> list[Claim]:
    docs = [Document(d, d, t) for d, t in texts]
    return [c for cs in documents_claims(docs) for c in cs]


def kinds(*texts: tuple[str, str]) -> list[str]:
    """The kinds of conflict shown at high or medium: what an editor reads first."""
    found = claims(*texts)
    return sorted(c.kind for c in find_conflicts(found, all_pairs(found), CheckConfig()) if c.severity != "low")


def test_values_know_their_predicate_and_slot() -> None:
    [active], [passive] = (claims(("a", "The quake killed 12 people.")), claims(("b", "Twelve people were killed.")))
    for claim in (active, passive):
        [number] = [v for v in claim.values if v.kind == "number"]
        assert claim.frames[number.frame].predicate == "kill" and number.slot == "dobj"  # passive or not
    [meeting] = claims(("a", "Hegseth met Admiral Dong Jun in Kuala Lumpur on Friday."))
    slots = {v.kind: v.slot for v in meeting.values}
    assert slots["place"] == "loc" and slots["date"] == "time"
    assert meeting.frames[0].predicate == "meet" and meeting.frames[0].subject == "hegseth"


def test_different_slots_are_not_shown_as_one_fact() -> None:
    # the same noun counted by two predicates, killed and injured: at most a low possibility
    assert "number" not in kinds(
        ("a", "The earthquake killed 12 people in the northern province on Sunday."),
        ("b", "The earthquake injured 21 people in the northern province on Sunday."),
    )
    assert "number" in kinds(
        ("a", "The earthquake killed 12 people in the northern province on Sunday."),
        ("b", "The earthquake killed 21 people in the northern province on Sunday."),
    )


def test_polarity_is_shown_for_the_same_predicate_of_the_same_subject_and_object() -> None:
    assert "polarity" in kinds(
        ("a", "Military talks between the two countries resumed on Friday."),
        ("b", "Military talks between the two countries have not resumed yet."),
    )
    assert "polarity" not in kinds(
        ("a", "The minister offered a deal to the striking workers on Friday."),
        ("b", "The minister did not offer details to the striking workers on Friday."),
    )


def test_a_group_or_a_place_is_not_a_person() -> None:
    [claim] = claims(("a", "House Democrats and Europe welcomed the deal that Senator Jane Doe signed."))
    people = {v.normalized for v in claim.values if v.kind in ("person", "name")}
    assert "house democrats" not in people and "europe" not in people and "jane doe" in people


def test_an_official_pipeline_is_preferred_and_a_missing_one_is_named(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import importlib
    import types

    import pytest

    from claimcheck import nlp
    from claimcheck.errors import ModelError

    loaded: list[str] = []

    class Pipeline:
        def __init__(self) -> None:
            self.meta = {"version": "3.8.0"}

    def fake_import(name: str) -> object:
        if name not in nlp.MODELS:
            return importlib.import_module(name)
        loaded.append(name)
        return types.SimpleNamespace(load=Pipeline)

    monkeypatch.setattr(nlp.importlib, "import_module", fake_import)
    nlp._pipeline.cache_clear()
    try:
        assert nlp._pipeline()[1] == "en_core_web_sm" and loaded == ["en_core_web_sm"]

        def nothing(name: str) -> object:
            raise ImportError(name)

        monkeypatch.setattr(nlp.importlib, "import_module", nothing)
        nlp._pipeline.cache_clear()
        with pytest.raises(ModelError, match=r"requirements/model\.txt"):
            nlp.parse(["A sentence."])
    finally:
        nlp._pipeline.cache_clear()  # the next test loads the real pipeline again
