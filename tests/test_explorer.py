"""The latent-space explorer's exported decoder and HTML (tests/browser/test_explorer_page.py
checks the panel itself in Chromium)."""

import base64
import json

import numpy as np
import pytest
import torch
from torch import nn

import aelib
from aelib.explorer import export_decoder, latent_explorer

DIGITS = [str(i) for i in range(10)]


def _explorer(model, n=300, **options):
    codes = torch.randn(n, 2, generator=torch.Generator().manual_seed(1))
    return latent_explorer(model, codes, torch.arange(n) % 10, DIGITS, **options)


def test_export_holds_every_parameter_in_order_and_adds_the_vae_sigmoid():
    vae = aelib.VAE(2, hidden=(16,))
    spec = export_decoder(vae)
    assert [layer["type"] for layer in spec["layers"]] == ["Linear", "ReLU", "Linear", "Unflatten", "Sigmoid"]
    assert spec["layers"][0]["in"] == [2] and spec["layers"][-1]["out"] == [1, 28, 28]
    weights = np.frombuffer(base64.b64decode(spec["weights"]), dtype="<f4")
    expected = torch.cat([p.detach().flatten() for p in vae.decoder.parameters()]).numpy()
    np.testing.assert_array_equal(weights, expected)


def test_export_of_the_conv_autoencoder_has_one_sigmoid_and_the_conv_settings():
    layers = export_decoder(aelib.Autoencoder(1, 2))["layers"]
    assert [layer["type"] for layer in layers].count("Sigmoid") == 1
    first_up = next(layer for layer in layers if layer["type"] == "ConvTranspose2d")
    assert first_up["in"] == [128, 4, 4] and first_up["out"] == [64, 7, 7]
    assert first_up["stride"] == [2, 2] and first_up["padding"] == [1, 1]


@pytest.mark.parametrize(
    "model, error, words",
    [
        (aelib.Autoencoder(1, 16), ValueError, "2-D"),
        (aelib.ConditionalVAE(2), TypeError, "label"),
        (aelib.MLPAutoencoder(2, hidden=(8,)), None, None),
    ],
)
def test_export_explains_what_it_cannot_run(model, error, words):
    if error is None:  # a model it can run, then the same with a layer it cannot
        model.decoder.insert(1, nn.BatchNorm1d(784))
        error, words = TypeError, "BatchNorm1d"
    with pytest.raises(error, match=words):
        export_decoder(model)


def test_export_refuses_a_decode_that_is_not_the_decoder():
    class Scaled(aelib.MLPAutoencoder):
        def decode(self, z, y=None):
            return 0.5 * super().decode(z)

    with pytest.raises(ValueError, match="decode"):
        export_decoder(Scaled(2, hidden=(8,)))


def test_explorers_have_unique_ids_and_fetch_nothing():
    model = aelib.MLPAutoencoder(2, hidden=(8,))
    first, second = _explorer(model), _explorer(model)
    assert first.id != second.id
    html = first._repr_html_()
    assert "src=" not in html and "http" not in html and "@import" not in html
    assert first.decoder_bytes == 4 * sum(p.numel() for p in model.decoder.parameters())


def test_the_plane_takes_the_keyboard_focus_and_the_readout_is_announced():
    html = _explorer(aelib.MLPAutoencoder(2, hidden=(8,)))._repr_html_()
    plane = html.split('<canvas class="aelib-explorer-plane"')[1].split(">")[0]
    readout = html.split('<p class="aelib-explorer-readout"')[1].split(">")[0]
    assert 'tabindex="0"' in plane and "arrow keys" in plane
    assert 'aria-live="polite"' in readout and 'aria-atomic="true"' in readout
    readout_id = readout.split('id="')[1].split('"')[0]
    assert f'aria-describedby="{readout_id}"' in plane


def test_class_names_cannot_break_out_of_the_page():
    model = aelib.MLPAutoencoder(2, hidden=(8,))
    html = latent_explorer(model, torch.zeros(2, 2), torch.tensor([0, 1]), ["</script>", "<b>"])._repr_html_()
    assert html.count("</script>") == 2  # the data's and the code's: no name closed a script
    assert "<li>" in html and "<b>" not in html.split("<script")[0]  # names show as text
    payload = html.split('class="aelib-explorer-data">')[1].split("</script>")[0]
    assert json.loads(payload)["classes"] == ["</script>", "<b>"]


def test_a_class_name_that_opens_a_comment_cannot_swallow_the_page():
    model = aelib.MLPAutoencoder(2, hidden=(8,))
    names = ["<!--<script>", "</script><b>"]
    html = latent_explorer(model, torch.zeros(2, 2), torch.tensor([0, 1]), names)._repr_html_()
    payload = html.split('class="aelib-explorer-data">')[1].split("</script>")[0]
    assert "<" not in payload
    assert json.loads(payload)["classes"] == names


@pytest.mark.parametrize(
    "codes, options, words",
    [
        (torch.tensor([[0.0, 1.0], [float("nan"), 0.0]]), {}, "1 of the 2 codes are NaN or infinite"),
        (torch.tensor([[0.0, 1.0], [float("inf"), 0.0]]), {}, "NaN or infinite"),
        (torch.zeros(2, 2), {"extent": (-1, float("inf"), -1, 1)}, "extent must be 4 finite numbers"),
        (torch.zeros(2, 2), {"extent": (1, -1, -1, 1)}, "each min below its max"),
    ],
    ids=["NaN code", "infinite code", "infinite extent", "reversed extent"],
)
def test_non_finite_codes_or_extents_are_refused_before_they_reach_the_page(codes, options, words):
    model = aelib.MLPAutoencoder(2, hidden=(8,))
    with pytest.raises(ValueError, match=words):
        latent_explorer(model, codes, torch.tensor([0, 1]), DIGITS, **options)


def test_nan_decoder_weights_and_labels_beyond_the_classes_are_refused():
    model = aelib.MLPAutoencoder(2, hidden=(8,))
    with pytest.raises(ValueError, match="from 0 to 10"):
        latent_explorer(model, torch.zeros(2, 2), torch.tensor([0, 10]), DIGITS)
    with torch.no_grad():
        model.decoder[0][0].weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="NaN or infinite values"):
        latent_explorer(model, torch.zeros(2, 2), torch.tensor([0, 1]), DIGITS)


def test_save_creates_missing_folders(tmp_path):
    path = _explorer(aelib.MLPAutoencoder(2, hidden=(8,))).save(tmp_path / "new" / "folder" / "page.html")
    assert path.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in path.parent.iterdir()] == ["page.html"]
