"""How good generated images look, judged by a small classifier trained on real ones.

A generator's samples are scored by what the classifier makes of them, the idea behind the
Inception score (Salimans et al. 2016): the mean confidence of its top class (high when each
image looks like one class, lower for blends and blur) and the entropy of the histogram of its
predicted classes (diversity: log 10 nats when the samples spread evenly over ten classes, 0
when they all look like one class). A ReLU network trained on real images alone is sure of its
answer far from them, for uniform noise too, so training also shows it noise with a uniform
target (outlier exposure, Hendrycks et al. 2019): noise then scores the lowest confidence.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .models import IMAGE_SIZE, check_images, check_int, check_labels, in_batches, mlp
from .settings import settings
from .train import fit as train

PASSES = 150_000  # images seen in training by default: a few seconds on a CPU


class SampleScorer(nn.Module):
    """A small fully connected classifier of images: 784 -> 128 -> n_classes."""

    def __init__(self, n_classes: int = 10, channels: int = 1):
        super().__init__()
        self.n_classes = check_int(n_classes, "n_classes", minimum=2, meaning=" (the number of classes)")
        self.channels = check_int(channels, "channels", meaning=" (1 for grey images, 3 for colour)")
        self.network = mlp([channels * IMAGE_SIZE * IMAGE_SIZE, 128, self.n_classes])

    @classmethod
    def fit(cls, x: torch.Tensor, y: torch.Tensor, *, n_classes: int = 10, epochs: int | None = None,
            seed: int = 0) -> SampleScorer:
        """A scorer trained on real images ``x`` (N, C, 28, 28) and their labels ``y`` (N,), for
        ``epochs`` (by default about 150,000 images' worth, one epoch in a smoke run);
        ``scorer.history`` records the training."""
        channels = x.shape[1] if isinstance(x, torch.Tensor) and x.dim() == 4 else 1
        check_images(x, channels)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            scorer = cls(n_classes, channels)
        check_labels(y, len(x), scorer.n_classes)
        epochs = settings.epochs(max(1, PASSES // len(x))) if epochs is None else epochs
        scorer.history = train(scorer, x, y, epochs=epochs, seed=seed, progress="off")
        return scorer

    def loss(self, x: torch.Tensor, y: torch.Tensor, target=None) -> torch.Tensor:
        """Cross-entropy against the labels ``y``, plus that of as many images of uniform noise
        against the uniform distribution over the classes."""
        logits = self.network(torch.cat([x, torch.rand_like(x)]).flatten(1))
        return F.cross_entropy(logits[: len(x)], y) - logits[len(x):].log_softmax(dim=1).mean()

    def probabilities(self, images: torch.Tensor) -> torch.Tensor:
        """Class probabilities (N, n_classes) of ``images`` (N, C, 28, 28), on the CPU."""
        check_images(images, self.channels)
        batches = in_batches(self, lambda xb, _: self.network(xb.flatten(1)).softmax(dim=1).cpu(), images)
        return torch.cat(batches)

    def score(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        """``confidence``: the mean over images of the top class's probability; ``class_entropy``:
        the entropy in nats of the share of images predicted as each class. With the classes the
        images should show, ``labels`` (N,), also ``agreement``, the share predicted as their
        label, and ``per_class``, that share for each label (NaN for labels absent)."""
        probabilities = self.probabilities(images)
        top, predicted = probabilities.max(dim=1)
        share = torch.bincount(predicted, minlength=self.n_classes) / len(predicted)
        result = {"confidence": top.mean().item(), "class_entropy": torch.special.entr(share).sum().item()}
        if labels is not None:
            check_labels(labels, len(images), self.n_classes)
            labels = labels.cpu()
            hits = (predicted == labels).float()
            result["agreement"] = hits.mean().item()
            result["per_class"] = (torch.bincount(labels, weights=hits, minlength=self.n_classes)
                                   / torch.bincount(labels, minlength=self.n_classes))
        return result

    def accuracy(self, x: torch.Tensor, y: torch.Tensor) -> float:
        """Share of the images ``x`` whose predicted class is their label ``y``."""
        return self.score(x, y)["agreement"]

