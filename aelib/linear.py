"""Linear baselines: PCA through the SVD of the centred data, and principal angles."""

from __future__ import annotations

import torch

from .models import check_int


class PCA:
    """PCA with ``n_components`` directions, fitted with ``torch.linalg.svd``.

    Shares the autoencoders' vocabulary: ``embed`` (project), ``generate`` (map codes back to
    images) and ``reconstruct``. Inputs of any shape (N, ...) are flattened to (N, D).
    """

    def __init__(self, n_components: int):
        self.n_components = check_int(n_components, "n_components")

    def fit(self, x: torch.Tensor) -> PCA:
        """Centre the data and keep the top right singular vectors as components (k, D)."""
        flat = x.reshape(len(x), -1).double()
        if len(flat) < 2:
            raise ValueError(f"PCA needs at least 2 samples to measure a variance, got {len(flat)}.")
        if not flat.isfinite().all():
            raise ValueError("The data contain NaN or infinite values: drop or replace them first.")
        if (flat == flat[0]).all():
            raise ValueError(
                f"All {len(flat)} samples are identical: the data have no variance, so there are no "
                "principal directions to find. Pass varied samples."
            )
        if self.n_components > min(flat.shape):
            raise ValueError(
                f"Asked for {self.n_components} components of {flat.shape[0]} samples with "
                f"{flat.shape[1]} features; use at most {min(flat.shape)}."
            )
        self.shape = tuple(x.shape[1:])
        self.mean = flat.mean(dim=0)
        _, s, vt = torch.linalg.svd(flat - self.mean, full_matrices=False)
        vt = _fix_signs(vt)
        variance = s**2 / (len(flat) - 1)
        self.components = vt[: self.n_components]
        self.explained_variance = variance[: self.n_components]
        self.explained_variance_ratio = self.explained_variance / variance.sum()
        self.singular_values = s[: self.n_components]
        return self

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Coordinates along the components: (N, ...) -> (N, k)."""
        self._check_fitted()
        return ((x.reshape(len(x), -1).double() - self.mean) @ self.components.T).float()

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Back from coordinates to the input space: (N, k) -> (N, ...)."""
        self._check_fitted()
        flat = z.double() @ self.components + self.mean
        return flat.float().reshape(len(z), *self.shape)

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """The best rank-k approximation of ``x`` around the mean, same shape as ``x``."""
        return self.generate(self.embed(x))

    def _check_fitted(self) -> None:
        if not hasattr(self, "components"):
            raise RuntimeError("This PCA is not fitted yet: call pca.fit(x_train) first.")

    def __repr__(self) -> str:
        return f"PCA(n_components={self.n_components})"


def _fix_signs(vt: torch.Tensor) -> torch.Tensor:
    """Make the largest-magnitude entry of every component positive, so results are repeatable."""
    largest = vt.abs().argmax(dim=1)
    signs = torch.sign(vt[torch.arange(len(vt)), largest])
    return vt * signs[:, None]


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Angles in degrees between the subspaces spanned by the rows of ``a`` and of ``b``.

    (k, D), (m, D) -> (min(k, m),), smallest first; all zero when the subspaces coincide.
    """
    qa, _ = torch.linalg.qr(a.double().T)
    qb, _ = torch.linalg.qr(b.double().T)
    cosines = torch.linalg.svdvals(qa.T @ qb).clamp(-1, 1)
    return torch.rad2deg(torch.arccos(cosines))
