"""Claim -> typed Values: people with their titles, organisations, places, dates, numbers,
negations and quotes. Rules over capitalisation and word lists; no model, no network."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from claimcheck import lexicon as lx
from claimcheck.frames import attach
from claimcheck.nlp import Parsed
from claimcheck.types import Claim, Document, Frame, Value

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


def tokenize(text: str) -> list[Token]:
    tokens = []
    for m in TOKEN.finditer(text):
        t, s, e = m.group(), m.start(), m.end()
        if t.endswith(".") and len(t) > 1 and t.count(".") == 1:
            w = t[:-1].lower()
            if w not in lx.ABBREVIATIONS and w not in lx.HONORIFICS and not (len(w) == 1 and t[0].isupper()):
                tokens.append(Token(t[:-1], s, e - 1))
                tokens.append(Token(".", e - 1, e))
                continue
        tokens.append(Token(t, s, e))
    return tokens


def extract_values(claim: Claim, document: Document | None = None, parsed: Parsed | None = None) -> Claim:
    """Return the claim with its typed values (spans are document offsets) and, given its
    parse, its frames and what each value is of."""
    published = document.published if document else None
    original = claim.text
    text = _restore_case(original, document.text) if document else original
    tokens = tokenize(text)
    values: list[Value] = []
    values += _names(text, tokens)
    date_values = _dates(text, published)
    values += date_values
    taken = [v.span for v in date_values]
    values += _numbers(text, tokens, taken)
    values += _negations(tokens)
    values += _quotes(text, [v for v in values if v.kind == "person"])
    found: tuple[Frame, ...] = ()
    if parsed is not None:
        values, found = attach(values, parsed)
    offset = claim.span[0]
    shifted = tuple(
        replace(
            v,
            # case restoration keeps lengths, so the surface form is read back from the original
            text=original[v.span[0] : v.span[1]] if v.text == text[v.span[0] : v.span[1]] else v.text,
            span=(v.span[0] + offset, v.span[1] + offset),
        )
        for v in values
    )
    return replace(claim, values=tuple(sorted(shifted, key=lambda v: (v.span, v.kind))), frames=found)


TITLE_CASE_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?\b")
LOWER_WORD = re.compile(r"\b[a-z]+\b")
SENTENCE_START = re.compile(r"^([\W\d]*)([A-Z][a-z]+)\b(?=\s+[A-Z])")  # only when a capitalised word follows


def _restore_case(text: str, document_text: str) -> str:
    """Lowercase ordinary words that are capitalised only by position, so that names stand out:
    every word of a Title Case headline, and the first word of a sentence ("But Ross said").

    A word counts as ordinary when the article uses it (or a word of the same stem) in
    lowercase; names are written capitalised throughout. Lengths do not change.
    """
    lower = _lower_stems(document_text)

    def fix(w: str) -> str:
        return w[0].lower() + w[1:] if w.lower() in lower or lx.stem(w) in lower else w

    words = TITLE_CASE_WORD.findall(text)
    if len(words) >= 4 and sum(1 for w in LOWER_WORD.findall(text) if len(w) > 3) <= len(words) / 3:
        return TITLE_CASE_WORD.sub(lambda m: fix(m.group()), text)  # a headline
    return SENTENCE_START.sub(lambda m: m.group(1) + fix(m.group(2)), text, count=1)


@functools.lru_cache(maxsize=64)
def _lower_stems(document_text: str) -> frozenset[str]:
    words = set(LOWER_WORD.findall(document_text))
    return frozenset(words | {lx.stem(w) for w in words})


# --- names: people, titles, organisations, places ----------------------------


def _runs(tokens: list[Token]) -> Iterable[tuple[int, int]]:
    """Maximal runs of capitalised tokens, joined by "of", "de", "bin" ... between capitals."""
    i, n = 0, len(tokens)
    while i < n:
        if not _is_cap(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            if _calendar_word(tokens, j):
                break  # "sentenced Brian Nichols Saturday": the weekday is not part of the name
            if (_is_cap(tokens[j]) and not tokens[j - 1].possessive) or (
                tokens[j].word in ({"of", "for", "on", "the"} | lx.NAME_PARTICLES)
                and j + 1 < n
                and (
                    _is_cap(tokens[j + 1])  # "Democratic Republic of the Congo"
                    or (tokens[j + 1].word == "the" and j + 2 < n and _is_cap(tokens[j + 2]))
                )
                and tokens[j + 1].word not in _CALENDAR  # "Busan on Monday" is two things
                and not tokens[j - 1].possessive
            ):
                j += 1
            else:
                break
        yield i, j
        i = j


def _calendar_word(tokens: list[Token], j: int) -> bool:
    word = tokens[j].word
    if word in WEEKDAYS:
        return True
    return word in MONTHS and j + 1 < len(tokens) and tokens[j + 1].text[:1].isdigit()


def _is_cap(token: Token) -> bool:
    return token.capital and token.text[0].isalpha()


def _names(text: str, tokens: list[Token]) -> list[Value]:
    values: list[Value] = []
    for i, j in _runs(tokens):
        values += _classify_run(text, tokens, i, j)
    values += _administrations(tokens)
    return values


def _title_word(token: Token) -> bool:
    w = token.word
    if "-" in w and w.split("-")[0] in lx.TEMPORAL:  # "then-House", "ex-President"
        return True
    return (
        w in lx.OFFICE_HEADS or w in lx.RANK_HEADS or w in lx.TITLE_MODIFIERS or w in lx.TEMPORAL or w in lx.TITLE_NOISE
    )


def _head_kind(word: str) -> str | None:
    if word in lx.RANK_HEADS:
        return "rank"
    if word in lx.OFFICE_HEADS:
        return "office"
    if word in lx.HONORIFICS:
        return "honorific"
    if word in lx.DESCRIPTORS:
        return "descriptor"
    return None


def _classify_run(text: str, tokens: list[Token], i: int, j: int) -> list[Value]:
    # Extend left over lowercase title words directly before the run: "defense Minister X",
    # "actress Jane Doe", "then-House Speaker".
    k = i
    while k > 0 and not tokens[k - 1].capital and (_title_word(tokens[k - 1]) or tokens[k - 1].word in lx.DESCRIPTORS):
        k -= 1
    words = tokens[k:j]
    countries: list[str] = []
    titles: list[tuple[int, int, str]] = []  # token index range in `words`, kind
    cue = False
    temporal = False
    pos = 0
    # Leading country qualifiers: "U.S.", "Chinese", "China's", "United States".
    while pos < len(words) - 1:
        matched = False
        for size in (3, 2, 1):
            chunk = words[pos : pos + size]
            if len(chunk) < size or pos + size >= len(words):
                continue
            phrase = text[chunk[0].start : chunk[-1].end]
            country = lx.country_of(phrase)
            if country and (
                size > 1 or chunk[0].possessive or chunk[0].word in lx.DEMONYMS or chunk[0].word in lx.COUNTRY_ALIASES
            ):
                countries.append(country)
                pos += size
                matched = True
                break
        if not matched:
            break
    # Titles: modifiers ending in a head, repeatable ("Defense Minister Admiral").
    start = pos
    while pos < len(words):
        w = words[pos].word
        if "-" in w and w.split("-")[0] in lx.TEMPORAL:  # "then-House", "ex-President"
            temporal = True
            w = w.split("-", 1)[1]
        if w in lx.TEMPORAL:
            temporal = True
            pos += 1
            start = pos
            continue
        kind = _head_kind(w)
        if kind and not (w == "general" and pos > start):  # "Attorney General" stays one office
            end = pos + 1
            # "Secretary of War", "Minister for Foreign Affairs": a complement of office words
            if end + 1 < len(words) and words[end].word in {"of", "for"}:
                c = end + 1
                while c < len(words) and (
                    words[c].word in lx.TITLE_MODIFIERS or words[c].word == "the" or lx.country_of(words[c].text)
                ):
                    c += 1
                if (c > end + 1 and c < len(words)) or c == len(words):
                    end = c
            if kind in ("office", "rank"):
                titles.append((start, end, kind))
            cue = True
            pos = end
            start = pos
            continue
        if w in lx.TITLE_MODIFIERS or w in lx.TITLE_NOISE:
            pos += 1
            continue
        ahead = _org_prefixed_head(words, pos) if not titles else None
        if ahead is not None:
            # "LA Superior Court Judge X", "Academy President X": the organisation is part of
            # the office (an academy's president is not a head of government)
            pos = ahead
            continue
        break
    name_tokens = words[pos:]
    if pos > start:  # modifiers with no head after them belong to the name ("House Speaker" handled above)
        name_tokens = words[start:]
    # A name stops at its first connector: "Adam Smith of Washington" (not at "del", "van", "bin").
    for n, tok in enumerate(name_tokens):
        if n and not tok.capital and tok.word not in lx.NAME_PARTICLES:
            name_tokens = name_tokens[:n]
            break
    values: list[Value] = []
    if not name_tokens:
        # Titles alone ("the War Secretary") or a bare place/organisation.
        if not titles:
            values += _place_or_org(text, tokens, i, j)
        return values
    name_text = text[name_tokens[0].start : name_tokens[-1].end]
    name_words = [t.word for t in name_tokens]
    if name_words[0].endswith("s") and name_words[0][:-1] in lx.OFFICE_HEADS | lx.RANK_HEADS:
        return values  # "Presidents Trump and Xi": a plural title names no one person
    if any(w in lx.ORG_HEADS for w in name_words) or _is_acronym(name_tokens):
        return _place_or_org(text, tokens, i, j)
    if not cue:
        place = _place_or_org(text, tokens, i, j) or _place_or_org(text, tokens, i, i + len(name_tokens))
        if place:
            return place
        if any(w in lx.COUNTRY_ALIASES or w in lx.DEMONYMS for w in name_words):
            return []
    after = tokens[j].word if j < len(tokens) else ""
    after2 = tokens[j + 1].word if j + 1 < len(tokens) else ""
    initials = any(len(t.text.rstrip(".")) == 1 for t in name_tokens[1:-1])
    before = tokens[k - 2].word if k >= 2 else ""
    cue = (
        cue
        or after in lx.SPEECH_VERBS
        or (after == "," and after2 in lx.SPEECH_VERBS)
        or initials
        or (before == "according" and tokens[k - 1].word == "to")
    )
    appositive = _appositive_titles(text, tokens, k, j)
    cue = cue or bool(appositive)
    if len(name_tokens) > 4 or (not cue and len(name_tokens) < 2):
        return values
    if not cue and i == 0 and len(name_tokens) < 2:
        return values
    name = lx.fold(" ".join(t.text for t in name_tokens).replace("’s", "").replace("'s", ""))
    name = " ".join(w for w in name.split() if w not in NAME_SUFFIXES)
    parts = name.split()
    if not name or any(w in _NOT_NAMES for n, w in enumerate(parts) if not (len(w) == 1 and 0 < n < len(parts) - 1)):
        return values  # a middle initial ("Dirk A. Kempthorne") is not the article "a"
    mention_start = words[0].start if (titles or cue) and k < i + len(words) else name_tokens[0].start
    values.append(
        Value(
            "person" if cue else "name",
            text[mention_start : name_tokens[-1].end] if titles else name_text,
            name,
            (mention_start if titles else name_tokens[0].start, name_tokens[-1].end),
            role="former" if temporal else "",
            parents=tuple(dict.fromkeys(countries)),
        )
    )
    if not temporal:
        for a, b, kind in titles:
            values.append(_title_value(text, words[a:b], name, kind, countries))
        values += [_title_value(text, toks, name, kind, []) for toks, kind in appositive]
    return values


def _org_prefixed_head(words: list[Token], pos: int) -> int | None:
    """Where a title starts after an organisation's name, if one does before the last word."""
    for h in range(pos + 1, len(words) - 1):
        if not words[h].capital:
            return None
        if _head_kind(words[h].word) in ("office", "rank"):
            m = h
            while m > pos + 1 and words[m - 1].word in lx.TITLE_MODIFIERS:
                m -= 1
            return m
    return None


_NOT_HOLDERS = frozenset({"new", "next", "current", "previous", "federal", "local", "state", "national", "whole"})
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december""".split()
)
_NOT_NAMES = frozenset(
    """the a an this that these those it its he she they we i you his her their our my your monday tuesday
    wednesday thursday friday saturday sunday january february march april june july august
    september october november december however meanwhile despite although while when after before
    since during""".split()
)


def _is_acronym(tokens: list[Token]) -> bool:
    return (
        len(tokens) == 1
        and tokens[0].text.isupper()
        and len(tokens[0].text.rstrip(".")) >= 2
        and tokens[0].word not in lx.COUNTRY_ALIASES
    )


def _appositive_titles(text: str, tokens: list[Token], k: int, j: int) -> list[tuple[list[Token], str]]:
    """Titles set off by commas or stated: "Kurt Campbell, chairman of ...", "China's defense
    minister, Adm. X", "Hegseth is the Secretary of War"."""
    found: list[tuple[list[Token], str]] = []
    # after: NAME , [the|a] modifiers HEAD [of ...]   or   NAME is|was [now] [the|a] ...
    p = j
    if p < len(tokens) and (tokens[p].text == "," or tokens[p].word in COPULAS):
        q = p + 1
        if tokens[p].text != "," and q < len(tokens) and tokens[q].word in {"now", "also", "still"}:
            q += 1
        if q < len(tokens) and tokens[q].word in {"the", "a", "an"}:
            q += 1
        r = q
        while r < len(tokens) and (lx.country_of(tokens[r].text) or tokens[r].word in lx.TITLE_MODIFIERS):
            r += 1
        # "the president's spokesman" names the spokesman's office, not the president's
        if r < len(tokens) and _head_kind(tokens[r].word) in ("office", "rank") and not tokens[r].possessive:
            end = r + 1
            c = end + 1
            if end < len(tokens) and tokens[end].word in {"of", "for"}:
                while c < len(tokens) and (tokens[c].word in lx.TITLE_MODIFIERS or lx.country_of(tokens[c].text)):
                    c += 1
                if c > end + 1:  # "Secretary of War", not "chairman of the Asia Group"
                    end = c
            found.append((tokens[q:end], _head_kind(tokens[r].word) or "office"))
    # before: modifiers HEAD , NAME
    if k >= 2 and tokens[k - 1].text == ",":
        r = k - 2
        kind = _head_kind(tokens[r].word)
        if kind in ("office", "rank"):
            q = r
            while q > 0 and (tokens[q - 1].word in lx.TITLE_MODIFIERS or lx.country_of(tokens[q - 1].text)):
                q -= 1
            found.append((tokens[q : r + 1], kind or "office"))
    return found


# "Hegseth is the Secretary of War": a title stated of a name
COPULAS = frozenset({"is", "was", "becomes", "became", "remains", "remained"})


def _title_value(text: str, toks: list[Token], holder: str, kind: str, countries: list[str]) -> Value:
    words: list[str] = []
    qualifiers = list(countries)
    complement: list[str] = []
    target = words
    for tok in toks:
        w = tok.word
        country = lx.country_of(tok.text) if tok.capital or tok.possessive else None
        if country and w not in lx.TITLE_MODIFIERS:
            qualifiers.append(country)
            continue
        if w in {"of", "for"}:
            target = complement
            continue
        if w in lx.TITLE_NOISE or w in {"a", "an"}:
            continue
        target.append(lx.SPELLING.get(w, w))
    # "Secretary of War" reads as "war secretary"; "vice president" fuses to one office.
    ordered = complement + words
    if kind == "rank":  # "Deputy Sgt." is a sergeant serving as a deputy: the rank is what compares
        ordered = [w for w in ordered if w not in lx.RANK_CHANGING]
    fused: list[str] = []
    for w in ordered:
        if fused and fused[-1] in lx.RANK_CHANGING:
            fused[-1] = f"{fused[-1]}-{w}"
        else:
            fused.append(w)
    return Value(
        "title",
        text[toks[0].start : toks[-1].end],
        " ".join(fused),
        (toks[0].start, toks[-1].end),
        role=holder,
        parents=(kind, *dict.fromkeys(qualifiers)),
    )


def _place_or_org(text: str, tokens: list[Token], i: int, j: int) -> list[Value]:
    run = tokens[i:j]
    run_text = (
        text[run[0].start : run[-1].end].rstrip("’'s") if run[-1].possessive else text[run[0].start : run[-1].end]
    )
    words = [t.word for t in run]
    if any(w in lx.ORG_HEADS for w in words[1:]) or (len(run) > 1 and words[0] in lx.ORG_HEADS) or _is_acronym(run):
        if _is_acronym(run) and len(run[0].text) > 6:
            return []
        key = lx.fold(run_text)
        key = key[4:] if key.startswith("the ") else key
        return [Value("organisation", run_text, key, (run[0].start, run[0].start + len(run_text)))]
    place = _place(text, tokens, i, j, run_text)
    return [place] if place else []


def _place(text: str, tokens: list[Token], i: int, j: int, run_text: str) -> Value | None:
    if run_text.lower() in MONTHS or run_text.lower() in WEEKDAYS:
        return None  # "in March" is a date, not the town
    gaz = lx.gazetteer()
    key = lx.canonical_place(run_text)
    entry = gaz.get(key) or gaz.get(lx.fold(run_text))
    if entry is None:
        return None
    kind, parents, population = entry
    prep = tokens[i - 1].word if i > 0 else ""
    # A small town's name is often a surname too; a city of two or more words rarely is.
    multiword = j - i > 1 and population >= lx.NAMED_CITY
    if kind == "city" and population < lx.BIG_CITY and prep not in lx.LOCATIVE and not multiword:
        after = tokens[j + 1].text if j + 1 < len(tokens) and tokens[j].text == "," else ""
        if not (after and lx.country_of(after)):
            return None
    # "Kuala Lumpur, Malaysia": the text itself says what contains what.
    if j + 1 < len(tokens) and tokens[j].text == ",":
        nxt_token = tokens[j + 1]
        container = lx.canonical_place(nxt_token.text + ("." if text[nxt_token.end : nxt_token.end + 1] == "." else ""))
        nxt = gaz.get(container)
        if nxt and nxt[0] in ("country", "state") and kind in ("city", "state") and container != key:
            parents = (container, *parents)
    return Value(
        "place",
        run_text,
        key,
        (tokens[i].start, tokens[i].start + len(run_text)),
        role=kind,
        parents=tuple(dict.fromkeys(p for p in parents if p)),
    )


def _administrations(tokens: list[Token]) -> list[Value]:
    """ "the Biden administration" names the head of an executive: a person in that role."""
    values = []
    for n in range(1, len(tokens)):
        # lowercase "administration": "Atmospheric Administration" is an agency's name
        # "government" is left out: "the Socialist government", "the Athens government"
        if tokens[n].text.startswith("administration") and _is_cap(tokens[n - 1]):
            prev = tokens[n - 1]
            if (
                lx.country_of(prev.text)
                or prev.word in lx.ORG_HEADS | lx.TITLE_MODIFIERS | _NOT_NAMES | _NOT_HOLDERS
                or (n == 1 and prev.word in lx.TEMPORAL)
            ):
                continue
            # "the former/incoming/next X administration" is not the one in office
            temporal = n >= 2 and tokens[n - 2].word in lx.TEMPORAL | {
                "previous",
                "last",
                "past",
                "prior",
                "next",
                "new",
            }
            if n >= 2 and _is_cap(tokens[n - 2]):
                continue  # "Obama White House administration"-like runs: ambiguous, skip
            values.append(
                Value(
                    "person",
                    f"{prev.text} {tokens[n].word}",
                    lx.fold(prev.word),
                    (prev.start, tokens[n].start + len(tokens[n].word)),
                    role="former" if temporal else "administration",
                )
            )
    return values


# --- dates --------------------------------------------------------------------

MONTHS = {m.lower(): n for n, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): n for n, m in enumerate(calendar.month_abbr) if m}
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): n for n, d in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501 - a regex reads best on one line
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PART = r"(?:(?P<part>early|mid|late|end of|beginning of|the end of)[\s-]+)?"
DATE_PATTERNS = [
    re.compile(rf"\b{_PART}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_PART}{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d:])", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b", re.I),
    re.compile(
        rf"(?:(?<=\bin )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bfrom )|(?<=\bduring )|(?<=\bbefore )|(?<=\bafter )|(?<=\bof )|(?<=\bthrough ))(?:{_PART}){_YEAR}\b(?![-–]\d|\s*(?:%|percent))"  # noqa: E501 - a regex reads best on one line
    ),
    re.compile(rf"\b{_PART}{_YEAR}\b(?=\s*[,:]|\s+(?:and|to)\s+(?:19|20)\d\d)"),
    re.compile(rf"(?<=\bthe ){_YEAR}(?= [a-z])"),  # "the 2005 ceremony"
    # a month on its own: "in March", "by early April" (capitalised, so not the verb "march")
    re.compile(
        r"(?:(?<=\bin )|(?<=\bsince )|(?<=\bby )|(?<=\buntil )|(?<=\bfrom )|(?<=\bduring )|(?<=\bbefore )"
        r"|(?<=\bafter )|(?<=\bor )|(?<=\band )|(?<=\blast )|(?<=\bnext )|(?<=\bthis ))"
        rf"{_PART}(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)\b"
        r"(?!\s+\d)"
    ),
    re.compile(r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    re.compile(
        r"\b(?P<relative>yesterday|today|tomorrow|(?:late |early )?(?:last|next|this) (?:week|month|year))\b", re.I
    ),
]
# "may" and "march" are verbs far more often than months when lowercase.
_AMBIGUOUS_MONTHS = {"may", "march", "jan", "june", "july", "aug", "sept", "oct", "nov", "dec", "mar", "apr", "feb"}


def _dates(text: str, published: dt.date | None) -> list[Value]:
    values: list[Value] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            month_word = (g.get("month") or "").rstrip(".")
            if month_word and month_word.lower() in _AMBIGUOUS_MONTHS and not month_word[0].isupper():
                continue
            value = _normalize_date(g, published)
            if value is None:
                continue
            normalized, granularity = value
            taken.append((m.start(), m.end()))
            values.append(Value("date", m.group(), normalized, (m.start(), m.end()), role=granularity))
    return values


def _normalize_date(groups: dict[str, str | None], published: dt.date | None) -> tuple[str, str] | None:
    g = {k: v for k, v in groups.items() if v}
    year = int(g["year"]) if "year" in g else None
    month = MONTHS.get(g["month"].lower().rstrip(".")) if "month" in g else None
    day = int(g["day"]) if "day" in g else None
    if "weekday" in g:
        weekday = WEEKDAYS[g["weekday"].lower()]
        if published:
            # News reports past events: "Friday" is the last Friday on or before publication.
            back = (published.weekday() - weekday) % 7
            return (published - dt.timedelta(days=back)).isoformat(), "day"
        return g["weekday"].lower(), "weekday"
    if "relative" in g:
        return _relative(g["relative"].lower(), published)
    if month and day and year is None:
        if published:
            year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
        else:
            return f"--{month:02d}-{day:02d}", "monthday"
    if year and month and day:
        try:
            return dt.date(year, month, day).isoformat(), "day"
        except ValueError:
            return None
    if year and month:
        return f"{year}-{month:02d}", "month"
    if year:
        return f"{year}", "year"
    if month and day is None:
        return f"--{month:02d}", "month"
    return None


def _relative(phrase: str, published: dt.date | None) -> tuple[str, str] | None:
    if published is None:
        return None
    unit = phrase.split()[-1]
    if unit in {"yesterday", "today", "tomorrow"}:
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[unit]
        return (published + dt.timedelta(days=shift)).isoformat(), "day"
    step = -1 if "last" in phrase else 1 if "next" in phrase else 0
    if unit == "year":
        return f"{published.year + step}", "year"
    if unit == "month":
        m = published.month - 1 + step
        return f"{published.year + m // 12}-{m % 12 + 1:02d}", "month"
    return None  # weeks have no written form to compare with


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
    rf"|(?:{_WORDNUM})(?:[- ](?:{_WORDNUM}))?\b)(?!(?:st|nd|rd|th)\b)(?![\w,]*\d)(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?"  # noqa: E501 - a regex reads best on one line
    rf"(?:\s?(?P<pct>%|percent|per cent)(?!\w))?",
    re.I,
)
# Words between a number and its noun that do not change what is counted.
SKIPPABLE = frozenset(
    """more other additional new further extra of the more than largest biggest top people's""".split()
)
NOT_UNITS = frozenset("""of the a an and or to in on at by for with from as is are was were has have had""".split())


def _numbers(text: str, tokens: list[Token], taken: list[tuple[int, int]]) -> list[Value]:
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
        if re.fullmatch(r"(?:19|20)\d\d", raw) and not m.group("scale"):
            continue  # a bare year that the date rules did not take: leave it alone
        if text[max(0, s - 4) : s].lower().endswith(("no. ", "no.")) or text[e : e + 1] in {":", "/"}:
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
            unit = _unit_after(text, e)
            if not unit:
                continue  # a number with nothing counted cannot be aligned across sources
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


def _after_name(text: str, start: int) -> bool:
    """A capitalised word, not the sentence's first nor a qualifier ("About 20"), right before."""
    m = re.search(r"(\S+)\s$", text[max(0, start - 25) : start])
    if not m or not m.group(1)[:1].isupper() or m.group(1).lower() in QUALIFIERS:
        return False
    return bool(text[: start - len(m.group(0))].strip())


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


def _unit_after(text: str, end: int) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text[end : end + 60])
    for w in words[:3]:
        lw = w.lower()
        if lw in SKIPPABLE or lw in lx.DEMONYMS:  # "12 Somali pirates" counts pirates
            continue
        if lw in NOT_UNITS or w[0].isupper() or lw in lx.SPEECH_VERBS or lw.endswith("ly"):
            return ""
        unit = lx.singular(lw)
        return unit[:-2] + "er" if unit.endswith("metre") else unit  # kilometres and kilometers agree
    return ""


# --- polarity ----------------------------------------------------------------

NEGATORS = {"not", "n't", "never", "no longer", "neither", "nor", "yet to", "failed to", "refused to", "declined to"}
AUXILIARIES = frozenset(
    """be been being is are was were am have has had do does did will would shall should can could may
    might must yet to also ever so even still""".split()
)


def _negations(tokens: list[Token]) -> list[Value]:
    """Negated verbs: "have not restarted" -> (negated, restart). Affirmative is the default."""
    values = []
    words = [t.word for t in tokens]
    n = 0
    while n < len(tokens):
        w = words[n]
        cue = None
        if w in {"not", "never"} or w.endswith("n't") or w.endswith("n’t"):
            cue = n
        elif (w in {"failed", "refused", "declined"} and n + 1 < len(words) and words[n + 1] == "to") or (
            w == "no" and n + 1 < len(words) and words[n + 1] == "longer"
        ):
            cue = n + 1
        if cue is None:
            n += 1
            continue
        m = cue + 1
        while m + 1 < len(tokens) and words[m] in AUXILIARIES and words[m + 1] not in FUNCTION_WORDS:
            m += 1
        if (
            m < len(tokens)
            and tokens[m].text[:1].islower()
            and tokens[m].text.isalpha()
            and words[m] not in FUNCTION_WORDS
            and _verb_form(words, cue, m)
        ):
            verb = tokens[m]
            values.append(
                Value(
                    "polarity",
                    " ".join(t.text for t in tokens[n : m + 1]),
                    "negated",
                    (tokens[n].start, verb.end),
                    role=lx.stem(verb.text),
                )
            )
        n = m + 1
    return values


FUNCTION_WORDS = frozenset(
    """a an the his her their its our my your this that these those him them it me us you he she they we i
    any some no all every each much many more most only just even also yet still ever so very too quite
    enough about from with without into onto for of to in on at by as than then there here""".split()
)
DO_OR_MODAL = frozenset("""do does did will would shall should can could may might must to""".split())


def _verb_form(words: list[str], cue: int, m: int) -> bool:
    """Is words[m] a verb? After "did not"/"will not"/"to" a base form is; otherwise only
    participles are ("has never been better" negates an adjective, not an event)."""
    before = words[max(0, cue - 1) : m]
    if any(
        w in DO_OR_MODAL or (w.endswith(("n't", "n’t")) and w[:-3] in DO_OR_MODAL | {"ca", "wo", "did", "do", "does"})
        for w in before
    ):
        return True
    return words[m].endswith(("ed", "en", "ing"))


# --- quotes -------------------------------------------------------------------

QUOTE = re.compile(r"“([^”]{10,})”|\"([^\"]{10,})\"")


def _quotes(text: str, people: list[Value]) -> list[Value]:
    values = []
    for m in QUOTE.finditer(text):
        words = (m.group(1) or m.group(2)).strip()
        if len(words.split()) < 3:
            continue
        speakers = [p for p in people if not (m.start() <= p.span[0] < m.end())]
        speaker = (
            min(speakers, key=lambda p: min(abs(p.span[0] - m.end()), abs(m.start() - p.span[1]))).normalized
            if speakers
            else ""
        )
        words = words.rstrip(",;: ")
        values.append(Value("quote", words, lx.fold(words), (m.start(), m.end()), role=speaker))
    return values
