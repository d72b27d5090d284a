"""Render ``results/scoreboard.json`` (written by the chapters through ``aelib.scoreboard``) as
the book's Scoreboard page: ``python benchmarks/scoreboard.py``."""

from __future__ import annotations

import json
import operator
from pathlib import Path

from report import table

ROOT = Path(__file__).resolve().parents[1]
SCOREBOARD = ROOT / "benchmarks" / "results" / "scoreboard.json"
BOOK_PAGE = ROOT / "book" / "scoreboard.md"
DATASETS = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}

# Each headline number: what it is, how to show it, the bar each data set's value must meet (the
# level the course reaches today, so that tests/test_scoreboard.py catches a regression in the
# committed file), the level the course aims at where that is higher, and the published number.
ROWS = {
    "ae_pca_error_ratio_k32": {
        "what": "PCA's test error divided by the non-linear autoencoder's, 32-number code (chapter 4)",
        "format": "{:.2f}x", "bar": (">=", {"mnist": 1.5, "fashion": 1.2}), "aim": 2.0,
        "published": "4.6x at a 30-number code: squared error per image 13.87 for PCA and 3.00 for a "
                     "784-1000-500-250-30 autoencoder pretrained as stacked RBMs, MNIST's 60,000 "
                     "training images {cite}`hinton2006` (Fig. 2)",
    },
    "ae_test_error_per_image_k32": {
        "what": "The non-linear autoencoder's squared error per test image, 32-number code (chapter 4)",
        "format": "{:.2f}", "bar": ("<=", {"mnist": 9.0, "fashion": 10.0}),
        "published": "3.00 at a 30-number code, MNIST {cite}`hinton2006` (Fig. 2)",
    },
    "knn_accuracy_2d": {
        "what": "5-nearest-neighbour accuracy of the 2-D autoencoder's test codes (chapter 3)",
        "format": "{:.1%}", "bar": (">=", {"mnist": 0.73, "fashion": 0.60}),
        "published": "none comparable; the same run's PCA to two numbers is in the settings",
    },
    "vae_test_nll_nats": {
        "what": "A VAE's test -log p(x) on dynamically binarised images, nats (chapter 7)",
        "format": "{:.2f}", "bar": ("<=", {"mnist": 110.0, "fashion": 250.0}),
        "published": "86.76 for a VAE and 84.78 for an IWAE (k = 50), one stochastic layer of 50 "
                     "units, 200-200 hidden units, 3,280 passes over MNIST's 60,000 training images, "
                     "estimated with 5,000 samples {cite}`burda2016` (Table 1)",
    },
    "anomaly_auc": {
        "what": "ROC AUC of the autoencoder's reconstruction error as an anomaly score (chapter 6)",
        "format": "{:.3f}", "bar": (">=", {"mnist": 0.9, "fashion": 0.9}),
        "published": "none comparable; the same run's PCA detector is in the settings",
    },
}
COMPARE = {">=": operator.ge, "<=": operator.le}
INTRO = (
    "The course's headline numbers beside the published ones, with the settings of both. The "
    "chapters record them when they run at full budget: `make book` on MNIST (offline, the "
    "announced 8,000/2,000 split of the official test images) and `make bench` on "
    "Fashion-MNIST's 60,000/10,000. The papers trained longer, on more images, on other "
    "hardware: read each row as where a few CPU minutes get, not as a ranking. A test fails when a "
    "committed number falls below its bar, the level the course reaches now; the aim, where it is "
    "higher, is the level the course works towards."
)


def misses(board: dict) -> list[str]:
    """Each recorded number that misses its bar, and each number missing, as a sentence."""
    found = []
    for key, row in ROWS.items():
        sign, bars = row["bar"]
        for dataset, bar in bars.items():
            entry = board.get(dataset, {}).get(key)
            if entry is None:
                found.append(f"{key} is not recorded for {dataset}")
            elif not COMPARE[sign](entry["value"], bar):
                found.append(f"{key} on {dataset} is {entry['value']:.4g}, the bar is {sign} {bar}")
    return found


def details(entry: dict) -> str:
    return "; ".join(f"{name.replace('_', ' ')} {value}" for name, value in entry.items() if name != "value")


def page(board: dict) -> str:
    lines = ["# Scoreboard", "", INTRO, ""]
    for key, row in ROWS.items():
        sign, bars = row["bar"]
        aim = f"{sign} {row['format'].format(row['aim'])}" if "aim" in row else "the bar"
        cells = []
        for dataset, name in DATASETS.items():
            entry = board.get(dataset, {}).get(key)
            value = row["format"].format(entry["value"]) if entry else "not measured"
            bar = f"{sign} {row['format'].format(bars[dataset])}"
            cells.append([name, value, bar, aim, details(entry) if entry else ""])
        lines += [f"## {row['what']}", "", *table(["data", "value", "bar (tested)", "aim", "settings"], cells),
                  "", f"Published: {row['published']}.", ""]
    return "\n".join(lines)


def write() -> None:
    BOOK_PAGE.write_text(page(json.loads(SCOREBOARD.read_text())))


if __name__ == "__main__":
    write()
