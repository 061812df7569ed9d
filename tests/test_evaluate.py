"""The scorer: hits, false flags and noise on hand-made reports, and the eval command end to end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.config import CheckConfig
from claimcheck.evaluate import Story, evaluate, false_flags, injected_rows, is_hit, load_corpus, render_markdown
from claimcheck.inject import Injection
from claimcheck.types import Conflict, ConflictValue, Evidence, Report
from tests.conftest import CountingEmbedder, hashing_embedder, write


def evidence(doc: str, start: int, end: int) -> Evidence:
    return Evidence(doc, "a sentence", 0, 100, start, end)


def conflict(kind: str, severity: str, *values: tuple[str, list[str], list[Evidence]]) -> Conflict:
    return Conflict(
        "k1", kind, severity, 0.8, "s", "x", tuple(ConflictValue(v, v, tuple(d), tuple(e)) for v, d, e in values)
    )


def report(*conflicts: Conflict) -> Report:
    return Report((), (), (), conflicts, (), CheckConfig())


INJECTION = Injection("s", "number", "b.txt", 10, 12, "12", "21")


def test_hit_needs_the_injected_value_against_another_articles_value_and_the_kind() -> None:
    right = conflict(
        "number",
        "low",
        ("12", ["a.txt", "c.txt"], [evidence("a.txt", 10, 12)]),
        ("21", ["b.txt"], [evidence("b.txt", 10, 12)]),
    )
    assert is_hit(report(right), INJECTION)
    wrong_kind = conflict("date", "high", *[(v.value, list(v.document_ids), list(v.evidence)) for v in right.values])
    assert not is_hit(report(wrong_kind), INJECTION)
    elsewhere = conflict(
        "number", "high", ("12", ["a.txt"], [evidence("a.txt", 10, 12)]), ("30", ["b.txt"], [evidence("b.txt", 50, 52)])
    )
    assert not is_hit(report(elsewhere), INJECTION)
    only_itself = conflict(
        "number", "high", ("21", ["b.txt"], [evidence("b.txt", 10, 12)]), ("30", ["b.txt"], [evidence("b.txt", 40, 42)])
    )
    assert not is_hit(report(only_itself), INJECTION)


def test_false_flags_are_new_loud_conflicts_away_from_the_injection() -> None:
    old = conflict(
        "date", "high", ("2022", ["a.txt"], [evidence("a.txt", 0, 4)]), ("2023", ["c.txt"], [evidence("c.txt", 0, 4)])
    )
    new_far = conflict(
        "place",
        "medium",
        ("Busan", ["a.txt"], [evidence("a.txt", 60, 65)]),
        ("Seoul", ["c.txt"], [evidence("c.txt", 60, 65)]),
    )
    new_quiet = conflict(
        "place",
        "low",
        ("Rome", ["a.txt"], [evidence("a.txt", 70, 74)]),
        ("Oslo", ["c.txt"], [evidence("c.txt", 70, 74)]),
    )
    on_target = conflict(
        "number", "high", ("12", ["a.txt"], [evidence("a.txt", 10, 12)]), ("21", ["b.txt"], [evidence("b.txt", 10, 12)])
    )
    known = {("date", frozenset({"2022", "2023"}))}
    assert false_flags(report(old, new_far, new_quiet, on_target), known, INJECTION) == [new_far]


def test_fit_rows_keep_every_catch_and_only_new_cards_elsewhere() -> None:
    polarity = Injection("s", "polarity", "b.txt", 10, 22, "resumed", "never resumed")
    caught = conflict(
        "polarity",
        "low",
        ("negated", ["b.txt"], [evidence("b.txt", 10, 22)]),
        ("affirmed", ["a.txt"], [evidence("a.txt", 10, 17)]),
    )
    old = conflict(
        "date", "low", ("2022", ["a.txt"], [evidence("a.txt", 0, 4)]), ("2023", ["c.txt"], [evidence("c.txt", 0, 4)])
    )
    new = conflict(
        "place",
        "low",
        ("Rome", ["a.txt"], [evidence("a.txt", 70, 74)]),
        ("Oslo", ["c.txt"], [evidence("c.txt", 70, 74)]),
    )
    # the untouched story has a polarity card too, with the same two values: the catch still counts
    known = {("polarity", frozenset({"negated", "affirmed"})), ("date", frozenset({"2022", "2023"}))}
    rows = injected_rows("s", report(caught, old, new), known, polarity, 7)
    assert [(r.origin, r.real, r.kind, r.copy) for r in rows] == [
        ("injected", True, "polarity", 7),
        ("false_flag", False, "place", 7),
    ]


def two_stories(root: Path) -> None:
    for story in ("s1", "s2"):
        write(root / story, "a.txt", "Admiral Tara Reid said on Tuesday that 12 people were killed in Houston.\n")
        write(
            root / story,
            "b.txt",
            "Admiral Tara Reid told reporters on Tuesday that 12 people were killed in Houston.\n",
        )
        write(root / story, "c.txt", "Officials said on Tuesday that 12 people were killed in Houston by the storm.\n")


def test_evaluate_counts_noise_recall_and_false_flags(tmp_path: Path) -> None:
    two_stories(tmp_path)
    stories = load_corpus(tmp_path)
    assert [s.id for s in stories] == ["s1", "s2"] and isinstance(stories[0], Story)
    result = evaluate(stories, CheckConfig(cache_dir=None, cluster_threshold=0.5), hashing_embedder, per_kind=1, seed=0)
    summary = result.summary()
    assert summary["stories"] == 2 and summary["noise_median"] == 0
    hits, total = result.recall("person_name")
    assert total == 2 and hits == 2
    assert summary["false_flags_per_copy"] == 0
    md = render_markdown(result, "claimcheck eval X")
    assert "| recall, person_name | 1.00 (2/2); at high/medium " in md


def test_eval_command_writes_table_and_json(tmp_path: Path, fake_model: CountingEmbedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("claimcheck.embed.load_embedder", lambda model, batch_size=64, backend="onnx": fake_model)
    two_stories(tmp_path / "corpus")
    out = tmp_path / "out"
    runner = CliRunner()
    args = [
        "eval",
        str(tmp_path / "corpus"),
        "--types",
        "number,date",
        "--per-type",
        "1",
        "--out",
        str(out),
        "--seeds",
        str(tmp_path / "none"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "quality.json").read_text())
    assert set(data["summary"]["injected"]) == {"number", "date"}
    assert (out / "quality.md").read_text().startswith("# Detection quality")
    assert runner.invoke(app, ["eval", str(tmp_path / "corpus"), "--types", "colour"]).exit_code == 2
    assert runner.invoke(app, ["eval", str(tmp_path / "missing")]).exit_code == 2


def test_eval_scores_what_is_listed_and_fits_on_everything(tmp_path: Path) -> None:
    two_stories(tmp_path)
    stories = load_corpus(tmp_path)
    config = CheckConfig(cache_dir=None, cluster_threshold=0.5)
    every = evaluate(stories, replace(config, min_confidence=0.0), hashing_embedder, per_kind=1, seed=0)
    floored = evaluate(stories, replace(config, min_confidence=1.0), hashing_embedder, per_kind=1, seed=0)
    assert every.recall("person_name") == (2, 2) and floored.recall("person_name") == (0, 2)
    # the rows a refit learns from are the same either way: those under the floor too
    assert floored.rows == every.rows and any(r.origin == "injected" for r in floored.rows)
