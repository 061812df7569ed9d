"""Inside each cluster (claims about one fact), the centre claim's values are aligned with each
member's by type and slot (numbers by the noun they count, dates by their relation to time,
places by kind and slot, negations by predicate) and compared after normalisation."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from claimcheck.config import CheckConfig
from claimcheck.conflicts.draft import PAIR_CARDS, Draft, Sighting, cross_source, gather_values
from claimcheck.frames import contradicts, same_event, same_fact, same_predicate
from claimcheck.lexicon import PEOPLE_NOUNS, PLACE_LEVELS, SYNONYM_GROUPS, place_levels, stem
from claimcheck.types import Claim, Cluster, Frame, Value

# "in X", "20 miles north of X", and the state or country in "in Malibu, California"
LOCATIVE_BEFORE = re.compile(
    r"\b(?i:in|at|inside|near|outside|(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of)"
    r"\s+(?:(?i:the|a|an)\s+)?(?:city of\s+)?(?:[A-Z][\w.'’-]*\s*)*(?:,\s*)?$"
)
# how much a pairing's likeness counts when the parse puts its values in different slots
SLOT_MISMATCH = 0.5
# Regions are too vague to contradict a city or a country ("in Asia" vs "in Seoul").
COMPARABLE_PLACES = frozenset({"city", "state", "country"})


def cluster_conflicts(clusters: Sequence[Cluster], by_id: dict[str, Claim], config: CheckConfig) -> list[Draft]:
    # (kind, subject) -> list of (sighting a, sighting b) pairs that disagree
    pairs: dict[tuple[str, str], list[tuple[Sighting, Sighting]]] = defaultdict(list)
    cluster_of: dict[tuple[str, str], str] = {}
    compared: set[frozenset[str]] = set()
    stated = _stated(by_id.values())
    for cluster in clusters:
        centre = by_id[cluster.claim_ids[0]]
        for member_id, sim in zip(cluster.claim_ids[1:], cluster.similarities[1:], strict=True):
            pair = frozenset((centre.id, member_id))
            if pair in compared:
                continue
            compared.add(pair)
            member = by_id[member_id]
            # weight < 1 marks an alignment that is itself uncertain
            for kind, subject, x, y, weight in compare(centre, member):
                aligned = weight >= 1.0
                pairs[(kind, subject)].append((Sighting(x, centre, sim, aligned), Sighting(y, member, sim, aligned)))
                cluster_of.setdefault((kind, subject), cluster.id)
    conflicts: list[Draft] = []
    for (kind, subject), disagreeing in pairs.items():
        for component in _components(disagreeing):
            # Four or more values for one subject are a list of facts (every year someone
            # hosted, every game's score), not one fact told two ways.
            distinct = len({s.value.normalized for pair in component for s in pair})
            by_values: dict[frozenset[str], list[tuple[Sighting, Sighting]]] = defaultdict(list)
            for a, b in component:
                by_values[frozenset((a.value.normalized, b.value.normalized))].append((a, b))
            groups = [component] if len(by_values) > PAIR_CARDS else list(by_values.values())
            for group in groups:
                conflict = _build(kind, subject, group, cluster_of[(kind, subject)], config, stated, distinct > 3)
                if conflict:
                    conflicts.append(conflict)
    return conflicts


def compare(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    for kind, subject, x, y, weight in (*_compare_numbers(a, b), *_compare_dates(a, b), *_compare_places(a, b)):
        # two values of one kind are one fact when they fill the same slot of the same
        # predicate (the number killed is not the number injured); paraphrases often use
        # another verb for one fact, so values the parse sets in different slots are weak
        # evidence rather than none: such a card is folded away as low
        if other_agents(x, y):
            continue
        if same_fact(a.frames, x, b.frames, y) is False:
            weight *= SLOT_MISMATCH
        yield kind, subject, x, y, weight
    yield from _compare_polarity(a, b)
    yield from _compare_status(a, b)
    yield from _compare_quotes(a, b)


def other_agents(x: Value, y: Value) -> bool:
    """The two values are of things that different people, or different organisations, do
    ("negotiations between Trump and Xi in Busan", "Hegseth met Dong in Kuala Lumpur"): two
    facts. Only agents of one kind are set against each other (a company's event is its chief
    executive's too), and only when no name shares a word with the other side's or is its
    initials: "President Trump" and "Donald Trump", "Dong Jun" and "Dong Un", "HP" and
    "Hewlett-Packard" do one thing."""
    kinds = {k for k, _ in x.agents} & {k for k, _ in y.agents}
    if not kinds:
        return False
    return not (_name_words(x.agents) & _name_words(y.agents))


def _name_words(agents: Sequence[tuple[str, str]]) -> set[str]:
    parts = [[w for w in re.split(r"[^\w]+", name) if w] for _, name in agents]
    return {w for words in parts for w in words} | {"".join(w[0] for w in words) for words in parts if len(words) > 1}


def of(claim: Claim, kind: str) -> list[Value]:
    return [v for v in claim.values if v.kind == kind]


def _compare_numbers(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    numbers_a, numbers_b = of(a, "number"), of(b, "number")
    # several figures and none shared: more likely a season's totals against one game's
    # than one fact told two ways, so such a pairing counts as weak evidence
    shared = any(numbers_agree(x, y) for x in numbers_a for y in numbers_b)
    weight = 0.5 if len(numbers_a) > 1 and len(numbers_b) > 1 and not shared else 1.0
    units = {v.role for v in numbers_a} & {v.role for v in numbers_b}
    # two claims that count the same three or more things and agree on no figure, whatever
    # it counts, count them over different spans ("13 homers and 43 RBIs in 54 games with the
    # Angels" against "a combined 157 games ... 33 homers and 121 RBIs"); an error changes a
    # figure or two ("seven villages ... wounding 70" against "80 wounded ... 15 villages")
    figures_a, figures_b = {v.normalized for v in numbers_a}, {v.normalized for v in numbers_b}
    other_spans = len(units) > 2 and not shared and not figures_a & figures_b
    for unit in () if other_spans else units:
        xs = [v for v in of(a, "number") if v.role == unit]
        ys = [v for v in of(b, "number") if v.role == unit]
        # Figures the sources share are set aside; what is left is one figure told two ways only
        # when both list the same number of figures ("20 women ... five women" against "20 women
        # ... two women"); otherwise the rest are other facts.
        left_x = [x for x in xs if not any(numbers_agree(x, y) for y in ys)]
        left_y = [y for y in ys if not any(numbers_agree(x, y) for x in xs)]
        if len(left_x) == 1 and len(left_y) == 1 and len(xs) == len(ys):
            yield "number", unit, left_x[0], left_y[0], weight
    # One group of people counted by different nouns ("eight experts" / "three observers",
    # "200 people" / "400 protesters", "50 injured" / "70 people"): one fact only where the
    # parse puts both figures under the same or a synonymous predicate, and weak evidence even
    # then, as a part is often counted beside the whole ("12 people" / "three children")
    px = [v for v in numbers_a if v.role not in units and _of_people(v.role)]
    py = [v for v in numbers_b if v.role not in units and _of_people(v.role)]
    if len(px) != 1 or len(py) != 1:
        return
    x, y = px[0], py[0]
    named = x.role in PEOPLE_NOUNS or y.role in PEOPLE_NOUNS  # two participles are two facts
    if x.role != y.role and named and not numbers_agree(x, y) and same_fact(a.frames, x, b.frames, y):
        yield "number", "people", x, y, SLOT_MISMATCH


def _of_people(unit: str) -> bool:
    """A noun that counts people, or the participle that a figure without a noun counts
    ("injuring 80": the injured)."""
    return unit in PEOPLE_NOUNS or (unit.endswith("ed") and " " not in unit)


def numbers_agree(x: Value, y: Value) -> bool:
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


def dates_compatible(x: str, y: str) -> bool:
    """ISO forms: equal, or one contains the other ("2025-11" contains "2025-11-01"); a date
    without its year ("--11-01", "--11") is matched against the month and day of the other."""
    if x.startswith("--") != y.startswith("--"):
        x, y = (x[1:], y[4:]) if x.startswith("--") else (x[4:], y[1:])
    return x.startswith(y) or y.startswith(x)


# "in 2008" and "until 2009" are different relations to time, not one date told two ways.
DATE_RELATIONS = {"since": "from", "from": "from", "after": "from", "until": "to", "till": "to", "through": "to"}
DATE_RELATIONS |= {"by": "to", "before": "to", "ending": "to"}


def date_relation(claim: Claim, value: Value) -> str:
    local = value.span[0] - claim.span[0]
    words = re.findall(r"[a-z]+", claim.text[max(0, local - 20) : local].lower())[-2:]
    return next((DATE_RELATIONS[w] for w in reversed(words) if w in DATE_RELATIONS), "at")


# minutes two times of day may be apart when either is approximate ("about 8.40pm", "8.49pm")
TIME_TOLERANCE = 15


def _times_agree(x: Value, y: Value) -> bool:
    """Two times of day agree when equal, or a few minutes apart where either is approximate."""
    minutes = [int(v.normalized[1:3]) * 60 + int(v.normalized[4:6]) for v in (x, y)]
    gap = abs(minutes[0] - minutes[1])
    gap = min(gap, 24 * 60 - gap)  # "shortly before midnight" and "12:05 a.m." are minutes apart
    return gap == 0 or (bool(x.parents or y.parents) and gap <= TIME_TOLERANCE)


def dates_agree(x: Value, y: Value) -> bool:
    """Two dates, or two times of day, that can both be right."""
    if x.role.startswith("time") and y.role.startswith("time"):
        return x.role == y.role and _times_agree(x, y)
    return dates_compatible(x.normalized, y.normalized)


def _of_its_predicate(a: Claim, x: Value, b: Claim, ys: list[Value]) -> list[Value]:
    """The values of `b` that the parse puts under the predicate of `x` (or a synonym), or all of
    them where it tells none: "were arrested on Tuesday, the minister said on Wednesday" read
    against "were arrested Wednesday" sets Tuesday, not the Wednesday of the saying, against it."""
    return [y for y in ys if same_fact(a.frames, x, b.frames, y)] or ys


def _compare_dates(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    xs, ys = of(a, "date"), of(b, "date")
    if not xs or not ys:
        return
    for x in xs:
        pool = _of_its_predicate(a, x, b, ys)
        if any(dates_agree(x, y) for y in pool):
            continue
        same = [
            y
            for y in pool
            if y.role == x.role
            and date_relation(a, x) == date_relation(b, y)
            and not any(dates_agree(y, z) for z in _of_its_predicate(b, y, a, xs))
        ]
        if len(same) == 1:
            yield "date", x.role, x, same[0], 1.0


def locative(claim: Claim, value: Value) -> bool:
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
    xs = [v for v in of(a, "place") if v.role in COMPARABLE_PLACES]
    ys = [v for v in of(b, "place") if v.role in COMPARABLE_PLACES]
    if not xs or not ys:
        return
    named_a = {v.normalized for v in of(a, "place")}
    named_b = {v.normalized for v in of(b, "place")}
    where_b = [locative(b, y) for y in ys]  # read once, not once per place of the other claim
    for x in xs:
        if x.normalized in named_b:
            continue
        where_x = locative(a, x)
        aligned = [y for y, w in zip(ys, where_b, strict=True) if (where_x and w) or same_slot(a, x, b, y)]
        clashes = [y for y in aligned if y.normalized not in named_a and _places_clash(x, y)]
        # "in New York" against "in Maine ... in the United States": the finer comparison
        # decides, so agreement only at a coarser level does not excuse the clash
        finest = min((PLACE_LEVELS.index(_common_level(x, y) or "country") for y in clashes), default=0)
        agrees = [y for y in aligned if not _places_clash(x, y) and PLACE_LEVELS.index(y.role) <= finest]
        if len(clashes) == 1 and not agrees:
            yield x, clashes[0], _common_level(x, clashes[0]) or x.role


SLOT_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def same_slot(a: Claim, x: Value, b: Claim, y: Value) -> bool:
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
        for neg in of(neg_claim, "polarity"):
            if any(v.role == neg.role or synonyms(v.role, neg.role) for v in of(other, "polarity")):
                continue  # both negate
            hit = _affirmed(other, neg.role)
            denial = neg_claim.frames[neg.frame] if 0 <= neg.frame < len(neg_claim.frames) else None
            told = [f for f in other.frames if denial and same_predicate(f.predicate, denial.predicate)]
            if denial and told and not any(_mood(f) == _mood(denial) and not f.negated for f in told):
                # the other claim tells the event too, but negated too, or in another mood: "did
                # not sign him" is not denied by "may sign him" or "their quest to sign him", nor
                # "the results won't be known for weeks" by "the results were known"
                continue
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


def _mood(frame: Frame) -> str:
    """What a claim asserts of its event: that it did (or did not) happen, whether plainly or
    as hearsay ("reportedly dressed in drag" against "never dressed as women"), or something
    else: expected or planned, denied."""
    return "told" if frame.status in ("happened", "alleged") else frame.status


def _compare_status(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    """An event one claim reports as expected, alleged or denied, and the other as having
    happened: "is expected to be indicted" against "was indicted"."""
    for x_claim, other in ((a, b), (b, a)):
        for x in of(x_claim, "status"):
            if not 0 <= x.frame < len(x_claim.frames):
                continue
            event = x_claim.frames[x.frame]
            told = next(
                (f for f in other.frames if f.status == "happened" and not f.negated and same_event(event, f)), None
            )
            if told is None:
                continue
            start, end = told.span[0] - other.span[0], told.span[1] - other.span[0]
            y = Value("status", other.text[start:end], "happened", told.span, role=x.role)
            yield ("status", x.role, x, y, 1.0) if x_claim is a else ("status", x.role, y, x, 1.0)


def synonyms(x: str, y: str) -> bool:
    return bool(SYNONYM_GROUPS.get(x, frozenset()) & SYNONYM_GROUPS.get(y, frozenset()))


WORDS = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*")


def _affirmed(claim: Claim, verb_stem: str) -> Value | None:
    """The word in `claim` that states `verb_stem` (or a synonym) without negating it."""
    for m in WORDS.finditer(claim.text):
        s = stem(m.group())
        if s == verb_stem or synonyms(s, verb_stem):
            start = claim.span[0] + m.start()
            return Value("polarity", m.group(), "affirmed", (start, start + len(m.group())), role=s)
    return None


def _compare_quotes(a: Claim, b: Claim) -> Iterable[tuple[str, str, Value, Value, float]]:
    for x in of(a, "quote"):
        for y in of(b, "quote"):
            if x.normalized == y.normalized or x.normalized in y.normalized or y.normalized in x.normalized:
                continue
            if x.role and y.role and not _same_person(x.role, y.role):
                continue
            if fuzz.ratio(x.normalized, y.normalized) >= 85 and not copy_edit(x.normalized, y.normalized):
                yield "quote", x.role or y.role, x, y, 1.0


# words a copy desk adds to or drops from a quote without changing what was said
EDITORIAL_WORDS = frozenset("a an the also just that of and".split())


def copy_edit(x: str, y: str) -> bool:
    """Two wordings of one quote that differ only as copy desks differ: a particle or article
    added or dropped ("I also agreed"), punctuation or a stray figure split off, a word spelt
    another way ("neighbourhood", "'locked"). A changed tense, negation or content word is a
    misquote ("will" -> "did", "drops 'is dangerous and'")."""
    a, b = x.split(), y.split()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old, new = a[i1:i2], b[j1:j2]
        if op == "equal" or all(w in EDITORIAL_WORDS or not any(c.isalpha() for c in w) for w in old + new):
            continue
        respelt = len(old) == len(new) and all(fuzz.ratio(p, q) >= 85 for p, q in zip(old, new, strict=True))
        if not respelt:
            return False
    return True


def _same_person(x: str, y: str) -> bool:
    return x == y or x.split()[-1] == y.split()[-1]


# kinds whose values an article may state in several sentences, about several facts
FIGURE_KINDS = frozenset({"number", "date", "place"})


def _stated(claims: Iterable[Claim]) -> dict[str, set[tuple[str, str]]]:
    """Each document's figures, dates and places, wherever in it they are stated."""
    stated: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for c in claims:
        stated[c.document_id].update((v.kind, v.normalized) for v in c.values if v.kind in FIGURE_KINDS)
    return stated


def _components(pairs: list[tuple[Sighting, Sighting]]) -> list[list[tuple[Sighting, Sighting]]]:
    """Disagreeing pairs linked through shared values ("12 vs 15", "12 vs 21")."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]  # path halving: chains stay short, finds stay cheap
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a.value.normalized)] = find(b.value.normalized)
    groups: dict[str, list[tuple[Sighting, Sighting]]] = defaultdict(list)
    for a, b in pairs:
        groups[find(a.value.normalized)].append((a, b))
    return list(groups.values())


def _build(
    kind: str,
    subject: str,
    pairs: list[tuple[Sighting, Sighting]],
    cluster_id: str,
    config: CheckConfig,
    stated: dict[str, set[tuple[str, str]]],
    list_of_facts: bool = False,
) -> Draft | None:
    sightings = [s for pair in pairs for s in pair]
    values = gather_values(sightings)
    if len(values) < 2:
        return None
    docs_per_value = [set(v.document_ids) for v in values]
    if not cross_source(docs_per_value):
        return None
    best = max(s.similarity for s in sightings)
    signals = {
        "similarity": sum(s.similarity for s in sightings) / len(sightings),
        "best_similarity": best,
        # how many pairings the parse set in one slot of one predicate (the rest are weighed down)
        "slot_agreement": sum(a.aligned for a, _ in pairs) / len(pairs),
        "pairings": len(pairs),
        # one weak pairing is a possibility, not a finding
        "strong": float(best >= config.strong_similarity),
        # four or more values for one subject are a list of facts, not one fact told two ways
        "list_of_facts": float(list_of_facts),
    }
    if kind in FIGURE_KINDS:
        # A source that states the other side's value too, elsewhere in its article, knows
        # both: the two are more likely two facts (the number killed, the number injured;
        # the city of the arrest, the city of the trial) than one fact told two ways, where
        # the side that errs is alone in its figure.
        docs = {d for v in values for d in v.document_ids}
        others = [(v, d) for v in values for d in sorted(docs - set(v.document_ids))]
        signals["stated_elsewhere"] = sum((kind, v.normalized) in stated[d] for v, d in others) / max(1, len(others))
    shown_subject = subject.title() if kind == "quote" else subject
    return Draft(kind, shown_subject, tuple(values), cluster_id, tuple(signals.items()))
