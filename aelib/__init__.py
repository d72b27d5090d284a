"""aelib: the helper package of the course "Autoencoders, from PCA to VAEs"."""

from .claims import ClaimFailed, claim
from .data import DataError, Dataset, load_dataset, read_idx
from .linear import PCA, principal_angles
from .metrics import knn_accuracy, negative_elbo, reconstruction_mse
from .models import Autoencoder, Decoder, Encoder, MLPAutoencoder
from .plot import use_style
from .settings import settings
from .timing import best_time
from .train import (
    History,
    TrainingDiverged,
    default_device,
    evaluate,
    fit,
    load_checkpoint,
    save_checkpoint,
)
from .vae import VAE, ConditionalVAE, kl_to_standard_normal

__version__ = "0.1.0"

__all__ = [
    "PCA",
    "VAE",
    "Autoencoder",
    "ClaimFailed",
    "ConditionalVAE",
    "DataError",
    "Dataset",
    "Decoder",
    "Encoder",
    "History",
    "MLPAutoencoder",
    "TrainingDiverged",
    "best_time",
    "claim",
    "default_device",
    "evaluate",
    "fit",
    "kl_to_standard_normal",
    "knn_accuracy",
    "load_checkpoint",
    "load_dataset",
    "negative_elbo",
    "principal_angles",
    "read_idx",
    "reconstruction_mse",
    "save_checkpoint",
    "settings",
    "use_style",
]

use_style()
