"""The course's figures: classifier boundaries where the probabilities say, clear errors, class
colours that colour-blind readers can tell apart, and a text description of every figure."""

import base64
import html
import io
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aelib.plot import (
    PALETTE,
    SHARPNESS,
    class_scatter,
    decision_boundary,
    describe,
    image_grid,
    image_rows,
    show,
)


def _sigmoid_rule(points):
    """p(y = 1 | x) = sigmoid(4 x1): the boundary is the line x1 = 0."""
    p1 = 1 / (1 + np.exp(-4 * points[:, 0]))
    return np.column_stack([1 - p1, p1])


def test_decision_boundary_is_drawn_where_the_classes_tie():
    x = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    fig = decision_boundary(_sigmoid_rule, x, np.array([0, 1, 0, 1]), ["a", "b"])
    (contour,) = [c for c in fig.axes[0].collections if type(c).__name__ == "QuadContourSet"]
    vertices = np.concatenate([path.vertices for path in contour.get_paths()])
    assert np.abs(vertices[:, 0]).max() < 0.02
    assert vertices[:, 1].min() < -1 and vertices[:, 1].max() > 1  # spans the plot
    plt.close(fig)


def test_decision_boundary_draws_a_border_for_every_class_of_three():
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])

    def nearest_centre(points):
        logits = -((points[:, None, :] - centres) ** 2).sum(-1)
        return np.exp(logits) / np.exp(logits).sum(1, keepdims=True)

    fig = decision_boundary(nearest_centre, centres, np.arange(3), ["a", "b", "c"])
    assert sum(type(c).__name__ == "QuadContourSet" for c in fig.axes[0].collections) == 3
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b", "c"]
    plt.close(fig)


def test_class_scatter_rejects_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        class_scatter(np.zeros((5, 3)), np.zeros(5, dtype=int), ["a"])


def test_class_scatter_draws_every_code_of_a_tensor_in_its_class_colour():
    codes = torch.randn(3000, 2, requires_grad=True)  # straight from a model: on the graph
    labels = torch.arange(3000) % 3
    fig = class_scatter(codes, labels, ["a", "b", "c"], title="codes")
    ax = fig.axes[0]
    offsets = [c.get_offsets() for c in ax.collections]
    assert [len(o) for o in offsets] == [1000, 1000, 1000]
    np.testing.assert_allclose(offsets[1], codes.detach().numpy()[1::3])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$z_1$", "$z_2$")
    plt.close(fig)


# ------------------------------------------------------------------------------------------------
# Colour-blind readers: the palette under simulated colour-vision deficiencies

# Machado, Oliveira and Fernandes (2009), severity 1: linear RGB -> linear RGB as a dichromat sees it.
SIMULATIONS = {
    "normal vision": np.eye(3),
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])


def lab(colours, simulation="normal vision"):
    """CIELAB (D65) of "#RRGGBB" colours as a reader with the given vision sees them."""
    srgb = np.array([matplotlib.colors.to_rgb(c) for c in colours])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz = np.clip(linear @ np.asarray(SIMULATIONS[simulation]).T, 0, 1) @ SRGB_TO_XYZ.T / SRGB_TO_XYZ.sum(1)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=-1)


def ciede2000(lab1, lab2):
    """The CIEDE2000 colour difference (Sharma, Wu and Dalal 2005) of broadcastable Lab arrays."""
    (l1, a1, b1), (l2, a2, b2) = np.moveaxis(lab1, -1, 0), np.moveaxis(lab2, -1, 0)
    c7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c7 / (c7 + 25**7)))
    c1, c2 = np.hypot((1 + g) * a1, b1), np.hypot((1 + g) * a2, b2)
    h1 = np.degrees(np.arctan2(b1, (1 + g) * a1)) % 360
    h2 = np.degrees(np.arctan2(b2, (1 + g) * a2)) % 360
    dh = np.where(c1 * c2 == 0, 0, (h2 - h1 + 180) % 360 - 180)
    d_hue = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    lm, cm = (l1 + l2) / 2, (c1 + c2) / 2
    hm = np.where(c1 * c2 == 0, h1 + h2,
                  np.where(np.abs(h1 - h2) <= 180, (h1 + h2) / 2, (h1 + h2 + np.where(h1 + h2 < 360, 360, -360)) / 2))
    t = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    sl = 1 + 0.015 * (lm - 50) ** 2 / np.sqrt(20 + (lm - 50) ** 2)
    sc, sh = 1 + 0.045 * cm, 1 + 0.015 * cm * t
    rt = -2 * np.sqrt(cm**7 / (cm**7 + 25**7)) * np.sin(np.radians(60 * np.exp(-(((hm - 275) / 25) ** 2))))
    dl, dc, dhue = (l2 - l1) / sl, (c2 - c1) / sc, d_hue / sh
    return np.sqrt(dl**2 + dc**2 + dhue**2 + rt * dc * dhue)


def test_ciede2000_matches_sharmas_test_data():
    pairs = [((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
             ((50, 2.5, 0), (73, 25, -18), 27.1492),
             ((50, -0.001, 2.49), (50, 0.0009, -2.49), 4.8045),
             ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644)]
    for first, second, expected in pairs:
        assert ciede2000(np.array(first), np.array(second)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_every_pair_of_class_colours_stays_apart(vision):
    """The smallest CIEDE2000 difference between two class colours, as the reader sees them
    (the palette before this one, Tableau's with Tol's colours, fell to 2.6 under deuteranopia)."""
    colours = lab(PALETTE, vision)
    differences = ciede2000(colours[:, None], colours[None])
    i, j = np.triu_indices(len(PALETTE), 1)
    worst = differences[i, j].argmin()
    assert differences[i, j][worst] > 11, (
        f"classes {i[worst]} and {j[worst]} look alike with {vision}: {differences[i, j][worst]:.1f}")


def test_class_colours_show_as_small_points_on_white():
    lightness = lab(PALETTE)[:, 0]
    assert lightness.max() < 75 and lightness.min() > 25, lightness.round()


def test_class_scatter_names_every_cluster_at_its_median():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 200)
    points = rng.normal(size=(600, 2)) + np.array([[0, 0], [5, 0], [0, 5]])[labels]
    ax = class_scatter(points, labels, ["zero", "one", "two"]).axes[0]
    names = {t.get_text(): t.get_position() for t in ax.texts}
    assert set(names) == {"zero", "one", "two"}
    for c, name in enumerate(["zero", "one", "two"]):
        np.testing.assert_allclose(names[name], np.median(points[labels == c], axis=0))
    assert not class_scatter(points[:400], labels[:400] % 2, ["a", "b"]).axes[0].texts  # two: a legend
    plt.close("all")


# ------------------------------------------------------------------------------------------------
# Figures with a text description, legible in dark mode


def test_show_displays_an_opaque_png_with_the_description_as_alt_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda bundle, raw: shown.append(bundle))
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100, facecolor="none")
    ax.plot([1, 10, 100], [0.3, 0.2, 0.1], label="PCA")
    ax.set(xscale="log", xlabel="code size $k$ (embedding_dim)", ylabel="test MSE", title="Error against $\\beta$")
    ax.legend()
    with plt.rc_context({"savefig.transparent": True, "axes.facecolor": "none"}):
        show(fig, "The error falls.")  # even a transparent figure comes out on white
    (bundle,) = shown
    assert not plt.fignum_exists(fig.number)
    alt = html.unescape(re.search(r'alt="([^"]*)"', bundle["text/html"]).group(1))
    assert alt == bundle["text/plain"] == (
        "A plot, titled 'Error against beta': 1 line; vertical axis test MSE (0.09 to 0.31), "
        "horizontal axis code size k (embedding_dim) (0.794 to 126, log scale); legend: PCA. The error falls.")
    image = plt.imread(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert image.shape[2] == 3 or image[..., 3].min() == 1  # no transparent pixel
    assert image[2, 2, :3].tolist() == [1, 1, 1]
    width = int(re.search(r'width="(\d+)"', bundle["text/html"]).group(1))
    assert width == round(image.shape[1] / SHARPNESS) and 300 < width < 400


def test_describe_reads_rows_of_images_by_their_labels_and_leaves_out_blanks():
    images = torch.rand(4, 1, 28, 28)
    blanks = torch.full((2, 1, 28, 28), float("nan"))
    fig = image_rows({"original": torch.cat([images[:1], blanks, images[1:2]]), "$d = 2$": images})
    assert describe(fig) == "6 images in 2 rows, labelled original; d = 2."
    assert [ax.get_frame_on() for ax in fig.axes[:4]] == [True, False, False, True]
    fig = image_grid(images[:3], ncols=2, titles=["a", "b", "c"])
    fig.suptitle("Three.")
    assert describe(fig) == "Three. 3 images in 2 rows, titled a, b, c."
    plt.close("all")


def test_importing_aelib_leaves_matplotlib_settings_alone():
    code = ("import matplotlib as m; before = dict(m.rcParams); import aelib; "
            "assert dict(m.rcParams) == before; aelib.use_style(); assert m.rcParams['font.size'] == 11")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_grid_codes_run_row_by_row_from_the_top_left():
    from aelib.plot import grid_codes

    codes = grid_codes((0.0, 1.0, -2.0, 2.0), n=3)
    assert codes.shape == (9, 2)
    assert codes[0].tolist() == [0.0, 2.0] and codes[2].tolist() == [1.0, 2.0] and codes[-1].tolist() == [1.0, -2.0]
