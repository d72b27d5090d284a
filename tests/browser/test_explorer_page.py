"""The latent-space explorer in headless Chromium: what a reader sees. The pixels of the decoded
image on the page must be PyTorch's ``model.decode(z)`` to within one grey level, wherever the
pointer, the arrow keys or a finger put the code; and the chapters of the built book show it.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
import torch
from bookpages import ROOT, chapters, html_path
from torch import nn

import aelib
from aelib.explorer import latent_explorer

pytestmark = pytest.mark.browser

DIGITS = [str(i) for i in range(10)]


@pytest.fixture(scope="module")
def models():
    """A 2-D conv autoencoder and a 2-D MLP VAE with random weights, the last layer scaled up so
    that the images span most grey levels (a stricter check than digits' black and white), and
    400 random codes with labels."""
    built = {}
    for name, build, scale in [("autoencoder", lambda: aelib.Autoencoder(1, 2), 100.0),
                               ("vae", lambda: aelib.VAE(2), 8.0)]:
        torch.manual_seed(0)
        model = build().eval()
        last = [m for m in model.decoder.modules() if isinstance(m, (nn.Linear, nn.Conv2d))][-1]
        with torch.no_grad():
            last.weight.mul_(scale), last.bias.mul_(scale)
        built[name] = (model, 1.5 * torch.randn(400, 2), torch.arange(400) % 10)
    return built


@pytest.fixture(scope="module")
def page(browser, models, tmp_path_factory):
    """One page with both explorers, the way a chapter shows them; it must fetch nothing."""
    explorers = [latent_explorer(model, codes, labels, DIGITS) for model, codes, labels in models.values()]
    path = tmp_path_factory.mktemp("explorer") / "explorers.html"
    explorers[0].save(path)
    path.write_text(path.read_text().replace("</body>", explorers[1]._repr_html_() + "</body>"))
    page = browser.new_page(viewport={"width": 900, "height": 1400})
    page.errors, page.requests = [], []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_function("() => [...document.querySelectorAll('.aelib-explorer')].every(e => e.dataset.decodes)")
    page.explorers = dict(zip(models, explorers))
    yield page
    assert page.errors == [], "the page logged errors"
    assert page.requests == [path.as_uri()], "the page fetched something besides itself"
    page.close()


READ_SHOWN = """root => {
    const canvas = root.querySelector('.aelib-explorer-image');
    const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    return {z: [+root.dataset.z1, +root.dataset.z2], grey: Array.from(rgba.filter((_, i) => i % 4 === 0))};
}"""


def _check_shown(root, model):
    """The image on the page is model.decode(z) of the code the page reports, within 1/255."""
    shown = root.evaluate(READ_SHOWN)
    z = torch.tensor([shown["z"]])
    expected = (model.decode(z) * 255).round().flatten().detach().numpy()
    assert expected.max() - expected.min() > 100, "a flat image would make this check too weak"
    assert np.abs(np.array(shown["grey"]) - expected).max() <= 1
    return shown["z"]


def _wait_for_render(page, root, decodes):
    page.wait_for_function("([root, n]) => +root.dataset.decodes > n", arg=[root.element_handle(), decodes])


def _point_at(page, root, explorer, code):
    """Move the mouse over the plane to ``code``; return the code the page then shows."""
    left, top, width, height = root.locator(".aelib-explorer-plane").evaluate(
        "c => { const r = c.getBoundingClientRect(); return [r.left + c.clientLeft, r.top + c.clientTop, c.clientWidth, c.clientHeight]; }")
    x0, x1, y0, y1 = explorer.extent
    decodes = int(root.get_attribute("data-decodes"))
    page.mouse.move(left + (code[0] - x0) / (x1 - x0) * width, top + (y1 - code[1]) / (y1 - y0) * height)
    _wait_for_render(page, root, decodes)
    return (x1 - x0) / width, (y1 - y0) / height  # one CSS pixel in code units


@pytest.mark.parametrize("name", ["autoencoder", "vae"])
def test_the_decoded_image_follows_the_mouse_and_matches_pytorch(page, models, name):
    model, codes, _ = models[name]
    explorer, root = page.explorers[name], page.locator(".aelib-explorer").nth(list(models).index(name))
    x0, x1, y0, y1 = explorer.extent
    inside = codes[(codes[:, 0] > x0) & (codes[:, 0] < x1) & (codes[:, 1] > y0) & (codes[:, 1] < y1)]
    for code in inside[:3].tolist():
        pixel = _point_at(page, root, explorer, code)
        shown = _check_shown(root, model)
        assert abs(shown[0] - code[0]) <= pixel[0] and abs(shown[1] - code[1]) <= pixel[1]


def test_arrow_keys_move_the_code_by_known_steps(page, models):
    model, _, _ = models["autoencoder"]
    explorer, root = page.explorers["autoencoder"], page.locator(".aelib-explorer").first
    x0, x1, y0, y1 = explorer.extent
    _point_at(page, root, explorer, [(x0 + x1) / 2, (y0 + y1) / 2])
    page.mouse.move(0, 0)  # off the plane, so that only the keys move the code
    page.locator("body").focus()
    page.keyboard.press("Tab")  # the plane is the first thing on the page to take focus
    plane = root.locator(".aelib-explorer-plane")
    assert plane.evaluate("c => c === document.activeElement && getComputedStyle(c).outlineStyle") == "solid"
    start = root.evaluate("root => [+root.dataset.z1, +root.dataset.z2]")
    for key in ["ArrowRight"] * 3 + ["ArrowUp", "Shift+ArrowDown"]:
        decodes = int(root.get_attribute("data-decodes"))
        page.keyboard.press(key)
        _wait_for_render(page, root, decodes)
    expected = [start[0] + 3 * explorer.step * (x1 - x0), start[1] - 4 * explorer.step * (y1 - y0)]
    np.testing.assert_allclose(_check_shown(root, model), expected, rtol=0, atol=1e-9)


def _nearest_class(explorer, z) -> str:
    """The class of the test code nearest to z, in units of the extent (as the page measures)."""
    x0, x1, y0, y1 = explorer.extent
    codes = explorer.codes.double().numpy()
    distances = ((codes[:, 0] - z[0]) / (x1 - x0)) ** 2 + ((codes[:, 1] - z[1]) / (y1 - y0)) ** 2
    return explorer.classes[int(explorer.labels[int(distances.argmin())])]


def test_arrow_keys_announce_the_code_and_the_nearest_class(page):
    """With the keyboard alone: each arrow key moves the code, and the polite live region then
    reads out the new code and the class of the test code nearest to it."""
    explorer, root = page.explorers["vae"], page.locator(".aelib-explorer").nth(1)
    plane, readout = root.locator(".aelib-explorer-plane"), root.locator(".aelib-explorer-readout")
    assert readout.get_attribute("aria-live") == "polite"
    assert plane.get_attribute("aria-describedby") == readout.get_attribute("id")
    page.mouse.move(0, 0)
    plane.focus()
    seen = [root.evaluate("root => [+root.dataset.z1, +root.dataset.z2]")]
    for key in ["ArrowLeft", "ArrowLeft", "Shift+ArrowDown", "ArrowRight"]:
        decodes = int(root.get_attribute("data-decodes"))
        page.keyboard.press(key)
        _wait_for_render(page, root, decodes)
        z = root.evaluate("root => [+root.dataset.z1, +root.dataset.z2]")
        assert z != seen[-1], f"{key} did not move the code"
        seen.append(z)
        expected = f"z = ({z[0]:.2f}, {z[1]:.2f}); nearest test code: {_nearest_class(explorer, z)}"
        assert readout.inner_text() == expected
    assert len({_nearest_class(explorer, z) for z in seen}) > 1, "the keys never reached another class"


def test_one_decode_in_the_page_is_fast_and_the_weights_are_small(page, models, capsys):
    timings = {}
    for i, name in enumerate(models):
        timings[name] = page.locator(".aelib-explorer").nth(i).evaluate("""root => {
            for (let i = 0; i < 5; i++) root.aelibDecode([0.1 * i, 0]);  // let the JIT warm up
            const start = performance.now();
            for (let i = 0; i < 50; i++) root.aelibDecode([0.02 * i, -0.5]);
            return (performance.now() - start) / 50;
        }""")
        kb = page.explorers[name].decoder_bytes / 1024
        with capsys.disabled():
            print(f"\nexplorer, {name}: decoder weights {kb:.0f} KB, one decode {timings[name]:.1f} ms in Chromium")
        assert kb < 2048 and timings[name] < 250


def test_the_panel_fits_a_phone_and_follows_a_finger(browser, models, tmp_path):
    model, codes, labels = models["vae"]
    explorer = latent_explorer(model, codes, labels, DIGITS)
    path = explorer.save(tmp_path / "phone.html")
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(path.as_uri())
    root = page.locator(".aelib-explorer")
    page.wait_for_function("() => document.querySelector('.aelib-explorer').dataset.decodes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for part in [".aelib-explorer-plane", ".aelib-explorer-image"]:
        box = root.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["width"] >= 150
    x0, x1, y0, y1 = explorer.extent
    box = root.locator(".aelib-explorer-plane").bounding_box()
    decodes = int(root.get_attribute("data-decodes"))
    page.touchscreen.tap(box["x"] + 0.25 * box["width"], box["y"] + 0.75 * box["height"])
    _wait_for_render(page, root, decodes)
    z = _check_shown(root, model)
    assert abs(z[0] - (x0 + 0.25 * (x1 - x0))) < 0.02 * (x1 - x0)
    assert abs(z[1] - (y1 - 0.75 * (y1 - y0))) < 0.02 * (y1 - y0)
    context.close()


def _calls_the_explorer(page: str) -> bool:
    path = ROOT / page
    return path.exists() and any("latent_explorer(" in cell.source
                                 for cell in nbformat.read(path, as_version=4).cells)


@pytest.mark.parametrize("page", [p for p in chapters() if _calls_the_explorer(p)],
                         ids=lambda p: p.split("/")[-1][:-6])
def test_the_built_chapter_shows_a_working_explorer(browser, server, page):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.goto(server + html_path(page))
    tab.wait_for_function("() => [...document.querySelectorAll('.aelib-explorer')].every(e => e.dataset.decodes)")
    roots = tab.locator(".aelib-explorer")
    assert roots.count() >= 1, "the chapter calls latent_explorer but shows no explorer"
    for i in range(roots.count()):
        root = roots.nth(i)
        root.scroll_into_view_if_needed()
        x0, x1, y0, y1 = root.evaluate("r => JSON.parse(r.querySelector('.aelib-explorer-data').textContent).extent")
        box = root.locator(".aelib-explorer-plane").bounding_box()
        decodes = int(root.get_attribute("data-decodes"))
        tab.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.6 * box["height"])
        _wait_for_render(tab, root, decodes)
        shown = root.evaluate(READ_SHOWN)
        assert abs(shown["z"][0] - (x0 + 0.3 * (x1 - x0))) < 0.02 * (x1 - x0)
        assert abs(shown["z"][1] - (y1 - 0.6 * (y1 - y0))) < 0.02 * (y1 - y0)
        assert np.ptp(shown["grey"]) > 20, "the decoded image is blank"
    tab.close()
