"""Answer -> a terminal table (rich), JSON and CSV (pandas): what each source says of one claim."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from claimcheck.report.table import csv_text
from claimcheck.types import VERDICTS, Answer, Comparison, Match, SourceAnswer, Value

if TYPE_CHECKING:
    import pandas as pd

ANSWER_FORMAT = "claimcheck-query-1"
KIND_LABELS = {"person_name": "name", "role_holder": "office holder"}
VERDICT_STYLE = {"supports": "green", "conflicts": "bold red", "related": "dim"}


def answer_dict(answer: Answer) -> dict[str, Any]:
    return {
        "format": ANSWER_FORMAT,
        "claim": {
            "text": answer.claim.text,
            "values": [
                {"kind": v.kind, "text": v.text, "normalized": v.normalized, "role": v.role}
                for v in answer.claim.values
            ],
        },
        "model": answer.model,
        "search": answer.search,
        "searched": answer.searched,
        "stats": answer.stats,
        "counts": {v: sum(s.verdict == v for s in answer.sources) for v in VERDICTS},
        "sources": [_source_dict(s) for s in answer.sources],
    }


def _source_dict(s: SourceAnswer) -> dict[str, Any]:
    d = s.document
    return {
        "story": s.story,
        "document": d.id,
        "path": d.path,
        "title": d.title,
        "outlet": d.source,
        "url": d.url,
        "published": d.published.isoformat() if d.published else None,
        "verdict": s.verdict,
        "matches": [
            {
                "verdict": m.verdict,
                "similarity": m.similarity,
                "claim": m.claim.id,
                "sentence": m.claim.text,
                "span": list(m.claim.span),
                "values": [
                    {
                        "kind": c.kind,
                        "subject": c.subject,
                        "agrees": c.agrees,
                        "query": c.query.text,
                        "source": c.source.text,
                        "source_span": list(c.source.span),
                    }
                    for c in m.comparisons
                ],
            }
            for m in s.matches
        ],
    }


def render_answer_json(answer: Answer) -> str:
    return json.dumps(answer_dict(answer), indent=2, ensure_ascii=False) + "\n"


def answer_frame(answer: Answer) -> pd.DataFrame:
    """One row per matching sentence, with what differs and what agrees."""
    import pandas as pd

    rows = [
        {
            "story": s.story,
            "document": s.document.id,
            "outlet": s.document.source or "",
            "verdict": s.verdict,
            "match_verdict": m.verdict,
            "similarity": m.similarity,
            "differs": "; ".join(_difference(c) for c in m.differences),
            "agrees": "; ".join(f"{_label(c)}: {_shown(c.source)}" for c in m.comparisons if c.agrees),
            "sentence": m.claim.text,
            "claim": m.claim.id,
        }
        for s in answer.sources
        for m in s.matches
    ]
    columns = ["story", "document", "outlet", "verdict", "match_verdict", "similarity", "differs", "agrees"]
    return pd.DataFrame(rows, columns=[*columns, "sentence", "claim"])


def render_answer_csv(answer: Answer) -> str:
    return csv_text(answer_frame(answer))


def render_answer_table(answer: Answer, *, width: int | None = None, color: bool = False) -> str:
    """The answer for a terminal: the claim, a count line, one row per source."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=width or 120, force_terminal=color, no_color=not color, highlight=False)
    values = ", ".join(f"{v.kind} {v.text}" for v in answer.claim.values if v.kind != "polarity") or "none found"
    console.print(Text.assemble(("Claim: ", "bold"), answer.claim.text))
    console.print(Text(f"Values compared: {values}", style="dim"))
    if not answer.sources:
        console.print(
            f"No source states this claim or anything close to it: the closest of {answer.searched} claims has "
            f"similarity {answer.stats.get('closest', 0):.2f}. Try other wording, or index more stories."
        )
        return out.getvalue()
    counts = ", ".join(f"{sum(s.verdict == v for s in answer.sources)} {v}" for v in VERDICTS)
    console.print(f"{counts}; {len(answer.sources)} sources, {answer.searched} claims searched ({answer.search})")
    table = Table(show_lines=True, expand=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("source", overflow="fold")  # sized to the document names
    table.add_column("on", ratio=2)
    table.add_column("sentence", ratio=6)
    table.add_column("sim", justify="right", no_wrap=True)
    for s in answer.sources:
        m = s.matches[0]
        source = "\n".join(x for x in (s.document.id, s.document.source, f"story {s.story}" if s.story else "") if x)
        table.add_row(
            Text(s.verdict, style=VERDICT_STYLE[s.verdict]),
            source,
            _on(m),
            _sentence(m),
            f"{m.similarity:.2f}",
        )
    console.print(table)
    return out.getvalue()


def _on(m: Match) -> str:
    if m.differences:
        return "\n".join(_difference(c) for c in m.differences)
    return "\n".join(f"{_label(c)}: {_shown(c.source)}" for c in m.comparisons if c.agrees)


def _difference(c: Comparison) -> str:
    return f"{_label(c)}: {_shown(c.query)} ≠ {_shown(c.source)}"


def _shown(v: Value) -> str:
    """A person's name without the title written before it: "Dong Jun", not "Defense Minister Dong Jun"."""
    if v.kind == "person":
        words = v.text.replace("’s", "").replace("'s", "").split()
        return " ".join(words[-len(v.normalized.split()) :])
    return v.text


def _label(c: Comparison) -> str:
    return KIND_LABELS.get(c.kind, c.kind)


def _sentence(m: Match) -> Any:
    """The matching sentence with the values it was judged on marked: red differs, green agrees."""
    from rich.text import Text

    text = Text(m.claim.text)
    for c in m.comparisons:
        start, end = c.source.span[0] - m.claim.span[0], c.source.span[1] - m.claim.span[0]
        if 0 <= start < end <= len(m.claim.text):
            text.stylize("bold green" if c.agrees else "bold red underline", start, end)
    return text


ANSWER_RENDERERS = {"json": render_answer_json, "csv": render_answer_csv, "table": render_answer_table}
