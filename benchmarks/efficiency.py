"""Part 2: how close the reference conv autoencoder's training gets to the machine's matmul speed.

Every configuration trains the same ``aelib.Autoencoder(1, 16)`` on the same real images with the
loop of ``aelib.fit`` (shuffled batches sliced from memory, loss, backward, Adam step); only the
settings named in the configuration change, each one on top of the row before it. The last row
calls ``aelib.fit`` itself with its defaults, so it shows what the course's chapters get.

Each measurement runs in a fresh Python process (``python efficiency.py --worker ...``): memory
allocator settings cannot be undone inside a process, and a fresh one is what a learner has.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from common import Timer
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import aelib


@dataclass(frozen=True)
class Config:
    name: str
    batch_size: int = 128
    fused_adam: bool = False
    reuse_memory: bool = False
    channels_last: bool = False
    inplace_relu: bool = False
    threads: int | None = None  # None: leave torch's setting alone
    passive_wait: bool = False  # OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep, not spin
    use_fit: bool = False


def configs(default_threads: int) -> list[Config]:
    rows = [
        Config("before: the original fit loop (batch 128, per-tensor Adam, NCHW)"),
        Config("+ fused Adam", fused_adam=True),
        Config("+ malloc keeps freed memory", fused_adam=True, reuse_memory=True),
        Config("+ channels_last", fused_adam=True, reuse_memory=True, channels_last=True),
    ]
    best = {"fused_adam": True, "reuse_memory": True, "channels_last": True, "inplace_relu": True}
    rows.append(Config("+ in-place ReLU (not in aelib)", **best))
    for batch in (64, 256):
        rows.append(Config(f"+ in-place ReLU, batch {batch}", batch_size=batch, **best))
    if default_threads > 1:
        rows.append(Config("+ in-place ReLU, 1 thread", threads=1, **best))
        rows.append(Config("+ in-place ReLU, OMP_WAIT_POLICY=PASSIVE", passive_wait=True, **best))
    rows.append(Config("aelib.fit as shipped (batch 128)", use_fit=True))
    return rows


def matmul_gflops(n: int = 2048, repeats: int = 5, device=None) -> dict:
    """Dense float32 matmul speed: the best of ``repeats`` products of two n x n matrices."""
    device = device or aelib.default_device()
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        with Timer() as t:
            torch.mm(a, b)
            if device.type == "cuda":
                torch.cuda.synchronize()
        times.append(t.wall)
    flops = 2 * n**3
    return {
        "n": n,
        "best_gflops": flops / min(times) / 1e9,
        "median_gflops": flops / statistics.median(times) / 1e9,
    }


def step_flops(model: nn.Module, batch: torch.Tensor) -> int:
    """Floating-point operations of one training step's forward and backward pass."""
    with FlopCounterMode(display=False) as counter:
        model.loss(batch).backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops()


def _build(config: Config, device) -> tuple[nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = aelib.Autoencoder(1, 16).to(device)
    if config.inplace_relu:
        for module in model.modules():
            if isinstance(module, nn.ReLU):
                module.inplace = True
    if config.channels_last:
        model = model.to(memory_format=torch.channels_last)
    kwargs = {"fused": True} if config.fused_adam else {"foreach": False}
    return model, torch.optim.Adam(model.parameters(), lr=1e-3, **kwargs)


def _train(config: Config, x: torch.Tensor, device) -> Timer:
    """One epoch over ``x`` with the loop of aelib.fit, timed."""
    if config.use_fit:
        torch.manual_seed(0)
        model = aelib.Autoencoder(1, 16)
        aelib.fit(model, x[: config.batch_size], epochs=1, progress="off")  # warm-up
        torch.manual_seed(0)
        model = aelib.Autoencoder(1, 16)
        with Timer() as t:
            aelib.fit(model, x, epochs=1, progress="off")
        return t
    if config.reuse_memory:
        from aelib.train import _reuse_freed_memory

        _reuse_freed_memory()
    model, optimiser = _build(config, device)
    x = x.to(device)
    if config.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    generator = torch.Generator().manual_seed(0)

    def step(xb):
        loss = model.loss(xb)
        if not math.isfinite(loss.item()):
            raise FloatingPointError("the loss diverged")
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()

    step(x[: config.batch_size])  # warm-up: first-call allocations and kernel selection
    with Timer() as t:
        order = torch.randperm(len(x), generator=generator).to(device)
        for b in range(math.ceil(len(x) / config.batch_size)):
            step(x.index_select(0, order[b * config.batch_size : (b + 1) * config.batch_size]))
    return t


def _measure(config: Config, data: Path, threads: int) -> dict:
    """Train one epoch in a fresh process; its wall and CPU seconds."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        json.dumps(asdict(config)),
        "--data",
        str(data),
        "--threads",
        str(config.threads or threads),
    ]
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE") if config.passive_wait else None
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"The measurement of {config.name!r} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(images: int = 8192, rounds: int = 3) -> dict:
    device = aelib.default_device()
    threads = torch.get_num_threads()
    x = aelib.load_dataset("fashion").x_train[:images]
    matmul = matmul_gflops(device=device)
    flops_per_image = step_flops(aelib.Autoencoder(1, 16).to(device), x[:128].to(device)) / 128
    data = Path(tempfile.mkdtemp(prefix="bench-conv-")) / "images.pt"
    torch.save(x.clone(), data)

    rows = configs(threads)
    seconds = {c.name: [] for c in rows}
    cpu_seconds = {c.name: [] for c in rows}
    for r in range(rounds):  # rounds interleave the configurations, so drifting load hits all
        for config in rows:
            t = _measure(config, data, threads)
            seconds[config.name].append(t["wall"])
            cpu_seconds[config.name].append(t["cpu"])
            print(f"  round {r + 1}: {config.name}: {len(x) / t['wall']:,.0f} images/s")
    data.unlink()
    data.parent.rmdir()

    results = []
    for config in rows:
        best = min(seconds[config.name])
        rate = len(x) / best
        results.append(
            {
                **asdict(config),
                "threads": config.threads or threads,
                "images_per_second": rate,
                "images_per_second_rounds": [len(x) / s for s in seconds[config.name]],
                "images_per_cpu_second": len(x) / min(cpu_seconds[config.name]),
                "gflops": rate * flops_per_image / 1e9,
                "fraction_of_matmul": rate * flops_per_image / 1e9 / matmul["best_gflops"],
            }
        )
    before = results[0]
    after = max(results[1:], key=lambda row: row["images_per_second"])
    shipped = results[-1]
    return {
        "device": str(device),
        "images": len(x),
        "rounds": rounds,
        "threads": threads,
        "flops_per_image": flops_per_image,
        "matmul": matmul,
        "configs": results,
        "before": before["name"],
        "after": after["name"],
        "speedup": after["images_per_second"] / before["images_per_second"],
        "shipped_speedup": shipped["images_per_second"] / before["images_per_second"],
    }


def _worker(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True, help="a Config as JSON")
    parser.add_argument("--data", required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    config = Config(**json.loads(args.worker))
    x = torch.load(args.data)
    t = _train(config, x, aelib.default_device())
    print(json.dumps({"wall": t.wall, "cpu": t.cpu}))


if __name__ == "__main__":
    _worker()
