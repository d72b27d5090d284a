"""The one place that decides how big every run in the course is, and on which data set.

Environment variables (read once, at import):

- ``AELIB_BUDGET``: ``full`` (default) or ``smoke``. Smoke runs train for one epoch on a few
  hundred images so that every notebook executes in seconds; CI sets it.
- ``AELIB_DATASET``: ``mnist`` (default) or ``fashion`` to run every chapter on Fashion-MNIST.
- ``AELIB_DATA_DIR``: where the IDX files live (see :func:`aelib.data.default_data_dir`).
- ``AELIB_PROGRESS``: ``bar`` (default, a tqdm bar), ``log`` (one line per epoch: what the
  built book shows) or ``off``.
- ``AELIB_OFFLINE``: ``1`` (or ``true``, ``yes``, ``on``) never downloads; MNIST without its
  training images then uses an announced 8,000/2,000 split of the official test images.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

BUDGETS = ("full", "smoke")
DATASETS = ("mnist", "fashion")
PROGRESS_MODES = ("bar", "log", "off")
SMOKE_SAMPLES = 600
YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not valid: use one of {', '.join(allowed)}.")
    return value


def _flag(name: str) -> bool:
    """A yes/no environment variable in any of the usual spellings; unset or empty means no."""
    return _choice(name, "0", YES + NO) in YES


@dataclass
class Settings:
    """Run size and data choices shared by every chapter."""

    budget: str = field(default_factory=lambda: _choice("AELIB_BUDGET", "full", BUDGETS))
    dataset: str = field(default_factory=lambda: _choice("AELIB_DATASET", "mnist", DATASETS))
    progress: str = field(default_factory=lambda: _choice("AELIB_PROGRESS", "bar", PROGRESS_MODES))
    offline: bool = field(default_factory=lambda: _flag("AELIB_OFFLINE"))

    @property
    def smoke(self) -> bool:
        return self.budget == "smoke"

    def epochs(self, full: int) -> int:
        """Epochs to train: ``full`` at full budget, one in a smoke run."""
        return full if not self.smoke else 1

    def samples(self, full: int) -> int:
        """How many images to use: ``full`` at full budget, a few hundred in a smoke run."""
        return full if not self.smoke else min(full, SMOKE_SAMPLES)

    def __repr__(self) -> str:
        return f"Settings(budget={self.budget!r}, dataset={self.dataset!r}, offline={self.offline})"


settings = Settings()
