"""Claim splitting on one long line against the same text with line breaks: the time must
grow with the length, not its square (pysbd alone is quadratic on long texts).

    .venv/bin/python benchmarks/long_line.py
"""

from __future__ import annotations

import time

from claimcheck.claims import extract_claims
from claimcheck.types import Document

SENTENCE = "Officials said 12 people were hurt in Paris on Friday after the storm. "


def seconds(text: str) -> tuple[float, int]:
    started = time.perf_counter()
    claims = extract_claims(Document("bench", "bench", text))
    return time.perf_counter() - started, len(claims)


def main() -> None:
    extract_claims(Document("warm", "warm", SENTENCE * 3))  # load pysbd once
    print("| characters | one line | with line breaks | claims |")
    print("| --- | --- | --- | --- |")
    for repeats in (700, 2816, 14080):
        one, n = seconds(SENTENCE * repeats)
        broken, m = seconds((SENTENCE.strip() + "\n") * repeats)
        assert n == m, (n, m)
        print(f"| {len(SENTENCE) * repeats:,} | {one:.2f} s | {broken:.2f} s | {n:,} |")


if __name__ == "__main__":
    main()
