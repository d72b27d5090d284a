"""The course's figures: one style (applied by ``use_style()``, never on import), a palette checked
for colour-blind readers, and ``show(fig, alt)``, which displays a figure with a description of it as
its alt text. Every drawing function draws into a new figure (or the ``ax`` it is given) and returns it.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping, Sequence
from html import escape

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import patheffects
from PIL import Image

# One colour per class, chosen so that every pair stays apart (CIEDE2000 difference above 11) for
# readers with normal vision and under simulated protanopia, deuteranopia and tritanopia, and dark
# enough to see as small points on white (tests/test_plot.py checks both). Markers vary too, and
# class_scatter names each cluster on the plot, so colour is never the only cue.
PALETTE = ["#0077BB", "#EE7733", "#117733", "#882255", "#D296B4",
           "#A56978", "#3CC387", "#3C00E1", "#B496FF", "#E1003C"]
MARKERS = "o^sDvP*Xhp"
STYLE = {"axes.prop_cycle": plt.cycler(color=PALETTE), "figure.dpi": 100, "savefig.dpi": 150,
         "figure.figsize": (6.4, 4.0), "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
         "grid.alpha": 0.3, "image.cmap": "gray", "font.size": 11}
SHARPNESS = 1.5  # show() draws figures at 1.5 pixels per screen pixel: sharp when zoomed on a phone


def use_style() -> None:
    """Apply the course's plotting style (STYLE) to matplotlib's global settings."""
    plt.rcParams.update(STYLE)


def show(fig: plt.Figure, alt: str) -> None:
    """Display ``fig``, then close it, as a PNG whose alt text is ``describe(fig)`` followed by ``alt``,
    the chapter's sentence on what to notice. The background is opaque white, legible in dark mode,
    and the PNG has 256 colours, which keeps the page (it is embedded in it) light."""
    from IPython.display import display

    drawn, buffer = io.BytesIO(), io.BytesIO()
    fig.savefig(drawn, format="png", dpi=SHARPNESS * fig.dpi, bbox_inches="tight", facecolor="white",
                transparent=False)
    plt.close(fig)
    image = Image.open(drawn).convert("RGB").quantize(256)
    image.save(buffer, format="png", optimize=True)
    text, data = f"{describe(fig)} {alt}", base64.b64encode(buffer.getvalue()).decode("ascii")
    html = f'<img src="data:image/png;base64,{data}" width="{round(image.width / SHARPNESS)}" alt="{escape(text)}">'
    display({"text/html": html, "image/png": data, "text/plain": text}, raw=True)


def describe(fig: plt.Figure) -> str:
    """What a figure shows, read off it: its title, its small images (as ``image_rows`` and ``image_grid``
    draw them) by their labels and titles, and each plot's title, marks, axes and legend."""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.has_data()]
    thumbnails = [ax for ax in axes if ax.images and not ax.get_xlabel()]
    plots = [ax for ax in axes if ax not in thumbnails]
    parts = [_plain(fig.get_suptitle()).rstrip(".") + "."] if fig.get_suptitle() else []
    if thumbnails:
        rows = len({round(ax.get_position().y0, 3) for ax in thumbnails})
        labels = [_plain(ax.get_ylabel()) for ax in thumbnails if ax.get_ylabel()]
        titles = [_plain(ax.get_title()) for ax in thumbnails if ax.get_title()]
        parts.append(f"{_count(len(thumbnails), 'image')} in {_count(rows, 'row')}"
                     + (f", labelled {'; '.join(labels)}" if labels else "")
                     + (f", titled {', '.join(titles)}" if titles else "") + ".")
    for i, ax in enumerate(plots, start=1):
        kinds = {type(c).__name__ for c in ax.collections}
        marks = [mark for mark, drawn in [
            ("an image", ax.images), ("points", "PathCollection" in kinds),
            ("contour lines", "QuadContourSet" in kinds), ("bars", ax.containers),
            (_count(len(ax.lines), "line"), ax.lines)] if drawn]
        name = f"Panel {i} of {len(plots)}" if len(plots) > 1 else "A plot"
        title = f", titled '{_plain(ax.get_title())}'" if ax.get_title() else ""
        legend = f"; legend: {_legend(ax.get_legend())}" if ax.get_legend() else ""
        parts.append(f"{name}{title}: {', '.join(marks)}; vertical axis {_axis(ax.yaxis)}, "
                     f"horizontal axis {_axis(ax.xaxis)}{legend}.")
    parts += [f"Legend: {_legend(legend)}." for legend in fig.legends]
    return " ".join(parts)


def _plain(text: str) -> str:
    """Text with its mathtext as plain words: '$z_1$' -> 'z1', r'$\\sigma$' -> 'sigma'."""
    return re.sub(r"\$([^$]*)\$", lambda math: re.sub(r"[\\{}_^]", "", math[1]), text).strip()


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("s" if n != 1 else "")


def _legend(legend) -> str:
    return ", ".join(_plain(t.get_text()) for t in legend.get_texts())


def _axis(axis) -> str:
    """An axis by its label, range and scale."""
    low, high = (np.format_float_positional(v, precision=3, fractional=False, trim="-")
                 for v in sorted(axis.get_view_interval()))
    log = ", log scale" if axis.get_scale() == "log" else ""
    return f"{_plain(axis.get_label_text()) or 'unlabelled'} ({low} to {high}{log})"


def _as_images(x: torch.Tensor) -> np.ndarray:
    """(N, 1, H, W) or (N, H, W) tensor -> (N, H, W) array for imshow."""
    x = _numpy(x)
    return x[:, 0] if x.ndim == 4 else x


def image_rows(rows: Mapping[str, torch.Tensor], n: int = 10, size: float = 0.9) -> plt.Figure:
    """One row of ``n`` images per entry, labelled by its key; an all-NaN image leaves its place empty."""
    fig, axes = plt.subplots(len(rows), n, figsize=(n * size, len(rows) * size + 0.2), squeeze=False,
                             subplot_kw={"xticks": [], "yticks": []})  # no ticks, so no grid lines
    for r, (label, images) in enumerate(rows.items()):
        for c, image in enumerate(_as_images(images[:n])):
            if np.isnan(image).all():
                axes[r, c].set_frame_on(False)
            else:
                axes[r, c].imshow(image, vmin=0, vmax=1)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    fig.subplots_adjust(wspace=0.05, hspace=0.05)
    return fig


def show_reconstructions(originals: torch.Tensor, reconstructions: torch.Tensor, n: int = 10) -> plt.Figure:
    """Originals in the top row, their reconstructions below."""
    return image_rows({"original": originals, "reconstruction": reconstructions}, n=n)


def image_grid(images: torch.Tensor, ncols: int = 10, titles: Sequence[str] | None = None,
               size: float = 0.9) -> plt.Figure:
    """Images laid out in a grid, ``ncols`` per row, with optional titles."""
    images = _as_images(images)
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.15), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8)
    return fig


def class_scatter(points, labels, classes: Sequence[str], ax: plt.Axes | None = None, title: str | None = None,
                  size: float | None = None, variable: str = "z") -> plt.Figure:
    """2-D points (N, 2) coloured and shaped by class, with a legend; ``variable`` names the axes. With
    more than two classes each name is also written at its class's median, so no one needs the colours."""
    points, labels = _numpy(points), _numpy(labels)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"class_scatter draws 2-D points of shape (N, 2); got shape {points.shape}. "
                         "Train a model with a 2-D code, or project the codes to two dimensions first.")
    few = len(points) <= 1000
    size = size if size is not None else (14 if few else 4)
    fig, ax = _figure(ax, (6.5, 5.5))
    for c, name in enumerate(classes):
        ax.scatter(*points[labels == c].T, s=size, color=PALETTE[c % 10], marker=MARKERS[c % 10], label=name,
                   alpha=0.8 if few else 0.6, edgecolors="white" if few else "none", linewidths=0.4 if few else 0)
    if len(classes) > 2:
        halo = [patheffects.withStroke(linewidth=3, foreground="white")]
        for c, name in enumerate(classes):
            if (labels == c).any():
                ax.text(*np.median(points[labels == c], axis=0), name, ha="center", va="center",
                        fontsize=12 if len(name) <= 2 else 8, fontweight="bold", path_effects=halo,
                        clip_on=True, zorder=3)
    ax.legend(markerscale=max(1.5, 12 / size), loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set(xlabel=f"${variable}_1$", ylabel=f"${variable}_2$")
    if title:
        ax.set_title(title)
    return fig


def grid_codes(extent: tuple[float, float, float, float], n: int = 15) -> torch.Tensor:
    """The n x n codes (n * n, 2) spanning ``extent`` = (z1_min, z1_max, z2_min, z2_max), row by row
    from the top (largest z2), as ``latent_grid`` draws them."""
    z1, z2 = torch.linspace(extent[0], extent[1], n), torch.linspace(extent[3], extent[2], n)
    return torch.stack(torch.meshgrid(z2, z1, indexing="ij")[::-1], dim=-1).reshape(-1, 2)


def latent_grid(model, extent: tuple[float, float, float, float], n: int = 15,
                ax: plt.Axes | None = None) -> plt.Figure:
    """Decode ``grid_codes(extent, n)`` and draw the images as one mosaic over ``extent``."""
    images = _as_images(model.generate(grid_codes(extent, n)))
    side = images.shape[-1]
    mosaic = images.reshape(n, n, side, side).transpose(0, 2, 1, 3).reshape(n * side, n * side)
    fig, ax = _figure(ax, (6, 6))
    ax.imshow(mosaic, extent=extent, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set(xlabel="$z_1$", ylabel="$z_2$")
    ax.grid(False)
    return fig


def code_extent(codes: torch.Tensor, quantile: float = 0.01) -> tuple[float, float, float, float]:
    """A box around the middle of 2-D codes, trimming ``quantile`` of outliers on each side."""
    low, high = torch.quantile(codes, codes.new_tensor([quantile, 1 - quantile]), dim=0)
    return (low[0].item(), high[0].item(), low[1].item(), high[1].item())


def loss_curves(histories, ax: plt.Axes | None = None, ylabel: str = "loss", log: bool = False) -> plt.Figure:
    """Train (solid) and test (dashed) loss per epoch for one History or a dict of them."""
    if not isinstance(histories, Mapping):
        histories = {"": histories}
    fig, ax = _figure(ax)
    for i, (name, history) in enumerate(histories.items()):
        colour = PALETTE[i % len(PALETTE)]
        epochs = np.arange(1, history.epochs + 1)
        prefix = f"{name} " if name else ""
        ax.plot(epochs, history.train_loss, "-o", color=colour, label=f"{prefix}train", markersize=4)
        if history.test_loss:
            ax.plot(epochs, history.test_loss, "--s", color=colour, label=f"{prefix}test", markersize=4)
    ax.set(xlabel="epoch", ylabel=ylabel, yscale="log" if log else ax.get_yscale())
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(frameon=False)
    return fig


def decision_boundary(proba, x, y, classes: Sequence[str], ax: plt.Axes | None = None, title: str | None = None,
                      margin: float = 0.5, resolution: int = 300) -> plt.Figure:
    """A classifier's view of the plane around 2-D points ``x`` (N, 2) labelled ``y``: ``proba`` maps
    (M, 2) to class probabilities (M, C) like scikit-learn's ``predict_proba``. Regions take the
    colour of the predicted class, paler where it is less sure; the black line is the boundary."""
    x = np.asarray(x)
    (x1_min, x2_min), (x1_max, x2_max) = x.min(0) - margin, x.max(0) + margin
    g1, g2 = np.meshgrid(np.linspace(x1_min, x1_max, resolution), np.linspace(x2_min, x2_max, resolution))
    p = np.asarray(proba(np.column_stack([g1.ravel(), g2.ravel()]))).reshape(*g1.shape, -1)
    n_classes = p.shape[-1]
    colours = np.array([plt.matplotlib.colors.to_rgb(PALETTE[c % 10]) for c in range(n_classes)])
    certainty = (p.max(-1) - 1 / n_classes) / (1 - 1 / n_classes)  # 0 on the boundary, 1 when sure
    rgb = 1 - (1 - colours[p.argmax(-1)]) * 0.45 * certainty[..., None]
    fig, ax = _figure(ax, (5, 4))
    ax.imshow(rgb, origin="lower", extent=(x1_min, x1_max, x2_min, x2_max), aspect="auto", interpolation="bilinear")
    for c in range(n_classes if n_classes > 2 else 1):  # class c wins where p_c beats every other p
        ax.contour(g1, g2, p[..., c] - np.delete(p, c, axis=-1).max(-1), levels=[0], colors="black", linewidths=1.5)
    class_scatter(x, y, classes, ax=ax, title=title, variable="x")
    ax.set(xlim=(x1_min, x1_max), ylim=(x2_min, x2_max))
    ax.grid(False)
    return fig


def _numpy(values) -> np.ndarray:
    return values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)


def _figure(ax: plt.Axes | None, figsize: tuple[float, float] | None = None):
    return (ax.figure, ax) if ax is not None else plt.subplots(figsize=figsize)
