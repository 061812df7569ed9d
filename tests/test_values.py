from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from claimcheck import lexicon
from claimcheck.pipeline import document_claims
from claimcheck.types import Claim, Document, Value
from claimcheck.values import extract_values


def values_of(text: str, published: dt.date | None = None, kind: str | None = None) -> list[Value]:
    doc = Document("d", "d", "xx " + text, published=published)
    claim = extract_values(Claim("d:0", "d", text, (3, 3 + len(text))), doc)
    for v in claim.values:  # spans point into the document
        assert doc.text[v.span[0] : v.span[1]].strip() != ""
    return [v for v in claim.values if kind is None or v.kind == kind]


def test_person_with_title_and_country() -> None:
    vs = values_of("U.S. Secretary of War Pete Hegseth met Chinese Defence Minister Admiral Dong Jun.")
    people = {v.normalized: v for v in vs if v.kind == "person"}
    assert set(people) == {"pete hegseth", "dong jun"}
    assert people["pete hegseth"].parents == ("united states",)
    titles = {(v.role, v.normalized, v.parents[0]) for v in vs if v.kind == "title"}
    assert titles == {
        ("pete hegseth", "war secretary", "office"),
        ("dong jun", "defense minister", "office"),
        ("dong jun", "admiral", "rank"),
    }


def test_title_word_orders_agree() -> None:
    a = values_of("Defence Secretary Pete Hegseth spoke.", kind="title")[0]
    b = values_of("Secretary of Defense Pete Hegseth spoke.", kind="title")[0]
    assert a.normalized == b.normalized == "defense secretary"


def test_abbreviated_rank_and_appositive_title() -> None:
    vs = values_of("He met China's defense minister, Adm. Dong Un, in Malaysia.")
    assert {(v.normalized, v.role) for v in vs if v.kind == "title"} == {
        ("defense minister", "dong un"),
        ("admiral", "dong un"),
    }


def test_people_are_who_ner_recognises_or_a_title_marks() -> None:
    # no title and no "said": NER's PERSON is what makes Michael Green a person
    vs = values_of("Experts like Michael Green point to the need for dialogue.")
    assert [(v.kind, v.normalized) for v in vs] == [("person", "michael green")]
    # "said" cues a person, but NER reads a group of lawmakers and a continent: no person
    vs = values_of("House Democrats said the bill would pass, and Europe agreed.")
    assert not [v for v in vs if v.kind == "person"]
    # a title outweighs NER: an admiral is a person whatever the entity label
    assert [v.normalized for v in values_of("Adm. Dong Jun met him in Kuala Lumpur.", kind="person")] == ["dong jun"]


def test_a_sentence_s_first_word_is_not_part_of_a_name_or_title() -> None:
    # the parse tags "But" a conjunction: the title is the councilman's office alone
    vs = values_of("But City Councilman Jumaane Williams said the shooting was wrong.", kind="title")
    assert [(v.normalized, v.role) for v in vs] == [("city councilman", "jumaane williams")]
    assert "though epstein" not in {v.normalized for v in values_of("Though Epstein said the offer was fair.")}


def test_a_role_holder_is_a_person_not_a_group() -> None:
    # "the Socialist administration" names a party, not a head of government
    assert not values_of("The Socialist administration raised taxes on Monday.", kind="person")


def test_administration_names_its_head() -> None:
    [v] = values_of("This highlights the Biden administration's willingness to confront Beijing.", kind="person")
    assert (v.normalized, v.role, v.text) == ("biden", "administration", "Biden administration")


def test_former_office_holders_are_marked() -> None:
    [v] = values_of("The visit by then-House Speaker Nancy Pelosi angered Beijing.", kind="person")
    assert v.role == "former"


def test_places_with_containment_from_the_text() -> None:
    vs = values_of("They met in Kuala Lumpur, Malaysia, and later in the United States.", kind="place")
    got = {v.normalized: v.parents for v in vs}
    assert "malaysia" in got["kuala lumpur"]
    assert "united states" in got


def test_country_spellings_normalize() -> None:
    for text in ("US", "U.S.", "United States", "USA"):
        [v] = values_of(f"Troops arrived in the {text} yesterday evening.", kind="place")
        assert v.normalized == "united states"


def test_dates_normalized_and_resolved() -> None:
    published = dt.date(2025, 11, 3)  # a Monday
    got = {
        v.text: (v.normalized, v.role)
        for v in values_of(
            "Talks on Friday followed a meeting on November 1, 2025, the first since Sept. 2023 and since 2019.",
            published,
            "date",
        )
    }
    assert got == {
        "Friday": ("2025-10-31", "day"),
        "November 1, 2025": ("2025-11-01", "day"),
        "Sept. 2023": ("2023-09", "month"),
        "2019": ("2019", "year"),
    }
    [v] = values_of("Late last year the talks resumed.", published, "date")
    assert (v.normalized, v.role) == ("2024", "year")
    [v] = values_of("Talks resumed on Friday.", None, "date")
    assert (v.normalized, v.role) == ("friday", "weekday")


def test_may_the_verb_is_not_a_date() -> None:
    assert values_of("The ministers may meet again to finalize details.", kind="date") == []


def test_numbers_with_units() -> None:
    got = {
        (v.normalized, v.role)
        for v in values_of(
            "At least three people died, 7.7 million residents fled, 15,000 refugees arrived and tariffs fell to 47%.",
            kind="number",
        )
    }
    assert got == {("3", "people"), ("7700000", "resident"), ("15000", "refugee"), ("47", "percent")}


def test_the_noun_a_figure_counts_comes_from_the_parse() -> None:
    """Past adjectives and participles to the noun ("355 damaged shops" counts shops); a measure
    phrase keeps its first noun; a figure "of" a noun, or that a verb sets a noun at, is that
    noun's; a figure with no noun counts what was done to it; a word after the figure that the
    parse does not join to it counts nothing."""
    units = {
        text: [(v.normalized, v.role) for v in values_of(text, kind="number")]
        for text in (
            "Rioters left 355 damaged shops and four hardest-hit villages.",
            "He missed 10 total games after 99 alleged members were seized.",
            "The community, with a population of approximately 1,000, follows the old practices.",
            "A 5.9 magnitude earthquake and a crowd of 200 people were reported.",
            "Gray was hit by three of the seven bullets fired by three or four officers.",
            "The center put the magnitude at 5.9 and the toll rose to 10; rescuers arrived at 5, but left.",
            "He was driving on highway 94 when the cops stopped him.",
            "The quake killed 10 persons, injuring 80, and 50 were injured in the town.",
        )
    }
    assert list(units.values()) == [
        [("355", "shop"), ("4", "village")],
        [("10", "game"), ("99", "member")],
        [("1000", "population")],
        [("5.9", "magnitude"), ("200", "people")],
        [("7", "bullet"), ("3", "officer"), ("4", "officer")],
        [("5.9", "magnitude"), ("10", "toll")],
        [],
        [("10", "people"), ("80", "injured"), ("50", "injured")],
    ]


def test_a_rate_is_not_a_total() -> None:
    """A salary a season is not set against a contract's worth: the rate's unit says what per."""
    roles = {
        text: [v.role for v in values_of(text, kind="number")]
        for text in (
            "The Red Sox offered roughly $22 million per season.",
            "The Red Sox offered $184 million over eight years.",
            "He hit 40 homers a year and prices rose 3 percent Annually.",
            "The storm killed 12 people a week after it made landfall.",  # "a week after": no rate
        )
    }
    assert list(roles.values()) == [
        ["usd per season"],
        ["usd", "year"],
        ["homer per year", "percent per year"],
        ["people"],
    ]


def test_number_qualifiers_are_kept() -> None:
    [v] = values_of("About 20 soldiers were wounded in the attack.", kind="number")
    assert v.parents == ("about",)
    [v] = values_of("He faced more than 50 charges in court.", kind="number")
    assert v.parents == ("more",)


def test_negation_records_the_verb() -> None:
    [v] = values_of("Direct talks have not restarted, analysts say.", kind="polarity")
    assert (v.normalized, v.role) == ("negated", lexicon.stem("restarted"))
    # a negated infinitive is what someone wants or fears, not an event that did not happen
    assert not values_of("The official asked not to be named.", kind="polarity")
    assert not values_of("It is dangerous for us not to be having regular talks.", kind="polarity")
    [v] = values_of("The team refused to pay him.", kind="polarity")
    assert v.role == lexicon.stem("pay")


def test_quote_and_speaker() -> None:
    [v] = values_of("“We have more meetings on that coming soon,” Hegseth said.", kind="quote")
    assert v.normalized == "we have more meetings on that coming soon" and v.role == "hegseth"


@given(st.integers(min_value=2, max_value=10**9))
def test_comma_grouped_numbers_parse_exactly(n: int) -> None:
    [v] = values_of(f"Officials counted {n:,} ballots in the city.", kind="number")
    assert v.normalized == str(n) and v.role == "ballot"


@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    once = lexicon.fold(text)
    assert lexicon.fold(once) == once


def test_fold_joins_spelling_variants() -> None:
    assert lexicon.fold("de-escalate") == lexicon.fold("deescalate")
    assert lexicon.fold("Defence") == lexicon.fold("defense")
    assert lexicon.fold("Zürich’s São Paulo") == lexicon.fold("Zurich's Sao Paulo") == "zurich sao paulo"


def test_times_of_day() -> None:
    got = [
        (v.normalized, v.role, v.parents)
        for text in (
            "The blaze broke out at about 2045 GMT and firefighters left at 11.15pm.",
            "He was arrested shortly before midnight and freed at 3 a.m. ET on Monday.",
        )
        for v in values_of(text, kind="date")
    ]
    assert got == [
        ("T20:45", "time gmt", ("about",)),
        ("T23:15", "time", ()),
        ("T00:00", "time", ("about",)),
        ("T03:00", "time et", ()),
        ("monday", "weekday", ()),
    ]
    assert values_of("The blaze broke out at 11.15pm.", kind="number") == []  # a time, not 11.15 "pm"


def test_dates_without_a_day() -> None:
    got = [(v.normalized, v.role) for v in values_of("He will fight again in March or April.", kind="date")]
    assert got == [("--03", "month"), ("--04", "month")]
    assert values_of("He will fight again in March or April.", kind="place") == []  # not the town of March
    [v] = values_of("She hosted the 2007 ceremony.", kind="date")
    assert (v.normalized, v.role) == ("2007", "year")


def test_names_and_places_of_several_words() -> None:
    [person] = values_of("Interior Secretary Dirk A. Kempthorne said the rules were small.", kind="person")
    assert person.normalized == "dirk a kempthorne"
    [place] = values_of("The bout was held in the Democratic Republic of the Congo.", kind="place")
    assert (place.normalized, place.role) == ("democratic republic of the congo", "country")
    [place] = values_of("He fled downtown Atlanta on foot.", kind="place")
    assert place.normalized == "atlanta"


def test_a_dash_typed_as_a_hyphen_ends_a_name() -> None:
    people = values_of("The image of Deep Throat-a name borrowed from a movie-is of Hal Holbrook.", kind="person")
    assert [p.normalized for p in people] == ["deep throat", "hal holbrook"]
    [person] = values_of("Prime Minister Jean-Pierre Raffarin said the talks would go on.", kind="person")
    assert person.normalized == "jeanpierre raffarin"


def test_a_title_in_a_list_belongs_to_the_name_after_it() -> None:
    text = "Sen. Chuck Schumer, Rep. Peter King and Gov. Andrew Cuomo met on Friday."
    claim = extract_values(Claim("d:0", "d", text, (0, len(text))), Document("d", "d", text))
    held = {(v.role, v.normalized) for v in claim.values if v.kind == "title"}
    assert held == {("chuck schumer", "senator"), ("peter king", "representative"), ("andrew cuomo", "governor")}


def test_a_place_that_opens_a_sentence_keeps_its_first_word() -> None:
    # "new" is an ordinary word in this article, but "New" of "New York" is not
    doc = "The new rules were set out on Monday. New York Republican Rep. Peter King said the hearing would go ahead."
    text = "New York Republican Rep. Peter King said the hearing would go ahead."
    start = doc.index(text)
    claim = extract_values(Claim("d:0", "d", text, (start, start + len(text))), Document("d", "d", doc))
    [title] = [v for v in claim.values if v.kind == "title"]
    assert title.text == "New York Republican Rep." and title.role == "peter king"


def test_one_office_under_two_names_reads_as_one() -> None:
    a = values_of("Prime Minister Ehud Olmert spoke.", kind="title")[0]
    b = values_of("In Tel Aviv, premier Ehud Olmert's office said so.", kind="title")[0]
    assert a.normalized == b.normalized == "premier"
    # a capitalised word that opens a lowercase title is the title's, not an organisation
    vs = values_of("Prime minister George Papandreou's insistence failed.")
    assert [(v.kind, v.normalized) for v in vs if v.kind != "person"] == [("title", "premier")]
    vs = values_of("Defense minister Dong Jun said so.")
    assert [(v.kind, v.normalized) for v in vs if v.kind != "person"] == [("title", "defense minister")]


def test_whose_head_a_title_names_from_the_words_before_it() -> None:
    # a country written before the run, possessive or not, qualifies the title
    [kiir] = values_of("South Sudan's President Salva Kiir said it.", kind="title")
    assert kiir.parents == ("office", "south sudan")
    [trump] = values_of("He met U.S. president Donald Trump.", kind="title")
    assert trump.parents == ("office", "united states")
    # an organisation's president heads the organisation, not a government
    [graham] = values_of("Samaritan's Purse president Franklin Graham said it.", kind="title")
    assert graham.normalized == "purse president" and graham.role == "franklin graham"
    # "later President Reagan" is not the one in office; "hours later Obama" is
    [reagan] = values_of("Alexander Haig, later President Reagan's secretary of state, agreed.", kind="person")[1:]
    assert (reagan.normalized, reagan.role) == ("reagan", "former")
    [obama] = values_of("Hours later Obama said no.", kind="person")
    assert obama.role == ""


def test_a_mixed_fraction_is_one_figure() -> None:
    for text in ("after 4 1/2 hours of testimony", "after 4½ hours of testimony", "after 4.5 hours of testimony"):
        [v] = values_of(text, kind="number")
        assert (v.normalized, v.role) == ("4.5", "hour")


def test_a_lone_surname_the_article_names_in_full_is_no_place() -> None:
    """NER reads the lone surname "Palin" as a place now and then (there is a Palin in
    Guatemala); the article's "Sarah Palin" says who it is. "in Lincoln" stays a place."""
    text = (
        "Alaska Gov. Sarah Palin attended the service at the church on Sunday morning. "
        "Palin spokesman Bill McAllister said that Palin told an assistant pastor she was sorry. "
        "Abraham Lincoln was remembered at the museum in the city on Monday. "
        "The exhibition opened in Lincoln, Nebraska, later that week."
    )
    claims = document_claims(Document("a.txt", "a.txt", text))
    places = [v.normalized for c in claims for v in c.values if v.kind == "place"]
    assert "palin" not in places
    assert "lincoln" in places
    assert "sarah palin" in [v.normalized for c in claims for v in c.values if v.kind == "person"]


def test_a_deputy_is_a_title_not_a_name() -> None:
    titles = {v.normalized: v.role for v in values_of("Sheriff Deputy Ortiz, 35, was killed in June.", kind="title")}
    assert titles == {"deputy-sheriff": "ortiz"}
    [person] = values_of("He shot Los Angeles County Sheriff's Deputy Jerry Ortiz in June.", kind="person")
    assert person.normalized == "jerry ortiz"
