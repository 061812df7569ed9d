"""The severity model: fitted on evaluation rows, judged on stories held out of the fit, read
back from its data file; a bad file is a clear message."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from claimcheck.conflicts.severity import load_model, read_model
from claimcheck.errors import InputError
from claimcheck.fitting import FitData, Row, fit, held_out, read_rows, write_rows


def _data(stories: int = 20, seed: int = 0) -> FitData:
    """Rows where a real conflict's sentences are alike and its sides uneven, a false one's
    not: a signal a fit must find, with noise so that it is not perfect."""
    rng = random.Random(seed)
    rows: list[Row] = []
    copies: list[tuple[str, str]] = []
    items: dict[str, tuple[str, ...]] = {}
    for s in range(stories):
        story = f"s{s}"
        labelled = s % 2 == 0
        if labelled:
            items[story] = (f"{story}-1",)
        for n in range(12):
            real = labelled and n == 0
            similarity = rng.uniform(0.8, 1.0) if real else rng.uniform(0.3, 0.75)
            signals = {"similarity": similarity, "margin": rng.uniform(0.3, 1.0) if real else rng.uniform(0, 0.6)}
            origin = "labelled" if labelled else "untouched"
            rows.append(Row(story, origin, real, "number", signals, items=(f"{story}-1",) if real else ()))
        for _ in range(3):
            copies.append((story, "number"))
            signals = {"similarity": rng.uniform(0.6, 1.0), "margin": rng.uniform(0.3, 1.0)}
            rows.append(Row(story, "injected", True, "number", signals, copy=len(copies) - 1))
    return FitData(tuple(rows), tuple(copies), items, dict.fromkeys(items, 0))


def test_a_fit_finds_the_signal_and_reports_it_on_held_out_stories() -> None:
    data = _data()
    model, figures = fit(data, "test")
    assert model.weights[model.features.index("similarity")] > 0
    assert 0 < model.medium <= model.high <= 1
    # every figure is of stories the grading model did not see
    assert figures["folds"] == 5 and figures["rows"]["labelled"] == 120
    assert figures["precision_high_medium"] is not None and figures["precision_high_medium"] >= 0.8
    assert figures["noise_p90"] <= 2
    # the signal ranks real labelled cards above false ones on stories the fit did not see
    assert figures["ranking_labelled"] > 0.9
    assert model.fitted["held_out"] == figures
    # a real-looking conflict is graded above a false-looking one
    assert model.probability({"similarity": 0.95, "margin": 0.9}) > model.probability({"similarity": 0.35, "margin": 0})


def test_held_out_grades_come_from_a_fit_without_the_story() -> None:
    # one story whose real rows look false: a fit that saw it could learn it; held out, it is missed
    data = _data()
    odd = [
        Row("odd", "labelled", True, "number", {"similarity": 0.3, "margin": 0.0}, items=("odd-1",)) for _ in range(3)
    ]
    data = FitData(data.rows + tuple(odd), data.copies, {**data.items, "odd": ("odd-1",)}, {**data.must_not_flag})
    figures = held_out(data)
    assert figures["recall_high_medium"] < 1.0
    assert figures["ranking_labelled"] < held_out(_data())["ranking_labelled"]


def test_rows_and_model_round_trip(tmp_path: Path) -> None:
    data = _data(stories=6)
    write_rows(data, tmp_path / "rows.jsonl.gz")
    assert read_rows(tmp_path / "rows.jsonl.gz") == data
    model, _ = fit(data, "test", folds=3)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.as_dict()), encoding="utf-8")
    assert load_model(path) == model


def test_the_shipped_model_is_fitted_with_held_out_figures() -> None:
    model = load_model()
    assert model.features and len(model.features) == len(model.weights)
    assert model.fitted["held_out"]["folds"] >= 2


def test_a_bad_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a severity model"):
        read_model('{"features": ["a"]}', "bad.json")
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(tmp_path), "--severity-model", str(bad)])
    assert result.exit_code == 2
    assert "bad.json: not a severity model" in result.output and "Traceback" not in result.output
