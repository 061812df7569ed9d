"""Bad input, as a hostile or careless user gives it: each case is run through `scan` and
`batch` beside two good articles, and each must end with the file named, what to do said,
no traceback, and both good articles still checked."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from claimcheck.cli import app
from tests.conftest import CountingEmbedder, write

runner = CliRunner()
GOOD = {
    "a.txt": "Admiral Dong Jun said the talks in Malaysia went well for both sides.\n",
    "b.txt": "Admiral Dong Un said the talks in Malaysia went well for both sides.\n",
}
SENTENCE = "The mayor said 40 people were hurt in the blast on Monday."


@dataclass(frozen=True)
class Bad:
    case: str
    make: Callable[[Path], None]  # writes the bad input into the story's folder
    named: str  # what the message names: the file, or the line of it
    advice: str  # part of what the message says to do; "" when it is read as it should be
    read: bool = False  # whether it is still read (with a note) rather than skipped


def _text(name: str, text: str | bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        write(folder, name, text)

    return make


def _link(name: str, target: str, *loop: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).symlink_to(target)
        for a, b in zip(loop[::2], loop[1::2], strict=True):
            (folder / a).symlink_to(b)

    return make


def _deep_html(folder: Path) -> None:
    write(
        folder, "deep.html", "<html><body>" + "<div>" * 300 + f"<p>{SENTENCE}</p>" + "</div>" * 300 + "</body></html>"
    )


def _unreadable_subfolder(folder: Path) -> None:
    write(folder / "locked", "c.txt", SENTENCE)


def _unreadable_file(folder: Path) -> None:
    write(folder, "locked.txt", SENTENCE)


CASES = [
    Bad("empty", _text("empty.txt", ""), "empty.txt", "add the article's text"),
    Bad("blank", _text("blank.txt", "  \n\n\t\n"), "blank.txt", "add the article's text"),
    Bad("binary", _text("binary.txt", bytes(range(256)) * 20), "binary.txt", "save it as plain text"),
    Bad("utf-16", _text("utf16.txt", ("\ufeff" + SENTENCE).encode("utf-16-le")), "utf16.txt", "", read=True),
    Bad("latin-1", _text("latin1.txt", f"Café {SENTENCE}".encode("latin-1")), "latin1.txt", "save it as UTF-8", True),
    Bad("malformed json", _text("bad.json", '{"text": "x",'), "bad.json", "fix or remove it"),
    Bad("json without text", _text("notext.json", '{"title": "x"}'), "notext.json", 'has no "text"'),
    Bad(
        "malformed jsonl line", _text("bad.jsonl", json.dumps({"text": SENTENCE}) + "\n{oops\n"), "bad.jsonl#2", "line"
    ),
    Bad("link loop", _link("loop1.txt", "loop2.txt", "loop2.txt", "loop1.txt"), "loop1.txt", "fix or remove the link"),
    Bad("dangling link", _link("dangling.txt", "nowhere.txt"), "dangling.txt", "fix or remove the link"),
    Bad("duplicate", _text("copy.txt", GOOD["a.txt"]), "copy.txt", "remove one copy"),
    Bad("unsupported type", _text("notes.pdf", "%PDF-1.4"), "notes.pdf", "convert it to .txt"),
    Bad("over 5 MB", _text("huge.txt", f"{SENTENCE} " * 100_000), "huge.txt", "one article per file"),
    Bad(
        "front matter with a python tag",
        _text("front.md", f'---\ntitle: !!python/object/apply:os.system ["echo hi"]\n---\n{SENTENCE}\n'),
        "front.md",
        "key: value",
        read=True,
    ),
    Bad("HTML nested 300 deep", _deep_html, "deep.html", "save the article as .txt", read=True),
    Bad("HTML with no text", _text("nav.html", "<html><body><nav></nav></body></html>"), "nav.html", "no main text"),
    Bad("a long line with no full stop", _text("nostop.txt", "word " * 400_000), "nostop.txt", "full stop", True),
    Bad("bad sidecar", _text("a.meta.json", "{broken"), "a.txt", "a.meta.json was not read", read=True),
    Bad("unreadable file", _unreadable_file, "locked.txt", "check its permissions"),
    Bad("unreadable subfolder", _unreadable_subfolder, "locked", "check its permissions"),
]


@pytest.fixture(autouse=True)
def _locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files and folders called `locked*` cannot be read, as without permission (tests may
    run as root, whom permissions do not stop)."""
    real_scandir, real_read = os.scandir, Path.read_bytes

    def scandir(path: object = ".") -> object:
        if Path(os.fspath(path)).name == "locked":  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))  # type: ignore[arg-type]
        return real_scandir(path)  # type: ignore[call-overload]

    def read_bytes(self: Path) -> bytes:
        if self.name.startswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def _story(root: Path, bad: Bad) -> Path:
    folder = root / "story"
    for name, text in GOOD.items():
        write(folder, name, text)
    bad.make(folder)
    return folder


def _said(result: Result, caplog: pytest.LogCaptureFixture) -> str:
    """stderr, with the warnings logged there (pytest captures those apart)."""
    return result.stderr + caplog.text


def _no_traceback(result: Result) -> None:
    # an exception that is not a clean exit is a traceback for the user (CliRunner exits 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


@pytest.mark.parametrize("bad", CASES, ids=[b.case for b in CASES])
def test_scan_names_the_bad_input_and_checks_the_rest(tmp_path: Path, fake_model: CountingEmbedder, bad: Bad) -> None:
    folder = _story(tmp_path, bad)
    result = runner.invoke(app, ["scan", str(folder), "-q", "--format", "json"])
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    documents = {d["id"] for d in report["documents"]}
    assert set(GOOD) <= documents  # the rest is checked
    assert report["conflicts"]  # Dong Jun against Dong Un, whatever lies beside them
    said = {p["path"]: p["message"] for p in report["problems"]}
    if bad.advice:
        assert bad.named in said and bad.advice in said[bad.named], said
        assert f"claimcheck: {bad.named}: " in result.stderr
    else:
        assert bad.named not in said
    if bad.read:
        assert any(d == bad.named or d.startswith(f"{bad.named}#") for d in documents)


@pytest.mark.parametrize("bad", CASES, ids=[b.case for b in CASES])
def test_batch_accounts_for_the_bad_input_and_checks_the_rest(
    tmp_path: Path, fake_model: CountingEmbedder, bad: Bad
) -> None:
    root, out = tmp_path / "root", tmp_path / "out"
    _story(root, bad)
    write(root / "other", "a.txt", GOOD["a.txt"])
    write(root / "other", "b.txt", GOOD["b.txt"].replace("Malaysia", "Vietnam"))
    result = runner.invoke(app, ["batch", str(root), "-o", str(out), "-q", "--jobs", "1"])  # patches hold here
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    info = json.loads((out / "run.json").read_text())
    stories = {s["name"]: s for s in info["stories"]}
    assert {s["status"] for s in stories.values()} == {"done"} and set(stories) == {"story", "other"}
    files = {f["path"]: f for f in stories["story"]["files"]}
    assert all(files[name]["read"] == 1 for name in GOOD)
    said = {p["path"]: p["message"] for f in files.values() for p in f["problems"]}
    said |= {u["path"].removeprefix("story/"): u["message"] for u in info["unassigned"]}
    if bad.advice:
        assert bad.named in said and bad.advice in said[bad.named], said
        assert f"{bad.named}: " in result.stderr
    if bad.read:
        assert any(f["read"] for name, f in files.items() if bad.named.startswith(name))


# --- bad runs: what is wrong is the stdin, the output, a decisions file, the cache, a manifest -----


def _two(root: Path) -> Path:
    for name, text in GOOD.items():
        write(root, name, text)
    return root


def test_stdin_that_is_not_utf8(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = _two(tmp_path / "story")
    result = runner.invoke(app, ["scan", "-", str(folder), "-q"], input=f"Café {SENTENCE}\n".encode("cp1252"))
    _no_traceback(result)
    assert result.exit_code == 0 and "-: standard input is not UTF-8" in result.stderr
    assert "3 documents" in result.stdout


@pytest.mark.parametrize(
    ("case", "decisions", "advice"),
    [
        ("nested 100,000 deep", "[" * 100_000 + "]" * 100_000, "Export decisions"),
        ("not JSON", "{oops", "Export decisions"),
        (
            "unknown status",
            json.dumps({"format": "claimcheck-decisions-1", "decisions": {"k": {"status": "maybe"}}}),
            "",
        ),
    ],
)
def test_bad_decisions_files(
    tmp_path: Path,
    fake_model: CountingEmbedder,
    caplog: pytest.LogCaptureFixture,
    case: str,
    decisions: str,
    advice: str,
) -> None:
    folder = _two(tmp_path / "story")
    path = write(tmp_path, "decisions.json", decisions)
    result = runner.invoke(app, ["scan", str(folder), "-q", "--decisions", str(path)])
    _no_traceback(result)
    assert "decisions.json" in _said(result, caplog) and advice in _said(result, caplog)
    assert result.exit_code in (0, 2)
    root = tmp_path / "root"
    _two(root / "one")
    _two(root / "two")
    write(tmp_path / "decided", "decisions-one.json", decisions)  # a batch takes a folder, a file per story
    args = ["batch", str(root), "-o", str(tmp_path / "out"), "-q", "--decisions", str(tmp_path / "decided")]
    batch = runner.invoke(app, args)
    _no_traceback(batch)
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    statuses = {s["name"]: s["status"] for s in info["stories"]}
    assert statuses["two"] == "done" and statuses["one"] in ("done", "failed")  # the other story is checked
    assert "decisions-one.json" in _said(batch, caplog) + json.dumps(info)


def test_outputs_that_cannot_be_written(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    folder = _two(tmp_path / "story")
    a_file = write(tmp_path, "taken", "x")
    for args in (
        ["scan", str(folder), "-q", "-o", str(a_file / "report.html")],
        ["batch", str(tmp_path), "-q", "-o", str(a_file)],
        ["query", "Dong Jun went to Malaysia", str(folder), "-q", "-o", str(a_file / "answer.json")],
    ):
        result = runner.invoke(app, args)
        _no_traceback(result)
        assert result.exit_code == 2 and "taken" in result.stderr, (args, result.output)


def test_a_damaged_cache(tmp_path: Path, fake_model: CountingEmbedder, caplog: pytest.LogCaptureFixture) -> None:
    folder = _two(tmp_path / "story")
    cache = tmp_path / "cache"
    write(cache, "embeddings.sqlite", os.urandom(100_000))
    result = runner.invoke(app, ["scan", str(folder), "-q", "--cache-dir", str(cache)])
    _no_traceback(result)
    assert result.exit_code == 0 and "1 conflicts" in result.stdout
    assert "not a readable cache" in _said(result, caplog) and list(cache.glob("embeddings.sqlite.damaged-*"))


def test_a_manifest_with_a_bad_first_line(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    root = tmp_path / "root"
    _two(root / "talks")
    lines = ["{not json", json.dumps({"story": "talks", "paths": ["talks"]})]
    write(root, "stories.jsonl", "\n".join(lines) + "\n")
    result = runner.invoke(app, ["batch", str(root), "-o", str(tmp_path / "out"), "-q"])
    _no_traceback(result)
    assert result.exit_code == 0 and "stories.jsonl line 1" in result.stderr
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert [s["name"] for s in info["stories"]] == ["talks"]  # the good line is run


def test_an_unreadable_folder_under_a_manifest(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    root = tmp_path / "root"
    _two(root / "talks")
    write(root / "talks" / "locked", "c.txt", SENTENCE)
    write(root, "stories.jsonl", json.dumps({"story": "talks", "paths": ["talks"]}) + "\n")
    result = runner.invoke(app, ["batch", str(root), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    _no_traceback(result)
    assert result.exit_code == 0 and result.stderr.count("talks/locked: is a folder that cannot be read") == 1


def test_empty_and_missing_inputs_name_what_was_given(tmp_path: Path, fake_model: CountingEmbedder) -> None:
    (tmp_path / "empty").mkdir()
    for args, says in (
        (["scan", str(tmp_path / "empty")], f"{tmp_path / 'empty'}: no readable articles found"),
        (["scan", str(tmp_path / "missing")], "missing"),
        (["query", "Dong Jun went to Malaysia", str(tmp_path / "empty")], "empty: no readable articles found"),
    ):
        result = runner.invoke(app, args)
        _no_traceback(result)
        assert result.exit_code == 2 and says in result.stderr, (args, result.stderr)
    one = _two(tmp_path / "one")
    (one / "b.txt").unlink()
    result = runner.invoke(app, ["scan", str(one), "-q"])
    assert result.exit_code == 0 and "a.txt: is the only article" in result.stderr
