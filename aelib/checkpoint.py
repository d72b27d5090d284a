"""Checkpoints: a model's weights and training history in one file, saved so that a failed or killed
save never damages the previous one, and loaded only into a model of the same architecture."""

from __future__ import annotations

import pickle
from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn

from .data import atomic_write
from .train import History


def save_checkpoint(path: str | Path, model: nn.Module, history: History | None = None) -> None:
    """Save the model's weights and (optionally) its training history to ``path``.

    The file is replaced in one step once fully written: an error or a kill during the save
    leaves the previous checkpoint at ``path`` as it was.
    """
    with atomic_write(Path(path)) as file:
        torch.save({"model": model.state_dict(), "history": asdict(history or History())}, file)


def load_checkpoint(path: str | Path, model: nn.Module) -> History:
    """Load weights saved by :func:`save_checkpoint` (or a plain ``state_dict``) into ``model``;
    return the saved history. On any error the model is left unchanged."""
    path = Path(path)
    try:
        state = torch.load(path, map_location=next(model.parameters()).device, weights_only=True)
    except FileNotFoundError:
        raise
    # A damaged file makes torch raise any of these.
    except (OSError, EOFError, RuntimeError, ValueError, LookupError, pickle.UnpicklingError) as err:
        first = str(err).splitlines()[0].split(". ")[0] if str(err) else "no details"
        reason = "the file is empty" if path.stat().st_size == 0 else f"{type(err).__name__}: {first}"
        raise ValueError(
            f"{path} is not a readable checkpoint ({reason}). It may be truncated or not a file "
            "written by save_checkpoint: save the model again."
        ) from None
    weights = state.get("model", state) if isinstance(state, dict) else None
    if not isinstance(weights, dict) or not all(isinstance(v, torch.Tensor) for v in weights.values()):
        raise ValueError(f"{path} holds no model weights: save it with save_checkpoint(path, model).")
    _check_architecture(path, weights, model.state_dict())
    model.load_state_dict(weights)
    return History(**state.get("history", {}))


def _check_architecture(path: Path, saved: dict, expected: dict) -> None:
    """Raise, naming the differing weights' shapes, unless ``saved`` fits the model exactly."""
    def shape(weights, key):
        return tuple(weights[key].shape) if key in weights else "absent"

    keys = [*expected, *(k for k in saved if k not in expected)]
    differ = [f"{k}: checkpoint {shape(saved, k)}, model {shape(expected, k)}"
              for k in keys if shape(saved, k) != shape(expected, k)]
    if differ:
        more = f"\n  ... and {len(differ) - 8} more" if len(differ) > 8 else ""
        raise ValueError(
            f"{path} holds the weights of another architecture; the model was left unchanged.\n  "
            + "\n  ".join(differ[:8]) + more + "\nBuild the model the checkpoint was saved from "
            "(same class, channels, embedding_dim and hidden sizes), then load it."
        )
