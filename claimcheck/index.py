"""The claim index: stories, documents, claims (spans, values, vectors) in one SQLite file.

Written by `claimcheck index add`, read by `claimcheck query --db`. Safe for several
processes: writes take SQLite's write lock for their whole transaction (a second writer
waits, up to `timeout`), readers never block. Removing a story or a document removes its
claims and values through foreign keys, so nothing is left behind.

Nearest-neighbour search is exact (one matrix product) up to `ann_min_claims` claims. Above
that, a faiss inverted-file index lives beside the database (`<db>.ann`); every write
stamps a new generation into the database and into that file, so an index file that some
crash or older process left behind is noticed and rebuilt rather than trusted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claimcheck.ann import build_ivf, probes
from claimcheck.config import CheckConfig
from claimcheck.errors import ClaimcheckError, InputError, ModelError
from claimcheck.types import Claim, Document, Frame, Value

log = logging.getLogger(__name__)

# Each entry moves a database from version N to N+1; `pragma user_version` records N.
# Append, never edit: databases in the field are at every version ever released.
MIGRATIONS: list[str] = [
    """
    create table meta (key text primary key, value text not null);
    create table stories (
        id integer primary key,
        name text not null unique,
        path text not null,
        added text not null
    );
    create table documents (
        id integer primary key,
        story_id integer not null references stories(id) on delete cascade,
        name text not null,
        path text not null,
        sha256 text not null,
        title text, source text, url text, published text,
        added text not null,
        unique (story_id, name)
    );
    create table claims (
        id integer primary key,
        document_id integer not null references documents(id) on delete cascade,
        position integer not null,
        text text not null,
        start integer not null,
        end integer not null,
        vector blob not null
    );
    create index claims_document on claims(document_id);
    create table claim_values (
        claim_id integer not null references claims(id) on delete cascade,
        kind text not null,
        text text not null,
        normalized text not null,
        start integer not null,
        end integer not null,
        role text not null,
        parents text not null
    );
    create index claim_values_claim on claim_values(claim_id);
    """,
    # what each value is of, from the parse (frames.py): claims indexed before keep no frames
    # and are compared as before, without slots; `index add` again gives them their frames
    """
    alter table claim_values add column frame integer not null default -1;
    alter table claim_values add column slot text not null default '';
    alter table claims add column frames text not null default '[]';
    """,
    # who does what a place, date or figure is of (frames.py): values indexed before have none
    # and are compared as before; `index add` again reads them
    """
    alter table claim_values add column agents text not null default '[]';
    """,
]


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A claim as the index holds it, with where it came from."""

    id: int  # row id in the index
    story: str
    document: Document  # metadata only; the text stays in the source file
    claim: Claim


@dataclass(frozen=True, slots=True)
class _Ann:
    """An approximate index and the database state it was built from."""

    generation: str
    index: Any  # faiss.IndexIVFFlat
    trained: int  # claims when its lists were trained
    ids: np.ndarray  # claim ids it holds, sorted


@dataclass(frozen=True, slots=True)
class StoryInfo:
    name: str
    path: str
    documents: int
    claims: int
    added: str


class ClaimIndex:
    """Not a dataclass: it owns a database connection and an optional ANN index."""

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float = 60.0,
        ann_min_claims: int | None = None,
        read_only: bool = False,
    ) -> None:
        """`read_only` opens it for queries: no write is tried, so an index in a folder this
        user cannot write (or on a read-only mount) is searched all the same. Opened to be
        written, a file index is checked for damage first, so that nothing is added to one."""
        self.path = str(path)
        self.memory = self.path == ":memory:"
        self.read_only = read_only and not self.memory
        self.ann_min_claims = CheckConfig().ann_min_claims if ann_min_claims is None else ann_min_claims
        self._ann: _Ann | None = None  # the approximate index as this process last saw it
        self._exact: tuple[str | None, str | None, np.ndarray, np.ndarray] | None = (
            None  # generation, story, ids, vectors
        )
        if not self.memory:
            target = Path(self.path)
            if target.is_dir():
                raise InputError(f"{target}: is a folder; pass a database file path with --db, e.g. claims.db")
            if not target.parent.exists():
                raise InputError(f"{target}: the folder {target.parent} does not exist; create it first")
        try:
            if self.read_only:
                self._db = self._connect_read_only(timeout)
                if self.schema_version < len(MIGRATIONS):  # an older index: upgrading it once is a write
                    self._db.close()
                    self.read_only = False
            if not self.read_only:
                # isolation_level None: transactions are begun explicitly, so a writer can take the
                # write lock up front (BEGIN IMMEDIATE) instead of failing halfway through
                self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
                if not self.memory:
                    self._db.execute("pragma journal_mode = wal")  # readers go on while one process writes
                    self._refuse_damaged()
            self._db.execute("pragma foreign_keys = on")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from None

    def _connect_read_only(self, timeout: float) -> sqlite3.Connection:
        uri = Path(self.path).resolve().as_uri()
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
        try:
            db.execute("pragma user_version").fetchone()
        except sqlite3.OperationalError as exc:
            if "unable to open" not in str(exc):
                raise
            # a WAL index whose shared-memory file is gone cannot be read where that file
            # cannot be made again (a folder this user cannot write); nothing can be writing
            # to it there either, so it is read as a file that does not change
            db.close()
            db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout, isolation_level=None)
        return db

    def _refuse_damaged(self) -> None:
        """SQLite's quick check (every page read once, a fraction of what embedding costs):
        claims added to a damaged index would be lost with it."""
        problems = self.integrity(quick=True)
        if problems:
            raise InputError(
                f"{self.path}: damaged ({problems[0]}); nothing was written to it. Move it aside and rebuild "
                "it with `claimcheck index add FOLDER --db` on its stories"
            )

    def integrity(self, *, quick: bool = False) -> list[str]:
        """What SQLite's integrity check finds wrong with the file; empty when it is sound."""
        rows = self._db.execute("pragma quick_check" if quick else "pragma integrity_check").fetchall()
        return [str(r[0]) for r in rows if r[0] != "ok"]

    # --- schema -------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("pragma user_version").fetchone()[0]
        if version == len(MIGRATIONS):
            return
        if version > len(MIGRATIONS):
            raise ClaimcheckError(
                f"{self.path}: made by a newer claimcheck (index schema {version}, this one reads up to "
                f"{len(MIGRATIONS)}); upgrade claimcheck to use it"
            )
        with self._write():
            version = self._db.execute("pragma user_version").fetchone()[0]  # another process may have migrated
            if version == 0 and self._db.execute("select count(*) from sqlite_master").fetchone()[0]:
                raise InputError(f"{self.path}: an SQLite database, but not a claimcheck index; pass another --db")
            for step in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                log.info("%s: index schema %d -> %d", self.path, step, step + 1)
            self._db.execute(f"pragma user_version = {len(MIGRATIONS)}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("pragma user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taking the lock first: a second writer waits here."""
        try:
            self._db.execute("begin immediate")
        except sqlite3.OperationalError as exc:
            raise database_error(self.path, exc) from None
        try:
            yield
        except BaseException:
            self._db.execute("rollback")
            raise
        try:
            self._db.execute("commit")
        except sqlite3.DatabaseError as exc:
            raise database_error(self.path, exc) from None

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("select value from meta where key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("insert or replace into meta values (?, ?)", (key, value))

    @property
    def model(self) -> str | None:
        """The model whose vectors the index holds; None while it is empty."""
        return self._meta("model")

    def check_model(self, model: str) -> None:
        built = self.model
        if built is not None and built != model:
            raise ModelError(
                f"{self.path} was built with the model '{built}', not '{model}': vectors of two models cannot be "
                f"compared. Use --model {built}, or build another index with --db"
            )

    # --- writing ------------------------------------------------------------------

    def document_hashes(self, story: str) -> dict[str, str]:
        rows = self._db.execute(
            "select d.name, d.sha256 from documents d join stories s on s.id = d.story_id where s.name = ?", (story,)
        )
        return dict(rows.fetchall())

    def put_documents(
        self,
        story: str,
        root: str,
        documents: Sequence[tuple[Document, str, Sequence[Claim]]],
        vectors: np.ndarray,
        model: str,
    ) -> None:
        """Add or replace documents (each with its content hash and claims) in one transaction.

        `vectors` holds one row per claim, in the order the claims are given.
        """
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        vectors = np.asarray(vectors, dtype=np.float32)
        with self._write():
            self.check_model(model)  # again inside the lock: another process may have just set it
            dim = self._meta("dim")
            if len(vectors) and dim is not None and int(dim) != vectors.shape[1]:
                raise ModelError(f"{self.path} holds {dim}-dimensional vectors; these have {vectors.shape[1]}")
            if self.model is None and len(vectors):
                self._set_meta("model", model)
                self._set_meta("dim", str(vectors.shape[1]))
            self._db.execute(
                "insert into stories (name, path, added) values (?, ?, ?) on conflict(name) do update set path = ?",
                (story, root, now, root),
            )
            story_id = self._db.execute("select id from stories where name = ?", (story,)).fetchone()[0]
            self._db.executemany(
                "delete from documents where story_id = ? and name = ?", [(story_id, d.id) for d, _, _ in documents]
            )
            row = 0
            for doc, sha, claims in documents:
                cur = self._db.execute(
                    "insert into documents (story_id, name, path, sha256, title, source, url, published, added) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        story_id,
                        doc.id,
                        doc.path,
                        sha,
                        doc.title,
                        doc.source,
                        doc.url,
                        doc.published.isoformat() if doc.published else None,
                        now,
                    ),
                )
                doc_row = cur.lastrowid
                for position, claim in enumerate(claims):
                    cur = self._db.execute(
                        "insert into claims (document_id, position, text, start, end, vector, frames) "
                        "values (?, ?, ?, ?, ?, ?, ?)",
                        (
                            doc_row,
                            position,
                            claim.text,
                            claim.span[0],
                            claim.span[1],
                            vectors[row].tobytes(),
                            json.dumps([dataclasses.astuple(f) for f in claim.frames]),
                        ),
                    )
                    claim_row = int(cur.lastrowid or 0)
                    self._db.executemany(
                        "insert into claim_values (claim_id, kind, text, normalized, start, end, role, parents, "
                        "frame, slot, agents) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            (
                                claim_row,
                                v.kind,
                                v.text,
                                v.normalized,
                                *v.span,
                                v.role,
                                json.dumps(v.parents),
                                v.frame,
                                v.slot,
                                json.dumps(v.agents),
                            )
                            for v in claim.values
                        ],
                    )
                    row += 1
            self._after_write()

    def remove(self, story: str, document: str | None = None) -> int:
        """Remove a story, or one of its documents; returns the number of documents removed.

        A story left without documents goes too.
        """
        with self._write():
            row = self._db.execute("select id from stories where name = ?", (story,)).fetchone()
            if row is None:
                raise InputError(f"no story '{story}' in {self.path}; `claimcheck index ls --db PATH` lists them")
            where, params = "d.story_id = ?", [row[0]]
            if document is not None:
                where += " and d.name = ?"
                params.append(document)
            count = self._db.execute(f"select count(*) from documents d where {where}", params).fetchone()[0]
            if not count:
                raise InputError(f"no document '{document}' in story '{story}' of {self.path}")
            self._db.execute(f"delete from documents where id in (select d.id from documents d where {where})", params)
            self._db.execute("delete from stories where id not in (select story_id from documents)")
            self._after_write()
        return int(count)

    # --- reading ------------------------------------------------------------------

    def stories(self) -> list[StoryInfo]:
        rows = self._db.execute(
            """select s.name, s.path, s.added,
                      (select count(*) from documents d where d.story_id = s.id),
                      (select count(*) from claims c join documents d on d.id = c.document_id where d.story_id = s.id)
               from stories s order by s.name"""
        )
        return [StoryInfo(name, path, docs, claims, added) for name, path, added, docs, claims in rows]

    def documents(self, story: str) -> list[str]:
        rows = self._db.execute(
            "select d.name from documents d join stories s on s.id = d.story_id where s.name = ? order by d.name",
            (story,),
        )
        return [r[0] for r in rows]

    def count(self, story: str | None = None) -> int:
        if story is None:
            return int(self._db.execute("select count(*) from claims").fetchone()[0])
        return int(
            self._db.execute(
                "select count(*) from claims c join documents d on d.id = c.document_id "
                "join stories s on s.id = d.story_id where s.name = ?",
                (story,),
            ).fetchone()[0]
        )

    def fetch(self, ids: Iterable[int]) -> dict[int, StoredClaim]:
        """Claims by row id, with their values, document and story."""
        ids = list(dict.fromkeys(ids))
        found: dict[int, StoredClaim] = {}
        values: dict[int, list[Value]] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            for claim_id, kind, text, norm, start, end, role, parents, frame, slot, agents in self._db.execute(
                "select claim_id, kind, text, normalized, start, end, role, parents, frame, slot, agents "
                f"from claim_values where claim_id in ({marks})",
                chunk,
            ):
                values.setdefault(claim_id, []).append(
                    Value(
                        kind,
                        text,
                        norm,
                        (start, end),
                        role,
                        tuple(json.loads(parents)),
                        frame,
                        slot,
                        tuple((k, n) for k, n in json.loads(agents)),
                    )
                )
            rows = self._db.execute(
                f"""select c.id, c.position, c.text, c.start, c.end, c.frames, s.name, d.name, d.path, d.title,
                           d.source, d.url, d.published
                    from claims c join documents d on d.id = c.document_id join stories s on s.id = d.story_id
                    where c.id in ({marks})""",
                chunk,
            )
            for cid, pos, text, start, end, frames, story, name, path, title, source, url, published in rows:
                document = Document(
                    name, path, "", title, source, url, dt.date.fromisoformat(published) if published else None
                )
                claim = Claim(
                    f"{name}:{pos}",
                    name,
                    text,
                    (start, end),
                    tuple(sorted(values.get(cid, []), key=_order)),
                    frames=tuple(_frame(f) for f in json.loads(frames)),
                )
                found[cid] = StoredClaim(cid, story, document, claim)
        return found

    def documents_of(self, ids: Iterable[int]) -> dict[int, int]:
        """Claim id -> document row id."""
        found: dict[int, int] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(f"select id, document_id from claims where id in ({marks})", chunk))
        return found

    def people_in(self, documents: Iterable[int]) -> list[tuple[int, str]]:
        """(claim id, normalized name) of every person named in these documents (row ids)."""
        found: list[tuple[int, str]] = []
        for chunk in _chunks(sorted(set(documents)), 500):
            marks = ",".join("?" * len(chunk))
            found += self._db.execute(
                f"""select v.claim_id, v.normalized from claim_values v join claims c on c.id = v.claim_id
                    where c.document_id in ({marks}) and v.kind in ('person', 'name') and v.role != 'former'""",
                chunk,
            ).fetchall()
        return found

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        by_id: dict[int, bytes] = {}
        for chunk in _chunks(list(ids), 500):
            by_id.update(
                self._db.execute(
                    f"select id, vector from claims where id in ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
        return np.stack([np.frombuffer(by_id[i], dtype=np.float32) for i in ids])

    # --- search -------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int, story: str | None = None) -> tuple[list[tuple[int, float]], str, int]:
        """The k claims closest to a unit vector, (row id, cosine), closest first; how they were
        found ("exact" or "approximate"); and how many claims were searched."""
        index = self.refresh_ann() if story is None else None
        if index is not None:
            index.nprobe = probes(index.nlist)  # not saved with a loaded index
            sims, ids = index.search(vector.reshape(1, -1).astype(np.float32), k)
            hits = [(int(i), float(s)) for i, s in zip(ids[0], sims[0], strict=True) if i >= 0]
            return hits, "approximate", int(index.ntotal)
        generation = self._meta("generation")
        if self._exact is None or self._exact[:2] != (generation, story):
            self._exact = (generation, story, *self._matrix(story))
        ids, matrix = self._exact[2], self._exact[3]
        if not len(ids):
            return [], "exact", 0
        scores = matrix @ vector.astype(np.float32)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(ids[i]), float(scores[i])) for i in top], "exact", len(ids)

    def _matrix(self, story: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        if story is None:
            rows = self._db.execute("select id, vector from claims order by id").fetchall()
        else:
            rows = self._db.execute(
                """select c.id, c.vector from claims c join documents d on d.id = c.document_id
                   join stories s on s.id = d.story_id where s.name = ? order by c.id""",
                (story,),
            ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        return ids, matrix

    # --- the approximate index ----------------------------------------------------

    @property
    def ann_path(self) -> Path:
        return Path(self.path + ".ann")

    def _after_write(self) -> None:
        """Inside every write transaction: a new generation tells ANN files they are behind."""
        self._set_meta("generation", uuid.uuid4().hex)

    def refresh_ann(self) -> Any | None:
        """The approximate index, brought in step with the database; None below `ann_min_claims`.

        Writers never touch the ANN file: it is a cache, refreshed here (after `index add`,
        or by the first search that finds it behind), in place where it can be: claims
        removed since are dropped from it and new ones added, and the lists are trained
        again only when the index has grown fourfold since they were.
        """
        if self._ann is not None and self._ann.generation == self._meta("generation"):
            return self._ann.index  # the common case: one indexed lookup per query
        self._db.execute("begin")  # one snapshot: the generation, ids and vectors agree
        try:
            generation = self._meta("generation") or ""
            count = self.count()
            if count < self.ann_min_claims:
                if not self.memory and not self.read_only and self.ann_path.exists():
                    self.ann_path.unlink()
                self._ann = None
                return None
            if self._ann is not None and self._ann.generation == generation:
                return self._ann.index
            known = self._ann or self._load_ann()
            if known is not None and known.generation == generation:
                self._ann = known
                return known.index
            ids = np.fromiter((r[0] for r in self._db.execute("select id from claims order by id")), dtype=np.int64)
            if known is not None and known.trained * 4 >= count:
                index, trained = known.index, known.trained
                gone, new = np.setdiff1d(known.ids, ids), np.setdiff1d(ids, known.ids)
                if len(gone):
                    index.remove_ids(gone)
                if len(new):
                    index.add_with_ids(np.ascontiguousarray(self.vectors(new.tolist())), new)
                log.info("%s: approximate index updated (%d removed, %d added)", self.path, len(gone), len(new))
            else:
                log.info("%s: building the approximate index over %d claims", self.path, count)
                index, trained = self._build_ann(), count
            self._ann = _Ann(generation, index, trained, ids)
        finally:
            self._db.execute("commit")
        if not self.memory and not self.read_only:  # a query leaves it for the next `index add`
            try:
                self._save_ann(self._ann)
            except OSError as exc:  # a read-only folder: search works, the next process rebuilds again
                log.warning("could not save %s (%s)", self.ann_path, exc)
        return self._ann.index

    def _build_ann(self) -> Any:
        ids, matrix = self._matrix()
        return build_ivf(matrix, ids)

    def _load_ann(self) -> _Ann | None:
        if not self.ann_path.exists():
            return None
        import faiss

        try:
            with np.load(self.ann_path) as data:
                return _Ann(
                    str(data["generation"]), faiss.deserialize_index(data["index"]), int(data["trained"]), data["ids"]
                )
        except Exception as exc:  # a damaged file is only a cache: rebuild it
            log.warning("%s: unreadable (%s); rebuilding", self.ann_path, exc)
            return None

    def _save_ann(self, ann: _Ann) -> None:
        import faiss

        tmp = self.ann_path.with_name(f"{self.ann_path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.tmp")
        with tmp.open("wb") as fh:
            np.savez(
                fh,
                index=faiss.serialize_index(ann.index),
                generation=np.array(ann.generation),
                trained=np.array(ann.trained),
                ids=ann.ids,
            )
        os.replace(tmp, self.ann_path)  # atomic: a reader sees the old file or the new one

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ClaimIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _frame(stored: list[Any]) -> Frame:
    predicate, negated, subject, obj, status, span = stored
    # indexes written before a negated frame kept its mood stored "not" for it
    mood = "happened" if status == "not" else status
    return Frame(predicate, bool(negated), subject, obj, mood, (int(span[0]), int(span[1])))


def _order(v: Value) -> tuple[tuple[int, int], str]:
    return v.span, v.kind


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):  # SQLite bounds the number of parameters per statement
        yield items[i : i + size]


def database_error(path: str, exc: sqlite3.DatabaseError) -> ClaimcheckError:
    """What went wrong with the index at `path`, and what to do, for the user."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return ClaimcheckError(
            f"{path}: busy; another claimcheck process is writing to it and did not finish in time. "
            "Try again when it has finished"
        )
    if "not a database" in text or "malformed" in text or "disk image" in text:
        return InputError(
            f"{path}: not a readable claimcheck index ({text}); pass another --db, or move the file aside and "
            "rebuild it with `claimcheck index add FOLDER --db` on its stories"
        )
    if "readonly" in text or "read-only" in text:
        return InputError(f"{path}: cannot be written here ({text}); `index add` and `index rm` need write access")
    return ClaimcheckError(f"{path}: {text}")
