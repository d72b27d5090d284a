"""Autoencoders: the reference convolutional one of chapter 2 and a fully connected one.

Every model here (and in :mod:`aelib.vae`) has the same interface, so one training loop and
one set of metrics and plots serve them all:

- ``encode(x)``: images (N, C, 28, 28) -> codes (N, embedding_dim)
- ``decode(z)``: codes (N, embedding_dim) -> images (N, C, 28, 28)
- ``loss(x, y=None, target=None)``: the scalar the training loop minimises
- ``embed(x)`` / ``reconstruct(x)``: batched, gradient-free versions for whole data sets
"""

from __future__ import annotations

import itertools
import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

IMAGE_SIZE = 28


def check_int(value, name: str, minimum: int = 1, meaning: str = "") -> int:
    """``value`` as an int if it is a whole number >= ``minimum`` (NumPy's too), else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}{meaning}, got {value!r}.")
    return int(value)


def check_hidden(hidden) -> tuple[int, ...]:
    """The hidden layer sizes as a tuple of ints, or an error that says how to write them."""
    if not isinstance(hidden, (tuple, list)):
        raise TypeError(
            f"hidden must be a tuple of layer sizes such as (512, 128), got {hidden!r}; "
            "write (512,) for one layer and () for none."
        )
    return tuple(check_int(size, "every hidden layer size") for size in hidden)


def check_images(x: torch.Tensor, channels: int) -> None:
    """Raise a ValueError that says how to fix ``x`` unless it is float32 (N, channels, 28, 28)
    with N >= 1 and every value in [0, 1]."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"Expected a torch.Tensor of images, got {type(x).__name__}: convert it with "
            "torch.as_tensor(x, dtype=torch.float32)."
        )
    if x.dim() == 3 and x.shape[-2:] == (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(
            f"Got shape {tuple(x.shape)} with no channel axis: pass x.unsqueeze(1), "
            f"shape (N, {channels}, 28, 28)."
        )
    if x.dim() != 4:
        raise ValueError(f"Expected images of shape (N, {channels}, 28, 28), got {tuple(x.shape)}.")
    if x.shape[1] != channels:
        raise ValueError(
            f"The model was built for {channels} channel(s) but the images have {x.shape[1]}: "
            f"build it with channels={x.shape[1]} or pass images of shape (N, {channels}, 28, 28)."
        )
    if x.shape[-2:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(
            f"Expected 28x28 images, got {x.shape[-2]}x{x.shape[-1]}: resize or crop them to "
            "28x28 first (for example with torch.nn.functional.interpolate)."
        )
    if not x.is_floating_point():
        raise ValueError(
            f"Got {x.dtype} images; the models expect floats in [0, 1]: pass x.float() / 255."
        )
    if x.dtype != torch.float32:
        raise ValueError(f"Got {x.dtype} images; the models compute in float32: pass x.float().")
    if len(x) == 0:
        raise ValueError(f"Got no images (shape {tuple(x.shape)}): pass at least one.")
    low, high = (float(v) for v in torch.aminmax(x))  # one pass: this runs on every batch
    if math.isnan(low) or math.isnan(high):
        raise ValueError(
            "Some pixel values are NaN: find them with x.isnan().flatten(1).any(1) and drop "
            "those images, or replace the values with torch.nan_to_num(x)."
        )
    if low < 0 or high > 1:
        raise ValueError(
            f"Pixel values span [{low:.3g}, {high:.3g}] but must lie in "
            "[0, 1]: divide 0..255 images by 255 (x / 255)."
        )


def check_labels(y, n: int, n_classes: int | None = None, name: str = "labels") -> None:
    """Raise, saying how to fix them, unless ``y`` are ``n`` integer class indices (N,), each in
    0..n_classes-1 when ``n_classes`` is given."""
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"The {name} must be a torch.Tensor, got {type(y).__name__}: pass torch.as_tensor(y).")
    if y.dim() == 2 and y.shape[1] == n_classes:
        raise ValueError(f"Got one-hot {name} of shape {tuple(y.shape)}: pass class indices, y.argmax(1).")
    if y.dim() != 1:
        raise ValueError(f"The {name} must have shape (N,), got {tuple(y.shape)}: pass y.flatten().")
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise ValueError(f"The {name} must be integer class indices, got {y.dtype}: pass y.round().long().")
    if len(y) != n:
        raise ValueError(f"Got {n} images but {len(y)} {name}; pass one label per image.")
    if n_classes is not None and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"The {name} must lie in 0..{n_classes - 1} for a model of n_classes={n_classes}, "
                         f"got {name} from {int(y.min())} to {int(y.max())}.")


class AutoencoderBase(nn.Module):
    """Shared interface: subclasses call ``super().__init__(channels, embedding_dim)`` (the one
    place these are checked), then define ``encoder`` and ``decoder``. Labels ``y`` are accepted
    everywhere and used only by conditional models.
    """

    linear_output = False  # the decoder's last layer feeds a sigmoid; True: it is the output

    def __init__(self, channels: int, embedding_dim: int):
        super().__init__()
        self.channels = check_int(channels, "channels", meaning=" (1 for grey images, 3 for colour)")
        self.embedding_dim = check_int(embedding_dim, "embedding_dim", meaning=" (the size of the code)")

    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        check_images(x, self.channels)
        return self.encoder(x)

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        self.check_codes(z)
        return self.decoder(z)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.decode(self.encode(x, y), y)

    def loss(self, x, y=None, target=None) -> torch.Tensor:
        """Mean squared error per pixel between the reconstruction of ``x`` and ``target``."""
        return F.mse_loss(self(x, y), x if target is None else target)

    def start_at_mean(self, x: torch.Tensor) -> AutoencoderBase:
        """Set the decoder's last bias so that, untrained, it draws about the mean of the images
        ``x`` (per pixel where that bias has one value per pixel, else per channel); return the
        model. Training then starts from the average image, as PCA does, instead of from grey."""
        check_images(x, self.channels)
        last = [m for m in self.decoder.modules() if isinstance(m, (nn.Linear, nn.Conv2d))][-1]
        mean = x.mean(dim=0)  # (C, 28, 28)
        mean = mean.flatten() if last.bias.numel() == mean.numel() else mean.mean(dim=(1, 2))
        with torch.no_grad():
            last.bias.copy_(mean if self.linear_output else torch.logit(mean.clamp(0.01, 0.99)))
        return self

    def check_codes(self, z: torch.Tensor) -> None:
        valid = isinstance(z, torch.Tensor) and z.dim() == 2 and z.shape[1] == self.embedding_dim
        if not valid or len(z) == 0:
            got = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(
                f"Expected codes of shape (N, {self.embedding_dim}), a tensor with N >= 1, got {got}."
            )

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def embed(self, x: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> torch.Tensor:
        """Codes (N, embedding_dim) of many images, without gradients, on the CPU."""
        return torch.cat(in_batches(self, lambda xb, yb: self.encode(xb, yb).cpu(), x, y, batch_size))

    def reconstruct(self, x: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> torch.Tensor:
        """Reconstructions (N, C, 28, 28) of many images, without gradients, on the CPU."""
        return torch.cat(in_batches(self, lambda xb, yb: self(xb, yb).cpu(), x, y, batch_size))

    def generate(self, z: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> torch.Tensor:
        """Decoded images (N, C, 28, 28) of many codes, without gradients, on the CPU."""
        return torch.cat(in_batches(self, lambda zb, yb: self.decode(zb, yb).cpu(), z, y, batch_size))


@torch.no_grad()
def in_batches(model: nn.Module, fn, x: torch.Tensor, y: torch.Tensor | None = None,
               batch_size: int = 1000, seed: int = 0) -> list:
    """``[fn(xb, yb), ...]`` over consecutive batches of ``x`` (and ``y``) on the model's device,
    in evaluation mode and without gradients.

    Random draws inside ``fn`` (a VAE's sample of z) come from a generator seeded with ``seed``,
    so a score is repeatable, and the caller's global random state is left as it was.
    """
    if len(x) == 0:
        raise ValueError(f"Got no inputs (shape {tuple(x.shape)}): pass at least one.")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(seed)
            return [fn(x[i : i + batch_size].to(device), None if y is None else y[i : i + batch_size].to(device))
                    for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)


def _down(c_in: int, c_out: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, kernel_size=3, stride=2, padding=1), nn.ReLU()]


def _up(c_in: int, c_out: int, output_padding: int) -> list[nn.Module]:
    return [
        nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1, output_padding=output_padding),
        nn.ReLU(),
    ]


def conv_encoder(channels: int, outputs: int) -> nn.Sequential:
    """(N, channels, 28, 28) -> (N, outputs): three stride-2 convolutions, then a linear map."""
    return nn.Sequential(
        *_down(channels, 32),  # (N, 32, 14, 14)
        *_down(32, 64),  # (N, 64, 7, 7)
        *_down(64, 128),  # (N, 128, 4, 4)
        nn.Flatten(),  # (N, 2048)
        nn.Linear(128 * 4 * 4, outputs),  # (N, outputs)
    )


def conv_decoder(channels: int, embedding_dim: int) -> nn.Sequential:
    """(N, embedding_dim) -> (N, channels, 28, 28) pre-sigmoid values: the encoder's path in reverse."""
    return nn.Sequential(
        nn.Linear(embedding_dim, 128 * 4 * 4),  # (N, 2048)
        nn.Unflatten(1, (128, 4, 4)),  # (N, 128, 4, 4)
        # A stride-2 transposed convolution maps size s to 2s - 1 + output_padding.
        *_up(128, 64, output_padding=0),  # (N, 64, 7, 7)
        *_up(64, 32, output_padding=1),  # (N, 32, 14, 14)
        *_up(32, 32, output_padding=1),  # (N, 32, 28, 28)
        nn.Conv2d(32, channels, kernel_size=1),  # (N, channels, 28, 28)
    )


class Autoencoder(AutoencoderBase):
    """The reference convolutional autoencoder: the decoder's sigmoid keeps pixels in [0, 1]."""

    def __init__(self, channels: int = 1, embedding_dim: int = 16):
        super().__init__(channels, embedding_dim)
        self.encoder = conv_encoder(self.channels, self.embedding_dim)
        self.decoder = nn.Sequential(*conv_decoder(self.channels, self.embedding_dim), nn.Sigmoid())


def mlp(sizes: list[int], final: nn.Module | None = None) -> nn.Sequential:
    """Linear layers of the given sizes with ReLU between them and ``final`` after the last."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    if final is not None:
        layers.append(final)
    return nn.Sequential(*layers)


class MLPAutoencoder(AutoencoderBase):
    """A fully connected autoencoder 784 -> hidden -> embedding_dim -> reversed(hidden) -> 784.

    With ``linear=True`` every activation is dropped (and ``hidden`` should be empty): the model
    can then only learn a linear subspace, the one PCA finds.
    """

    def __init__(
        self,
        embedding_dim: int = 16,
        hidden: tuple[int, ...] = (512, 128),
        channels: int = 1,
        linear: bool = False,
    ):
        super().__init__(channels, embedding_dim)
        channels, embedding_dim, hidden = self.channels, self.embedding_dim, check_hidden(hidden)
        pixels = channels * IMAGE_SIZE * IMAGE_SIZE
        self.linear_output = linear
        if linear:
            self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(pixels, embedding_dim))
            self.decoder = nn.Sequential(
                nn.Linear(embedding_dim, pixels), nn.Unflatten(1, (channels, IMAGE_SIZE, IMAGE_SIZE))
            )
        else:
            sizes = [pixels, *hidden, embedding_dim]
            self.encoder = nn.Sequential(nn.Flatten(), mlp(sizes))
            self.decoder = nn.Sequential(
                mlp(sizes[::-1], final=nn.Sigmoid()),
                nn.Unflatten(1, (channels, IMAGE_SIZE, IMAGE_SIZE)),
            )
