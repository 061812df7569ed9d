"""The data that flows between stages: immutable, hashable, no I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from claimcheck.config import CheckConfig

VALUE_KINDS = ("person", "title", "organisation", "place", "date", "number", "polarity", "status", "quote")
CONFLICT_KINDS = (
    "person_name",
    "title",
    "role_holder",
    "date",
    "number",
    "place",
    "organisation",
    "polarity",
    "status",
    "quote",
)
SEVERITIES = ("high", "medium", "low")
# what a claim says of an event, negated or not (Frame.negated): it happened, it is expected or
# planned, it is alleged (by someone the claim names or "reportedly"), it is denied
STATUSES = ("happened", "expected", "alleged", "denied")


@dataclass(frozen=True, slots=True)
class Document:
    id: str  # path relative to the scanned folder; "file.jsonl#N" for the Nth line
    path: str  # where it was read from
    text: str
    title: str | None = None
    source: str | None = None  # outlet, e.g. "reuters.com"
    url: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Value:
    kind: str  # one of VALUE_KINDS
    text: str  # as written: "Adm. Dong Un"
    normalized: str  # as compared: "dong un"
    span: tuple[int, int]  # character offsets in the document
    # What the value is about, by kind: a title's holder (normalized person name),
    # a number's unit noun, a date's granularity, a quote's speaker, a negated verb,
    # "administration" for a person named as the head of one.
    role: str = ""
    # Wider context: a place's containing places, a title's or person's country.
    parents: tuple[str, ...] = ()
    # What the value is of, from the parse: the index of its predicate in the claim's frames
    # (-1 when unknown), and the slot it fills there ("nsubj", "dobj", "loc", "time", "of", ...)
    frame: int = -1
    slot: str = ""
    # Who does what a place, date or number is of, as the claim writes them, with their kind:
    # ("person", "trump"), ("person", "xi jinping") for "in Busan" in "negotiations between
    # Trump and Xi Jinping in Busan"; () when the parse names nobody.
    agents: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Frame:
    """A predicate of a claim with its arguments, read from the parse."""

    predicate: str  # lemma: "kill", "meet", "resume"
    negated: bool  # "did not meet", "never resumed"
    subject: str  # lemma of its subject's head word: "hegseth", "talk"; "" when none
    object: str  # lemma of its direct object's head word; "" when none
    # what the claim says of the event: one of STATUSES
    status: str = "happened"
    span: tuple[int, int] = (0, 0)  # the predicate word, document offsets


@dataclass(frozen=True, slots=True)
class Claim:
    id: str  # "<document id>:<index>"
    document_id: str
    text: str
    span: tuple[int, int]  # character offsets in the document
    values: tuple[Value, ...] = ()
    headline: bool = False  # the article's first line, written as a headline rather than a sentence
    frames: tuple[Frame, ...] = ()  # its predicates, from the parse: what its values are of


@dataclass(frozen=True, slots=True)
class Cluster:
    """One claim and its closest counterpart in each other source."""

    id: str
    claim_ids: tuple[str, ...]  # the centre first
    similarities: tuple[float, ...]  # cosine of each member to the centre (1.0 for the centre)


@dataclass(frozen=True, slots=True)
class Evidence:
    document_id: str
    text: str  # the claim sentence
    start: int  # claim span in the document
    end: int
    value_start: int  # the differing value's span in the document
    value_end: int


@dataclass(frozen=True, slots=True)
class ConflictValue:
    value: str  # the most common surface form
    normalized: str
    document_ids: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    kind: str  # one of CONFLICT_KINDS
    severity: str  # one of SEVERITIES
    confidence: float  # in [0, 1]
    summary: str
    subject: str  # whom or what the values describe: "Pete Hegseth", "people killed"
    values: tuple[ConflictValue, ...]  # majority first
    cluster_id: str | None = None  # None for story-wide entity checks
    # the evidence the severity model weighed (conflicts/severity.py), name -> value
    signals: tuple[tuple[str, float], ...] = ()

    @property
    def key(self) -> str:
        """Stable across re-runs on the same documents (ids are ranks and change): review
        decisions are matched by it."""
        values = "|".join(sorted(v.normalized for v in self.values))
        return hashlib.sha1(f"{self.kind}|{self.subject.lower()}|{values}".encode()).hexdigest()[:16]

    @property
    def majority(self) -> ConflictValue:
        return self.values[0]

    @property
    def minority(self) -> tuple[ConflictValue, ...]:
        return self.values[1:]


@dataclass(frozen=True, slots=True)
class EntityMention:
    """How one source names and titles one person or organisation."""

    document_id: str
    names: tuple[str, ...]  # name forms: normalized for people, as written for organisations
    titles: tuple[tuple[str, str], ...] = ()  # (as written, normalized)


@dataclass(frozen=True, slots=True)
class Entity:
    name: str  # for display: the form most sources use
    kind: str  # "person" or "organisation"
    mentions: tuple[EntityMention, ...]  # one per source that mentions it


REVIEW_STATUSES = ("confirmed", "dismissed", "needs-check")


@dataclass(frozen=True, slots=True)
class Decision:
    """An editor's verdict on one conflict, matched to it by Conflict.key."""

    status: str  # one of REVIEW_STATUSES
    note: str = ""
    summary: str = ""  # what the conflict said when decided, for a reader of the file


@dataclass(frozen=True, slots=True)
class Problem:
    """An input that was skipped or read with a caveat; the run goes on."""

    path: str
    message: str  # what is wrong and what to do
    skipped: bool = True


VERDICTS = ("supports", "conflicts", "related")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One value of a queried claim set against the value a source states in its place."""

    kind: str  # one of CONFLICT_KINDS: what is compared
    subject: str  # whom or what the values describe: "Hegseth", "people killed"
    query: Value
    source: Value
    agrees: bool
    # False: the parse puts the two values in different slots (where a suspect will be tried,
    # where he was arrested), so a difference between them is another fact, not a contradiction
    aligned: bool = True


@dataclass(frozen=True, slots=True)
class Match:
    """A source's claim read against the queried claim."""

    verdict: str  # one of VERDICTS
    claim: Claim
    similarity: float  # cosine of the claim to the query
    comparisons: tuple[Comparison, ...]

    @property
    def differences(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if not c.agrees)


@dataclass(frozen=True, slots=True)
class SourceAnswer:
    """What one source (one document) says about the queried claim."""

    story: str
    document: Document  # text left empty: the answer carries only the matching sentences
    verdict: str  # one of VERDICTS: conflicts if any match conflicts, else supports if any does
    matches: tuple[Match, ...]  # the deciding match first


@dataclass(frozen=True, slots=True)
class Answer:
    claim: Claim  # the query as a claim, with its values
    sources: tuple[SourceAnswer, ...]  # supports, then conflicts, then related; closest first
    model: str
    searched: int  # claims searched
    search: str  # "exact" or "approximate"
    stats: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # timings in ms


@dataclass(frozen=True, slots=True)
class Report:
    documents: tuple[Document, ...]
    claims: tuple[Claim, ...]
    clusters: tuple[Cluster, ...]
    conflicts: tuple[Conflict, ...]
    problems: tuple[Problem, ...]
    config: CheckConfig
    stats: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    entities: tuple[Entity, ...] = ()
    story: str = ""  # the story's name: its folder
    decisions: dict[str, Decision] = field(default_factory=dict, hash=False, compare=False)  # by Conflict.key

    def is_dismissed(self, conflict: Conflict) -> bool:
        decision = self.decisions.get(conflict.key)
        return decision is not None and decision.status == "dismissed"

    def open_by_severity(self) -> dict[str, int]:
        """Conflicts by severity, leaving out those a reviewer dismissed: what is left to read."""
        return {s: sum(c.severity == s and not self.is_dismissed(c) for c in self.conflicts) for s in SEVERITIES}

    def count_at_or_above(self, severity: str) -> int:
        """Conflicts at `severity` or above that no reviewer dismissed (what --fail-on counts)."""
        rank = SEVERITIES.index(severity)
        return sum(1 for c in self.conflicts if SEVERITIES.index(c.severity) <= rank and not self.is_dismissed(c))
