# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4. Autoencoders, PCA and the SVD
#
# An autoencoder squeezes every image into a short code and expands it back. Long before neural
# networks, {term}`principal component analysis <PCA>` did the same with two matrix products:
# project onto the few directions along which the images vary most, then map back. This chapter
# computes PCA twice, from an eigendecomposition and from the
# {term}`singular value decomposition <SVD>`, checks that both agree with scikit-learn, and
# separates it from a look-alike that skips one step. It then puts PCA, a linear autoencoder and
# a non-linear autoencoder on the same data and code sizes, and asks three questions: how well
# does each reconstruct, what does each learn, and what does each cost?
#
# **In this chapter you will**
#
# - compute PCA from the covariance matrix's eigenvectors and from the SVD of the centred data,
#   and check that they agree with each other and with scikit-learn to rounding error;
# - see why a truncated SVD of uncentred data is a different thing from PCA;
# - choose a code size from the {term}`explained variance <Explained variance>` curve;
# - compare reconstruction error against code size for PCA and two autoencoders, and measure with
#   {term}`principal angles <Principal angles>` that a linear autoencoder learns PCA's subspace;
# - weigh the cost: one matrix decomposition for PCA against many passes of training for an
#   autoencoder.
#
# **Prerequisites:** chapter 2 (an autoencoder and `aelib.fit`); matrix products, eigenvalues and
# eigenvectors.
#
# **Time:** about 40 minutes to read and run.

# %%
# On Colab, install the course's helper package; elsewhere this cell does nothing.
# Set AELIB_REPOSITORY to install it from elsewhere (a fork, a branch, a local copy).
import os, subprocess, sys

if "google.colab" in sys.modules:
    repository = "git+https://github.com/autoencoders-course/autoencoders-course"
    url = os.environ.get("AELIB_REPOSITORY", repository)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.decomposition import PCA as SklearnPCA
from sklearn.decomposition import TruncatedSVD

import aelib
from aelib import MLPAutoencoder, Table, best_time, claim, fit, plot, principal_angles, reconstruction_mse
from aelib.settings import settings

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %% [markdown]
# Every method in this chapter sees the same training images and is scored on the same test
# images. PCA works on flat vectors, so each 28x28 image becomes one row of 784 pixel values; we
# keep these in double precision, so that the comparisons below measure the methods and not
# rounding.

# %%
data = aelib.load_dataset()
x_train = data.x_train[: settings.samples(10_000)]
x_test, y_test = data.x_test[: settings.samples(10_000)], data.y_test[: settings.samples(10_000)]
X = x_train.reshape(len(x_train), -1).double()  # (N, 784): one image per row
X_test = x_test.reshape(len(x_test), -1).double()
print(f"{data.name}: {len(X):,} training and {len(X_test):,} test images of {X.shape[1]} pixels")

# %% [markdown]
# ## PCA from the covariance matrix
#
# Centre the data by subtracting the mean image $\mu$, so that each row of $\tilde X = X -
# \mathbf{1}\mu^\top$ says how one image differs from the average. The covariance matrix
#
# $$
# C = \frac{1}{N-1}\,\tilde X^\top \tilde X \qquad (784 \times 784)
# $$
#
# holds the variance of every pixel on its diagonal and how pairs of pixels vary together off it.
# The variance of the data along a unit vector $v$ is $v^\top C v$. The direction that maximises
# it is the eigenvector of $C$ with the largest eigenvalue, and that eigenvalue is the variance
# along it; the next best direction at right angles to the first is the second eigenvector, and
# so on. These eigenvectors are the **principal components**.
#
# We time both routes with `aelib.best_time`, which runs a computation once to warm up and then
# keeps the fastest of three more runs, so that a cold first call or a busy machine does not
# decide which route looks quicker.

# %%
mean = X.mean(dim=0)  # (784,) the mean image
centred = X - mean  # (N, 784)


def pca_by_eigh():
    covariance = centred.T @ centred / (len(X) - 1)  # (784, 784)
    return torch.linalg.eigh(covariance)  # eigenvalues in ascending order, eigenvectors as columns


(eigenvalues, eigenvectors), seconds_eigh = best_time(pca_by_eigh)
variances_eig = eigenvalues.flip(0)  # largest first
components_eig = eigenvectors.flip(1).T  # (784, 784): one component per row, largest first
print(f"Covariance and eigh: {1000 * seconds_eigh:.0f} ms")
print("Variance along the first five components:", variances_eig[:5].numpy().round(3))

# %% [markdown]
# ## The same components from the SVD
#
# The singular value decomposition factorises the centred data itself, $\tilde X = U S V^\top$,
# with orthonormal columns in $U$ and $V$ and the singular values $s_1 \ge s_2 \ge \dots$ on
# the diagonal of $S$. Substituting it into the covariance gives
#
# $$
# C = \frac{1}{N-1} V S U^\top U S V^\top = V \,\frac{S^2}{N-1}\, V^\top ,
# $$
#
# an eigendecomposition: the right singular vectors (the rows of $V^\top$) are the principal
# components, and the variances are $s_i^2 / (N-1)$. Forming $C$ squares the condition number of
# the problem; the SVD works on $\tilde X$ directly, so it is the numerically safer route and the
# one most libraries take.

# %%
svd = best_time(lambda: torch.linalg.svd(centred, full_matrices=False))  # Vt: one row per component
(_, singular_values, Vt), seconds_svd = svd
variances_svd = singular_values**2 / (len(X) - 1)
print(f"SVD of the centred data: {1000 * seconds_svd:.0f} ms")

# %% [markdown]
# Eigenvectors are only defined up to sign ($-v$ is as good as $v$), so before comparing two sets
# of components we flip each row of one set to point the same way as the other. We compare the
# first 50 components. Far down the list the variances become tiny and nearly equal (pixels near
# the border hardly ever change), and where two variances are equal any rotation of their two
# eigenvectors is an equally correct answer, so two correct programs may disagree there.
#
# `aelib.PCA` packages exactly these steps (centre, SVD, keep the top rows of $V^\top$) behind
# the interface the autoencoders share, and scikit-learn's `PCA` is a third, independent
# implementation.

# %%
def largest_difference(a, b):
    """Largest |a - b| entry after flipping each row of ``b`` to point the way of ``a``'s row."""
    signs = torch.sign((a * b).sum(dim=1, keepdim=True))
    return (a - signs * b).abs().max().item()


n = 50
ours = aelib.PCA(n).fit(x_train)
theirs = SklearnPCA(n, svd_solver="full").fit(X.numpy())
checks = {
    "eigh vs SVD": (components_eig[:n], variances_eig[:n]),
    "aelib.PCA vs SVD": (ours.components, ours.explained_variance),
    "scikit-learn vs SVD": (torch.tensor(theirs.components_),
                            torch.tensor(theirs.explained_variance_)),
}
differences = {
    name: (largest_difference(Vt[:n], components), (variances - variances_svd[:n]).abs().max().item())
    for name, (components, variances) in checks.items()
}
Table([{"route": name, "largest difference, components": c, "largest difference, variances": v}
       for name, (c, v) in differences.items()],
      {"largest difference, components": ".1e", "largest difference, variances": ".1e"})

# %% tags=["hide-cell"]
worst = max(max(pair) for pair in differences.values())
claim(worst < 1e-6, "the four routes agree to rounding error", largest_difference=worst)

# %% [markdown]
# Every difference in the table above is rounding error: double precision carries about 16
# significant digits, and the differences sit many orders of magnitude below anything that could
# show in a figure. The eigenvectors of the covariance, the right singular vectors of the centred
# data, `aelib.PCA` and scikit-learn are one and the same PCA.

# %% [markdown]
# ## A truncated SVD of uncentred data is not PCA
#
# Skip the centring and take the SVD of $X$ itself. This is what scikit-learn's `TruncatedSVD`
# does on purpose: subtracting the mean would turn a sparse matrix (word counts, say) into a dense
# one. Its top $k$ right singular vectors give the best rank-$k$ approximation of $X$, a subspace
# through the origin. But every image is far from the origin in the same direction, the mean
# image's, so the first singular vector is spent pointing at the average image instead of at a
# direction along which images differ.

# %%
_, _, Vt_raw = torch.linalg.svd(X, full_matrices=False)  # no centring
truncated = TruncatedSVD(8, algorithm="arpack").fit(X.numpy())
components_truncated = torch.from_numpy(truncated.components_.copy())  # copy: it is a reversed view
gap = largest_difference(Vt_raw[:8], components_truncated)
print(f"TruncatedSVD vs torch.linalg.svd of the uncentred data: largest difference {gap:.1e}")


def cosine_with_mean(v):
    return (torch.dot(v, mean).abs() / (v.norm() * mean.norm())).item()


print("|cosine| with the mean image:")
print(f"  first singular vector of the uncentred data {cosine_with_mean(Vt_raw[0]):.3f}")
print(f"  first principal component                   {cosine_with_mean(Vt[0]):.3f}")

# %% tags=["hide-cell"]
claim(gap < 1e-6, "TruncatedSVD computes the SVD of the uncentred data", largest_difference=gap)
claim(cosine_with_mean(Vt_raw[0]) > 0.9 > cosine_with_mean(Vt[0]),
      "the first uncentred direction points at the mean image (|cosine| above 0.9), the first component less closely",
      uncentred=cosine_with_mean(Vt_raw[0]), centred=cosine_with_mean(Vt[0]))

# %% [markdown]
# A component is a 784-vector, so it can be shown as an image: below, mid-grey is zero, lighter
# is positive and darker negative (each is flipped to agree with the mean image, since signs are
# arbitrary). The first uncentred component looks like the mean image; after it, the two rows
# are related but not the same.

# %%
def as_images(directions):
    """Directions (n, 784) -> images (n, 1, 28, 28) in [0, 1], with zero as mid-grey."""
    directions = directions * torch.sign(directions @ mean)[:, None]
    scaled = 0.5 + 0.5 * directions / directions.abs().amax(dim=1, keepdim=True)
    return scaled.float().reshape(-1, 1, 28, 28)


plot.show(plot.image_rows({"PCA": as_images(Vt[:10]), "uncentred SVD": as_images(Vt_raw[:10])}),
          "The first ten principal components (top) and the first ten directions of the "
          "uncentred SVD (bottom) as images, mid-grey for zero, lighter for positive and darker "
          "for negative: the first uncentred direction looks like the mean image, and after it "
          "the two rows are related but not the same.")

# %% [markdown]
# How much does the difference matter? PCA with $k$ components describes an image as the mean
# plus $k$ coordinates; the uncentred SVD as $k$ coordinates alone. Centring is worth at most one
# component, and on the training data that is a theorem: PCA with $k$ components is at least as good
# as the uncentred SVD with $k$ (a subspace through the origin is one of the shifted subspaces
# PCA chooses from), which is at least as good as PCA with $k - 1$ (the mean plus $k - 1$
# directions lie in a subspace of dimension $k$).

# %%
def project(X, components, centre):
    """Reconstruct the rows of X from their coordinates along ``components`` (k, 784)."""
    return centre + (X - centre) @ components.T @ components


def mse(X, components, centre):
    return ((X - project(X, components, centre)) ** 2).mean().item()


errors = {k: {"k": k, "PCA, k - 1": mse(X, Vt[: k - 1], mean), "SVD, k": mse(X, Vt_raw[:k], 0),
              "PCA, k": mse(X, Vt[:k], mean)} for k in (1, 2, 8, 32)}
in_order = {k: e["PCA, k - 1"] >= e["SVD, k"] >= e["PCA, k"] for k, e in errors.items()}
Table(list(errors.values()), dict.fromkeys(["PCA, k - 1", "SVD, k", "PCA, k"], ".5f"),
      caption="Mean squared error per pixel on the training images")

# %% tags=["hide-cell"]
claim(all(in_order.values()), "PCA with k - 1 >= uncentred SVD with k >= PCA with k, on every row",
      rows_in_order=in_order)

# %% [markdown]
# Each row of the table sits in order, the uncentred SVD squeezed between PCA with one component
# fewer and PCA with the same number. When people say "PCA is an SVD", they mean the SVD of the
# *centred* data.

# %% [markdown]
# ## Explained variance: how many components?
#
# The variance along component $i$, divided by the total variance, is the fraction of the data's
# variance that component explains. Summing these fractions over the first $k$ components gives
# the share that a $k$-component code keeps, and $1$ minus it is the share left as
# {term}`reconstruction error <Reconstruction error>` on the training data.

# %%
ratio = variances_svd / variances_svd.sum()
cumulative = ratio.cumsum(dim=0)
needed = {p: int((cumulative < p).sum()) + 1 for p in (0.9, 0.95)}
for p, k in needed.items():
    print(f"{p:.0%} of the variance needs {k} of {len(ratio)} components")

# %% tags=["hide-cell"]
claim((needed[0.95] - needed[0.9]) / 5 > needed[0.9] / 90,
      "a percent of variance costs more components past 90% than before it",
      per_percent_to_90=needed[0.9] / 90, per_percent_90_to_95=(needed[0.95] - needed[0.9]) / 5)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
shown = np.arange(1, 51)
left.bar(shown, 100 * ratio[:50].numpy(), width=0.8)
left.set(xlabel="component", ylabel="variance explained (%)", title="Each component")
right.plot(np.arange(1, len(cumulative) + 1), 100 * cumulative.numpy())
for (p, k), colour in zip(needed.items(), (plot.PALETTE[1], plot.PALETTE[3])):
    right.plot([1, k, k], [100 * p, 100 * p, 0], ":", color=colour, linewidth=1.2)
    right.plot([k], [100 * p], "o", color=colour, label=f"{p:.0%} at k = {k}")
right.set(xscale="log", ylim=(0, 101), xlabel="number of components k", ylabel="cumulative (%)",
          title="First k together")
right.xaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:g}"))
right.legend(frameon=False, loc="lower right")
plot.show(fig, "Left, the share of the variance that each of the first 50 components explains: a "
          "large share for each of the first few, then ever smaller ones. Right, the cumulative "
          "share of the first k components, on a log axis of k, with dotted lines where it "
          f"reaches 90% (k = {needed[0.9]}) and 95% (k = {needed[0.95]}).")

# %% [markdown]
# The first few components carry a large share each, then the shares shrink, so every further
# percent of variance costs more components than the one before: compare how many components the
# first 90% took with how many the next 5% add. (The log scale on the right stretches the first
# components, where the shares are large.) How good the images look at each size is another
# question, which the next figure answers.

# %% [markdown]
# ## Reconstructions at several code sizes
#
# Each row shows the same test images rebuilt from $k$ PCA coordinates: the mean image plus $k$
# components weighted by the image's coordinates along them.

# %%
originals = x_test[:10]
def pca_reconstruction(images, k):
    """``images`` (N, 1, 28, 28) rebuilt from their first k PCA coordinates."""
    return project(images.reshape(len(images), -1).double(), Vt[:k], mean).float().reshape(images.shape)


rows = {"original": originals} | {f"k = {k}": pca_reconstruction(originals, k) for k in (2, 8, 32, 128)}
plot.show(plot.image_rows(rows),
          "Ten test images (top row) rebuilt from 2, 8, 32 and 128 PCA coordinates, one row per "
          "code size: two give blurry sketches of the overall shape, each step up adds detail, "
          "and even 128 leave some blur.")

# %% [markdown]
# Two coordinates give blurry sketches of the overall shape; each step up adds detail, and fine
# strokes and textures come last. Even $k = 128$, a code a sixth the size of the image, leaves
# some blur.

# %% [markdown]
# ## Three models on one question: error against code size
#
# Now the same test, reconstruction error against code size, for three models:
#
# - **PCA** with $k$ components, computed above.
# - A **linear autoencoder**, `MLPAutoencoder(k, hidden=(), linear=True)`: an encoder
#   $z = W_e x + b_e$ and a decoder $\hat x = W_d z + b_d$, no activation anywhere, trained
#   with Adam on the mean squared error like the autoencoder of chapter 2.
# - A **non-linear autoencoder**, `MLPAutoencoder(k)`: 784 → 512 → 128 → $k$ and back, with
#   ReLU between layers and a sigmoid on the output.
#
# Two training details matter for the linear autoencoder, and neither changes the subspace it
# converges to, only how fast it gets there. We start it from weights near zero: from there the
# directions of largest variance grow fastest, much as in the power method for eigenvectors,
# instead of a random subspace having to rotate into place. And we train it with a large learning
# rate first, then smaller ones to let it settle. The non-linear autoencoder is trained as in
# chapter 2: its decoder starts at the average image (`start_at_mean`) and the learning rate
# follows the one-cycle schedule, here for 30 epochs.

# %%
def linear_autoencoder(k):
    torch.manual_seed(0)
    model = MLPAutoencoder(k, hidden=(), linear=True)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(0.01)  # start near zero (see the text above)
    return model


def train(model, stages, **options):
    """Train with Adam through (epochs, learning rate) stages; return the seconds it took."""
    start = time.perf_counter()
    for epochs, lr in stages:
        fit(model, x_train, epochs=settings.epochs(epochs), lr=lr, progress="off", **options)
    return time.perf_counter() - start


# %% [markdown]
# Training two autoencoders at three code sizes, each four times the last, is the slow part of
# the chapter; one line is printed per code size, with the seconds each model took.

# %%
code_sizes = (2, 8, 32)
linear_aes, nonlinear_aes, seconds = {}, {}, {}
for k in code_sizes:
    linear_aes[k] = linear_autoencoder(k)
    seconds["linear", k] = train(linear_aes[k], [(16, 1e-2), (6, 1e-3), (4, 1e-4)])
    torch.manual_seed(0)
    nonlinear_aes[k] = MLPAutoencoder(k).start_at_mean(x_train)
    seconds["non-linear", k] = train(nonlinear_aes[k], [(30, 3e-3)], schedule="one-cycle")
    print(f"k = {k:2d}: trained in {seconds['linear', k]:4.1f} s (linear), "
          f"{seconds['non-linear', k]:4.1f} s (non-linear)")

# %%
pca_sizes = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]
pca_mse = {k: mse(X_test, Vt[:k], mean) for k in pca_sizes}
linear_mse = {k: reconstruction_mse(model, x_test) for k, model in linear_aes.items()}
nonlinear_mse = {k: reconstruction_mse(model, x_test) for k, model in nonlinear_aes.items()}
advantage = {k: pca_mse[k] / nonlinear_mse[k] for k in code_sizes}  # PCA's error / the network's
Table([{"k": k, "PCA": pca_mse[k], "linear AE": linear_mse[k], "non-linear AE": nonlinear_mse[k],
        "PCA / non-linear AE": advantage[k]} for k in code_sizes],
      {"PCA": ".4f", "linear AE": ".4f", "non-linear AE": ".4f", "PCA / non-linear AE": ".2f"},
      caption="Mean squared error per pixel on the test images")

# %%
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ax.plot(pca_sizes, list(pca_mse.values()), "-", color=plot.PALETTE[0], label="PCA")
ax.plot(code_sizes, list(linear_mse.values()), "o", color=plot.PALETTE[1], markersize=9,
        markerfacecolor="none", markeredgewidth=2, label="linear autoencoder")
ax.plot(code_sizes, list(nonlinear_mse.values()), "-s", color=plot.PALETTE[3],
        label="non-linear autoencoder")
ax.set(xscale="log", ylim=(0, None), xlabel="code size k", ylabel="test MSE per pixel")
ax.set_xticks([1, 2, 4, 8, 16, 32, 64], labels=["1", "2", "4", "8", "16", "32", "64"])
ax.minorticks_off()
ax.legend(frameon=False)
plot.show(fig, "Test error against code size for PCA (a line), the linear autoencoder (open "
          "circles) and the non-linear autoencoder (squares): the circles sit on PCA's line, and "
          "the squares lie well below it at every code size, by the largest factor at the middle size.")

# %% [markdown]
# Read the figure and the table together. The linear autoencoder's circles sit on PCA's line: a
# network with no non-linearity, trained by gradient descent, ends up with PCA's reconstruction
# error. The non-linear autoencoder is well below both at every code size: a curved map can pack
# more about an image into a few numbers than any flat projection. The ratio of PCA's
# error to the network's first rises with $k$, peaks at the middle code size and then falls:
# compare the two at $k = 32$ in the table. PCA keeps improving with every component, while the
# network's error falls more slowly past the middle size at this chapter's training budget.
# Exercise 2 gives it more data. Hinton and Salakhutdinov {cite}`hinton2006`, with a deep
# 784-1000-500-250-30 autoencoder pretrained layer by layer and then fine-tuned on 60,000
# images, reported a squared error per image of 3.00 against PCA's 13.87 at 30 numbers, a ratio
# of 4.6; the {doc}`../book/scoreboard` page sets this chapter's ratio at $k = 32$ beside it.

# %% tags=["hide-cell"]
off_the_line = max(abs(linear_mse[k] / pca_mse[k] - 1) for k in code_sizes)
claim(off_the_line < 0.02, "the linear autoencoder ends up with PCA's error (within 2% at every k)",
      largest_relative_gap=off_the_line)
claim(advantage[2] > 1.2, "the non-linear autoencoder is well below PCA for small codes", k2=advantage[2])
claim(advantage[8] > advantage[2] and advantage[8] > advantage[32],
      "the ratio rises to a peak at the middle code size, then falls", **{f"k{k}": a for k, a in advantage.items()})
claim(min(advantage.values()) > 1.2, "the non-linear autoencoder stays clearly ahead at every code size",
      **{f"k{k}": a for k, a in advantage.items()})
aelib.scoreboard.record("ae_pca_error_ratio_k32", advantage[32], data=data.name, training_images=len(x_train),
                        model="MLPAutoencoder(32), 784-512-128-32", epochs=settings.epochs(30),
                        pca_test_error_per_image=round(784 * pca_mse[32], 2))
aelib.scoreboard.record("ae_test_error_per_image_k32", 784 * nonlinear_mse[32], data=data.name,
                        training_images=len(x_train), model="MLPAutoencoder(32)", epochs=settings.epochs(30))

# %% [markdown]
# What the numbers mean for the images: the same test images rebuilt from codes of eight numbers
# by each model.

# %%
rows = {"original": originals, "PCA": pca_reconstruction(originals, 8),
        "linear AE": linear_aes[8].reconstruct(originals), "non-linear AE": nonlinear_aes[8].reconstruct(originals)}
plot.show(plot.image_rows(rows),
          "Ten test images (top row) rebuilt from codes of eight numbers by PCA, the linear "
          "autoencoder and the non-linear autoencoder, one row each: the PCA and linear "
          "autoencoder rows look alike, and the non-linear autoencoder's images are closer to the "
          "originals.")

# %% [markdown]
# The linear autoencoder's row repeats PCA's, as its error did; the non-linear autoencoder's eight
# numbers keep much more of each image.

# %% [markdown]
# ## The linear autoencoder learns PCA's subspace
#
# Baldi and Hornik {cite}`baldi1989` proved that for a linear autoencoder trained on the squared
# error, every minimum is global and its decoder spans the same $k$-dimensional subspace as the
# top $k$ principal components; every other stationary point is a saddle. The theorem has
# conditions: the data's covariance matrix has full rank and distinct eigenvalues (what the
# subspace needs is $\lambda_k > \lambda_{k+1}$: with a tie at the cut, many subspaces are equally
# good). Pixels that never change break the first condition, but only in directions of zero
# variance, which no good solution uses. The paper treats networks without bias terms, so its
# subspace is that of the matrix $\sum_i x_i x_i^\top$ of the data as given; with the biases of our
# model (or on centred data) that becomes the covariance matrix, and the subspace is PCA's. It
# does *not* single out the components themselves: for any invertible $k \times k$ matrix $A$,
# the weights $W_d A$, $A^{-1} W_e$ and $A^{-1} b_e$ give the same reconstructions, so nothing in
# the loss asks the decoder's columns to be orthonormal, or ordered by variance. (Which basis
# training ends at depends on the optimiser and the start; Adam, used here, follows no rule
# that would make it PCA's.)
#
# To compare two subspaces rather than two sets of vectors we use principal angles: take
# orthonormal bases $Q_a$ and $Q_b$ of the two subspaces; the cosines of the angles are the
# singular values of $Q_a^\top Q_b$. All angles are zero when the subspaces coincide, and 90°
# for a direction of one that is at right angles to all of the other. The decoder's weight matrix
# is $784 \times k$; its columns are the directions it builds images from.

# %%
def decoder_directions(model):
    """The linear decoder's k columns, as rows (k, 784): the directions it builds images from."""
    return model.decoder[0].weight.detach().cpu().T


for k in code_sizes:
    angles = principal_angles(decoder_directions(linear_aes[k]), Vt[:k])
    print(f"k = {k:2d}: median angle {angles.median():5.2f}°, largest {angles.max():5.2f}°")

# %% [markdown]
# How small is small? Two yardsticks. A random $k$-dimensional subspace of the 784-dimensional
# pixel space is far from PCA's: even its smallest principal angle is large, and most are
# beyond 75°. And PCA itself, fitted on two halves of the training set, does not return exactly the
# same subspace: the data only pins it down so far.

# %%
half = len(x_train) // 2
first_half, second_half = aelib.PCA(32).fit(x_train[:half]), aelib.PCA(32).fit(x_train[half:])
torch.manual_seed(0)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True, layout="constrained")
medians, smallest_random = {}, {}
for ax, k in zip(axes, (8, 32)):
    curves = {
        "linear autoencoder vs PCA": principal_angles(decoder_directions(linear_aes[k]), Vt[:k]),
        "PCA on the two halves": principal_angles(first_half.components[:k],
                                                  second_half.components[:k]),
        "random subspace vs PCA": principal_angles(torch.randn(k, X.shape[1]), Vt[:k]),
    }
    medians[k] = {label: angles.median().item() for label, angles in curves.items()}
    smallest_random[k] = curves["random subspace vs PCA"].min().item()
    styles = (("-o", plot.PALETTE[0]), ("--", plot.PALETTE[1]), (":", plot.PALETTE[3]))
    for (label, angles), (style, colour) in zip(curves.items(), styles):
        ax.plot(np.arange(1, k + 1), angles.numpy(), style, color=colour, markersize=4, label=label)
    ax.set(title=f"k = {k}", xlabel="angle number (smallest first)", yscale="log", ylim=(0.05, 100))
axes[0].set(ylabel="principal angle (degrees)", yticks=[0.1, 1, 10, 90],
            yticklabels=["0.1", "1", "10", "90"])
axes[0].minorticks_off()
fig.legend(*axes[1].get_legend_handles_labels(), loc="outside lower center", ncols=3, frameon=False)
plot.show(fig, "The principal angles, smallest first and on a log scale, between PCA's subspace "
          "and three others, for k = 8 (left) and k = 32 (right): the linear autoencoder's "
          "angles (circles) are mostly below a degree, below those between PCA fitted on the two "
          "halves of the training set (dashed), while a random subspace (dotted) is far away at "
          "every angle.")

# %% tags=["hide-cell"]
for k, median in medians.items():
    claim(median["linear autoencoder vs PCA"] < 1, f"most of the linear autoencoder's angles are below a degree (k = {k})",
          median=median["linear autoencoder vs PCA"])
    claim(median["linear autoencoder vs PCA"] < median["PCA on the two halves"],
          f"the linear autoencoder is closer to PCA than PCA on two halves is to itself (k = {k})",
          autoencoder=median["linear autoencoder vs PCA"], halves=median["PCA on the two halves"])
    claim(smallest_random[k] > 45, f"even the random subspace's smallest angle is large (k = {k})",
          smallest_angle=smallest_random[k])
    claim(median["random subspace vs PCA"] > 75, f"most of the random subspace's angles are beyond 75° (k = {k})",
          median=median["random subspace vs PCA"])

# %% [markdown]
# Most of the linear autoencoder's angles are a fraction of a degree, below the disagreement
# between PCA on two halves of the data, and the random subspace is far away at every angle. If the last few angles are large, look at the
# variances of the components around $k$: where component $k$ and component $k + 1$ explain
# nearly the same variance, swapping one for the other barely changes the error, so neither PCA
# on half the data nor gradient descent can tell them apart (exercise 3).
#
# The decoder's columns are a basis of that subspace, but not PCA's basis:

# %%
W = decoder_directions(linear_aes[8])  # (8, 784)
lengths = W.norm(dim=1)
cosines = (W @ W.T) / torch.outer(lengths, lengths)
largest_cosine = (cosines - torch.eye(8)).abs().max()
inside = (W.double() @ Vt[:8].T @ Vt[:8]).norm() / W.double().norm()  # share of W in PCA's span
print(f"column lengths from {lengths.min():.2f} to {lengths.max():.2f}; "
      f"largest |cosine| between two columns {largest_cosine:.2f}; "
      f"{inside:.2%} of the columns' length lies in the span of PCA's top eight")
plot.show(plot.image_rows({"PCA": as_images(Vt[:8]), "linear AE": as_images(W.double())}, n=8),
          "PCA's first eight components (top) and the linear autoencoder's eight decoder "
          "directions (bottom), as images: the autoencoder's directions differ in strength and "
          "look like mixtures of the components above them.")

# %% [markdown]
# The PCA components are orthonormal and ordered; the autoencoder's directions have different
# lengths, are not at right angles, and look like mixtures of the components above them. Project
# them onto PCA's top eight and they lose almost nothing; the angles said as much.

# %% tags=["hide-cell"]
claim(lengths.max() > 1.1 * lengths.min() and largest_cosine > 0.05,
      "the decoder's columns have different lengths and are not at right angles",
      length_ratio=lengths.max() / lengths.min(), largest_cosine=largest_cosine)
claim(inside > 0.99, "projected onto PCA's top eight, the columns lose almost nothing", share_inside=inside)

# %% [markdown]
# ## Two-dimensional codes side by side
#
# With $k = 2$ every model draws a map of the test set. PCA's map uses the two directions of
# largest variance. The linear autoencoder's encoder reads off the same plane, so its map is an
# affine image of PCA's: stretched, sheared, rotated, perhaps mirrored and shifted. The
# non-linear autoencoder is free to bend.

# %%
pca_2d, seconds_pca = best_time(lambda: aelib.PCA(2).fit(x_train))
models_2d = {"PCA": pca_2d, "linear autoencoder": linear_aes[2],
             "non-linear autoencoder": nonlinear_aes[2]}
codes = {name: model.embed(x_test) for name, model in models_2d.items()}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
for ax, (name, z) in zip(axes, codes.items()):
    plot.class_scatter(z[:5000], y_test[:5000], data.classes, ax=ax, title=name)
for ax in axes[:2]:
    ax.get_legend().remove()
plot.show(fig, "The test codes of the three models with two-number codes, each class named at its "
          "median: the linear autoencoder's map is PCA's stretched, sheared, rotated or mirrored, "
          "and the non-linear autoencoder's map separates the classes more.")

# %% tags=["hide-cell"]
# The best affine map from PCA's codes to the linear autoencoder's, by least squares.
with_ones = torch.cat([codes["PCA"], torch.ones(len(x_test), 1)], dim=1).double()
linear_codes = codes["linear autoencoder"].double()
fitted = with_ones @ torch.linalg.lstsq(with_ones, linear_codes).solution
explained = 1 - ((linear_codes - fitted) ** 2).sum() / ((linear_codes - linear_codes.mean(0)) ** 2).sum()
claim(explained > 0.99, "the linear autoencoder's map is an affine image of PCA's (R² above 0.99)",
      r_squared=explained)

# %% [markdown]
# A number to go with the pictures: how often does the majority vote of a test image's five
# nearest neighbours in the 2-D code give its class? (Neighbours come from the training images'
# codes.)

# %%
y_train = data.y_train[: len(x_train)]
accuracy = {}
for name, model in models_2d.items():
    accuracy[name] = aelib.knn_accuracy(model.embed(x_train), y_train, codes[name], y_test)
    print(f"{name:23} 5-NN accuracy in 2-D: {accuracy[name]:.1%}")

# %% tags=["hide-cell"]
claim(abs(accuracy["PCA"] - accuracy["linear autoencoder"]) < 0.05,
      "PCA's and the linear autoencoder's accuracies are close",
      pca=accuracy["PCA"], linear=accuracy["linear autoencoder"])
claim(accuracy["non-linear autoencoder"] > max(accuracy["PCA"], accuracy["linear autoencoder"]),
      "the classes overlap less on the non-linear autoencoder's map",
      non_linear=accuracy["non-linear autoencoder"], pca=accuracy["PCA"])

# %% [markdown]
# PCA's and the linear autoencoder's maps carry the same information, two linear coordinates of
# the same plane, so their accuracies are close (nearest neighbours do notice stretching, so they
# need not be equal). The non-linear autoencoder was not trained to separate classes, only to
# reconstruct, yet its lower error at $k = 2$ comes with a map on which the classes overlap less:
# compare its accuracy with the other two.

# %% [markdown]
# ## What each costs
#
# PCA is one decomposition with no hyperparameters to tune and no randomness; the autoencoders
# are trained, which takes many passes over the data, a learning rate and a schedule. The PCA
# times are the best of three runs after a warm-up (`best_time`); each training was run once.

# %%
print(f"{'PCA (aelib.PCA, SVD)':30} {1000 * seconds_pca:8.0f} ms")
print(f"{'PCA (covariance and eigh)':30} {1000 * seconds_eigh:8.0f} ms")
for kind in ("linear", "non-linear"):
    for k in (2, 32):
        print(f"{kind + f' autoencoder, k = {k}':30} {seconds[kind, k]:8.1f} s")
times = seconds["non-linear", 32] / seconds_pca
print(f"Training the non-linear autoencoder (k = 32) took {times:.0f} times as long as PCA's fit.")

# %% [markdown]
# The printed times say it: PCA's fit, by the quicker of its two routes, costs a small fraction
# of the non-linear autoencoder's training, and less than even the linear autoencoder's, which
# ends up with the same subspace. Which of the two routes is the quicker depends on the machine,
# its linear-algebra library and the shape of the data: the covariance route does one matrix
# product and then decomposes a 784 x 784 matrix, while the SVD decomposes the whole data matrix
# and buys numerical safety with the extra work. What the training buys is the non-linear
# autoencoder's lower error at every code size we tried, and a model you can extend in ways PCA
# cannot: denoising, other losses, and, in the next chapter, a probabilistic model that can
# generate.
#
# In practice: use PCA first, as a baseline and often as the answer. It is exact, fast, and its
# components are interpretable and ordered. Reach for an autoencoder when the code must be small
# and the data curved, or when you need what only a trained model can do.

# %% tags=["hide-cell"]
quickest_pca = min(seconds_pca, seconds_eigh)
claim(10 * quickest_pca < seconds["non-linear", 32],
      "PCA's fit costs a small fraction (under a tenth) of the non-linear autoencoder's training",
      pca=quickest_pca, non_linear_training=seconds["non-linear", 32])
claim(quickest_pca < min(seconds["linear", k] for k in code_sizes),
      "PCA's fit costs less than even the linear autoencoder's training",
      pca=quickest_pca, quickest_linear_training=min(seconds["linear", k] for k in code_sizes))

# %% [markdown]
# ## Exercises
#
# **1. Why start near zero?** Build the linear autoencoder for $k = 8$ without scaling its initial
# weights down, train it with the same schedule, and compare its principal angles and test error
# with those of `linear_aes[8]`.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# plain = MLPAutoencoder(8, hidden=(), linear=True)  # PyTorch's default initialisation
# print(f"{train(plain, [(16, 1e-2), (6, 1e-3), (4, 1e-4)]):.1f} s")
# largest, error = {}, {}
# for name, model in {"default start": plain, "small start": linear_aes[8]}.items():
#     largest[name] = principal_angles(decoder_directions(model), Vt[:8]).max().item()
#     error[name] = reconstruction_mse(model, x_test)
#     print(f"{name}: largest angle {largest[name]:.1f}°, test MSE {error[name]:.5f}")
# claim(largest["default start"] >= largest["small start"], "the small start ends at least as close",
#       **largest)
# error_gap = abs(error["default start"] / error["small start"] - 1)
# angle_gap = largest["default start"] / largest["small start"] - 1
# claim(error_gap < 0.01 and error_gap < angle_gap, "the test errors differ much less than the angles",
#       relative_error_gap=error_gap, relative_angle_gap=angle_gap)
# ```
#
# With the default initialisation the decoder starts as a random 8-dimensional subspace, far
# from PCA's, and has to rotate into place; the rotation is slowest across the cut, between
# components $k$ and $k + 1$, when their variances are close. Whether this schedule finishes it
# depends on the data; the printed angles say how far each start got. The small start ends at
# least as close, and the test errors differ much less than the angles: a direction that barely
# changes the error is exactly one gradient descent is slow to fix. Both runs head for the same
# subspace, since Baldi and Hornik's theorem leaves no other minimum to settle in (it says
# nothing about how fast gradient descent gets there); only the speed differs.
#
# </details>

# %% [markdown]
# **2. More data, more training.** Train the non-linear autoencoder with $k = 32$ on twice as
# many training images (`data.x_train[:20_000]`, where the data set has them), with the
# chapter's recipe. Fit PCA with 32 components on the same images, and compare both test errors
# with the chapter's. What does this say about comparing a trained model with a closed-form method?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# more = data.x_train[: settings.samples(20_000)]
# bigger = MLPAutoencoder(32).start_at_mean(more)
# history = fit(bigger, more, epochs=settings.epochs(30), lr=3e-3, schedule="one-cycle", progress="off")
# bigger_mse = reconstruction_mse(bigger, x_test)
# pca_more_mse = reconstruction_mse(aelib.PCA(32).fit(more), x_test)
# print(f"trained in {sum(history.seconds):.0f} s")
# print(f"{len(more):,} images: non-linear AE {bigger_mse:.4f}, PCA {pca_more_mse:.4f}")
# print(f"{len(x_train):,} images: non-linear AE {nonlinear_mse[32]:.4f}, PCA {pca_mse[32]:.4f}")
# if len(more) > len(x_train):  # data sets with more than the chapter's training images
#     claim(bigger_mse < nonlinear_mse[32], "twice the images lower the network's error",
#           twice_the_images=bigger_mse, chapter=nonlinear_mse[32])
#     claim(abs(pca_more_mse / pca_mse[32] - 1) < 0.01, "PCA's test error hardly moves (less than 1%)",
#           twice_the_images=pca_more_mse, chapter=pca_mse[32])
#     claim(pca_more_mse / bigger_mse > advantage[32], "so the autoencoder's lead at k = 32 grows",
#           twice_the_images=pca_more_mse / bigger_mse, chapter=advantage[32])
# ```
#
# With 20,000 images (Fashion-MNIST, or MNIST with its full training set) the autoencoder trained
# this way has a lower error than with the chapter's images, while PCA's error hardly moves, so
# the autoencoder's lead at $k = 32$ grows. (Offline, MNIST has only 8,000 training images, so
# there this repeats the chapter's run and checks nothing new; try more epochs instead.) A
# network has capacity to spare at this code size, and more images and more optimisation steps
# let it use it, while PCA's test error is already close to the best that any 32-dimensional
# flat subspace can do for these images. A comparison between a trained model and a closed-form
# method is a comparison at some training budget, so state the budget.
#
# </details>

# %% [markdown]
# **3. The last angles.** Compute the principal angles between the linear autoencoder's
# subspace for $k = 32$ and the span of PCA's first 40 components (`Vt[:40]`), and print the
# ratio of the variances of components 32 and 33. Explain what you see.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# W = decoder_directions(linear_aes[32])
# top_32, top_40 = principal_angles(W, Vt[:32]).max().item(), principal_angles(W, Vt[:40]).max().item()
# variance_ratio = (variances_svd[31] / variances_svd[32]).item()
# print(f"largest angle vs top 32: {top_32:.2f}°, vs top 40: {top_40:.2f}°")
# print(f"variance 32 / variance 33: {variance_ratio:.3f}")
# claim(top_40 < top_32 / 4, "the largest angle shrinks a lot (to under a quarter) when PCA is allowed 8 more directions",
#       top_32=top_32, top_40=top_40)
# claim(variance_ratio < 1.2, "the variances of components 32 and 33 are close", ratio=variance_ratio)
# ```
#
# The largest angle shrinks a lot when PCA's subspace is allowed a few more directions: the
# autoencoder's 32-dimensional subspace lies almost inside PCA's 40-dimensional one. The
# variances of components 32 and 33 are close (a ratio near 1), so a subspace holding a mixture
# of the two reconstructs almost as well as PCA's, and the gradient that would separate them is
# proportional to the difference of the variances. The same closeness is why PCA on two halves of
# the data disagrees there.
#
# </details>

# %% [markdown]
# **4. Centring is worth one component (pen and paper).** Using only the definitions, show that
# on the training data the mean squared error of the rank-$k$ uncentred SVD lies between that of
# PCA with $k$ components and that of PCA with $k - 1$.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# PCA with $k$ components finds the best approximation of the data by an *affine* subspace of
# dimension $k$: points $c + Bz$ with any offset $c$ and any $784 \times k$ matrix $B$. The
# uncentred SVD finds the best *linear* one, offset $c = 0$. A linear subspace is one of the
# affine ones, so PCA's optimum over the larger family is at least as good:
# $\text{PCA}_k \le \text{SVD}_k$.
#
# The other way round, PCA with $k - 1$ components approximates every image by
# $\mu + B_{k-1} z$, which lies in the linear span of $\mu$ and the $k - 1$ columns of $B_{k-1}$,
# a linear subspace of dimension at most $k$. The SVD's rank-$k$ approximation is the best over
# all such subspaces (the Eckart-Young theorem), so $\text{SVD}_k \le \text{PCA}_{k-1}$.
#
# </details>

# %% [markdown]
# ## Summary
#
# - PCA's components are the eigenvectors of the covariance matrix, and equally the right
#   singular vectors of the centred data matrix; both routes, `aelib.PCA` and scikit-learn agree
#   to rounding error. The variance along component $i$ is $s_i^2 / (N - 1)$.
# - A truncated SVD of uncentred data (scikit-learn's `TruncatedSVD`) is a different method: its
#   first direction points at the mean image, and its error lies between PCA's with $k$ and with
#   $k - 1$ components.
# - The cumulative explained variance shows how many components keep a given share of the
#   variance; the first few components carry large shares, and each further percent costs more
#   components than the last.
# - A linear autoencoder trained on the squared error learns PCA's subspace (Baldi and Hornik),
#   but not PCA's orthonormal, ordered basis; principal angles compare the two subspaces.
# - A non-linear autoencoder reconstructs better than PCA at every code size we tried, by the
#   largest factor at the middle one; PCA is a strong baseline that costs one decomposition
#   instead of many passes of training.
#
# **Next:** chapter 5 asks what happens when you decode a code that no image produced, and
# builds the variational autoencoder, an autoencoder that is also a generative model.
