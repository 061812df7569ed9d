"""Paths -> Documents. Every file is either read or reported with a reason; none vanish."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from claimcheck.claims import ENDS_LIKE_SENTENCE, is_headline
from claimcheck.config import CheckConfig
from claimcheck.errors import InputError
from claimcheck.types import Document, Problem

log = logging.getLogger(__name__)
# trafilatura warns "discarding data" on a page it cannot read; what was done with it is ours to say
logging.getLogger("trafilatura").setLevel(logging.ERROR)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
META_SUFFIX = ".meta.json"
META_FIELDS = ("title", "source", "url", "published")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)


def read_documents(
    paths: Iterable[str | Path], config: CheckConfig | None = None
) -> tuple[list[Document], list[Problem]]:
    """Read every supported file under `paths` ("-" reads stdin).

    Raises InputError only when a given path does not exist; unreadable files
    become Problems and the rest are read.
    """
    config = config or CheckConfig()
    documents: list[Document] = []
    problems: list[Problem] = []
    seen_content: dict[str, str] = {}
    seen_ids: set[str] = set()
    for root, path in _expand(paths, problems):
        if path is None:
            # bytes, decoded as files are: a Latin-1 pipe is read with a note, not a traceback
            decoded, note = decode(sys.stdin.buffer.read())
            text = decoded or ""
            found: list[Document] = [Document(id="-", path="-", text=text)] if text.strip() else []
            if decoded is None:
                problems.append(Problem("-", f"standard input {note}; pipe in a text article"))
            elif not found:
                problems.append(Problem("-", "standard input is empty; nothing to scan from it"))
            elif note:
                problems.append(
                    Problem(
                        "-",
                        "standard input is not UTF-8; read as Windows-1252/Latin-1 (pipe in UTF-8 to silence this)",
                        skipped=False,
                    )
                )
        else:
            doc_id = path.name if root == path else path.relative_to(root).as_posix()
            found, file_problems = _read_file(path, doc_id, config)
            problems.extend(file_problems)
        for doc in found:
            digest = hashlib.sha256(doc.text.strip().encode()).hexdigest()
            if digest in seen_content:
                problems.append(
                    Problem(
                        doc.path if doc.id == "-" else doc.id,
                        f"same text as {seen_content[digest]}; skipped so that one article "
                        "does not count as two sources (remove one copy to silence this)",
                    )
                )
                continue
            if doc.id in seen_ids:
                # two folders can hold files with the same relative path: fall back to the full path
                doc = replace(doc, id=doc.path + doc.id.partition("#")[1] + doc.id.partition("#")[2])
            seen_content[digest] = doc.id
            seen_ids.add(doc.id)
            documents.append(doc)
    return documents, problems


def _expand(paths: Iterable[str | Path], problems: list[Problem]) -> Iterator[tuple[Path, Path | None]]:
    """Yield (root, file) pairs in a stable order; (root, None) stands for stdin."""
    for raw in paths:
        if str(raw) == "-":
            yield Path("."), None
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():  # a broken link is reported as a file
            raise InputError(f"{path}: no such file or folder; check the path and try again")
        if path.is_dir():
            files = [f for _, fs in walk_folders(path, problems=problems) for f in fs]
            for file in sorted(f for f in files if not f.name.endswith(META_SUFFIX)):  # sidecars are no articles
                yield path, file
        else:
            yield path, path


def walk_folders(
    root: Path, exclude: Path | None = None, problems: list[Problem] | None = None
) -> Iterator[tuple[Path, list[Path]]]:
    """Every folder under `root` with its files (hidden ones left out, broken links kept so they
    are reported): `root` first, then its subfolders, sorted, depth first. Linked folders are
    followed, but not a link back to a folder the walk is inside, so a loop cannot make it
    endless; a folder that cannot be listed is added to `problems`."""
    skip = os.path.realpath(exclude) if exclude is not None else None

    def unreadable(exc: OSError) -> None:
        if problems is not None:
            where = Path(exc.filename).relative_to(root).as_posix() if exc.filename else str(root)
            problems.append(Problem(where, f"is a folder that cannot be read ({exc.strerror}); check its permissions"))

    for folder, dirs, names in os.walk(root, followlinks=True, onerror=unreadable):
        here = Path(folder)
        inside = {os.path.realpath(here), *map(str, Path(os.path.realpath(here)).parents)}
        dirs[:] = [
            d
            for d in sorted(dirs)
            if not d.startswith(".") and (real := os.path.realpath(here / d)) != skip and real not in inside
        ]
        files = sorted(here / n for n in names if not n.startswith("."))
        if files:
            yield here, files


def sidecar_of(path: Path) -> Path | None:
    """The metadata file beside an article: NAME.meta.json or NAME.txt.meta.json."""
    for candidate in (path.with_name(path.stem + META_SUFFIX), path.with_name(path.name + META_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def _read_file(path: Path, doc_id: str, config: CheckConfig) -> tuple[list[Document], list[Problem]]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        return [], [
            Problem(
                doc_id,
                f"unsupported file type '{suffix or 'none'}'; convert it to .txt, .md, "
                ".html, .json or .jsonl to include it",
            )
        ]
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [], [Problem(doc_id, _unreachable(path, exc))]
    if size > config.max_document_bytes and suffix != ".jsonl":
        return [], [
            Problem(
                doc_id,
                f"file is {size / 1e6:.1f} MB, over the {config.max_document_bytes / 1e6:.0f} MB "
                "limit for one article (no news article is that long); if it holds several, put one "
                "article per file, or one per line of a .jsonl file, which has no limit as a whole",
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(doc_id, f"cannot be read ({exc.strerror}); check its permissions")]
    text, warning = decode(raw)
    if text is None:
        return [], [Problem(doc_id, f"{warning}; it is skipped (if it is an article, save it as plain text)")]
    problems = [Problem(doc_id, warning, skipped=False)] if warning else []
    if suffix in JSON_SUFFIXES:
        docs, json_problems = _read_json(text, doc_id, str(path), jsonl=suffix == ".jsonl", config=config)
        return docs, problems + json_problems
    meta: dict[str, Any] = {}
    if suffix in HTML_SUFFIXES:
        text, meta, note = extract_html(text)
    else:
        text, meta, note = split_front_matter(text)
    if note:
        problems.append(Problem(doc_id, note, skipped=False))
    meta = {**meta, **_sidecar(path, problems, doc_id)}
    if suffix in TEXT_SUFFIXES and not meta.get("title") and (headline := headline_of(text)):
        meta["title"] = headline
    if not text.strip():
        what = "has no main text that could be extracted" if suffix in HTML_SUFFIXES else "is empty"
        return [], [*problems, Problem(doc_id, f"{what}; nothing to scan in it (add the article's text or remove it)")]
    return [_document(doc_id, str(path), text, meta)], problems


def _unreachable(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a link in a loop of links, so there is no file to read; fix or remove the link"
    if path.is_symlink():
        return f"is a link to {os.readlink(path)}, which does not exist; fix or remove the link"
    return f"cannot be read ({exc.strerror}); check that it exists and its permissions"


def decode(raw: bytes) -> tuple[str | None, str]:
    """Decode article bytes; returns (text, warning) or (None, reason) for binary files."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), ""
    if b"\x00" in raw[:8192]:
        return None, "looks binary (contains NUL bytes), not text"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    # Not UTF-8: old newsroom exports are mostly Windows-1252 / Latin-1.
    text = raw.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(text) / 100 or text.count("\ufffd") > len(text) / 100:
        return None, "is neither UTF-8 nor Latin-1 text (looks binary)"
    return text, "is not UTF-8; read as Windows-1252/Latin-1 (save it as UTF-8 to silence this)"


def headline_of(text: str) -> str | None:
    """The first line of a plain-text article when it is a headline over the article (short,
    no sentence's end, more text below it): "Lindsay Lohan checks into Betty Ford Center"."""
    line, newline, rest = text.lstrip().partition("\n")
    line = line.strip().lstrip("#").strip()
    if not newline or not rest.strip() or ENDS_LIKE_SENTENCE.search(line) or not is_headline(line):
        return None
    return line


def split_front_matter(text: str) -> tuple[str, dict[str, Any], str]:
    """Strip YAML front matter, keeping the body's offsets meaningful to the user; the third
    part says why a block that is there gave no metadata ("" when it did, or there is none)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return text, {}, ""
    try:
        # safe_load: a "!!python/..." tag is refused, never run
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        # nothing is lost: the block may be prose between two rules, so it stays article text
        reason = str(exc).splitlines()[0]
        return (
            text,
            {},
            f"starts with a --- block that is not plain YAML front matter ({reason}); it gives no "
            "title, source or date and is read as article text (write it as `key: value` lines)",
        )
    if not isinstance(data, dict):
        return text, {}, ""  # prose between two rules, not metadata
    return text[match.end() :], data, ""


def extract_html(html: str) -> tuple[str, dict[str, Any], str]:
    """Main text and metadata of a web page, navigation and boilerplate dropped, and a note
    when the main text could not be told apart and all the page's visible text was read."""
    import trafilatura  # slow import: only when HTML is scanned

    result = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, favor_precision=True, with_metadata=True
    )
    data = {} if result is None else result.as_dict() if hasattr(result, "as_dict") else dict(result)
    meta = {
        "title": data.get("title"),
        "source": data.get("sitename") or data.get("hostname"),
        "url": data.get("url"),
        "published": data.get("date"),
    }
    meta = {k: v for k, v in meta.items() if v}
    if (data.get("text") or "").strip():
        return data["text"], meta, ""
    # the extractor gives up on some pages (nested deeper than libxml2 reads, some 256
    # elements, or too short for it to trust): their text is read whole rather than lost
    text = _visible_text(html)
    note = (
        "its main text could not be told apart from the rest of the page, so all of its visible text "
        "was read (menus and captions too); save the article as .txt for a cleaner read"
        if text.strip()
        else ""
    )
    return text, meta, note


class _TextOfPage(HTMLParser):
    """The text a browser shows, one line per block; scripts, styles and the head left out."""

    HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})
    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    page = _TextOfPage()
    page.feed(html)
    page.close()
    lines = (" ".join(line.split()) for line in "".join(page.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _sidecar(path: Path, problems: list[Problem], doc_id: str) -> dict[str, Any]:
    candidate = sidecar_of(path)
    if candidate is None:
        return {}
    try:
        data = json.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        # said of the article, which is what a batch's accounts and a report list
        problems.append(
            Problem(doc_id, f"its metadata file {candidate.name} was not read ({exc}); fix the JSON", False)
        )
        return {}
    if isinstance(data, dict):
        return data
    problems.append(Problem(doc_id, f"its metadata file {candidate.name} is not a JSON object; it was ignored", False))
    return {}


def _read_json(
    text: str, doc_id: str, path: str, *, jsonl: bool, config: CheckConfig
) -> tuple[list[Document], list[Problem]]:
    problems: list[Problem] = []
    items: list[tuple[str, Any]] = []
    if jsonl:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"{doc_id}#{n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                problems.append(Problem(f"{doc_id}#{n}", f"is not valid JSON ({exc.msg}); line skipped"))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [Problem(doc_id, f"is not valid JSON ({exc.msg} at line {exc.lineno}); fix or remove it")]
        if isinstance(data, list):
            items = [(f"{doc_id}#{n}", item) for n, item in enumerate(data, 1)]
        else:
            items = [(doc_id, data)]
    docs = []
    for item_id, item in items:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            problems.append(Problem(item_id, 'has no "text" string; each article needs one'))
        elif not item["text"].strip():
            problems.append(Problem(item_id, 'has an empty "text"; nothing to scan in it'))
        elif len(item["text"].encode()) > config.max_document_bytes:
            problems.append(Problem(item_id, "text is over the size limit for one article; split it"))
        else:
            docs.append(_document(item_id, path, item["text"], item))
    if not items and not problems:
        problems.append(Problem(doc_id, "holds no articles; nothing to scan in it"))
    # in the file's order, whichever check found them
    problems.sort(key=lambda p: int(p.path[len(doc_id) + 1 :] or 0) if p.path != doc_id else 0)
    return docs, problems


def _document(doc_id: str, path: str, text: str, meta: dict[str, Any]) -> Document:
    fields = {k: meta.get(k) for k in META_FIELDS}
    return Document(
        id=doc_id,
        path=path,
        text=text,
        title=_str_or_none(fields["title"]),
        source=_str_or_none(fields["source"]),
        url=_str_or_none(fields["url"]),
        published=parse_published(fields["published"]),
    )


def _str_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def parse_published(value: Any) -> dt.date | None:
    """ISO dates, datetimes and YAML dates; anything else is ignored rather than guessed."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        log.warning("published date %r not understood; use YYYY-MM-DD", text)
        return None
