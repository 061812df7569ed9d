"""A conflict as shown: its sides counted in sources, then graded.

The grade comes from evidence, not from the kind of value: a logistic model over the
conflict's signals (how alike its sentences are, whether the parse put both values in one
slot, how many sources stand on each side, which check found it, ...) gives the probability
that the card is a real discrepancy; that probability is the card's confidence, and two
thresholds on it give high and medium. The coefficients and thresholds are fitted on
evaluation data (`claimcheck eval CORPUS --fit-severity FILE`, see fitting.py) and ship as
data/severity.json; a refitted file is used with `--severity-model FILE`.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from importlib.resources import files
from pathlib import Path

from claimcheck.config import CheckConfig
from claimcheck.conflicts.describe import describe, shared_words
from claimcheck.conflicts.draft import LIST_VALUES, Draft
from claimcheck.errors import InputError
from claimcheck.types import CONFLICT_KINDS, Conflict, ConflictValue

# Signals a check may leave out; the model reads a missing one as 0.
CHECK_SIGNALS = (
    "similarity",
    "best_similarity",
    "slot_agreement",
    "stated_elsewhere",
    "pairings",
    "strong",
    "list_of_facts",
    "spelling_only",
    "name_similarity",
    "different_offices",
    "number_log_ratio",
    "date_year_gap",
    "years_only",
)


@dataclass(frozen=True, slots=True)
class SeverityModel:
    """Logistic regression over standardised signals, and the probabilities from which a card
    is shown at high and at medium."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    high: float
    medium: float
    fitted: Mapping[str, object]  # what it was fitted on, and its held-out figures

    def probability(self, signals: Mapping[str, float]) -> float:
        z = self.intercept + sum(
            w * (signals.get(f, 0.0) - m) / s
            for f, w, m, s in zip(self.features, self.weights, self.means, self.scales, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def severity(self, probability: float) -> str:
        return "high" if probability >= self.high else "medium" if probability >= self.medium else "low"

    def as_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "intercept": self.intercept,
            "means": list(self.means),
            "scales": list(self.scales),
            "thresholds": {"high": self.high, "medium": self.medium},
            "fitted": dict(self.fitted),
        }


def read_model(text: str, where: str) -> SeverityModel:
    try:
        data = json.loads(text)
        model = SeverityModel(
            tuple(str(f) for f in data["features"]),
            tuple(float(w) for w in data["weights"]),
            float(data["intercept"]),
            tuple(float(m) for m in data["means"]),
            tuple(float(s) or 1.0 for s in data["scales"]),
            float(data["thresholds"]["high"]),
            float(data["thresholds"]["medium"]),
            dict(data.get("fitted", {})),
        )
        if not len(model.features) == len(model.weights) == len(model.means) == len(model.scales):
            raise ValueError("features, weights, means and scales differ in length")
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{where}: not a severity model ({type(exc).__name__}: {exc}); "
            "refit one with `claimcheck eval CORPUS --fit-severity FILE`"
        ) from None
    return model


@functools.cache
def load_model(path: Path | None = None) -> SeverityModel:
    """The model at `path`, or the one that ships with claimcheck."""
    if path is None:
        return read_model(files("claimcheck").joinpath("data/severity.json").read_text(encoding="utf-8"), "severity")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the severity model ({exc.__class__.__name__}); check the path") from None
    return read_model(text, str(path))


def signals_of(draft: Draft, values: Sequence[ConflictValue]) -> dict[str, float]:
    """Everything the model may weigh about one card: the check's own signals and which
    check found it. Not how many sources stand on each side: every injected discrepancy the
    model learns from is one source against the rest, so a count would teach the injector's
    signature ("a lone outlier is real"), where real news as often has two or three sources
    repeating one wire's error; held out on the labelled stories, the fit ranks real cards
    better without them (`fitting.py`)."""
    signals = {f"kind_{k}": float(draft.kind == k) for k in CONFLICT_KINDS}
    signals |= {s: 0.0 for s in CHECK_SIGNALS} | dict(draft.signals)
    signals |= {"story_wide": float(draft.cluster_id is None), "extra_sides": float(len(values) - 2)}
    signals["log_pairings"] = math.log1p(signals.pop("pairings"))
    # two sentences about one fact share words besides the value ("the quake struck Qeshm")
    signals["log_shared_words"] = math.log1p(len(shared_words(values)))
    signals |= _gap(draft.kind, values[0].normalized, values[1].normalized)
    return signals


def _gap(kind: str, x: str, y: str) -> dict[str, float]:
    """How far apart the two leading values are: one figure misreported is near its
    counterpart (5.9 / 6.1, 31,000 / 26,000) more often than two figures of different facts
    are; years that differ by decades are seldom one date told two ways."""
    if kind == "number":
        try:
            a, b = abs(float(x)), abs(float(y))
        except ValueError:
            return {}
        if a == 0 or b == 0:
            return {"number_log_ratio": 3.0}
        return {"number_log_ratio": min(3.0, abs(math.log10(a / b)))}
    if kind == "date" and x[:4].isdigit() and y[:4].isdigit():
        return {"date_year_gap": min(10, abs(int(x[:4]) - int(y[:4]))) / 10, "years_only": float(len(x) == len(y) == 4)}
    return {}


def settle(draft: Draft, headlines: set[tuple[str, int]], config: CheckConfig) -> Conflict:
    """What every card holds, whichever check found it: each side counted in sources, a source
    on two sides counted on neither (a source that contradicts itself is no disagreement
    between sources: alone, it is an internal inconsistency, shown low), a severity and
    confidence from the model, never above low on a headline's word alone, and a summary
    that names the fact disputed."""
    docs = [set(v.document_ids) for v in draft.values]
    both = sorted({d for n, a in enumerate(docs) for d in a if any(d in b for m, b in enumerate(docs) if m != n)})
    if draft.cluster_id is None and draft.kind != "title":
        # Story-wide checks compare how each source names and casts one person: a source
        # that writes two forms is an outlier in its rarer ones ("Dong Un" where every other
        # source writes "Dong Jun") and is counted there, not with the majority. Not so for
        # titles: a source that calls one person both "President" and "Senator" knows both
        # (held together, or one after the other) and sides with neither.
        commonest = {d: min((v for v in draft.values if d in v.document_ids), key=_by_sources) for d in both}
        own = [_without(v, [d for d in both if commonest[d] is v]) for v in draft.values]
    else:
        own = [_without(v, both) for v in draft.values]
    internal = sum(bool(v.document_ids) for v in own) < 2
    values = list(draft.values) if internal else sorted((v for v in own if v.document_ids), key=_by_sources)
    headline_only = any(all((e.document_id, e.start) in headlines for e in v.evidence) for v in values)
    signals = signals_of(draft, values)
    model = load_model(config.severity_model)
    confidence = round(model.probability(signals), 2)
    # not a disagreement between sources' articles, or not one fact: never shown first,
    # whatever the model says. Nor is a time of day: no injected or labelled card the model
    # was fitted on held one, so its probability is not calibrated for them, and a story's
    # times are often of several events ("struck at 7:48 a.m." against "the first quake
    # struck at 4:43 a.m.")
    time_of_day = draft.kind == "date" and draft.subject.startswith("time")
    held_low = internal or headline_only or len(values) > LIST_VALUES or time_of_day
    severity = "low" if held_low else model.severity(confidence)
    signals["held_low"] = float(held_low)
    summary = describe(draft.kind, draft.subject, values, both, internal)
    return Conflict(
        "",
        draft.kind,
        severity,
        confidence,
        summary,
        draft.subject,
        tuple(values),
        draft.cluster_id,
        tuple((k, round(v, 4)) for k, v in signals.items()),
    )


def _without(value: ConflictValue, documents: Sequence[str]) -> ConflictValue:
    keep = tuple(d for d in value.document_ids if d not in documents)
    return replace(value, document_ids=keep, evidence=tuple(e for e in value.evidence if e.document_id in keep))


def _by_sources(value: ConflictValue) -> tuple[int, str]:
    return -len(value.document_ids), value.normalized
