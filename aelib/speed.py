"""The CPU speed-ups of ``fit``, in one place: none changes what is computed, beyond rounding.

- glibc's malloc keeps freed blocks for reuse (:func:`reuse_freed_memory`);
- convolutions train on channels-last activations, oneDNN's native layout (:func:`training_layout`);
- Adam updates every parameter in one fused pass (:func:`adam`).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

_libc = None  # glibc, once its malloc is tuned
_tried = False


def reuse_freed_memory() -> None:
    """Let glibc's malloc keep freed blocks for reuse instead of handing them back to the OS.

    Every training step frees and reallocates the same activation buffers; by default glibc unmaps
    large blocks on free, and page-faulting them back in took a third of the conv autoencoder's
    training time. The setting lasts for the process. Linux with glibc only; elsewhere, nothing.
    """
    global _libc, _tried
    if _tried or not sys.platform.startswith("linux"):
        return
    _tried = True
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_trim_threshold, 1 << 30)
        if not libc.mallopt(m_mmap_threshold, 1 << 30):  # older glibc caps it at 32 MiB
            libc.mallopt(m_mmap_threshold, 1 << 25)
        _libc = libc
    except (OSError, AttributeError):
        pass


def return_freed_memory() -> None:
    """Give the memory that malloc keeps for reuse back to the OS."""
    if _libc is not None:
        _libc.malloc_trim(0)


@contextmanager
def training_layout(model: nn.Module, device: torch.device) -> Iterator[None]:
    """On a CPU, tune malloc and keep a convolutional model's activations channels-last while
    training; afterwards the weights return to the usual layout and the kept memory to the OS."""
    cpu = device.type == "cpu"
    channels_last = cpu and any(p.dim() == 4 for p in model.parameters())
    if cpu:
        reuse_freed_memory()
    if channels_last:
        model.to(memory_format=torch.channels_last)
    try:
        yield
    finally:
        if channels_last:
            model.to(memory_format=torch.contiguous_format)
        if cpu:
            return_freed_memory()


def adam(model: nn.Module, lr: float, device: torch.device) -> torch.optim.Adam:
    """Adam with the fused kernel where PyTorch has one (CPU and CUDA): on a CPU several times
    cheaper per step than the default loop over tensors, the same update up to rounding."""
    return torch.optim.Adam(model.parameters(), lr=lr, fused=device.type in ("cpu", "cuda"))
