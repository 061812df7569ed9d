"""The seed story: the discrepancies the project was started to find, and the look-alikes it must not flag."""

from __future__ import annotations

import pytest

from claimcheck import Report, scan
from claimcheck.config import CheckConfig
from tests.conftest import SEEDS, hashing_embedder

# pairs of normalized values that must never appear together in one conflict
NOT_CONFLICTS = [
    ("kuala lumpur", "malaysia"),
    ("united states", "us"),
    ("defense", "defence"),
    ("admiral dong jun", "dong jun"),
    ("xi jinping", "xi"),
    ("deescalate", "de-escalate"),
]


def check_seed_report(report: Report) -> None:
    by_kind = {}
    for c in report.conflicts:
        by_kind.setdefault(c.kind, []).append(c)
    names = [{v.normalized for v in c.values} for c in by_kind.get("person_name", [])]
    assert {"dong jun", "dong un"} in names
    [un] = [c for c in by_kind["person_name"] if "dong un" in {v.normalized for v in c.values}]
    assert un.values[1].document_ids == ("003_1b99bf92afbd8455.txt",)
    titles = [{v.normalized for v in c.values} for c in by_kind.get("title", [])]
    assert {"defense secretary", "war secretary"} in titles
    holders = [c for c in by_kind.get("role_holder", []) if any("biden" in v.normalized for v in c.values)]
    assert holders and holders[0].values[0].normalized == "donald trump"
    for c in report.conflicts:
        normalized = {v.normalized for v in c.values}
        for a, b in NOT_CONFLICTS:
            assert not ({a, b} <= normalized), c.summary


def test_seed_conflicts_with_test_embedder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = scan([SEEDS], CheckConfig(cache_dir=tmp_path, cluster_threshold=0.5), embedder=hashing_embedder)
    check_seed_report(report)


@pytest.mark.slow
def test_seed_conflicts_with_bundled_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = scan([SEEDS], CheckConfig(cache_dir=tmp_path))
    check_seed_report(report)
    high_medium = [c for c in report.conflicts if c.severity in ("high", "medium")]
    # the three seeded discrepancies plus "resumed" vs "not restarted": nothing else
    assert {c.kind for c in high_medium} <= {"person_name", "title", "role_holder", "polarity"}
    assert len(high_medium) <= 4


@pytest.mark.slow
def test_cli_scan_of_fixtures_with_bundled_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    import jsonschema

    from claimcheck.report import schema

    out = tmp_path / "seeds.json"
    args = [sys.executable, "-m", "claimcheck", "scan", str(SEEDS), "-o", str(out), "--cache-dir", str(tmp_path), "-q"]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text())
    jsonschema.validate(data, schema())
    assert data["stats"]["model"] == "all-MiniLM-L6-v2"
    kinds = {c["kind"] for c in data["conflicts"]}
    assert {"person_name", "title", "role_holder"} <= kinds
    # a second run is served from the embedding cache and fails on the conflicts it shows
    rerun = subprocess.run([*args, "--fail-on", "medium"], capture_output=True, text=True)
    assert rerun.returncode == 1


SOW_SOURCES = {"002_acd72a935338251f.txt", "003_1b99bf92afbd8455.txt", "004_54508f338c3d60ce.txt"}


@pytest.mark.slow
def test_queries_on_the_seeds_with_bundled_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The issue's acceptance: who supports and who contradicts each seeded discrepancy, and on what."""
    import json
    import subprocess
    import sys

    db = tmp_path / "claims.db"
    common = ["--cache-dir", str(tmp_path / "cache")]
    add = [sys.executable, "-m", "claimcheck", "index", "add", str(SEEDS), "--db", str(db), *common, "-q"]
    assert subprocess.run(add, capture_output=True, text=True).returncode == 0

    def ask(claim: str, *where: str) -> dict[str, dict]:  # type: ignore[type-arg]
        args = [sys.executable, "-m", "claimcheck", "query", claim, *where, "-f", "json", *common, "-q"]
        run = subprocess.run(args, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return {s["document"]: s for s in json.loads(run.stdout)["sources"]}

    for where in ((str(SEEDS),), ("--db", str(db))):
        dong = ask("Dong Un is China's defence minister", *where)
        assert dong["003_1b99bf92afbd8455.txt"]["verdict"] == "supports"
        others = [s for name, s in dong.items() if name != "003_1b99bf92afbd8455.txt"]
        assert len(others) == 4 and {s["verdict"] for s in others} == {"conflicts"}
        for s in others:
            [diff] = [v for v in s["matches"][0]["values"] if not v["agrees"]]
            assert (diff["kind"], diff["query"], diff["source"].split()[-2:]) == (
                "person_name",
                "Dong Un",
                ["Dong", "Jun"],
            )
        hegseth = ask("Hegseth is the Secretary of War", *where)
        assert {n for n, s in hegseth.items() if s["verdict"] == "supports"} == SOW_SOURCES
        conflicting = {n: s for n, s in hegseth.items() if s["verdict"] == "conflicts"}
        assert (
            set(conflicting) == set(hegseth) - SOW_SOURCES == {"000_1ec041c1a9418501.txt", "001_7ff22d41db9a0194.txt"}
        )
        for s in conflicting.values():
            [diff] = [v for v in s["matches"][0]["values"] if not v["agrees"]]
            assert (diff["kind"], diff["query"], diff["source"]) == ("title", "Secretary of War", "Defense Secretary")


def test_cards_under_the_floor_are_counted_not_listed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from claimcheck.report import render_html, render_text, to_dict

    every = scan([SEEDS], CheckConfig(cache_dir=tmp_path, min_confidence=0.0), embedder=hashing_embedder)
    shown = scan([SEEDS], CheckConfig(cache_dir=tmp_path), embedder=hashing_embedder)
    under = [c for c in every.conflicts if c.confidence < 0.05]
    assert under and every.stats["unlisted"] == 0
    # the floor takes the least certain cards off the end, and nothing else
    assert shown.conflicts == every.conflicts[: len(every.conflicts) - len(under)]
    assert shown.stats["unlisted"] == len(under) and to_dict(shown)["stats"]["unlisted"] == len(under)
    assert f"{len(under)} more under 5% confidence not listed" in render_text(shown)
    assert 'id="unlisted"' in render_html(shown) and 'id="unlisted"' not in render_html(every)
    check_seed_report(shown)  # what the project was started to find is above it
