from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pandas as pd  # noqa: TID253 - tests may import it at module level
import pytest
from typer.testing import CliRunner

import claimcheck.batch.summary
from claimcheck import pipeline
from claimcheck.cli import app
from claimcheck.stories import discover_stories
from tests.conftest import CountingEmbedder, write

runner = CliRunner()
HOSTILE = "<script>alert(1)</script>"


def three_stories(root: Path) -> Path:
    """Two stories with a conflict each (one nested a level down), one with a broken file."""
    write(root / "talks", "a.txt", "Admiral Dong Jun said the talks in Malaysia went well for both sides.\n")
    write(root / "talks", "b.txt", "Admiral Dong Un said the talks in Malaysia went well for both sides.\n")
    write(root / "talks", "c.txt", "Defense Minister Dong Jun met his counterpart for talks in Malaysia.\n")
    write(
        root / "desk" / "quake",
        "a.txt",
        "Quake hits the northern province\n\nThe earthquake killed 12 people in the northern province on Sunday.\n",
    )
    write(root / "desk" / "quake", "b.txt", "The earthquake killed 21 people in the northern province on Sunday.\n")
    write(root / HOSTILE, "a.txt", "The council approved the new budget for the city library on Monday.\n")
    write(root / HOSTILE, "b.txt", "The council approved the new budget for the city library on Monday evening.\n")
    write(root / HOSTILE, "broken.txt", b"\x00\x01\x02 not text")
    write(root, "README.pdf", "not an article\n")
    return root


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["batch", *args])
    return result.exit_code, result.stderr


def test_batch_writes_every_output(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    root, out = three_stories(tmp_path / "root"), tmp_path / "out"
    code, err = run(str(root), "-o", str(out))
    assert code == 0, err
    assert "broken.txt" in err and "README.pdf" in err  # every file that is not read is named
    info = json.loads((out / "run.json").read_text())
    assert info["format"] == "claimcheck-batch-1" and info["complete"]
    assert info["totals"]["done"] == 3 and info["model"] and info["versions"]["claimcheck"]
    stories = {s["name"]: s for s in info["stories"]}
    assert set(stories) == {"talks", "desk/quake", HOSTILE}
    # every input file is accounted for: read into a story, or said why not
    accounted = {f"{name}/{f['path']}" for name, s in stories.items() for f in s["files"]}
    accounted |= {u["path"] for u in info["unassigned"]}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert accounted == on_disk
    broken = next(f for f in stories[HOSTILE]["files"] if f["path"] == "broken.txt")
    assert broken["read"] == 0 and "binary" in broken["problems"][0]["message"]

    for s in stories.values():
        report = json.loads((out / f"{s['slug']}.json").read_text())
        assert report["stats"]["conflicts"] == s["conflicts"]
        assert (out / f"{s['slug']}.html").read_text().startswith("<!doctype html>")
    assert stories["desk/quake"]["slug"] == "desk__quake"
    assert stories["talks"]["conflicts"] >= 1 and stories["desk/quake"]["conflicts"] >= 1
    assert all(sum(s["by_severity"].values()) == s["conflicts"] for s in stories.values())

    table = pd.read_csv(out / "conflicts.csv")
    parquet = pd.read_parquet(out / "conflicts.parquet")
    assert len(table) == len(parquet) == sum(len(pd.read_csv(out / f"{s['slug']}.csv")) for s in stories.values())
    assert set(parquet["story"]) == {"talks", "desk/quake"}
    assert {"12", "21"} <= set(parquet.loc[parquet["kind"] == "number", "value"].str.split().str[0])

    index = (out / "index.html").read_text()
    assert 'href="desk__quake.html"' in index and 'href="talks.html"' in index
    assert '<div class="headline">Quake hits the northern province</div>' in index  # a headline line is the title
    assert HOSTILE not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    # the worst story comes first
    assert index.index("desk/quake") < index.index("&lt;script&gt;")
    assert not list(out.glob(".*.tmp"))


def test_interrupted_run_resumes_where_it_stopped(
    tmp_path: Path, fake_model: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = three_stories(tmp_path / "root"), tmp_path / "out"
    real_finish = pipeline.finish_story
    finished: list[str] = []

    def finish_then_ctrl_c(prepared, *args):  # type: ignore[no-untyped-def]
        if finished:
            raise KeyboardInterrupt
        finished.append(prepared.source.story.name)
        return real_finish(prepared, *args)

    monkeypatch.setattr(pipeline, "finish_story", finish_then_ctrl_c)
    code, err = run(str(root), "-o", str(out), "--jobs", "1")  # in this process, where the patch is
    assert code == 130 and "--resume" in err
    info = json.loads((out / "run.json").read_text())
    assert not info["complete"]
    statuses = {s["name"]: s["status"] for s in info["stories"]}
    assert sorted(statuses.values()) == ["done", "interrupted", "interrupted"]
    assert not list(out.glob(".*.tmp"))  # nothing half-written
    done = finished[0]

    monkeypatch.setattr(pipeline, "finish_story", real_finish)
    prepared: list[str] = []
    real_prepare = pipeline.prepare_story
    monkeypatch.setattr(
        pipeline,
        "prepare_story",
        lambda story, config: prepared.append(story.name) or real_prepare(story, config),
    )
    code, err = run(str(root), "-o", str(out), "--resume", "--jobs", "1")
    assert code == 0, err
    assert done not in prepared and len(prepared) == 2  # only what the interrupted run left
    info = json.loads((out / "run.json").read_text())
    assert info["complete"] and {s["status"] for s in info["stories"]} == {"done", "unchanged"}
    assert len(pd.read_parquet(out / "conflicts.parquet")) == len(pd.read_csv(out / "conflicts.csv")) > 0

    # nothing changed: nothing is checked; a changed file: only its story is
    prepared.clear()
    assert run(str(root), "-o", str(out), "--resume", "--jobs", "1")[0] == 0 and prepared == []
    write(root / "talks", "c.txt", "Defense Minister Dong Jun met his counterpart for talks in Vietnam.\n")
    assert run(str(root), "-o", str(out), "--resume", "--jobs", "1")[0] == 0 and prepared == ["talks"]


def test_a_failing_story_is_recorded_and_the_run_goes_on(
    tmp_path: Path, fake_model: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = three_stories(tmp_path / "root"), tmp_path / "out"
    write(root / "empty", "blank.txt", "")
    real_analyse = pipeline.analyse

    def crash_on_quake(documents, claims, *args):  # type: ignore[no-untyped-def]
        if "earthquake" in documents[0].text:
            raise RuntimeError("clustering blew up")
        return real_analyse(documents, claims, *args)

    monkeypatch.setattr(pipeline, "analyse", crash_on_quake)
    code, err = run(str(root), "-o", str(out), "--jobs", "1")  # in this process, where the patch is
    assert code == 0 and "empty" in err
    info = json.loads((out / "run.json").read_text())
    stories = {s["name"]: s for s in info["stories"]}
    assert stories["desk/quake"]["status"] == "failed" and "clustering blew up" in stories["desk/quake"]["reason"]
    assert stories["empty"]["status"] == "failed" and "blank.txt" in stories["empty"]["reason"]
    assert stories["talks"]["status"] == "done"
    index = (out / "index.html").read_text()
    assert "clustering blew up" in index and not (out / "desk__quake.html").exists()
    assert run(str(root), "-o", str(out), "--fail-on", "error")[0] == 1


def test_parallel_jobs_give_the_same_reports(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    root = three_stories(tmp_path / "root")
    assert run(str(root), "-o", str(tmp_path / "one"), "-q", "--no-cache")[0] == 0
    assert run(str(root), "-o", str(tmp_path / "two"), "-q", "--no-cache", "--jobs", "2")[0] == 0
    for name in ("talks", "desk__quake"):
        one = json.loads((tmp_path / "one" / f"{name}.json").read_text())["conflicts"]
        two = json.loads((tmp_path / "two" / f"{name}.json").read_text())["conflicts"]
        assert one == two and one
    assert fake_model.calls == 2  # one encoder call per run, in this process: no worker loads a model


def test_manifest_names_the_stories(tmp_path: Path) -> None:
    root = three_stories(tmp_path / "root")
    lines = [
        {"story": "run", "paths": ["talks"]},
        {"story": "quake", "paths": ["desk/quake/a.txt", "desk/quake/b.txt", "desk/quake/missing.txt"]},
    ]
    write(root, "stories.jsonl", "\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    stories, problems = discover_stories(root)
    assert [(s.name, s.slug, len(s.files)) for s in stories] == [("run", "run_", 3), ("quake", "quake", 2)]
    said = {p.path: p.message for p in problems}
    assert "stories.jsonl line 2: desk/quake/missing.txt" in said and "stories.jsonl line 3" in said
    assert f"{HOSTILE}/a.txt" in said and "README.pdf" in said  # files the manifest leaves out


def test_usage_errors(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    code, err = run(str(tmp_path / "missing"), "-o", str(tmp_path / "out"))
    assert code == 2 and "missing" in err
    write(tmp_path / "nothing", "notes.pdf", "x")
    code, err = run(str(tmp_path / "nothing"), "-o", str(tmp_path / "out"))
    assert code == 2 and "no story folders" in err
    code, err = run(str(tmp_path / "nothing"), "-o", str(tmp_path / "out"), "--decisions", str(tmp_path / "nope"))
    assert code == 2 and "--decisions" in err


def test_files_beside_story_folders_and_a_foreign_manifest_are_reported(tmp_path: Path) -> None:
    root = three_stories(tmp_path / "root")
    write(root, "README.md", "# About this archive\n")
    write(root, "stories.jsonl", json.dumps({"story_id": "talks", "doc_ids": ["a"]}) + "\n")
    stories, problems = discover_stories(root)
    assert sorted(s.name for s in stories) == sorted(["talks", "desk/quake", HOSTILE])
    said = {p.path: p.message for p in problems}
    assert "beside story folders" in said["README.md"] and "not a claimcheck manifest" in said["stories.jsonl"]


def test_decisions_folder_reaches_each_story(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    root, out, decided = three_stories(tmp_path / "root"), tmp_path / "out", tmp_path / "decisions"
    assert run(str(root), "-o", str(out), "-q")[0] == 0
    conflict = json.loads((out / "talks.json").read_text())["conflicts"][0]
    decision = {"status": "dismissed", "note": "checked with the ministry"}
    write(
        decided,
        "decisions-talks.json",
        json.dumps({"format": "claimcheck-decisions-1", "decisions": {conflict["key"]: decision}}),
    )
    assert run(str(root), "-o", str(out), "-q", "--resume", "--decisions", str(decided))[0] == 0
    info = {s["name"]: s["status"] for s in json.loads((out / "run.json").read_text())["stories"]}
    assert info["talks"] == "done" and info["desk/quake"] == "unchanged"  # a new decisions file re-runs its story
    reviewed = json.loads((out / "talks.json").read_text())["conflicts"]
    assert next(c for c in reviewed if c["key"] == conflict["key"])["review"]["status"] == "dismissed"


def test_ctrl_c_while_the_summary_is_written_waits_for_it(
    tmp_path: Path, fake_model: CountingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = three_stories(tmp_path / "root"), tmp_path / "out"
    real_table = claimcheck.batch.summary.conflicts_table

    def ctrl_c_midway(*args):  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGINT)  # a real signal, as a terminal sends it
        return real_table(*args)

    monkeypatch.setattr(claimcheck.batch.summary, "conflicts_table", ctrl_c_midway)
    code, err = run(str(root), "-o", str(out))
    assert code == 130 and "--resume" in err
    info = json.loads((out / "run.json").read_text())
    assert info["complete"] and info["totals"]["done"] == 3  # the summary was written whole
    assert (out / "conflicts.parquet").is_file() and (out / "index.html").is_file()


def test_a_long_story_name_gets_a_bounded_unique_report_name(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    root, out = tmp_path / "root", tmp_path / "out"
    long_a, long_b = "a" * 200 + "-one" + "x" * 46, "a" * 200 + "-two" + "x" * 46  # 250 characters each
    for name in (long_a, long_b):
        write(root / name, "a.txt", "Admiral Dong Jun said the talks in Malaysia went well for both sides.\n")
        write(root / name, "b.txt", "Admiral Dong Un said the talks in Malaysia went well for both sides.\n")
    code, err = run(str(root), "-o", str(out), "--jobs", "1")
    assert code == 0, err
    info = json.loads((out / "run.json").read_text())
    slugs = [s["slug"] for s in info["stories"]]
    assert [s["status"] for s in info["stories"]] == ["done", "done"] and len(set(slugs)) == 2
    assert all(len(s) <= 120 for s in slugs) and (out / "index.html").is_file()
    assert all((out / f"{s}.html").is_file() for s in slugs)


# a batch run as a user runs it, in its own process, with the hashing embedder
BATCH_SCRIPT = """
import sys
import claimcheck.embed
from tests.conftest import hashing_embedder
claimcheck.embed.load_embedder = lambda model, batch_size=64, backend="onnx": hashing_embedder
from claimcheck.cli import main
sys.argv = ["claimcheck", "batch", *sys.argv[1:]]
main()
"""


def _children(pid: int) -> set[int]:
    """Every live process below `pid` (Linux /proc), so that none can slip away unseen."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux's /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_a_killed_batch(tmp_path: Path, how: signal.Signals) -> None:
    import subprocess
    import sys
    import time

    root, out = tmp_path / "root", tmp_path / "out"
    for n in range(40):
        for source in "abc":
            write(root / f"story{n:02}", f"{source}.txt", f"Admiral Dong Jun said {n} talks in Malaysia went well.\n")
    batch = subprocess.Popen(
        [sys.executable, "-c", BATCH_SCRIPT, str(root), "-o", str(out), "--jobs", "2", "--no-cache", "-q"],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    # Under way: the forkserver and its two workers are up, reading stories. Not "a report
    # written": the stories are embedded together, so the first report comes when nearly all
    # are done, and a run that finished them before the signal landed had nothing to interrupt.
    while time.monotonic() < deadline and len(workers) < 3:
        workers |= _children(batch.pid)
        time.sleep(0.05)
    time.sleep(0.5)
    workers |= _children(batch.pid)
    assert batch.poll() is None and len(workers) >= 3  # the forkserver and its two workers
    batch.send_signal(how)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)]  # before the batch is reaped: a zombie holds its pipes
    _, err = batch.communicate(timeout=60)
    if how == signal.SIGTERM:  # stopped as Ctrl-C stops it: recorded, to be resumed
        assert batch.returncode == 130 and "--resume" in err and "Traceback" not in err
        info = json.loads((out / "run.json").read_text())
        assert "interrupted" in {s["status"] for s in info["stories"]}


def test_the_run_says_what_its_reports_hold_even_when_nothing_changed(
    tmp_path: Path, fake_model: CountingEmbedder
) -> None:
    root, out = three_stories(tmp_path / "root"), tmp_path / "out"
    code, err = run(str(root), "-o", str(out), "--jobs", "1")
    assert code == 0, err
    # a log line per story (stderr is no terminal here): its own time and the run's, labelled
    assert "s of its own," in err and "s into the run" in err
    first = err.strip().splitlines()[-1]
    assert "the reports hold" in first and "high" in first and str(out / "index.html") in first
    index = (out / "index.html").read_text()
    assert "Quake hits the northern province" in index  # a story's headline beside its name
    assert "Admiral Dong Jun said the talks" in index  # no title: its first claim stands in
    code, err = run(str(root), "-o", str(out), "--resume", "--jobs", "1")
    assert code == 0
    last = err.strip().splitlines()[-1]
    assert last.startswith("0 stories checked, 3 unchanged") and last.split("hold")[1] == first.split("hold")[1]
    index = (out / "index.html").read_text()
    made = index.split('id="made">')[1].split("</p>")[0]
    assert made.startswith("Nothing changed since the last run") and "(UTC)" in made
    info = json.loads((out / "run.json").read_text())
    assert all(s["checked"] for s in info["stories"])
