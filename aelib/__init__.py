"""aelib: the helper package of the course "Autoencoders, from PCA to VAEs".

Importing it changes no matplotlib setting. The course's plot style is explicit: call
``aelib.use_style()`` (every chapter does in its set-up cell), or draw inside
``with matplotlib.pyplot.style.context(aelib.plot.STYLE):``.
"""

from . import scoreboard
from .checkpoint import load_checkpoint, save_checkpoint
from .claims import ClaimFailed, claim
from .data import DataError, Dataset, load_dataset, read_idx
from .linear import PCA, TruncatedSVD, principal_angles
from .metrics import importance_sampled_nll, knn_accuracy, negative_elbo, reconstruction_mse
from .models import Autoencoder, MLPAutoencoder
from .plot import use_style
from .sample_quality import SampleScorer
from .settings import settings
from .table import Table
from .timing import best_time
from .train import History, TrainingDiverged, default_device, evaluate, fit
from .vae import VAE, ConditionalVAE, kl_to_standard_normal

__version__ = "0.1.0"

__all__ = [
    "PCA", "VAE", "Autoencoder", "ClaimFailed", "ConditionalVAE", "DataError", "Dataset",
    "History", "MLPAutoencoder", "SampleScorer", "Table", "TrainingDiverged", "TruncatedSVD",
    "best_time", "claim", "default_device", "evaluate", "fit", "importance_sampled_nll",
    "kl_to_standard_normal", "knn_accuracy", "load_checkpoint", "load_dataset", "negative_elbo",
    "principal_angles", "read_idx", "reconstruction_mse", "save_checkpoint", "scoreboard",
    "settings", "use_style",
]
