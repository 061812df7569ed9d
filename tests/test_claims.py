from __future__ import annotations

from claimcheck.claims import extract_claims, is_claim
from claimcheck.types import Document


def claims_of(text: str) -> list[str]:
    doc = Document("d", "d", text)
    out = extract_claims(doc)
    for c in out:  # every claim is an exact slice of the document
        assert text[c.span[0] : c.span[1]] == c.text
    return [c.text for c in out]


def test_abbreviations_do_not_split() -> None:
    text = "U.S. Defense Secretary Pete Hegseth met Adm. Dong Jun in Sept. 2025 in Malaysia. They agreed to talk again soon."
    assert claims_of(text) == [
        "U.S. Defense Secretary Pete Hegseth met Adm. Dong Jun in Sept. 2025 in Malaysia.",
        "They agreed to talk again soon.",
    ]


def test_a_sentence_goes_on_past_a_stop_that_pysbd_ends_it_at() -> None:
    """pysbd ends a sentence at "D-Mass." or "D-W.Va." before a comma, and the name before the
    stop would be lost to a fragment; a sentence never opens on a comma. One its writer began
    in lower case stays a sentence."""
    text = (
        "In Congress, Rep. Edward Markey, D-Mass., called a hearing on the rules. "
        "Rep. Nick Rahall, D-W.Va., said members may try to overturn the regulations."
    )
    assert claims_of(text) == [
        "In Congress, Rep. Edward Markey, D-Mass., called a hearing on the rules.",
        "Rep. Nick Rahall, D-W.Va., said members may try to overturn the regulations.",
    ]
    assert claims_of("Talks stalled in 2022 over the strait. experts say a hotline is a necessity.") == [
        "Talks stalled in 2022 over the strait.",
        "experts say a hotline is a necessity.",
    ]


def test_missing_space_after_full_stop_splits() -> None:
    text = "Trust needs work to ease the tensions.The observer cautioned that friction could hinder progress."
    assert claims_of(text) == [
        "Trust needs work to ease the tensions.",
        "The observer cautioned that friction could hinder progress.",
    ]


def test_bullets_tables_and_headings() -> None:
    text = (
        "Table of Contents\n"
        "- 1. Restoring Dialog: A First Step\n"
        "Cautious Optimism from Washington\n"
        "* August 2023: A near collision between two warships highlighted the dangers.\n"
        "| Key Event | Date | Location |\n"
        "|---|---|---|\n"
        "| Meeting between the two ministers | November 1, 2025 | Kuala Lumpur, Malaysia |\n"
        "Share your thoughts on this developing story in the comments below!\n"
        "Pro Tip: Stay informed by following reputable news sources every day.\n"
        "What impact will resumed military talks have on broader relations?\n"
        "Share.\n"
        "3/related/default\n"
    )
    assert claims_of(text) == [
        "August 2023: A near collision between two warships highlighted the dangers.",
        "Meeting between the two ministers | November 1, 2025 | Kuala Lumpur, Malaysia",
    ]


def test_a_long_line_that_lost_its_stop_is_a_sentence() -> None:
    """A lede or standfirst scraped without its full stop states facts; a caption, a link or
    a line that leads into a quote does not, a run of words with no capital to open it is
    none, and a first line that reads as a headline stays the headline."""
    text = (
        "Six weeks before he takes office the agency issued new rules on endangered species\n"
        "Just six weeks before President-elect Barack Obama takes office, the Bush administration"
        " issued revised endangered species regulations Thursday\n"
        "Champion swimmer turned top box-office draw in the 40s\n"
        "The statement the company issued on the problem with the undersea cable read in part as follows:\n"
        + "word " * 30
        + "\n"
    )
    assert claims_of(text) == [
        "Six weeks before he takes office the agency issued new rules on endangered species",
        "Just six weeks before President-elect Barack Obama takes office, the Bush administration"
        " issued revised endangered species regulations Thursday",
    ]
    [headline, lede] = extract_claims(Document("d", "d", text))
    assert headline.headline and not lede.headline


def test_is_claim_rejects_menus() -> None:
    assert not is_claim("Facebook X (Twitter) Instagram Pinterest")
    assert not is_claim("Home » U.S., China seek direct military communications")
    assert is_claim("The hotline was used through the 1980s and still connects Moscow and Washington.")


def test_a_long_line_is_split_as_the_same_text_with_line_breaks() -> None:
    # an article pasted as one line is cut at sentence ends before pysbd, whose time grows with
    # the square of the length (benchmarks/long_line.py measures it); the claims are the same
    sentences = [f"Officials said {n} people were hurt in Paris on Friday after the storm." for n in range(300)]
    one_line = Document("a", "a", " ".join(sentences))
    claims = extract_claims(one_line)
    assert [c.text for c in claims] == sentences
    assert all(one_line.text[c.span[0] : c.span[1]] == c.text for c in claims)
