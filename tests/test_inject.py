"""The injector changes exactly what it claims, in one article, where other articles agree."""

from __future__ import annotations

import pytest

from claimcheck.inject import INJECTION_KINDS, LEADERS, TITLE_SWAPS, find_targets, inject_story
from claimcheck.types import Document

STORY = [
    Document(
        "a.txt",
        "a.txt",
        "Police Chief Tara Reid said on Tuesday that 12 people were killed in Houston, and Sen. Mark Ruiz "
        "confirmed that the talks resumed. The Obama administration sent help to the city quickly.\n",
    ),
    Document(
        "b.txt",
        "b.txt",
        "Police Chief Tara Reid told reporters on Tuesday that 12 people were killed in Houston, and "
        "Sen. Mark Ruiz agreed that the talks resumed. The Obama administration sent help to the city.\n",
    ),
    Document("c.txt", "c.txt", "Officials said the storm hit Houston hard and that the talks resumed.\n"),
]


@pytest.mark.parametrize("kind", INJECTION_KINDS)
def test_each_kind_changes_one_value_in_one_article(kind: str) -> None:
    copies = inject_story("s", STORY, {}, [kind], 3, seed=1)
    assert copies, f"no {kind} target found"
    for documents, injection in copies:
        changed = [d for d, original in zip(documents, STORY, strict=True) if d.text != original.text]
        assert [d.id for d in changed] == [injection.document_id]
        doc = changed[0]
        original = next(d for d in STORY if d.id == doc.id)
        assert doc.text[injection.start : injection.end] == injection.replacement
        assert injection.replacement != injection.original
        # the text outside the span is untouched
        assert doc.text[: injection.start] == original.text[: injection.start]
        assert doc.text[injection.end :] == original.text[injection.start + len(injection.original) :]
        # and another article mentions what was changed
        assert any(injection.original in d.text for d in STORY if d.id != doc.id)


def test_kind_specific_changes() -> None:
    def first(kind: str) -> tuple[str, str]:
        _, injection = inject_story("s", STORY, {}, [kind], 1, seed=3)[0]
        return injection.original, injection.replacement

    original, new = first("person_name")
    assert original in {"Tara Reid", "Mark Ruiz"}
    assert new.split()[0] == original.split()[0] and 1 <= sum(a != b for a, b in zip(new, original, strict=True)) <= 2
    original, new = first("number")
    assert original == "12 people" and new.endswith(" people") and new != original
    original, new = first("date")
    assert original == "Tuesday" and new in {"Monday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    original, new = first("title")
    assert TITLE_SWAPS[original] == new
    original, new = first("role_holder")
    assert original == "Obama" and new in LEADERS
    assert first("polarity") in {("resumed", "never resumed"), ("resumed", "not resumed")}
    original, new = first("place")
    assert original == "Houston" and new != "Houston"


def test_same_seed_same_injections() -> None:
    a = inject_story("s", STORY, {}, INJECTION_KINDS, 2, seed=7)
    b = inject_story("s", STORY, {}, INJECTION_KINDS, 2, seed=7)
    assert [i for _, i in a] == [i for _, i in b]
    subset = inject_story("s", STORY, {}, ["date"], 2, seed=7)
    assert [i for _, i in subset] == [i for _, i in a if i.kind == "date"]


def test_datelines_are_not_targets() -> None:
    story = [
        Document(
            "a.txt", "a.txt", "Storm hits city\nNovember 23, 2009\nThe storm hit the city on Monday, officials said.\n"
        ),
        Document("b.txt", "b.txt", "November 23, 2009\nThe storm hit the city on Monday, police said.\n"),
    ]
    targets = find_targets("date", story, {})
    assert {t.text for t in targets} == {"Monday"}


def test_mentions_drive_targets_when_given() -> None:
    mentions = {
        "a.txt": [{"type": "HUMAN_PART_PER", "spans": [[13, 22]], "cross_doc_instance": "P1"}],
        "b.txt": [{"type": "HUMAN_PART_PER", "spans": [[13, 22]], "cross_doc_instance": "P1"}],
    }
    targets = find_targets("person_name", STORY[:2], mentions)
    assert {(t.document_id, t.text) for t in targets} == {("a.txt", "Tara Reid"), ("b.txt", "Tara Reid")}


def test_targets_are_values_not_parts_of_names_or_times() -> None:
    story = [
        Document(
            d,
            d,
            "The BlackBerry 8900 went on sale at 10:00 BST, and 12 stores sold out. The Bush administration "
            "praised the Union of Concerned Scientists in Boston, where Reggie Bush spoke.\n",
        )
        for d in ("a.txt", "b.txt")
    ]
    assert {t.text for t in find_targets("number", story, {})} == {"12 stores"}
    assert {t.text for t in find_targets("place", story, {})} == {"Boston"}
