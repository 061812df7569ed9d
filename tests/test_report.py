from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pandas as pd  # noqa: TID253 - tests may import it at module level
import pytest

from claimcheck import scan
from claimcheck.config import CheckConfig
from claimcheck.report import render_csv, render_html, render_json, schema
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
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_article_text(report) -> None:  # type: ignore[no-untyped-def]
    html = render_html(report)
    page = _Collector()
    page.feed(html)
    assert "script" not in page.tags
    assert any(HOSTILE in t for t in page.text)  # shown to the editor as text
    assert page.tags.count("section") == len(report.conflicts)
    assert "mark" in page.tags


def test_csv_has_a_row_per_value(report) -> None:  # type: ignore[no-untyped-def]
    frame = pd.read_csv(io.StringIO(render_csv(report)))
    assert len(frame) == sum(len(c.values) for c in report.conflicts)
    assert list(frame.columns[:4]) == ["conflict", "kind", "severity", "confidence"]
    assert report.conflicts_frame().shape == frame.shape
