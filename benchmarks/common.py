"""What the parts share: a timer, the machine's description and its dense matmul speed."""

from __future__ import annotations

import os
import platform
import re
import time
from pathlib import Path
from typing import Self

import torch
from torch.utils.flop_counter import FlopCounterMode

# Thread settings from the environment change CPU timings a lot, so the results record them.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


class Timer:
    """Wall-clock and CPU seconds (all threads of this process) spent inside a ``with`` block."""

    def __enter__(self) -> Self:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def cpu_model() -> str:
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    except OSError:
        found = None
    return found[1].strip() if found else platform.processor() or platform.machine()


def load_average() -> float | None:
    """The 1-minute load average (runnable processes), or None where the OS has none."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def machine() -> dict:
    """What the numbers were measured on."""
    return {
        "cpu": cpu_model(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "environment": {key: os.environ[key] for key in THREAD_VARIABLES if key in os.environ},
    }


def matmul_gflops(device: torch.device, n: int = 2048, repeats: int = 5) -> dict:
    """Dense float32 matmul speed: the best of ``repeats`` products of two n x n matrices."""
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        with Timer() as t:
            torch.mm(a, b)
            if device.type == "cuda":
                torch.cuda.synchronize()
        times.append(t.wall)
    return {"n": n, "best_gflops": 2 * n**3 / min(times) / 1e9}


def step_flops_per_image(model: torch.nn.Module, batch: torch.Tensor) -> float:
    """Floating-point operations of one training step (forward and backward) per image."""
    with FlopCounterMode(display=False) as counter:
        model.loss(batch).backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops() / len(batch)
