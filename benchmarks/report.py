"""Turn the results of the last run (``results/latest.json``) into text, Markdown and a book page."""

from __future__ import annotations

PART_TITLES = {
    "1": "Training loop: aelib against the usual one",
    "2": "Efficiency against the machine: the conv autoencoder",
    "3": "The whole course",
}


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _plain(text: str) -> str:
    """Text that cannot break a Markdown table cell or a code span."""
    return text.replace("`", "'").replace("|", "/").replace("\n", " ")


def _machine_line(part: dict) -> str:
    m = part["machine"]
    gpu = f", GPU {m['gpu']}" if m.get("gpu") else ""
    load = part.get("load_average", {})
    cores = m["usable_cpus"]
    load_text = ""
    if load.get("before") is not None:
        busy = " (other programs competed for the CPU)" if max(load.values()) > cores else ""
        load_text = f"; 1-minute load average {load['before']:.1f} before and {load['after']:.1f} after{busy}"
    env = "".join(f", {key}={value}" for key, value in m.get("environment", {}).items())
    return (
        f"Measured {part['measured_at']} on {m['cpu']}, {cores} usable cores{gpu}, "
        f"{m['torch_threads']} torch thread(s){env}, torch {m['torch']}, Python {m['python']}"
        f"{load_text}."
    )


CPU_NOTE = (
    "- CPU seconds count the time the process actually ran, on all its threads; when other "
    "programs compete for the CPU, wall-clock seconds grow and CPU seconds much less."
)


def _settings(run: dict) -> str:
    return f"batch {run['batch_size']}, learning rate {run['lr']:g}"


def _loop_name(run: dict) -> str:
    return f"aelib.fit, {_settings(run)}"


def part1_lines(r: dict) -> list[str]:
    ref, runs = r["reference"], r["aelib_runs"]
    rows = []
    for name, d in (
        (f"reference: torchvision + DataLoader, {_settings(ref)}", ref),
        *((_loop_name(run), run) for run in runs),
    ):
        rows.append(
            [
                name,
                f"{d['seconds_per_epoch']:.2f}",
                f"{d['cpu_seconds_per_epoch']:.2f}",
                f"{d['images_per_second']:,.0f}",
                f"{d['test_pass_seconds']:.2f}",
                f"{d['test_loss']:.2f}",
                f"{d['ratio']:.2f}x" if d is not ref else "1.00x",
            ]
        )
    tolerance = r["target"]["tolerance"]
    lines = [
        (
            f"A 784-400-20 MLP VAE (Adam) trained for {r['epochs']} epoch(s) on "
            f"{r['train_images']:,} Fashion-MNIST images with the usual loop and with "
            f"`aelib.fit(VAE.mlp(20))`, one after the other in the same process: aelib once with "
            f"the reference's settings (also `fit`'s defaults), once with a batch twice as large, "
            f"which a CPU runs more efficiently, and a larger learning rate (picked by a sweep over "
            f"rates and seeds for a test loss at least as good as at batch 128). Test loss: negative "
            f"ELBO in nats per image on the {r['test_images']:,} test "
            f"images, computed by the same function for every model; equal means within "
            f"{tolerance:.1%} of the reference's, about the spread between seeds."
        ),
        "",
        *_table(
            [
                "loop",
                "s / epoch",
                "CPU s / epoch",
                "images / s",
                "test pass (s)",
                "test loss",
                "speed-up",
            ],
            rows,
        ),
        "",
    ]
    for run in runs:
        verdict = "equal or better" if run["test_loss_ok"] else "worse"
        lines.append(
            f"- {_loop_name(run)}: **{run['ratio']:.2f}x** faster per epoch than the reference "
            f"({run['cpu_ratio']:.2f}x in CPU time; {run['ratio_with_test_pass']:.2f}x with one "
            f"pass over the test set per epoch); test loss {run['test_loss_difference']:+.2f} "
            f"nats per image ({verdict})."
        )
    lines += [
        (
            f"- The reference's data pipeline alone (iterating its DataLoader without a model) takes "
            f"{ref['data_pipeline_seconds_per_epoch']:.2f} s per epoch, "
            f"{ref['data_pipeline_seconds_per_epoch'] / ref['seconds_per_epoch']:.0%} of its epoch."
        ),
        (
            f"- Arithmetic floor: one training step costs {r['flops_per_image'] / 1e6:.1f} MFLOP per "
            f"image; at the machine's dense matmul speed ({r['matmul']['best_gflops']:.1f} GFLOP/s) "
            f"an epoch cannot take less than {r['arithmetic_floor_seconds_per_epoch']:.2f} s, so no "
            f"loop of this model can beat the reference by more than "
            f"{ref['seconds_per_epoch'] / r['arithmetic_floor_seconds_per_epoch']:.1f}x here."
        ),
        _matmul_only_line(ref, runs),
        (
            f"- Target: at least {r['target']['ratio']:.0f}x at equal or better test loss: "
            f"**{'met' if r['target']['met'] else 'not met'}**."
        ),
        CPU_NOTE,
    ]
    if r.get("reduced"):
        lines.append("- Reduced run (a subset of the training images): indicative only.")
    return lines


def _cpu_speedup(r: dict, name: str) -> float:
    rate = {c["name"]: c["images_per_cpu_second"] for c in r["configs"]}
    return rate[name] / r["configs"][0]["images_per_cpu_second"]


def part2_lines(r: dict) -> list[str]:
    mm = r["matmul"]
    rows = [
        [
            c["name"],
            str(c["threads"]),
            str(c["batch_size"]),
            f"{c['images_per_second']:,.0f}",
            f"{c['images_per_cpu_second']:,.0f}",
            f"{c['gflops']:.1f}",
            f"{c['fraction_of_matmul']:.0%}",
        ]
        for c in r["configs"]
    ]
    return [
        (
            f"`aelib.Autoencoder(1, 16)` trained on {r['images']:,} Fashion-MNIST images per "
            f"measurement, best of {r['rounds']} interleaved rounds. One training step costs "
            f"{r['flops_per_image'] / 1e6:.1f} MFLOP per image (forward and backward, counted by "
            f"`torch.utils.flop_counter.FlopCounterMode`). The machine's dense float32 matmul "
            f"({mm['n']} x {mm['n']}, `torch.mm`, same threads): **{mm['best_gflops']:.1f} GFLOP/s**."
        ),
        "",
        *_table(
            [
                "configuration",
                "threads",
                "batch",
                "images / s",
                "images / CPU s",
                "GFLOP/s",
                "of matmul",
            ],
            rows,
        ),
        "",
        (
            f"- Fastest: {r['after']}, **{r['speedup']:.2f}x** the first row "
            f"({_cpu_speedup(r, r['after']):.2f}x in images per CPU second)."
        ),
        (
            f"- `aelib.fit` as the chapters call it: **{r['shipped_speedup']:.2f}x** the first row "
            f"({_cpu_speedup(r, r['configs'][-1]['name']):.2f}x in images per CPU second)."
        ),
        CPU_NOTE,
    ]


def _matmul_only_line(ref: dict, runs: list[dict]) -> str:
    times = " and ".join(
        f"{run['matmul_only_seconds_per_epoch']:.2f} s at batch {run['batch_size']}" for run in runs
    )
    caps = " and ".join(
        f"{ref['seconds_per_epoch'] / run['matmul_only_seconds_per_epoch']:.1f}x" for run in runs
    )
    return (
        f"- The matrix products of an epoch's training steps alone, with no data handling, "
        f"activations or optimiser, take {times} here: no loop at those batch sizes can beat the "
        f"reference by more than {caps}."
    )


# The workshop guide includes the chapter times from the book page between these markers.
CHAPTER_TIMES_START = "<!-- chapter-times -->"
CHAPTER_TIMES_END = "<!-- end chapter-times -->"


def part3_lines(r: dict) -> list[str]:
    rows = []
    for c in r["chapters"]:
        status = "ok" if c["ok"] else f"failed: {_plain(c['error'])}"
        if c["ok"] and c["over_limit"]:
            status = f"over {r['targets']['chapter_seconds'] // 60} minutes"
        slowest = c["slowest_cells"][0] if c["slowest_cells"] else None
        slow = f"{slowest['seconds']:.1f} s: `{_plain(slowest['source'])}`" if slowest else ""
        rows.append([c["notebook"], f"{c['seconds']:.1f}", status, slow])
    total = r["total_seconds"]
    lines = [
        CHAPTER_TIMES_START,
        (
            f"Every chapter executed top to bottom in a fresh kernel on Fashion-MNIST "
            f"(`AELIB_DATASET=fashion`) at budget `{r['budget']}`."
        ),
        "",
        *_table(["chapter", "seconds", "status", "slowest cell"], rows),
        "",
        f"- Total: **{total:.0f} s ({total / 60:.1f} minutes)** for {len(r['chapters'])} chapter(s).",
    ]
    if r["budget"] == "full":
        t = r["targets"]
        lines.append(
            f"- Target: whole course under {t['total_seconds'] // 60} minutes, no chapter over "
            f"{t['chapter_seconds'] // 60} minutes: **{'met' if t['met'] else 'not met'}**."
        )
    else:
        lines.append(
            "- Smoke budget: this checks that every chapter runs, not how long the course takes."
        )
    return [*lines, CHAPTER_TIMES_END]


RENDERERS = {"1": part1_lines, "2": part2_lines, "3": part3_lines}


def body(results: dict) -> list[str]:
    lines = []
    for key in sorted(results.get("parts", {})):
        part = results["parts"][key]
        lines += [
            f"## {PART_TITLES[key]}",
            "",
            _machine_line(part),
            "",
            *RENDERERS[key](part["results"]),
            "",
        ]
    return lines


def markdown(results: dict) -> str:
    return "\n".join(["# Benchmark results", "", *body(results)])


def book_page(results: dict) -> str:
    intro = [
        "# Performance",
        "",
        "How long the course takes to run, and how its training loop compares with the usual",
        "PyTorch one. This page is generated by `benchmarks/run.py` (`make bench`) from its last",
        "run; every number below was measured on the machine named under each heading. Timings",
        "depend on the machine and on what else runs on it, so compare rows of one table, which",
        "were measured in the same run.",
        "",
    ]
    return "\n".join([*intro, *body(results)])


def text_summary(results: dict, parts: list[str]) -> str:
    """The small table printed at the end of a run."""
    lines = []
    for key in parts:
        r = results["parts"][key]["results"]
        if key == "1":
            ref = r["reference"]
            lines.append(
                f"Part 1  reference {ref['seconds_per_epoch']:.2f} s/epoch, "
                f"test loss {ref['test_loss']:.2f} nats/image"
            )
            for run in r["aelib_runs"]:
                lines.append(
                    f"        {_loop_name(run):<44} {run['seconds_per_epoch']:.2f} s/epoch: "
                    f"{run['ratio']:.2f}x (CPU {run['cpu_ratio']:.2f}x), "
                    f"test loss {run['test_loss']:.2f}"
                )
        elif key == "2":
            lines.append(f"Part 2  matmul {r['matmul']['best_gflops']:.1f} GFLOP/s")
            for c in r["configs"]:
                lines.append(
                    f"        {c['name']:<66} {c['images_per_second']:>6,.0f} img/s "
                    f"{c['images_per_cpu_second']:>6,.0f} img/CPU-s {c['gflops']:>5.1f} GFLOP/s "
                    f"({c['fraction_of_matmul']:.0%})"
                )
            lines.append(
                f"        fastest {r['speedup']:.2f}x, aelib.fit {r['shipped_speedup']:.2f}x the first "
                f"row (CPU time: {_cpu_speedup(r, r['after']):.2f}x, "
                f"{_cpu_speedup(r, r['configs'][-1]['name']):.2f}x)"
            )
        elif key == "3":
            lines.append(f"Part 3  budget {r['budget']}, total {r['total_seconds']:.1f} s")
            for c in r["chapters"]:
                lines.append(
                    f"        {c['notebook']:<44} {c['seconds']:>7.1f} s {'ok' if c['ok'] else 'FAILED'}"
                )
    return "\n".join(lines)
