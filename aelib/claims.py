"""Sentences of the text checked against the run that printed the numbers they interpret.

A chapter states a result ("the denoiser beats the plain autoencoder on noisy images") and,
in the cell after the output, checks it with :func:`claim`. At full budget a false claim
raises :class:`ClaimFailed`, so the book build fails instead of publishing a sentence its own
figures contradict. A smoke run (one epoch on a few hundred images) only reports it.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from .settings import settings


class ClaimFailed(AssertionError):
    """A statement of the text does not hold for this run's numbers."""


def _shown(value) -> str:
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, Real) and not isinstance(value, Integral):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    return str(value)


def claim(condition, statement: str, **numbers) -> None:
    """Check that ``condition`` holds for the run that ``statement`` describes.

    ``numbers`` are the values the condition was computed from, quoted in the report. A true
    claim prints one line; a false one raises :class:`ClaimFailed` at full budget and prints a
    warning at smoke budget.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("claim needs the statement it checks, as a non-empty string.")
    held = bool(condition)
    evidence = ", ".join(f"{name} = {_shown(value)}" for name, value in numbers.items())
    evidence = f" ({evidence})" if evidence else ""
    if held:
        print(f"checked: {statement}{evidence}")
    elif settings.smoke:
        print(f"not supported by this smoke run (full budget would fail): {statement}{evidence}")
    else:
        raise ClaimFailed(
            f"The text says: {statement!r}, but this run does not support it{evidence}. "
            "Change the run or the sentence, not the check."
        )
