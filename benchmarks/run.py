"""Measure the course's speed: ``python benchmarks/run.py`` (all parts) or ``--part 1 2``.

1. aelib's training loop against the usual torchvision + DataLoader loop (MLP VAE).
2. The reference conv autoencoder's throughput and GFLOP/s against the machine's matmul speed.
3. Every notebook executed at full budget on Fashion-MNIST: each chapter's time and the total.

Results go to ``benchmarks/results/latest.json`` and ``latest.md``; ``book/performance.md`` is
regenerated from them. A run of some parts replaces those parts and keeps the others.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import report
import torch
from common import load_average, machine, now

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BOOK_PAGE = ROOT / "book" / "performance.md"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", nargs="+", choices=["1", "2", "3"], default=["1", "2", "3"])
    parser.add_argument("--epochs", type=int, default=10, help="part 1: epochs of each loop (10)")
    parser.add_argument("--train-size", type=int, help="part 1: train on the first N images only")
    parser.add_argument("--images", type=int, default=8192, help="part 2: images per measurement (8192)")
    parser.add_argument("--rounds", type=int, default=3, help="part 2: interleaved rounds (3)")
    parser.add_argument(
        "--budget", choices=["full", "smoke"], default="full", help="part 3: AELIB_BUDGET (full)"
    )
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's own choice)")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; keep the saved results"
    )
    return parser.parse_args(argv)


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text)
    partial.replace(path)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    latest = RESULTS / "latest.json"
    results = json.loads(latest.read_text()) if latest.exists() else {"parts": {}}

    for key in sorted(set(args.part)):
        print(f"\n== Part {key}: {report.PART_TITLES[key]}")
        before = load_average()
        started = now()
        if key == "1":
            import vae_loop

            part = vae_loop.run(args.epochs, args.train_size)
        elif key == "2":
            import efficiency

            part = efficiency.run(args.images, args.rounds)
        else:
            import course

            part = course.run(args.budget, args.threads)
        results["parts"][key] = {
            "measured_at": started,
            "machine": machine(),
            "load_average": {"before": before, "after": load_average()},
            "results": part,
        }
        if not args.no_write:  # save after every part, so a later failure loses nothing
            write_atomically(latest, json.dumps(results, indent=2) + "\n")
            write_atomically(RESULTS / "latest.md", report.markdown(results) + "\n")
            write_atomically(BOOK_PAGE, report.book_page(results) + "\n")

    print("\n" + report.text_summary(results, sorted(set(args.part))))
    if not args.no_write:
        print(f"\nWrote {latest.relative_to(ROOT)}, latest.md and {BOOK_PAGE.relative_to(ROOT)}.")
    failed = [] if "3" not in args.part else [
        chapter for chapter in results["parts"]["3"]["results"]["chapters"] if not chapter["ok"]
    ]
    for chapter in failed:  # a false aelib.claim on Fashion-MNIST lands here too
        print(f"FAILED {chapter['notebook']}: {chapter['error']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
