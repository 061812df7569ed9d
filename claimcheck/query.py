"""A fact-checker's question: one claim against a folder of stories or a claim index.

Stories are found as batch finds them (stories) and go through the pipeline's stages 1-3
(read, claims with values, embedding, each with its cache) into the index; a queried claim
gets its values the same way, its nearest claims are fetched, and each is read against it
(conflicts.compare_claims) into a verdict per source.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from claimcheck.config import CheckConfig
from claimcheck.conflicts import compare_claims, person_link
from claimcheck.embed import Embedder, LazyEmbedder
from claimcheck.errors import InputError
from claimcheck.index import ClaimIndex
from claimcheck.nlp import parse
from claimcheck.pipeline import Progress, claims_for, embed_claims, no_articles, read_story
from claimcheck.store import document_key, open_cache
from claimcheck.stories import stories_in
from claimcheck.types import VERDICTS, Answer, Claim, Document, Match, Problem, SourceAnswer
from claimcheck.values import extract_values

log = logging.getLogger(__name__)

# differences about people hold whatever else the sentences say: a name is spelled, a
# title given, an office filled the same way in every sentence of a source
PEOPLE_KINDS = frozenset({"person_name", "title", "role_holder"})
MATCHES_PER_SOURCE = 3  # shown
CLAIMS_PER_SOURCE = 5  # read, besides those naming the query's people


@dataclass(frozen=True, slots=True)
class Added:
    """What `index add` did with one story."""

    story: str
    added: int  # documents new to the index
    replaced: int  # documents whose text changed: their claims were replaced
    unchanged: int
    claims: int  # claims written
    problems: tuple[Problem, ...]
    missing: tuple[str, ...]  # documents indexed earlier that the folder no longer has


def add_to_index(
    index: ClaimIndex,
    paths: Sequence[str | Path],
    config: CheckConfig,
    *,
    embedder: Embedder | None = None,
    story: str | None = None,
    progress: Progress | None = None,
) -> list[Added]:
    """Index every story under `paths`; documents already indexed with the same content are kept."""
    step = progress or (lambda stage, done, total: None)
    index.check_model(config.model)  # before any work: a refused model wastes nothing
    embed = LazyEmbedder(config, embedder)
    results = []
    with open_cache(config) as cache:
        stories, beside = stories_in(paths, story)
        for n, found in enumerate(stories, 1):
            step(f"indexing {found.name}", n - 1, len(stories))
            source = read_story(found, config)
            documents, problems = source.documents, list(source.problems)
            if found.folder is not None:  # name the file, not just its id in the story
                problems = [replace(p, path=str(found.folder / p.path)) for p in problems]
            if n == 1:
                problems = beside + problems
            known = index.document_hashes(found.name)
            changed = [(d, document_key(d)) for d in documents if known.get(d.id) != document_key(d)]
            claims = claims_for([d for d, _ in changed], cache)
            per_document = [tuple(c for c in claims if c.document_id == d.id) for d, _ in changed]
            vectors = embed_claims(claims, embed, config, cache)
            if changed:
                index.put_documents(
                    found.name,
                    str(found.folder.resolve()) if found.folder is not None else ", ".join(map(str, found.files)),
                    [(d, key, cs) for (d, key), cs in zip(changed, per_document, strict=True)],
                    vectors,
                    config.model,
                )
            present = {d.id for d in documents}
            results.append(
                Added(
                    found.name,
                    sum(d.id not in known for d, _ in changed),
                    sum(d.id in known for d, _ in changed),
                    len(documents) - len(changed),
                    len(claims),
                    tuple(problems),
                    tuple(sorted(set(known) - present)),
                )
            )
        step("approximate index", len(stories), len(stories))
        index.refresh_ann()  # now, so the first query does not pay for it
    return results


def query_claim(
    text: str,
    index: ClaimIndex,
    config: CheckConfig,
    *,
    embedder: Embedder | None = None,
    story: str | None = None,
    top: int = 20,
) -> Answer:
    """Each source's verdict on `text`: supports, conflicts (on which value) or related."""
    text = " ".join(text.split())
    if not text:
        raise InputError("the claim is empty; pass the sentence to check, in quotes")
    if index.model is None:
        raise InputError(f"{index.path} holds no claims yet; add stories with `claimcheck index add FOLDER`")
    index.check_model(config.model)
    if story is not None and story not in {s.name for s in index.stories()}:
        raise InputError(f"no story '{story}' in {index.path}; `claimcheck index ls` lists them")
    query = extract_values(
        Claim("query:0", "query", text, (0, len(text))), Document("query", "query", text), parse([text])[0]
    )
    embed = embedder or LazyEmbedder(config)
    started = time.perf_counter()
    vector = embed([text])[0]
    embedded = time.perf_counter()
    hits, how, searched = index.search(vector, max(50, top * 10), story)
    # The closest sources, each with its closest few claims: enough to find what a source
    # says of the claim, and a bounded number of claims to read whatever the index's size.
    document_of = index.documents_of(cid for cid, _ in hits)
    per_document: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for cid, similarity in hits:  # closest first
        per_document[document_of[cid]].append((cid, similarity))
    nearest = list(per_document)[: top * 2]
    found = dict(pair for d in nearest for pair in per_document[d][:CLAIMS_PER_SOURCE])
    # Claims naming the query's people in those sources: a source's title for a person
    # decides a title question even in a sentence that is otherwise about something else.
    people = [v.normalized for v in query.values if v.kind == "person"]
    if people and nearest:
        extra = sorted(
            {cid for cid, name in index.people_in(nearest) if cid not in found and _names_one(people, name, config)}
        )
        if extra:
            found.update(zip(extra, (index.vectors(extra) @ vector).tolist(), strict=True))
    stored = index.fetch(found)
    per_source: dict[tuple[str, str], list[Match]] = defaultdict(list)
    documents: dict[tuple[str, str], Document] = {}
    for cid, similarity in found.items():
        s = stored.get(cid)
        if s is None:
            continue  # removed by another process since the search
        match = judge(query, s.claim, similarity, config)
        if match is not None:
            per_source[(s.story, s.document.id)].append(match)
            documents[(s.story, s.document.id)] = s.document
    sources = []
    for key, matches in per_source.items():
        # one conflicting sentence is enough: a source that states the value both ways conflicts
        verdict = next(v for v in ("conflicts", "supports", "related") if any(m.verdict == v for m in matches))
        matches.sort(key=lambda m: (m.verdict != verdict, VERDICTS.index(m.verdict), -m.similarity))
        sources.append(SourceAnswer(key[0], documents[key], verdict, tuple(matches[:MATCHES_PER_SOURCE])))
    sources.sort(key=lambda s: (VERDICTS.index(s.verdict), -s.matches[0].similarity, s.story, s.document.id))
    done = time.perf_counter()
    stats = {
        "embed_ms": round((embedded - started) * 1000, 2),
        "search_ms": round((done - embedded) * 1000, 2),
        "closest": round(max((s for _, s in hits), default=0.0), 4),
    }
    return Answer(query, tuple(sources[:top]), config.model, searched, how, stats)


def _names_one(people: list[str], name: str, config: CheckConfig) -> bool:
    return any(person_link(p, name, config) for p in people)


def judge(query: Claim, claim: Claim, similarity: float, config: CheckConfig) -> Match | None:
    """Read one claim against the query; None when it is not about the same thing at all."""
    comparisons = [
        c
        for c in compare_claims(query, claim, config)
        # A dissimilar sentence still speaks for how it names and titles the query's people.
        # Other values are only aligned in sentences alike enough, and a difference needs more
        # likeness than an agreement: two sentences that merely share a topic often give two
        # places or dates for two events (as in scan, where such pairings are low severity).
        if c.kind in PEOPLE_KINDS
        or similarity >= (config.cluster_threshold if c.agrees else config.corroborated_similarity)
    ]
    if not comparisons and similarity < config.related_similarity:
        return None
    differing = [c for c in comparisons if not c.agrees and c.aligned]
    elsewhere = [c for c in comparisons if not c.agrees and not c.aligned]  # another fact of that kind
    agreeing = [c for c in comparisons if c.agrees]
    if differing:
        verdict = "conflicts"
    elif elsewhere:
        verdict = "related"  # it states another fact of the same kind, which neither backs nor denies this one
    elif any(c.kind != "person_name" for c in agreeing) or similarity >= config.strong_similarity:
        verdict = "supports"
    else:
        verdict = "related"  # the same person or topic, and nothing the query states is restated
    ordered = tuple(differing + agreeing)
    return Match(verdict, claim, round(similarity, 4), ordered)


def query_folder(
    text: str,
    paths: Sequence[str | Path],
    config: CheckConfig,
    *,
    embedder: Embedder | None = None,
    top: int = 20,
    progress: Progress | None = None,
) -> tuple[Answer, list[Added]]:
    """Ad hoc: index the folder in memory (vectors come from the embedding cache), then query."""
    embed = LazyEmbedder(config, embedder)
    with ClaimIndex(":memory:") as index:
        added = add_to_index(index, paths, config, embedder=embed, progress=progress)
        if index.model is None:
            raise InputError(no_articles([p for a in added for p in a.problems], list(paths)))
        answer = query_claim(text, index, config, embedder=embed, top=top)
    return replace(answer, stats=answer.stats | {"indexed": sum(a.claims for a in added)}), added
