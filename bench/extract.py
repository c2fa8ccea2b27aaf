"""Benchmark of the text engine: speed and memory at 1×, 10× and 100× input size.

    run(["--sizes", "1,10,100"]) -> dict

The inputs are built at run time from the evaluation texts in ``../shared/eval/dev``
and the seed interview in ``../shared/seed`` (beside the repository root); nothing of
them is stored in the project. Progress goes
to stderr; the caller (`mubiao bench extract`) prints the returned dict as JSON.

Figures: chars/s at each size (one core, best of `--repeat` runs; wall clock and CPU
time of this process, the second being the fair one on a shared machine), the ratio of the
time per character at the largest size to that at 1× (about 1.0 means linear growth),
and the peak memory traced by tracemalloc during one extraction, divided by the input's
size in UTF-8 bytes.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

from mubiao.extract import extract_text

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    """The shared folder beside the repository root (or beside one of its ancestors,
    for a work tree kept in a subfolder)."""
    for folder in REPO_ROOT.parents:
        if (folder / "shared" / "eval" / "dev").is_dir():
            return folder / "shared"
    return REPO_ROOT.parent / "shared"


DEV_DIR = _shared() / "eval" / "dev"
SEED_DIR = _shared() / "seed"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_corpus(folder: Path = DEV_DIR) -> str:
    """All dev texts joined by blank lines; a clear error when the folder is missing."""
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        raise RuntimeError(
            f"The evaluation texts are missing: expected *.txt files in {folder} "
            "(the shared folder ../shared/eval/dev beside the repository root)."
        )
    # the seed interview (a prose plan) too, so the goal-tree step is measured
    files += sorted(SEED_DIR.glob("*.txt")) if folder == DEV_DIR and SEED_DIR.is_dir() else []
    return "\n\n".join(p.read_text("utf-8-sig") for p in files)


def _time_once(text: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for one extraction."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    extract_text(text)
    return time.perf_counter() - start, time.process_time() - cpu


def _peak_memory(text: str) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        extract_text(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(argv: list[str]) -> dict:
    """Run the benchmark; returns the figures as a plain dict."""
    parser = argparse.ArgumentParser(prog="mubiao bench extract")
    parser.add_argument(
        "--sizes", default="1,10,100", help="multiples of the corpus, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per size (best is kept)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    corpus = load_corpus()
    extract_text(corpus)  # warm up: lexicons, OpenCC and cn2an load once
    results = []
    for n in sizes:
        text = "\n\n".join([corpus] * n)
        runs = [_time_once(text) for _ in range(max(1, args.repeat))]
        seconds = min(w for w, _ in runs)
        cpu = max(min(c for _, c in runs), 1e-9)
        row = {
            "multiple": n,
            "chars": len(text),
            "seconds": round(seconds, 3),
            "chars_per_s": round(len(text) / seconds),
            # CPU time of this process: the fair figure on a machine shared with other work
            "cpu_seconds": round(cpu, 3),
            "chars_per_cpu_s": round(len(text) / cpu),
        }
        if not args.no_memory:
            peak = _peak_memory(text)
            row["peak_mb"] = round(peak / 1e6, 1)
            row["peak_per_input_byte"] = round(peak / len(text.encode("utf-8")), 2)
        _log(f"extract ×{n}: {row}")
        results.append(row)
    base, top = results[0], results[-1]
    per_char = lambda r: r["seconds"] / r["chars"]  # noqa: E731
    return {
        "bench": "extract",
        "corpus_chars": len(corpus),
        "sizes": results,
        "time_per_char_ratio_largest_vs_smallest": round(per_char(top) / per_char(base), 2),
        "min_chars_per_s": min(r["chars_per_s"] for r in results),
        "min_chars_per_cpu_s": min(r["chars_per_cpu_s"] for r in results),
        "cpu_time_per_char_ratio_largest_vs_smallest": round(
            (top["cpu_seconds"] / top["chars"]) / (base["cpu_seconds"] / base["chars"]), 2
        ),
        "max_peak_per_input_byte": max(
            (r.get("peak_per_input_byte", 0) for r in results), default=None
        ),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))
