"""Query latency, ANN recall and cold start on a large claim index.

Builds (once; reused after) an index of about --claims claims from the ECB+ stories: the
corpus itself, then copies of every story whose sentences are varied so no two copies
embed alike (each copy shifts every digit by its number, swaps some common news verbs
for synonyms, and ends each sentence with an attribution no other copy gives it), every
copy split, valued and embedded like any article.

Then, with the model loaded and the query's embedding excluded, it times `query_claim`
(search, fetch, verdicts) over --queries claims sampled from the corpus, approximate and
exact; compares approximate and exact top-10 (recall@10); times the query embedding on
its own; and times `claimcheck query --db` as a fresh process (cold start).

    .venv/bin/python benchmarks/query_scale.py                     # 200,000 claims
    .venv/bin/python benchmarks/query_scale.py --claims 20000      # quicker look
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from claimcheck.config import CheckConfig, default_cache_dir
from claimcheck.embed import embed_texts, load_embedder
from claimcheck.index import ClaimIndex
from claimcheck.ingest import read_documents
from claimcheck.pipeline import document_claims
from claimcheck.query import query_claim
from claimcheck.store import EmbeddingCache, document_key
from claimcheck.types import Document

SWAPS = [
    ("said", "stated"),
    ("killed", "left dead"),
    ("announced", "declared"),
    ("arrested", "detained"),
    ("according to", "citing"),
    ("police", "officers"),
    ("officials", "authorities"),
    ("reported", "said"),
]


ATTRIBUTIONS = [
    "officials said",
    "according to local media",
    "a spokesman said",
    "reports said",
    "witnesses said",
    "the agency reported",
    "sources told reporters",
    "it was reported",
    "a statement said",
    "according to the police",
    "a report said",
    "authorities confirmed",
    "local television reported",
    "one official said",
    "the newspaper reported",
    "an aide said",
    "according to a source",
    "a witness told reporters",
    "the network reported",
    "a source said",
    "officials confirmed",
    "the report added",
    "according to officials",
    "news agencies reported",
]


def vary(text: str, copy: int, position: int) -> str:
    """One sentence told a little differently by copy `copy`: other figures and dates, other
    verbs, and an attribution that no other copy gives this sentence."""
    if copy == 0:
        return text
    text = re.sub(r"\d", lambda m: str((int(m.group()) + copy) % 10), text)
    for n, (a, b) in enumerate(SWAPS):
        if (copy >> (n % 4)) & 1:
            text = re.sub(rf"\b{a}\b", b, text)
    # 7 and 24 share no factor, so up to 24 copies give each sentence different attributions
    attribution = ATTRIBUTIONS[(7 * copy + position) % len(ATTRIBUTIONS)]
    return text.rstrip(".!?") + f", {attribution}."


def build(db: Path, corpus: Path, target: int, config: CheckConfig) -> None:
    stories = sorted(p for p in corpus.iterdir() if p.is_dir())
    originals = {s.name: read_documents([s])[0] for s in stories}
    claims_of = {d.id: document_claims(d) for docs in originals.values() for d in docs}
    per_copy = sum(len(c) for c in claims_of.values())
    copies = max(1, round(target / per_copy))
    print(f"building {db}: {len(stories)} stories x {copies} copies (about {per_copy:.0f} claims per copy)", flush=True)
    embedder = load_embedder(config.model, config.batch_size)
    cache = EmbeddingCache(config.cache_dir or default_cache_dir())
    started = time.perf_counter()
    with ClaimIndex(db, ann_min_claims=config.ann_min_claims) as index:
        for copy in range(copies):
            for name, docs in originals.items():
                # each copy of an article is its claims, varied, one per line
                varied = [
                    replace(d, text="\n".join(vary(c.text, copy, i) for i, c in enumerate(claims_of[d.id])))
                    for d in docs
                ]
                claims = [document_claims(d) for d in varied]
                texts = [c.text for cs in claims for c in cs]
                vectors = embed_texts(texts, embedder, config.model, cache)
                entries = [(d, document_key(d), cs) for d, cs in zip(varied, claims, strict=True)]
                index.put_documents(f"{name}~{copy}", str(corpus / name), entries, vectors, config.model)
            done = index.count()
            rate = done / (time.perf_counter() - started)
            print(f"  copy {copy + 1}/{copies}: {done} claims, {rate:.0f} claims/s", flush=True)
            if done >= target:
                break
        t = time.perf_counter()
        index.refresh_ann()
        print(f"  approximate index built in {time.perf_counter() - t:.1f} s", flush=True)
    cache.close()


def percentiles(ms: list[float]) -> str:
    q = np.percentile(ms, [50, 95, 99])
    return f"p50 {q[0]:.1f} ms, p95 {q[1]:.1f} ms, p99 {q[2]:.1f} ms, mean {statistics.fmean(ms):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus/ecbplus"))
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/claimcheck-bench/claims.db"))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--ann-min-claims", type=int, default=CheckConfig().ann_min_claims)
    args = parser.parse_args()
    config = CheckConfig(cache_dir=default_cache_dir(), ann_min_claims=args.ann_min_claims)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if not args.db.exists() or ClaimIndex(args.db).count() < args.claims * 0.9:
        args.db.unlink(missing_ok=True)
        build(args.db, args.corpus, args.claims, config)

    embedder = load_embedder(config.model, config.batch_size)
    rng = random.Random(0)
    docs: list[Document] = [d for s in sorted(args.corpus.iterdir()) if s.is_dir() for d in read_documents([s])[0]]
    texts = [c.text for d in rng.sample(docs, min(len(docs), args.queries)) for c in document_claims(d)[:1]]
    embed_ms = []
    for text in texts[:100]:
        t = time.perf_counter()
        embedder([text])
        embed_ms.append((time.perf_counter() - t) * 1000)
    vectors = {t: v for t, v in zip(texts, embedder(texts), strict=True)}

    def lookup(batch: list[str]) -> np.ndarray:
        return np.stack([vectors[t] for t in batch])

    figures: dict[str, object] = {"queries": len(texts), "embed_ms": percentiles(embed_ms)}
    for label, ann_min in (("approximate", config.ann_min_claims), ("exact", 10**9)):
        with ClaimIndex(args.db, ann_min_claims=ann_min) as index:
            t = time.perf_counter()
            first = query_claim(texts[0], index, config, embedder=lookup)  # loads the ANN file or the matrix
            load_s = time.perf_counter() - t
            ms = []
            for text in texts:
                t = time.perf_counter()
                answer = query_claim(text, index, config, embedder=lookup)
                ms.append((time.perf_counter() - t) * 1000)
            figures[label] = {
                "claims": first.searched,
                "search": answer.search,
                "first_query_s": round(load_s, 2),
                "latency": percentiles(ms),
            }
    with (
        ClaimIndex(args.db, ann_min_claims=config.ann_min_claims) as ann_index,
        ClaimIndex(args.db, ann_min_claims=10**9) as exact_index,
    ):
        # Copies of a sentence with no digit and no swapped verb are identical, so exact search
        # has ties at its 10th place that it breaks arbitrarily: a hit counts when it is as
        # close as exact search's 10th (the usual convention); matching ids are shown too.
        recall, by_id = [], []
        for text in texts:
            ann = ann_index.search(vectors[text], 10)[0]
            exact = exact_index.search(vectors[text], 10)[0]
            tenth = exact[-1][1]
            recall.append(sum(s >= tenth - 1e-5 for _, s in ann) / len(exact))
            by_id.append(len({i for i, _ in ann} & {i for i, _ in exact}) / len(exact))
        figures["recall_at_10"] = round(statistics.fmean(recall), 4)
        figures["recall_at_10_min"] = round(min(recall), 2)
        figures["recall_at_10_same_ids"] = round(statistics.fmean(by_id), 4)
        rows = exact_index._db.execute("select count(*), count(distinct text) from claims").fetchone()
        figures["distinct_claim_texts"] = f"{rows[1]} of {rows[0]}"
    cold = []
    for text in texts[:3]:
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "claimcheck", "query", text, "--db", str(args.db), "-f", "json"],
            check=True,
            capture_output=True,
        )
        cold.append(time.perf_counter() - t)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import claimcheck.cli"], check=True)
    figures["cold_start_s"] = {
        "claimcheck_query": [round(c, 2) for c in cold],
        "import_cli": round(time.perf_counter() - t, 2),
    }
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from claimcheck.embed import load_embedder; load_embedder('all-MiniLM-L6-v2')"],
        check=True,
    )
    figures["cold_start_s"]["model_load_process"] = round(time.perf_counter() - t, 2)  # type: ignore[index]
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
