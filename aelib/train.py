"""One training loop for every model in the course.

Batches are sliced from tensors already in memory (on the GPU when there is one), so an epoch
costs the model's arithmetic and little else.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from .models import check_images, check_int, check_labels, in_batches
from .settings import PROGRESS_MODES, settings
from .speed import adam, training_layout

SCHEDULES = ("constant", "one-cycle")


def default_device() -> torch.device:
    """CUDA if available, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


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
    schedule: str = "constant",
    seed: int = 0,
    corrupt: Callable[[torch.Tensor], torch.Tensor] | None = None,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    device: str | torch.device | None = None,
    history: History | None = None,
    progress: str | None = None,
) -> History:
    """Train ``model`` in place with Adam on ``model.loss`` and return its History.

    ``x`` (N, C, 28, 28) images in [0, 1]; ``y`` (N,) labels, used by conditional models;
    ``test`` images (or (images, labels)) scored after every epoch; ``corrupt`` maps a batch
    to the model's input while the clean batch stays the target (a denoising autoencoder);
    ``transform`` maps each batch, input and target alike, before ``corrupt`` (``torch.bernoulli``
    draws binary images afresh at every step: dynamic binarisation);
    ``history`` continues an earlier run's record (Adam starts afresh). ``schedule="one-cycle"``
    warms the learning rate up from ``lr / 25`` to ``lr`` over the first 30% of the steps of this
    call, then anneals it to about zero, cycling Adam's beta1 the other way (the one-cycle policy
    of Smith & Topin 2019); ``"constant"`` keeps ``lr``. ``seed`` fixes the order
    of the images and the training noise (a VAE's samples, ``corrupt``'s and ``transform``'s); the caller's global
    random state is left as it was. On a CPU, the speed-ups of :mod:`aelib.speed` apply. Every
    input is checked before training starts. Ctrl-C stops after the current batch and keeps the weights; a NaN or
    infinite loss raises :class:`TrainingDiverged`, with the model left at finite weights.
    """
    epochs = check_int(epochs, "epochs", minimum=0)
    batch_size = check_int(batch_size, "batch_size")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < math.inf:
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}.")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}.")
    x_test, y_test = test if isinstance(test, (tuple, list)) else (test, None)
    _check_split(model, x, y, "x")
    if x_test is not None:
        _check_split(model, x_test, y_test, "test")
    if not _is_finite(model):
        raise ValueError(
            "The model's weights contain NaN or infinite values (a diverged run?): build a new "
            "model, or load a checkpoint saved before it diverged."
        )
    device = torch.device(device) if device is not None else default_device()
    model.to(device)
    x, y = x.to(device), (None if y is None else y.to(device))
    history = history if history is not None else History()
    history.interrupted = False
    optimiser = adam(model, lr, device)
    generator = torch.Generator(device="cpu").manual_seed(seed)  # the order of the images
    batches = math.ceil(len(x) / batch_size)
    steps = None
    if schedule == "one-cycle" and epochs > 0:
        steps = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=lr, total_steps=epochs * batches)
    bar = _Progress(epochs * batches, progress)
    start_epoch = history.epochs

    # The noise of VAEs and of ``corrupt`` comes from a stream seeded with ``seed``; the caller's
    # random state is restored afterwards.
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []), training_layout(model, device):
        torch.manual_seed(seed)
        try:
            for epoch in range(start_epoch, start_epoch + epochs):
                model.train()
                started, total = time.perf_counter(), 0.0
                at_start = {k: v.detach().clone() for k, v in model.state_dict().items()}
                order = torch.randperm(len(x), generator=generator).to(device)
                for b in range(batches):
                    index = order[b * batch_size : (b + 1) * batch_size]
                    xb = x.index_select(0, index)  # twice as fast as x[index] on a CPU
                    xb = xb if transform is None else transform(xb)
                    yb = None if y is None else y.index_select(0, index)
                    inputs = xb if corrupt is None else corrupt(xb)
                    loss = model.loss(inputs, yb, target=None if corrupt is None else xb)
                    value = loss.item()  # the one host sync per batch: checked before the step
                    if not math.isfinite(value):
                        what = f"The loss became {value} at epoch {epoch + 1}, batch {b + 1}"
                        raise _diverged(model, at_start, epoch, what, lr, history)
                    optimiser.zero_grad(set_to_none=True)
                    loss.backward()
                    optimiser.step()
                    if steps is not None:
                        steps.step()
                    total += value * len(xb)
                    bar.update(1, epoch, total / min((b + 1) * batch_size, len(x)))
                if not _is_finite(model):  # the last step made them so, though its loss was finite
                    what = f"The weights became NaN or infinite at the end of epoch {epoch + 1}"
                    raise _diverged(model, at_start, epoch, what, lr, history)
                test_loss = None if x_test is None else evaluate(model, x_test, y_test)
                if test_loss is not None and not math.isfinite(test_loss):
                    what = f"The test loss became {test_loss} after epoch {epoch + 1}"
                    raise _diverged(model, at_start, epoch, what, lr, history)
                # Recorded together, so that an interrupt never leaves the lists of unequal length.
                history.train_loss.append(total / len(x))
                if test_loss is not None:
                    history.test_loss.append(test_loss)
                history.seconds.append(time.perf_counter() - started)
                bar.end_epoch(history)
        except KeyboardInterrupt:
            history.interrupted = True
            print(f"\nInterrupted: the model keeps its weights and {history.epochs} finished epoch(s) of history.")
        finally:
            bar.close()
            model.eval()
    return history


def _check_split(model: nn.Module, x, y, name: str) -> None:
    """Raise now, not after an epoch of training, if ``x`` and ``y`` cannot be used."""
    try:
        check_images(x, model.channels)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name}: {err}") from None
    if y is not None:
        check_labels(y, len(x), name=f"labels of {name}")


def _is_finite(model: nn.Module) -> bool:
    return all(bool(p.isfinite().all()) for p in model.parameters())


def _diverged(model: nn.Module, at_start: dict, epoch: int, what: str, lr: float, history: History):
    """The TrainingDiverged to raise, after making sure the model holds finite weights."""
    if _is_finite(model):
        kept = "the model keeps the weights of the last step, which are finite"
    else:
        model.load_state_dict(at_start)
        kept = f"the model is back at its weights from the start of epoch {epoch + 1}"
    return TrainingDiverged(
        f"{what}; training stopped and {kept}. Try a smaller learning rate (lr={lr:g} now).", history
    )


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> float:
    """Mean of ``model.loss`` over a whole data set, in evaluation mode; a VAE's noise is drawn
    from a fixed seed, so the score is repeatable and the caller's random state untouched."""
    if len(x) == 0:
        raise ValueError("evaluate got no images: pass at least one.")
    totals = in_batches(model, lambda xb, yb: model.loss(xb, yb).item() * len(xb), x, y, batch_size)
    return sum(totals) / len(x)


class _Progress:
    """A tqdm bar (``progress="bar"``), one line per epoch (``"log"``), or nothing (``"off"``);
    the default is ``settings.progress``."""

    def __init__(self, total: int, mode: str | None):
        from tqdm.auto import tqdm

        self.mode = mode or settings.progress
        if self.mode not in PROGRESS_MODES:
            raise ValueError(f"progress must be one of {PROGRESS_MODES}, got {self.mode!r}.")
        self.tqdm = tqdm(total=total, unit="batch", disable=self.mode != "bar")

    def update(self, n: int, epoch: int, loss: float) -> None:
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
        self.tqdm.close()
