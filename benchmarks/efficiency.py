"""Part 2: the conv autoencoder's training speed before and after aelib's CPU speed-ups.

Both loops train ``aelib.Autoencoder(1, 16)`` for one epoch on the same real images, batch 128.
"before" is the plain loop (shuffled batches sliced from memory, loss, backward, Adam step) with
PyTorch's defaults; "after" is ``aelib.fit`` as the chapters call it, with the speed-ups of
``aelib.speed``. Every epoch runs in a fresh process: the malloc setting lasts for the process
that makes it, and a fresh process is what a learner has. Rounds alternate the two loops, so that
a change in the machine's load hits both.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import torch
from common import Timer

import aelib
from aelib.settings import settings

BATCH_SIZE = 128
ROUNDS = 3
LOOPS = {
    "before": "before: a plain loop, PyTorch's defaults (Adam per tensor, NCHW, default malloc)",
    "after": "after: aelib.fit as the chapters call it (fused Adam, channels-last, malloc tuned)",
}


def epoch_seconds(loop: str, x: torch.Tensor, threads: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one epoch of ``loop`` (a key of LOOPS), after a warm-up."""
    torch.set_num_threads(threads)
    device = aelib.default_device()
    if loop == "after":
        aelib.fit(aelib.Autoencoder(1, 16), x[:BATCH_SIZE], epochs=1, progress="off")
        torch.manual_seed(0)
        model = aelib.Autoencoder(1, 16)
        with Timer() as t:
            aelib.fit(model, x, epochs=1, batch_size=BATCH_SIZE, progress="off")
        return t.wall, t.cpu
    torch.manual_seed(0)
    model = aelib.Autoencoder(1, 16).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, foreach=False)
    x = x.to(device)

    def step(xb):
        loss = model.loss(xb)
        if not math.isfinite(loss.item()):  # the one host sync per batch, as in fit
            raise FloatingPointError("the loss diverged")
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()

    step(x[:BATCH_SIZE])  # warm-up: first-call allocations and kernel selection
    with Timer() as t:
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0)).to(device)
        for start in range(0, len(x), BATCH_SIZE):
            step(x.index_select(0, order[start : start + BATCH_SIZE]))
    return t.wall, t.cpu


def run() -> dict:
    threads = torch.get_num_threads()
    x = aelib.load_dataset("fashion").x_train[: settings.samples(8192)]
    rounds = 1 if settings.smoke else ROUNDS

    spawn = multiprocessing.get_context("spawn")
    fastest = {loop: (math.inf, math.inf) for loop in LOOPS}  # wall-clock and CPU seconds
    for r in range(rounds):
        for loop in LOOPS:
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as fresh:
                wall, cpu = fresh.submit(epoch_seconds, loop, x, threads).result()
            fastest[loop] = (min(fastest[loop][0], wall), min(fastest[loop][1], cpu))
            print(f"  round {r + 1}, {loop}: {len(x) / wall:,.0f} images/s")
    loops = [{"name": LOOPS[loop], "images_per_second": len(x) / wall, "images_per_cpu_second": len(x) / cpu}
             for loop, (wall, cpu) in fastest.items()]
    return {"images": len(x), "rounds": rounds, "threads": threads, "batch_size": BATCH_SIZE, "loops": loops,
            "speedup": loops[1]["images_per_second"] / loops[0]["images_per_second"]}
