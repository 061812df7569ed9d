"""A card's summary: the fact disputed, each value with how many sources state it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Sequence

from claimcheck.types import ConflictValue, Evidence

STATUS_WORDS = {
    "negated": "it did not happen",
    "expected": "it is expected or planned",
    "alleged": "it is alleged",
    "denied": "it is denied",
}


def describe(kind: str, subject: str, values: Sequence[ConflictValue], both: Sequence[str], internal: bool) -> str:
    """ "Title of Pete Hegseth: 3 sources say Secretary of War, 2 say Defense Secretary (…)": the
    fact disputed, then each value with how many sources state it, the outliers named."""
    fact = (
        _fact(values, skip=set(subject.lower().split()))
        if kind in ("number", "date", "place", "polarity", "status")
        else ""
    )
    about = f" “{fact}”" if fact else ""
    label = {
        "number": f"Number of {subject or 'it'} in{about}" if about else f"Number of {subject or 'it'}",
        "date": f"Date of{about}" if about else "Date",
        "place": f"Place of{about}" if about else "Place",
        "polarity": f"Whether{about}" if about else "Whether it happened",
        "status": f"Whether{about}" if about else "Whether it happened",
        "person_name": f"Name of {subject}" if subject else "Name",
        "organisation": f"Name of {subject}" if subject else "Name",
        "title": f"Title of {subject}" if subject else "Title",
        "role_holder": f"Head of government of {subject}" if subject else "Head of government",
        "quote": f"Quote by {subject}" if subject else "Quote",
    }.get(kind, kind.replace("_", " ").capitalize())
    verb = {"person_name": "write", "organisation": "write", "role_holder": "name"}.get(kind, "say")
    if kind in ("polarity", "status"):

        def shown(v: ConflictValue) -> str:
            return f"{STATUS_WORDS.get(v.normalized, 'it happened')} (“{v.value}”)"
    else:

        def shown(v: ConflictValue) -> str:
            return v.value

    if internal:
        who = ", ".join(both[:3]) + (", …" if len(both) > 3 else "")
        stated = " and ".join(shown(v) for v in values[:3])
        if kind == "title":  # one person may hold two offices, or have held one before
            within = "two titles for one person in one source" if len(both) == 1 else "each gives two titles"
        else:
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
        if (n > 0 or tie) and count:  # the sources named; a side a self-contradicting source left is empty
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
    return " ".join(shared_words(values, skip)[:most])


def shared_words(values: Sequence[ConflictValue], skip: Collection[str] = ()) -> list[str]:
    """The content words that the first sentences of the two leading sides share, outside the
    values themselves, in the order the majority's sentence has them."""
    if len(values) < 2 or not values[0].evidence or not values[1].evidence:
        return []
    a, b = values[0].evidence[0], values[1].evidence[0]

    def words(e: Evidence) -> list[str]:
        span = (e.value_start - e.start, e.value_end - e.start)
        return [
            m.group()
            for m in FACT_WORD.finditer(e.text)
            if not (span[0] <= m.start() < span[1]) and m.group().lower() not in ignored
        ]

    ignored = NOT_FACT_WORDS | set(skip)
    other = {w.lower() for w in words(b)}
    return list(dict.fromkeys(w for w in words(a) if w.lower() in other))


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
