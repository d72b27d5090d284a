"""Variational autoencoders (Kingma & Welling 2014), plain and conditional.

The encoder outputs the mean and log-variance of q(z | x) = N(mu, diag(exp(logvar))); a code is
sampled as z = mu + exp(logvar / 2) * eps with eps ~ N(0, I) (the reparameterisation trick), and
training minimises the negative ELBO:

    -ELBO(x) = E_q[-log p(x | z)] + beta * KL(q(z | x) || N(0, I)),

with a Bernoulli decoder, so -log p(x | z) is the binary cross-entropy summed over pixels.
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

from .models import (
    IMAGE_SIZE,
    AutoencoderBase,
    check_hidden,
    check_images,
    check_int,
    check_labels,
    mlp,
)


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per row, in nats: (N, D), (N, D) -> (N,).

    Closed form: 0.5 * sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2).
    """
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Sample z ~ N(mu, exp(logvar)) as a differentiable function of mu and logvar."""
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def bernoulli_nll(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """-log p(x | z) per image in nats for a Bernoulli decoder: (N, C, H, W) -> (N,)."""
    return F.binary_cross_entropy_with_logits(logits, target, reduction="none").flatten(1).sum(1)


class VAE(AutoencoderBase):
    """A fully connected VAE: 784 -> hidden -> (mu, logvar) and embedding_dim -> hidden -> 784
    pixel logits (with the defaults, the layer sizes of PyTorch's VAE example)."""

    def __init__(
        self, embedding_dim: int = 20, hidden: tuple[int, ...] = (400,), channels: int = 1, beta: float = 1.0
    ):
        super().__init__(channels, embedding_dim)
        self.beta = beta
        self.encoder, self.decoder = self._layers(check_hidden(hidden))

    def _layers(self, hidden: tuple[int, ...]) -> tuple[nn.Module, nn.Module]:
        sizes = [self.channels * IMAGE_SIZE * IMAGE_SIZE, *hidden]
        encoder = nn.Sequential(nn.Flatten(), mlp([*sizes, 2 * self.embedding_dim]))
        decoder = nn.Sequential(
            mlp([self.embedding_dim, *sizes[::-1]]), nn.Unflatten(1, (self.channels, IMAGE_SIZE, IMAGE_SIZE))
        )
        return encoder, decoder

    @property
    def beta(self) -> float:
        """The weight of the KL term; checked whenever it is set."""
        return self._beta

    @beta.setter
    def beta(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < math.inf:
            raise ValueError(f"beta weights the KL term and must be a finite number >= 0, got {value!r}.")
        self._beta = float(value)

    def posterior(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z | x), each (N, embedding_dim)."""
        check_images(x, self.channels)
        return self.encoder(self._encoder_input(x, y)).chunk(2, dim=1)

    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The posterior mean: the VAE's deterministic code for ``x``."""
        return self.posterior(x, y)[0]

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Pixel probabilities (N, C, 28, 28) for codes z."""
        return torch.sigmoid(self.logits(z, y))

    def logits(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        self.check_codes(z)
        return self.decoder(self._decoder_input(z, y))

    def negative_elbo(self, x, y=None, target=None) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-image reconstruction term and KL, each (N,), from one sample of z."""
        mu, logvar = self.posterior(x, y)
        logits = self.logits(reparameterise(mu, logvar), y)
        return bernoulli_nll(logits, x if target is None else target), kl_to_standard_normal(mu, logvar)

    def loss(self, x, y=None, target=None) -> torch.Tensor:
        """Mean over the batch of reconstruction + beta * KL (nats per image when beta = 1)."""
        reconstruction, kl = self.negative_elbo(x, y, target)
        return (reconstruction + self.beta * kl).mean()

    def _encoder_input(self, x, y):
        return x

    def _decoder_input(self, z, y):
        return z


class ConditionalVAE(VAE):
    """A VAE whose encoder and decoder also see the label (Sohn, Lee & Yan 2015), so that
    ``generate(z, y)`` draws an image of a chosen class."""

    def __init__(
        self, embedding_dim: int = 2, n_classes: int = 10, hidden: tuple[int, ...] = (400,), beta: float = 1.0
    ):
        self.n_classes = check_int(n_classes, "n_classes", meaning=" (the number of classes)")
        super().__init__(embedding_dim, hidden, channels=1, beta=beta)

    def _layers(self, hidden: tuple[int, ...]) -> tuple[nn.Module, nn.Module]:
        pixels = IMAGE_SIZE * IMAGE_SIZE
        encoder = mlp([pixels + self.n_classes, *hidden, 2 * self.embedding_dim])
        decoder = nn.Sequential(
            mlp([self.embedding_dim + self.n_classes, *hidden[::-1], pixels]),
            nn.Unflatten(1, (1, IMAGE_SIZE, IMAGE_SIZE)),
        )
        return encoder, decoder

    def _one_hot(self, y: torch.Tensor | None, n: int) -> torch.Tensor:
        if y is None:
            raise ValueError("A ConditionalVAE needs the labels too: pass y, shape (N,), of class indices.")
        check_labels(y, n, self.n_classes)
        return F.one_hot(y.long(), self.n_classes).float()

    def _encoder_input(self, x, y):
        return torch.cat([x.flatten(1), self._one_hot(y, len(x))], dim=1)

    def _decoder_input(self, z, y):
        return torch.cat([z, self._one_hot(y, len(z))], dim=1)
