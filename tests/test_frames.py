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


def confidence(kind: str, *texts: tuple[str, str]) -> float:
    """How sure the surest conflict of `kind` is (0 without one): what decides whether an
    editor reads it first, whatever thresholds a refit of the severity model sets."""
    found = claims(*texts)
    return max(
        (c.confidence for c in find_conflicts(found, all_pairs(found), CheckConfig()) if c.kind == kind), default=0
    )


def test_values_know_their_predicate_and_slot() -> None:
    [active], [passive] = (claims(("a", "The quake killed 12 people.")), claims(("b", "Twelve people were killed.")))
    for claim in (active, passive):
        [number] = [v for v in claim.values if v.kind == "number"]
        assert claim.frames[number.frame].predicate == "kill" and number.slot == "dobj"  # passive or not
    [meeting] = claims(("a", "Hegseth met Admiral Dong Jun in Kuala Lumpur on Friday."))
    slots = {v.kind: v.slot for v in meeting.values}
    assert slots["place"] == "loc" and slots["date"] == "time"
    assert meeting.frames[0].predicate == "meet" and meeting.frames[0].subject == "hegseth"


def test_places_of_events_with_other_people_are_other_facts() -> None:
    """Who takes part in an event is read from its arguments and from "between", "with" and
    "by": a place where two others met is not where these two met; the same people, or one
    of them named another way, keep the card."""
    [busan] = claims(
        ("a", "The talks followed negotiations between President Trump and Xi Jinping in Busan last week.")
    )
    [place] = [v for v in busan.values if v.kind == "place"]
    assert place.agents == (("person", "trump"), ("person", "xi jinping"))
    other = ("b", "The talks followed a meeting between Pete Hegseth and Dong Jun in Kuala Lumpur last week.")
    same = ("c", "The talks followed negotiations between Donald Trump and Xi in Seoul last week.")
    assert confidence("place", ("a", busan.text), other) == 0
    assert confidence("place", ("a", busan.text), same) > 0


def test_different_slots_are_weaker_evidence_than_one_slot() -> None:
    # the same noun counted by two predicates, killed and injured, is less likely one fact
    # than the same predicate's figures
    assert confidence(
        "number",
        ("a", "The earthquake killed 12 people in the northern province on Sunday."),
        ("b", "The earthquake injured 21 people in the northern province on Sunday."),
    ) < confidence(
        "number",
        ("a", "The earthquake killed 12 people in the northern province on Sunday."),
        ("b", "The earthquake killed 21 people in the northern province on Sunday."),
    )


def test_polarity_is_surest_for_the_same_predicate_of_the_same_subject_and_object() -> None:
    resumed = confidence(
        "polarity",
        ("a", "Military talks between the two countries resumed on Friday."),
        ("b", "Military talks between the two countries have not resumed yet."),
    )
    offered = confidence(
        "polarity",
        ("a", "The minister offered a deal to the striking workers on Friday."),
        ("b", "The minister did not offer details to the striking workers on Friday."),
    )
    assert resumed > 0 and offered < resumed


def test_an_event_is_happened_not_expected_alleged_or_denied() -> None:
    def statuses(text: str) -> dict[str, str]:
        [claim] = claims(("a", text))
        return {f.predicate: f.status for f in claim.frames}

    assert statuses("The mayor is expected to be indicted on Friday.")["indict"] == "expected"
    assert statuses("Talks between the two militaries will resume next month.")["resume"] == "expected"
    assert statuses("He allegedly took the money.")["take"] == "alleged"
    assert statuses("Police accused him of taking the money.")["take"] == "alleged"
    assert statuses("He denied taking the money.")["take"] == "denied"
    assert statuses("The mayor was indicted on Friday.")["indict"] == "happened"
    # a negated event keeps its mood: the negation is the frame's own flag
    [denied] = claims(("a", "The mayor was not indicted on Friday."))
    assert (denied.frames[0].negated, denied.frames[0].status) == (True, "happened")
    [denied] = claims(("a", "The mayor will not be indicted."))
    assert (denied.frames[0].negated, denied.frames[0].status) == (True, "expected")
    # what a noun names as an aim has not happened: "plans to resume", "a quest to sign"
    assert statuses("The countries announced plans to resume talks.")["resume"] == "expected"


def test_a_denial_is_set_against_an_affirmation_in_its_own_mood() -> None:
    """ "Did not sign him" is contradicted by "signed him", not by "may sign him" or "their
    quest to sign him"; "will not leave" by "will leave", not by "left"."""

    def polarity(x: str, y: str) -> bool:
        found = claims(("a", x), ("b", y))
        return any(c.kind == "polarity" for c in find_conflicts(found, all_pairs(found), CheckConfig()))

    assert polarity("The Red Sox did not sign Mark Teixeira on Friday.", "The Red Sox signed Mark Teixeira on Friday.")
    assert not polarity("The Red Sox did not sign Mark Teixeira on Friday.", "The Red Sox may sign Mark Teixeira.")
    assert not polarity(
        "The Red Sox did not sign Mark Teixeira on Friday.", "The Red Sox began their quest to sign Mark Teixeira."
    )
    assert polarity("Tennant will not leave the show this year.", "Tennant will leave the show this year.")
    assert not polarity("The results of the test won't be known for weeks.", "The results of the test were known.")
    # hearsay asserts: "reportedly" tells that it happened, as "never" tells that it did not
    assert polarity("Two of the robbers never dressed as women.", "Two of the robbers reportedly dressed as women.")


def test_status_sets_an_expected_event_against_one_that_happened() -> None:
    found = claims(
        ("a", "The former mayor is expected to be indicted by the grand jury on Friday."),
        ("b", "The former mayor was indicted by the grand jury on Friday."),
    )
    [c] = [c for c in find_conflicts(found, all_pairs(found), CheckConfig()) if c.kind == "status"]
    assert {v.normalized for v in c.values} == {"expected", "happened"}
    assert "it is expected or planned (“indicted”)" in c.summary and "it happened (“indicted”)" in c.summary
    # another event's status is no conflict: expected to be indicted, and was arrested
    other = claims(
        ("a", "The former mayor is expected to be indicted by the grand jury on Friday."),
        ("b", "The former mayor was arrested by the police on Friday."),
    )
    assert not [c for c in find_conflicts(other, all_pairs(other), CheckConfig()) if c.kind == "status"]


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


def test_entities_are_read_where_a_name_can_be_and_nowhere_else() -> None:
    from claimcheck import nlp

    full = nlp._pipeline()[0]
    named = [
        "Barack Obama met the Chinese delegation in Beijing on Monday.",
        "He said Obama would go.",  # a name after a function word that opens the sentence
        "Police said the fire was out.",  # a capital on a noun: NER may read it
    ]
    for text, parsed in zip(named, nlp.parse(named), strict=True):
        assert parsed.entities == tuple((e.start_char, e.end_char, e.label_) for e in full(text).ents), text
    # no capital but the one a pronoun opens the sentence with: names are never looked for
    # there, so NER is not run; figures are the rules' to read, not NER's
    [claim] = claims(("a", "He said the fire burned for two days and ten homes were lost."))
    assert [p.entities for p in nlp.parse([claim.text, "the mayor of london resigned."])] == [(), ()]
    assert [v.normalized for v in claim.values if v.kind == "number"] == ["2", "10"]


def test_spacy_loads_without_torch_and_torch_still_imports() -> None:
    """thinc would import torch for nothing (2.7 CPU-s and 180 MB in each parsing process);
    it is kept out while spaCy loads, and stays importable for the torch encoder backend."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from claimcheck import nlp\n"
        "[p] = nlp.parse(['Barack Obama visited Paris on Monday.'])\n"
        "assert p.entities, 'no entities'\n"
        "print('torch' in sys.modules)\n"
        "import torch\n"
        "print(torch.tensor([1.0]).sum().item())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "1.0"]
