"""Part 1: the usual VAE training loop against ``aelib.fit``, same model, data and epochs."""

from __future__ import annotations

import math
import shutil
import statistics

import torch
from common import Timer
from efficiency import matmul_gflops, step_flops
from reference_vae import (
    ReferenceVAE,
    data_only_epoch,
    loaders,
    test_pass,
    torchvision_root,
    train_epoch,
)

import aelib
from aelib.vae import bernoulli_nll, kl_to_standard_normal

# Equal test loss means: within this fraction of the reference's (the spread between seeds).
EQUAL_LOSS_TOLERANCE = 0.005


@torch.no_grad()
def matmul_only_epoch(model: torch.nn.Module, n_train: int, batch: int, device, rounds: int = 3) -> float:
    """Seconds for one epoch of only the matrix products of ``model``'s training steps.

    Every linear layer's forward product and its backward products (for the weights, and for
    the input of every layer but the first), at ``batch`` images per step: what any loop of
    this model at this batch size must pay, with no data handling, activations or optimiser.
    """
    products = []
    for i, layer in enumerate(m for m in model.modules() if isinstance(m, torch.nn.Linear)):
        n_out, n_in = layer.weight.shape
        a, g = torch.rand(batch, n_in, device=device), torch.rand(batch, n_out, device=device)
        products.append((a, layer.weight.detach().to(device), g, i > 0))

    def step():
        for a, w, g, input_gradient in products:
            a @ w.T, g.T @ a
            if input_gradient:
                g @ w

    steps = math.ceil(n_train / batch)
    for _ in range(20):
        step()
    times = []
    for _ in range(rounds):
        with Timer() as t:
            for _ in range(steps):
                step()
        times.append(t.wall)
    return min(times)


@torch.no_grad()
def test_negative_elbo(posterior, logits, x: torch.Tensor, device, seed: int = 0) -> float:
    """Negative ELBO in nats per test image, the same definition for both models.

    Bernoulli negative log-likelihood of the image under the decoder's logits (summed over
    pixels) for one sample z ~ q(z | x), plus KL(q(z | x) || N(0, I)); the noise is seeded, so
    both models see the same draws.
    """
    generator = torch.Generator().manual_seed(seed)
    total = 0.0
    for i in range(0, len(x), 1000):
        xb = x[i : i + 1000].to(device)
        mu, logvar = posterior(xb)
        eps = torch.randn(mu.shape, generator=generator).to(device)
        z = mu + torch.exp(0.5 * logvar) * eps
        nll = bernoulli_nll(logits(z).reshape(len(xb), -1), xb.reshape(len(xb), -1))
        total += (nll + kl_to_standard_normal(mu, logvar)).sum().item()
    return total / len(x)


def run(epochs: int, train_size: int | None = None, progress: str = "log") -> dict:
    root = torchvision_root()
    try:
        return _run(root, epochs, train_size, progress)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(root, epochs: int, train_size: int | None, progress: str) -> dict:
    device = aelib.default_device()
    with Timer() as ref_setup:
        train_loader, test_loader = loaders(root, device, train_size)
    with Timer() as aelib_setup:
        data = aelib.load_dataset("fashion")
    x_train, x_test = data.x_train[:train_size], data.x_test
    n_train = len(x_train)
    train_set = train_loader.dataset
    train_bytes = (train_set.dataset if train_size is not None else train_set).data[:n_train]
    same = len(train_set) == n_train and all(
        torch.equal(raw, (x[:, 0] * 255).round().to(torch.uint8))
        for raw, x in ((train_bytes, x_train), (test_loader.dataset.data, x_test))
    )
    if not same:
        raise RuntimeError("torchvision and aelib did not load the same Fashion-MNIST images.")

    # The reference loop: train every epoch, then one pass over the test set.
    print(f"Reference loop (torchvision + DataLoader) on {n_train:,} images, {epochs} epochs")
    torch.manual_seed(0)
    model = ReferenceVAE().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    ref_epochs = []
    for epoch in range(epochs):
        with Timer() as t:
            loss = train_epoch(model, optimizer, train_loader, device)
        ref_epochs.append({"wall": t.wall, "cpu": t.cpu, "train_loss": loss})
        print(f"  epoch {epoch + 1}: train loss {loss:.2f} ({t.wall:.1f} s)")
    with Timer() as ref_test_time:
        ref_own_test = test_pass(model, test_loader, device)
    ref_data_only = data_only_epoch(train_loader)
    ref_test = test_negative_elbo(
        lambda xb: model.encode(xb.reshape(len(xb), -1)), model.decode_logits, x_test, device
    )

    # aelib: the same architecture through the course's training loop.
    print(f"aelib.fit(VAE.mlp(20)) on {n_train:,} images, {epochs} epochs")
    torch.manual_seed(0)
    vae = aelib.VAE.mlp(20)
    with Timer() as fit_time:
        history = aelib.fit(vae, x_train, epochs=epochs, progress=progress)
    with Timer() as ae_test_time:
        ae_own_test = aelib.evaluate(vae, x_test)
    ae_test = test_negative_elbo(vae.posterior, vae.logits, x_test, vae.device)

    # The floor: the step's matmul FLOPs at the machine's large-matmul speed, nothing else.
    matmul = matmul_gflops(device=device)
    flops_per_image = step_flops(aelib.VAE.mlp(20).to(device), x_train[:128].to(device)) / 128
    floor = n_train * flops_per_image / (matmul["best_gflops"] * 1e9)
    matmul_epoch = matmul_only_epoch(aelib.VAE.mlp(20), n_train, batch=128, device=device)

    ref_wall = statistics.mean(e["wall"] for e in ref_epochs)
    ref_cpu = statistics.mean(e["cpu"] for e in ref_epochs)
    ae_wall = statistics.mean(history.seconds)
    ae_cpu = fit_time.cpu / epochs
    ratio = ref_wall / ae_wall
    loss_ok = ae_test <= ref_test * (1 + EQUAL_LOSS_TOLERANCE)
    return {
        "epochs": epochs,
        "train_images": n_train,
        "test_images": len(x_test),
        "device": str(device),
        "reduced": train_size is not None,
        "reference": {
            "seconds_per_epoch": ref_wall,
            "cpu_seconds_per_epoch": ref_cpu,
            "images_per_second": n_train / ref_wall,
            "epoch_seconds": [e["wall"] for e in ref_epochs],
            "train_loss": [e["train_loss"] for e in ref_epochs],
            "test_pass_seconds": ref_test_time.wall,
            "data_pipeline_seconds_per_epoch": ref_data_only,
            "setup_seconds": ref_setup.wall,
            "own_test_loss": ref_own_test,
            "test_loss": ref_test,
        },
        "aelib": {
            "seconds_per_epoch": ae_wall,
            "cpu_seconds_per_epoch": ae_cpu,
            "images_per_second": n_train / ae_wall,
            "epoch_seconds": list(history.seconds),
            "train_loss": list(history.train_loss),
            "test_pass_seconds": ae_test_time.wall,
            "setup_seconds": aelib_setup.wall,
            "own_test_loss": ae_own_test,
            "test_loss": ae_test,
        },
        "matmul": matmul,
        "flops_per_image": flops_per_image,
        "arithmetic_floor_seconds_per_epoch": floor,
        "matmul_only_seconds_per_epoch": matmul_epoch,
        "ratio": ratio,
        "cpu_ratio": ref_cpu / ae_cpu,
        "ratio_with_test_pass": (ref_wall + ref_test_time.wall) / (ae_wall + ae_test_time.wall),
        "test_loss_difference": ae_test - ref_test,
        "target": {
            "ratio": 5.0,
            "met": ratio >= 5.0 and loss_ok,
            "test_loss_ok": loss_ok,
            "tolerance": EQUAL_LOSS_TOLERANCE,
        },
    }
