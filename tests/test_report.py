from __future__ import annotations

import base64
import hashlib
import io
import json
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pandas as pd  # noqa: TID253 - tests may import it at module level
import pytest

from claimcheck import conflicts_frame, scan
from claimcheck.config import CheckConfig
from claimcheck.decisions import decisions_json, read_decisions
from claimcheck.errors import InputError
from claimcheck.report import render_csv, render_html, render_json, schema
from claimcheck.report.text import render_text
from claimcheck.types import Decision
from tests.conftest import hashing_embedder, write

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def report(tmp_path: Path, config: CheckConfig):  # type: ignore[no-untyped-def]
    write(
        tmp_path,
        "a.txt",
        f"The blast killed 12 people in the city, police said {HOSTILE}.\nAdmiral Dong Jun said the talks went well in Malaysia.\n",
    )
    write(
        tmp_path,
        "b.txt",
        "The blast killed 21 people in the city, police said.\nAdmiral Dong Un said the talks went well in Malaysia.\n",
    )
    write(
        tmp_path,
        "c.txt",
        "Police said the blast killed 12 people in the city.\nDefense Minister Dong Jun said the talks went well.\n",
    )
    return scan([tmp_path], config, embedder=hashing_embedder)


def test_json_matches_schema_and_contract(report) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render_json(report))
    jsonschema.validate(data, schema())
    kinds = {c["kind"] for c in data["conflicts"]}
    assert {"number", "person_name"} <= kinds
    number = next(c for c in data["conflicts"] if c["kind"] == "number")
    assert number["values"][0]["normalized"] == "12" and number["values"][0]["documents"] == ["a.txt", "c.txt"]
    for value in number["values"]:
        for claim in value["claims"]:
            assert claim["start"] <= claim["value_start"] < claim["value_end"] <= claim["end"]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []  # outside scripts
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]


def test_html_escapes_article_text(report) -> None:  # type: ignore[no-untyped-def]
    html = render_html(report)
    page = _Collector()
    page.feed(html)
    assert any(HOSTILE in t for t in page.text)  # shown to the editor as text
    # the only scripts are the page's data (not executable) and its own code, which the
    # Content-Security-Policy allows by hash; nothing else could run even if it got in
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "state"}, {}]
    assert HOSTILE not in page.scripts[0] and "alert" not in page.scripts[1]
    [csp] = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    digest = base64.b64encode(hashlib.sha256(page.scripts[1].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert page.names().count("section") == len(report.conflicts)
    assert "mark" in page.names()


def test_csv_cells_cannot_become_formulas(report) -> None:  # type: ignore[no-untyped-def]
    from claimcheck.report.table import spreadsheet_safe

    formula = '=HYPERLINK("http://evil.example","click") said the blast killed 12 people'
    [c, *_] = report.conflicts
    evidence = replace(c.values[0].evidence[0], text=formula)
    hostile = replace(
        report, conflicts=(replace(c, values=(replace(c.values[0], evidence=(evidence,)), *c.values[1:])),)
    )
    table = pd.read_csv(io.StringIO(render_csv(hostile)), keep_default_na=False)
    assert table["evidence"][0] == "'" + formula  # shown as text by a spreadsheet
    assert [spreadsheet_safe(s) for s in ("+1 555", "@SUM(A1)", "\tx", "-12", "+3.5", "12", 7)] == [
        "'+1 555",
        "'@SUM(A1)",
        "'\tx",
        "-12",  # a plain signed number is no formula
        "+3.5",
        "12",
        7,
    ]


def test_bidi_controls_in_article_text_are_shown_not_obeyed(tmp_path: Path, config: CheckConfig) -> None:
    write(
        tmp_path, "a.txt", "Admiral Dong Jun said the talks went well in Malaysia, \u202eeman\u202c officials said.\n"
    )
    write(tmp_path, "b.txt", "Admiral Dong Un said the talks went well in Malaysia, officials said.\n")
    found = scan([tmp_path], config, embedder=hashing_embedder)
    html = render_html(found)
    assert "\u202e" not in html and "\u202c" not in html
    assert "\u202e" not in render_text(found)
    assert "[U+202E]eman[U+202C]" in html
    page = _Collector()
    page.feed(html)
    # the page's own code is untouched: it still matches the hash its policy allows
    digest = base64.b64encode(hashlib.sha256(page.scripts[1].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in html


def test_html_page_parts(report) -> None:  # type: ignore[no-untyped-def]
    page = _Collector()
    page.feed(render_html(report))
    ids = {a.get("id") for _, a in page.tags}
    assert {"sources", "entities", "search", "kind", "severity", "source", "export", "dismissed"} <= ids
    assert {f"doc-{n}" for n in range(len(report.documents))} <= ids  # each source can be opened
    # the claim that holds a conflicting value links to its card
    links = {a.get("href") for t, a in page.tags if t == "a" and "in-conflict" in (a.get("class") or "")}
    assert {f"#{c.id}" for c in report.conflicts} & links
    # the entity table marks the source that writes Dong Un
    marked = [a for t, a in page.tags if t == "td" and a.get("class") == "marked"]
    assert marked


def test_a_page_holds_a_bounded_number_of_cards_and_values_and_says_so(  # type: ignore[no-untyped-def]
    report, monkeypatch: pytest.MonkeyPatch
) -> None:
    import claimcheck.report.page

    assert len(report.conflicts) >= 2
    monkeypatch.setattr(claimcheck.report.page, "PAGE_CARDS", 1)
    monkeypatch.setattr(claimcheck.report.page, "CARD_VALUES", 1)
    page = _Collector()
    page.feed(render_html(report))
    cards = [a for t, a in page.tags if t == "section" and "card" in (a.get("class") or "")]
    assert [c["id"] for c in cards] == [report.conflicts[0].id]  # the most severe and certain
    text = " ".join(" ".join(page.text).split())
    left = len(report.conflicts) - 1
    assert f"This page shows the first 1 of {len(report.conflicts)} conflicts" in text
    assert f"The other {left} (" in text and "in this story's JSON and CSV reports" in text
    hidden = report.conflicts[0].values[1:]
    sources = len({d for v in hidden for d in v.document_ids})
    assert f"and {len(hidden)} more values, from {sources} source" in text
    # the source filter still finds the card by a source of a value not shown
    assert set(cards[0]["data-sources"].split("\n")) == {d for v in report.conflicts[0].values for d in v.document_ids}
    assert len(json.loads(render_json(report))["conflicts"]) == len(report.conflicts)  # the JSON holds them all


def test_a_story_without_high_or_medium_conflicts_says_so(report) -> None:  # type: ignore[no-untyped-def]
    low = replace(report, conflicts=tuple(replace(c, severity="low") for c in report.conflicts))
    medium = replace(report, conflicts=(replace(report.conflicts[0], severity="medium"), *low.conflicts[1:]))
    for shown, story in ((True, low), (False, medium)):
        page = _Collector()
        page.feed(render_html(story))
        [said] = [a for t, a in page.tags if a.get("id") == "no-main"]  # the page's script shows it as cards move
        assert ("hidden" not in said) == shown
        assert "No high or medium conflicts" in " ".join(page.text) and "No conflicting values" not in " ".join(
            page.text
        )


def test_decisions_round_trip(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = report.conflicts[0]
    decided = replace(report, decisions={target.key: Decision("dismissed", "same person")})
    path = tmp_path / "decisions.json"
    path.write_text(decisions_json(decided))
    again = replace(report, decisions=read_decisions(path))
    data = json.loads(render_json(again))
    jsonschema.validate(data, schema())
    assert data["conflicts"][0]["review"] == {"status": "dismissed", "note": "same person"}
    html = render_html(again)
    dismissed = html[html.index('id="dismissed"') :]
    assert f'data-key="{target.key}"' in dismissed
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(InputError, match=r"bad\.json"):
        read_decisions(bad)


def test_hostile_decisions_files_are_named_and_what_is_ignored_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match=r"deep\.json: not a decisions file \(nested too deeply\)"):
        read_decisions(deep)
    odd = tmp_path / "odd.json"
    entries = {"k1": {"status": "dismissed"}, "k2": {"status": "maybe"}, "k3": "confirmed"}
    odd.write_text(json.dumps({"format": "claimcheck-decisions-1", "decisions": entries}))
    with caplog.at_level("WARNING"):
        assert list(read_decisions(odd)) == ["k1"]
    assert "odd.json: 2 decision(s) ignored" in caplog.text and "k2, k3" in caplog.text


def test_csv_has_a_row_per_value(report) -> None:  # type: ignore[no-untyped-def]
    frame = pd.read_csv(io.StringIO(render_csv(report)))
    assert len(frame) == sum(len(c.values) for c in report.conflicts)
    assert list(frame.columns[:4]) == ["conflict", "kind", "severity", "confidence"]
    assert conflicts_frame(report).shape == frame.shape
