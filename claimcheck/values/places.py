"""Places (with their kind and what contains them, from the gazetteer) and organisations."""

from __future__ import annotations

from claimcheck import lexicon as lx
from claimcheck.types import Value
from claimcheck.values.dates import MONTHS, WEEKDAYS
from claimcheck.values.tokens import PLACES, Token, is_acronym


def place_or_org(text: str, tokens: list[Token], i: int, j: int, label: str = "") -> list[Value]:
    """The run as an organisation (an organisation's word in it, an acronym, or NER's ORG) or as
    a place the gazetteer knows; `label` is NER's reading of the run."""
    run = tokens[i:j]
    if j - i > 2 and run[0].word in {"member", "members"} and run[1].word == "of":
        return place_or_org(text, tokens, i + 2, j, "ORG")  # "Member of Congress": the body is Congress
    if is_acronym(run) and run[0].word in lx.NOT_ORGANISATIONS:
        return []
    run_text = (
        text[run[0].start : run[-1].end].rstrip("’'s") if run[-1].possessive else text[run[0].start : run[-1].end]
    )
    words = [t.word for t in run]
    org = any(w in lx.ORG_HEADS for w in words[1:]) or (len(run) > 1 and words[0] in lx.ORG_HEADS) or is_acronym(run)
    if org or (label == "ORG" and lx.canonical_place(run_text) not in lx.gazetteer()):
        if is_acronym(run) and len(run[0].text) > 6:
            return []
        key = lx.fold(run_text)
        key = key[4:] if key.startswith("the ") else key
        return [Value("organisation", run_text, key, (run[0].start, run[0].start + len(run_text)))]
    place = _place(text, tokens, i, j, run_text, label in PLACES)
    return [place] if place else []


def _place(text: str, tokens: list[Token], i: int, j: int, run_text: str, recognised: bool) -> Value | None:
    if run_text.lower() in MONTHS or run_text.lower() in WEEKDAYS:
        return None  # "in March" is a date, not the town
    gaz = lx.gazetteer()
    key = lx.canonical_place(run_text)
    entry = gaz.get(key) or gaz.get(lx.fold(run_text))
    if entry is None:
        return None
    kind, parents, population = entry
    prep = tokens[i - 1].word if i > 0 else ""
    # A small town's name is often a surname too; a city of two or more words rarely is.
    multiword = j - i > 1 and population >= lx.NAMED_CITY
    # NER's reading of the sentence settles it: "Reading" the town, "Reading" the verb
    if kind == "city" and population < lx.BIG_CITY and prep not in lx.LOCATIVE and not multiword and not recognised:
        after = tokens[j + 1].text if j + 1 < len(tokens) and tokens[j].text == "," else ""
        if not (after and lx.country_of(after)):
            return None
    # "Kuala Lumpur, Malaysia": the text itself says what contains what.
    if j + 1 < len(tokens) and tokens[j].text == ",":
        nxt_token = tokens[j + 1]
        container = lx.canonical_place(nxt_token.text + ("." if text[nxt_token.end : nxt_token.end + 1] == "." else ""))
        nxt = gaz.get(container)
        if nxt and nxt[0] in ("country", "state") and kind in ("city", "state") and container != key:
            parents = (container, *parents)
    return Value(
        "place",
        run_text,
        key,
        (tokens[i].start, tokens[i].start + len(run_text)),
        role=kind,
        parents=tuple(dict.fromkeys(p for p in parents if p)),
    )
