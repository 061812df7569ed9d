"""`batch --executor dask` on a real LocalCluster of two worker processes on loopback."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from claimcheck.batch import BatchRun, StoryResult, run_batch
from claimcheck.cli import app
from claimcheck.config import CheckConfig
from claimcheck.errors import ClusterError
from tests.conftest import SEEDS, CountingEmbedder, hashing_embedder, write
from tests.test_batch import three_stories

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402 - after the skip: dask is an optional extra

import claimcheck.batch.dask  # noqa: E402
import claimcheck.version  # noqa: E402

RESULT_FIELDS = ("status", "reason", "documents", "claims", "conflicts", "by_severity", "files", "slug")


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    # as `--executor dask` makes its own: a story whose worker dies twice is failed, not retried on
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        )
    yield local
    local.close()


class SlowEmbedder:
    """The hashing embedder, slow enough that a story is still running when its worker is killed."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(0.4)
        return hashing_embedder(texts)


class PoisonEmbedder:
    """Kills its worker process whenever it meets a poisoned claim, as running out of memory would."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if any("poison" in t for t in texts):
            os._exit(1)
        return hashing_embedder(texts)


LOADS: list[str] = []  # in each worker process: the models its load_embedder was asked for


def count_loads() -> None:
    """Run on each worker: its load_embedder hands out the hashing embedder and counts calls."""
    import claimcheck.embed

    def load(model: str, batch_size: int = 64, backend: str = "onnx") -> object:
        LOADS.append(model)
        return hashing_embedder

    claimcheck.embed.load_embedder = load  # type: ignore[assignment]


def loads() -> int:
    return len(LOADS)


def eight_stories(root: Path) -> Path:
    """Eight two-article stories, each with one number conflict: more stories than worker threads."""
    for n in range(8):
        write(root / f"story{n}", "a.txt", f"The council approved {n + 10} new homes for the town on Monday.\n")
        write(root / f"story{n}", "b.txt", f"The council approved {n + 20} new homes for the town on Monday.\n")
    return root


def on(cluster: distributed.LocalCluster, root: Path, out: Path, config: CheckConfig, **options: Any) -> BatchRun:
    return run_batch(root, out, config, executor="dask", scheduler=cluster.scheduler_address, **options)


def results(run: BatchRun) -> dict[str, dict[str, object]]:
    return {r.name: {f: getattr(r, f) for f in RESULT_FIELDS} for r in run.stories}


def test_dask_gives_the_local_executors_outputs(
    tmp_path: Path, config: CheckConfig, cluster: distributed.LocalCluster
) -> None:
    root = three_stories(tmp_path / "root")  # one story holds a binary file, one a hostile name
    write(root / "talks", "b.meta.json", '{"source": "Daily Planet"}')  # a sidecar's metadata travels too
    local = run_batch(root, tmp_path / "local", config, embedder=CountingEmbedder())
    heard: list[str] = []
    on_dask = on(cluster, root, tmp_path / "dask", config, embedder=CountingEmbedder(), on_cluster=heard.append)
    assert results(on_dask) == results(local) and len(local.stories) == 3
    assert {r.status for r in local.stories} == {"done"}
    for report in sorted((tmp_path / "local").glob("*.*")):
        if report.name not in ("run.json", "index.html"):  # these two hold timings
            assert (tmp_path / "dask" / report.name).read_bytes() == report.read_bytes(), report.name
    assert "Daily Planet" in (tmp_path / "dask" / "talks.html").read_text()

    info = json.loads((tmp_path / "dask" / "run.json").read_text())
    assert info["executor"] == "dask" and info["scheduler"] == cluster.scheduler_address and info["jobs"] is None
    assert len(info["workers"]) == 2 and sum(w["stories"] for w in info["workers"]) == 3
    assert all(w["peak_rss_mb"] > 0 for w in info["workers"])
    assert "2 workers" in heard[0]
    assert not list((tmp_path / "dask").glob(".*.tmp"))


def test_each_worker_loads_the_model_once(
    tmp_path: Path, config: CheckConfig, cluster: distributed.LocalCluster
) -> None:
    root = eight_stories(tmp_path / "root")
    client = distributed.Client(cluster)
    client.run(count_loads)
    before = client.run(loads)
    run = on(cluster, root, tmp_path / "out", config)
    after = client.run(loads)
    client.close()
    assert {r.status for r in run.stories} == {"done"}
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    stories = {w["address"]: w["stories"] for w in info["workers"]}
    # one load per worker that checked stories, however many it checked
    assert {a: after[a] - before[a] for a in after} == {a: int(stories.get(a, 0) > 0) for a in after}
    assert sum(stories.values()) == 8 and max(stories.values()) > 1


def test_a_killed_worker_loses_no_story(tmp_path: Path, config: CheckConfig, cluster: distributed.LocalCluster) -> None:
    root = eight_stories(tmp_path / "root")
    client = distributed.Client(cluster)
    killed: list[str] = []

    def kill_a_busy_worker(result: StoryResult, done: int, total: int) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(busy[0])

    run = on(cluster, root, tmp_path / "out", config, embedder=SlowEmbedder(), on_story=kill_a_busy_worker)
    client.close()
    assert killed
    assert len(run.stories) == 8 and {r.status for r in run.stories} == {"done"}, [r.reason for r in run.stories]
    for r in run.stories:
        assert (tmp_path / "out" / f"{r.slug}.html").is_file() and r.conflicts == 1
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert info["complete"] and info["totals"]["done"] == 8
    gone = [w for w in info["workers"] if w["address"] == killed[0]]  # listed only if it finished a story
    # its replacement may still be starting when the run ends, so only the survivor is sure to report
    assert all(w["peak_rss_mb"] is None for w in gone) and any(w["peak_rss_mb"] for w in info["workers"])


def test_a_story_that_kills_its_worker_twice_is_recorded(
    tmp_path: Path, config: CheckConfig, cluster: distributed.LocalCluster
) -> None:
    root = tmp_path / "root"
    write(root / "poisoned", "a.txt", "The poison was found in the river near the old mill on Monday.\n")
    write(root / "poisoned", "b.txt", "The poison was found in the river near the new mill on Monday.\n")
    write(root / "fine", "a.txt", "The mayor opened the new bridge over the river on Tuesday morning.\n")
    write(root / "fine", "b.txt", "The mayor opened the new bridge over the river on Wednesday morning.\n")
    run = on(cluster, root, tmp_path / "out", config, embedder=PoisonEmbedder())
    stories = {r.name: r for r in run.stories}
    assert stories["fine"].status == "done"
    assert stories["poisoned"].status == "failed" and "worker died" in stories["poisoned"].reason
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert info["totals"]["failed"] == 1 and not (tmp_path / "out" / "poisoned.html").exists()


def test_cli_dask_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    root = three_stories(tmp_path / "root")
    out = str(tmp_path / "out")
    result = runner.invoke(app, ["batch", str(root), "-o", out, "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--executor dask" in result.stderr
    args = ["batch", str(root), "-o", out, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"]
    result = runner.invoke(app, [*args, "--jobs", "2"])
    assert result.exit_code == 2 and "--jobs" in result.stderr
    monkeypatch.setattr(claimcheck.batch.dask, "CONNECT_TIMEOUT", "1s")
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "no Dask scheduler answered" in result.stderr


@pytest.mark.slow
def test_dask_with_the_bundled_model_matches_local(tmp_path: Path) -> None:
    """End to end through the CLI: a local cluster that each worker loads the real model into."""
    root = tmp_path / "root"
    for name in ("seeds", "seeds-but-one"):
        for f in sorted(SEEDS.glob("*.txt"))[: 5 if name == "seeds" else 4]:
            write(root / name, f.name, f.read_text(encoding="utf-8"))
    runner = CliRunner()
    for executor, out in (("local", "local"), ("dask", "dask")):
        args = ["batch", str(root), "-o", str(tmp_path / out), "-q", "--cache-dir", str(tmp_path / f"cache-{out}")]
        result = runner.invoke(app, [*args, "--executor", executor, *(["--jobs", "2"] if executor == "dask" else [])])
        assert result.exit_code == 0, result.stderr
    for name in ("seeds", "seeds-but-one"):
        local = json.loads((tmp_path / "local" / f"{name}.json").read_text())
        on_dask = json.loads((tmp_path / "dask" / f"{name}.json").read_text())
        assert on_dask["conflicts"] == local["conflicts"] and local["conflicts"]
    info = json.loads((tmp_path / "dask" / "run.json").read_text())
    assert info["executor"] == "dask" and len(info["workers"]) == 2


def test_without_dask_the_message_says_what_to_install(
    tmp_path: Path, config: CheckConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    monkeypatch.delitem(sys.modules, "claimcheck.batch.dask")
    with pytest.raises(ClusterError, match=r"pip install 'claimcheck\[dask\]'"):
        run_batch(three_stories(tmp_path / "root"), tmp_path / "out", config, executor="dask")


def test_workers_with_another_claimcheck_are_refused(
    tmp_path: Path, config: CheckConfig, cluster: distributed.LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claimcheck.version, "__version__", "9.9.9")  # this client is newer than its workers
    with pytest.raises(ClusterError, match="another claimcheck"):
        on(cluster, three_stories(tmp_path / "root"), tmp_path / "out", config, embedder=CountingEmbedder())


def awkward_stories(root: Path) -> Path:
    """Stories holding what ingest must read or report: front matter, a sidecar, a .jsonl with a
    bad line, a binary file, a link that loops and one that points nowhere."""
    story = root / "summit"
    front = "---\ntitle: Leaders meet\nsource: Wire\npublished: 2025-11-01\n---\n"
    write(story, "a.txt", front + "Admiral Dong Jun said the talks in Malaysia went well for both sides.\n")
    write(story, "b.txt", "Admiral Dong Un said the talks in Malaysia went well for both sides.\n")
    write(story, "b.meta.json", json.dumps({"source": "Daily Planet", "published": "2025-11-02"}))
    lines = [
        json.dumps({"text": "Defense Minister Dong Jun met his counterpart for talks in Malaysia.", "source": "Post"})
    ]
    write(story, "more.jsonl", "\n".join([*lines, "{not json"]) + "\n")
    write(story, "photo.txt", b"\x00\x01\x02\x03 binary")
    (story / "loop.txt").symlink_to("loop.txt")
    (story / "gone.txt").symlink_to("missing.txt")
    write(root / "quake", "a.txt", "The earthquake killed 12 people in the northern province on Sunday.\n")
    write(root / "quake", "b.txt", "The earthquake killed 21 people in the northern province on Sunday.\n")
    return root


def test_scan_and_every_executor_find_the_same(
    tmp_path: Path, config: CheckConfig, cluster: distributed.LocalCluster
) -> None:
    from claimcheck import scan
    from claimcheck.report import to_dict

    root = awkward_stories(tmp_path / "root")
    runs = {
        "jobs 1": run_batch(root, tmp_path / "one", config, embedder=CountingEmbedder()),
        "jobs 2": run_batch(root, tmp_path / "two", config, embedder=CountingEmbedder(), jobs=2),
        "dask": on(cluster, root, tmp_path / "dask", config, embedder=CountingEmbedder()),
    }
    for name in ("summit", "quake"):
        scanned = to_dict(scan([root / name], config, embedder=hashing_embedder))
        for how, out in (("jobs 1", "one"), ("jobs 2", "two"), ("dask", "dask")):
            batched = json.loads((tmp_path / out / f"{name}.json").read_text())
            for part in ("documents", "problems", "conflicts", "entities", "stats", "story"):
                assert batched[part] == scanned[part], (name, how, part)
    summit = scan([root / "summit"], config, embedder=hashing_embedder)
    said = {p.path: p.message for p in summit.problems}
    assert "loop" in said["loop.txt"] and "does not exist" in said["gone.txt"] and "binary" in said["photo.txt"]
    assert "more.jsonl#2" in said and {d.id for d in summit.documents} == {"a.txt", "b.txt", "more.jsonl#1"}
    meta = {d.id: (d.title, d.source, str(d.published)) for d in summit.documents}
    assert meta["a.txt"] == ("Leaders meet", "Wire", "2025-11-01") and meta["b.txt"][1:] == (
        "Daily Planet",
        "2025-11-02",
    )
    assert any(c.kind == "person_name" for c in summit.conflicts)
    # run.json accounts for every file the same way whichever executor ran the story
    assert results(runs["jobs 1"]) == results(runs["jobs 2"]) == results(runs["dask"])
    accounts = {f.path: f for f in next(r for r in runs["dask"].stories if r.name == "summit").files}
    assert accounts["more.jsonl"].read == 1 and [p.path for p in accounts["more.jsonl"].problems] == ["more.jsonl#2"]
    assert accounts["gone.txt"].read == 0 and accounts["gone.txt"].problems
