"""Claim -> typed Values: people with their titles, organisations, places, dates, numbers,
negations and quotes, one module per kind; `extract_values` runs them over a claim."""

from __future__ import annotations

from dataclasses import replace

from claimcheck.frames import attach
from claimcheck.nlp import Parsed
from claimcheck.types import Claim, Document, Frame, Value
from claimcheck.values import dates, names, numbers, polarity, quotes
from claimcheck.values.tokens import restore_case, tokenize


def extract_values(claim: Claim, document: Document | None = None, parsed: Parsed | None = None) -> Claim:
    """Return the claim with its typed values (spans are document offsets) and, given its
    parse, its frames and what each value is of."""
    published = document.published if document else None
    original = claim.text
    text = restore_case(original, document.text) if document else original
    tokens = tokenize(text)
    values: list[Value] = []
    values += names.find(text, tokens)
    date_values = dates.find(text, published)
    values += date_values
    taken = [v.span for v in date_values]
    values += numbers.find(text, tokens, taken)
    values += polarity.find(tokens)
    values += quotes.find(text, [v for v in values if v.kind == "person"])
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
