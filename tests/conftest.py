"""Shared fixtures: a small slice of real MNIST, loaded once per test session."""

import pytest
import torch

import aelib


@pytest.fixture(scope="session")
def mnist():
    """Real MNIST images (from $AELIB_DATA_DIR; offline, the announced 8,000/2,000 split)."""
    return aelib.load_dataset("mnist", train_size=4000, test_size=1000)


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
