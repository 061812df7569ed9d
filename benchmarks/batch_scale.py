"""`claimcheck batch` over the ECB+ corpus: efficiency against the encoder, warm cache,
resume, scaling to 10x, one 5,000-claim story, peak memory, and Dask against local workers.

Every batch run is the real command in a fresh process (imports, model load and all), timed
from outside, with the resident memory of its whole process tree sampled every 0.2 s.

    .venv/bin/python benchmarks/batch_scale.py                    # everything (about 30 min on 2 cores)
    .venv/bin/python benchmarks/batch_scale.py --stories 10 --copies 2   # quicker look
    .venv/bin/python benchmarks/batch_scale.py --parts dask --jobs 2     # --executor dask vs local --jobs 2

Figures are printed and written to reports/benchmarks.md (the "Batch runs" section) and,
with --json, to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ecbplus"


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def run_batch(args: list[str], label: str) -> dict[str, float]:
    """Run `claimcheck batch ARGS` and return its wall time, peak tree RSS and stage seconds."""
    cli = [str(Path(sys.executable).with_name("claimcheck")), "batch", *args, "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"{label}: claimcheck batch failed ({proc.returncode}):\n{err}")
    out = Path(args[args.index("-o") + 1])
    info = json.loads((out / "run.json").read_text())
    figures = {"wall_s": wall, "peak_rss_mb": peak, "claims": info["totals"]["claims"]}
    figures |= {f"stage_{k}_s": v for k, v in info["stage_seconds"].items()}
    if "workers" in info:  # --executor dask: each worker's stories and peak memory, as it reported them
        figures["workers"] = info["workers"]
    print(
        f"{label}: {wall:.1f} s, {info['totals']['claims']} claims, {info['totals']['done']} checked, "
        f"{info['totals']['unchanged']} unchanged, peak RSS {peak:.0f} MB, stages {info['stage_seconds']}",
        flush=True,
    )
    return figures


def story_texts(stories: list[Path]) -> list[str]:
    """The texts a batch embeds: each story's distinct claim texts, as the pipeline dedups them."""
    from claimcheck.ingest import read_documents
    from claimcheck.pipeline import document_claims

    texts: list[str] = []
    for folder in stories:
        documents, _ = read_documents([folder])
        texts += list(dict.fromkeys(c.text for d in documents for c in document_claims(d)))
    return texts


def encode_only(texts: list[str], model: str, batch_size: int, backend: str | None) -> dict[str, float]:
    """The floor: the same texts, model and batch size, one encode call, model already loaded."""
    from claimcheck.embed import load_embedder

    kwargs = {"backend": backend} if backend else {}
    t0 = time.perf_counter()
    embed = load_embedder(model, batch_size, **kwargs)
    embed(texts[:64])  # first call pays for lazy initialisation, not encoding
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    embed(texts)
    seconds = time.perf_counter() - t0
    print(
        f"encode only ({backend or 'default'}): {len(texts)} texts in {seconds:.1f} s = {len(texts) / seconds:.0f}/s "
        f"(model load {load:.1f} s)",
        flush=True,
    )
    return {"encode_s": seconds, "texts": len(texts), "claims_per_s": len(texts) / seconds, "load_s": load}


def synthetic_story(stories: list[Path], claims: int, dest: Path) -> Path:
    """One story of about `claims` claims: the articles of several ECB+ stories in one folder."""
    from claimcheck.ingest import read_documents
    from claimcheck.pipeline import document_claims

    dest.mkdir(parents=True)
    total = 0
    for folder in stories:
        for f in sorted(folder.iterdir()):
            if f.suffix == ".txt" and total < claims:
                documents, _ = read_documents([f])
                total += sum(len(document_claims(d)) for d in documents)
                shutil.copy(f, dest / f"{folder.name}_{f.name}")
    return dest


def stage_times(story: Path, model: str, backend: str | None) -> dict[str, float]:
    """Each stage of one story on its own, in this process, the model loaded."""
    from claimcheck.cluster import cluster_claims
    from claimcheck.config import CheckConfig
    from claimcheck.conflicts import find_conflicts, story_entities
    from claimcheck.embed import load_embedder
    from claimcheck.ingest import read_documents
    from claimcheck.pipeline import document_claims

    config = CheckConfig(model=model)
    kwargs = {"backend": backend} if backend else {}
    embed = load_embedder(model, config.batch_size, **kwargs)
    times = {}
    t0 = time.perf_counter()
    documents, _ = read_documents([story])
    claims = [c for d in documents for c in document_claims(d)]
    times["read_and_claims_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    vectors = embed([c.text for c in claims])
    times["embed_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    clusters = cluster_claims(claims, vectors, config)
    times["cluster_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    conflicts = find_conflicts(claims, clusters, config)
    times["conflicts_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    story_entities(claims, config)
    times["entities_s"] = time.perf_counter() - t0
    times |= {"claims": len(claims), "clusters": len(clusters), "conflicts": len(conflicts)}
    shown = ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in times.items())
    print(f"synthetic story: {shown}", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--stories", type=int, default=0, help="only the first N stories (0: all)")
    parser.add_argument("--copies", type=int, default=10, help="copies for the scaling run")
    parser.add_argument("--synthetic-claims", type=int, default=5000)
    parser.add_argument("--backend", default=None, help="encoder backend, when claimcheck has more than one")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--parts", default="efficiency,scaling,synthetic", help="which measurements (comma-separated; also: dask)"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-markdown", action="store_true", help="do not update reports/benchmarks.md")
    args = parser.parse_args()

    from claimcheck.config import CheckConfig

    config = CheckConfig()
    stories = sorted(p for p in args.corpus.iterdir() if p.is_dir())
    if args.stories:
        stories = stories[: args.stories]
    work = Path(tempfile.mkdtemp(prefix="claimcheck-batch-bench-"))
    root = work / "root"
    root.mkdir()
    for s in stories:
        (root / s.name).symlink_to(s.resolve())
    common = ["--jobs", str(args.jobs)] + (["--backend", args.backend] if args.backend else [])
    figures: dict[str, object] = {"stories": len(stories), "jobs": args.jobs, "backend": args.backend or "default"}
    try:
        parts = set(args.parts.split(","))
        if "efficiency" in parts:
            texts = story_texts(stories)
            figures["encode_only"] = encode_only(texts, config.model, config.batch_size, args.backend)
            cache = work / "cache"
            figures["first"] = run_batch(
                [str(root), "-o", str(work / "out1"), "--cache-dir", str(cache), *common], "first run (cold cache)"
            )
            figures["second"] = run_batch(
                [str(root), "-o", str(work / "out2"), "--cache-dir", str(cache), *common], "second run (warm cache)"
            )
            figures["resume"] = run_batch(
                [str(root), "-o", str(work / "out2"), "--cache-dir", str(cache), "--resume", *common],
                "--resume, nothing changed",
            )
        if "scaling" in parts:
            many = work / "many"
            for n in range(args.copies):
                (many / f"copy{n:02d}").mkdir(parents=True)
                for s in stories:
                    (many / f"copy{n:02d}" / s.name).symlink_to(s.resolve())
            figures["once_no_cache"] = run_batch(
                [str(root), "-o", str(work / "once"), "--no-cache", *common], "1x, no cache"
            )
            figures["scaled"] = run_batch(
                [str(many), "-o", str(work / "outN"), "--no-cache", *common], f"{args.copies}x, no cache"
            )
        if "synthetic" in parts:
            every = sorted(p for p in args.corpus.iterdir() if p.is_dir())
            big = synthetic_story(stories if args.stories else every, args.synthetic_claims, work / "big" / "big")
            figures["synthetic"] = stage_times(big, config.model, args.backend)
            figures["synthetic_batch"] = run_batch(
                [str(work / "big"), "-o", str(work / "outbig"), "--no-cache", *common], "synthetic story through batch"
            )
        if "dask" in parts:
            figures["dask"] = dask_against_local(root, work, args.jobs, args.backend)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    finish(figures, args, stories)


def dask_against_local(root: Path, work: Path, jobs: int, backend: str | None) -> dict[str, Any]:
    """The same stories with local worker processes and on a Dask LocalCluster of as many
    workers, each with its own cache: cold (model loads and encoding included), then warm
    (the engine's own overhead stands out); and whether the two give the same conflicts."""
    common = ["--jobs", str(jobs)] + (["--backend", backend] if backend else [])
    runs: dict[str, Any] = {}
    for executor in ("local", "dask"):
        cache = work / f"cache-{executor}"
        for warmth in ("cold", "warm"):
            out = work / f"out-{executor}-{warmth}"
            args = [str(root), "-o", str(out), "--cache-dir", str(cache), "--executor", executor, *common]
            runs[f"{executor}_{warmth}"] = run_batch(args, f"{executor} --jobs {jobs}, {warmth} cache")
    same, differ = 0, []
    for report in sorted((work / "out-local-cold").glob("*.json")):
        if report.name == "run.json":
            continue
        local, on_dask = (
            sorted(json.dumps(c, sort_keys=True) for c in json.loads(p.read_text())["conflicts"])
            for p in (report, work / "out-dask-cold" / report.name)
        )
        if local == on_dask:
            same += 1
        else:
            differ.append(report.stem)
    runs["same_conflicts"], runs["different_conflicts"] = same, differ
    print(f"dask against local: {same} stories with the same conflicts, {len(differ)} different {differ}", flush=True)
    return runs


def finish(figures: dict[str, Any], args: argparse.Namespace, stories: list[Path]) -> None:
    lines = [f"- stories {len(stories)}, backend {figures['backend']}, --jobs {args.jobs}"]
    if "first" in figures:
        first, second, resumed = figures["first"], figures["second"], figures["resume"]
        enc = figures["encode_only"]["encode_s"]
        lines += [
            f"- encode only ({figures['encode_only']['texts']} claim texts in one call, model loaded): {enc:.1f} s, "
            f"{figures['encode_only']['claims_per_s']:.0f} claims/s",
            f"- first run, cold cache: {first['wall_s']:.1f} s = {first['wall_s'] / enc:.2f} x encode only "
            f"(target ≤ 1.3); peak RSS {first['peak_rss_mb']:.0f} MB; stages (s) "
            + ", ".join(f"{k[6:-2]} {v:.1f}" for k, v in first.items() if k.startswith("stage_")),
            f"- second run, warm cache: {second['wall_s']:.1f} s = {second['wall_s'] / first['wall_s']:.1%} of the "
            "first (target ≤ 10%)",
            f"- --resume, nothing changed: {resumed['wall_s']:.1f} s (target ≤ 3 s)",
        ]
    if "scaled" in figures:
        once, scaled = figures["once_no_cache"], figures["scaled"]
        lines.append(
            f"- {args.copies}x as separate stories, no cache: {scaled['wall_s']:.1f} s = "
            f"{scaled['wall_s'] / once['wall_s']:.2f} x the 1x run ({once['wall_s']:.1f} s; "
            f"target ≤ {args.copies + 1}); peak RSS {scaled['peak_rss_mb']:.0f} MB (target ≤ 2048)"
        )
    if "synthetic" in figures:
        lines.append(
            "- synthetic story of {claims} claims: clustering {cluster_s:.2f} s, conflicts {conflicts_s:.2f} s, "
            "entities {entities_s:.2f} s, reading and claims {read_and_claims_s:.2f} s, "
            "embedding {embed_s:.1f} s".format(**figures["synthetic"])
            + f"; through batch {figures['synthetic_batch']['wall_s']:.1f} s, "
            f"peak RSS {figures['synthetic_batch']['peak_rss_mb']:.0f} MB"
        )
    if "dask" in figures:
        d = figures["dask"]
        for warmth in ("cold", "warm"):
            local, on_dask = d[f"local_{warmth}"], d[f"dask_{warmth}"]
            workers = ", ".join(f"{w['peak_rss_mb']} MB ({w['stories']} stories)" for w in on_dask["workers"])
            lines.append(
                f"- {warmth} cache: --executor dask {on_dask['wall_s']:.1f} s against local --jobs {args.jobs} "
                f"{local['wall_s']:.1f} s = {on_dask['wall_s'] / local['wall_s']:.2f} x; peak RSS per Dask worker: "
                f"{workers}; whole process tree: dask {on_dask['peak_rss_mb']:.0f} MB, "
                f"local {local['peak_rss_mb']:.0f} MB"
            )
        lines.append(
            f"- same conflicts (order-independent) in {d['same_conflicts']} of "
            f"{d['same_conflicts'] + len(d['different_conflicts'])} stories, cold caches"
            + (f"; different: {', '.join(d['different_conflicts'])}" if d["different_conflicts"] else "")
        )
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if not args.no_markdown:
        write_markdown(lines, args)


def write_markdown(lines: list[str], args: argparse.Namespace) -> None:
    path = ROOT / "reports" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nFigures measured by the scripts in `benchmarks/`.\n"
    command = " ".join(["python benchmarks/batch_scale.py", *sys.argv[1:]])
    # one section per way of running it, replaced when run the same way again
    shown = " ".join(a for a in sys.argv[1:] if not a.endswith(".json") and a != "--json")
    begin, end = f"<!-- batch_scale.py {shown}: begin -->", f"<!-- batch_scale.py {shown}: end -->"
    block = "\n".join(
        [
            begin,
            f"## Batch runs ({shown or 'all figures'})",
            "",
            f"`{command}` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores:",
            "",
            *lines,
            end,
        ]
    )
    if begin in text:
        head, _, rest = text.partition(begin)
        text = head + block + rest.partition(end)[2]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
