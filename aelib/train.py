"""One training loop for every model in the course, plus checkpoints.

Batches are sliced from tensors already in memory (on the GPU when there is one), so an epoch
costs the model's arithmetic and little else.
"""

from __future__ import annotations

import ctypes
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from .settings import PROGRESS_MODES, settings


def default_device() -> torch.device:
    """CUDA if available, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


_MALLOC_TUNED = False


def _reuse_freed_memory() -> None:
    """Let glibc's malloc keep freed blocks for reuse instead of handing them back to the OS.

    Every training step frees and reallocates the same activation buffers. By default glibc
    unmaps large blocks on free, so the next step page-faults them back in: tens of thousands of
    faults per step for the conv autoencoder, a third of its training time on a CPU. Linux with
    glibc only; elsewhere (and on failure) nothing changes.
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED or not sys.platform.startswith("linux"):
        return
    _MALLOC_TUNED = True
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_trim_threshold, 1 << 30)
        if not libc.mallopt(m_mmap_threshold, 1 << 30):  # older glibc caps it at 32 MiB
            libc.mallopt(m_mmap_threshold, 1 << 25)
    except (OSError, AttributeError):
        pass


@dataclass
class History:
    """Mean training and test loss per epoch, and how the run ended."""

    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    interrupted: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def __repr__(self) -> str:
        last = f", last train loss {self.train_loss[-1]:.4g}" if self.train_loss else ""
        test = f", test loss {self.test_loss[-1]:.4g}" if self.test_loss else ""
        return f"History({self.epochs} epochs{last}{test}, {sum(self.seconds):.1f} s)"


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; ``history`` holds what was learned before."""

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


def fit(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor | None = None,
    *,
    test: tuple[torch.Tensor, torch.Tensor | None] | torch.Tensor | None = None,
    epochs: int = 5,
    batch_size: int = 128,
    lr: float = 1e-3,
    seed: int = 0,
    corrupt: Callable[[torch.Tensor], torch.Tensor] | None = None,
    device: str | torch.device | None = None,
    history: History | None = None,
    progress: str | None = None,
) -> History:
    """Train ``model`` in place with Adam on ``model.loss`` and return its History.

    ``x`` (N, C, 28, 28) images in [0, 1]; ``y`` (N,) labels, used by conditional models;
    ``test`` images (or (images, labels)) scored after every epoch; ``corrupt`` maps a batch
    to the model's input while the clean batch stays the target (a denoising autoencoder);
    ``history`` continues an earlier run's record (Adam starts afresh). Ctrl-C stops after the
    current batch and keeps the weights; a NaN or infinite loss raises :class:`TrainingDiverged`.
    """
    if epochs < 0 or batch_size < 1:
        raise ValueError(f"Need epochs >= 0 and batch_size >= 1, got {epochs} and {batch_size}.")
    if len(x) == 0:
        raise ValueError("There are no training images: x is empty.")
    if y is not None and len(y) != len(x):
        raise ValueError(f"Got {len(x)} images but {len(y)} labels; pass one label per image.")
    device = torch.device(device) if device is not None else default_device()
    if device.type == "cpu":
        _reuse_freed_memory()
    model.to(device)
    # On a CPU, convolutions train faster with channels-last activations (oneDNN's native
    # layout); the weights return to the usual layout when training ends.
    channels_last = device.type == "cpu" and any(p.dim() == 4 for p in model.parameters())
    if channels_last:
        model.to(memory_format=torch.channels_last)
    x, y = x.to(device), (None if y is None else y.to(device))
    x_test, y_test = test if isinstance(test, (tuple, list)) else (test, None)
    history = history if history is not None else History()
    # The fused kernel updates every parameter in one pass: on a CPU it makes Adam's step
    # several times cheaper than the default per-tensor loop.
    fused = device.type in ("cpu", "cuda")
    optimiser = torch.optim.Adam(model.parameters(), lr=lr, fused=fused)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    torch.manual_seed(seed)  # the noise of VAEs and of ``corrupt``
    batches = math.ceil(len(x) / batch_size)
    bar = _Progress(epochs * batches, progress)
    start_epoch = history.epochs

    try:
        for epoch in range(start_epoch, start_epoch + epochs):
            model.train()
            started, total = time.perf_counter(), 0.0
            order = torch.randperm(len(x), generator=generator).to(device)
            for b in range(batches):
                index = order[b * batch_size : (b + 1) * batch_size]
                xb = x.index_select(0, index)  # twice as fast as x[index] on a CPU
                yb = None if y is None else y.index_select(0, index)
                inputs = xb if corrupt is None else corrupt(xb)
                loss = model.loss(inputs, yb, target=None if corrupt is None else xb)
                value = loss.item()  # the one host sync per batch: checked before the step
                if not math.isfinite(value):
                    raise TrainingDiverged(
                        f"The loss became {value} at epoch {epoch + 1}, batch {b + 1}; "
                        f"training stopped with the weights of the last finite step. Try a "
                        f"smaller learning rate (lr={lr:g} now) and check the images lie in [0, 1].",
                        history,
                    )
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                total += value * len(xb)
                bar.update(1, epoch, total / min((b + 1) * batch_size, len(x)))
            history.train_loss.append(total / len(x))
            if x_test is not None:
                history.test_loss.append(evaluate(model, x_test, y_test))
            history.seconds.append(time.perf_counter() - started)
            bar.end_epoch(history)
    except KeyboardInterrupt:
        history.interrupted = True
        print(f"\nInterrupted: the model keeps its weights and {history.epochs} finished epoch(s) of history.")
    finally:
        bar.close()
        if channels_last:
            model.to(memory_format=torch.contiguous_format)
        model.eval()
    return history


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> float:
    """Mean of ``model.loss`` over a whole data set, in evaluation mode."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    total = 0.0
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size].to(device)
        yb = None if y is None else y[i : i + batch_size].to(device)
        total += model.loss(xb, yb).item() * len(xb)
    model.train(was_training)
    return total / len(x)


class _Progress:
    """A tqdm bar (``progress="bar"``), one line per epoch (``"log"``), or nothing (``"off"``).

    The default is ``settings.progress``.
    """

    def __init__(self, total: int, mode: str | None):
        self.mode = mode or settings.progress
        if self.mode not in PROGRESS_MODES:
            raise ValueError(f"progress must be one of {PROGRESS_MODES}, got {self.mode!r}.")
        self.tqdm = None
        if self.mode == "bar":
            from tqdm.auto import tqdm

            self.tqdm = tqdm(total=total, unit="batch", leave=True)

    def update(self, n: int, epoch: int, loss: float) -> None:
        if self.tqdm is not None:
            self.tqdm.update(n)
            self.tqdm.set_description(f"epoch {epoch + 1}", refresh=False)
            self.tqdm.set_postfix(loss=f"{loss:.4g}", refresh=False)

    def end_epoch(self, history: History) -> None:
        if self.mode == "log":
            test = f", test loss {history.test_loss[-1]:.4g}" if history.test_loss else ""
            print(
                f"epoch {history.epochs}: train loss {history.train_loss[-1]:.4g}{test} "
                f"({history.seconds[-1]:.1f} s)"
            )

    def close(self) -> None:
        if self.tqdm is not None:
            self.tqdm.close()


def save_checkpoint(path: str | Path, model: nn.Module, history: History | None = None) -> None:
    """Save the model's weights and (optionally) its training history to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "history": asdict(history or History())}, path)


def load_checkpoint(path: str | Path, model: nn.Module) -> History:
    """Load weights saved by :func:`save_checkpoint` into ``model``; return the saved history."""
    state = torch.load(path, map_location=next(model.parameters()).device, weights_only=True)
    model.load_state_dict(state["model"])
    return History(**state["history"])
