"""Events a claim does not report as having happened: expected or planned, alleged, denied
(frames.py reads it from modals, hearsay adverbs and the verb that governs the event). A
negated event is polarity's; one reported plainly needs no value, its frame says it."""

from __future__ import annotations

from collections.abc import Sequence

from claimcheck.lexicon import stem
from claimcheck.types import Frame, Value


def find(text: str, frames: Sequence[Frame]) -> list[Value]:
    """One value per such frame; spans are local to `text`, like the frames'."""
    return [
        Value(
            "status",
            text[f.span[0] : f.span[1]],
            f.status,
            f.span,
            role=stem(f.predicate),
            frame=n,
        )
        for n, f in enumerate(frames)
        if f.status in ("expected", "alleged", "denied") and not f.negated
    ]
