"""Across the whole story: every source's way of naming and titling each person, compared:
near-identical spellings of one name, incompatible titles for one person, and different
holders of one head-of-government role; an organisation's name spelt two ways; and the
editor's table of who is called what."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from claimcheck.config import CheckConfig
from claimcheck.conflicts.draft import Draft, Sighting, cross_source, gather_values
from claimcheck.lexicon import (
    EXECUTIVE_TITLES,
    OFFICE_HEADS,
    TITLE_MODIFIERS,
    fold,
    gazetteer,
    office,
    offices_exclude,
    same_first_name,
    singular,
)
from claimcheck.types import Claim, ConflictValue, Entity, EntityMention, Value


def entity_conflicts(claims: Sequence[Claim], config: CheckConfig) -> list[Draft]:
    people: list[Sighting] = []
    titles: list[Sighting] = []
    past_or_future: set[str] = set()  # names the story calls former, late, -elect, incoming
    for claim in claims:
        for v in claim.values:
            if v.kind == "person" and v.role == "former":
                past_or_future.add(v.normalized)
            elif v.kind == "person":
                people.append(Sighting(v, claim))
            elif v.kind == "title":
                titles.append(Sighting(v, claim))
                if v.normalized.endswith("-elect"):
                    past_or_future.add(v.role)
    misread = _misread_people(claims, people, config)
    people += misread
    entities = _link_people(people, config)
    conflicts: list[Draft] = _organisation_conflicts(claims, {m.value.normalized for m in misread}, config)
    for members in entities:
        conflicts += _name_conflicts(members, config)
    conflicts += _title_conflicts(entities, titles)
    # Someone who was or will be head of government is not a rival to the one who is.
    current = [e for e in entities if not any(m.value.normalized in past_or_future for m in e)]
    conflicts += _role_holder_conflicts(current, titles)
    return conflicts


def _misread_people(claims: Sequence[Claim], people: list[Sighting], config: CheckConfig) -> list[Sighting]:
    """A misspelt name is often one NER does not know, and reads as an organisation ("pin-up icon
    Bettie Pace" where the story's person is Bettie Page): a multi-word organisation that is a
    near spelling of a person the story names is a mention of that person."""
    names = {p.value.normalized for p in people if " " in p.value.normalized}
    return [
        Sighting(replace(v, kind="person"), claim)
        for claim in claims
        for v in claim.values
        if v.kind == "organisation"
        and " " in v.normalized
        and v.normalized not in names
        and any(name_variants(v.normalized, n, config) for n in names)
    ]


def _organisation_conflicts(claims: Sequence[Claim], people: set[str], config: CheckConfig) -> list[Draft]:
    """One organisation named two ways: a word of its name spelt otherwise ("TallGrass
    Distribution" / "Tallgrass Distributors"). Forms that differ only in case, spacing,
    British or American spelling, a plural, a corporate suffix or a title NER read into the
    name ("CEO of TallGrass Distribution Ltd") are one spelling; a differing word that is a
    place is another organisation ("University of Georgia", "University of Virginia")."""
    sightings = [
        Sighting(v, c) for c in claims for v in c.values if v.kind == "organisation" and v.normalized not in people
    ]
    key_of = {s.value.normalized: _organisation_key(s.value.normalized) for s in sightings}
    # "Tall Grass" and "TallGrass" are one spelling, as "Del Giudice" and "DelGiudice" are
    spaced: dict[str, tuple[str, ...]] = {}
    for name, key in sorted(key_of.items(), key=lambda item: (len(item[1]), item)):
        key_of[name] = spaced.setdefault("".join(key), key)
    keys = sorted({k for k in key_of.values() if len(k) >= 2})
    variants = [(a, b) for n, a in enumerate(keys) for b in keys[n + 1 :] if _spelt_otherwise(a, b, config)]
    if not variants:
        return []
    parent = {k: k for pair in variants for k in pair}

    def find(x: tuple[str, ...]) -> tuple[str, ...]:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in variants:
        parent[find(a)] = find(b)
    drafts = []
    for root in sorted({find(k) for k in parent}):
        # each source's form as its words are compared: sources that write "Ltd" and those
        # that do not agree
        forms = [
            replace(s, value=replace(s.value, normalized=" ".join(key)))
            for s in sightings
            if (key := key_of[s.value.normalized]) in parent and find(key) == root
        ]
        values = gather_values(forms)
        if len(values) < 2 or not cross_source([set(v.document_ids) for v in values]):
            continue
        pairs = [(a, b) for a, b in variants if find(a) == root]
        signals = {
            "spelling_only": float(all(_skeleton(" ".join(a)) == _skeleton(" ".join(b)) for a, b in pairs)),
            "name_similarity": max(fuzz.ratio(" ".join(a), " ".join(b)) for a, b in pairs) / 100,
        }
        drafts.append(Draft("organisation", values[0].value, tuple(values), None, tuple(signals.items())))
    return drafts


# What a company's name may carry or drop without being spelt otherwise.
CORPORATE_SUFFIXES = frozenset("ltd limited inc incorporated corp corporation co llc plc".split())


def _organisation_key(normalized: str) -> tuple[str, ...]:
    words = fold(normalized).split()
    if "of" in words[1:3] and all(w in OFFICE_HEADS for w in words[: words.index("of")]):
        words = words[words.index("of") + 1 :]  # "ceo of tallgrass distribution"
    if words[:1] == ["the"]:
        words = words[1:]
    while words and words[-1] in CORPORATE_SUFFIXES:
        words = words[:-1]
    return tuple(words)


def _spelt_otherwise(a: tuple[str, ...], b: tuple[str, ...], config: CheckConfig) -> bool:
    if len(a) != len(b):
        return False
    differing = [(p, q) for p, q in zip(a, b, strict=True) if p != q]
    if len(differing) != 1:
        return False
    p, q = differing[0]
    if _house_style(p) == _house_style(q) or p.startswith(q) or q.startswith(p) or p in gazetteer() or q in gazetteer():
        return False  # "Recognised"/"Recognized", "Advisers"/"Advisors", "Ministry"/"Ministry-depts"
    return fuzz.ratio(p, q) >= config.name_similarity and fuzz.ratio(" ".join(a), " ".join(b)) >= config.name_similarity


def _house_style(word: str) -> str:
    """A word as spelling conventions leave it: singular, -ise as -ize, -er as -or."""
    word = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", singular(word))
    return re.sub(r"er$", "or", word)


def story_entities(claims: Sequence[Claim], config: CheckConfig, limit: int = 60) -> tuple[Entity, ...]:
    """People and organisations that two or more sources mention, with how each names and
    titles them: the editor's table of who is called what by whom."""
    people = [Sighting(v, c) for c in claims for v in c.values if v.kind == "person"]
    titles_of: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (doc, holder) -> normalized -> text
    for c in claims:
        for v in c.values:
            if v.kind == "title" and v.role:
                titles_of[(c.document_id, v.role)].setdefault(v.normalized, v.text)
    orgs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in claims:
        for v in c.values:
            if v.kind == "organisation":
                orgs[v.normalized][c.document_id].add(v.text)
    linked = _link_people(people, config)
    # a lone surname NER took for an organisation ("Smith said") is that person's, where the
    # story has one person of that surname
    surnames = Counter(name.split()[-1] for members in linked for name in {m.value.normalized for m in members})
    owner = {
        name.split()[-1]: n
        for n, members in enumerate(linked)
        for name in {m.value.normalized for m in members}
        if " " in name and surnames[name.split()[-1]] == 1
    }
    extra: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for key in [k for k in orgs if " " not in k and k in owner]:
        for doc, forms in orgs.pop(key).items():
            extra[owner[key]][doc] |= {f.lower() for f in forms}
    entities = []
    for n, members in enumerate(linked):
        names: dict[str, set[str]] = defaultdict(set)
        for m in members:
            names[m.claim.document_id].add(m.value.normalized)
        for doc, forms in extra.get(n, {}).items():
            names[doc] |= forms
        if len(names) < 2:
            continue
        mentions = []
        for doc, forms in sorted(names.items()):
            titles = {k: t for name in sorted(forms) for k, t in titles_of.get((doc, name), {}).items()}
            mentions.append(EntityMention(doc, tuple(sorted(forms)), tuple(sorted((t, k) for k, t in titles.items()))))
        entities.append(Entity(_display_name(members), "person", tuple(mentions)))
    for per_doc in _merge_acronyms(orgs):
        if len(per_doc) >= 2:
            mentions = [EntityMention(doc, tuple(sorted(forms))) for doc, forms in sorted(per_doc.items())]
            # the spelled-out name where a source gives one: "Federal Bureau of Investigation (FBI)"
            said = Counter(f for forms in per_doc.values() for f in forms)
            name = max(said, key=lambda f: (not f.isupper(), said[f], f))
            entities.append(Entity(name, "organisation", tuple(mentions)))
    entities.sort(key=lambda e: (e.kind != "person", -len(e.mentions), e.name))
    return tuple(entities[:limit])


def _merge_acronyms(orgs: dict[str, dict[str, set[str]]]) -> list[dict[str, set[str]]]:
    """Organisations by name, an acronym merged with the one name it abbreviates ("FBI" with
    "Federal Bureau of Investigation"); an acronym that fits two names stays apart."""
    initials: dict[str, list[str]] = defaultdict(list)
    for key in orgs:
        if " " in key:
            letters = "".join(w[0] for w in key.split() if w not in ACRONYM_SKIPS)
            initials[letters].append(key)
    merged = dict(orgs)
    for key in list(merged):
        expansions = initials.get(key.replace(".", ""), [])
        if " " not in key and len(expansions) == 1:
            for doc, forms in merged.pop(key).items():
                merged[expansions[0]].setdefault(doc, set()).update(forms)
    return list(merged.values())


# Words an acronym leaves out: "Federal Bureau of Investigation" is FBI.
ACRONYM_SKIPS = frozenset({"of", "the", "and", "for", "&", "on", "in"})


def _link_people(people: list[Sighting], config: CheckConfig) -> list[list[Sighting]]:
    """Group mentions of one person: same name, a surname alone, or a near-identical spelling."""
    names = sorted({p.value.normalized for p in people})
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
            if name_variants(a, b, config) or contains(a, b) or a.replace(" ", "") == b.replace(" ", ""):
                parent[find(a)] = find(b)
    for name in names:
        if " " in name:
            continue
        # a surname is most often a name's last word ("Nixon" is Richard M. Nixon's, not the
        # "Richard Nixon White House"'s), but not always ("Dong" of "Dong Jun")
        owners = [f for f in full if f.split()[-1] == name] or [f for f in full if name in f.split()]
        if owners and len({find(o) for o in owners}) == 1:
            parent[find(name)] = find(owners[0])
    groups: dict[str, list[Sighting]] = defaultdict(list)
    for p in people:
        groups[find(p.value.normalized)].append(p)
    return list(groups.values())


def contains(a: str, b: str) -> bool:
    """ "kurt campbell" and "kurt m campbell": one name's words inside the other's."""
    x, y = a.split(), b.split()
    small, big = (x, y) if len(x) <= len(y) else (y, x)
    return len(small) >= 2 and all(w in big for w in small) and small[-1] == big[-1]


def name_variants(a: str, b: str, config: CheckConfig) -> bool:
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
    # One family name with two given names is two people of one family ("Warren Jeffs" and
    # his nephew "Brent Jeffs"): a given name spelled two ways keeps most of its letters
    # (Karolos/Carolos, Elias/Ilias, Bettie/Betty), where two given names share few.
    given = p == x[0] and x[-1] == y[-1]
    return fuzz.ratio(a, b) >= config.name_similarity and fuzz.ratio(p, q) >= (GIVEN_NAME_SIMILARITY if given else 50)


GIVEN_NAME_SIMILARITY = 70  # rapidfuzz ratio: Bettie/Betty 73, Jumaane/Makaeo 62, Warren/Brent 55


def _nickname_forms(a: str, b: str) -> bool:
    """ "Jim Oler" and "James Oler": the same person with his first name in another form."""
    x, y = a.split(), b.split()
    return len(x) == len(y) and x[1:] == y[1:] and x[0] != y[0] and same_first_name(x[0], y[0])


def _skeleton(name: str) -> str:
    """Consonants with doubled letters collapsed: "mohammed" and "mohamed" agree."""
    out = re.sub(r"(.)\1+", r"\1", name)
    return re.sub(r"(?<=\w)[aeiouy]", "", out)


def _name_conflicts(members: list[Sighting], config: CheckConfig) -> list[Draft]:
    full = [m for m in members if " " in m.value.normalized]
    docs: dict[str, set[str]] = defaultdict(set)
    for m in full:
        docs[m.value.normalized].add(m.claim.document_id)
    names = sorted(docs)
    relatives = {name for name in names if all(_introduced_as_kin(m) for m in full if m.value.normalized == name)}
    variants = [
        (a, b)
        for n, a in enumerate(names)
        for b in names[n + 1 :]
        if name_variants(a, b, config) and not _nickname_forms(a, b) and not _kin_of(a, b, relatives)
    ]
    if not variants:
        return []
    involved = {n for pair in variants for n in pair}
    values = gather_values(m for m in full if m.value.normalized in involved)
    if not cross_source([set(v.document_ids) for v in values]):
        return []
    values = [ConflictValue(v.normalized.title(), v.normalized, v.document_ids, v.evidence) for v in values]
    signals = {
        # "Mohammed"/"Mohamed": transliterations differ in vowels and doubled letters
        "spelling_only": float(all(_skeleton(a) == _skeleton(b) for a, b in variants)),
        "name_similarity": max(fuzz.ratio(a, b) for a, b in variants) / 100,
    }
    return [Draft("person_name", values[0].value, tuple(values), None, tuple(signals.items()))]


# Nouns that introduce someone as a relative of a person the story names: one family shares a
# surname, and a given name like the other's is another person ("her stepson, Jeremy Ortiz",
# where the story is about Deputy Jerry Ortiz)
KIN = frozenset(
    """son daughter stepson stepdaughter child brother sister half-brother half-sister father mother
    stepfather stepmother parent wife husband widow widower nephew niece cousin uncle aunt grandson
    granddaughter grandfather grandmother""".split()
)


def _kin_of(a: str, b: str, relatives: set[str]) -> bool:
    """One of two names with one surname and other given names is only ever introduced as a
    relative: two members of a family. A surname spelt two ways is one person's, however
    introduced ("sister Katie Jenkin", "sister Katie Jinkin")."""
    x, y = a.split(), b.split()
    return x[0] != y[0] and x[1:] == y[1:] and (a in relatives) != (b in relatives)


def _introduced_as_kin(sighting: Sighting) -> bool:
    """ "her stepson, Jeremy Ortiz", or "Jeremy Ortiz, one of the deputy's sons"."""
    text = sighting.claim.text.lower()
    start, end = (n - sighting.claim.span[0] for n in sighting.value.span)
    before = re.findall(r"[\w-]+", text[max(0, start - 30) : start])
    appositive = re.match(r",\s*([^,.;]{1,50})[,.;]", text[end:])
    after = re.findall(r"[\w-]+", appositive.group(1)) if appositive else []
    return bool(before and before[-1] in KIN) or any(w in KIN or singular(w) in KIN for w in after[:6])


def _holder_entity(entities: list[list[Sighting]]) -> dict[str, int]:
    """Normalized name -> index of the entity it belongs to."""
    return {m.value.normalized: n for n, members in enumerate(entities) for m in members}


def _display_name(members: list[Sighting]) -> str:
    counts = Counter(m.value.normalized for m in members if " " in m.value.normalized)
    name = counts.most_common(1)[0][0] if counts else members[0].value.normalized
    return name.title()


def _title_conflicts(entities: list[list[Sighting]], titles: list[Sighting]) -> list[Draft]:
    holder = _holder_entity(entities)
    per_entity: dict[tuple[int, str], list[Sighting]] = defaultdict(list)
    for t in titles:
        if t.value.role in holder:
            category = t.value.parents[0] if t.value.parents else "office"
            per_entity[(holder[t.value.role], category)].append(t)
    conflicts = []
    for (entity, _category), sightings in per_entity.items():
        distinct = {s.value.normalized for s in sightings}
        # a bare "Secretary" refines into either side: only the most specific titles clash
        maximal = {t for t in distinct if not any(t != u and title_within(t, u) for u in distinct)}
        clashing = {t for t in maximal if any(titles_clash(t, u) for u in maximal)}
        if len(clashing) < 2:
            continue
        # "Judge" written alone supports "Superior Court Judge" when it fits no rival title
        support = []
        for s in sightings:
            sides = [t for t in clashing if title_within(s.value.normalized, t)]
            if len(sides) == 1:
                v = s.value
                support.append(Sighting(Value(v.kind, v.text, sides[0], v.span, v.role, v.parents), s.claim))
        values = gather_values(support)
        if len(values) < 2 or not cross_source([set(v.document_ids) for v in values]):
            continue
        heads = {office(v.normalized) for v in values}
        if len(heads) > 1 and not any(offices_exclude(h, k) for h in heads for k in heads):
            continue  # offices one person can hold together: a representative who chairs a committee
        if len(heads) > 1:
            # Different offices: one person may hold both. An outlier against a majority is
            # a finding; one source against one is only a possibility.
            outliers = _outliers(values)
            if outliers:
                values = outliers
            elif not all(len(v.document_ids) == 1 for v in values):
                continue
        signals = {"different_offices": float(len(heads) > 1)}
        conflicts.append(Draft("title", _display_name(entities[entity]), tuple(values), None, tuple(signals.items())))
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


def titles_clash(a: str, b: str) -> bool:
    """Neither title refines the other, and when both are of one head word, the words that
    set them apart are office words: "war" / "defense" secretary are two offices, where a
    place or a body ("Brooklyn" / "New York City" councilman, "OSP" / "Oregon State Police"
    lieutenant) only says where the one office is."""
    if title_within(a, b) or title_within(b, a):
        return False
    x, y = a.split(), b.split()
    return x[-1] != y[-1] or all(w in TITLE_MODIFIERS for w in set(x) ^ set(y))


def title_within(a: str, b: str) -> bool:
    """Title a is b or a less specific form of it ("secretary" within "defense secretary")."""
    return set(a.split()) <= set(b.split())


def _role_holder_conflicts(entities: list[list[Sighting]], titles: list[Sighting]) -> list[Draft]:
    """Different people named as head of one country's government across the story."""
    holder = _holder_entity(entities)
    # entity -> sightings that put it in the role, and the countries those name
    in_role: dict[int, list[Sighting]] = defaultdict(list)
    offices: dict[int, set[str]] = defaultdict(set)  # "president", "premier", ...; "" for an administration
    countries: dict[int, Counter[str]] = defaultdict(Counter)
    unqualified_docs: dict[int, set[str]] = defaultdict(set)
    for t in titles:
        if t.value.normalized in EXECUTIVE_TITLES and t.value.role in holder:
            n = holder[t.value.role]
            offices[n].add(t.value.normalized)
            # show the whole mention ("U.S. President Donald Trump"), not the title alone
            mention = next((v for v in t.claim.values if v.kind == "person" and v.normalized == t.value.role), t.value)
            in_role[n].append(Sighting(mention, t.claim))
            qualifiers = t.value.parents[1:]
            countries[n].update(qualifiers)
            if not qualifiers:
                unqualified_docs[n].add(t.claim.document_id)
    for n, members in enumerate(entities):
        for m in members:
            if m.value.role == "administration":
                in_role[n].append(m)
                offices[n].add("")
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
        # A country may have a president and a prime minister at once (Israel, France): two
        # holders are rivals only in one office, and an administration is its head's, any.
        rivals = [
            n
            for n in holders
            if any(offices[n] & offices[m] or "" in offices[n] | offices[m] for m in holders if m != n)
        ]
        if len(rivals) < 2:
            continue
        holders = rivals
        sightings = []
        for n in holders:
            name = _display_name(entities[n])
            sightings += [
                Sighting(
                    Value(s.value.kind, s.value.text, name.lower(), s.value.span, s.value.role, s.value.parents),
                    s.claim,
                )
                for s in in_role[n]
            ]
        values = gather_values(sightings)
        all_docs = {d for v in values for d in v.document_ids}
        values = _outliers(values)
        if len(all_docs) < 2 or not values:
            continue
        values = [ConflictValue(_role_label(v), v.normalized, v.document_ids, v.evidence) for v in values]
        conflicts.append(Draft("role_holder", country.title() if country else "", tuple(values)))
    return conflicts


def _role_label(value: ConflictValue) -> str:
    """ "Biden administration" where a source wrote it that way, else the person's name."""
    if value.value.lower().endswith(("administration", "government")):
        return value.value
    return value.normalized.title()
