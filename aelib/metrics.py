"""Numbers the course compares models by."""

from __future__ import annotations

import torch
from sklearn.neighbors import KNeighborsClassifier

from .models import in_batches


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
