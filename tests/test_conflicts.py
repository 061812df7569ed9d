from __future__ import annotations

from claimcheck.config import CheckConfig
from claimcheck.conflicts import find_conflicts
from claimcheck.types import Claim, Cluster, Document
from claimcheck.values import extract_values


def story(*sentences: tuple[str, str]) -> list[Claim]:
    claims = []
    for n, (doc, text) in enumerate(sentences):
        d = Document(doc, doc, text)
        claims.append(extract_values(Claim(f"{doc}:{n}", doc, text, (0, len(text))), d))
    return claims


def everything_clustered(claims: list[Claim]) -> list[Cluster]:
    """One cluster per claim holding one claim of each other document (as the cluster stage would)."""
    out = []
    for c in claims:
        others = {}
        for o in claims:
            if o.document_id != c.document_id:
                others.setdefault(o.document_id, o.id)
        out.append(Cluster(f"c{len(out)}", (c.id, *others.values()), (1.0, *[0.9] * len(others))))
    return out


def conflicts(*sentences: tuple[str, str]):  # type: ignore[no-untyped-def]
    claims = story(*sentences)
    return find_conflicts(claims, everything_clustered(claims), CheckConfig())


def kinds(*sentences: tuple[str, str]) -> list[str]:
    return sorted(c.kind for c in conflicts(*sentences))


def test_person_name_spelling_majority_and_outlier() -> None:
    found = conflicts(
        ("a", "Defense Minister Dong Jun met the delegation."),
        ("b", "Admiral Dong Jun said talks went well."),
        ("c", "China's defense minister, Adm. Dong Un, said the talks went well."),
    )
    [c] = [c for c in found if c.kind == "person_name"]
    assert [v.normalized for v in c.values] == ["dong jun", "dong un"]
    assert c.values[1].document_ids == ("c",)
    assert c.summary == "2 sources write Dong Jun, 1 writes Dong Un (c)"
    assert c.severity == "medium"


def test_title_conflict_but_not_a_refinement() -> None:
    found = conflicts(
        ("a", "U.S. Defense Secretary Pete Hegseth spoke in Malaysia."),
        ("b", "US Secretary of War Pete Hegseth spoke in Malaysia."),
        ("c", "Secretary Hegseth spoke in Malaysia."),
    )
    [c] = [c for c in found if c.kind == "title"]
    assert {v.normalized for v in c.values} == {"defense secretary", "war secretary"}
    assert c.subject == "Pete Hegseth"


def test_rank_and_office_do_not_clash() -> None:
    assert (
        kinds(
            ("a", "Chinese Defense Minister Dong Jun met him."),
            ("b", "Admiral Dong Jun met him in Malaysia."),
        )
        == []
    )


def test_role_holder_against_the_leader_others_name() -> None:
    found = conflicts(
        ("a", "The move follows a deal sealed by US President Donald Trump and Chinese President Xi Jinping."),
        ("b", "President Trump met President Xi in Busan."),
        ("c", "This highlights the Biden administration's willingness to confront China."),
    )
    [c] = [c for c in found if c.kind == "role_holder"]
    assert c.values[0].normalized == "donald trump"
    assert c.values[1].value == "Biden administration" and c.values[1].document_ids == ("c",)
    assert c.severity == "high"


def test_containment_and_spelling_variants_are_not_flagged() -> None:
    assert (
        kinds(
            ("a", "Hegseth met Admiral Dong Jun in Kuala Lumpur, Malaysia, as the U.S. sought to deescalate."),
            ("b", "Hegseth met Dong Jun in Malaysia as the United States sought to de-escalate."),
            ("c", "Defence Secretary Hegseth met Xi Jinping in Malaysia as the US sought to de-escalate."),
            ("d", "Defense Secretary Hegseth met President Xi in Malaysia as the US sought to de-escalate."),
        )
        == []
    )


def test_numbers_dates_places_and_polarity() -> None:
    assert kinds(
        ("a", "The blast killed 12 people in Kabul on March 3, 2021."),
        ("b", "The blast killed 21 people in Kabul on March 3, 2021."),
    ) == ["number"]
    assert kinds(("a", "China cut off the dialogue in 2022."), ("b", "China cut off the dialogue in 2023.")) == ["date"]
    assert kinds(
        ("a", "The summit was held in Busan on Monday."), ("b", "The summit was held in Seoul on Monday.")
    ) == ["place"]
    assert kinds(("a", "The talks resumed last month."), ("b", "The talks did not resume last month.")) == ["polarity"]


def test_alignment_beyond_the_first_figure_or_place() -> None:
    # the shared figure is set aside, and the one left on each side is the same fact
    [c] = conflicts(
        ("a", "Blackmore is charged with marrying 20 women, while Oler is accused of marrying two women."),
        ("b", "Blackmore is charged with marrying 20 women, while Oler is accused of marrying five women."),
    )
    assert (c.kind, {v.normalized for v in c.values}) == ("number", {"2", "5"})
    # agreement at country level does not excuse a clash between states
    [c] = conflicts(
        ("a", "Headquartered in New York, the firm has offices in the United States and Britain."),
        ("b", "Headquartered in Maine, the firm has offices in the United States and Britain."),
    )
    assert (c.kind, {v.normalized for v in c.values}) == ("place", {"new york", "maine"})
    # the same slot behind little words: "the Sicilian capital of X"
    assert kinds(
        ("a", "He was found dead in Pagliarelli prison in the Sicilian capital of Palermo."),
        ("b", "He was found dead in Pagliarelli prison in the Sicilian capital of Catania."),
    ) == ["place"]
    assert kinds(("a", "The fight is set for March."), ("b", "The fight is set for April.")) == []  # no preposition
    assert kinds(("a", "They fight again in March."), ("b", "They fight again in April.")) == ["date"]
    assert kinds(("a", "They fight again in March."), ("b", "They fight again on March 6, 2026.")) == []


def test_agreeing_values_are_not_conflicts() -> None:
    assert kinds(("a", "About 20 people were hurt in 2021."), ("b", "Twenty-one people were hurt in March 2021.")) == []
    assert kinds(("a", "He faced more than 50 charges."), ("b", "He faced 55 charges.")) == []
    assert kinds(("a", "He faced more than 50 charges."), ("b", "He faced more than 55 charges.")) == ["number"]
    assert kinds(("a", "Three people were hurt."), ("b", "3 people were hurt.")) == []


def test_disagreement_inside_one_source_is_not_cross_source() -> None:
    assert kinds(("a", "The blast killed 12 people."), ("a", "The blast killed 21 people.")) == []


def test_quote_wording() -> None:
    [c] = conflicts(
        ("a", "“We agreed that we should set up channels to deconflict problems,” Hegseth said."),
        ("b", "“We also agreed that we should set up channels to deconflict problems,” Hegseth said."),
    )
    assert c.kind == "quote" and c.severity == "low" and "also" in c.summary


def test_dates_in_different_relations_are_not_compared() -> None:
    assert (
        kinds(
            ("a", "Jackson had his finest season in 2008 with 59 receptions."),
            ("b", "Jackson will not face disciplinary action until the 2009 season, with 59 receptions."),
        )
        == []
    )
    assert kinds(("a", "Talks stalled until 2019."), ("b", "Talks stalled until 2021.")) == ["date"]
