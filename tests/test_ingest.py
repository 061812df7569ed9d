from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from claimcheck.config import CheckConfig
from claimcheck.errors import InputError
from claimcheck.ingest import read_documents
from tests.conftest import write

ARTICLE = "The minister said on Friday that twelve people were hurt in the blast.\n"


def test_reads_text_markdown_and_ids_relative_to_folder(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", ARTICLE)
    write(
        tmp_path,
        "sub/b.md",
        "---\ntitle: B\nsource: example.org\npublished: 2025-11-02\n---\n" + ARTICLE.replace("twelve", "ten"),
    )
    docs, problems = read_documents([tmp_path])
    assert problems == []
    assert [d.id for d in docs] == ["a.txt", "sub/b.md"]
    b = docs[1]
    assert (b.title, b.source, b.published) == ("B", "example.org", dt.date(2025, 11, 2))
    assert b.text.startswith("The minister")  # front matter is not article text


def test_sidecar_metadata(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "a.meta.json", json.dumps({"source": "wire", "published": "2025-11-01T10:00:00Z"}))
    write(tmp_path, "b.txt", ARTICLE.replace("twelve", "nine"))
    docs, _ = read_documents([tmp_path])
    assert [d.id for d in docs] == ["a.txt", "b.txt"]  # the sidecar is not an article
    assert docs[0].source == "wire" and docs[0].published == dt.date(2025, 11, 1)


def test_json_and_jsonl_ids(tmp_path: Path) -> None:
    write(
        tmp_path,
        "many.jsonl",
        "\n".join(json.dumps({"text": ARTICLE + str(n), "source": f"s{n}"}) for n in range(3)) + "\n{bad\n",
    )
    write(tmp_path, "one.json", json.dumps({"text": ARTICLE + "x", "title": "T", "url": "https://e.org/1"}))
    write(tmp_path, "list.json", json.dumps([{"text": ARTICLE + "y"}, {"nope": 1}]))
    docs, problems = read_documents([tmp_path])
    assert [d.id for d in docs] == ["list.json#1", "many.jsonl#1", "many.jsonl#2", "many.jsonl#3", "one.json"]
    assert {p.path for p in problems} == {"list.json#2", "many.jsonl#4"}
    assert all("skipped" in p.message or "needs" in p.message for p in problems)


def test_html_main_text_without_navigation(tmp_path: Path) -> None:
    nav = "".join(f"<li><a href='/s{n}'>Section {n}</a></li>" for n in range(20))
    body = " ".join(["The agency confirmed that three ships left the port of Busan on Monday."] * 3)
    html = f"<html><head><title>Ships leave</title></head><body><nav><ul>{nav}</ul></nav><article><h1>Ships leave</h1><p>{body}</p><p>{ARTICLE}</p></article><footer>© 2025 Example</footer></body></html>"
    write(tmp_path, "page.html", html)
    write(tmp_path, "other.txt", ARTICLE)
    docs, _ = read_documents([tmp_path])
    page = next(d for d in docs if d.id == "page.html")
    assert "three ships" in page.text and "Section 7" not in page.text
    assert page.title == "Ships leave"


def test_bad_files_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    write(tmp_path, "empty.txt", "")
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(
        tmp_path, "latin1.txt", "Le ministre a déclaré que douze personnes étaient blessées à Genève.".encode("latin-1")
    )
    write(tmp_path, "notes.docx", b"PK\x03\x04")
    write(tmp_path, "good.txt", ARTICLE)
    write(tmp_path, "copy.txt", ARTICLE)
    docs, problems = read_documents([tmp_path])
    assert [d.id for d in docs] == ["copy.txt", "latin1.txt"]  # good.txt is a duplicate of copy.txt
    latin = docs[1]
    assert "déclaré" in latin.text and "Genève" in latin.text
    by_path = {p.path: p for p in problems}
    assert "empty" in by_path["empty.txt"].message
    assert "binary" in by_path["binary.txt"].message
    assert "not UTF-8" in by_path["latin1.txt"].message and not by_path["latin1.txt"].skipped
    assert "unsupported" in by_path["notes.docx"].message
    assert "same text as copy.txt" in by_path["good.txt"].message


def test_huge_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "big.txt", ARTICLE * 100)
    write(tmp_path, "small.txt", ARTICLE)
    docs, problems = read_documents([tmp_path], CheckConfig(max_document_bytes=1000))
    assert [d.id for d in docs] == ["small.txt"]
    assert "limit" in problems[0].message and problems[0].path == "big.txt"
    # what to do is something the user can do: no command has a --max-bytes option
    assert "--max-bytes" not in problems[0].message and ".jsonl" in problems[0].message


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_documents([tmp_path / "nope"])


def test_same_relative_path_in_two_folders_keeps_ids_unique(tmp_path: Path) -> None:
    write(tmp_path, "x/story.txt", ARTICLE)
    write(tmp_path, "y/story.txt", ARTICLE.replace("twelve", "nine"))
    docs, _ = read_documents([tmp_path / "x", tmp_path / "y"])
    assert docs[0].id == "story.txt" and docs[1].id == str(tmp_path / "y" / "story.txt")


def test_stdin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode())))
    write(tmp_path, "a.txt", ARTICLE.replace("twelve", "nine"))
    docs, problems = read_documents(["-", tmp_path])
    assert [d.id for d in docs] == ["-", "a.txt"] and problems == []


def test_stdin_that_is_not_utf8_is_read_as_files_are(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Café owner said 12 were hurt.\n".encode("cp1252"))))
    [doc], [note] = read_documents(["-"])
    assert doc.text.startswith("Café owner") and not note.skipped and "not UTF-8" in note.message
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\x00\x01binary")))
    docs, [problem] = read_documents(["-"])
    assert docs == [] and problem.skipped and "binary" in problem.message


def test_a_headline_line_becomes_the_title_when_nothing_else_gives_one(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Lindsay Lohan checks into Betty Ford Center\n\nMay 03, 2013\n" + ARTICLE)
    write(tmp_path, "b.txt", "Officials said the blast hurt twelve people in the town centre.\n" + ARTICLE)
    write(tmp_path, "c.md", "---\ntitle: From the front matter\n---\nMinister Warns Of More Blasts Ahead\n\n" + ARTICLE)
    write(tmp_path, "d.txt", "Weather     Live Markets\n" + ARTICLE)  # navigation, not a headline
    write(tmp_path, "e.txt", "A headline with nothing under it at all")
    docs = {d.id: d for d in read_documents([tmp_path])[0]}
    assert docs["a.txt"].title == "Lindsay Lohan checks into Betty Ford Center"
    assert docs["a.txt"].text.startswith("Lindsay Lohan")  # the text keeps its line: spans stay the file's
    assert docs["b.txt"].title is None  # a sentence, not a headline
    assert docs["c.md"].title == "From the front matter"
    assert docs["d.txt"].title is None and docs["e.txt"].title is None


def test_front_matter_that_is_not_plain_yaml_is_named_not_dropped(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n" + ARTICLE)
    [doc], [note] = read_documents([tmp_path])
    assert not note.skipped and note.path == "a.md" and "not plain YAML front matter" in note.message
    assert ARTICLE.strip() in doc.text  # the article is all there; the tag was never run
