"""Document -> Claims: sentences that state something, each with its span in the text."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator

from claimcheck.types import Claim, Document

# A line that opens with a list marker; the marker is not part of the claim.
BULLET = re.compile(r"^\s*(?:[-*•·▪►–—]|\d{1,3}[.)]|\(\w\))\s+")
# "tensions.The": a full stop with no space before a capitalised word. Two lowercase
# letters before the stop keep "U.S.-China" and "J.R.R." whole.
MISSING_SPACE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Boilerplate that reads like a sentence but states nothing about the story.
BOILERPLATE = re.compile(
    r"""^(?:share\b|share\ your|leave\ a\ (?:reply|comment)|post\ a\ comment|related\ posts|
    subscribe|sign\ up|click\ here|read\ more|follow\ us|pro\ tip|did\ you\ know|table\ of\ contents|
    type\ above|advertisement|comments?\b|tags\b|all\ rights\ reserved|copyright|©|photo:|image:|
    getty\ images|watch:|listen:|updated:|published:|exit\ mobile|skip\ to|close\ menu|
    we\ use\ cookies|this\ (?:article|story)\ (?:was|has\ been)\ (?:updated|corrected))""",
    re.I | re.X,
)
ENDS_LIKE_SENTENCE = re.compile(r"""[.!?]["'”’)\]]*\s*$""")
MIN_WORDS = 5
# words: longer than most headings, captions and links, shorter than a lede ever runs
LONG_UNPUNCTUATED, LONGEST_UNPUNCTUATED = 12, 80


def extract_claims(document: Document) -> tuple[Claim, ...]:
    """Split a document into claim sentences, dropping headings, menus, questions and boilerplate."""
    claims: list[Claim] = []
    first_line_end = _first_line_end(document.text)
    for start, end in _sentences(document.text):
        text = document.text[start:end]
        headline = end <= first_line_end and not is_claim(text) and is_headline(text)
        if headline or is_claim(text) or lost_its_stop(text):
            claims.append(Claim(f"{document.id}:{len(claims)}", document.id, text, (start, end), headline=headline))
    return tuple(claims)


def _first_line_end(text: str) -> int:
    stripped = text.lstrip()
    newline = stripped.find("\n")
    return len(text) - len(stripped) + (newline if newline >= 0 else len(stripped))


def is_headline(text: str) -> bool:
    """A first line that states something: "Lindsay Lohan Checks Into Betty Ford"."""
    words = WORD.findall(text)
    return (
        4 <= len(words) <= 25 and not BOILERPLATE.match(text) and not text.isupper() and not text.endswith((":", "?"))
    )


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans: lines first (headings and list items end at the line), then pysbd."""
    offset = 0
    for line in text.splitlines(keepends=True):
        line_start = offset
        offset += len(line)
        body = line.rstrip("\r\n")
        if not body.strip() or TABLE_RULE.match(body):
            continue
        if body.lstrip().startswith("|"):
            yield from _table_row(body, line_start)
            continue
        marker = BULLET.match(body)
        skip = marker.end() if marker else len(body) - len(body.lstrip())
        for s, e in _segment(body[skip:]):
            for ss, ee in _split_missing_space(body[skip + s : skip + e]):
                yield _strip(text, line_start + skip + s + ss, line_start + skip + s + ee)


def _table_row(row: str, offset: int) -> Iterator[tuple[int, int]]:
    """A table row is one claim (its cells read together), without the outer pipes."""
    inner_start = row.index("|") + 1
    inner_end = len(row.rstrip().rstrip("|"))
    if inner_end > inner_start:
        yield _strip(row, inner_start, inner_end, offset)


def _strip(text: str, start: int, end: int, offset: int = 0) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start + offset, end + offset


@functools.cache
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=False)


# Where pysbd could end a sentence inside a line: a stop, then space. A line without one
# is one sentence whatever pysbd decides, and skipping it saves most of the splitting time
# (pysbd compiles patterns per abbreviation, more than the re module's cache holds).
INNER_STOP = re.compile(r"[.!?…]\S*\s+\S")


# pysbd's time grows with the square of a text's length: a line longer than this (a whole
# article pasted without line breaks) is cut at sentence ends first, and each piece segmented
LONG_LINE = 4000
SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘(]?[A-Z])")


# pysbd ends a sentence at some abbreviations followed by a comma ("Rep. Nick Rahall,
# D-W.Va., said ..."), losing the name before the stop to a fragment: a piece it starts on a
# comma (or a semicolon, colon or closing bracket) goes back onto the sentence before
# (16 of ECB+'s 16,506 sentences). One that starts in lower case stays a sentence of its own:
# writers do begin sentences so ("stability. experts say").
CONTINUES = re.compile(r"[,;:)\]]")


def _pieces(line: str) -> Iterator[tuple[int, int]]:
    start = 0
    while len(line) - start > LONG_LINE:
        found = SENTENCE_BREAK.search(line, start + LONG_LINE // 2, start + LONG_LINE)
        cut = found.end() if found else start + LONG_LINE  # no sentence runs that long
        yield start, cut
        start = cut
    yield start, len(line)


def _segment(line: str) -> list[tuple[int, int]]:
    """pysbd sentences located in the line by search, so offsets are exact."""
    if len(line) > LONG_LINE:
        return [(a + s, a + e) for a, b in _pieces(line) for s, e in _segment(line[a:b])]
    if not INNER_STOP.search(line):
        start, end = _strip(line, 0, len(line))
        return [(start, end)] if end > start else []
    spans = []
    cursor = 0
    for sentence in _segmenter().segment(line):
        piece = sentence.strip()
        if not piece:
            continue
        at = line.find(piece, cursor)
        if at < 0:  # pysbd altered the text; fall back to the rest of the line
            spans.append((cursor, len(line)))
            break
        if spans and CONTINUES.match(piece):
            spans[-1] = (spans[-1][0], at + len(piece))
        else:
            spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


def _split_missing_space(sentence: str) -> list[tuple[int, int]]:
    cuts = [0, *(m.start() for m in MISSING_SPACE.finditer(sentence)), len(sentence)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def is_claim(text: str) -> bool:
    """True for sentences that assert something; False for headings, menus, questions."""
    stripped = text.strip()
    if BOILERPLATE.match(stripped) or stripped.endswith("?"):
        return False
    words = WORD.findall(stripped)
    if len(words) < MIN_WORDS:
        return False
    lower = sum(1 for w in words if w[0].islower())
    if lower < 2:
        return False
    # Headings are Title Case and unpunctuated; sentences are mostly lowercase words.
    capital_share = 1 - lower / len(words)
    if not ENDS_LIKE_SENTENCE.search(stripped):
        # Unpunctuated lines are headings, captions, breadcrumbs and related-story
        # links; a table row is the exception, its cells read together.
        return "|" in stripped
    return capital_share < 0.85  # name-heavy news sentences run to 0.8


def lost_its_stop(text: str) -> bool:
    """A sentence scraped without its full stop: a lede or standfirst that states the story's
    facts (73 of ECB+'s lines). Headings, captions and links are short or in Title Case; a
    line that leads on into what follows (":", ",") is no sentence, and a run of words with
    no capital to open it and no end (a file of one endless line) is none either."""
    stripped = text.strip()
    words = WORD.findall(stripped)
    if not LONG_UNPUNCTUATED <= len(words) <= LONGEST_UNPUNCTUATED or ENDS_LIKE_SENTENCE.search(stripped):
        return False
    opens = next((ch for ch in stripped if ch.isalpha()), "")
    lower = sum(1 for w in words if w[0].islower())
    return (
        opens.isupper()
        and lower >= len(words) / 2
        and not stripped.endswith((":", ",", ";"))
        and not BOILERPLATE.match(stripped)
        and not any(mark in stripped for mark in "»›")  # a breadcrumb trail: "Home » World » ..."
    )
