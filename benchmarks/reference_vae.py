"""The usual way to train a VAE on MNIST-like data, as a baseline for ``aelib.fit``.

This follows the widely copied PyTorch example (pytorch/examples, ``vae/main.py``): a torchvision
data set with ``transforms.ToTensor()``, a shuffled ``DataLoader`` of batch 128, Adam with learning
rate 1e-3, a 784-400-20 MLP VAE with a sigmoid output, and the loss summed over the batch: binary
cross-entropy plus the closed-form KL divergence. Only its logging every 10 batches is left out.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

# Where the gzipped IDX files of Fashion-MNIST may be: the layout aelib and torchvision share,
# then Debian's dataset-fashion-mnist package.
FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def fashion_source_dir() -> Path:
    """The folder that holds the four ``*.gz`` files of Fashion-MNIST."""
    candidates = []
    if os.environ.get("AELIB_DATA_DIR"):
        candidates.append(Path(os.environ["AELIB_DATA_DIR"]) / "FashionMNIST" / "raw")
    candidates.append(Path.home() / ".cache" / "aelib" / "FashionMNIST" / "raw")
    candidates.append(Path("/usr/share/datasets/fashion-mnist"))
    for folder in candidates:
        if all((folder / f"{name}.gz").exists() for name in FILES):
            return folder
    raise FileNotFoundError(
        "Fashion-MNIST not found in " + ", ".join(map(str, candidates)) + ": install Debian's "
        "dataset-fashion-mnist (make system-deps) or put the four .gz files in one of them."
    )


def torchvision_root() -> Path:
    """A temporary folder laid out as torchvision's ``FashionMNIST`` expects, without downloading.

    torchvision only extracts ``raw/*.gz`` files whose MD5 matches the original download, and
    the Debian package ships recompressed copies, so the IDX files are decompressed here instead.
    """
    root = Path(tempfile.mkdtemp(prefix="bench-torchvision-"))
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    source = fashion_source_dir()
    for name in FILES:
        with gzip.open(source / f"{name}.gz") as compressed, open(raw / name, "wb") as out:
            shutil.copyfileobj(compressed, out)
    return root


class ReferenceVAE(nn.Module):
    """784-400-20 encoder and 20-400-784 decoder, as in the PyTorch example."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))

    def decode(self, z):
        return torch.sigmoid(self.decode_logits(z))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    """Reconstruction + KL divergence, summed over pixels, codes and the batch."""
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def loaders(root: Path, device: torch.device, train_size: int | None = None):
    """The example's train and test DataLoaders (batch 128; the training one shuffled)."""
    from torchvision import datasets, transforms

    train = datasets.FashionMNIST(root, train=True, download=False, transform=transforms.ToTensor())
    test = datasets.FashionMNIST(root, train=False, download=False, transform=transforms.ToTensor())
    if train_size is not None:
        train = torch.utils.data.Subset(train, range(min(train_size, len(train))))
    kwargs = {"num_workers": 1, "pin_memory": True} if device.type == "cuda" else {}
    train_loader = torch.utils.data.DataLoader(train, batch_size=128, shuffle=True, **kwargs)
    test_loader = torch.utils.data.DataLoader(test, batch_size=128, shuffle=False, **kwargs)
    return train_loader, test_loader


def train_epoch(model, optimizer, train_loader, device) -> float:
    """One pass over the training set; returns the mean loss per image (nats)."""
    model.train()
    train_loss = 0.0
    for data, _ in train_loader:
        data = data.to(device)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    return train_loss / len(train_loader.dataset)


def test_pass(model, test_loader, device) -> float:
    """The example's test loss: the same summed loss over the test set, per image."""
    model.eval()
    test_loss = 0.0
    with torch.no_grad():
        for data, _ in test_loader:
            data = data.to(device)
            recon_batch, mu, logvar = model(data)
            test_loss += loss_function(recon_batch, data, mu, logvar).item()
    return test_loss / len(test_loader.dataset)


def data_only_epoch(train_loader) -> float:
    """Seconds to iterate the training DataLoader once without any model: the data pipeline."""
    started = time.perf_counter()
    for _data, _ in train_loader:
        pass
    return time.perf_counter() - started
