"""Quoted words, with who said them where the claim names one speaker."""

from __future__ import annotations

import re

from claimcheck import lexicon as lx
from claimcheck.types import Value

# --- quotes -------------------------------------------------------------------

QUOTE = re.compile(r"“([^”]{10,})”|\"([^\"]{10,})\"")


def find(text: str, people: list[Value]) -> list[Value]:
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
