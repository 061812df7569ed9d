"""What the confidence floor (`--min-confidence`) leaves out: the README's floor table.

Reads the rows an evaluation fitted the severity model on (`reports/severity-rows.jsonl.gz`,
written by `claimcheck eval --fit-severity`), grades each with a severity model (the shipped
one unless --model names another) and prints, for each floor, the cards an untouched story
keeps, the labelled real cards kept, and the injected copies still caught at any severity.

    .venv/bin/python benchmarks/floor.py
    .venv/bin/python benchmarks/floor.py --rows reports/severity-rows.jsonl.gz --model claimcheck/data/severity.json
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from claimcheck.conflicts.severity import load_model
from claimcheck.fitting import read_rows

ROOT = Path(__file__).resolve().parent.parent
FLOORS = (0.0, 0.03, 0.05, 0.10, 0.15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=Path, default=ROOT / "reports" / "severity-rows.jsonl.gz")
    parser.add_argument("--model", type=Path, default=None, help="a severity model file (default: the shipped one)")
    args = parser.parse_args()
    data = read_rows(args.rows)
    model = load_model(args.model)
    graded = [(row, model.probability(row.signals)) for row in data.rows]
    # every story was scanned untouched, whether or not any of its cards survive a floor
    stories = {row.story for row in data.rows} | {story for story, _ in data.copies}
    real = sum(row.origin == "labelled" and row.real for row in data.rows)
    print(
        f"{len(data.rows)} rows, {len(stories)} stories, {len(data.copies)} injected copies, {real} labelled real cards"
    )
    print("| floor | cards per untouched story | labelled real cards kept | injected copies caught at any severity |")
    print("| --- | --- | --- | --- |")
    for floor in FLOORS:
        kept = [row for row, p in graded if p >= floor]
        per_story = Counter(row.story for row in kept if row.untouched)
        caught = {row.copy for row in kept if row.origin == "injected"}
        print(
            f"| {floor:.2f} | {sum(per_story.values()) / len(stories):.1f} "
            f"| {sum(row.origin == 'labelled' and row.real for row in kept)} of {real} "
            f"| {len(caught) / len(data.copies):.3f} |"
        )


if __name__ == "__main__":
    main()
