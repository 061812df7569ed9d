"""Report -> the editor's HTML page (jinja2, autoescaped), and a batch run's index page."""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import Any

import jinja2

from claimcheck.decisions import decision_dicts, report_fingerprint
from claimcheck.report.contract import BIDI_CONTROLS, to_dict
from claimcheck.types import CONFLICT_KINDS, SEVERITIES, Report


def visible_controls(value: object) -> object:
    """What the page prints for a template value: text with its bidi controls made visible;
    markup the renderer made itself (the page's script, its JSON state) as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):  # markup has __html__
        return value.translate(BIDI_CONTROLS)
    return value


@functools.cache
def _templates() -> jinja2.Environment:
    # Article text is untrusted: autoescape everything, and fail on template typos.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("claimcheck", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=visible_controls,
    )


# What one page holds, so that a story of thousands of articles still opens in a browser:
# cards past this many (the least severe and certain, as conflicts come sorted) and values
# of one card past this many are counted on the page and left to the JSON and CSV reports.
PAGE_CARDS = 300
CARD_VALUES = 12


def render_html(report: Report) -> str:
    """One self-contained page: no request leaves it, and the only script that may run is
    its own, allowed by hash in the Content-Security-Policy, so article text can never run."""
    data = to_dict(report)
    data["conflicts"], left_out = data["conflicts"][:PAGE_CARDS], data["conflicts"][PAGE_CARDS:]
    doc_number = {d.id: n for n, d in enumerate(report.documents)}
    for conflict in data["conflicts"]:
        values = conflict["values"]
        conflict["sources"] = sorted({d for v in values for d in v["documents"]})  # the source filter's, all of them
        conflict["more_values"] = {
            "values": len(values[CARD_VALUES:]),
            "sources": len({d for v in values[CARD_VALUES:] for d in v["documents"]}),
        }
        conflict["values"] = values[:CARD_VALUES]
        for value in conflict["values"]:
            for claim in value["claims"]:
                a = claim["value_start"] - claim["start"]
                b = claim["value_end"] - claim["start"]
                claim["parts"] = (claim["text"][:a], claim["text"][a:b], claim["text"][b:])
                claim["doc_number"] = doc_number[claim["document"]]
    on_page = {c["id"] for c in data["conflicts"]}
    shown = [c for c in report.conflicts if c.id in on_page]
    env = _templates()
    script = _script()
    page_state = {
        "report": report_fingerprint(report),
        "story": report.story,
        "decisions": decision_dicts(report),
    }
    return env.get_template("report.html.j2").render(
        report=data,
        kinds=_kind_counts(report),
        entities=_entity_rows(report),
        sources=_source_views(report),
        counts={
            "low": sum(c.severity == "low" and not report.is_dismissed(c) for c in shown),
            "dismissed": sum(report.is_dismissed(c) for c in shown),
            "main": sum(c.severity != "low" and not report.is_dismissed(c) for c in report.conflicts),
        },
        left_out={s: sum(c["severity"] == s for c in left_out) for s in SEVERITIES} | {"all": len(left_out)},
        script=script,
        script_hash=_script_hash(script),
        page_state=page_state,
    )


@functools.cache
def _script(name: str = "report.js") -> str:
    from importlib.resources import files

    return files("claimcheck").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def _script_hash(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def render_batch_index(run: dict[str, Any]) -> str:
    """The batch's front page: one row per story, worst first, linking to its report."""
    rows = [
        {
            **s,
            "problem_files": sum(bool(f["problems"]) or f["read"] == 0 for f in s["files"]),
            "report": s["status"] in ("done", "unchanged"),
            "checked_shown": _minutes(s.get("checked", "")),
        }
        for s in run["stories"]
    ]
    checked = sorted(_minutes(r["checked"]) for r in rows if r["report"] and r.get("checked"))
    # failed stories first (they need a person), then by high, medium and all conflicts
    rows.sort(
        key=lambda r: (r["status"] == "failed", r["by_severity"]["high"], r["by_severity"]["medium"], r["conflicts"]),
        reverse=True,
    )
    script = _script("batch.js")
    return (
        _templates()
        .get_template("batch.html.j2")
        .render(run=run, stories=rows, checked=checked, script=script, script_hash=_script_hash(script))
    )


def _minutes(stamp: str) -> str:
    """ "2026-12-01T14:03:59+00:00" as "2026-12-01 14:03": to the minute, as a person reads it."""
    return stamp[:16].replace("T", " ")


def _kind_counts(report: Report) -> list[dict[str, Any]]:
    rows = []
    for kind in CONFLICT_KINDS:
        counts = {s: sum(c.kind == kind and c.severity == s for c in report.conflicts) for s in SEVERITIES}
        if any(counts.values()):
            rows.append({"kind": kind, **counts, "total": sum(counts.values())})
    return rows


def _entity_rows(report: Report) -> list[dict[str, Any]]:
    """Entity x source cells; a cell is marked where its name or title is a minority value
    of a name or title conflict."""
    odd_names = {
        (d, v.normalized)
        for c in report.conflicts
        if c.kind == "person_name"
        for v in c.values[1:]
        for d in v.document_ids
    }
    odd_titles = {
        (c.subject, d, v.normalized)
        for c in report.conflicts
        if c.kind == "title"
        for v in c.values[1:]
        for d in v.document_ids
    }
    rows = []
    for e in report.entities:
        cells = {}
        for m in e.mentions:
            names = [n.title() for n in m.names] if e.kind == "person" else list(m.names)
            marked = any((m.document_id, n) in odd_names for n in m.names) or any(
                (e.name, m.document_id, k) in odd_titles for _, k in m.titles
            )
            cells[m.document_id] = {"names": names, "titles": [t for t, _ in m.titles], "marked": marked}
        rows.append(
            {"name": e.name, "kind": e.kind, "cells": cells, "marked": any(c["marked"] for c in cells.values())}
        )
    return rows


def _source_views(report: Report) -> list[dict[str, Any]]:
    """Each document's text cut into plain runs and claims; a claim in a conflict links to its cards."""
    cards: dict[tuple[str, int], list[str]] = {}
    for c in report.conflicts:
        for v in c.values:
            for e in v.evidence:
                ids = cards.setdefault((e.document_id, e.start), [])
                if c.id not in ids:
                    ids.append(c.id)
    claims_of: dict[str, list[Any]] = {d.id: [] for d in report.documents}
    for claim in report.claims:
        claims_of[claim.document_id].append(claim)
    views = []
    for n, d in enumerate(report.documents):
        parts: list[dict[str, Any]] = []
        at = 0
        for claim in sorted(claims_of[d.id], key=lambda c: c.span):
            start, end = claim.span
            if start < at:
                continue  # overlapping spans are not expected; never repeat text
            if start > at:
                parts.append({"text": d.text[at:start], "claim": None, "cards": []})
            parts.append({"text": d.text[start:end], "claim": claim.id, "cards": cards.get((d.id, start), [])})
            at = end
        if at < len(d.text):
            parts.append({"text": d.text[at:], "claim": None, "cards": []})
        views.append({"number": n, "id": d.id, "title": d.title or d.id, "parts": parts})
    return views
