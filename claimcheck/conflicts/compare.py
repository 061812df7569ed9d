"""One claim against another: a fact-checker's query."""

from __future__ import annotations

from collections.abc import Iterable

from claimcheck.config import CheckConfig
from claimcheck.conflicts.entities import contains, name_variants, title_within, titles_clash
from claimcheck.conflicts.pairwise import (
    COMPARABLE_PLACES,
    compare,
    date_relation,
    dates_agree,
    locative,
    numbers_agree,
    of,
    other_agents,
    same_slot,
    synonyms,
)
from claimcheck.lexicon import EXECUTIVE_TITLES
from claimcheck.types import Claim, Comparison, Value


def compare_claims(query: Claim, other: Claim, config: CheckConfig) -> list[Comparison]:
    """Every value of `query` that `other` states as well, agreeing or not.

    Values are aligned as inside clusters (numbers by the noun they count, dates by their
    relation to time, places by slot); people are matched by name, so a name spelled
    another way, another title for the same person and another holder of the same
    office are differences even when the sentences say different things about them.
    """
    found = [
        Comparison(kind, subject, x, y, False, weight >= 1.0) for kind, subject, x, y, weight in compare(query, other)
    ]
    found += _agreements(query, other)
    found += _compare_people(query, other, config)
    return found


def _agreements(a: Claim, b: Claim) -> Iterable[Comparison]:
    # a figure, date or place of an event other people took part in confirms nothing
    for x in of(a, "number"):
        y = next(
            (y for y in of(b, "number") if y.role == x.role and numbers_agree(x, y) and not other_agents(x, y)), None
        )
        if y:
            yield Comparison("number", x.role, x, y, True)
    for x in of(a, "date"):
        rel = date_relation(a, x)
        same = [y for y in of(b, "date") if date_relation(b, y) == rel]
        y = next((y for y in same if _dates_agree(x, y) and not other_agents(x, y)), None)
        if y:
            yield Comparison("date", x.role, x, y, True)
    for x in of(a, "place"):
        # "China's defence minister" mentions China; only where things happened is a fact to confirm
        y = next((y for y in of(b, "place") if y.normalized == x.normalized and not other_agents(x, y)), None)
        if y and x.role in COMPARABLE_PLACES and ((locative(a, x) and locative(b, y)) or same_slot(a, x, b, y)):
            yield Comparison("place", x.role, x, y, True)
    for x in of(a, "polarity"):
        y = next((y for y in of(b, "polarity") if y.role == x.role or synonyms(y.role, x.role)), None)
        if y:
            yield Comparison("polarity", x.role, x, y, True)
    for x in of(a, "quote"):
        y = next((y for y in of(b, "quote") if x.normalized in y.normalized or y.normalized in x.normalized), None)
        if y:
            yield Comparison("quote", x.role, x, y, True)


def _dates_agree(x: Value, y: Value) -> bool:
    """Compatible, and not only because one says too little to compare: "November 1" neither
    confirms nor contradicts "2012"; times of day as `scan` reads them ("about 8.40pm" and
    "8.49pm" agree)."""
    p, q = x.normalized, y.normalized
    if p.startswith("--") != q.startswith("--") and len(p if not p.startswith("--") else q) == 4:
        return False
    return dates_agree(x, y)


def person_link(a: str, b: str, config: CheckConfig) -> str | None:
    """ "same" for one person written alike (or by part of the name), "variant" for another
    spelling of one name, None for different people."""
    if a == b or contains(a, b) or a.replace(" ", "") == b.replace(" ", ""):
        return "same"
    if name_variants(a, b, config):
        return "variant"
    x, y = a.split(), b.split()
    if (len(x) == 1 and x[0] in y) or (len(y) == 1 and y[0] in x):
        return "same"  # "Hegseth" and "Pete Hegseth"; "Dong" and "Dong Jun"
    return None


def _people(claim: Claim) -> list[Value]:
    return [v for v in claim.values if v.kind == "person" and v.role != "former"]


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
    for t in of(a, "title"):
        holders_b = {y.normalized for y, _ in linked.get(t.role, [])}
        category = t.parents[:1]
        for u in of(b, "title"):
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
    if title_within(t.normalized, u.normalized):
        yield Comparison("title", subject, t, u, True)
    elif title_within(u.normalized, t.normalized):
        return  # "Secretary" alone neither confirms nor contradicts "Secretary of War"
    elif t.normalized.split()[-1] == u.normalized.split()[-1] and titles_clash(t.normalized, u.normalized):
        # one office written two ways; different offices ("minister", "admiral") may both be held
        yield Comparison("title", subject, t, u, False)


def _same_country(t: Value, u: Value) -> bool:
    x, y = set(t.parents[1:]), set(u.parents[1:])
    return not x or not y or bool(x & y)


def _single_holder(t: Value) -> bool:
    """Offices one person holds at a time: a head of government, or a named ministry's head
    of a named country ("China's defense minister"), not "senator" or "judge"."""
    return t.normalized in EXECUTIVE_TITLES or (len(t.normalized.split()) > 1 and len(t.parents) > 1)
