"""Offices and ranks: the words that make one, and the title a name is given."""

from __future__ import annotations

import re

from claimcheck import lexicon as lx
from claimcheck.types import Value
from claimcheck.values.tokens import Token


def title_word(token: Token) -> bool:
    w = token.word
    if "-" in w and w.split("-")[0] in lx.TEMPORAL:  # "then-House", "ex-President"
        return True
    return (
        w in lx.OFFICE_HEADS or w in lx.RANK_HEADS or w in lx.TITLE_MODIFIERS or w in lx.TEMPORAL or w in lx.TITLE_NOISE
    )


def head_kind(word: str) -> str | None:
    if word in lx.RANK_HEADS:
        return "rank"
    if word in lx.OFFICE_HEADS:
        return "office"
    if word in lx.HONORIFICS:
        return "honorific"
    if word in lx.DESCRIPTORS:
        return "descriptor"
    return None


def org_prefixed_head(words: list[Token], pos: int) -> int | None:
    """Where a title starts after an organisation's name, if one does before the last word."""
    for h in range(pos + 1, len(words) - 1):
        if not words[h].capital:
            return None
        if head_kind(words[h].word) in ("office", "rank"):
            m = h
            while m > pos + 1 and words[m - 1].word in lx.TITLE_MODIFIERS:
                m -= 1
            return m
    return None


def appositive_titles(text: str, tokens: list[Token], k: int, j: int) -> list[tuple[list[Token], str]]:
    """Titles set off by commas or stated: "Kurt Campbell, chairman of ...", "China's defense
    minister, Adm. X", "Hegseth is the Secretary of War"."""
    found: list[tuple[list[Token], str]] = []
    # after: NAME , [the|a] modifiers HEAD [of ...]   or   NAME is|was [now] [the|a] ...
    p = j
    if p < len(tokens) and (tokens[p].text == "," or tokens[p].word in COPULAS):
        q = p + 1
        if tokens[p].text != "," and q < len(tokens) and tokens[q].word in {"now", "also", "still"}:
            q += 1
        if q < len(tokens) and tokens[q].word in {"the", "a", "an"}:
            q += 1
        r = q
        while r < len(tokens) and (lx.country_of(tokens[r].text) or tokens[r].word in lx.TITLE_MODIFIERS):
            r += 1
        # "the president's spokesman" names the spokesman's office, not the president's
        if r < len(tokens) and head_kind(tokens[r].word) in ("office", "rank") and not tokens[r].possessive:
            end = r + 1
            c = end + 1
            if end < len(tokens) and tokens[end].word in {"of", "for"}:
                while c < len(tokens) and (tokens[c].word in lx.TITLE_MODIFIERS or lx.country_of(tokens[c].text)):
                    c += 1
                if c > end + 1:  # "Secretary of War", not "chairman of the Asia Group"
                    end = c
            # "Sen. Chuck Schumer, Rep. Peter King and ...": a title a name follows is that name's
            if not (end < len(tokens) and tokens[end].capital):
                found.append((tokens[q:end], head_kind(tokens[r].word) or "office"))
    # before: modifiers HEAD , NAME
    if k >= 2 and tokens[k - 1].text == ",":
        r = k - 2
        kind = head_kind(tokens[r].word)
        if kind in ("office", "rank"):
            q = r
            while q > 0 and (tokens[q - 1].word in lx.TITLE_MODIFIERS or lx.country_of(tokens[q - 1].text)):
                q -= 1
            found.append((tokens[q : r + 1], kind or "office"))
    return found


# "Prime Minister" reads as "premier": one office under two names
OFFICE_NAME = re.compile(r"\b(?:" + "|".join(map(re.escape, lx.OFFICE_NAMES)) + r")\b")
# "Hegseth is the Secretary of War": a title stated of a name
COPULAS = frozenset({"is", "was", "becomes", "became", "remains", "remained"})


def title_value(text: str, toks: list[Token], holder: str, kind: str, countries: list[str]) -> Value:
    words: list[str] = []
    qualifiers = list(countries)
    complement: list[str] = []
    target = words
    for tok in toks:
        w = tok.word
        country = lx.country_of(tok.text) if tok.capital or tok.possessive else None
        if country and w not in lx.TITLE_MODIFIERS:
            qualifiers.append(country)
            continue
        if w in {"of", "for"}:
            target = complement
            continue
        if w in lx.TITLE_NOISE or w in {"a", "an"}:
            continue
        target.append(lx.SPELLING.get(w, w))
    # "Secretary of War" reads as "war secretary"; "vice president" fuses to one office.
    ordered = complement + words
    if kind == "rank":  # "Deputy Sgt." is a sergeant serving as a deputy: the rank is what compares
        ordered = [w for w in ordered if w not in lx.RANK_CHANGING]
    while len(ordered) > 1 and ordered[-1] in lx.RANK_CHANGING:  # "Sheriff Deputy": a deputy sheriff
        ordered = [ordered[-1], *ordered[:-1]]
    fused: list[str] = []
    for w in ordered:
        if fused and fused[-1].rsplit("-", 1)[-1] in lx.RANK_CHANGING:  # "deputy-associate-director"
            fused[-1] = f"{fused[-1]}-{w}"
        else:
            fused.append(w)
    normalized = OFFICE_NAME.sub(lambda m: lx.OFFICE_NAMES[m.group()], " ".join(fused))
    return Value(
        "title",
        text[toks[0].start : toks[-1].end],
        normalized,
        (toks[0].start, toks[-1].end),
        role=holder,
        parents=(kind, *dict.fromkeys(qualifiers)),
    )
