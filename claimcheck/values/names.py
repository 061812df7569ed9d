"""People named in a claim (with the titles and countries written with them), and the
administrations named after a head of government."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import dropwhile

from claimcheck import lexicon as lx
from claimcheck.nlp import CLOSED_CLASSES, Parsed
from claimcheck.types import Value
from claimcheck.values.dates import MONTHS, WEEKDAYS
from claimcheck.values.places import place_or_org
from claimcheck.values.titles import appositive_titles, head_kind, org_prefixed_head, title_value, title_word
from claimcheck.values.tokens import NOT_PEOPLE, Entities, Token, is_acronym, is_cap, label_of

# --- names: people, titles, organisations, places ----------------------------


def _runs(tokens: list[Token], closed: set[int]) -> Iterable[tuple[int, int]]:
    """Maximal runs of capitalised tokens, joined by "of", "de", "bin" ... between capitals;
    `closed` holds the starts of words the parse tags as function words."""
    n = len(tokens)

    def cap(k: int) -> bool:
        return is_cap(tokens[k]) and tokens[k].start not in closed

    i = 0
    while i < n:
        if not cap(i):
            i += 1
            continue
        j = i + 1
        while j < n:
            if _calendar_word(tokens, j):
                break  # "sentenced Brian Nichols Saturday": the weekday is not part of the name
            if (cap(j) and not tokens[j - 1].possessive) or (
                tokens[j].word in ({"of", "for", "on", "the"} | lx.NAME_PARTICLES)
                and j + 1 < n
                and (
                    cap(j + 1)  # "Democratic Republic of the Congo"
                    or (tokens[j + 1].word == "the" and j + 2 < n and cap(j + 2))
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


# Prepositions after which a capitalised name is where something happened.
LOCATIVE = frozenset({"in", "at", "near", "outside"})


def find(text: str, tokens: list[Token], parsed: Parsed) -> list[Value]:
    """People, with their titles; places and organisations found on the way (places.py)."""
    closed = {w.start for w in parsed.words if w.pos in CLOSED_CLASSES}
    common = {w.start for w in parsed.words if w.pos == "NOUN"}  # "Officials", "Police": capitalised, no names
    values: list[Value] = []
    runs = list(_runs(tokens, closed))
    starts = [_title_start(tokens, i) for i, _ in runs]
    for n, (i, j) in enumerate(runs):
        # "Prime" of "Prime minister George Papandreou" is the next run's title, and "New
        # York" of "New York Police chief John Smith" a run of its own
        end = min(j, starts[n + 1]) if n + 1 < len(runs) else j
        if end > i:
            values += _classify_run(text, tokens, starts[n], i, end, parsed.entities, common)
    values += _administrations(tokens, parsed.entities)
    return values


def _title_start(tokens: list[Token], i: int) -> int:
    """Where the title words that lead into the run at i start: lowercase ones ("defense
    Minister X", "actress Jane Doe", "then-House Speaker"), the capitalised modifier that
    opens a lowercase title ("Prime minister X", "Defense minister X"), and "later" before an
    office ("later President Reagan")."""
    k = i
    while k > 0 and not tokens[k - 1].capital and (title_word(tokens[k - 1]) or tokens[k - 1].word in lx.DESCRIPTORS):
        k -= 1
    while 0 < k < i and tokens[k - 1].capital and tokens[k - 1].word in lx.TITLE_MODIFIERS:
        k -= 1
    if k > 0 and tokens[k - 1].word in lx.TEMPORAL_BEFORE_TITLE and head_kind(tokens[k].word) in ("office", "rank"):
        k -= 1
    return k


def _classify_run(
    text: str, tokens: list[Token], k: int, i: int, j: int, entities: Entities, common: set[int]
) -> list[Value]:
    """A run of capitalised words (tokens i to j, its title words from k): a person (NER's
    PERSON, or a title or "said" to cue one) with the titles and countries written with it,
    a place, an organisation, or nothing."""
    words = tokens[k:j]
    countries: list[str] = []
    # What the words before say of a title that opens the run: "South Sudan's President
    # Salva Kiir" is South Sudan's; "Samaritan's Purse president Franklin Graham" and
    # "Microsoft's president" are an organisation's head, like "Academy President", not a
    # country's.
    lead = tokens[k - 1] if k > 0 and tokens[k - 1].capital else None
    country_before = next(
        (
            country
            for size in (3, 2, 1)
            if k >= size
            and all(t.capital for t in tokens[k - size : k])
            and (country := lx.country_of(text[tokens[k - size].start : tokens[k - 1].end]))
        ),
        None,
    )
    if lead is not None and country_before and (lead.possessive or k < i):  # "U.S. president Donald Trump"
        countries.append(country_before)
    office_of = ""
    if lead is not None and not country_before and (k < i or lead.possessive) and lead.word not in _NOT_NAMES:
        office_of = lx.fold(lead.word)
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
        if w in lx.TEMPORAL or (pos == 0 and w in lx.TEMPORAL_BEFORE_TITLE):
            temporal = True
            pos += 1
            start = pos
            continue
        kind = head_kind(w)
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
        ahead = org_prefixed_head(words, pos) if not titles else None
        if ahead is not None:
            # "LA Superior Court Judge X", "Academy President X": the organisation is part of
            # the office (an academy's president is not a head of government)
            pos = ahead
            continue
        break
    if start < pos and all(t.word in lx.RANK_CHANGING for t in words[start:pos]):
        # a deputy is a post, never part of a name: "Sheriff Deputy Ortiz" is the sheriff's
        # deputy, "Deputy Jerry Ortiz" a deputy
        if titles and titles[-1][1] == start:
            titles[-1] = (titles[-1][0], pos, titles[-1][2])
        else:
            titles.append((start, pos, "office"))
        cue = True
        start = pos
    name_tokens = words[pos:]
    if pos > start:  # modifiers with no head after them belong to the name ("House Speaker" handled above)
        # ... but not the words that never name anyone: "Top Nixon aides" speaks of Nixon
        # ("the Biden administration" is left whole, for the administration's own reading)
        name_tokens = list(dropwhile(lambda t: t.word in _NOISE_NOT_NAMES, words[start:]))
    # A name stops at its first connector: "Adam Smith of Washington" (not at "del", "van", "bin").
    for n, tok in enumerate(name_tokens):
        if n and not tok.capital and tok.word not in lx.NAME_PARTICLES:
            name_tokens = name_tokens[:n]
            break
    values: list[Value] = []
    run_label = label_of(entities, tokens[i].start, tokens[j - 1].end)
    if not name_tokens:
        # Titles alone ("the War Secretary") or a bare place/organisation.
        if not titles:
            values += place_or_org(text, tokens, i, j, run_label)
        return values
    name_text = text[name_tokens[0].start : name_tokens[-1].end]
    name_words = [t.word for t in name_tokens]
    label = label_of(entities, name_tokens[0].start, name_tokens[-1].end)
    if name_words[0].endswith("s") and name_words[0][:-1] in lx.OFFICE_HEADS | lx.RANK_HEADS:
        return values  # "Presidents Trump and Xi": a plural title names no one person
    if any(w in lx.ORG_HEADS for w in name_words) or is_acronym(name_tokens):
        return place_or_org(text, tokens, i, j, run_label)
    if label in NOT_PEOPLE and not titles:
        # NER reads an organisation, a group or a place ("House Democrats", "Europe"); a
        # title before the name outweighs it ("Adm. Dong Jun" is a person whatever NER says)
        return place_or_org(text, tokens, i, j, run_label) or place_or_org(text, tokens, i, i + len(name_tokens), label)
    if not cue and label != "PERSON":
        place = place_or_org(text, tokens, i, j, run_label) or place_or_org(
            text, tokens, i, i + len(name_tokens), label
        )
        if place:
            return place
        if any(w in lx.COUNTRY_ALIASES or w in lx.DEMONYMS for w in name_words):
            return []
        if all(t.start in common for t in name_tokens):
            return []  # common nouns a sentence starts with ("Officials said"): nobody's name
    if not cue and label == "PERSON" and k > 0 and tokens[k - 1].word in LOCATIVE and not name_tokens[-1].possessive:
        # "arrested in Lyon": the small NER model reads many a city as a person; right after
        # "in" or "at", a place the gazetteer knows is that place
        place = place_or_org(text, tokens, i, j, "GPE")
        if place:
            return place
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
    appositive = appositive_titles(text, tokens, k, j)
    cue = cue or bool(appositive)
    # a person is what NER recognises as one, or what a title or "said" marks as one
    if len(name_tokens) > 4 or not (cue or label == "PERSON"):
        return values
    name = lx.fold(" ".join(t.text for t in name_tokens).replace("’s", "").replace("'s", ""))
    name = " ".join(w for w in name.split() if w not in NAME_SUFFIXES)
    parts = name.split()
    if not name or any(w in _NOT_NAMES for n, w in enumerate(parts) if not (len(w) == 1 and 0 < n < len(parts) - 1)):
        return values  # a middle initial ("Dirk A. Kempthorne") is not the article "a"
    mention_start = words[0].start if (titles or cue) and k < i + len(words) else name_tokens[0].start
    values.append(
        Value(
            "person",
            text[mention_start : name_tokens[-1].end] if titles else name_text,
            name,
            (mention_start if titles else name_tokens[0].start, name_tokens[-1].end),
            role="former" if temporal else "",
            parents=tuple(dict.fromkeys(countries)),
        )
    )
    if not temporal:
        for a, b, kind in titles:
            title = title_value(text, words[a:b], name, kind, countries)
            if office_of and a == 0 and title.normalized in lx.EXECUTIVE_TITLES:
                title = replace(title, normalized=f"{office_of} {title.normalized}")
            values.append(title)
        values += [title_value(text, toks, name, kind, []) for toks, kind in appositive]
    return values


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
# title noise that is never part of a name ("Top" of "Top Nixon aides"; not "the", which
# keeps "the Biden administration" whole for the administration's own reading)
_NOISE_NOT_NAMES = lx.TITLE_NOISE - _NOT_NAMES


def _administrations(tokens: list[Token], entities: Entities) -> list[Value]:
    """ "the Biden administration" names the head of an executive: a person in that role."""
    values = []
    for n in range(1, len(tokens)):
        # lowercase "administration": "Atmospheric Administration" is an agency's name
        # "government" is left out: "the Socialist government", "the Athens government"
        if tokens[n].text.startswith("administration") and is_cap(tokens[n - 1]):
            prev = tokens[n - 1]
            if (
                lx.country_of(prev.text)
                # a role holder is a person: not "the Socialist administration", "the Athens one"
                or label_of(entities, prev.start, prev.end) in NOT_PEOPLE
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
            if n >= 2 and is_cap(tokens[n - 2]):
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
