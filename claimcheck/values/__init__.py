"""Claim -> typed Values: people with their titles, organisations, places, dates, numbers,
negations and quotes, one module per kind; `extract_values` runs them over a claim, and
`within_document` settles what one claim cannot tell alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimcheck.frames import attach
from claimcheck.lexicon import LOCATIVE
from claimcheck.nlp import Parsed, parse
from claimcheck.types import Claim, Document, Value
from claimcheck.values import dates, names, numbers, polarity, quotes, status
from claimcheck.values.tokens import restore_case, tokenize


def extract_values(claim: Claim, document: Document | None = None, parsed: Parsed | None = None) -> Claim:
    """Return the claim with its typed values (spans are document offsets), its frames and
    what each value is of. `parsed` is the claim's parse; without it the claim is parsed
    alone (batches parse many claims in one nlp.pipe: pipeline.documents_claims)."""
    published = document.published if document else None
    original = claim.text
    if parsed is None:
        parsed = parse([original])[0]
    text = restore_case(original, document.text) if document else original
    tokens = tokenize(text)
    values: list[Value] = []
    values += names.find(text, tokens, parsed)
    date_values = dates.find(text, published)
    values += date_values
    taken = [v.span for v in date_values]
    values += numbers.find(text, tokens, taken, parsed)
    values += polarity.find(tokens)
    values += quotes.find(text, [v for v in values if v.kind == "person"])
    values, found = attach(values, parsed)
    values += status.find(original, found)
    offset = claim.span[0]
    found = tuple(replace(f, span=(f.span[0] + offset, f.span[1] + offset)) for f in found)
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


def within_document(claims: Sequence[Claim]) -> tuple[Claim, ...]:
    """One article's claims, less the one-word places that the article writes as a person's
    surname elsewhere: "Alaska Gov. Sarah Palin" makes "Palin spokesman ... said that Palin
    told" a person, not the town in Guatemala, however NER labelled the lone word. A place
    after "in", "at" or "near" stays one ("born in Lincoln" beside "Abraham Lincoln")."""
    surnames = {
        v.normalized.rsplit(" ", 1)[1] for c in claims for v in c.values if v.kind == "person" and " " in v.normalized
    }

    def surname(claim: Claim, v: Value) -> bool:
        if v.kind != "place" or " " in v.normalized or v.normalized not in surnames:
            return False
        before = claim.text[: v.span[0] - claim.span[0]].rsplit(maxsplit=1)
        return not (before and before[-1].lower() in LOCATIVE)

    settled = []
    for c in claims:
        kept = tuple(v for v in c.values if not surname(c, v))
        settled.append(c if len(kept) == len(c.values) else replace(c, values=kept))
    return tuple(settled)
