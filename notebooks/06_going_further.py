# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 6. Going further: denoising, anomalies and conditional generation
#
# The autoencoders of the previous chapters learned to copy their input through a narrow code.
# Small changes to that recipe give three useful tools. Change the input, and an autoencoder
# learns to remove noise. Change what you read from it, its
# {term}`reconstruction error <Reconstruction error>`, and it flags images unlike those it was
# trained on. Give a VAE the label, and you can ask it for an image of a class of your choice.
# Every section ends in a measured number or a figure, and the whole chapter runs unchanged on
# Fashion-MNIST.
#
# **In this chapter you will**
#
# - train a {term}`denoising autoencoder <Denoising autoencoder>` and measure how much better it
#   cleans noisy images than a plain one;
# - use reconstruction error for {term}`anomaly detection <Anomaly detection>`, and measure the
#   detector with a {term}`ROC curve <ROC curve>` and its {term}`AUC <AUC>`;
# - train a {term}`conditional VAE <Conditional VAE>` and generate images of a chosen class,
#   with the style held fixed, and let a classifier check that they show the class asked for;
# - switch every result in the chapter to Fashion-MNIST with one setting.
#
# **Prerequisites:** chapters 2 (autoencoders and `aelib.fit`) and 5 (the VAE and its ELBO).
#
# **Time:** about 35 minutes to read and run.

# %%
# On Colab, install the course's helper package; elsewhere this cell does nothing.
# Set AELIB_REPOSITORY to install it from elsewhere (a fork, a branch, a local copy).
import os, subprocess, sys

if "google.colab" in sys.modules:
    repository = "git+https://github.com/autoencoders-course/autoencoders-course"
    url = os.environ.get("AELIB_REPOSITORY", repository)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import LogLocator, NullFormatter
from sklearn.metrics import roc_auc_score, roc_curve

import aelib
from aelib import PCA, ConditionalVAE, MLPAutoencoder, SampleScorer, Table, claim, fit
from aelib.plot import image_grid, image_rows, show
from aelib.settings import settings

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %% [markdown]
# ## One setting, two data sets
#
# `aelib.load_dataset()` loads the data set named by `settings.dataset`, which is `"mnist"`
# unless the environment variable `AELIB_DATASET` says otherwise. To run this chapter on
# Fashion-MNIST {cite}`xiao2017`, either start Jupyter with `AELIB_DATASET=fashion`, or remove
# the `#` in front of the first line below and run the chapter again from here. Nothing else
# changes: class names come from `data.classes`, and every number is computed from the data you
# load.

# %%
# settings.dataset = "fashion"  # uncomment to run the whole chapter on Fashion-MNIST
data = aelib.load_dataset()
print(data)
print("classes:", ", ".join(data.classes))

# %% [markdown]
# All three parts train small fully connected models on the same slice of the training set,
# and are scored on the test set. Every model of the chapter starts and trains as in chapter 2
# (its decoder starts at the average image, the learning rate follows the one-cycle schedule up
# to 0.003, in `fit`'s default batches of 128) for about 80,000 passes of an image through the
# network, so the number of epochs follows from the size of the slice.

# %%
n_train, n_test = settings.samples(20_000), settings.samples(10_000)
x_train, y_train = data.x_train[:n_train], data.y_train[:n_train]
x_test, y_test = data.x_test[:n_test], data.y_test[:n_test]
recipe = dict(epochs=settings.epochs(max(1, 80_000 // len(x_train))), lr=3e-3, schedule="one-cycle")
print(f"training on {len(x_train):,} images for {recipe['epochs']} epochs, testing on {len(x_test):,}")

# %% [markdown]
# ## Denoising autoencoders
#
# A plain autoencoder is rewarded for copying its input, noise and all. Vincent and
# co-authors {cite}`vincent2008` changed the task: corrupt each training image $x$ at random
# into $\tilde{x}$, feed the corrupted version to the network, and score the output against the
# clean original,
#
# $$
# \mathcal{L}(x) = \big\lVert x - g\big(f(\tilde{x})\big) \big\rVert^2,
# \qquad \tilde{x} \sim q(\tilde{x} \mid x),
# $$
#
# where $f$ is the encoder, $g$ the decoder and $q$ the corruption. Copying no longer works: to
# undo the damage, the network has to learn what clean images of this kind look like. Our
# corruption adds Gaussian noise to every pixel and clips the result back to $[0, 1]$, so the
# input is still a valid image.

# %%
def add_noise(x, sigma=0.5):
    """Gaussian noise of standard deviation sigma on every pixel, clipped to [0, 1]."""
    return (x + sigma * torch.randn_like(x)).clamp(0, 1)


torch.manual_seed(1)
x_test_noisy = add_noise(x_test)  # one fixed noisy copy of the test set, for every comparison
show(image_rows({"clean": x_test, "noisy": x_test_noisy}),
     "Ten clean test images (top) and the same images with Gaussian noise of standard deviation "
     "0.5 added to every pixel and clipped to [0, 1] (bottom).")

# %% [markdown]
# We train two identical networks (784 → 512 → 128 → 32 and back): a plain autoencoder on clean
# images, and a denoising one that sees a fresh noisy copy of every batch. `aelib.fit` does the
# second when given `corrupt=add_noise`: the corrupted batch goes in, the clean batch is the
# target.

# %%
torch.manual_seed(0)
plain = MLPAutoencoder(embedding_dim=32).start_at_mean(x_train)
plain_history = fit(plain, x_train, **recipe)

torch.manual_seed(0)
denoiser = MLPAutoencoder(embedding_dim=32).start_at_mean(x_train)
denoiser_history = fit(denoiser, x_train, corrupt=add_noise, **recipe)
seconds = sum(plain_history.seconds), sum(denoiser_history.seconds)
print(f"training time: plain {seconds[0]:.0f} s, denoising {seconds[1]:.0f} s")

# %% [markdown]
# Both models now receive the same noisy test images, and we measure how far their outputs are
# from the clean originals (mean squared error per pixel). Two reference lines help read the
# table: doing nothing (the noisy image itself), and the plain autoencoder on clean inputs, the
# job it was trained for.

# %%
def mse_to_clean(images):
    return torch.mean((images - x_test) ** 2).item()


results = {
    "noisy input, unchanged": mse_to_clean(x_test_noisy),
    "plain autoencoder, noisy input": mse_to_clean(plain.reconstruct(x_test_noisy)),
    "denoising autoencoder, noisy input": mse_to_clean(denoiser.reconstruct(x_test_noisy)),
    "plain autoencoder, clean input": mse_to_clean(plain.reconstruct(x_test)),
}
for name, mse in results.items():
    print(f"{name:36s} MSE to the clean images: {mse:.4f}")

# %% [markdown]
# The rows below show the same comparison on images: the noisy input, what each model makes of
# it, and the clean target.

# %%
shown = slice(0, 10)
show(image_rows({
    "noisy input": x_test_noisy[shown],
    "plain AE": plain.reconstruct(x_test_noisy[shown]),
    "denoising AE": denoiser.reconstruct(x_test_noisy[shown]),
    "clean target": x_test[shown],
}), "Ten noisy test images, what the plain and the denoising autoencoder make of them, and the "
    "clean targets, one row each: the plain autoencoder's outputs are smudged, the denoising "
    "autoencoder's come closer to the clean targets.")

# %% [markdown]
# The plain autoencoder already removes some noise, because its narrow code cannot describe
# random speckle and its decoder only knows how to draw images like the training set. But it
# was never shown noise, so a noisy input lands on codes it never learned to handle, and its
# output is smudged. The denoising autoencoder was trained for exactly this situation. Compare
# the two MSEs printed above.

# %% tags=["hide-cell"]
claim(results["plain autoencoder, noisy input"] < results["noisy input, unchanged"],
      "the plain autoencoder already removes some noise",
      plain=results["plain autoencoder, noisy input"], noisy=results["noisy input, unchanged"])
claim(results["denoising autoencoder, noisy input"] < results["plain autoencoder, noisy input"],
      "the denoising autoencoder removes more noise than the plain one",
      denoiser=results["denoising autoencoder, noisy input"], plain=results["plain autoencoder, noisy input"])

# %% [markdown]
#
# How well does a denoiser trained at one noise level cope with others? The next cell repeats
# the comparison from no noise to heavy noise (the denoiser was trained at $\sigma = 0.5$ only).

# %%
sigmas = np.linspace(0, 0.8, 9)
curves = {"noisy input, unchanged": [], "plain AE": [], "denoising AE": []}
for sigma in sigmas:
    torch.manual_seed(1)
    noisy = add_noise(x_test, sigma)
    curves["noisy input, unchanged"].append(mse_to_clean(noisy))
    curves["plain AE"].append(mse_to_clean(plain.reconstruct(noisy)))
    curves["denoising AE"].append(mse_to_clean(denoiser.reconstruct(noisy)))

fig, ax = plt.subplots()
for (name, mse), style in zip(curves.items(), [":", "-o", "-s"]):
    ax.plot(sigmas, mse, style, label=name, markersize=5)
ax.axvline(0.5, color="grey", lw=0.8)
ax.annotate("training noise", (0.5, ax.get_ylim()[1]), xytext=(4, -12),
            textcoords="offset points", color="grey")
ax.set_xlabel(r"noise level $\sigma$"), ax.set_ylabel("MSE to the clean images")
ax.legend(frameon=False)
show(fig, "The error of the unchanged noisy input (dotted) and of the plain (circles) and "
     "denoising (squares) autoencoders' outputs against the noise level, with a grey line at the "
     "training noise of 0.5. Without noise the plain autoencoder does better; as the noise grows "
     "its error climbs, while the denoiser's falls towards its training level, and beyond it "
     "climbs more slowly than the plain one's, below it.")

# %% [markdown]
# Read the curves from left to right. At $\sigma = 0$ doing nothing is perfect, and both
# autoencoders lose some detail through their codes; the plain one, trained on clean images, is on
# home ground there. As $\sigma$ grows, the plain autoencoder's error climbs with the noise, while
# the denoiser's falls: it does better on images with the noise it was trained on than on clean
# ones, which it never saw. Beyond its training level both errors climb, the denoiser's more
# slowly, and it stays below the plain autoencoder's. Where the two curves cross is the noise
# level above which training on noise pays off.

# %% tags=["hide-cell"]
plain_curve, denoiser_curve = curves["plain AE"], curves["denoising AE"]
claim(plain_curve[0] < denoiser_curve[0], "without noise the plain autoencoder is on home ground",
      plain=plain_curve[0], denoiser=denoiser_curve[0])
at_training_noise = list(sigmas.round(2)).index(0.5)
plain_rise = plain_curve[at_training_noise] - plain_curve[0]
denoiser_rise = denoiser_curve[at_training_noise] - denoiser_curve[0]
claim(plain_rise > 0 > denoiser_rise, "up to the training noise the plain autoencoder's error climbs and the denoiser's falls",
      plain_rise=plain_rise, denoiser_rise=denoiser_rise)
plain_beyond = plain_curve[-1] - plain_curve[at_training_noise]
denoiser_beyond = denoiser_curve[-1] - denoiser_curve[at_training_noise]
claim(plain_beyond > denoiser_beyond > 0, "beyond the training noise both climb, the denoiser's error more slowly",
      plain_beyond=plain_beyond, denoiser_beyond=denoiser_beyond)
claim(plain_curve[-1] > denoiser_curve[-1], "the two curves cross, and beyond the training noise the denoiser stays below",
      plain_at_08=plain_curve[-1], denoiser_at_08=denoiser_curve[-1])

# %% [markdown]
# Denoising is more than
# a clean-up tool:
# Vincent and co-authors used it to learn features, and the idea of learning to remove noise
# returns, scaled up, in the diffusion models that generate images today.

# %% [markdown]
# ## Anomaly detection by reconstruction error
#
# An autoencoder reconstructs well the kind of images it was trained on, and worse anything
# else. Its reconstruction error is therefore an anomaly score: low for familiar images, high
# for strange ones. To test the idea we need anomalies with known labels, so we make some: we
# hold one class out of training entirely, and ask whether the error singles it out among the
# test images.

# %%
anomaly = 8  # index of the class never seen in training: the "anomaly"
normal = y_train != anomaly
name = data.classes[anomaly]
print(f"anomaly: class {anomaly} ({name!r}); training on the {int(normal.sum()):,} other images")

torch.manual_seed(0)
detector = MLPAutoencoder(embedding_dim=16).start_at_mean(x_train[normal])
detector_history = fit(detector, x_train[normal], **recipe)

# %% [markdown]
# The score of a test image is its mean squared reconstruction error. The test set keeps all
# classes, so about one image in ten is an anomaly.

# %%
def anomaly_score(model, x):
    """Reconstruction error per image, (N, 1, 28, 28) -> (N,): higher means more unusual."""
    return ((model.reconstruct(x) - x) ** 2).flatten(1).mean(1)


scores = anomaly_score(detector, x_test).numpy()
is_anomaly = (y_test == anomaly).numpy()
print(f"{is_anomaly.sum()} anomalies among {len(is_anomaly):,} test images")
print(f"median score of normal images {np.median(scores[~is_anomaly]):.4f}, "
      f"of anomalies {np.median(scores[is_anomaly]):.4f}")

# %% tags=["hide-cell"]
claim(np.median(scores[is_anomaly]) > np.median(scores[~is_anomaly]),
      "the anomalies' errors sit to the right of the normal images' errors",
      normal_median=np.median(scores[~is_anomaly]), anomaly_median=np.median(scores[is_anomaly]))
claim(scores.max() > 10 * scores.min(), "the errors span more than one order of magnitude",
      smallest=scores.min(), largest=scores.max())

# %% [markdown]
# If the score works, the anomalies' errors sit to the right of the normal images' errors.
# The histograms are normalised to the same area, since there are nine times fewer anomalies,
# and the error axis is logarithmic because the errors span more than one order of magnitude.

# %%
bins = np.geomspace(scores.min(), scores.max(), 50)
fig, ax = plt.subplots()
ax.hist(scores[~is_anomaly], bins=bins, density=True, alpha=0.6, label="normal: the other classes")
ax.hist(scores[is_anomaly], bins=bins, density=True, alpha=0.6, label=f"anomaly: {name}")
ax.set_xscale("log")
ax.xaxis.set_major_locator(LogLocator(subs=(1, 3)))  # ticks at 0.01, 0.03, 0.1, ...
ax.xaxis.set_major_formatter("{x:g}"), ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_xlabel("reconstruction error (MSE per pixel)"), ax.set_ylabel("density")
ax.legend(frameon=False)
show(fig, "Histograms, normalised to the same area, of the reconstruction error of the normal "
     f"test images and of the held-out class {name}, on a log axis of the error: the anomalies' "
     "errors sit to the right, but the two histograms overlap.")

# %% [markdown]
# The histograms overlap, so no threshold separates the two groups perfectly. Any threshold
# $t$ makes a detector, "flag the image if its score exceeds $t$", with two rates:
#
# - the **true positive rate**, the fraction of anomalies flagged;
# - the **false positive rate**, the fraction of normal images flagged by mistake.
#
# Sliding $t$ from high to low traces the ROC curve, true positive rate against false positive
# rate. The area under it, the AUC, has a direct meaning: the probability that a randomly chosen
# anomaly scores higher than a randomly chosen normal image. It is 1 for a perfect score, and
# 0.5 for one that guesses. For a baseline we score the images by their PCA reconstruction
# error too, with as many components as the autoencoder's code and fitted to the same images.

# %%
pca = PCA(16).fit(x_train[normal])
detectors = {"autoencoder": scores, "PCA": anomaly_score(pca, x_test).numpy()}
aucs = {}

fig, ax = plt.subplots(figsize=(5, 4.6))
for label, s in detectors.items():
    fpr, tpr, _ = roc_curve(is_anomaly, s)
    auc = roc_auc_score(is_anomaly, s)
    ax.plot(fpr, tpr, label=f"{label}: AUC = {auc:.3f}")
    print(f"{label:12s} AUC = {auc:.3f}")
    aucs[label] = auc
ax.plot([0, 1], [0, 1], ":", color="grey", label="chance: AUC = 0.5")
ax.set_xlabel("false positive rate"), ax.set_ylabel("true positive rate")
ax.set_title(f"Detecting {name!r} as the anomaly")
ax.set_aspect("equal"), ax.legend(frameon=False, loc="lower right")
show(fig, "The ROC curves, true positive rate against false positive rate, of the autoencoder's "
     "and PCA's reconstruction errors as anomaly scores, above the dotted diagonal of a score "
     "that guesses; the legend gives the area under each curve.")

# %% tags=["hide-cell"]
claim(0.5 < aucs["autoencoder"] < 0.99, "the score works, but no threshold separates the groups perfectly",
      auc=aucs["autoencoder"])
claim(0.5 < aucs["PCA"] < aucs["autoencoder"], "PCA's error works as a score too, less well than the autoencoder's",
      **aucs)
aelib.scoreboard.record("anomaly_auc", aucs["autoencoder"], data=data.name, held_out_class=name,
                        model="MLPAutoencoder(16)", epochs=recipe["epochs"], pca_auc=round(aucs["PCA"], 4))

# %% [markdown]
# Both scores work, and the autoencoder's separates the held-out class better than PCA's with as
# many components: compare the two areas in the legend. A curved model of the normal images
# leaves less of their variety to the error, so what remains stands out more.
#
# A ROC curve answers practical questions too. Suppose you can afford to check 5% of the normal
# images by hand: set the threshold at the 95th percentile of their scores, and see what share
# of the anomalies it catches.

# %%
threshold = np.quantile(scores[~is_anomaly], 0.95)
caught = (scores[is_anomaly] > threshold).mean()
print(f"threshold {threshold:.4f}: flags 5% of normal images and {caught:.0%} of the anomalies")

# %% [markdown]
# Numbers hide what the score actually responds to, so look at the extremes: the ten test images
# with the highest scores and the ten with the lowest, each titled with its class (the
# held-out class in bold).

# %%
order = np.argsort(scores)
extremes = np.concatenate([order[::-1][:10], order[:10]])
fig = image_grid(x_test[extremes], ncols=10, titles=[data.classes[y_test[i]] for i in extremes])
fig.suptitle("Top row: most anomalous.  Bottom row: least anomalous.", y=1.02)
for ax, i in zip(fig.axes, extremes):  # the held-out class in bold orange, as in the histogram
    if y_test[i] == anomaly:
        ax.title.set(color="C1", fontweight="bold")
show(fig, "The ten test images with the highest anomaly scores (top row) and the ten with the "
     f"lowest (bottom row), each titled with its class, {name} in bold: the top row mixes the "
     "held-out class with odd images, the bottom row holds images with little ink or simple "
     "shapes.")

# %% [markdown]
# The top row holds images of the held-out class, more than its one-in-ten share, mixed with
# normal images that are odd in some way: unusual shapes, thick strokes, rare styles. The bottom
# row shows what the score really measures: not "how unusual" but "how hard to reconstruct".
# Images with little ink or simple shapes are easy for any decoder, whichever class they come
# from. That is the limit of this method: an anomaly that is simple to draw goes unnoticed
# (exercise 2 finds such a class).

# %% tags=["hide-cell"]
top, bottom = order[::-1][:10], order[:10]
held_out_on_top = int(is_anomaly[top].sum())
claim(held_out_on_top >= 2, "the held-out class takes more than its share of the top row",
      held_out_images_on_top=held_out_on_top)
ink = x_test.flatten(1).mean(dim=1)
claim(ink[bottom].mean() < ink.mean(), "the least anomalous images carry less ink than the average test image",
      ink_bottom_row=ink[bottom].mean(), ink_all=ink.mean())

# %% [markdown]
# ## A conditional VAE: choose what to generate
#
# The VAE of chapter 5 samples images, but you cannot choose which class you get. The
# conditional VAE of Sohn, Lee and Yan {cite}`sohn2015` conditions every distribution on an extra
# input, the prior included; here that input is the class label $y$. We build a simpler version.
# The encoder sees the image and its label and outputs $q(z \mid x, y)$; the decoder sees the
# code and the label and outputs $p(x \mid z, y)$; the prior stays $p(z) = \mathcal{N}(0, I)$,
# whatever the label, as in the labelled part of the M2 model of Kingma and co-authors
# {cite}`kingma2014semi`. The ELBO of chapter 5 becomes a bound on $\log p(x \mid y)$:
#
# $$
# \log p(x \mid y) \ \ge\ \mathbb{E}_{q(z \mid x, y)}\big[\log p(x \mid z, y)\big]
# - \mathrm{KL}\big(q(z \mid x, y) \,\big\|\, p(z)\big).
# $$
#
# Since the decoder is told the class, the code no longer needs to store it. It is free to
# describe everything else, the *style*: slant, thickness, width. `aelib.ConditionalVAE` feeds a
# one-hot label into an MLP encoder and decoder; we give it a two-dimensional code.

# %%
torch.manual_seed(0)
cvae = ConditionalVAE(embedding_dim=2, n_classes=len(data.classes)).start_at_mean(x_train)
fit(cvae, x_train, y_train, **recipe)
elbo = aelib.negative_elbo(cvae, x_test, y_test)
print(f"test negative ELBO: {elbo['negative_elbo']:.1f} nats per image "
      f"(reconstruction {elbo['reconstruction']:.1f} + KL {elbo['kl']:.1f})")

# %% [markdown]
# To generate, draw codes from the prior and pick a class. Below, each column uses one code
# $z \sim \mathcal{N}(0, I)$ and each row one class: reading down a column shows one style written
# as every class, reading across a row shows one class in many styles. If a column comes out
# blurred in every row, its code has probably fallen where few training codes lie, in a hole of
# the kind chapter 5 measured.

# %%
torch.manual_seed(2)
z = torch.randn(10, 2)  # one code per column
rows = {c: cvae.generate(z, torch.full((10,), i)) for i, c in enumerate(data.classes)}
show(image_rows(rows, size=0.75),
     "The conditional VAE's images for ten random codes, one per column, and each class, one per "
     "row: reading down a column shows one style written as every class, reading across a row "
     "one class in ten styles.")

# %% [markdown]
# Does it draw the class it is asked for? Chapter 5 scored generated images with a classifier
# trained on real ones, `aelib.SampleScorer`; given the classes the images should show, its
# `score` also reports the *agreement*, the share of images it assigns to their requested class,
# overall and per class. We train one on this chapter's training images, generate the same number
# of images of every class from codes drawn from the prior, and set the result beside the
# classifier's own accuracy on the test images of each class, which says how far to trust its
# verdict on that class.

# %%
scorer = SampleScorer.fit(x_train, y_train)
requested = torch.arange(len(data.classes)).repeat_interleave(settings.samples(2000) // len(data.classes))
torch.manual_seed(3)
asked = scorer.score(cvae.generate(torch.randn(len(requested), 2), requested), requested)
real = scorer.score(x_test, y_test)
print(f"scorer trained in {sum(scorer.history.seconds):.1f} s; "
      f"accuracy on the test images {real['agreement']:.1%}")
print(f"{len(requested):,} generated images: {asked['agreement']:.1%} classified as the class asked for, "
      f"mean confidence {asked['confidence']:.3f} (test images: {real['confidence']:.3f})")
Table([{"class": name, "generated, classified as asked": asked["per_class"][c].item(),
        "test images, classified correctly": real["per_class"][c].item()}
       for c, name in enumerate(data.classes)],
      dict.fromkeys(["generated, classified as asked", "test images, classified correctly"], ".1%"),
      caption="Share of images the classifier assigns to their class")

# %% tags=["hide-cell"]
claim(asked["agreement"] > 0.5, "the classifier assigns most generated images to the class asked for",
      agreement=asked["agreement"], chance=1 / len(data.classes))
if settings.dataset == "mnist":
    claim(asked["agreement"] > real["agreement"] - 0.02 and asked["confidence"] > real["confidence"] - 0.02,
          "on MNIST the generated digits do as well as the test digits by both numbers (within 0.02)",
          generated=asked["agreement"], test=real["agreement"],
          generated_confidence=asked["confidence"], test_confidence=real["confidence"])
else:
    claim(asked["agreement"] < real["agreement"] - 0.05 and asked["confidence"] < real["confidence"],
          "on Fashion-MNIST fewer generated garments are classified as asked than test garments are "
          "classified correctly, and with less confidence",
          generated=asked["agreement"], test=real["agreement"],
          generated_confidence=asked["confidence"], test_confidence=real["confidence"])
    claim(asked["per_class"].min() < asked["agreement"] - 0.1, "some classes fall far behind the others",
          lowest=asked["per_class"].min(), overall=asked["agreement"])

# %% [markdown]
# The classifier assigns most generated images to the class asked for, far more than the one in
# ten that chance would give: the label steers the decoder as intended. How the generated
# images compare with real ones by these numbers depends on the data. On MNIST the generated
# digits score about as well as the test digits or better (within 0.02), both on the share
# classified as asked and on the confidence. That does not make them as good as real digits:
# smooth, typical strokes are easy to classify, and agreement says whether the class can be
# recognised, not whether an image looks real. On
# Fashion-MNIST fewer generated garments than test garments are classified as their class, with
# less confidence, and some classes fall far behind the others (the table shows which).

# %% [markdown]
# The code can also be taken from a real image. Encode a test image together with its own label
# (the posterior mean), then decode that code with every label: the result is the image's style
# transferred to each class.

# %%
x_ref, y_ref = x_test[:8], y_test[:8]
z_ref = cvae.embed(x_ref, y_ref)  # posterior means, (8, 2)
rows = {"test image": x_ref}
rows |= {c: cvae.generate(z_ref, torch.full((8,), i)) for i, c in enumerate(data.classes)}
show(image_rows(rows, n=8, size=0.75),
     "Eight test images (top row) and, below, each one's code decoded with every class label, "
     "one row per class: most images show the class of their row, and each column keeps the "
     "style of its test image to a varying degree.")
transferred = torch.cat(list(rows.values())[1:])  # row by row: class 0 for the eight codes, then class 1, ...
as_asked = scorer.score(transferred, torch.arange(len(data.classes)).repeat_interleave(len(x_ref)))["agreement"]
print(f"the classifier recognises the class asked for in {as_asked:.0%} of these images")

# %% tags=["hide-cell"]
claim(as_asked > 0.5, "the style-transferred images are mostly recognised as the class asked for", agreement=as_asked)

# %% [markdown]
# The classifier recognises the class asked for in most of these images, so the label sets the
# class. Judge the style by eye, down each column: two numbers can carry a good part of it across
# (slant, width, thickness), because the label supplies the rest. Not everywhere: on MNIST the
# code of a test image of a 1 can decode to a slanted stroke whatever the label, and the row of
# 1s can come out blurred for codes of other classes. The code is not a pure description of style:
# the encoder computed it together with the image's own label, a code that is typical for one
# class can be untypical for another, and nothing in training forced a code to mean the same
# thing for every class. Chapter 5 weighted the KL term to
# shape the code instead (the {cite}`higgins2017` beta-VAE); conditioning on a label is a second,
# supervised way to decide what the code should and should not store.

# %% [markdown]
# ## The same chapter on Fashion-MNIST
#
# Run the chapter again with `AELIB_DATASET=fashion` (or the line `settings.dataset = "fashion"`
# at the top) and read the figures with new eyes. Garments carry texture and print that a small
# code cannot keep, so look at which details the denoiser restores and which it smooths away. The
# held-out class `anomaly = 8` becomes a different class, printed by the anomaly cell, and its AUC
# tells how distinct that class is from the others: a class with close relatives among the
# training classes is hard to detect, because the autoencoder reconstructs it well. The least
# anomalous images are again the simplest shapes. Look at what the conditional VAE's style code
# describes now: garments have no slant or stroke, so expect width and shade. Exercise 2 measures the AUC of every class, on
# either data set.

# %% [markdown]
# ## Exercises
#
# **1. Masking noise.** Vincent and co-authors used *masking* noise: a random fraction of
# the pixels is set to zero. Train a denoising autoencoder that masks 40% of the pixels, show
# masked inputs and its outputs, and compare its MSE to the clean images with the plain
# autoencoder's on the same masked inputs.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# def mask(x, fraction=0.4):
#     """Set a random `fraction` of the pixels to zero."""
#     return x * (torch.rand_like(x) > fraction)
#
# torch.manual_seed(0)
# unmasker = MLPAutoencoder(embedding_dim=32).start_at_mean(x_train)
# fit(unmasker, x_train, corrupt=mask, **recipe)
#
# torch.manual_seed(1)
# x_masked = mask(x_test)
# print(f"masked input:  {mse_to_clean(x_masked):.4f}")
# print(f"plain AE:      {mse_to_clean(plain.reconstruct(x_masked)):.4f}")
# print(f"masking DAE:   {mse_to_clean(unmasker.reconstruct(x_masked)):.4f}")
# claim(mse_to_clean(unmasker.reconstruct(x_masked)) < mse_to_clean(plain.reconstruct(x_masked)),
#       "the masking denoiser comes out ahead of the plain autoencoder on masked images",
#       masking_dae=mse_to_clean(unmasker.reconstruct(x_masked)), plain=mse_to_clean(plain.reconstruct(x_masked)))
# image_rows({"masked": x_masked, "masking DAE": unmasker.reconstruct(x_masked[:10]),
#             "clean": x_test})
# plt.show()
# ```
#
# Masking removes ink rather than adding speckle, so the task is to fill in missing strokes.
# The plain autoencoder already does part of this, since its decoder draws complete shapes, but
# the masking denoiser, trained for the task, comes out ahead. Each kind of corruption
# teaches its own kind of repair: a model trained on one noise is not automatically good at
# another (try `denoiser` on the masked images too).
#
# </details>

# %% [markdown]
# **2. Which classes are easy to detect?** Repeat the anomaly experiment with every class held
# out in turn, with a smaller budget to keep it quick, and print each class's AUC. Which classes
# are hardest, and why? What does an AUC below 0.5 mean?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# class_auc = {}
# for c, class_name in enumerate(data.classes):
#     keep = y_train != c
#     torch.manual_seed(0)
#     model = MLPAutoencoder(embedding_dim=16).start_at_mean(x_train[keep])
#     fit(model, x_train[keep][:10_000], epochs=settings.epochs(3), lr=3e-3, schedule="one-cycle",
#         progress="off")
#     class_auc[class_name] = roc_auc_score(y_test == c, anomaly_score(model, x_test))
#     print(f"{c} {class_name:12s} AUC = {class_auc[class_name]:.3f}")
# claim(max(class_auc.values()) - min(class_auc.values()) > 0.2, "the AUC varies a lot between classes",
#       highest=max(class_auc.values()), lowest=min(class_auc.values()))
# if settings.dataset == "mnist":
#     claim(class_auc["1"] < 0.5, "on MNIST held-out ones look more normal than the normal images",
#           auc_of_1=class_auc["1"])
# ```
#
# The AUC varies a lot between classes. On MNIST the digit 1 is the classic failure: a single
# stroke has so little ink that any autoencoder reconstructs it with a small error, so its AUC
# falls below 0.5, meaning held-out ones look *more* normal than the normal images (the check
# runs on MNIST only). Expect classes that resemble a training class (a 9 next to 4s and 7s; on
# Fashion-MNIST a shirt among T-shirts, pullovers and coats) to be hard too, and classes with a
# distinctive shape to be easier; the printed AUCs show where this run puts each one. A
# reconstruction score detects "hard to draw with what I learned", which is only sometimes
# what you mean by an anomaly.
#
# </details>

# %% [markdown]
# **3. A probabilistic anomaly score.** A VAE gives each image a negative ELBO, an upper bound on
# $-\log p(x)$. Train `aelib.VAE(embedding_dim=16)` on the normal training images and use its
# per-image negative ELBO as the score. Compare the AUC with the autoencoder's.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# vae = aelib.VAE(embedding_dim=16).start_at_mean(x_train[normal])
# fit(vae, x_train[normal], **recipe)
# with torch.no_grad():
#     reconstruction, kl = vae.negative_elbo(x_test.to(vae.device))
# vae_scores = (reconstruction + kl).cpu().numpy()
# vae_auc = roc_auc_score(is_anomaly, vae_scores)
# print(f"VAE negative ELBO: AUC = {vae_auc:.3f}")
# print(f"autoencoder MSE:   AUC = {roc_auc_score(is_anomaly, scores):.3f}")
# claim(vae_auc > 0.5, "the negative ELBO works as an anomaly score too", auc=vae_auc)
# ```
#
# The negative ELBO is estimated from one random code per image, so the scores are a little
# noisy; averaging a few estimates steadies them. Its advantage is meaning: it scores how badly
# a model of the training data explains the image, which is closer to what an anomaly should be.
# On these grey-level images a Bernoulli decoder's ELBO is not a bound on a true probability of
# the image (chapter 5 explains why; binarise the images for one), so read it as a score, not as
# a probability. It inherits the same weakness, though: likelihood models of images also find simple
# images probable, a known pitfall of likelihood-based anomaly detection (Nalisnick and
# co-authors, "Do deep generative models know what they don't know?", 2019).
#
# </details>

# %% [markdown]
# **4. A classifier from a generative model.** Chapter 1 turned $p(x \mid y)$ into a classifier
# with Bayes' rule. Do the same with the conditional VAE: for each test image, use
# $-\text{negative ELBO}(x, y)$ in place of $\log p(x \mid y)$ for every class $y$, and predict
# the class with the highest value (the classes are about equally frequent, so $p(y)$ hardly
# matters). The ELBO is a lower bound, here estimated from one code, so this picks the likeliest
# class only where the bound's gap is about the same for every class. What accuracy do you get,
# and how does it compare with `scorer`'s, a discriminative network trained on the same images?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# x, y = x_test[:2000].to(cvae.device), y_test[:2000]
# log_p = []
# with torch.no_grad():
#     for c in range(len(data.classes)):
#         labels = torch.full((len(x),), c, device=cvae.device)
#         reconstruction, kl = cvae.negative_elbo(x, labels)
#         log_p.append(-(reconstruction + kl).cpu())
# predicted = torch.stack(log_p, dim=1).argmax(dim=1)
# accuracy = (predicted == y).float().mean().item()
# discriminative = scorer.accuracy(x_test[:2000], y)
# print(f"accuracy of the conditional VAE as a classifier: {accuracy:.1%} (scorer: {discriminative:.1%})")
# claim(accuracy > 3 / len(data.classes), "it does far better than chance", accuracy=accuracy,
#       chance=1 / len(data.classes))
# claim(accuracy < discriminative, "the discriminative scorer is more accurate", generative=accuracy,
#       discriminative=discriminative)
# ```
#
# The model was never trained to classify, yet it does far better than chance: for the right
# label the decoder can reconstruct the image closely, for a wrong one it must draw a different
# class and the error is large. This is the generative route of chapter 1 with a deep model for
# $p(x \mid y)$. The scorer, a smaller discriminative network trained on the same images, is
# more accurate, as Ng and Jordan {cite}`ng2001` lead one to expect when labelled data are
# plentiful.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A denoising autoencoder is trained to map corrupted inputs to clean targets
#   (`fit(..., corrupt=...)`); it removes noise better than a plain autoencoder fed the same
#   noisy images, also at noise heavier than it was trained on, while on clean images the plain
#   autoencoder does better.
# - Reconstruction error is an anomaly score: train on normal data, flag what reconstructs badly.
#   A ROC curve shows every trade-off between caught anomalies and false alarms; its AUC is the
#   probability that an anomaly outscores a normal image.
# - The score measures how hard an image is to reconstruct, not how unusual it is: simple
#   anomalies slip through, and some classes are much harder to detect than others.
# - A conditional VAE gives the label to encoder and decoder; the code then stores style, and
#   `generate(z, y)` draws any chosen class in any style: a classifier trained on real images
#   assigns most of them to the class asked for.
# - `AELIB_DATASET=fashion` (or `settings.dataset = "fashion"` before loading) runs everything
#   on Fashion-MNIST.
#
# **Next:** chapter 7 puts autoencoders, PCA, SVD and VAEs side by side, recaps the course and
# suggests where to read on.
