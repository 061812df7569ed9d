"""Measure detection on a corpus of stories: noise on untouched stories, recall on injected
discrepancies, false flags the injections cause. One process, the model loaded once."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.config import CheckConfig
from claimcheck.conflicts import listed as listed_conflicts
from claimcheck.conflicts.severity import load_model
from claimcheck.embed import Embedder
from claimcheck.fitting import FitData, Row
from claimcheck.ingest import read_documents
from claimcheck.inject import INJECTION_KINDS, Injection, Mentions, inject_story
from claimcheck.labelled import SHOWN, LabelledStory, flags, matches, score
from claimcheck.pipeline import check_documents, read_story
from claimcheck.store import open_cache
from claimcheck.stories import discover_stories
from claimcheck.types import SEVERITIES, Conflict, Document, Report

# the conflict kinds in the seed story that the scan issue requires, and look-alikes it must not flag
SEED_EXPECTED = {
    "person_name": {"dong jun", "dong un"},
    "title": {"defense secretary", "war secretary"},
}
SEED_NOT_CONFLICTS = [("kuala lumpur", "malaysia"), ("xi jinping", "xi"), ("admiral dong jun", "dong jun")]


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    documents: tuple[Document, ...]
    mentions: Mentions


@dataclass
class Evaluation:
    kinds: tuple[str, ...]
    seed: int
    per_kind: int
    seeds_row: dict[str, Any] = field(default_factory=dict)
    noise: dict[str, int] = field(default_factory=dict)  # story -> high/medium conflicts untouched
    noise_examples: dict[str, list[str]] = field(default_factory=dict)
    listed: dict[str, int] = field(default_factory=dict)  # story -> cards listed untouched, any severity
    copies: list[dict[str, Any]] = field(default_factory=list)  # one per injected copy
    real: dict[str, Any] = field(default_factory=dict)  # the score on hand-labelled stories (labelled.py)
    rows: list[Row] = field(default_factory=list)  # every conflict seen, for fitting the severity model
    refit: dict[str, Any] = field(default_factory=dict)  # a model refitted on this evaluation, and its figures
    labelled: tuple[LabelledStory, ...] = ()
    severity_model: Path | None = None  # the model that graded the cards; None: claimcheck's own

    def fit_data(self) -> FitData:
        scored = {s.story for s in self.labelled} & set(self.noise)
        return FitData(
            tuple(self.rows),
            tuple((c["story"], c["kind"]) for c in self.copies),
            {
                s.story: tuple(i.id for i in s.items if i.importance in SHOWN)
                for s in self.labelled
                if s.story in scored
            },
            {s.story: len(s.must_not_flag) for s in self.labelled if s.story in scored},
        )

    def recall(self, kind: str | None = None, shown: bool = False) -> tuple[int, int]:
        """Injected copies caught, at any severity or (`shown`) at high/medium, of those made."""
        rows = [c for c in self.copies if kind is None or c["kind"] == kind]
        return sum(c["hit_shown" if shown else "hit"] for c in rows), len(rows)

    def false_flags_per_copy(self) -> float:
        return sum(c["false_flags"] for c in self.copies) / len(self.copies) if self.copies else 0.0

    def summary(self) -> dict[str, Any]:
        noise = sorted(self.noise.values())
        return {
            "seed": self.seed,
            "injections_per_kind_per_story": self.per_kind,
            "stories": len(self.noise),
            "copies": len(self.copies),
            "recall": {k: _ratio(*self.recall(k)) for k in self.kinds} | {"overall": _ratio(*self.recall())},
            "recall_high_medium": {k: _ratio(*self.recall(k, shown=True)) for k in self.kinds}
            | {"overall": _ratio(*self.recall(shown=True))},
            "injected": {k: self.recall(k)[1] for k in self.kinds},
            "false_flags_per_copy": round(self.false_flags_per_copy(), 3),
            "noise_median": statistics.median(noise) if noise else 0,
            "noise_p90": float(np.percentile(noise, 90)) if noise else 0,
            "listed_mean": round(statistics.mean(self.listed.values()), 1) if self.listed else 0,
            "listed_median": statistics.median(self.listed.values()) if self.listed else 0,
            "seeds": self.seeds_row,
            "real": {k: v for k, v in self.real.items() if k not in ("cards", "missed")},
        }


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def load_corpus(
    root: Path, stories: int | None = None, only: Sequence[str] = (), config: CheckConfig | None = None
) -> list[Story]:
    """The corpus's stories, found as batch finds them; ECB+'s mentions.jsonl at the root is
    used when present."""
    found, _ = discover_stories(root)  # files beside the stories (mentions.jsonl) are no articles
    if only:
        found = [s for s in found if s.name in only]
    if stories is not None:
        found = found[:stories]
    mentions = _read_mentions(root / "mentions.jsonl", {s.name for s in found})
    out = []
    for story in found:
        documents = read_story(story, config or CheckConfig()).documents
        by_stem = mentions.get(story.name, {})
        out.append(Story(story.name, documents, {d.id: by_stem.get(Path(d.id).stem, []) for d in documents}))
    return out


def _read_mentions(path: Path, stories: set[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    found: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                m = json.loads(line)
                if m["story_id"] in stories:
                    found[m["story_id"]][m["doc_id"]].append(m)
    return found


def evaluate(
    stories: Sequence[Story],
    config: CheckConfig,
    embedder: Embedder,
    *,
    kinds: Sequence[str] = INJECTION_KINDS,
    per_kind: int = 5,
    seed: int = 0,
    seeds_folder: Path | None = None,
    labelled: Sequence[LabelledStory] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> Evaluation:
    """Noise and injection recall over `stories`; and, for those of them that `labelled`
    holds, the score of their untouched reports against the labels."""
    step = progress or (lambda stage, done, total: None)
    # Every conflict is a row to fit the severity model on, those under the floor too (a
    # refit moves them); what is scored is what a user is shown, the floor applied.
    floor = config.min_confidence
    config = replace(config, min_confidence=0.0)
    result = Evaluation(tuple(kinds), seed, per_kind, labelled=tuple(labelled), severity_model=config.severity_model)
    wanted = {s.story: s for s in labelled}
    untouched: dict[str, Report] = {}
    memo_embedder = _memoized(embedder)
    with open_cache(config) as cache:  # unchanged articles are split and embedded once

        def check(documents: Sequence[Document]) -> Report:
            return check_documents(documents, config, embedder=memo_embedder, cache=cache)

        if seeds_folder is not None and seeds_folder.is_dir():
            seed_documents, _ = read_documents([seeds_folder])
            result.seeds_row = seed_checks(listed(check(seed_documents), floor))
        for n, story in enumerate(stories, 1):
            step("stories", n, len(stories))
            everything = check(story.documents)
            baseline = listed(everything, floor)
            if story.id in wanted:
                untouched[story.id] = baseline
            result.rows += untouched_rows(story.id, everything, wanted.get(story.id))
            loud = [c for c in baseline.conflicts if c.severity in ("high", "medium")]
            result.noise[story.id] = len(loud)
            result.listed[story.id] = len(baseline.conflicts)
            result.noise_examples[story.id] = [f"[{c.severity}] {c.kind}: {c.summary}" for c in loud[:10]]
            known = {conflict_key(c) for c in everything.conflicts}
            for documents, injection in inject_story(story.id, story.documents, story.mentions, kinds, per_kind, seed):
                full = check(documents)
                result.rows += injected_rows(story.id, full, known, injection, len(result.copies))
                report = listed(full, floor)
                result.copies.append(
                    {
                        "story": story.id,
                        "kind": injection.kind,
                        "document": injection.document_id,
                        "original": injection.original,
                        "replacement": injection.replacement,
                        "hit": is_hit(report, injection),
                        "hit_shown": is_hit(report, injection, SHOWN),
                        "false_flags": len(false_flags(report, known, injection)),
                    }
                )
    if labelled:
        result.real = score(labelled, untouched).as_dict()
    return result


def listed(report: Report, floor: float) -> Report:
    """The report as a user is shown it: what pipeline.analyse lists at `floor`."""
    return replace(report, conflicts=listed_conflicts(report.conflicts, floor))


def untouched_rows(story: str, report: Report, labels: LabelledStory | None) -> list[Row]:
    """The story's own conflicts: real where they report a labelled item, else taken as not."""
    rows = []
    for c in report.conflicts:
        if labels is None:
            rows.append(Row(story, "untouched", False, c.kind, dict(c.signals)))
            continue
        items = [i for i in labels.items if matches(c, i)]
        flagged = tuple(n for n, pair in enumerate(labels.must_not_flag) if flags(c, pair))
        reported = tuple(i.id for i in items if i.importance in SHOWN)
        rows.append(Row(story, "labelled", bool(items), c.kind, dict(c.signals), items=reported, flags=flagged))
    return rows


def injected_rows(
    story: str, report: Report, known: set[tuple[str, frozenset[str]]], injection: Injection, copy: int
) -> list[Row]:
    """What an injected copy adds: the injection caught (real), or a card elsewhere (not)."""
    rows = []
    for c in report.conflicts:
        # a catch is a row even when the untouched story has a card with the same values
        # ("negated" against "affirmed" is every polarity card's pair)
        if _catches(c, injection):
            rows.append(Row(story, "injected", True, c.kind, dict(c.signals), copy=copy))
        elif conflict_key(c) not in known and not _touches(c, injection):
            rows.append(Row(story, "false_flag", False, c.kind, dict(c.signals), copy=copy))
    return rows


def _memoized(embedder: Embedder) -> Embedder:
    seen: dict[str, np.ndarray] = {}

    def embed(texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in seen]
        if missing:
            seen.update(zip(missing, embedder(missing), strict=True))
        return np.stack([seen[t] for t in texts])

    return embed


def conflict_key(conflict: Conflict) -> tuple[str, frozenset[str]]:
    return conflict.kind, frozenset(v.normalized for v in conflict.values)


def _touches(conflict: Conflict, injection: Injection) -> set[int]:
    """Indexes of the conflict's values whose evidence overlaps the injected span."""
    return {
        n
        for n, v in enumerate(conflict.values)
        for e in v.evidence
        if e.document_id == injection.document_id and e.value_start < injection.end and injection.start < e.value_end
    }


def is_hit(report: Report, injection: Injection, severities: Collection[str] = SEVERITIES) -> bool:
    """A conflict of the right kind, at one of `severities`, sets the injected value against a
    value other articles use."""
    return any(c.severity in severities and _catches(c, injection) for c in report.conflicts)


# A misspelt name is caught whether the parse read it as a person's or an organisation's: the
# injector misspells a name it finds linked as a person's or, failing that, any capitalised
# name several articles share ("Internet Explorer", "TallGrass")
CAUGHT_AS = {"person_name": {"person_name", "organisation"}}


def _catches(conflict: Conflict, injection: Injection) -> bool:
    if conflict.kind not in CAUGHT_AS.get(injection.kind, {injection.kind}):
        return False
    touched = _touches(conflict, injection)
    return bool(touched) and any(
        n not in touched and set(v.document_ids) - {injection.document_id} for n, v in enumerate(conflict.values)
    )


def false_flags(report: Report, known: set[tuple[str, frozenset[str]]], injection: Injection) -> list[Conflict]:
    """New high/medium conflicts that the untouched story did not have and that do not involve the injection."""
    return [
        c
        for c in report.conflicts
        if c.severity in ("high", "medium") and conflict_key(c) not in known and not _touches(c, injection)
    ]


def seed_checks(report: Report) -> dict[str, Any]:
    """The scan issue's acceptance checks on fixtures/seeds, as one table row."""
    sets = [(c.kind, {v.normalized for v in c.values}) for c in report.conflicts]
    found = {
        kind: any(k == kind and expected <= values for k, values in sets) for kind, expected in SEED_EXPECTED.items()
    }
    found["role_holder"] = any(k == "role_holder" and any("biden" in v for v in values) for k, values in sets)
    wrong = [f"{a} / {b}" for a, b in SEED_NOT_CONFLICTS if any({a, b} <= values for _, values in sets)]
    loud = sum(c.severity in ("high", "medium") for c in report.conflicts)
    return {"found": found, "wrongly_flagged": wrong, "high_medium": loud, "low": len(report.conflicts) - loud}


def render_markdown(evaluation: Evaluation, command: str) -> str:
    s = evaluation.summary()
    lines = [
        "# Detection quality",
        "",
        f"Measured with `{command}` (seed {s['seed']}, "
        f"up to {s['injections_per_kind_per_story']} injections of each kind per story).",
        "",
        "| check | result |",
        "| --- | --- |",
    ]
    if s["seeds"]:
        seeds = s["seeds"]
        found = ", ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in seeds["found"].items())
        wrong = ", ".join(seeds["wrongly_flagged"]) or "none"
        lines.append(
            f"| seed fixtures | found: {found}; wrongly flagged: {wrong}; "
            f"high/medium conflicts: {seeds['high_medium']}; low: {seeds.get('low', '?')} |"
        )
    lines += [
        f"| stories scanned | {s['stories']} |",
        f"| injected copies | {s['copies']} |",
        f"| recall, overall | {_pct(s['recall']['overall'])}; "
        f"at high/medium {_pct(s['recall_high_medium']['overall'])} |",
    ]
    for kind in evaluation.kinds:
        hits, total = evaluation.recall(kind)
        shown, _ = evaluation.recall(kind, shown=True)
        lines.append(
            f"| recall, {kind} | {_pct(s['recall'][kind])} ({hits}/{total}); "
            f"at high/medium {_pct(s['recall_high_medium'][kind])} ({shown}/{total}) |"
        )
    lines += [
        f"| false flags per injected copy | {s['false_flags_per_copy']:.3f} |",
        f"| noise: high/medium conflicts per untouched story, median | {s['noise_median']} |",
        f"| noise: 90th percentile | {s['noise_p90']:.1f} |",
        f"| cards listed per untouched story, any severity: mean / median | "
        f"{s['listed_mean']} / {s['listed_median']} |",
        "",
    ]
    if evaluation.real:
        r = evaluation.real
        lines += [
            "## Real discrepancies (hand-labelled stories)",
            "",
            f"{r['stories']} labelled stories, their untouched reports scored against the labels "
            "(the labels and their rules: `benchmarks/real/README.md`).",
            "",
            "| what an editor reads first | result |",
            "| --- | --- |",
            f"| precision at high/medium: high/medium conflicts that are a labelled discrepancy | "
            f"{_pct(r['precision_high_medium'])} ({r['real_high_medium_conflicts']}/{r['high_medium_conflicts']}) |",
            f"| recall of high/medium-importance discrepancies, at any severity | {_pct(r['recall_any_severity'])} "
            f"({r['found_any_severity']}/{r['items_high_medium_importance']}) |",
            f"| recall of high/medium-importance discrepancies, at high/medium | {_pct(r['recall_high_medium'])} "
            f"({r['found_high_medium']}/{r['items_high_medium_importance']}) |",
            "| must-not-flag pairs set apart by a high/medium conflict | "
            f"{r['must_not_flag_hit']} of {r['must_not_flag']} |",
            "",
        ]
    model = load_model(evaluation.severity_model)
    used = str(evaluation.severity_model) if evaluation.severity_model else "claimcheck/data/severity.json"
    lines += _held_out_table(f"Severity model: `{used}`, on stories held out of its fit", model.fitted)
    if evaluation.refit:
        lines += _held_out_table(
            f"Severity model refitted on this evaluation: `{evaluation.refit['path']}`", evaluation.refit
        )
    return "\n".join(lines) + "\n"


def _held_out_table(title: str, fitted: Mapping[str, Any]) -> list[str]:
    """A model's figures on stories its fit did not see (fitting.py): what the card grades earn
    on news nobody tuned to, as near as one corpus can say."""
    h = fitted.get("held_out")
    if not isinstance(h, dict):
        return [
            f"## {title}",
            "",
            "No held-out figures: the model was not fitted by `claimcheck eval --fit-severity`.",
            "",
        ]
    injections = h["injections_high_medium"]
    per_kind = ", ".join(f"{k} {_pct(v)}" for k, v in injections.items() if k != "overall")
    rows = h["rows"]
    return [
        f"## {title}",
        "",
        f"{h['folds']} folds by story; fitted on {sum(rows.values())} conflicts "
        f"({rows['injected']} injected, {rows['false_flag']} false flags, {rows['labelled']} labelled, "
        f"{rows['untouched']} untouched). Command: `{fitted.get('command', 'n/a')}`.",
        "",
        "| held out | result |",
        "| --- | --- |",
        f"| precision at high/medium, labelled stories | {_pct(h['precision_high_medium'])} "
        f"(of {h['high_medium_conflicts']} cards) |",
        f"| recall of high/medium-importance discrepancies, at high/medium | {_pct(h['recall_high_medium'])} |",
        f"| must-not-flag pairs set apart at high/medium | {h['must_not_flag_hit']} of {h['must_not_flag']} |",
        *(
            [f"| a real labelled card ranked above a false one (ROC AUC) | {_pct(h['ranking_labelled'])} |"]
            if "ranking_labelled" in h
            else []
        ),
        f"| injection recall at high/medium | {_pct(injections['overall'])} ({per_kind}) |",
        f"| noise per untouched story, median / 90th percentile | {h['noise_median']} / {h['noise_p90']:.1f} |",
        f"| false flags per injected copy | {_pct(h['false_flags_per_copy'])} |",
        "",
    ]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def write_results(evaluation: Evaluation, out_dir: Path, command: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "quality.md"
    js = out_dir / "quality.json"
    md.write_text(render_markdown(evaluation, command), encoding="utf-8")
    data = {
        "summary": evaluation.summary(),
        "real": evaluation.real,
        "noise": evaluation.noise,
        "noise_examples": evaluation.noise_examples,
        "copies": evaluation.copies,
    }
    js.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return md, js


def parse_kinds(raw: Iterable[str]) -> tuple[str, ...]:
    """The --types option: repeatable, comma-separated, empty for all."""
    kinds = tuple(k.strip() for part in raw for k in part.split(",") if k.strip())
    unknown = [k for k in kinds if k not in INJECTION_KINDS]
    if unknown:
        raise ValueError(f"unknown injection type(s) {', '.join(unknown)}; choose from {', '.join(INJECTION_KINDS)}")
    return kinds or INJECTION_KINDS
