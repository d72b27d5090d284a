"""Measure the course's speed: ``python benchmarks/run.py`` (all parts) or ``--part 1 2``.

1. aelib's training loop against the usual torchvision + DataLoader loop (MLP VAE).
2. The conv autoencoder's throughput before and after aelib's CPU speed-ups.
3. Every notebook executed at full budget on Fashion-MNIST: each chapter's time and the total.

The parts measured replace theirs in ``results/latest.json`` (rendered by ``report.py``). With
``AELIB_BUDGET=smoke`` every part runs on a few hundred images and only prints: a check that the
benchmark works, whose numbers mean nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys

import course
import efficiency
import report
import scoreboard
import torch
import vae_loop
from common import load_average, machine

from aelib.settings import settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", nargs="+", choices=["1", "2", "3"], default=["1", "2", "3"])
    parser.add_argument("--epochs", type=int, default=10, help="part 1: epochs of each loop (10)")
    parser.add_argument("--threads", type=int, help="torch threads, also the kernels' OMP_NUM_THREADS")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)
    results = json.loads(report.LATEST.read_text()) if report.LATEST.exists() else {"parts": {}}
    measured = {"parts": {}}
    run = {"1": lambda: vae_loop.run(settings.epochs(args.epochs)), "2": efficiency.run, "3": course.run}
    for key in sorted(set(args.part)):
        print(f"\n== Part {key}: {report.PART_TITLES[key]}")
        before, started = load_average(), datetime.datetime.now(datetime.UTC)
        part = run[key]()
        measured["parts"][key] = {
            "measured_at": started.strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "load_average": {"before": before, "after": load_average()},
            "results": part,
        }
        if not settings.smoke:  # saved after every part, so that a later failure loses nothing
            results["parts"][key] = measured["parts"][key]
            report.write(results)

    if "3" in measured["parts"] and not settings.smoke:
        scoreboard.write()
    print("\n" + report.sections(measured))
    print("Smoke budget: nothing written." if settings.smoke else f"Wrote {report.LATEST} and its pages.")
    chapters = measured["parts"].get("3", {}).get("results", {}).get("chapters", [])
    for chapter in chapters:
        if not chapter["ok"]:
            print(f"FAILED {chapter['notebook']}: {chapter['error']}", file=sys.stderr)
    return 1 if any(not chapter["ok"] for chapter in chapters) else 0


if __name__ == "__main__":
    sys.exit(main())
