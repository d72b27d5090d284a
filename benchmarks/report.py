"""Save the results as ``results/latest.json`` and render them as Markdown, from the same
sections, into ``results/latest.md`` and the book's Performance page, ``book/performance.md``."""

from __future__ import annotations

import json
from pathlib import Path

from aelib.data import atomic_write

ROOT = Path(__file__).resolve().parents[1]
LATEST = ROOT / "benchmarks" / "results" / "latest.json"
LATEST_MD = ROOT / "benchmarks" / "results" / "latest.md"
BOOK_PAGE = ROOT / "book" / "performance.md"

PART_TITLES = {
    "1": "Training loop: aelib against the usual one",
    "2": "The conv autoencoder before and after aelib's speed-ups",
    "3": "The whole course",
}
BOOK_INTRO = """\
# Performance

How long the course takes to run, and how its training loop compares with the usual PyTorch
one, as last measured by `make bench` (`benchmarks/run.py`) on the machine named under each
heading. Timings depend on the machine and on what else runs on it: compare rows of one table,
which were measured in the same run.
"""
CPU_NOTE = (
    "- CPU seconds count the time the process actually ran, on all its threads; when other "
    "programs compete for the CPU, wall-clock seconds grow and CPU seconds much less."
)
# The workshop guide includes the chapter times from the book page between these markers.
CHAPTER_TIMES_START = "<!-- chapter-times -->"
CHAPTER_TIMES_END = "<!-- end chapter-times -->"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def plain(text: str) -> str:
    """Text that cannot break a Markdown table cell or a code span."""
    return text.replace("`", "'").replace("|", "/").replace("\n", " ")


def machine_line(part: dict) -> str:
    m, load = part["machine"], part["load_average"]
    gpu = f", GPU {m['gpu']}" if m["gpu"] else ""
    env = "".join(f", {key}={value}" for key, value in m["environment"].items())
    load_text = ""
    if load["before"] is not None:
        busy = " (other programs competed for the CPU)" if max(load.values()) > m["usable_cpus"] else ""
        load_text = f"; 1-minute load average {load['before']:.1f} before and {load['after']:.1f} after{busy}"
    return (
        f"Measured {part['measured_at']} on {m['cpu']}, {m['usable_cpus']} usable cores{gpu}, "
        f"{m['torch_threads']} torch thread(s){env}, torch {m['torch']}, Python {m['python']}"
        f"{load_text}."
    )


def loop_name(run: dict) -> str:
    return f"batch {run['batch_size']}, learning rate {run['lr']:g}"


def part1(r: dict) -> list[str]:
    ref, runs = r["reference"], r["aelib_runs"]
    rows = [[name, f"{d['seconds_per_epoch']:.2f}", f"{d['cpu_seconds_per_epoch']:.2f}",
             f"{d['images_per_second']:,.0f}", f"{d['test_loss']:.2f}", f"{d.get('ratio', 1.0):.2f}x"]
            for name, d in [(f"reference: torchvision + DataLoader, {loop_name(ref)}", ref),
                            *((f"aelib.fit, {loop_name(run)}", run) for run in runs)]]
    floor = r["arithmetic_floor_seconds_per_epoch"]
    lines = [
        (f"A 784-400-20 MLP VAE (Adam) trained for {r['epochs']} epoch(s) on {r['train_images']:,} "
         f"Fashion-MNIST images, in one process, by the usual loop and by `aelib.fit(VAE(20))`: with "
         f"the reference's settings (also `fit`'s defaults), and with a batch twice as large, which a CPU "
         f"runs more efficiently, at a learning rate picked by a sweep over rates and seeds. Test loss: "
         f"negative ELBO in nats per image on the {r['test_images']:,} test images, the same function "
         f"for every model; equal means within {r['target']['tolerance']:.1%} of the reference's, "
         f"about the spread between seeds."),
        "",
        *table(["loop", "s / epoch", "CPU s / epoch", "images / s", "test loss", "speed-up"], rows),
        "",
    ]
    for run in runs:
        verdict = "equal or better" if run["test_loss_ok"] else "worse"
        lines.append(
            f"- aelib.fit, {loop_name(run)}: **{run['ratio']:.2f}x** faster per epoch than the "
            f"reference ({run['cpu_ratio']:.2f}x in CPU time); test loss "
            f"{run['test_loss_difference']:+.2f} nats per image ({verdict})."
        )
    return [
        *lines,
        (f"- Arithmetic floor: one training step costs {r['flops_per_image'] / 1e6:.1f} MFLOP per "
         f"image; at the machine's dense matmul speed ({r['matmul']['best_gflops']:.1f} GFLOP/s) an "
         f"epoch cannot take less than {floor:.2f} s, so no loop of this model can beat the "
         f"reference by more than {ref['seconds_per_epoch'] / floor:.1f}x here."),
        (f"- Target: at least {r['target']['ratio']:.0f}x at equal or better test loss: "
         f"**{'met' if r['target']['met'] else 'not met'}**."),
        CPU_NOTE,
    ]


def part2(r: dict) -> list[str]:
    before, after = r["loops"]
    rows = [[c["name"], f"{c['images_per_second']:,.0f}", f"{c['images_per_cpu_second']:,.0f}"] for c in r["loops"]]
    cpu_speedup = after["images_per_cpu_second"] / before["images_per_cpu_second"]
    return [
        (f"`aelib.Autoencoder(1, 16)` trained for one epoch on {r['images']:,} Fashion-MNIST images "
         f"at batch {r['batch_size']} with {r['threads']} thread(s), each epoch in a fresh process; "
         f"best of {r['rounds']} alternating rounds."),
        "",
        *table(["loop", "images / s", "images / CPU s"], rows),
        "",
        (f"- `aelib.fit` trains **{r['speedup']:.2f}x** as many images per second as the plain loop "
         f"({cpu_speedup:.2f}x per CPU second)."),
        CPU_NOTE,
    ]


def part3(r: dict) -> list[str]:
    rows = []
    for c in r["chapters"]:
        status = "ok" if c["ok"] else f"failed: {plain(c['error'])}"
        if c["ok"] and c["over_limit"]:
            status = f"over {r['targets']['chapter_seconds'] // 60} minutes"
        slowest = c["slowest_cell"]
        slow = f"{slowest['seconds']:.1f} s: `{plain(slowest['source'])}`" if slowest else ""
        rows.append([c["notebook"], f"{c['seconds']:.1f}", status, slow])
    total, targets = r["total_seconds"], r["targets"]
    lines = [
        CHAPTER_TIMES_START,
        (f"Every chapter executed top to bottom in a fresh kernel on Fashion-MNIST "
         f"(`AELIB_DATASET=fashion`) at budget `{r['budget']}`."),
        "",
        *table(["chapter", "seconds", "status", "slowest cell"], rows),
        "",
        f"- Total: **{total:.0f} s ({total / 60:.1f} minutes)** for {len(r['chapters'])} chapter(s).",
    ]
    if r["budget"] == "full":
        lines.append(
            f"- Target: whole course under {targets['total_seconds'] // 60} minutes, no chapter over "
            f"{targets['chapter_seconds'] // 60} minutes: **{'met' if targets['met'] else 'not met'}**."
        )
    return [*lines, CHAPTER_TIMES_END]


def sections(results: dict) -> str:
    """One section per measured part, in order."""
    render = {"1": part1, "2": part2, "3": part3}
    lines = []
    for key, part in sorted(results["parts"].items()):
        lines += [f"## {PART_TITLES[key]}", "", machine_line(part), "", *render[key](part["results"]), ""]
    return "\n".join(lines)


def files(results: dict) -> dict[Path, str]:
    """The text of the results file, of ``latest.md`` and of the book page, by path."""
    body = sections(results)
    return {
        LATEST: json.dumps(results, indent=2) + "\n",
        LATEST_MD: f"# Benchmark results\n\n{body}",
        BOOK_PAGE: f"{BOOK_INTRO}\n{body}",
    }


def write(results: dict) -> None:
    """Write the three files, each replaced in one step."""
    for path, text in files(results).items():
        with atomic_write(path) as file:
            file.write(text.encode())


if __name__ == "__main__":  # render the saved results again, after a change to this file
    write(json.loads(LATEST.read_text()))
