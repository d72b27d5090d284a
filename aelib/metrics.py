"""Numbers the course compares models by."""

from __future__ import annotations

import math

import torch
from sklearn.neighbors import KNeighborsClassifier
from torch.distributions import Normal

from .models import check_int, in_batches
from .vae import bernoulli_nll


def reconstruction_mse(model, x: torch.Tensor) -> float:
    """Mean squared error per pixel between ``x`` and ``model.reconstruct(x)`` (any model or PCA)."""
    return torch.mean((model.reconstruct(x) - x.cpu()) ** 2).item()


def negative_elbo(vae, x: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> dict[str, float]:
    """Test-set negative ELBO in nats per image, and its two parts (one sample of z per image,
    drawn from a fixed seed).

    Returns ``{"negative_elbo": ..., "reconstruction": ..., "kl": ...}``; the ELBO is a lower
    bound on log p(x), so the negative ELBO is an upper bound on -log p(x).
    """
    def sums(xb, yb):
        reconstruction, kl = vae.negative_elbo(xb, yb)
        return reconstruction.sum().item(), kl.sum().item()

    reconstruction, kl = (sum(part) / len(x) for part in zip(*in_batches(vae, sums, x, y, batch_size)))
    return {"negative_elbo": reconstruction + kl, "reconstruction": reconstruction, "kl": kl}


def importance_sampled_nll(vae, x: torch.Tensor, samples: int, y: torch.Tensor | None = None) -> float:
    """-log p(x) in nats per image, estimated with ``samples`` codes per image from the encoder.

    The estimate is ``-log (1/K) sum_k p(x | z_k) p(z_k) / q(z_k | x)`` with z_k ~ q(z | x), the
    bound of Burda, Grosse & Salakhutdinov (2016): an upper bound on -log p(x) in expectation,
    which falls towards it as K grows. K = 1 gives the negative ELBO.
    """
    samples = check_int(samples, "samples")

    def per_batch(xb, yb):
        mu, logvar = vae.posterior(xb, yb)
        q = Normal(mu, (0.5 * logvar).exp())
        z = q.sample((samples,))  # (K, B, D): row k * B + b of the flattened codes is image b
        codes = z.reshape(-1, vae.embedding_dim)
        labels = None if yb is None else yb.repeat(samples)
        log_likelihood = -bernoulli_nll(vae.logits(codes, labels), xb.repeat(samples, 1, 1, 1))
        log_weights = log_likelihood.reshape(samples, -1) + Normal(0.0, 1.0).log_prob(z).sum(-1) - q.log_prob(z).sum(-1)
        return -(torch.logsumexp(log_weights, dim=0) - math.log(samples)).sum().item()

    return sum(in_batches(vae, per_batch, x, y, batch_size=max(1, 20_000 // samples))) / len(x)


def knn_accuracy(
    train_codes: torch.Tensor,
    train_labels: torch.Tensor,
    test_codes: torch.Tensor,
    test_labels: torch.Tensor,
    k: int = 5,
) -> float:
    """Fraction of test codes whose k nearest training codes vote for the right label."""
    classifier = KNeighborsClassifier(n_neighbors=k).fit(train_codes.numpy(), train_labels.numpy())
    return float(classifier.score(test_codes.numpy(), test_labels.numpy()))
