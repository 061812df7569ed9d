"""Clusters and claims -> Conflicts: values that sources state differently.

Two kinds of check:
- inside each cluster (claims about one fact), the centre claim's values are aligned
  with each member's by type and role (numbers by the noun they count, dates by
  granularity, places by kind) and compared after normalisation;
- across the whole story, every source's way of naming and titling each person is
  compared: near-identical spellings of one name, incompatible titles for one person,
  and different holders of one head-of-government role.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from claimcheck.config import CheckConfig
from claimcheck.frames import contradicts, same_fact
from claimcheck.lexicon import PLACE_LEVELS, SYNONYM_GROUPS, offices_exclude, place_levels, same_first_name, stem
from claimcheck.types import (
    Claim,
    Cluster,
    Comparison,
    Conflict,
    ConflictValue,
    Entity,
    EntityMention,
    Evidence,
    Value,
)

EXECUTIVE_TITLES = frozenset({"president", "prime minister", "premier", "chancellor"})
SEVERITY = {
    "role_holder": "high",
    "number": "high",
    "date": "high",
    "polarity": "medium",  # negation alignment is the least certain of the checks
    "title": "medium",
    "person_name": "medium",
    "place": "medium",
    "organisation": "medium",
    "quote": "low",
}
# "in X", "20 miles north of X", and the state or country in "in Malibu, California"
LOCATIVE_BEFORE = re.compile(
    r"\b(?i:in|at|inside|near|outside|(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of)"
    r"\s+(?:(?i:the|a|an)\s+)?(?:city of\s+)?(?:[A-Z][\w.'’-]*\s*)*(?:,\s*)?$"
)
# how much a pairing's likeness counts when the parse puts its values in different slots
SLOT_MISMATCH = 0.5
# Regions are too vague to contradict a city or a country ("in Asia" vs "in Seoul").
COMPARABLE_PLACES = frozenset({"city", "state", "country"})


@dataclass(frozen=True, slots=True)
class _Sighting:
    """One value as one claim states it."""

    value: Value
    claim: Claim
    similarity: float = 1.0


def find_conflicts(claims: Sequence[Claim], clusters: Sequence[Cluster], config: CheckConfig) -> tuple[Conflict, ...]:
    """All conflicts in a story, most severe and most certain first."""
    by_id = {c.id: c for c in claims}
    headlines = {(c.document_id, c.span[0]) for c in claims if c.headline}
    drafts = cluster_conflicts(clusters, by_id, config) + entity_conflicts(claims, config)
    found = [_settle(d, headlines, config) for d in drafts]
    order = {"high": 0, "medium": 1, "low": 2}
    found.sort(key=lambda c: (order[c.severity], -c.confidence, c.kind, c.summary))
    return tuple(replace(c, id=f"k{n + 1}") for n, c in enumerate(found))


@dataclass(frozen=True, slots=True)
class _Draft:
    """A conflict as one of the checks found it, before `_settle` counts its sources and words it."""

    kind: str
    severity: str  # the most it may be shown at
    subject: str
    values: tuple[ConflictValue, ...]
    quality: float = 1.0  # how sure the alignment is: the mean similarity of its pairings
    cluster_id: str | None = None


def _settle(draft: _Draft, headlines: set[tuple[str, int]], config: CheckConfig) -> Conflict:
    """What every card holds, whichever check found it: each side counted in sources, a source
    on two sides counted on neither (a source that contradicts itself is no disagreement
    between sources: alone, it is an internal inconsistency, shown low), a severity its
    confidence bears out, never above low on a headline's word alone, and a summary that
    names the fact disputed."""
    docs = [set(v.document_ids) for v in draft.values]
    both = sorted({d for n, a in enumerate(docs) for d in a if any(d in b for m, b in enumerate(docs) if m != n)})
    if draft.cluster_id is None:
        # Story-wide checks compare how each source names, titles and casts one person: a
        # source that writes two forms is an outlier in its rarer ones ("Dong Un" where every
        # other source writes "Dong Jun") and is counted there, not with the majority.
        commonest = {d: min((v for v in draft.values if d in v.document_ids), key=_by_sources) for d in both}
        own = [_without(v, [d for d in both if commonest[d] is v]) for v in draft.values]
    else:
        own = [_without(v, both) for v in draft.values]
    internal = sum(bool(v.document_ids) for v in own) < 2
    values = list(draft.values) if internal else sorted((v for v in own if v.document_ids), key=_by_sources)
    confidence = _confidence(values, draft.quality)
    headline_only = any(all((e.document_id, e.start) in headlines for e in v.evidence) for v in values)
    severity = draft.severity
    if internal or headline_only or confidence < config.medium_confidence:
        severity = "low"
    elif confidence < config.high_confidence and severity == "high":
        severity = "medium"
    summary = _describe(draft.kind, draft.subject, values, both, internal)
    return Conflict("", draft.kind, severity, confidence, summary, draft.subject, tuple(values), draft.cluster_id)


def _without(value: ConflictValue, documents: Sequence[str]) -> ConflictValue:
    keep = tuple(d for d in value.document_ids if d not in documents)
    return replace(value, document_ids=keep, evidence=tuple(e for e in value.evidence if e.document_id in keep))


def _by_sources(value: ConflictValue) -> tuple[int, str]:
    return -len(value.document_ids), value.normalized


# --- inside clusters -------------------------------------------------------------


def cluster_conflicts(clusters: Sequence[Cluster], by_id: dict[str, Claim], config: CheckConfig) -> list[_Draft]:
    # (kind, subject) -> list of (sighting a, sighting b) pairs that disagree
    pairs: dict[tuple[str, str], list[tuple[_Sighting, _Sighting]]] = defaultdict(list)
    cluster_of: dict[tuple[str, str], str] = {}
    compared: set[frozenset[str]] = set()
    for cluster in clusters:
        centre = by_id[cluster.claim_ids[0]]
        for member_id, sim in zip(cluster.claim_ids[1:], cluster.similarities[1:], strict=True):
            pair = frozenset((centre.id, member_id))
            if pair in compared:
                continue
            compared.add(pair)
            member = by_id[member_id]
            # weight < 1 marks an alignment that is itself uncertain
            for kind, subject, x, y, weight in _compare(centre, member):
                pairs[(kind, subject)].append((_Sighting(x, centre, sim * weight), _Sighting(y, member, sim * weight)))
                cluster_of.setdefault((kind, subject), cluster.id)
    conflicts: list[_Draft] = []
    for (kind, subject), disagreeing in pairs.items():
        for component in _components(disagreeing):
            # Four or more values for one subject are a list of facts (every year someone
            # hosted, every game's score), not one fact told two ways.
            many = len({s.value.normalized for pair in component for s in pair}) > 3
            by_values: dict[frozenset[str], list[tuple[_Sighting, _Sighting]]] = defaultdict(list)
            for a, b in component:
                by_values[frozenset((a.value.normalized, b.value.normalized))].append((a, b))
            for group in by_values.values():
                conflict = _build(kind, subject, group, cluster_of[(kind, subject)], config, many)
                if conflict:
                    conflicts.append(conflict)
    return conflicts


def _compare(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    for kind, subject, x, y, weight in (*_compare_numbers(a, b), *_compare_dates(a, b), *_compare_places(a, b)):
        # two values of one kind are one fact when they fill the same slot of the same
        # predicate (the number killed is not the number injured); paraphrases often use
        # another verb for one fact, so values the parse sets in different slots are weak
        # evidence rather than none: such a card is folded away as low
        if same_fact(a.frames, x, b.frames, y) is False:
            weight *= SLOT_MISMATCH
        yield kind, subject, x, y, weight
    yield from _compare_polarity(a, b)
    yield from _compare_quotes(a, b)


def _of(claim: Claim, kind: str) -> list[Value]:
    return [v for v in claim.values if v.kind == kind]


def _compare_numbers(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    numbers_a, numbers_b = _of(a, "number"), _of(b, "number")
    # several figures and none shared: more likely a season's totals against one game's
    # than one fact told two ways, so such a pairing counts as weak evidence
    shared = any(_numbers_agree(x, y) for x in numbers_a for y in numbers_b)
    weight = 0.5 if len(numbers_a) > 1 and len(numbers_b) > 1 and not shared else 1.0
    units = {v.role for v in numbers_a} & {v.role for v in numbers_b}
    for unit in units:
        xs = [v for v in _of(a, "number") if v.role == unit]
        ys = [v for v in _of(b, "number") if v.role == unit]
        # Figures the sources share are set aside; what is left is one figure told two ways only
        # when both list the same number of figures ("20 women ... five women" against "20 women
        # ... two women"); otherwise the rest are other facts.
        left_x = [x for x in xs if not any(_numbers_agree(x, y) for y in ys)]
        left_y = [y for y in ys if not any(_numbers_agree(x, y) for x in xs)]
        if len(left_x) == 1 and len(left_y) == 1 and len(xs) == len(ys):
            yield "number", unit, left_x[0], left_y[0], weight


def _numbers_agree(x: Value, y: Value) -> bool:
    """Figures agree when equal or when one's qualifier admits the other: "about 20" and 21,
    "more than 50" and 55. Two bounds that state different figures still disagree."""
    p, q = float(x.normalized), float(y.normalized)
    if p == q:
        return True
    qx, qy = (x.parents or ("",))[0], (y.parents or ("",))[0]
    if "about" in (qx, qy):
        return abs(p - q) <= 0.1 * max(abs(p), abs(q))
    if qx and qy:
        return qx != qy and (p < q if qx == "more" else p > q)  # "over 10" and "under 20" overlap
    if qx:
        return q > p if qx == "more" else q < p
    if qy:
        return p > q if qy == "more" else p < q
    return False


def _dates_compatible(x: str, y: str) -> bool:
    """ISO forms: equal, or one contains the other ("2025-11" contains "2025-11-01"); a date
    without its year ("--11-01", "--11") is matched against the month and day of the other."""
    if x.startswith("--") != y.startswith("--"):
        x, y = (x[1:], y[4:]) if x.startswith("--") else (x[4:], y[1:])
    return x.startswith(y) or y.startswith(x)


# "in 2008" and "until 2009" are different relations to time, not one date told two ways.
DATE_RELATIONS = {"since": "from", "from": "from", "after": "from", "until": "to", "till": "to", "through": "to"}
DATE_RELATIONS |= {"by": "to", "before": "to", "ending": "to"}


def _date_relation(claim: Claim, value: Value) -> str:
    local = value.span[0] - claim.span[0]
    words = re.findall(r"[a-z]+", claim.text[max(0, local - 20) : local].lower())[-2:]
    return next((DATE_RELATIONS[w] for w in reversed(words) if w in DATE_RELATIONS), "at")


def _compare_dates(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    xs, ys = _of(a, "date"), _of(b, "date")
    if not xs or not ys:
        return
    for x in xs:
        if any(_dates_compatible(x.normalized, y.normalized) for y in ys):
            continue
        same = [
            y
            for y in ys
            if y.role == x.role
            and _date_relation(a, x) == _date_relation(b, y)
            and not any(_dates_compatible(y.normalized, z.normalized) for z in xs)
        ]
        if len(same) == 1:
            yield "date", x.role, x, same[0], 1.0


def _locative(claim: Claim, value: Value) -> bool:
    local = value.span[0] - claim.span[0]
    after = claim.text[value.span[1] - claim.span[0] : value.span[1] - claim.span[0] + 2]
    if after in ("’s", "'s"):
        return False  # "Beijing's reluctance" is about Beijing, not in it
    return bool(LOCATIVE_BEFORE.search(claim.text[max(0, local - 25) : local]))


def _compare_places(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    # Alignment is looked for from both claims: "in Taguig ... in Rancho Mirage" against
    # "in Newport Beach" pairs Taguig only from the first claim's side, and a pairing that
    # one side finds ambiguous is weaker evidence.
    forward = {(x.normalized, y.normalized): (x, y, level) for x, y, level in _place_clashes(a, b)}
    backward = {(x.normalized, y.normalized): (x, y, level) for y, x, level in _place_clashes(b, a)}
    for key, (x, y, level) in (backward | forward).items():
        yield "place", level, x, y, 1.0 if key in forward and key in backward else 0.5


def _place_clashes(a: Claim, b: Claim) -> Iterable[tuple[Value, Value, str]]:
    # A claim names many places in passing, and those differ between paraphrases without
    # anyone disagreeing. Two places are aligned when each says where something happened
    # ("in X", "at X") or when they fill the same slot ("the X 76ers", "an X neighborhood").
    # They are compared at the coarser of their levels, so "in Ohio" clashes with
    # "in Los Angeles" (California) while Kuala Lumpur and Malaysia agree.
    xs = [v for v in _of(a, "place") if v.role in COMPARABLE_PLACES]
    ys = [v for v in _of(b, "place") if v.role in COMPARABLE_PLACES]
    named_a = {v.normalized for v in _of(a, "place")}
    named_b = {v.normalized for v in _of(b, "place")}
    for x in xs:
        if x.normalized in named_b:
            continue
        aligned = [y for y in ys if (_locative(a, x) and _locative(b, y)) or _same_slot(a, x, b, y)]
        clashes = [y for y in aligned if y.normalized not in named_a and _places_clash(x, y)]
        # "in New York" against "in Maine ... in the United States": the finer comparison
        # decides, so agreement only at a coarser level does not excuse the clash
        finest = min((PLACE_LEVELS.index(_common_level(x, y) or "country") for y in clashes), default=0)
        agrees = [y for y in aligned if not _places_clash(x, y) and PLACE_LEVELS.index(y.role) <= finest]
        if len(clashes) == 1 and not agrees:
            yield x, clashes[0], _common_level(x, clashes[0]) or x.role


SLOT_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def _same_slot(a: Claim, x: Value, b: Claim, y: Value) -> bool:
    """The same word right after both places, or right before both ("the Sicilian capital of X");
    little words like "the" and "of" are looked past, as they fit any slot."""

    def neighbours(claim: Claim, v: Value) -> tuple[str, str]:
        start, end = v.span[0] - claim.span[0], v.span[1] - claim.span[0]
        before = [w.lower() for w in SLOT_WORD.findall(claim.text[max(0, start - 40) : start])[-3:]]
        after = [w.lower() for w in SLOT_WORD.findall(claim.text[end : end + 40])[:3]]
        return (
            next((w for w in reversed(before) if w not in TRIVIAL_SLOT), ""),
            next((w for w in after if w not in TRIVIAL_SLOT), ""),
        )

    (xb, xa), (yb, ya) = neighbours(a, x), neighbours(b, y)
    return (xa == ya and xa != "") or (xb == yb and xb != "")


TRIVIAL_SLOT = frozenset({"the", "a", "an", "and", "of", "in", "to", "s"})


def _common_level(x: Value, y: Value) -> str | None:
    lx_, ly = place_levels(x.normalized, x.role, x.parents), place_levels(y.normalized, y.role, y.parents)
    coarse = max(PLACE_LEVELS.index(x.role), PLACE_LEVELS.index(y.role))
    for level in PLACE_LEVELS[coarse:]:
        if level in lx_ and level in ly:
            return level
    return None


def _places_clash(x: Value, y: Value) -> bool:
    level = _common_level(x, y)
    if level is None:
        return False
    return place_levels(x.normalized, x.role, x.parents)[level] != place_levels(y.normalized, y.role, y.parents)[level]


def _compare_polarity(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    for neg_claim, other in ((a, b), (b, a)):
        for neg in _of(neg_claim, "polarity"):
            if any(v.role == neg.role or _synonyms(v.role, neg.role) for v in _of(other, "polarity")):
                continue  # both negate
            hit = _affirmed(other, neg.role)
            weight = 1.0
            if hit and 0 <= neg.frame < len(neg_claim.frames) and other.frames:
                # with both parses, a contradiction affirms the same predicate of the same subject
                # and object; one that merely uses the verb ("offered a deal" against "did not
                # offer details") is weak evidence
                denied = neg_claim.frames[neg.frame]
                weight = 1.0 if any(contradicts(denied, f) for f in other.frames) else SLOT_MISMATCH
            if hit:
                pair = (neg, hit) if neg_claim is a else (hit, neg)
                yield "polarity", neg.role, pair[0], pair[1], weight


def _synonyms(x: str, y: str) -> bool:
    return bool(SYNONYM_GROUPS.get(x, frozenset()) & SYNONYM_GROUPS.get(y, frozenset()))


WORDS = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*")


def _affirmed(claim: Claim, verb_stem: str) -> Value | None:
    """The word in `claim` that states `verb_stem` (or a synonym) without negating it."""
    for m in WORDS.finditer(claim.text):
        s = stem(m.group())
        if s == verb_stem or _synonyms(s, verb_stem):
            start = claim.span[0] + m.start()
            return Value("polarity", m.group(), "affirmed", (start, start + len(m.group())), role=s)
    return None


def _compare_quotes(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    for x in _of(a, "quote"):
        for y in _of(b, "quote"):
            if x.normalized == y.normalized or x.normalized in y.normalized or y.normalized in x.normalized:
                continue
            if x.role and y.role and not _same_person(x.role, y.role):
                continue
            if fuzz.ratio(x.normalized, y.normalized) >= 85:
                yield "quote", x.role or y.role, x, y, 1.0


def _same_person(x: str, y: str) -> bool:
    return x == y or x.split()[-1] == y.split()[-1]


def _components(pairs: list[tuple[_Sighting, _Sighting]]) -> list[list[tuple[_Sighting, _Sighting]]]:
    """Disagreeing pairs linked through shared values ("12 vs 15", "12 vs 21")."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a.value.normalized)] = find(b.value.normalized)
    groups: dict[str, list[tuple[_Sighting, _Sighting]]] = defaultdict(list)
    for a, b in pairs:
        groups[find(a.value.normalized)].append((a, b))
    return list(groups.values())


def _build(
    kind: str,
    subject: str,
    pairs: list[tuple[_Sighting, _Sighting]],
    cluster_id: str,
    config: CheckConfig,
    list_of_facts: bool = False,
) -> _Draft | None:
    sightings = [s for pair in pairs for s in pair]
    values = _values(sightings)
    if len(values) < 2:
        return None
    docs_per_value = [set(v.document_ids) for v in values]
    if not _cross_source(docs_per_value):
        return None
    similarity = sum(s.similarity for s in sightings) / len(sightings)
    severity = SEVERITY[kind]
    # One weak pairing is a possibility, not a finding: strong similarity, or each side
    # stated by two sources, is needed for the kind's own severity.
    strong = max(s.similarity for s in sightings) >= config.strong_similarity
    corroborated = (
        sum(len(v.document_ids) >= 2 for v in values) >= 2
        and max(s.similarity for s in sightings) >= config.corroborated_similarity
    )
    if not (strong or corroborated) or list_of_facts:
        severity = "low"
    shown_subject = subject.title() if kind == "quote" else subject
    return _Draft(kind, severity, shown_subject, tuple(values), similarity, cluster_id)


def _values(sightings: Iterable[_Sighting]) -> list[ConflictValue]:
    """Sightings grouped by normalized value, the value most sources use first."""
    grouped: dict[str, list[_Sighting]] = defaultdict(list)
    for s in sightings:
        grouped[s.value.normalized].append(s)
    values = []
    for normalized, group in grouped.items():
        surface = Counter(s.value.text for s in group).most_common(1)[0][0]
        evidence: dict[tuple[str, int], Evidence] = {}
        for s in group:
            key = (s.claim.id, s.value.span[0])
            evidence.setdefault(
                key,
                Evidence(
                    s.claim.document_id,
                    s.claim.text,
                    s.claim.span[0],
                    s.claim.span[1],
                    s.value.span[0],
                    s.value.span[1],
                ),
            )
        docs = tuple(sorted({s.claim.document_id for s in group}))
        # one sentence from each source first, so the evidence spans the sources
        firsts: list[Evidence] = []
        repeats: list[Evidence] = []
        for e in evidence.values():
            (repeats if any(f.document_id == e.document_id for f in firsts) else firsts).append(e)
        values.append(ConflictValue(surface, normalized, docs, (*firsts, *repeats)))
    values.sort(key=lambda v: (-len(v.document_ids), v.normalized))
    return values


def _cross_source(docs_per_value: list[set[str]]) -> bool:
    """The values are not all stated by the same sources (one article contradicting
    itself and nobody else is not a cross-source discrepancy)."""
    return any(a != b for n, a in enumerate(docs_per_value) for b in docs_per_value[n + 1 :])


def _confidence(values: Sequence[ConflictValue], quality: float = 1.0) -> float:
    """How sure the card is: the alignment's quality (how alike the sentences are), a little
    higher when one value has clearly more sources behind it, and when two sides each have two."""
    counts = [len(v.document_ids) for v in values]
    total = sum(counts)
    margin = (counts[0] - max(counts[1:])) / total if total and len(counts) > 1 else 0.0
    corroborated = sum(c >= 2 for c in counts) >= 2
    return round(max(0.05, min(0.99, quality * (0.7 + 0.3 * margin) + 0.1 * corroborated)), 2)


def _describe(kind: str, subject: str, values: Sequence[ConflictValue], both: Sequence[str], internal: bool) -> str:
    """ "Title of Pete Hegseth: 3 sources say Secretary of War, 2 say Defense Secretary (…)": the
    fact disputed, then each value with how many sources state it, the outliers named."""
    fact = _fact(values, skip=set(subject.lower().split())) if kind in ("number", "date", "place", "polarity") else ""
    about = f" “{fact}”" if fact else ""
    label = {
        "number": f"Number of {subject} in{about}" if about else f"Number of {subject}",
        "date": f"Date of{about}" if about else "Date",
        "place": f"Place of{about}" if about else "Place",
        "polarity": f"Whether{about}" if about else "Whether it happened",
        "person_name": f"Name of {subject}",
        "title": f"Title of {subject}",
        "role_holder": f"Head of government of {subject}" if subject else "Head of government",
        "quote": f"Quote by {subject}" if subject else "Quote",
    }.get(kind, kind.replace("_", " ").capitalize())
    verb = {"person_name": "write", "role_holder": "name"}.get(kind, "say")
    if kind == "polarity":

        def shown(v: ConflictValue) -> str:
            return f"it did not happen (“{v.value}”)" if v.normalized == "negated" else f"it happened (“{v.value}”)"
    else:

        def shown(v: ConflictValue) -> str:
            return v.value

    if internal:
        who = ", ".join(both[:3]) + (", …" if len(both) > 3 else "")
        stated = " and ".join(shown(v) for v in values[:3])
        within = "an inconsistency within one source" if len(both) == 1 else "each contradicts itself"
        return f"{label}: {who} {'gives' if len(both) == 1 else 'give'} both {stated} ({within})"
    text = _quote_difference(values) if kind == "quote" else _counts(values, verb, shown)
    if both:
        text += f"; {', '.join(both[:3])}{', …' if len(both) > 3 else ''} {'gives' if len(both) == 1 else 'give'} both"
    return f"{label}: {text}"


def _counts(values: Sequence[ConflictValue], verb: str, shown: Callable[[ConflictValue], str]) -> str:
    """ "4 sources write Dong Jun, 1 writes Dong Un (003.txt)": the majority first and the
    outliers named; on a tie every side is named, since none is the odd one out."""
    tie = len(values[0].document_ids) == len(values[1].document_ids)
    parts = []
    for n, v in enumerate(values):
        count = len(v.document_ids)
        who = f"{count} source{'' if count == 1 else 's'}" if n == 0 else str(count)
        part = f"{who} {verb + 's' if count == 1 else verb} {shown(v)}"
        if n > 0 or tie:
            part += f" ({', '.join(v.document_ids[:3])}{', …' if count > 3 else ''})"
        parts.append(part)
    return ", ".join(parts)


FACT_WORD = re.compile(r"[A-Za-z][\w'’-]+")
# words that say nothing of what a value is about
NOT_FACT_WORDS = frozenset(
    """the a an and or but of in on at to for from with by as is are was were be been being has have had
    that this these those it its their his her he she they we you i said says say told also after before
    about than more most some any all not no into over under up down out who which what when where while
    there here one two three will would could should can may might just only very""".split()
)


def _fact(values: Sequence[ConflictValue], skip: set[str], most: int = 5) -> str:
    """The words the two sides' sentences share, in the order the majority's has them:
    what the disputed values are of ("House voted bill")."""
    if len(values) < 2 or not values[0].evidence or not values[1].evidence:
        return ""
    a, b = values[0].evidence[0], values[1].evidence[0]

    def words(e: Evidence) -> list[tuple[str, int, int]]:
        span = (e.value_start - e.start, e.value_end - e.start)
        return [
            (m.group(), m.start(), m.end())
            for m in FACT_WORD.finditer(e.text)
            if not (span[0] <= m.start() < span[1]) and m.group().lower() not in NOT_FACT_WORDS | skip
        ]

    other = {w.lower() for w, _, _ in words(b)}
    shared = list(dict.fromkeys(w for w, _, _ in words(a) if w.lower() in other))
    return " ".join(shared[:most])


def _quote_difference(values: Sequence[ConflictValue]) -> str:
    """Name the words that differ rather than print two long quotes."""
    a, b = values[0].normalized.split(), values[1].normalized.split()
    changes = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        changes.append(f"“{old}” → “{new}”" if old and new else f"adds “{new}”" if new else f"drops “{old}”")
    docs = ", ".join(values[1].document_ids[:3])
    return f"{docs} {'; '.join(changes[:3])} against {_count(values[0].document_ids)}"


def _count(document_ids: Sequence[str]) -> str:
    return f"{len(document_ids)} other source{'' if len(document_ids) == 1 else 's'}"


# --- across the story: people, their names, titles and roles -----------------------


def entity_conflicts(claims: Sequence[Claim], config: CheckConfig) -> list[_Draft]:
    people: list[_Sighting] = []
    titles: list[_Sighting] = []
    past_or_future: set[str] = set()  # names the story calls former, late, -elect, incoming
    for claim in claims:
        for v in claim.values:
            if v.kind in ("person", "name") and v.role == "former":
                past_or_future.add(v.normalized)
            elif v.kind in ("person", "name"):
                people.append(_Sighting(v, claim))
            elif v.kind == "title":
                titles.append(_Sighting(v, claim))
                if v.normalized.endswith("-elect"):
                    past_or_future.add(v.role)
    entities = _link_people(people, config)
    conflicts: list[_Draft] = []
    for members in entities:
        conflicts += _name_conflicts(members, config)
    conflicts += _title_conflicts(entities, titles)
    # Someone who was or will be head of government is not a rival to the one who is.
    current = [e for e in entities if not any(m.value.normalized in past_or_future for m in e)]
    conflicts += _role_holder_conflicts(current, titles)
    return conflicts


def story_entities(claims: Sequence[Claim], config: CheckConfig, limit: int = 60) -> tuple[Entity, ...]:
    """People and organisations that two or more sources mention, with how each names and
    titles them: the editor's table of who is called what by whom."""
    people = [_Sighting(v, c) for c in claims for v in c.values if v.kind in ("person", "name")]
    titles_of: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (doc, holder) -> normalized -> text
    for c in claims:
        for v in c.values:
            if v.kind == "title" and v.role:
                titles_of[(c.document_id, v.role)].setdefault(v.normalized, v.text)
    entities = []
    for members in _link_people(people, config):
        names: dict[str, set[str]] = defaultdict(set)
        for m in members:
            names[m.claim.document_id].add(m.value.normalized)
        if len(names) < 2:
            continue
        mentions = []
        for doc, forms in sorted(names.items()):
            titles = {k: t for name in sorted(forms) for k, t in titles_of.get((doc, name), {}).items()}
            mentions.append(EntityMention(doc, tuple(sorted(forms)), tuple(sorted((t, k) for k, t in titles.items()))))
        entities.append(Entity(_display_name(members), "person", tuple(mentions)))
    orgs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in claims:
        for v in c.values:
            if v.kind == "organisation":
                orgs[v.normalized][c.document_id].add(v.text)
    for per_doc in orgs.values():
        if len(per_doc) >= 2:
            mentions = [EntityMention(doc, tuple(sorted(forms))) for doc, forms in sorted(per_doc.items())]
            name = Counter(f for forms in per_doc.values() for f in forms).most_common(1)[0][0]
            entities.append(Entity(name, "organisation", tuple(mentions)))
    entities.sort(key=lambda e: (e.kind != "person", -len(e.mentions), e.name))
    return tuple(entities[:limit])


def _link_people(people: list[_Sighting], config: CheckConfig) -> list[list[_Sighting]]:
    """Group mentions of one person: same name, a surname alone, or a near-identical spelling."""
    names = sorted({p.value.normalized for p in people})
    cued = {p.value.normalized for p in people if p.value.kind == "person"}
    full = [n for n in names if " " in n]
    parent = {n: n for n in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for n, a in enumerate(full):
        for b in full[n + 1 :]:
            # "Del Giudice" and "DelGiudice" are one name written two ways
            if _name_variants(a, b, config) or _contains(a, b) or a.replace(" ", "") == b.replace(" ", ""):
                parent[find(a)] = find(b)
    for name in names:
        if " " in name:
            continue
        owners = [f for f in full if name in f.split()]
        if owners and len({find(o) for o in owners}) == 1:
            parent[find(name)] = find(owners[0])
    groups: dict[str, list[_Sighting]] = defaultdict(list)
    for p in people:
        groups[find(p.value.normalized)].append(p)
    # A group counts as a person if one mention is cued ("Adm.", "said", ...) or it holds
    # two spellings of one name: capitalised pairs that differ by a letter or two are
    # names far more often than anything else.
    return [
        g
        for g in groups.values()
        if any(p.value.normalized in cued for p in g)
        or len({p.value.normalized for p in g if " " in p.value.normalized}) > 1
    ]


def _contains(a: str, b: str) -> bool:
    """ "kurt campbell" and "kurt m campbell": one name's words inside the other's."""
    x, y = a.split(), b.split()
    small, big = (x, y) if len(x) <= len(y) else (y, x)
    return len(small) >= 2 and all(w in big for w in small) and small[-1] == big[-1]


def _name_variants(a: str, b: str, config: CheckConfig) -> bool:
    """Two spellings of one name: same number of words, all but one identical, close overall."""
    x, y = a.split(), b.split()
    if len(x) != len(y) or a == b:
        return False
    differing = [(p, q) for p, q in zip(x, y, strict=True) if p != q]
    if len(differing) != 1:
        return False
    p, q = differing[0]
    if p.rstrip("s") == q.rstrip("s") or abs(len(p) - len(q)) > 2:
        return False  # "Award"/"Awards", "Prize"/"Prizewinning": other words, not other spellings
    return fuzz.ratio(a, b) >= config.name_similarity and fuzz.ratio(p, q) >= 50


def _nickname_forms(a: str, b: str) -> bool:
    """ "Jim Oler" and "James Oler": the same person with his first name in another form."""
    x, y = a.split(), b.split()
    return len(x) == len(y) and x[1:] == y[1:] and x[0] != y[0] and same_first_name(x[0], y[0])


def _skeleton(name: str) -> str:
    """Consonants with doubled letters collapsed: "mohammed" and "mohamed" agree."""
    out = re.sub(r"(.)\1+", r"\1", name)
    return re.sub(r"(?<=\w)[aeiouy]", "", out)


def _name_conflicts(members: list[_Sighting], config: CheckConfig) -> list[_Draft]:
    full = [m for m in members if " " in m.value.normalized]
    docs: dict[str, set[str]] = defaultdict(set)
    for m in full:
        docs[m.value.normalized].add(m.claim.document_id)
    names = sorted(docs)
    variants = [
        (a, b)
        for n, a in enumerate(names)
        for b in names[n + 1 :]
        if _name_variants(a, b, config) and not _nickname_forms(a, b)
    ]
    if not variants:
        return []
    involved = {n for pair in variants for n in pair}
    values = _values(m for m in full if m.value.normalized in involved)
    if not _cross_source([set(v.document_ids) for v in values]):
        return []
    values = [ConflictValue(v.normalized.title(), v.normalized, v.document_ids, v.evidence) for v in values]
    spelling_only = all(_skeleton(a) == _skeleton(b) for a, b in variants)
    severity = "low" if spelling_only else SEVERITY["person_name"]
    return [_Draft("person_name", severity, values[0].value, tuple(values))]


def _holder_entity(entities: list[list[_Sighting]]) -> dict[str, int]:
    """Normalized name -> index of the entity it belongs to."""
    return {m.value.normalized: n for n, members in enumerate(entities) for m in members}


def _display_name(members: list[_Sighting]) -> str:
    counts = Counter(m.value.normalized for m in members if " " in m.value.normalized)
    name = counts.most_common(1)[0][0] if counts else members[0].value.normalized
    return name.title()


def _title_conflicts(entities: list[list[_Sighting]], titles: list[_Sighting]) -> list[_Draft]:
    holder = _holder_entity(entities)
    per_entity: dict[tuple[int, str], list[_Sighting]] = defaultdict(list)
    for t in titles:
        if t.value.role in holder:
            category = t.value.parents[0] if t.value.parents else "office"
            per_entity[(holder[t.value.role], category)].append(t)
    conflicts = []
    for (entity, _category), sightings in per_entity.items():
        distinct = {s.value.normalized for s in sightings}
        # a bare "Secretary" refines into either side: only the most specific titles clash
        maximal = {t for t in distinct if not any(t != u and _title_within(t, u) for u in distinct)}
        clashing = {t for t in maximal if any(not _title_within(t, u) and not _title_within(u, t) for u in maximal)}
        if len(clashing) < 2:
            continue
        # "Judge" written alone supports "Superior Court Judge" when it fits no rival title
        support = []
        for s in sightings:
            sides = [t for t in clashing if _title_within(s.value.normalized, t)]
            if len(sides) == 1:
                v = s.value
                support.append(_Sighting(Value(v.kind, v.text, sides[0], v.span, v.role, v.parents), s.claim))
        values = _values(support)
        if len(values) < 2 or not _cross_source([set(v.document_ids) for v in values]):
            continue
        severity = SEVERITY["title"]
        heads = {v.normalized.split()[-1] for v in values}
        if len(heads) > 1 and not any(offices_exclude(h, k) for h in heads for k in heads):
            continue  # offices one person can hold together: a representative who chairs a committee
        if len(heads) > 1:
            # Different offices: one person may hold both. An outlier against a majority is
            # a finding; one source against one is only a possibility.
            outliers = _outliers(values)
            if outliers:
                values = outliers
            elif all(len(v.document_ids) == 1 for v in values):
                severity = "low"
            else:
                continue
        conflicts.append(_Draft("title", severity, _display_name(entities[entity]), tuple(values)))
    return conflicts


def _outliers(values: Sequence[ConflictValue]) -> list[ConflictValue]:
    """The majority value and the values that one source, or a small minority, sets against it.

    Other well-attested values are left out: two leaders or two offices that many
    sources each discuss are part of the story, not an error in it.
    """
    majority = len(values[0].document_ids)
    if majority < 2:
        return []
    odd = [v for v in values[1:] if len(v.document_ids) == 1 or 4 * len(v.document_ids) <= majority]
    return [values[0], *odd] if odd else []


def _title_within(a: str, b: str) -> bool:
    """Title a is b or a less specific form of it ("secretary" within "defense secretary")."""
    return set(a.split()) <= set(b.split())


def _role_holder_conflicts(entities: list[list[_Sighting]], titles: list[_Sighting]) -> list[_Draft]:
    """Different people named as head of one country's government across the story."""
    holder = _holder_entity(entities)
    # entity -> sightings that put it in the role, and the countries those name
    in_role: dict[int, list[_Sighting]] = defaultdict(list)
    countries: dict[int, Counter[str]] = defaultdict(Counter)
    unqualified_docs: dict[int, set[str]] = defaultdict(set)
    for t in titles:
        if t.value.normalized in EXECUTIVE_TITLES and t.value.role in holder:
            n = holder[t.value.role]
            # show the whole mention ("U.S. President Donald Trump"), not the title alone
            mention = next((v for v in t.claim.values if v.kind == "person" and v.normalized == t.value.role), t.value)
            in_role[n].append(_Sighting(mention, t.claim))
            qualifiers = t.value.parents[1:]
            countries[n].update(qualifiers)
            if not qualifiers:
                unqualified_docs[n].add(t.claim.document_id)
    for n, members in enumerate(entities):
        for m in members:
            if m.value.role == "administration":
                in_role[n].append(m)
                unqualified_docs[n].add(m.claim.document_id)
            countries[n].update(m.value.parents)
    if len(in_role) < 2:
        return []
    # A leader named without a country is the story's own: the one most often so named.
    qualified = {n: c.most_common(1)[0][0] for n, c in countries.items() if c}
    home_candidates = [n for n in in_role if n in qualified and unqualified_docs[n]]
    # With no qualified leader to go by, every unqualified one is the story's own.
    home = qualified[max(home_candidates, key=lambda n: len(unqualified_docs[n]))] if home_candidates else ""
    by_country: dict[str, list[int]] = defaultdict(list)
    for n in in_role:
        by_country[qualified.get(n, home)].append(n)
    conflicts = []
    for country, holders in by_country.items():
        if len(holders) < 2:
            continue
        sightings = []
        for n in holders:
            name = _display_name(entities[n])
            sightings += [
                _Sighting(
                    Value(s.value.kind, s.value.text, name.lower(), s.value.span, s.value.role, s.value.parents),
                    s.claim,
                )
                for s in in_role[n]
            ]
        values = _values(sightings)
        all_docs = {d for v in values for d in v.document_ids}
        values = _outliers(values)
        if len(all_docs) < 2 or not values:
            continue
        values = [ConflictValue(_role_label(v), v.normalized, v.document_ids, v.evidence) for v in values]
        conflicts.append(
            _Draft("role_holder", SEVERITY["role_holder"], country.title() if country else "", tuple(values))
        )
    return conflicts


def _role_label(value: ConflictValue) -> str:
    """ "Biden administration" where a source wrote it that way, else the person's name."""
    if value.value.lower().endswith(("administration", "government")):
        return value.value
    return value.normalized.title()


# --- one claim against another: a fact-checker's query ------------------------------


def compare_claims(query: Claim, other: Claim, config: CheckConfig) -> list[Comparison]:
    """Every value of `query` that `other` states as well, agreeing or not.

    Values are aligned as inside clusters (numbers by the noun they count, dates by their
    relation to time, places by slot); people are matched by name, so a name spelled
    another way, another title for the same person and another holder of the same
    office are differences even when the sentences say different things about them.
    """
    found = [Comparison(kind, subject, x, y, False) for kind, subject, x, y, _ in _compare(query, other)]
    found += _agreements(query, other)
    found += _compare_people(query, other, config)
    return found


def _agreements(a: Claim, b: Claim) -> Iterable[Comparison]:
    for x in _of(a, "number"):
        y = next((y for y in _of(b, "number") if y.role == x.role and _numbers_agree(x, y)), None)
        if y:
            yield Comparison("number", x.role, x, y, True)
    for x in _of(a, "date"):
        rel = _date_relation(a, x)
        same = [y for y in _of(b, "date") if _date_relation(b, y) == rel]
        y = next((y for y in same if _dates_agree(x.normalized, y.normalized)), None)
        if y:
            yield Comparison("date", x.role, x, y, True)
    for x in _of(a, "place"):
        # "China's defence minister" mentions China; only where things happened is a fact to confirm
        y = next((y for y in _of(b, "place") if y.normalized == x.normalized), None)
        if y and x.role in COMPARABLE_PLACES and ((_locative(a, x) and _locative(b, y)) or _same_slot(a, x, b, y)):
            yield Comparison("place", x.role, x, y, True)
    for x in _of(a, "polarity"):
        y = next((y for y in _of(b, "polarity") if y.role == x.role or _synonyms(y.role, x.role)), None)
        if y:
            yield Comparison("polarity", x.role, x, y, True)
    for x in _of(a, "quote"):
        y = next((y for y in _of(b, "quote") if x.normalized in y.normalized or y.normalized in x.normalized), None)
        if y:
            yield Comparison("quote", x.role, x, y, True)


def _dates_agree(x: str, y: str) -> bool:
    """Compatible, and not only because one says too little to compare: "November 1" neither
    confirms nor contradicts "2012"."""
    if x.startswith("--") != y.startswith("--") and len(x if not x.startswith("--") else y) == 4:
        return False
    return _dates_compatible(x, y)


def person_link(a: str, b: str, config: CheckConfig) -> str | None:
    """ "same" for one person written alike (or by part of the name), "variant" for another
    spelling of one name, None for different people."""
    if a == b or _contains(a, b) or a.replace(" ", "") == b.replace(" ", ""):
        return "same"
    if _name_variants(a, b, config):
        return "variant"
    x, y = a.split(), b.split()
    if (len(x) == 1 and x[0] in y) or (len(y) == 1 and y[0] in x):
        return "same"  # "Hegseth" and "Pete Hegseth"; "Dong" and "Dong Jun"
    return None


def _people(claim: Claim) -> list[Value]:
    return [v for v in claim.values if v.kind in ("person", "name") and v.role != "former"]


def _compare_people(a: Claim, b: Claim, config: CheckConfig) -> Iterable[Comparison]:
    people_b = _people(b)
    linked: dict[str, list[tuple[Value, str]]] = {}  # a's name -> b's mentions of that person
    for x in _people(a):
        links = [(y, link) for y in people_b if (link := person_link(x.normalized, y.normalized, config))]
        linked[x.normalized] = links
        same = next((y for y, link in links if link == "same"), None)
        variant = next((y for y, link in links if link == "variant"), None)
        if same:
            yield Comparison("person_name", x.normalized.title(), x, same, True)
        elif variant:
            yield Comparison("person_name", x.normalized.title(), x, variant, False)
    for t in _of(a, "title"):
        holders_b = {y.normalized for y, _ in linked.get(t.role, [])}
        category = t.parents[:1]
        for u in _of(b, "title"):
            if u.parents[:1] != category or not _same_country(t, u):
                continue
            if u.role in holders_b:
                yield from _compare_titles(t, u)
            elif _single_holder(t) and u.normalized == t.normalized and u.role:
                # the same office held by someone else: "Biden is the president" against "President Trump"
                x = next((v for v in _people(a) if v.normalized == t.role), t)
                y = next((v for v in people_b if v.normalized == u.role), u)
                if not person_link(x.normalized, y.normalized, config):
                    yield Comparison("role_holder", t.text, x, y, False)
        if _single_holder(t) and t.normalized in EXECUTIVE_TITLES:
            for y in people_b:
                if y.role == "administration" and not person_link(t.role, y.normalized, config):
                    x = next((v for v in _people(a) if v.normalized == t.role), t)
                    yield Comparison("role_holder", t.text, x, y, False)


def _compare_titles(t: Value, u: Value) -> Iterable[Comparison]:
    subject = t.role.title()
    if _title_within(t.normalized, u.normalized):
        yield Comparison("title", subject, t, u, True)
    elif _title_within(u.normalized, t.normalized):
        return  # "Secretary" alone neither confirms nor contradicts "Secretary of War"
    elif t.normalized.split()[-1] == u.normalized.split()[-1]:
        # one office written two ways; different offices ("minister", "admiral") may both be held
        yield Comparison("title", subject, t, u, False)


def _same_country(t: Value, u: Value) -> bool:
    x, y = set(t.parents[1:]), set(u.parents[1:])
    return not x or not y or bool(x & y)


def _single_holder(t: Value) -> bool:
    """Offices one person holds at a time: a head of government, or a named ministry's head
    of a named country ("China's defense minister"), not "senator" or "judge"."""
    return t.normalized in EXECUTIVE_TITLES or (len(t.normalized.split()) > 1 and len(t.parents) > 1)
