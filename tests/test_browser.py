"""The editor's page in headless Chromium (Debian's package, driven by Playwright).

Skipped where no Chromium is installed, unless CLAIMCHECK_REQUIRE_BROWSER is set, as
scripts/test.sh (and so CI) does after installing it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.config import CheckConfig
from claimcheck.report import render_html
from claimcheck.types import Conflict, ConflictValue, Document, Evidence, Report
from tests.conftest import SEEDS, CountingEmbedder

CHROMIUM = os.environ.get("CLAIMCHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and os.environ.get("CLAIMCHECK_REQUIRE_BROWSER"):
    raise RuntimeError("CLAIMCHECK_REQUIRE_BROWSER is set but no chromium was found; run scripts/test.sh")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="no chromium installed (scripts/test.sh installs it)")

runner = CliRunner()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "blob:", "data:")) else None)
    yield pg
    context.close()
    assert not errors, errors  # a CSP violation or a script error shows up here
    assert not requests, requests  # the page never reaches the network


def scan_seeds(out: Path, *extra: str) -> Path:
    result = runner.invoke(app, ["scan", str(SEEDS), "-q", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def visible_cards(page: Any) -> list[str]:
    return list(page.eval_on_selector_all(".card:not([hidden])", "cs => cs.map(c => c.id)"))


def test_editor_reviews_the_seeds(page: Any, tmp_path: Path, fake_model: CountingEmbedder) -> None:
    html = scan_seeds(tmp_path / "seeds.html")
    page.goto(html.as_uri())
    total = page.locator(".card").count()
    assert total > 0

    page.select_option("#kind", "person_name")
    kinds = page.eval_on_selector_all(".card:not([hidden])", "cs => cs.map(c => c.dataset.kind)")
    assert kinds and set(kinds) == {"person_name"}
    page.select_option("#kind", "")
    assert len(visible_cards(page)) == total

    outlier = page.eval_on_selector("#source", "s => [...s.options].map(o => o.value).find(v => v.startsWith('003_'))")
    page.select_option("#source", outlier)
    sources = page.eval_on_selector_all(".card:not([hidden])", "cs => cs.map(c => c.dataset.sources.split('\\n'))")
    assert 0 < len(sources) < total and all(outlier in s for s in sources)
    page.select_option("#source", "")

    page.fill("#search", "Dong Un")
    found = visible_cards(page)
    assert found and all("Dong Un" in page.inner_text(f"#{c}") for c in found)
    card = page.locator(f"#{found[0]}")

    # open the outlier's article from the sources table: its claims are marked, and the one
    # in conflict links back to the card
    page.click("a.open-source:text-matches('^003_')")
    source = page.locator("#doc-3")
    assert source.is_visible()
    assert source.locator("a.in-conflict").count() >= 1
    assert source.locator(".claim").count() >= 3
    page.go_back()

    # review with the keyboard: focus the first visible card, dismiss it
    page.click("body")
    page.keyboard.press("j")
    assert page.eval_on_selector(".card.current", "c => c.id") == found[0]
    page.keyboard.press("d")
    assert card.get_attribute("data-review") == "dismissed"
    assert page.locator(f"#dismissed-cards #{found[0]}").count() == 1
    card.locator(".note").fill("Un is a typo, checked with the desk")
    card.locator(".note").press("Enter")
    card.locator(".note").blur()

    # decisions survive a reload (stored in the browser for this report)
    page.reload()
    assert page.locator(f"#dismissed-cards [data-key='{card.get_attribute('data-key')}']").count() == 1

    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "decisions.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text())
    key = page.locator("#dismissed-cards .card").first.get_attribute("data-key")
    assert data["decisions"][key]["status"] == "dismissed"
    assert data["decisions"][key]["note"] == "Un is a typo, checked with the desk"

    # a later run applies the exported decisions: the card is in the dismissed section
    rerun = scan_seeds(tmp_path / "again.html", "--decisions", str(exported))
    fresh = page.context.browser.new_context().new_page()
    fresh.goto(rerun.as_uri())
    assert fresh.locator(f"#dismissed-cards [data-key='{key}']").count() == 1
    assert fresh.locator(f"#main-cards [data-key='{key}'], #low-cards [data-key='{key}']").count() == 0
    fresh.context.close()


def synthetic_report(n_conflicts: int) -> Report:
    docs = tuple(
        Document(f"{n:03d}.txt", f"{n:03d}.txt", f"Sentence {n} says the blast killed {10 + n} people.")
        for n in range(8)
    )
    conflicts = []
    for k in range(n_conflicts):
        values = []
        for side, doc in enumerate(docs[:2] if k % 2 else docs[2:5]):
            start = doc.text.index("killed") + 7
            end = doc.text.index(" people")
            ev = Evidence(doc.id, doc.text, 0, len(doc.text), start, end)
            values.append(ConflictValue(doc.text[start:end], f"{k}-{side}", (doc.id,), (ev,)))
        severity = ("high", "medium", "low")[k % 3]
        conflicts.append(
            Conflict(f"k{k + 1}", "number", severity, 0.8, f"people killed: case {k}", "people", tuple(values))
        )
    stats = {
        "documents": len(docs),
        "claims": 0,
        "clusters": 0,
        "conflicts": len(conflicts),
        "by_severity": {s: sum(c.severity == s for c in conflicts) for s in ("high", "medium", "low")},
        "by_kind": {"number": len(conflicts)} if conflicts else {},
        "problems": 0,
    }
    return Report(docs, (), (), tuple(conflicts), (), CheckConfig(), stats, story=f"synthetic-{n_conflicts}")


@pytest.mark.parametrize("n", [0, 300])
def test_empty_and_large_reports_render(page: Any, tmp_path: Path, n: int) -> None:
    path = tmp_path / f"r{n}.html"
    path.write_text(render_html(synthetic_report(n)), encoding="utf-8")
    started = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_selector("#count:not(:empty)")
    elapsed = time.perf_counter() - started
    print(f"\n{n}-conflict page: loaded and scripted in {elapsed * 1000:.0f} ms")  # a figure, not a gate
    assert page.locator(".card").count() == n
    if n == 0:
        assert page.locator("#no-conflicts").is_visible()
    else:
        page.select_option("#severity", "high")
        assert len(visible_cards(page)) == n // 3
        page.keyboard.press("j")
        page.keyboard.press("j")
        assert page.eval_on_selector(".card.current", "c => c.id") == "k4"


def test_keyboard_review_goes_on_to_the_next_undecided_card(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "r9.html"
    path.write_text(render_html(synthetic_report(9)), encoding="utf-8")
    page.goto(path.as_uri())
    current = lambda: page.eval_on_selector(".card.current", "c => c.id")  # noqa: E731
    # shown: high and medium first (k1 k2 k4 k5 k7 k8), then the low ones folded (k3 k6 k9)
    page.click("body")
    page.keyboard.press("j")
    assert current() == "k1"
    page.keyboard.press("d")  # dismissed: it moves to the dismissed section, focus to the card after it
    assert page.locator("#dismissed-cards #k1").count() == 1 and current() == "k2"
    page.keyboard.press("c")
    assert current() == "k4"
    page.keyboard.press("j")
    page.keyboard.press("n")  # needs check on k5: on to k7, past nothing decided
    assert current() == "k7"
    page.keyboard.press("k")
    assert current() == "k5"  # j and k still step through every card shown
    page.keyboard.press("c")  # k5 again: the next undecided after it is k7
    assert current() == "k7"
    # the confirmed badge is a badge, not a bar across the card
    badge = page.locator("#k2 .badge.decision").bounding_box()
    assert badge is not None and 0 < badge["width"] < 150
    # exported decisions carry the summary alone, not the badges run into it
    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "decisions.json"
    download.value.save_as(exported)
    decided = json.loads(exported.read_text())["decisions"]
    assert {d["summary"] for d in decided.values()} == {f"people killed: case {k}" for k in (0, 1, 4)}  # k1 k2 k5
