"""An interactive explorer of a 2-D latent space: the test codes as coloured points, and the image the
decoder makes of the code under the pointer or moved with the arrow keys. It decodes in plain JavaScript
from the decoder's weights, embedded in the page, so it works in a static page, offline, with no server.
"""

from __future__ import annotations

import base64
import json
import math
import uuid
from collections.abc import Sequence
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template

import numpy as np
import torch
from torch import nn

from .data import atomic_write
from .models import check_int
from .plot import PALETTE, code_extent

# What explorer.js can run; each acts the same in training and evaluation mode.
SUPPORTED = (nn.Linear, nn.ReLU, nn.Sigmoid, nn.Flatten, nn.Unflatten, nn.Conv2d, nn.ConvTranspose2d)


def _floats(array) -> str:
    return base64.b64encode(np.asarray(array, dtype="<f4").tobytes()).decode("ascii")


def _run(layer: nn.Module, x: torch.Tensor) -> tuple[dict, torch.Tensor]:
    """How the browser runs ``layer`` (a TypeError if it cannot), and ``layer(x)``."""
    if not isinstance(layer, SUPPORTED):
        raise TypeError(f"The explorer cannot run a {type(layer).__name__} layer in the browser; it knows "
                        f"{', '.join(t.__name__ for t in SUPPORTED)}.")
    y = layer(x)
    spec = {"type": type(layer).__name__, "in": list(x.shape[1:]), "out": list(y.shape[1:])}
    if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
        plain = (layer.groups, layer.dilation, layer.padding_mode) == (1, (1, 1), "zeros")
        if not plain or isinstance(layer.padding, str):
            raise TypeError(f"The explorer runs plain convolutions only, not {layer}.")
        spec.update(kernel=list(layer.kernel_size), stride=list(layer.stride), padding=list(layer.padding))
    return spec, y


@torch.no_grad()
def export_decoder(model) -> dict:
    """The decoder of a 2-D model as a JSON-ready dict: its layers with their input and output
    shapes, and every weight and bias in one base64 string of little-endian float32."""
    from .vae import VAE, ConditionalVAE

    if getattr(model, "embedding_dim", None) != 2:
        raise ValueError(f"The explorer shows 2-D latent spaces; this model's codes have "
                         f"{getattr(model, 'embedding_dim', '?')} dimensions.")
    if isinstance(model, ConditionalVAE):
        raise TypeError("A ConditionalVAE decodes a code together with a label; the explorer "
                        "handles unconditional models only.")
    # A VAE's decoder outputs logits, to which its decode applies a sigmoid.
    layers = [m for m in model.decoder.modules() if not isinstance(m, nn.Sequential)]
    layers += [nn.Sigmoid()] if isinstance(model, VAE) else []
    specs, arrays, x = [], [], torch.zeros(1, 2, device=model.device)
    for layer in layers:
        spec, x = _run(layer, x)
        specs.append(spec)
        for name, parameter in layer.named_parameters():  # weight, then bias if it has one
            values = parameter.detach().cpu().flatten().numpy()
            if not np.isfinite(values).all():
                raise ValueError(f"The decoder's {type(layer).__name__} {name} holds NaN or "
                                 "infinite values (a diverged run?): train the model again.")
            spec[name] = [sum(a.size for a in arrays), values.size]
            arrays.append(values)
    if x.dim() != 4 or x.shape[1] not in (1, 3):
        raise ValueError(f"The decoder must output images (N, 1 or 3, H, W), not {tuple(x.shape)}.")
    z = 2 * torch.randn(16, 2, generator=torch.Generator().manual_seed(0)).to(model.device)
    if not torch.allclose(nn.Sequential(*layers)(z), model.decode(z), atol=1e-5):
        raise ValueError("model.decode(z) does more than run model.decoder; the explorer "
                         "cannot reproduce it in the browser.")
    weights = _floats(np.concatenate(arrays) if arrays else [])
    return {"layers": specs, "image": list(x.shape[1:]), "weights": weights}


def _asset(name: str) -> str:
    return (files("aelib") / "explorer" / name).read_text(encoding="utf-8")


class LatentExplorer:
    """A browser panel over a 2-D latent space; display it in a notebook or ``save`` it.

    ``extent`` = (z1_min, z1_max, z2_min, z2_max) defaults to the middle 98% of the codes plus a
    margin; at most ``max_points`` codes (a fixed random subset) are drawn. ``step`` is the
    fraction of the extent one arrow key press moves the code (five times that with Shift).
    """

    def __init__(self, model, codes, labels, classes: Sequence[str], extent=None,
                 max_points: int = 2000, step: float = 0.02, title: str | None = None):
        codes = torch.as_tensor(codes).detach().cpu().float()
        labels = torch.as_tensor(labels).detach().cpu().long()
        if codes.dim() != 2 or codes.shape[1] != 2 or len(codes) == 0:
            raise ValueError(f"Expected 2-D codes of shape (N, 2), N >= 1, got {tuple(codes.shape)}.")
        if len(labels) != len(codes):
            raise ValueError(f"Got {len(codes)} codes but {len(labels)} labels; pass one label per code.")
        if bad := int((~codes.isfinite().all(dim=1)).sum()):
            raise ValueError(f"{bad} of the {len(codes)} codes are NaN or infinite (a diverged model?): "
                             "drop them with codes[codes.isfinite().all(dim=1)] and their labels.")
        if labels.min() < 0 or labels.max() >= len(classes):
            raise ValueError(f"Labels must index the {len(classes)} classes (0..{len(classes) - 1}), "
                             f"got labels from {int(labels.min())} to {int(labels.max())}.")
        if len(codes) > check_int(max_points, "max_points"):
            keep = torch.randperm(len(codes), generator=torch.Generator().manual_seed(0))[:max_points]
            codes, labels = codes[keep], labels[keep]
        if extent is None:
            low1, high1, low2, high2 = code_extent(codes)
            pad1, pad2 = 0.05 * (high1 - low1) or 1.0, 0.05 * (high2 - low2) or 1.0
            extent = (low1 - pad1, high1 + pad1, low2 - pad2, high2 + pad2)
        self.extent = tuple(float(v) for v in extent)
        finite = len(self.extent) == 4 and all(map(math.isfinite, self.extent))
        if not finite or self.extent[0] >= self.extent[1] or self.extent[2] >= self.extent[3]:
            raise ValueError(f"extent must be 4 finite numbers (z1_min, z1_max, z2_min, z2_max) "
                             f"with each min below its max, got {extent!r}.")
        if not 0 < step < math.inf:
            raise ValueError(f"step must be a finite fraction of the extent > 0, got {step!r}.")
        self.codes, self.labels, self.classes = codes, labels, [str(c) for c in classes]
        self.decoder = export_decoder(model)
        self.decoder_bytes = len(base64.b64decode(self.decoder["weights"]))
        self.step, self.title = step, title
        self.id = f"aelib-explorer-{uuid.uuid4().hex[:12]}"  # unique, so that explorers never clash

    def __repr__(self) -> str:
        return (f"LatentExplorer({len(self.codes)} codes, decoder weights "
                f"{self.decoder_bytes / 1024:.0f} KB; display it in a notebook or .save(path) it)")

    def _repr_html_(self) -> str:
        data = {"decoder": self.decoder, "decoder_kb": round(self.decoder_bytes / 1024), "extent": self.extent,
                "step": self.step, "classes": self.classes, "colours": PALETTE, "codes": _floats(self.codes),
                "labels": self.labels.tolist()}
        # No "<" at all in the JSON, so that no text in it (a class name of "</script>" or
        # "<!--<script>") can end or change the script element that holds it.
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
        legend = "".join(f'<li><span style="background:{PALETTE[i % len(PALETTE)]}"></span>'
                         f"{escape(name)}</li>" for i, name in enumerate(self.classes))
        title = f'<p class="aelib-explorer-title">{escape(self.title)}</p>' if self.title else ""
        label = (f"Latent plane with {len(self.codes)} test codes. Move the pointer over it, or "
                 "use the arrow keys (Shift for bigger steps), to pick a code; the image decoded "
                 "from it is shown beside the plane, and the code and the class of the nearest "
                 "test code are read out.")
        return Template(_asset("explorer.html")).substitute(
            id=self.id, css=_asset("explorer.css"), js=_asset("explorer.js"), title=title, label=escape(label),
            legend=legend, width=self.decoder["image"][2], height=self.decoder["image"][1], payload=payload
        ).rstrip("\n")

    def save(self, path) -> Path:
        """Write the explorer as a self-contained HTML page that opens offline, creating its folder."""
        path = Path(path)
        page = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{escape(self.title or 'Latent space explorer')}</title></head>\n"
                f"<body>\n{self._repr_html_()}\n</body></html>\n")
        with atomic_write(path) as file:
            file.write(page.encode("utf-8"))
        return path


def latent_explorer(model, codes, labels, classes: Sequence[str], **options) -> LatentExplorer:
    """The :class:`LatentExplorer` of ``model``'s 2-D ``codes`` (N, 2), coloured by ``labels``.
    Options: ``extent``, ``max_points``, ``step``, ``title``."""
    return LatentExplorer(model, codes, labels, classes, **options)
