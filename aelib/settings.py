"""How big every run in the course is, and on which data set: ``settings``, read once from the
environment variables that the README's table lists (``AELIB_BUDGET``, ``AELIB_DATASET``, ...)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

PROGRESS_MODES = ("bar", "log", "off")
SMOKE_SAMPLES = 600
YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not valid: use one of {', '.join(allowed)}.")
    return value


@dataclass
class Settings:
    """Run size and data choices shared by every chapter."""

    budget: str = field(default_factory=lambda: _choice("AELIB_BUDGET", "full", ("full", "smoke")))
    dataset: str = field(default_factory=lambda: _choice("AELIB_DATASET", "mnist", ("mnist", "fashion")))
    progress: str = field(default_factory=lambda: _choice("AELIB_PROGRESS", "bar", PROGRESS_MODES))
    offline: bool = field(default_factory=lambda: _choice("AELIB_OFFLINE", "0", YES + NO) in YES)

    @property
    def smoke(self) -> bool:
        return self.budget == "smoke"

    def epochs(self, full: int) -> int:
        """Epochs to train: ``full`` at full budget, one in a smoke run."""
        return 1 if self.smoke else full

    def samples(self, full: int) -> int:
        """How many images to use: ``full`` at full budget, a few hundred in a smoke run."""
        return min(full, SMOKE_SAMPLES) if self.smoke else full


settings = Settings()
