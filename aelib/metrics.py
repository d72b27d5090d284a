"""Numbers the course compares models by."""

from __future__ import annotations

import torch
from sklearn.neighbors import KNeighborsClassifier


def reconstruction_mse(model, x: torch.Tensor) -> float:
    """Mean squared error per pixel between ``x`` and ``model.reconstruct(x)`` (any model or PCA)."""
    return torch.mean((model.reconstruct(x) - x.cpu()) ** 2).item()


@torch.no_grad()
def negative_elbo(vae, x: torch.Tensor, y: torch.Tensor | None = None, batch_size: int = 1000) -> dict[str, float]:
    """Test-set negative ELBO in nats per image, and its two parts (one sample of z per image).

    Returns ``{"negative_elbo": ..., "reconstruction": ..., "kl": ...}``; the ELBO is a lower
    bound on log p(x), so the negative ELBO is an upper bound on -log p(x).
    """
    was_training = vae.training
    vae.eval()
    reconstruction = kl = 0.0
    for i in range(0, len(x), batch_size):
        xb = x[i : i + batch_size].to(vae.device)
        yb = None if y is None else y[i : i + batch_size].to(vae.device)
        rec, k = vae.negative_elbo(xb, yb)
        reconstruction, kl = reconstruction + rec.sum().item(), kl + k.sum().item()
    vae.train(was_training)
    n = len(x)
    return {"negative_elbo": (reconstruction + kl) / n, "reconstruction": reconstruction / n, "kl": kl / n}


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
