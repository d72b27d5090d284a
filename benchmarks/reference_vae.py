"""The usual way to train a VAE on MNIST-like data, as a baseline for ``aelib.fit``.

This follows the widely copied PyTorch example (pytorch/examples, ``vae/main.py``): a torchvision
data set with ``transforms.ToTensor()``, a shuffled ``DataLoader`` of batch 128, Adam with learning
rate 1e-3, a 784-400-20 MLP VAE with a sigmoid output, and the loss summed over the batch: binary
cross-entropy plus the closed-form KL divergence. Its logging every 10 batches and its test loop are
left out: both models are scored by ``aelib.negative_elbo``.
"""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

import aelib

BATCH_SIZE = 128
LEARNING_RATE = 1e-3


def torchvision_folder(x_train, y_train, x_test, y_test) -> Path:
    """A temporary folder laid out as torchvision's ``FashionMNIST`` reads it, holding these images.

    They are written as uncompressed IDX files, which torchvision reads as they are: it neither
    downloads nor checks checksums, and both loops train on exactly the images aelib loaded.
    """
    root = Path(tempfile.mkdtemp(prefix="bench-torchvision-"))
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    files = {
        "train-images-idx3-ubyte": x_train, "train-labels-idx1-ubyte": y_train,
        "t10k-images-idx3-ubyte": x_test, "t10k-labels-idx1-ubyte": y_test,
    }
    for name, values in files.items():
        if values.is_floating_point():  # images in [0, 1], as aelib holds them
            values = (values[:, 0] * 255).round()
        array = values.to(torch.uint8).numpy()
        header = struct.pack(f">HBB{array.ndim}I", 0, 0x08, array.ndim, *array.shape)
        (raw / name).write_bytes(header + array.tobytes())
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

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    """Reconstruction + KL divergence, summed over pixels, codes and the batch."""
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def as_aelib_vae(model: ReferenceVAE) -> aelib.VAE:
    """``aelib.VAE(20)`` holding the reference's weights: the same layers, with fc21 and fc22
    stacked as the encoder's last one, so that one function scores both models."""
    m = model
    weights = [m.fc1.weight, m.fc1.bias, torch.cat([m.fc21.weight, m.fc22.weight]),
               torch.cat([m.fc21.bias, m.fc22.bias]), m.fc3.weight, m.fc3.bias, m.fc4.weight, m.fc4.bias]
    vae = aelib.VAE(20).to(m.fc1.weight.device)
    vae.load_state_dict(dict(zip(vae.state_dict(), weights, strict=True)))
    return vae


def train_loader(root: Path, device: torch.device):
    """The example's shuffled training DataLoader."""
    from torchvision import datasets, transforms

    train = datasets.FashionMNIST(root, train=True, transform=transforms.ToTensor())
    kwargs = {"num_workers": 1, "pin_memory": True} if device.type == "cuda" else {}
    return torch.utils.data.DataLoader(train, batch_size=BATCH_SIZE, shuffle=True, **kwargs)


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
