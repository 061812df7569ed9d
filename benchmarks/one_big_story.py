"""One story of many one-sentence articles (a `.jsonl`, as a hostile or careless user gives
it): the run's time, its peak memory, how many conflicts it finds, and how big its reports
are. Conflicts must not grow with the square of the values, nor memory with the conflicts.

    .venv/bin/python benchmarks/one_big_story.py --articles 10000

Each article gives a casualty figure, a city, a day and a spokesman drawn at random, so the
story holds hundreds of values for one fact: the worst case for pairing values. The scan
runs as `claimcheck scan` in a child process, timed with its peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CITIES = ["Paris", "London", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon", "Dublin", "Prague", "Warsaw"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NAMES = ["John Smith", "Mary Jones", "Ahmed Khan", "Li Wei", "Anna Petrova", "Carlos Diaz", "Emma Brown", "Yuki Sato"]


def write_story(folder: Path, articles: int, seed: int = 2) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(articles):
            text = (
                f"Spokesman {rng.choice(NAMES)} said {rng.randint(5, 900)} people were hurt in "
                f"{rng.choice(CITIES)} on {rng.choice(DAYS)} after the storm."
            )
            out.write(json.dumps({"text": text, "source": f"outlet{i}"}) + "\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        story = write_story(Path(tmp) / "story", args.articles)
        html, data = Path(tmp) / "report.html", Path(tmp) / "report.json"
        started = time.perf_counter()
        command = [sys.executable, "-m", "claimcheck", "scan", str(story), "-q", "-o", str(html), "-o", str(data)]
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report = json.loads(data.read_text(encoding="utf-8"))
        print("| articles | wall | peak RSS | conflicts | largest card | HTML | JSON |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        largest = max((len(c["values"]) for c in report["conflicts"]), default=0)
        print(
            f"| {args.articles:,} | {seconds:.1f} s | {peak_mb:,.0f} MB | {len(report['conflicts']):,} "
            f"| {largest} values | {html.stat().st_size / 1e6:.1f} MB | {data.stat().st_size / 1e6:.1f} MB |"
        )


if __name__ == "__main__":
    main()
