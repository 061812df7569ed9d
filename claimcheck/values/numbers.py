"""Figures with the noun they count, their unit and qualifier ("more than 50 people")."""

from __future__ import annotations

import re

from claimcheck import lexicon as lx
from claimcheck.nlp import Parsed, Word
from claimcheck.types import Value
from claimcheck.values.dates import MONTHS, WEEKDAYS
from claimcheck.values.tokens import Token

# --- numbers -----------------------------------------------------------------

WORD_NUMBERS = {
    w: n
    for n, w in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen""".split()
    )
}
WORD_NUMBERS |= {
    w: 10 * n
    for n, w in enumerate(["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
    if w != "_"
}
WORD_NUMBERS |= {"dozen": 12, "hundred": 100, "dozens": 24}
SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
CURRENCY = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy"}
# What a qualifier before a figure means: near it, above it, or below it.
QUALIFIERS = {
    "about": "about", "around": "about", "nearly": "about", "almost": "about", "roughly": "about",
    "approximately": "about", "some": "about", "close to": "about", "an estimated": "about",
    "estimated": "about", "over": "more", "more than": "more", "at least": "more", "upwards of": "more",
    "as many as": "less", "up to": "less", "fewer than": "less", "less than": "less", "under": "less",
}  # fmt: skip
QUALIFIER = re.compile(r"(" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + r")\s+$", re.I)
_WORDNUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
NUMBER = re.compile(
    rf"(?<![\w.,/:#-])(?P<cur>[$€£¥])?\s?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?:{_WORDNUM})(?:[- ](?:{_WORDNUM}))?\b)(?!(?:st|nd|rd|th)\b)(?:(?:\s|-)?(?P<frac>[1-9]/[1-9]|[½¼¾]))?(?![\w,]*\d)(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?"  # noqa: E501 - a regex reads best on one line
    rf"(?:\s?(?P<pct>%|percent|per cent)(?!\w))?",
    re.I,
)
# Words between a number and its noun that do not change what is counted.
SKIPPABLE = frozenset(
    """more other additional new further extra of the more than largest biggest top people's""".split()
)
NOT_UNITS = frozenset("""of the a an and or to in on at by for with from as is are was were has have had""".split())
# "$22 million per season", "40 homers a year", "3 percent annually": a rate is another
# quantity than a total, so its unit says so, and a salary is not set against a contract's
# worth. "12 people a week after the storm" is no rate.
_PERIOD = r"year|season|month|week|day|night|hour|minute|game|match|share|person|head|capita"
RATE = re.compile(
    rf"(?:[\s,]+[\w'’-]+){{0,2}}?[\s,]+(?:(?:per|an?|each|every)\s+(?P<period>{_PERIOD})s?\b"
    r"(?!\s+(?:after|before|later|ago|earlier|since|from|into)\b)|(?P<adverb>annually|yearly|monthly|weekly|daily|hourly)\b)",
    re.I,
)
ADVERB_PERIODS = {
    "annually": "year",
    "yearly": "year",
    "monthly": "month",
    "weekly": "week",
    "daily": "day",
    "hourly": "hour",
}


def find(text: str, tokens: list[Token], taken: list[tuple[int, int]], parsed: Parsed | None = None) -> list[Value]:
    values = []
    for m in NUMBER.finditer(text):
        s, e = m.start(), m.end()
        if any(s < te and ts < e for ts, te in taken):
            continue
        raw = m.group("num")
        lower = raw.lower()
        if lower in {"one", "zero"} or (lower.isalpha() and not raw.islower() and not raw.istitle()):
            continue
        number = _parse_number(lower)
        if number is None:
            continue
        if m.group("frac"):  # "4 1/2 hours" is four and a half, not four
            number += _fraction(m.group("frac"))
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not m.group("scale"):
            continue  # a bare year that the date rules did not take: leave it alone
        if text[max(0, s - 4) : s].lower().endswith(("no. ", "no.")) or text[e : e + 1] in {":", "/"}:
            continue
        age = _age_of(text, s, e, number)
        if age:  # "Jane Roe, 56, was arrested": her age, compared with what others say it is
            values.append(Value("number", text[s:e].strip(), _format_number(number), (s, e), role=age))
            continue
        if _after_name(text, s) and not m.group("cur"):
            continue  # "Route 52", "Flight 370", "Windows 7": a name, not a count
        scale = (m.group("scale") or "").lower()
        if scale in {"k", "m", "b"} and not m.group("cur"):
            continue  # "5 m" is a distance far more often than five million
        number *= SCALES.get(scale, 1)
        if m.group("pct"):
            unit = "percent"
        elif m.group("cur"):
            unit = CURRENCY[m.group("cur")]
        else:
            figure = parsed.covering(s, e) if parsed is not None else []  # its words in the parse
            words = parsed.words if parsed is not None else ()
            counted = _counted(words, figure)
            unit = counted if counted is not None else _unit_after(text, e, words, figure)
            if not unit:
                continue  # a number with nothing counted cannot be aligned across sources
        if rate := RATE.match(text, e):
            unit += " per " + (rate.group("period") or ADVERB_PERIODS[rate.group("adverb").lower()]).lower()
        qualifier = QUALIFIER.search(text[max(0, s - 20) : s])
        values.append(
            Value(
                "number",
                text[s:e].strip(),
                _format_number(number),
                (s, e),
                role=unit,
                parents=(QUALIFIERS[qualifier.group(1).lower()],) if qualifier else (),
            )
        )
    return values


# A name, then a figure set off by commas (or "aged"): "Jane Roe, 56," "Roe, aged 56,"
APPOSITION = re.compile(r"\b([A-Z][\w'’-]+),\s+(?:aged\s+)?$")
PREPOSITIONS = frozenset({"in", "at", "on", "from", "for", "by", "to", "of", "since", "near"})


def _age_of(text: str, start: int, end: int, number: float) -> str:
    """The unit of an age in apposition, "age of roe" (by surname, so that two people's ages
    in one sentence are not set against each other); "" when the figure is not one."""
    if not (0 < number < 125 and number == int(number)) or text[end : end + 1] not in {",", ")"}:
        return ""
    window = text[max(0, start - 40) : start]
    m = APPOSITION.search(window)
    if not m or m.group(1).lower() in MONTHS or m.group(1).lower() in WEEKDAYS:  # "On Monday, 12, ..."
        return ""
    before = window[: m.start(1)].split()
    if before and before[-1].lower() in PREPOSITIONS:  # "In Paris, 12, ...": a place, not a person
        return ""
    return f"age of {m.group(1).lower()}"


def _after_name(text: str, start: int) -> bool:
    """A capitalised word, not the sentence's first nor a qualifier ("About 20"), right before."""
    m = re.search(r"(\S+)\s$", text[max(0, start - 25) : start])
    if not m or not m.group(1)[:1].isupper() or m.group(1).lower() in QUALIFIERS:
        return False
    return bool(text[: start - len(m.group(0))].strip())


FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}


def _fraction(text: str) -> float:
    if text in FRACTIONS:
        return FRACTIONS[text]
    numerator, denominator = text.split("/")
    return int(numerator) / int(denominator)


def _parse_number(raw: str) -> float | None:
    raw = raw.replace(",", "")
    try:
        return float(raw)
    except ValueError:
        pass
    total = 0
    for part in re.split(r"[- ]", raw):
        if part not in WORD_NUMBERS:
            return None
        n = WORD_NUMBERS[part]
        total = total * n if n == 100 and total else total + n
    return float(total)


def _format_number(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


# a verb's arguments that name what a figure after "at" or "to" measures ("put the toll at
# 12"), and the verbs whose subject is what it measures ("the toll rose to 12"; "the
# rescuers arrived at 5" is no count of rescuers)
MEASURED = ("dobj", "nsubjpass")
CHANGING = frozenset("rise fall climb drop increase decrease reach jump grow soar surge stand sink".split())


def _counted(words: tuple[Word, ...], figure: list[int]) -> str | None:
    """The noun a figure counts, from the parse: the noun it modifies past any adjective or
    participle ("355 damaged shops", "four hardest-hit villages", "10 total games"); the first
    noun of a measure phrase ("a 5.9 magnitude earthquake", "the 200 person crowd"); what it is
    the figure of ("a population of approximately 1,000"); what a verb sets at it or brings to
    it ("put the magnitude at 6.1", "the toll rose to 10"); or, with no noun, the participle of
    what was done to them ("injuring 80" counts the injured). None when the parse names none
    of these, and the words after the figure decide; a part of a whole ("three of the seven
    bullets") is then left uncounted, as it is another figure than the whole's."""
    inside = [n for n in figure if words[n].pos == "NUM"]
    if not inside:
        return None
    n = inside[-1]  # "7.7 million": the scale word carries the phrase's dependency
    while words[n].dep == "conj" and words[words[n].head].pos == "NUM" and words[n].head != n:
        n = words[n].head  # "three or four robbers": the first figure carries the phrase's dependency
    w = words[n]
    head = words[w.head]
    if w.dep == "nummod" and head.pos == "NOUN" and w.head > n:
        following = next((k for k in range(n + 1, w.head) if words[k].pos != "PUNCT"), w.head)
        nxt = words[following]
        return _unit_word(nxt.text if nxt.pos == "NOUN" and nxt.dep == "compound" else head.text)
    if w.dep == "pobj" and head.lemma == "of" and head.head < n and words[head.head].pos == "NOUN":
        return _unit_word(words[head.head].text)
    if w.dep == "pobj" and head.lemma in ("at", "to") and words[head.head].pos == "VERB":
        # what a verb sets at a figure or brings to it: "put the magnitude at 6.1", "the death
        # toll rose to 10", "estimated the damage at 200"
        verb = words[head.head].lemma
        measured = [
            k
            for k in words
            if k.head == head.head
            and k.pos == "NOUN"
            and (k.dep in MEASURED or (k.dep == "nsubj" and verb in CHANGING))
        ]
        if measured:  # the object first: "the center put the magnitude at 5.9" measures the magnitude
            return _unit_word(min(measured, key=lambda k: k.dep != "dobj").text)
    partitive = any(k.head == n and k.dep == "prep" and k.lemma == "of" for k in words)
    if w.dep in ("dobj", "nsubjpass") and head.pos == "VERB" and not partitive:
        # no noun, but what was done to them: "injuring 80" and "50 were injured" count the
        # injured, as "at least 50 injured" does
        return head.lemma + ("d" if head.lemma.endswith("e") else "ed")
    return None


def _unit_word(word: str) -> str:
    unit = lx.singular(word.lower())
    if unit == "person":
        return "people"  # "10 persons" and "10 people" count the same
    return unit[:-2] + "er" if unit.endswith("metre") else unit  # kilometres and kilometers agree


def _unit_after(text: str, end: int, words: tuple[Word, ...], figure: list[int]) -> str:
    """The first word after a figure that can be what it counts. With a parse, a word that has
    nothing to do with the figure is none ("at 5.9, but ...", "on highway 94 when ...",
    "wounding 70, Iranian officials said")."""
    for m in list(re.finditer(r"[A-Za-z][A-Za-z'’-]*", text[end : end + 60]))[:3]:
        w = m.group()
        lw = w.lower()
        if lw in SKIPPABLE or lw in lx.DEMONYMS:  # "12 Somali pirates" counts pirates
            continue
        if lw in NOT_UNITS or w[0].isupper() or lw in lx.SPEECH_VERBS or lw.endswith("ly"):
            return ""
        if figure and not _linked(words, figure, end + m.start()):
            return ""
        return _unit_word(lw)
    return ""


def _linked(words: tuple[Word, ...], figure: list[int], at: int) -> bool:
    """Whether the word at offset `at` and the figure's words are one phrase: either heads the
    other, or both hang from one word."""
    word = next((n for n, w in enumerate(words) if w.start <= at < w.end), None)
    if word is None:
        return True  # the parse tokenised it otherwise: it cannot tell
    heads = {words[f].head for f in figure}
    return word in heads or words[word].head in set(figure) | heads
