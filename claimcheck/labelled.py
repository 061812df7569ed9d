"""A hand-labelled set of real discrepancies (benchmarks/real/README.md) and the score of
reports against it: is what an editor reads first (high and medium cards) real, and are the
real discrepancies shown?"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from claimcheck.errors import InputError
from claimcheck.types import Conflict, ConflictValue, Report
from claimcheck.values.numbers import WORD_NUMBERS

SHOWN = ("high", "medium")  # what an editor reads first; low cards are folded away
IMPORTANCES = ("high", "medium", "low")
# conflict kinds that can report a labelled kind: whether an event happened is both a
# negation (polarity) and a status (expected, alleged, denied)
READ_AS = {"status": {"status", "polarity"}, "polarity": {"polarity", "status"}}
VALUE_SIMILARITY = 80  # rapidfuzz ratio from which two written values are one ("Dong Un" / "Adm. Dong Un")


@dataclass(frozen=True, slots=True)
class Side:
    value: str
    documents: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One labelled discrepancy: a fact the story's sources state differently."""

    id: str
    kind: str
    fact: str
    importance: str  # one of IMPORTANCES
    sides: tuple[Side, ...]
    evolving: bool = False


@dataclass(frozen=True, slots=True)
class NotAConflict:
    """Two forms that look different and are the same fact: no card may set them apart."""

    kind: str
    values: tuple[str, str]
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LabelledStory:
    story: str
    documents: tuple[str, ...]
    items: tuple[Item, ...]
    must_not_flag: tuple[NotAConflict, ...]


def read_labelled(folder: Path) -> list[LabelledStory]:
    """Every <story>.json in `folder`; a file that does not follow the format stops with its name."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder of labelled stories (see benchmarks/real/README.md)")
    stories = []
    for path in sorted(folder.glob("*.json")):
        try:
            stories.append(_story(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path}: not a labelled story ({type(exc).__name__}: {exc}); see benchmarks/real/README.md"
            ) from None
    return stories


def _story(data: dict[str, Any]) -> LabelledStory:
    items = tuple(
        Item(
            str(d["id"]),
            str(d["kind"]),
            str(d.get("fact", "")),
            _importance(d["importance"]),
            tuple(Side(str(s["value"]), tuple(s["documents"]), tuple(s.get("evidence", ()))) for s in d["sides"]),
            bool(d.get("evolving", False)),
        )
        for d in data["discrepancies"]
    )
    pairs = tuple(
        NotAConflict(str(p["kind"]), (str(p["values"][0]), str(p["values"][1])), tuple(p.get("documents", ())))
        for p in data.get("must_not_flag", ())
    )
    return LabelledStory(str(data["story"]), tuple(data.get("documents", ())), items, pairs)


def _importance(value: Any) -> str:
    if value not in IMPORTANCES:
        raise ValueError(f"importance must be one of {', '.join(IMPORTANCES)}, not {value!r}")
    return str(value)


def _plain(text: str) -> str:
    """Lowercase words, number words as digits ("eight days" -> "8 days", "1,000" -> "1000")."""
    words = re.findall(r"\w+", re.sub(r"(?<=\d),(?=\d{3})", "", text.lower()))
    return " ".join(str(WORD_NUMBERS[w]) if w in WORD_NUMBERS else w for w in words)


def _similarity(written: str, value: ConflictValue) -> float:
    """How alike a written value and a conflict's value are, 0-100; containment counts as equal."""
    a = _plain(written)
    best = 0.0
    for b in (_plain(value.value), _plain(value.normalized)):
        if a and b:
            best = max(
                best, 100.0 if a == b else 99.0 if f" {a} " in f" {b} " or f" {b} " in f" {a} " else fuzz.ratio(a, b)
            )
    return best


def _side_of(value: ConflictValue, sides: Sequence[tuple[str, Sequence[str]]]) -> int | None:
    """The side (value, documents) a conflict's value is: the most alike of those whose
    documents state it, if alike enough; of sides alike to it, the one that shares more of its
    documents (a labeller may keep "Tallgrass" and "TallGrass" apart), and none on a tie."""
    scored = sorted(
        (
            (_similarity(written, value), len(set(value.document_ids) & set(docs)), n)
            for n, (written, docs) in enumerate(sides)
            if set(value.document_ids) & set(docs)
        ),
        reverse=True,
    )
    if not scored or scored[0][0] < VALUE_SIMILARITY or (len(scored) > 1 and scored[1][:2] == scored[0][:2]):
        return None
    return scored[0][2]


def _sets_apart(conflict: Conflict, sides: Sequence[tuple[str, Sequence[str]]]) -> bool:
    """Two of the conflict's values are two different sides (value, documents)."""
    return len({n for v in conflict.values if (n := _side_of(v, sides)) is not None}) >= 2


def matches(conflict: Conflict, item: Item) -> bool:
    """The conflict reports the item: a kind that can, and two of its values on two of its sides."""
    kinds = READ_AS.get(item.kind, {item.kind})
    if item.kind != "other" and conflict.kind not in kinds:
        return False
    return _sets_apart(conflict, [(s.value, s.documents) for s in item.sides])


def flags(conflict: Conflict, pair: NotAConflict) -> bool:
    """The conflict sets apart two forms that are one fact."""
    docs = pair.documents or tuple(d for v in conflict.values for d in v.document_ids)
    return _sets_apart(conflict, [(pair.values[0], docs), (pair.values[1], docs)])


@dataclass(frozen=True, slots=True)
class RealScore:
    stories: int
    shown: int  # high/medium conflicts on the labelled stories
    shown_real: int  # of those, the ones that match a labelled item
    items: int  # labelled items of high or medium importance
    found: int  # of those, reported at any severity
    found_shown: int  # of those, reported at high or medium
    must_not_flag: int
    flagged: int  # must-not-flag pairs set apart by a high/medium conflict
    cards: tuple[dict[str, Any], ...]  # every high/medium conflict, with the item it matches
    missed: tuple[dict[str, Any], ...]  # high/medium-importance items not shown at high/medium

    def as_dict(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "stories": self.stories,
            "precision_high_medium": ratio(self.shown_real, self.shown),
            "high_medium_conflicts": self.shown,
            "real_high_medium_conflicts": self.shown_real,
            "items_high_medium_importance": self.items,
            "found_any_severity": self.found,
            "found_high_medium": self.found_shown,
            "recall_any_severity": ratio(self.found, self.items),
            "recall_high_medium": ratio(self.found_shown, self.items),
            "must_not_flag": self.must_not_flag,
            "must_not_flag_hit": self.flagged,
            "cards": list(self.cards),
            "missed": list(self.missed),
        }


def score(labelled: Sequence[LabelledStory], reports: Mapping[str, Report]) -> RealScore:
    """Score the reports of the labelled stories (by story name); stories without a report are left out."""
    shown = shown_real = items = found = found_shown = pairs = flagged = 0
    cards: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    scored = 0
    for story in labelled:
        report = reports.get(story.story)
        if report is None:
            continue
        scored += 1
        loud = [c for c in report.conflicts if c.severity in SHOWN]
        for c in loud:
            item = next((i for i in story.items if matches(c, i)), None)
            shown += 1
            shown_real += item is not None
            cards.append(
                {"story": story.story, "severity": c.severity, "kind": c.kind, "summary": c.summary}
                | {"item": item.id if item else None}
            )
        for item in story.items:
            if item.importance not in SHOWN:
                continue
            items += 1
            hits = [c for c in report.conflicts if matches(c, item)]
            found += bool(hits)
            found_shown += any(c.severity in SHOWN for c in hits)
            if not any(c.severity in SHOWN for c in hits):
                missed.append(
                    {"story": story.story, "item": item.id, "kind": item.kind, "fact": item.fact}
                    | {"reported_low": bool(hits)}
                )
        for pair in story.must_not_flag:
            pairs += 1
            flagged += any(flags(c, pair) for c in loud)
    return RealScore(scored, shown, shown_real, items, found, found_shown, pairs, flagged, tuple(cards), tuple(missed))
