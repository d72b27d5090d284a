"""Sentences of the text checked against the run that printed the numbers they interpret: at full
budget a false :func:`claim` raises :class:`ClaimFailed`, so the book build fails instead of
publishing a sentence its own figures contradict; a smoke run only reports it.
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
    if isinstance(value, Real) and not isinstance(value, Integral) and math.isfinite(value):
        return f"{value:.4g}"
    return str(value)


def claim(condition, statement: str, **numbers) -> None:
    """Check that ``condition`` holds for the run that ``statement`` describes; ``numbers``, the values
    it was computed from, are quoted in the line printed, or in the error of a false claim."""
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("claim needs the statement it checks, as a non-empty string.")
    evidence = ", ".join(f"{name} = {_shown(value)}" for name, value in numbers.items())
    evidence = f" ({evidence})" if evidence else ""
    if condition:
        print(f"checked: {statement}{evidence}")
    elif settings.smoke:
        print(f"not supported by this smoke run (full budget would fail): {statement}{evidence}")
    else:
        raise ClaimFailed(f"The text says: {statement!r}, but this run does not support it{evidence}. "
                          "Change the run or the sentence, not the check.")
