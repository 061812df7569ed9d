from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcheck.cli import app
from tests.conftest import SEEDS, CountingEmbedder, write

runner = CliRunner()


def two_sources(tmp_path: Path) -> Path:
    write(tmp_path, "a.txt", "Admiral Dong Jun said the talks in Malaysia went well for both sides.\n")
    write(tmp_path, "b.txt", "Admiral Dong Un said the talks in Malaysia went well for both sides.\n")
    write(tmp_path, "c.txt", "Defense Minister Dong Jun met his counterpart for talks in Malaysia.\n")
    return tmp_path


def test_scan_writes_each_requested_format(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = two_sources(tmp_path / "story")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["scan", str(folder), "-o", str(out / "r.html"), "-o", str(out / "r.json"), "-o", str(out / "r.csv")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "r.json").read_text())["conflicts"][0]["kind"] == "person_name"
    assert (out / "r.html").read_text().startswith("<!doctype html>")
    assert (out / "r.csv").read_text().startswith("conflict,kind")


def test_summary_and_json_to_stdout(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = two_sources(tmp_path)
    result = runner.invoke(app, ["scan", str(folder)])
    assert result.exit_code == 0
    assert "3 documents" in result.stdout and "Dong Un" in result.stdout
    result = runner.invoke(app, ["scan", str(folder), "--format", "json", "--quiet"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["stats"]["documents"] == 3


def test_fail_on_severity(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = two_sources(tmp_path)
    assert runner.invoke(app, ["scan", str(folder), "--fail-on", "medium"]).exit_code == 1
    assert runner.invoke(app, ["scan", str(folder), "--fail-on", "high"]).exit_code == 0
    assert runner.invoke(app, ["scan", str(folder), "--fail-on", "low"]).exit_code == 1


def test_usage_and_input_errors_exit_2(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    result = runner.invoke(app, ["scan", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["scan", str(two_sources(tmp_path)), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "r.pdf" in result.stderr
    empty = tmp_path / "empty"
    write(empty, "blank.txt", "")
    result = runner.invoke(app, ["scan", str(empty)])
    assert result.exit_code == 2 and "blank.txt" in result.stderr
    assert runner.invoke(app, ["scan", str(tmp_path), "--fail-on", "urgent"]).exit_code == 2


def test_an_output_that_cannot_be_written_is_a_message_not_a_traceback(
    tmp_path: Path, fake_model: CountingEmbedder
) -> None:
    folder = two_sources(tmp_path)
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    for args in (
        ["scan", str(folder), "-o", str(in_the_way / "report.json"), "-q"],
        ["batch", str(tmp_path), "-o", str(in_the_way), "-q", "--jobs", "1"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert str(in_the_way) in result.output and "cannot write there" in result.output
        assert "Traceback" not in result.output
    assert in_the_way.read_text() == "not a folder"  # nothing written over it


def test_bad_files_are_named_and_the_scan_completes(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = two_sources(tmp_path)
    write(folder, "empty.txt", "")
    write(folder, "image.txt", b"\x00\x01\x02binary")
    result = runner.invoke(app, ["scan", str(folder), "--format", "json", "-q"])
    assert result.exit_code == 0
    assert "empty.txt" in result.stderr and "image.txt" in result.stderr
    data = json.loads(result.stdout)
    assert {p["path"] for p in data["problems"]} == {"empty.txt", "image.txt"}
    assert data["stats"]["documents"] == 3


def test_folder_with_one_document(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    write(tmp_path, "only.txt", "Admiral Dong Jun said the talks went well for both sides.\n")
    result = runner.invoke(app, ["scan", str(tmp_path)])
    assert result.exit_code == 0
    assert "only article" in result.stderr and "0 conflicts" in result.stdout


def test_second_scan_embeds_nothing(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    args = ["scan", str(SEEDS), "--cache-dir", str(tmp_path / "c"), "-q"]
    assert runner.invoke(app, args).exit_code == 0
    first = fake_model.texts
    assert first > 100
    assert runner.invoke(app, args).exit_code == 0
    assert fake_model.texts == first


def test_claims_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["claims", str(SEEDS / "004_54508f338c3d60ce.txt")])
    assert result.exit_code == 0
    assert "title        'Chinese Defense Minister Admiral'" not in result.stdout
    assert "'dong jun'" in result.stdout


def test_help_is_fast_and_imports_no_model_library() -> None:
    heavy = ("torch", "sentence_transformers", "spacy", "onnxruntime", "pandas")
    code = f"import sys; from claimcheck.cli import app; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    help_run = subprocess.run(
        [sys.executable, "-m", "claimcheck", "--help"], capture_output=True, text=True, check=True
    )
    assert "scan" in help_run.stdout


def test_decisions_file_problems_are_named(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = two_sources(tmp_path / "story")
    result = runner.invoke(app, ["scan", str(folder), "--decisions", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "nope.json" in result.output and "not found" in result.output


def test_dismissed_conflicts_are_shown_as_dismissed_and_not_counted(
    tmp_path: Path, fake_model: CountingEmbedder
) -> None:
    import json

    folder = two_sources(tmp_path / "story")
    found = json.loads(runner.invoke(app, ["scan", str(folder), "-q", "-f", "json"]).stdout)["conflicts"]
    [name] = [c for c in found if c["kind"] == "person_name" and c["severity"] != "low"]
    decisions = {
        "format": "claimcheck-decisions-1",
        "story": "story",
        "decisions": {name["key"]: {"status": "dismissed"}},
    }
    path = write(tmp_path, "decisions.json", json.dumps(decisions))
    result = runner.invoke(app, ["scan", str(folder), "-q", "--decisions", str(path), "--fail-on", "medium"])
    assert result.exit_code == 0, result.output  # a dismissed card fails nothing
    [head, *lines] = result.stdout.splitlines()
    assert "1 dismissed by a reviewer" in head and f"{len(found) - 1} conflicts" in head
    assert "[dismissed] person_name" in lines[-1] and not any("[medium] person_name" in line for line in lines)
    # a decisions file made for another story says which
    decisions["story"] = "elsewhere"
    decisions["decisions"] = {"k-elsewhere": {"status": "confirmed"}}
    other = write(tmp_path, "other.json", json.dumps(decisions))
    result = runner.invoke(app, ["scan", str(folder), "-q", "--decisions", str(other)])
    assert "made for the story 'elsewhere', not 'story'" in result.stderr


def test_every_command_is_documented_in_the_readme() -> None:
    import typer.main

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", {"": command})
        for sub in subcommands:
            usage = f"claimcheck {name} {sub}".strip()
            assert usage in readme, f"README shows no example of `{usage}`"


def test_help_shows_no_value_after_flags_and_errors_read_plainly() -> None:
    for command in (["scan"], ["batch"], ["query"], ["index", "add"], ["eval"]):
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "160"})
        assert result.exit_code == 0, command
        assert "<bool>" not in result.stdout and "<int>" not in result.stdout.split("--verbose")[-1], command
        assert "-vv" in result.stdout
    bad = runner.invoke(app, ["scan", "x", "--format", "pdf"], env={"COLUMNS": "160"})
    assert bad.exit_code == 2 and "'pdf' is not one of" in bad.output and "Value error" not in bad.output


def test_a_bug_is_one_line_not_a_traceback(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import claimcheck.cli

    def broken() -> None:
        raise KeyError("Daily")

    monkeypatch.setattr(claimcheck.cli, "app", broken)
    with pytest.raises(SystemExit) as stopped:
        claimcheck.cli.main()
    err = capsys.readouterr().err
    assert stopped.value.code == 70 and "Traceback" not in err
    assert "internal error (KeyError: 'Daily')" in err and "CLAIMCHECK_TRACEBACK=1" in err
    monkeypatch.setenv("CLAIMCHECK_TRACEBACK", "1")
    with pytest.raises(KeyError):
        claimcheck.cli.main()
