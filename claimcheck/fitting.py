"""Fit the severity model (conflicts/severity.py) on what `claimcheck eval` saw, and measure it
on stories it was not fitted on.

Every conflict of an evaluation is a row: its signals, and whether it is real.
- injected: a conflict an injected copy adds that sets the injected value against the
  others (real);
- false_flag: one an injected copy adds elsewhere (not real);
- labelled: a conflict of a hand-labelled story's untouched report, real when it reports
  one of the story's labelled discrepancies;
- untouched: a conflict of any other untouched story. Real coverage mostly agrees, so these
  count as not real; some are, which makes the fit cautious rather than wrong.

A logistic regression (scikit-learn) gives each row a probability; the medium threshold is
the lowest at which the labelled rows' precision reaches PRECISION_MEDIUM with no more than
NOISE_P90 cards shown in nine stories of ten, the high one the lowest that reaches
PRECISION_HIGH. Held-out figures come from folds by story: each story's rows are graded by
a model (and thresholds) fitted without that story.
"""

from __future__ import annotations

import gzip
import json
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.conflicts.severity import SeverityModel

PRECISION_MEDIUM = 0.8  # what an editor reads first must be real
PRECISION_HIGH = 0.9
NOISE_P90 = 2  # high/medium cards on an untouched story, nine stories in ten
# A hand label is surer than "untouched, so probably not real"; injections are made by one
# program and look like one another, so they teach the kinds no label covers (titles, role
# holders, negations) without outvoting the labels. Of weights 3 or 10 for labels and 1 or
# 0.3 for injections, these gave ECB+'s labelled stories the best held-out precision over
# five shufflings of the folds (0.67, against 0.47 to 0.57).
LABELLED_WEIGHT = 3.0
INJECTED_WEIGHT = 0.3
WEIGHTS = {"labelled": LABELLED_WEIGHT, "injected": INJECTED_WEIGHT}
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Row:
    story: str
    origin: str  # injected, false_flag, labelled or untouched
    real: bool
    kind: str
    signals: Mapping[str, float]
    copy: int = -1  # the injected copy (an index into Evaluation.copies) for injected and false_flag rows
    items: tuple[str, ...] = ()  # the high/medium-importance labelled items it reports
    flags: tuple[int, ...] = ()  # the story's must-not-flag pairs it sets apart

    @property
    def untouched(self) -> bool:
        return self.origin in ("labelled", "untouched")


@dataclass(frozen=True, slots=True)
class FitData:
    rows: tuple[Row, ...]
    copies: tuple[tuple[str, str], ...]  # (story, injected kind) per injected copy
    items: Mapping[str, tuple[str, ...]]  # labelled story -> its high/medium-importance items
    must_not_flag: Mapping[str, int]  # labelled story -> how many pairs


def features(rows: Sequence[Row]) -> list[str]:
    """The signals every row has, in a fixed order; "held_low" is a rule, not evidence."""
    return sorted({k for r in rows for k in r.signals} - {"held_low"})


def _matrix(rows: Sequence[Row], names: Sequence[str]) -> np.ndarray:
    return np.array([[r.signals.get(n, 0.0) for n in names] for r in rows], dtype=float)


def fit_model(train: Sequence[Row], fitted: Mapping[str, Any] | None = None) -> SeverityModel:
    from sklearn.linear_model import LogisticRegression

    rows = [r for r in train if not r.signals.get("held_low")]
    names = features(rows)
    x = _matrix(rows, names)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    y = np.array([r.real for r in rows], dtype=int)
    weight = np.array([WEIGHTS.get(r.origin, 1.0) for r in rows])
    lr = LogisticRegression(C=0.5, max_iter=2000)
    lr.fit((x - means) / scales, y, sample_weight=weight)
    model = SeverityModel(
        tuple(names),
        tuple(round(float(w), 6) for w in lr.coef_[0]),
        round(float(lr.intercept_[0]), 6),
        tuple(round(float(m), 6) for m in means),
        tuple(round(float(s), 6) for s in scales),
        1.0,
        1.0,
        dict(fitted or {}),
    )
    probabilities = [model.probability(r.signals) for r in train]
    medium, high = _thresholds(train, probabilities)
    return replace(model, high=round(high, 4), medium=round(medium, 4))


def _thresholds(rows: Sequence[Row], probabilities: Sequence[float]) -> tuple[float, float]:
    labelled = [(p, r.real) for r, p in zip(rows, probabilities, strict=True) if r.origin == "labelled"]
    per_story: dict[str, list[float]] = defaultdict(list)
    for r, p in zip(rows, probabilities, strict=True):
        if r.untouched and not r.signals.get("held_low"):
            per_story[r.story].append(p)
    candidates = sorted({round(p, 2) for p, _ in labelled} | {0.99})

    def precision(t: float) -> float:
        shown = [real for p, real in labelled if round(p, 2) >= t]
        return (sum(shown) + 1) / (len(shown) + 2)  # Laplace: three of three is no proof

    def noise_ok(t: float) -> bool:
        counts = [sum(round(p, 2) >= t for p in ps) for ps in per_story.values()] or [0]
        return float(np.percentile(counts, 90)) <= NOISE_P90

    medium = next(
        (t for t in candidates if precision(t) >= PRECISION_MEDIUM and noise_ok(t)),
        max(candidates, key=lambda t: (precision(t), -t)),
    )
    high = next((t for t in candidates if t >= medium and precision(t) >= PRECISION_HIGH), max(medium, 0.99))
    return medium, high


def held_out(data: FitData, folds: int = FOLDS) -> dict[str, Any]:
    """Grade each story's rows with a model fitted on the other folds' stories; the figures
    `claimcheck eval` reports, on those grades."""
    stories = sorted({r.story for r in data.rows} | {s for s, _ in data.copies})
    # labelled stories are spread over the folds first, so that each fold is judged on some
    labelled = [s for s in stories if s in data.items]
    others = [s for s in stories if s not in data.items]
    fold_of = {s: n % folds for n, s in enumerate(labelled + others)}
    shown: list[tuple[Row, bool]] = []
    ranked: list[tuple[float, bool]] = []  # (probability, real) of the labelled cards the model grades
    for fold in range(folds):
        train = [r for r in data.rows if fold_of[r.story] != fold]
        test = [r for r in data.rows if fold_of[r.story] == fold]
        model = fit_model(train)
        for r in test:
            p = round(model.probability(r.signals), 2)
            shown.append((r, not r.signals.get("held_low") and model.severity(p) != "low"))
            if r.origin == "labelled" and not r.signals.get("held_low"):
                ranked.append((p, r.real))
    figures = score(data, shown, folds)
    # How often a real labelled card is ranked above a false one (ROC AUC): steadier than a
    # precision over the handful of cards that pass a threshold.
    if len({real for _, real in ranked}) == 2:
        from sklearn.metrics import roc_auc_score

        figures["ranking_labelled"] = round(float(roc_auc_score([r for _, r in ranked], [p for p, _ in ranked])), 3)
    return figures


def score(data: FitData, graded: Sequence[tuple[Row, bool]], folds: int | None = None) -> dict[str, Any]:
    """The figures of one grading: (row, shown at high/medium) for every row."""
    labelled = [(r, s) for r, s in graded if r.origin == "labelled"]
    shown_labelled = [r for r, s in labelled if s]
    found = {i for r, s in labelled if s for i in r.items}
    items = sum(len(v) for v in data.items.values())
    flagged = {(r.story, f) for r, s in labelled if s for f in r.flags}
    hits: set[int] = {r.copy for r, s in graded if s and r.origin == "injected"}
    per_kind: dict[str, list[bool]] = defaultdict(list)
    for n, (_story, kind) in enumerate(data.copies):
        per_kind[kind].append(n in hits)
    noise: dict[str, int] = dict.fromkeys({r.story for r, _ in graded if r.untouched}, 0)
    for r, s in graded:
        if r.untouched and s:
            noise[r.story] += 1
    false_flags = sum(s for r, s in graded if r.origin == "false_flag")

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 3) if b else None

    counts = sorted(noise.values()) or [0]
    return {
        "folds": folds,
        "precision_high_medium": ratio(sum(r.real for r in shown_labelled), len(shown_labelled)),
        "high_medium_conflicts": len(shown_labelled),
        "recall_high_medium": ratio(len(found), items),
        "must_not_flag_hit": len(flagged),
        "must_not_flag": sum(data.must_not_flag.values()),
        "injections_high_medium": {k: ratio(sum(v), len(v)) for k, v in sorted(per_kind.items())}
        | {"overall": ratio(len(hits), len(data.copies))},
        "noise_median": statistics.median(counts),
        "noise_p90": float(np.percentile(counts, 90)),
        "false_flags_per_copy": ratio(false_flags, len(data.copies)),
        "rows": {o: sum(r.origin == o for r, _ in graded) for o in ("injected", "false_flag", "labelled", "untouched")},
    }


def fit(data: FitData, command: str, folds: int = FOLDS) -> tuple[SeverityModel, dict[str, Any]]:
    """The model fitted on every row, with the held-out figures it is shipped with."""
    figures = held_out(data, folds)
    model = fit_model(data.rows, {"command": command, "held_out": figures})
    return model, figures


def write_rows(data: FitData, path: Path) -> None:
    """Gzipped JSON lines, one per row, then one with the copies and labelled items: `read_rows`
    reads it back."""
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in data.rows:
            fh.write(json.dumps(asdict(r) | {"signals": dict(r.signals)}) + "\n")
        meta = {"copies": data.copies, "items": dict(data.items), "must_not_flag": dict(data.must_not_flag)}
        fh.write(json.dumps({"meta": meta}) + "\n")


def read_rows(path: Path) -> FitData:
    rows, meta = [], {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if "meta" in d:
                meta = d["meta"]
                continue
            rows.append(Row(**d | {"items": tuple(d["items"]), "flags": tuple(d["flags"])}))
    return FitData(
        tuple(rows),
        tuple((s, k) for s, k in meta["copies"]),
        {s: tuple(v) for s, v in meta["items"].items()},
        dict(meta["must_not_flag"]),
    )
