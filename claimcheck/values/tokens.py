"""Tokens of a claim, and its case restored so that names stand out."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from claimcheck import lexicon as lx

# A word, an abbreviation like "U.S.", or one punctuation mark. A trailing full stop is
# kept on the token and judged later (abbreviation or sentence end).
TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?|\d[\d,.:]*\d|\d|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # without a sentence-final full stop
    start: int
    end: int

    @property
    def word(self) -> str:
        """Lowercased, without possessive or abbreviation dot, abbreviations expanded."""
        w = self.text.lower().rstrip(".")
        for poss in ("'s", "’s"):
            if w.endswith(poss):
                w = w[: -len(poss)]
        return lx.ABBREVIATIONS.get(w, w)

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()

    @property
    def possessive(self) -> bool:
        return self.text.lower().endswith(("'s", "’s"))


# Words that never end a hyphenated compound: after a hyphen they follow a dash typed as one
# ("Deep Throat-a name borrowed from a movie-is of ...")
_AFTER_DASH = frozenset({"a", "an", "is", "was", "are", "were"})


def tokenize(text: str) -> list[Token]:
    tokens = []
    for m in TOKEN.finditer(text):
        t, s, e = m.group(), m.start(), m.end()
        head, dash, tail = t.rpartition("-")
        if dash and head and tail in _AFTER_DASH:
            tokens += [Token(head, s, s + len(head)), Token("-", s + len(head), s + len(head) + 1)]
            t, s = tail, s + len(head) + 1
        if t.endswith(".") and len(t) > 1 and t.count(".") == 1:
            w = t[:-1].lower()
            if w not in lx.ABBREVIATIONS and w not in lx.HONORIFICS and not (len(w) == 1 and t[0].isupper()):
                tokens.append(Token(t[:-1], s, e - 1))
                tokens.append(Token(".", e - 1, e))
                continue
        tokens.append(Token(t, s, e))
    return tokens


TITLE_CASE_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?\b")
LOWER_WORD = re.compile(r"\b[a-z]+\b")
SENTENCE_START = re.compile(r"^([\W\d]*)([A-Z][a-z]+)\b(?=\s+[A-Z])")  # only when a capitalised word follows


def restore_case(text: str, document_text: str) -> str:
    """Lowercase ordinary words that are capitalised only by position, so that names stand out:
    every word of a Title Case headline, and the first word of a sentence ("But Ross said").

    A word counts as ordinary when the article uses it (or a word of the same stem) in
    lowercase; names are written capitalised throughout. Lengths do not change.
    """
    lower = _lower_stems(document_text)

    def fix(w: str, at: int) -> str:
        if _opens_place(text, at):  # "New" of "New York" is no ordinary word, whatever "new" is
            return w
        return w[0].lower() + w[1:] if w.lower() in lower or lx.stem(w) in lower else w

    words = TITLE_CASE_WORD.findall(text)
    if len(words) >= 4 and sum(1 for w in LOWER_WORD.findall(text) if len(w) > 3) <= len(words) / 3:
        return TITLE_CASE_WORD.sub(lambda m: fix(m.group(), m.start()), text)  # a headline
    return SENTENCE_START.sub(lambda m: m.group(1) + fix(m.group(2), m.start(2)), text, count=1)


NAME_AHEAD = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’.-]*){1,2}")


def _opens_place(text: str, at: int) -> bool:
    """The word at `at` begins a place's name of two or three words ("New York", "South Korea")."""
    m = NAME_AHEAD.match(text, at)
    if not m:
        return False
    words = m.group().split()
    gazetteer = lx.gazetteer()
    return any(lx.canonical_place(" ".join(words[:n])) in gazetteer for n in (2, 3) if len(words) >= n)


@functools.lru_cache(maxsize=64)
def _lower_stems(document_text: str) -> frozenset[str]:
    words = set(LOWER_WORD.findall(document_text))
    return frozenset(words | {lx.stem(w) for w in words})


def is_acronym(tokens: list[Token]) -> bool:
    return (
        len(tokens) == 1
        and tokens[0].text.isupper()
        and len(tokens[0].text.rstrip(".")) >= 2
        and tokens[0].word not in lx.COUNTRY_ALIASES
    )


def is_cap(token: Token) -> bool:
    return token.capital and token.text[0].isalpha()


# NER labels of what a person is not: an organisation, a group ("House Democrats",
# "Chinese"), a place, a building, an event, a work, a law, a product, a language
NOT_PEOPLE = frozenset({"ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"})
PLACES = frozenset({"GPE", "LOC", "FAC"})

Entities = tuple[tuple[int, int, str], ...]  # (start, end, NER label), offsets in the claim


def label_of(entities: Entities, start: int, end: int) -> str:
    """The NER label of the entity that covers most of [start, end), "" when none covers half."""
    best, label = 0, ""
    for s, e, kind in entities:
        overlap = min(e, end) - max(s, start)
        if overlap > best:
            best, label = overlap, kind
    return label if best * 2 >= end - start else ""
