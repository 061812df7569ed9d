"""Verdicts of a queried claim against sources, and the query and index commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.config import CheckConfig
from claimcheck.query import judge, query_folder
from claimcheck.types import Claim, Document, Match
from claimcheck.values import extract_values
from tests.conftest import SEEDS, CountingEmbedder, hashing_embedder

runner = CliRunner()
OUTLIER = "003_1b99bf92afbd8455.txt"


def claim(text: str) -> Claim:
    return extract_values(Claim("d:0", "d", text, (0, len(text))), Document("d", "d", text))


def verdict(query: str, source: str, similarity: float = 0.6) -> Match | None:
    return judge(claim(query), claim(source), similarity, CheckConfig())


def test_same_title_supports_and_another_title_conflicts() -> None:
    q = "Hegseth is the Secretary of War."
    same = verdict(q, "US Secretary of War Pete Hegseth announced talks with China.")
    assert same and same.verdict == "supports"
    other = verdict(q, "U.S. Defense Secretary Pete Hegseth announced talks with China.", similarity=0.2)
    assert other and other.verdict == "conflicts"  # a title holds in any sentence that gives it
    [diff] = other.differences
    assert (diff.kind, diff.query.normalized, diff.source.normalized) == ("title", "war secretary", "defense secretary")
    bare = verdict(q, "Secretary Hegseth announced talks with China.")
    assert bare and bare.verdict == "related"  # "Secretary" alone neither confirms nor contradicts


def test_name_spelling_and_office_holder_conflicts() -> None:
    m = verdict("Dong Un is China's defence minister.", "Chinese Defense Minister Dong Jun met Hegseth.")
    assert m and m.verdict == "conflicts"
    assert [(c.kind, c.source.normalized) for c in m.differences] == [("person_name", "dong jun")]
    holder = verdict(
        "Joe Biden is the president of the United States.", "U.S. President Donald Trump signed the order."
    )
    assert holder and [c.kind for c in holder.differences] == ["role_holder"]


def test_values_decide_between_supports_conflicts_related_and_nothing() -> None:
    q = "Twelve people were killed in the blast in Mumbai on Friday."
    assert verdict(q, "The blast in Mumbai on Friday killed 12 people.").verdict == "supports"  # type: ignore[union-attr]
    m = verdict(q, "Fifteen people were killed in the blast in Mumbai.")
    assert m and m.verdict == "conflicts" and [c.kind for c in m.differences] == ["number"]
    # weakly alike sentences: a different figure is more likely another fact than a contradiction
    weak = verdict(q, "Fifteen people were killed in the blast in Mumbai.", similarity=0.4)
    assert weak and weak.verdict == "supports"
    assert verdict(q, "Police said the investigation goes on.", similarity=0.5).verdict == "related"  # type: ignore[union-attr]
    assert verdict(q, "Police said the investigation goes on.", similarity=0.2) is None


def test_query_folder_gives_each_seed_its_verdict(tmp_path: Path) -> None:
    config = CheckConfig(cache_dir=tmp_path / "cache", cluster_threshold=0.5)
    answer, added = query_folder("Dong Un is China's defence minister", [SEEDS], config, embedder=hashing_embedder)
    assert [a.story for a in added] == ["seeds"] and answer.searched == added[0].claims
    verdicts = {s.document.id: s.verdict for s in answer.sources}
    assert verdicts.pop(OUTLIER) == "supports"
    assert set(verdicts.values()) == {"conflicts"} and len(verdicts) == 4
    for source in answer.sources:
        if source.verdict == "conflicts":
            assert {c.kind for c in source.matches[0].differences} == {"person_name"}
            assert source.matches[0].differences[0].source.normalized == "dong jun"


@pytest.fixture
def db(tmp_path: Path, fake_model: CountingEmbedder) -> Path:
    shutil.copytree(SEEDS, tmp_path / "stories" / "seeds")
    path = tmp_path / "claims.db"
    result = runner.invoke(app, ["index", "add", str(tmp_path / "stories"), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "seeds: 5 added, 0 replaced, 0 unchanged" in result.stdout
    return path


def test_query_formats(db: Path) -> None:
    claim_text = "Hegseth is the Secretary of War"
    result = runner.invoke(app, ["query", claim_text, "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["format"] == "claimcheck-query-1" and answer["search"] == "exact"
    verdicts = {s["document"]: s["verdict"] for s in answer["sources"]}
    assert answer["counts"]["conflicts"] == sum(v == "conflicts" for v in verdicts.values()) >= 1
    first_conflict = next(s for s in answer["sources"] if s["verdict"] == "conflicts")
    value = next(v for v in first_conflict["matches"][0]["values"] if not v["agrees"])
    assert (value["kind"], value["query"]) == ("title", "Secretary of War")
    table = runner.invoke(app, ["query", claim_text, "--db", str(db)])
    assert table.exit_code == 0 and "≠ Defense" in table.stdout  # the table wraps inside cells
    assert "conflicts" in table.stdout and "000_1ec041c1a9418501.txt" in table.stdout
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["query", claim_text, "--db", str(db), "-f", "csv"]).stdout))
    )
    assert rows and {r["document"] for r in rows} == set(verdicts)
    assert any(r["differs"] == "title: Secretary of War ≠ Defense Secretary" for r in rows)
    nothing = runner.invoke(app, ["query", "Zebras graze quietly", "--db", str(db), "--story", "seeds"])
    assert nothing.exit_code == 0 and "No source states this claim" in nothing.stdout


def test_index_ls_and_rm(db: Path) -> None:
    listing = json.loads(runner.invoke(app, ["index", "ls", "--db", str(db), "-f", "json", "--documents"]).stdout)
    [story] = listing["stories"]
    assert (story["name"], story["documents"], listing["model"]) == ("seeds", 5, "all-MiniLM-L6-v2")
    assert OUTLIER in story["document_ids"]
    removed = runner.invoke(app, ["index", "rm", f"seeds/{OUTLIER}", "--db", str(db)])
    assert removed.exit_code == 0 and "removed seeds/" in removed.stdout
    assert "4 documents" in runner.invoke(app, ["index", "ls", "--db", str(db)]).stdout
    missing = runner.invoke(app, ["index", "rm", "nosuch", "--db", str(db)])
    assert missing.exit_code == 2 and "no story 'nosuch'" in missing.stderr


def test_query_usage_errors(tmp_path: Path, db: Path) -> None:
    cases = [
        (["query", "x"], "give a folder or --db"),
        (["query", "x", str(SEEDS), "--db", str(db)], "not both"),
        (["query", "x", "--db", str(tmp_path / "none.db")], "no such index"),
        (["query", "x", "--db", str(db), "--story", "other"], "no story 'other'"),
        (["query", "   ", "--db", str(db)], "the claim is empty"),
        (["query", "x", "--db", str(db), "--model", "other/model"], "built with the model"),
        (["index", "ls", "--db", str(tmp_path / "none.db")], "no such index"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)


def test_stories_in_names_stories_and_reports_loose_files(tmp_path: Path) -> None:
    from claimcheck.stories import stories_in
    from tests.conftest import write

    write(tmp_path / "root" / "a", "1.txt", "One.")
    write(tmp_path / "root" / "b", "2.txt", "Two.")
    write(tmp_path / "root", "notes.txt", "Loose.")
    stories, problems = stories_in([tmp_path / "root"])
    assert [s.name for s in stories] == ["a", "b"]
    [problem] = problems
    assert problem.path.endswith("notes.txt") and "beside story folders" in problem.message
    stories, problems = stories_in([tmp_path / "root" / "a" / "1.txt", tmp_path / "root" / "b"])
    assert [s.name for s in stories] == ["b", "a"]
    stories, _ = stories_in([tmp_path / "root" / "a", tmp_path / "root" / "b"], name="all")
    assert [s.name for s in stories] == ["all"] and len(stories[0].files) == 2
    with pytest.raises(Exception, match="two stories would be called 'a'"):
        stories_in([tmp_path / "root" / "a", tmp_path / "root" / "a"])


def _damage(db: Path) -> None:
    """What a failing disk or a stray write does: a few 64-byte chunks past the first page."""
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    for at in range(page + 40, len(data) - 64, 3 * page):
        data[at : at + 64] = b"\xa5" * 64
    db.write_bytes(bytes(data))


def test_a_damaged_index_is_named_and_never_written(tmp_path: Path, db: Path) -> None:
    _damage(db)
    before = db.read_bytes()
    checked = runner.invoke(app, ["index", "ls", "--db", str(db), "--check"])
    assert checked.exit_code == 1 and "damaged" in checked.stderr and "index add" in checked.stderr
    added = runner.invoke(app, ["index", "add", str(tmp_path / "stories"), "--db", str(db)])
    assert added.exit_code == 2 and "damaged" in added.stderr and "nothing was written" in added.stderr
    assert db.read_bytes() == before
    for args in (["index", "ls", "--db", str(db)], ["query", "Hegseth is the Secretary of War", "--db", str(db)]):
        result = runner.invoke(app, args)  # it may read on, or stop at a damaged page: never a traceback
        assert result.exit_code in (0, 2), result.output  # an uncaught exception exits 1
        if result.exit_code == 2:
            assert str(db) in result.stderr and "rebuild" in result.stderr


def test_a_query_never_writes_to_the_index(db: Path) -> None:
    from claimcheck.index import ClaimIndex

    checked = runner.invoke(app, ["index", "ls", "--db", str(db), "--check"])
    assert checked.exit_code == 0 and "integrity check passed" in checked.stderr
    with ClaimIndex(db, read_only=True) as index, pytest.raises(Exception, match="readonly"):  # as `query` opens it
        index._db.execute("delete from stories")
    # the -shm file is SQLite's shared memory, which readers use too; the data files stay as they were
    files = [p for p in db.parent.glob("claims.db*") if not p.name.endswith("-shm")]
    before = {p.name: p.read_bytes() for p in files}
    result = runner.invoke(app, ["query", "Hegseth is the Secretary of War", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in files} == before


def test_an_age_in_apposition_is_compared() -> None:
    query = "Jane Roe, 65, was arrested in Paris on Friday."
    differs = verdict(query, "Jane Roe, 56, was arrested in Paris on Friday.", similarity=0.95)
    assert differs is not None and differs.verdict == "conflicts"
    assert [(d.kind, d.query.normalized, d.source.normalized) for d in differs.differences] == [("number", "65", "56")]
    same = verdict(query, "Police said Jane Roe, aged 65, was arrested in Paris on Friday.", similarity=0.9)
    assert same is not None and same.verdict == "supports"
    # a figure set off by commas after a place is nobody's age
    assert verdict("In Paris, 12, the count was low.", "In Paris, 21, the count was low.", 0.99).verdict != "conflicts"  # type: ignore[union-attr]
    # two people's ages in one sentence are each set against that person's
    both = verdict("Smith, 40, and Jones, 38, were charged.", "Smith, 40, and Jones, 38, were charged.", 0.99)
    assert both is not None and both.verdict == "supports"


def test_the_table_fits_the_width_asked_for(db: Path) -> None:
    result = runner.invoke(app, ["query", "Hegseth is the Secretary of War", "--db", str(db), "--width", "80"])
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_a_value_of_another_fact_makes_a_sentence_related_not_conflicting() -> None:
    # where a suspect will be tried is not where he was arrested
    other = verdict("The suspect will be tried in Paris next month.", "The suspect was arrested in Lyon.", 0.97)
    assert other is not None and other.verdict == "related" and not other.differences
    same = verdict("The suspect was arrested in Paris on Friday.", "The suspect was arrested in Lyon on Friday.", 0.97)
    assert same is not None and same.verdict == "conflicts"
    assert [(d.kind, d.query.normalized, d.source.normalized) for d in same.differences] == [("place", "paris", "lyon")]
    injured = verdict(
        "Officials said 12 people were killed in the blast.",
        "Officials said 30 people were injured in the blast.",
        0.97,
    )
    assert injured is not None and injured.verdict == "related"


def test_times_of_day_are_judged_as_scan_compares_them() -> None:
    query = "The fire broke out on the roof of the store at about 8.40pm."
    near = verdict(query, "The fire broke out on the roof of the store at 8.49pm.", 0.6)
    assert near is not None and near.verdict == "supports"
    assert [(c.kind, c.source.normalized) for c in near.comparisons] == [("date", "T20:49")]
    far = verdict(query, "The fire broke out on the roof of the store at 10.15pm.", 0.6)
    assert far is not None and far.verdict == "conflicts"
    assert [(d.kind, d.source.normalized) for d in far.differences] == [("date", "T22:15")]


def test_a_place_of_an_event_of_other_people_neither_supports_nor_conflicts() -> None:
    query = "Hegseth met Admiral Dong Jun in Kuala Lumpur on Friday."
    others = verdict(query, "Donald Trump met Xi Jinping in Busan on Thursday.", 0.6)
    assert others is not None and others.verdict == "related" and not others.differences
    also_there = verdict(query, "Donald Trump met Xi Jinping in Kuala Lumpur on Friday.", 0.6)
    assert also_there is not None and also_there.verdict == "related"
    same = verdict(query, "Pete Hegseth met Dong Jun in Busan on Friday.", 0.6)
    assert same is not None and same.verdict == "conflicts"
