"""Linear baselines: the truncated SVD of the data, PCA (the same of the centred data), and principal angles."""

from __future__ import annotations

import torch

from .models import check_int


class TruncatedSVD:
    """The top ``n_components`` right singular vectors of the data as they are, not centred: the best
    rank-k approximation of the data themselves. Speaks the autoencoders' ``embed``, ``generate`` and
    ``reconstruct``; inputs of any shape (N, ...) are flattened to (N, D)."""

    centred = False

    def __init__(self, n_components: int):
        self.n_components = check_int(n_components, "n_components")

    def fit(self, x: torch.Tensor) -> TruncatedSVD:
        """Keep the top right singular vectors of ``x`` (centred, for PCA) as ``components`` (k, D)."""
        flat = x.reshape(len(x), -1).double()
        if len(flat) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 samples, got {len(flat)}.")
        if not flat.isfinite().all():
            raise ValueError("The data contain NaN or infinite values: drop or replace them first.")
        if self.centred and (flat == flat[0]).all():
            raise ValueError(f"All {len(flat)} samples are identical: the data have no variance, so there are no "
                             "principal directions to find. Pass varied samples.")
        if self.n_components > min(flat.shape):
            raise ValueError(f"Asked for {self.n_components} components of {flat.shape[0]} samples with "
                             f"{flat.shape[1]} features; use at most {min(flat.shape)}.")
        self.shape = tuple(x.shape[1:])
        self.mean = flat.mean(dim=0) if self.centred else torch.zeros(flat.shape[1], dtype=flat.dtype)
        _, s, vt = torch.linalg.svd(flat - self.mean, full_matrices=False)
        # The largest entry of every component made positive, so that results are repeatable.
        signs = torch.sign(vt[torch.arange(len(vt)), vt.abs().argmax(dim=1)])
        self.components = (vt * signs[:, None])[: self.n_components]
        self.singular_values = s[: self.n_components]
        return self

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Coordinates along the components: (N, ...) -> (N, k)."""
        self._check_fitted()
        return ((x.reshape(len(x), -1).double() - self.mean) @ self.components.T).float()

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Back from coordinates to the input space: (N, k) -> (N, ...)."""
        self._check_fitted()
        return (z.double() @ self.components + self.mean).float().reshape(len(z), *self.shape)

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """The projection of ``x`` onto the components (around the mean for PCA), same shape."""
        return self.generate(self.embed(x))

    def _check_fitted(self) -> None:
        if not hasattr(self, "components"):
            raise RuntimeError(f"This {type(self).__name__} is not fitted yet: call .fit(x_train) first.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_components={self.n_components})"


class PCA(TruncatedSVD):
    """PCA with ``n_components`` directions: the truncated SVD of the centred data, with the
    variance along each direction (``explained_variance``) and its share of the total."""

    centred = True

    def fit(self, x: torch.Tensor) -> PCA:
        super().fit(x)
        self.explained_variance = self.singular_values**2 / (len(x) - 1)
        self.explained_variance_ratio = self.explained_variance / x.reshape(len(x), -1).double().var(dim=0).sum()
        return self


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Angles in degrees, smallest first, between the subspaces spanned by the rows of ``a`` (k, D)
    and of ``b`` (m, D): min(k, m) of them, all zero when the subspaces coincide."""
    qa, _ = torch.linalg.qr(a.double().T)
    qb, _ = torch.linalg.qr(b.double().T)
    return torch.rad2deg(torch.arccos(torch.linalg.svdvals(qa.T @ qb).clamp(-1, 1)))
