"""What the spaCy parse costs a cold `claimcheck batch` over ECB+: this checkout against an
earlier commit (by default the one before the parse came in), run one after the other.

Each run is the real command in a fresh process, with fresh embedding and claims caches into
which the ONNX export has been copied (so neither side pays for exporting), then a warm rerun.
Besides wall time it prints the CPU-seconds the whole machine spent, read from /proc/stat: a
cold batch keeps every core busy, so the wall time is that work spread over the cores, and
it varies less between runs than the wall time of one run does.

    .venv/bin/python benchmarks/parse_cost.py                       # about 10 minutes on 2 cores
    .venv/bin/python benchmarks/parse_cost.py --before 25ac957^ --rounds 2

Needs a Linux /proc and git; the earlier commit is checked out in a temporary worktree and
run with this checkout's virtual environment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ecbplus"
BEFORE_PARSE = "25ac957^"  # the commit that added claimcheck/nlp.py, less one


def cpu_ticks() -> tuple[int, int]:
    """(busy, idle) clock ticks of the whole machine so far; steal counts as neither."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields[:8]) - idle - fields[7], idle


def timed_batch(tree: Path, cache: Path, out: Path) -> tuple[float, float, float]:
    """Wall seconds, busy CPU-seconds and idle CPU-seconds of one batch run from `tree`."""
    env = os.environ | {"CLAIMCHECK_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "claimcheck", "batch", str(CORPUS), "-o", str(out), "-q"]
    hz = os.sysconf("SC_CLK_TCK")
    busy0, idle0 = cpu_ticks()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    busy1, idle1 = cpu_ticks()
    if done.returncode != 0:
        sys.exit(f"{tree}: claimcheck batch failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, (busy1 - busy0) / hz, (idle1 - idle0) / hz


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default=BEFORE_PARSE, help="the commit to compare against")
    ap.add_argument("--rounds", type=int, default=1, help="cold and warm runs of each side, alternating")
    ap.add_argument("--onnx", type=Path, help="a cache folder's onnx/ export to copy in (default: made by a first run)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parse-cost-"))
    before = work / "before"
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(before), args.before], cwd=ROOT, check=True)
    try:
        sides = {"before": before, "now": ROOT}
        onnx = args.onnx
        if onnx is None:  # one small scan makes the export both sides then copy
            warm = work / "export"
            story = sorted(p for p in CORPUS.iterdir() if p.is_dir())[0]
            subprocess.run(
                [sys.executable, "-m", "claimcheck", "scan", str(story), "-o", str(work / "scan.json"), "-q"],
                cwd=ROOT,
                env=os.environ | {"CLAIMCHECK_CACHE_DIR": str(warm)},
                capture_output=True,
                check=True,
            )
            onnx = warm / "onnx"
        for n in range(args.rounds):
            for side, tree in sides.items():
                cache = work / f"cache-{side}-{n}"
                cache.mkdir()
                shutil.copytree(onnx, cache / "onnx")
                for run in ("cold", "warm"):
                    wall, busy, idle = timed_batch(tree, cache, work / f"{run}-{side}-{n}")
                    print(f"{side} {run}: {wall:.1f} s, {busy:.0f} CPU-s busy, {idle:.0f} CPU-s idle", flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
