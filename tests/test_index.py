"""The claim index: add, re-add, remove, concurrency, model and schema checks, approximate search."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from claimcheck.config import CheckConfig
from claimcheck.errors import ClaimcheckError, InputError, ModelError
from claimcheck.index import MIGRATIONS, ClaimIndex
from claimcheck.query import add_to_index
from claimcheck.types import Claim, Document
from tests.conftest import SEEDS, CountingEmbedder, hashing_embedder, write


def _orphans(db: Path) -> int:
    con = sqlite3.connect(db)
    found = con.execute(
        """select (select count(*) from claim_values where claim_id not in (select id from claims))
                + (select count(*) from claims where document_id not in (select id from documents))
                + (select count(*) from documents where story_id not in (select id from stories))
                + (select count(*) from stories where id not in (select story_id from documents))"""
    ).fetchone()[0]
    con.close()
    return int(found)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SEEDS, tmp_path / "stories" / "seeds"))


def test_add_records_stories_claims_values_and_model(tmp_path: Path, seeds: Path, config: CheckConfig) -> None:
    with ClaimIndex(tmp_path / "c.db") as index:
        [added] = add_to_index(index, [seeds], config, embedder=hashing_embedder)
        assert (added.story, added.added, added.replaced, added.unchanged) == ("seeds", 5, 0, 0)
        [story] = index.stories()
        assert (story.name, story.documents, story.claims) == ("seeds", 5, added.claims)
        assert index.model == config.model and index.schema_version == len(MIGRATIONS)
        stored = index.fetch(range(1, index.count() + 1))
        dong_un = [s for s in stored.values() if any(v.normalized == "dong un" for v in s.claim.values)]
        assert {s.document.id for s in dong_un} == {"003_1b99bf92afbd8455.txt"}
        text = (seeds / "003_1b99bf92afbd8455.txt").read_text(encoding="utf-8")
        claim = dong_un[0].claim
        assert text[claim.span[0] : claim.span[1]] == claim.text  # spans point into the article


def test_readd_keeps_unchanged_files_and_replaces_changed_ones(
    tmp_path: Path, seeds: Path, config: CheckConfig
) -> None:
    embedder = CountingEmbedder()
    no_cache = CheckConfig(cache_dir=None, cluster_threshold=config.cluster_threshold)
    with ClaimIndex(tmp_path / "c.db") as index:
        add_to_index(index, [seeds], no_cache, embedder=embedder)
        before, texts = index.count(), embedder.texts
        [again] = add_to_index(index, [seeds], no_cache, embedder=embedder)
        assert (again.added, again.replaced, again.unchanged, again.claims) == (0, 0, 5, 0)
        assert embedder.texts == texts and index.count() == before  # nothing re-embedded or duplicated
        write(seeds, "000_1ec041c1a9418501.txt", "Dong Jun met Hegseth in Hanoi on Friday. Talks lasted two hours.")
        [changed] = add_to_index(index, [seeds], no_cache, embedder=embedder)
        assert (changed.added, changed.replaced, changed.unchanged, changed.claims) == (0, 1, 4, 2)
        stored = index.fetch(range(1, before + 10)).values()
        texts_000 = [s.claim.text for s in stored if s.document.id == "000_1ec041c1a9418501.txt"]
        assert texts_000 == ["Dong Jun met Hegseth in Hanoi on Friday.", "Talks lasted two hours."]
        (seeds / "004_54508f338c3d60ce.txt").unlink()
        [gone] = add_to_index(index, [seeds], no_cache, embedder=embedder)
        assert gone.missing == ("004_54508f338c3d60ce.txt",)  # reported, kept until removed
    assert _orphans(tmp_path / "c.db") == 0


def test_remove_document_then_story_leaves_no_orphans(tmp_path: Path, seeds: Path, config: CheckConfig) -> None:
    other = Path(shutil.copytree(SEEDS, tmp_path / "stories" / "other"))
    db = tmp_path / "c.db"
    with ClaimIndex(db) as index:
        add_to_index(index, [seeds.parent], config, embedder=hashing_embedder)
        assert [s.name for s in index.stories()] == ["other", "seeds"]
        per_story = index.count("seeds")
        assert index.remove("seeds", "003_1b99bf92afbd8455.txt") == 1
        assert index.documents("seeds") == sorted(p.name for p in seeds.iterdir() if not p.name.startswith("003"))
        assert index.count("seeds") < per_story
        assert index.remove("seeds") == 4
        assert [s.name for s in index.stories()] == ["other"]
        with pytest.raises(InputError, match="no story 'seeds'"):
            index.remove("seeds")
        with pytest.raises(InputError, match=r"no document 'nope\.txt'"):
            index.remove("other", "nope.txt")
        for name in index.documents("other"):
            index.remove("other", name)
        assert index.stories() == [] and index.count() == 0  # the emptied story went too
    assert other.exists() and _orphans(db) == 0


def _add_in_child(db: str, folder: str, model: str) -> None:
    config = CheckConfig(cache_dir=None, model=model)
    with ClaimIndex(db, timeout=60) as index:
        add_to_index(index, [folder], config, embedder=hashing_embedder)


def test_two_processes_adding_at_once_both_land(tmp_path: Path, config: CheckConfig) -> None:
    folders = [shutil.copytree(SEEDS, tmp_path / name) for name in ("a", "b", "c", "d")]
    db = tmp_path / "c.db"
    ClaimIndex(db).close()  # both children find the schema in place or race to create it
    context = multiprocessing.get_context("fork")  # torch is never imported here, so fork is safe
    children = [context.Process(target=_add_in_child, args=(str(db), str(f), config.model)) for f in folders]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
    assert [c.exitcode for c in children] == [0, 0, 0, 0]
    with ClaimIndex(db) as index:
        stories = index.stories()
        assert [s.name for s in stories] == ["a", "b", "c", "d"]
        assert len({s.claims for s in stories}) == 1 and stories[0].documents == 5
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()
    assert _orphans(db) == 0


def test_another_model_is_refused(tmp_path: Path, seeds: Path, config: CheckConfig) -> None:
    with ClaimIndex(tmp_path / "c.db") as index:
        add_to_index(index, [seeds], config, embedder=hashing_embedder)
        other = CheckConfig(model="some/other-model", cache_dir=None)
        with pytest.raises(ModelError, match="built with the model 'all-MiniLM-L6-v2', not 'some/other-model'"):
            add_to_index(index, [seeds], other, embedder=hashing_embedder)
        from claimcheck.query import query_claim

        with pytest.raises(ModelError, match="--model all-MiniLM-L6-v2"):
            query_claim("Dong Jun met Hegseth", index, other, embedder=hashing_embedder)


def test_damaged_foreign_newer_and_busy_databases_are_named(tmp_path: Path) -> None:
    junk = write(tmp_path, "junk.db", b"\x00\x01 this is not sqlite" * 100)
    with pytest.raises(InputError, match=r"junk\.db: not a readable claimcheck index.*move the file aside"):
        ClaimIndex(junk)
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("create table notes (x)")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="not a claimcheck index"):
        ClaimIndex(foreign)
    newer = tmp_path / "newer.db"
    ClaimIndex(newer).close()
    con = sqlite3.connect(newer)
    con.execute("pragma user_version = 99")
    con.close()
    with pytest.raises(ClaimcheckError, match=r"newer claimcheck.*upgrade"):
        ClaimIndex(newer)
    busy = tmp_path / "busy.db"
    ClaimIndex(busy).close()
    holder = sqlite3.connect(busy, isolation_level=None)
    holder.execute("begin immediate")  # another process in the middle of an add
    try:
        with ClaimIndex(busy, timeout=0.2) as index:
            with pytest.raises(ClaimcheckError, match=r"busy\.db: busy; another claimcheck process"):
                index.remove("seeds")
            assert index.stories() == []  # reading goes on while the writer holds the lock
    finally:
        holder.execute("rollback")
        holder.close()
    with pytest.raises(InputError, match="is a folder"):
        ClaimIndex(tmp_path)


def test_pending_migrations_are_applied_and_data_kept(
    tmp_path: Path, seeds: Path, config: CheckConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    with ClaimIndex(db) as index:
        add_to_index(index, [seeds], config, embedder=hashing_embedder)
        claims = index.count()
    monkeypatch.setattr("claimcheck.index.MIGRATIONS", [*MIGRATIONS, "alter table stories add column note text"])
    with ClaimIndex(db) as index:
        assert index.schema_version == len(MIGRATIONS) + 1 and index.count() == claims
        assert "note" in [r[1] for r in index._db.execute("pragma table_info(stories)")]


def test_an_index_from_before_frames_reads_on_and_new_claims_keep_theirs(
    tmp_path: Path, seeds: Path, config: CheckConfig
) -> None:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(MIGRATIONS[0])
    con.executescript(
        """insert into meta values ('model', 'all-MiniLM-L6-v2'), ('dimension', '48');
        insert into stories values (1, 'old', '/old', '2026-01-01');
        insert into documents values (1, 1, 'a.txt', '/old/a.txt', 'x', null, null, null, null, '2026-01-01');
        insert into claims values (1, 1, 0, 'Talks resumed on Friday.', 0, 24, zeroblob(192));
        insert into claim_values values (1, 'date', 'Friday', '--fri', 16, 22, 'day', '[]');
        pragma user_version = 1;"""
    )
    con.close()
    with ClaimIndex(db) as index:
        assert index.schema_version == len(MIGRATIONS)
        old = index.fetch([1])[1].claim
        assert old.frames == () and [(v.normalized, v.frame, v.slot) for v in old.values] == [("--fri", -1, "")]
        add_to_index(index, [seeds], CheckConfig(model="all-MiniLM-L6-v2"), embedder=hashing_embedder)
        fresh = [s.claim for s in index.fetch(range(2, index.count() + 1)).values()]
        assert all(c.frames for c in fresh)  # each claim's predicates, for the query's same-fact checks
        assert any(v.frame >= 0 and v.slot for c in fresh for v in c.values)
        # who does what a place is of, kept for the query's check that two values are one fact
        assert any(("person", "pete hegseth") in v.agents for c in fresh for v in c.values if v.kind == "place")
        assert old.values[0].agents == ()


def _synthetic(index: ClaimIndex, n: int, seed: int = 0) -> np.ndarray:
    """n claims in 40 topics, unit vectors: enough structure for inverted lists to work on."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, 48))
    vectors = centres[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, 48))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    for story in range(4):
        part = slice(story * n // 4, (story + 1) * n // 4)
        claims = [Claim(f"d:{i}", "d", f"claim {i}", (0, 5)) for i in range(part.start, part.stop)]
        index.put_documents(f"s{story}", "/tmp", [(Document("d", "d", ""), "x", claims)], vectors[part], "m")
    return vectors


def test_large_index_searches_approximately_and_stays_in_step(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with ClaimIndex(db, ann_min_claims=1000) as index:
        vectors = _synthetic(index, 4000)
        assert not index.ann_path.exists()  # writes leave the ANN file to the next refresh
        index.refresh_ann()
        assert index.ann_path.exists()
        exact_index = ClaimIndex(db, ann_min_claims=10**9)
        recall = []
        for q in vectors[:50]:
            ann, how, _ = index.search(q, 10)
            exact, exact_how, searched = exact_index.search(q, 10)
            assert (how, exact_how, searched) == ("approximate", "exact", 4000)
            recall.append(len({i for i, _ in ann} & {i for i, _ in exact}) / 10)
        assert np.mean(recall) >= 0.95
        gone = {i for i, _ in index.search(vectors[0], 50)[0]}
        index.remove("s0")  # the claims of s0 (ids 1..1000) must never come back, here or in the file
        assert not {i for i, _ in ClaimIndex(db, ann_min_claims=1000).search(vectors[0], 50)[0]} & set(range(1, 1001))
        assert not {i for i, _ in index.search(vectors[0], 50)[0]} & set(range(1, 1001))
        exact_index.close()
    assert gone
    index = ClaimIndex(db, ann_min_claims=1000)
    generation = index._meta("generation")
    index.ann_path.unlink()  # lost, or left behind by a crash: rebuilt, not trusted
    hits, how, _ = index.search(vectors[1500], 5)
    assert how == "approximate" and hits[0][0] == 1501
    assert index.ann_path.exists() and index._meta("generation") == generation
    index.close()
