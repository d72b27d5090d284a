# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 7. Conclusion: which tool for which job
#
# Four ways to compress an image into a short code have run through this course:
# {term}`PCA <PCA>`, the truncated {term}`SVD <SVD>`, the {term}`autoencoder <Autoencoder>` and
# the {term}`variational autoencoder <VAE>`. This last chapter sets them side by side. It fits all
# four to the same images and measures what they cost, compares what each can and cannot do, and
# gives a rule of thumb for choosing. Then it looks back over the course, chapter by chapter, and
# points to where to read next.
#
# **In this chapter you will**
#
# - measure the cost of fitting each method on the same images, from a single matrix
#   factorisation to epochs of gradient descent;
# - compare what each method can do: decode, generate, give probabilities, find a unique answer;
# - choose a method for a task, and say why;
# - review the course and find further reading.
#
# **Prerequisites:** chapters 4 (PCA, SVD and autoencoders) and 5 (VAEs); chapter 6 helps.
#
# **Time:** about 20 minutes to read and run.

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
import torch

import aelib
from aelib import (PCA, VAE, MLPAutoencoder, SampleScorer, Table, TruncatedSVD, best_time, claim, fit,
                   importance_sampled_nll, negative_elbo, reconstruction_mse)
from aelib.plot import image_rows, show
from aelib.settings import settings

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %% [markdown]
# ## Four methods on the same images
#
# Every method gets the same training images and the same code size, $k = 16$. PCA and the
# uncentred truncated SVD are fitted in closed form; the autoencoder (784 → 512 → 128 → 16 and
# back) and the VAE (784 → 400 → 16 and back) start and train as in chapter 2: `aelib.fit` with
# the one-cycle schedule, from a decoder that starts at the average image.
# As everywhere in the course, `AELIB_DATASET=fashion` switches the data set.

# %%
data = aelib.load_dataset()
n = settings.samples(10_000)
x_train, x_test = data.x_train[:n], data.x_test[: settings.samples(2_000)]
k, epochs = 16, settings.epochs(10)
recipe = dict(epochs=epochs, lr=3e-3, schedule="one-cycle", progress="off")  # chapter 2's schedule
print(data)
print(f"fitting on {len(x_train):,} images, code size k = {k}, {epochs} epoch(s) for the networks")

# %% [markdown]
# The closed-form methods are timed with `aelib.best_time`: one warm-up call, then the fastest of
# three, so that a cold first call (loading the linear-algebra library's kernels, say) or a busy
# machine does not inflate them. `aelib.fit` records the seconds of every epoch itself. The
# truncated SVD (`aelib.TruncatedSVD`, with the same methods as `aelib.PCA`) factorises the data
# matrix as it is, without subtracting the mean, and keeps the top $k$ right singular vectors
# $V_k$ (a $k \times 784$ matrix).

# %%
pca, pca_seconds = best_time(lambda: PCA(k).fit(x_train))
svd, svd_seconds = best_time(lambda: TruncatedSVD(k).fit(x_train))

torch.manual_seed(0)
autoencoder = MLPAutoencoder(embedding_dim=k).start_at_mean(x_train)
ae_history = fit(autoencoder, x_train, test=x_test, **recipe)
torch.manual_seed(0)
vae = VAE(embedding_dim=k).start_at_mean(x_train)
vae_history = fit(vae, x_train, **recipe)

# %% [markdown]
# To compare quality as well as cost, each method reconstructs the test images. The truncated SVD
# keeps $V_k$ and reconstructs an image $x$ (as a row of 784 pixels) as $x V_k^\top V_k$, its
# projection onto the top $k$ directions; the VAE reconstructs from its posterior mean.

# %%
costs = {
    "PCA": (pca_seconds, reconstruction_mse(pca, x_test)),
    "truncated SVD": (svd_seconds, reconstruction_mse(svd, x_test)),
    "autoencoder": (sum(ae_history.seconds), reconstruction_mse(autoencoder, x_test)),
    "VAE": (sum(vae_history.seconds), reconstruction_mse(vae, x_test)),
}
Table([{"method": name, "fit (s)": seconds,
        "per epoch (s)": f"{seconds / epochs:.2f}" if name in ("autoencoder", "VAE") else "-",
        "test MSE": mse} for name, (seconds, mse) in costs.items()],
      {"fit (s)": ".3f", "test MSE": ".5f"})

# %% tags=["hide-cell"]
slowest_factorisation = max(pca_seconds, svd_seconds)
claim(3 * slowest_factorisation < min(costs["autoencoder"][0], costs["VAE"][0]),
      "a factorisation costs a fraction of either network's epochs of training",
      slowest_factorisation=slowest_factorisation, autoencoder=costs["autoencoder"][0], vae=costs["VAE"][0])

# %% [markdown]
# Read the fit column first: a closed-form method costs one matrix factorisation, done once; a
# network costs epochs of gradient descent. Fit time alone hides the real question, though: how
# long must the autoencoder train before it is *better* than PCA? `fit` scored it on the test
# images after every epoch (for this model the test loss is exactly the reconstruction MSE), so we
# can plot its error against the seconds spent, with PCA and the SVD as single points.

# %%
ae_seconds = torch.tensor(ae_history.seconds).cumsum(0)
fig, ax = plt.subplots()
ax.plot(ae_seconds, ae_history.test_loss, "-o", markersize=4, label="autoencoder, epoch by epoch")
for name, marker in [("PCA", "*"), ("truncated SVD", "D")]:
    seconds, mse = costs[name]
    ax.plot(seconds, mse, marker, markersize=12 if marker == "*" else 7, label=name)
ax.axhline(costs["PCA"][1], color="C1", lw=0.8, ls=":")
ax.set_xscale("log"), ax.set_xlabel("seconds spent fitting"), ax.set_ylabel("test MSE")
ax.xaxis.set_major_locator(plt.LogLocator(subs=(1, 2, 5)))  # ticks at 0.1, 0.2, 0.5, 1, ...
ax.xaxis.set_major_formatter("{x:g}"), ax.xaxis.set_minor_formatter(plt.NullFormatter())
ax.legend(frameon=False)
show(fig, "The autoencoder's test error after each epoch against the seconds spent training it, "
     "on a log axis, with PCA (star) and the truncated SVD (diamond) as single points at the "
     "seconds their factorisations took, and a dotted line at PCA's error: the factorisations "
     "take a fraction of the network's time, and the autoencoder starts above PCA's line and "
     "improves past it.")

better = [i for i, mse in enumerate(ae_history.test_loss) if mse < costs["PCA"][1]]
if better:
    first, spent = better[0], ae_seconds[better[0]].item()
    print(f"the autoencoder beat PCA's error after {first + 1} epoch(s), {spent:.1f} s: "
          f"{spent / pca_seconds:.1f} times the time PCA took")
else:
    print(f"after {epochs} epoch(s) the autoencoder has not yet reached PCA's error")

# %% tags=["hide-cell"]
pca_mse, svd_mse_test = costs["PCA"][1], costs["truncated SVD"][1]
claim(ae_history.test_loss[0] > pca_mse > ae_history.test_loss[-1],
      "the autoencoder starts worse than PCA and improves past it",
      first_epoch=ae_history.test_loss[0], pca=pca_mse, last_epoch=ae_history.test_loss[-1])
claim(abs(svd_mse_test / pca_mse - 1) < 0.05, "on the test images the truncated SVD's error sits close to PCA's",
      svd=svd_mse_test, pca=pca_mse)

# %% [markdown]
# The autoencoder starts worse than PCA and improves epoch by epoch; the printed line says
# when it crossed PCA's error and what that cost relative to the factorisation (chapter 4
# compared the two over many code sizes). Real projects train for more epochs on more images, so
# both sides of that ratio grow (exercise 1). The truncated SVD's error cannot beat PCA's on the
# training images (chapter 4), and on these test images it sits close to PCA's (within 5%):
# without subtracting the mean it spends part of its $k$ directions on the
# average image, while PCA gets the mean for free, and with 16 directions that costs little.
# Read the VAE's row with care: it was trained on a different loss, a cross-entropy plus a KL
# term that trades reconstruction for an orderly code (chapter 5), with a network of a different
# shape, and its error can come out above or below the autoencoder's (compare the two rows): a
# VAE's reconstructions from the posterior mean are not necessarily worse than a plain
# autoencoder's. What it offers beyond reconstruction is the next section.

# %% [markdown]
# ## What each can generate
#
# Each method has a decoder, so each can turn a random code into an image. The question is where
# the random codes should come from. The VAE was trained so that its codes follow the prior
# $\mathcal{N}(0, I)$, so we sample that. The others have no distribution over codes, so we fit
# one after the fact: a Gaussian with the mean and covariance of their training codes (for PCA
# this is the zero-noise limit of the probabilistic PCA of Tipping and Bishop).
# Every image shown is a decoder's output for a code, for the VAE the decoder's mean
# $\mathbb{E}[x \mid z]$ rather than a draw from $p(x \mid z)$, which would be binary speckle.

# %%
def gaussian_codes(codes, n, seed=0):
    """n samples from a Gaussian with the mean and covariance of `codes` (N, k)."""
    codes = codes.double()
    gaussian = torch.distributions.MultivariateNormal(codes.mean(0), torch.cov(codes.T))
    torch.manual_seed(seed)
    return gaussian.sample((n,)).float()


m = settings.samples(1000)  # samples per method
samples = {
    "PCA": pca.generate(gaussian_codes(pca.embed(x_train), m)).clamp(0, 1),
    "truncated SVD": svd.generate(gaussian_codes(svd.embed(x_train), m)).clamp(0, 1),
    "autoencoder": autoencoder.generate(gaussian_codes(autoencoder.embed(x_train), m)),
    "VAE": vae.generate(torch.randn(m, k)),
}
show(image_rows({name: images[:10] for name, images in samples.items()}),
     "Ten samples from each method, one row each, every one a decoder's output for a random "
     "code: PCA's and the truncated SVD's are blurry superpositions of their components; the "
     "autoencoder's, from a Gaussian fitted to its codes, and the VAE's, from its prior, are "
     "drawn by trained networks.")

# %% [markdown]
# Chapter 5's judge of samples puts numbers to the rows: a small classifier trained on the real
# training images scores the samples of each method by its mean confidence in their top class,
# and by the entropy of the histogram of the classes it sees in them (at most $\log 10 \approx
# 2.30$ nats, when they spread evenly over the ten classes).

# %%
scorer = SampleScorer.fit(x_train, data.y_train[: len(x_train)])
quality = {"test images": scorer.score(x_test), **{name: scorer.score(images) for name, images in samples.items()}}
Table([{"images": name, "confidence": q["confidence"], "class entropy": q["class_entropy"]}
       for name, q in quality.items()], {"confidence": ".3f", "class entropy": ".2f"},
      caption=f"A classifier's judgement of {m:,} samples of each method; class entropy in nats")

# %% tags=["hide-cell"]
claim(quality["autoencoder"]["confidence"] > max(quality["PCA"]["confidence"], quality["truncated SVD"]["confidence"]),
      "the classifier is surer of the autoencoder's samples than of either linear method's",
      autoencoder=quality["autoencoder"]["confidence"], pca=quality["PCA"]["confidence"],
      svd=quality["truncated SVD"]["confidence"])
claim(quality["VAE"]["confidence"] < quality["autoencoder"]["confidence"],
      "the classifier is less sure of the VAE's samples than of the autoencoder's",
      vae=quality["VAE"]["confidence"], autoencoder=quality["autoencoder"]["confidence"])

# %% [markdown]
# The linear methods can only add and subtract their components, so their samples are blurry
# superpositions, with negative pixel values clipped away, and the classifier is less sure of
# them than of the autoencoder's. The autoencoder with its fitted Gaussian is a real generator,
# and regularised deterministic autoencoders with a density fitted after training have
# been shown to sample as well as a VAE {cite}`ghosh2020`. Here the VAE's row is the weaker of
# the two: the classifier is less sure of its samples than of the autoencoder's. Where its prior
# puts codes that no training image uses, its samples come out faint or malformed (chapter 5
# measured such holes for a 2-D code). What sets the VAE apart is not the look of its samples
# but what comes with them: a prior fixed before training, a latent space that training keeps
# regular, and a bound on $\log p(x)$ for any image.

# %% [markdown]
# ## Side by side
#
# | | **PCA** | **truncated SVD** (uncentred) | **autoencoder** | **VAE** |
# | --- | --- | --- | --- | --- |
# | code from image | linear projection | linear projection | non-linear network | a distribution $q(z \mid x)$ |
# | image from code | linear, $z V_k + \mu$ | linear, $z V_k$ | decoder network | decoder network, $p(x \mid z)$ |
# | invertible | no (for $k$ below the pixel count, information is lost) | no | no | no |
# | non-linear | no | no | yes | yes |
# | fitted by | closed form: SVD of the centred data | closed form: SVD of the raw data | gradient descent on MSE | gradient descent on the negative ELBO |
# | unique solution | yes, up to signs (when variances differ) | yes, up to signs (when singular values differ) | no: depends on the seed; any invertible linear map of the code fits as well | no |
# | ordered, orthogonal axes | yes, by explained variance | yes, by singular value | no | no |
# | probabilistic | no (probabilistic PCA adds it) | no | no | yes: a bound on $\log p(x)$ |
# | generates new images | only with a distribution added | only with a distribution added | with a density fitted to its codes afterwards | yes: decode $z \sim \mathcal{N}(0, I)$ |
# | cost to fit | one factorisation (the first row of the cost table) | one factorisation, cheaper on sparse data | epochs of training (same table) | epochs of training (same table) |
# | use it for | a first baseline; visualisation; compression when structure is roughly linear; whitening | sparse or non-negative data where centring would destroy sparsity, such as word counts (latent semantic analysis) | non-linear compression; denoising; anomaly scores; features | sampling; a smooth, regular code space; likelihood-based scores |
#
# Two notes. First, the rows "unique solution" and "ordered axes" matter more in practice than
# they seem: PCA gives the same answer on every run, and its first component means the same thing
# to everyone who fits it; an autoencoder's code axes are arbitrary and change with the seed.
# Second, the autoencoder and the VAE are not one fixed model each but families: convolutional,
# denoising, conditional and other variants share the same costs and limits.

# %% [markdown]
# ## Choosing
#
# A practical order of trial, which the chapters of this course follow:
#
# 1. **Start with PCA.** It is cheap, deterministic, and its explained-variance curve (chapter 4)
#    tells you how many dimensions the data really need. If its reconstructions are good enough,
#    stop there.
# 2. **Use the truncated SVD instead** when centring is wrong or impossible: large sparse matrices
#    (subtracting the mean would fill them in), or data where zero means "absent".
# 3. **Train an autoencoder** when the linear methods leave too much error at the code size you
#    can afford, or you need a learned non-linear feature, a denoiser or an anomaly score
#    (chapter 6). Budget for training time, tuning, and a result that changes with the seed.
# 4. **Train a VAE** when you need to generate from a model whose density is part of its
#    training, a regular code space, or a probabilistic score. Its KL term charges for every
#    detail the code stores, so measure its reconstructions against an autoencoder's of the same
#    size before you assume either is better.

# %% [markdown]
# ## Next to the published numbers
#
# Papers score a VAE by its test $-\log p(x)$ on *binarised* MNIST, where every pixel is 0 or 1
# and the Bernoulli likelihood of chapter 5 is a true probability. To stand next to Table 1 of
# Burda, Grosse and Salakhutdinov {cite}`burda2016`, we train one VAE their way. Each time a
# training image is used, each pixel is drawn afresh, as 1 with its grey level as probability
# (*dynamic binarisation*: `fit`'s `transform=torch.bernoulli`); the code has 50 numbers, with
# two hidden layers of 200 units on each side. The test images are binarised once, with a fixed
# seed, and $-\log p(x)$ is estimated by importance sampling with $K$ codes per image (chapter 5).
# The differences are stated in the table's last column: their networks used tanh where ours use
# ReLU, and they trained with batches of 20 for 3,280 passes over 60,000 images; ours trains for the seconds printed below, with the one-cycle learning-rate schedule that
# chapter 2 introduced.

# %%
binary_train = data.x_train[: settings.samples(60_000)]
binary_epochs = settings.epochs(max(1, 320_000 // len(binary_train)))  # about 320,000 images seen
torch.manual_seed(0)
binary_vae = VAE(embedding_dim=50, hidden=(200, 200))
binary_history = fit(binary_vae, binary_train, epochs=binary_epochs, batch_size=100, lr=2e-3,
                     schedule="one-cycle", transform=torch.bernoulli, progress="off")
x_binary = torch.bernoulli(data.x_test[: settings.samples(1_000)], generator=torch.Generator().manual_seed(0))
K = 1000 if not settings.smoke else 4
elbo_binary = negative_elbo(binary_vae, x_binary)["negative_elbo"]
nll_binary = importance_sampled_nll(binary_vae, x_binary, K)
ours = f"{len(binary_train):,} {data.name} images, {binary_epochs} passes in {sum(binary_history.seconds):.0f} s, ReLU"
Table([
    {"model": "this VAE, negative ELBO", "nats per test image": elbo_binary, "settings": ours},
    {"model": f"this VAE, importance sampled, K = {K}", "nats per test image": nll_binary,
     "settings": f"first {len(x_binary):,} test images"},
    {"model": "VAE, Burda et al., Table 1", "nats per test image": 86.76,
     "settings": "MNIST 60,000 images, 3,280 passes, tanh, K = 5,000"},
    {"model": "IWAE (k = 50), Burda et al., Table 1", "nats per test image": 84.78,
     "settings": "trained on a 50-sample bound, otherwise as above"},
], {"nats per test image": ".2f"}, caption="Test -log p(x) of binarised images, nats per image")

# %% tags=["hide-cell"]
claim(nll_binary < elbo_binary, "importance sampling gives a tighter estimate than the negative ELBO",
      importance_sampled=nll_binary, negative_elbo=elbo_binary)
aelib.scoreboard.record("vae_test_nll_nats", nll_binary, importance_samples=K, binarised=True,
                        data=data.name, training_images=len(binary_train), test_images=len(x_binary),
                        model="VAE(50, hidden=(200, 200)), ReLU", epochs=binary_epochs,
                        seconds=round(sum(binary_history.seconds)))

# %% [markdown]
# The importance-sampled estimate sits below the negative ELBO, as chapter 5 showed it must on
# average. On MNIST, the distance to the published numbers is mostly what seconds of training on
# a CPU leave against 3,280 passes over all 60,000 training images, together with the other
# differences in the table's last column; on Fashion-MNIST no published
# number of this kind stands beside ours (its images, with more grey texture, cost more nats to
# describe). The book's {doc}`../book/scoreboard` page collects this number and the course's other
# headline results next to those of the papers.

# %% [markdown]
# ## The course in review
#
# 1. **Generative and discriminative models.** A discriminative model learns $p(y \mid x)$; a
#    generative one learns $p(x, y)$, or $p(x)$ when there are no labels, can sample new inputs,
#    and, when it models $p(x \mid y)\, p(y)$, becomes a classifier through Bayes' rule.
# 2. **What an autoencoder is.** An encoder compresses an image into a code, a decoder rebuilds it,
#    and both are trained together on reconstruction error; the reference convolutional
#    architecture, traced shape by shape.
# 3. **A two-dimensional latent space.** With a code of two numbers, digits form clusters that can
#    be plotted, measured with k-NN accuracy, and decoded as a map, with gaps and odd shapes
#    between the clusters.
# 4. **Autoencoders, PCA and SVD.** PCA through the covariance or through the SVD of the centred
#    data gives the same components; a linear autoencoder with biases, trained on squared error,
#    has PCA's subspace at every minimum when $\lambda_k > \lambda_{k+1}$ {cite}`baldi1989`; a non-linear one reconstructs better
#    at small code sizes.
# 5. **The variational autoencoder.** A plain autoencoder generates only with a density fitted to
#    its codes afterwards; the VAE's probabilistic encoder, the reparameterisation trick and the
#    ELBO build the density into training and give a bound on the likelihood.
# 6. **Going further.** Denoising, anomaly detection measured with a ROC curve, and a conditional
#    VAE that draws a chosen class in a chosen style.
# 7. **This chapter.** Costs, abilities and a rule for choosing.

# %% [markdown]
# ## Further reading
#
# **The papers behind the course.** Rumelhart, Hinton and Williams {cite}`rumelhart1986` trained
# networks with hidden layers by backpropagation, the basis of every autoencoder here. Baldi and
# Hornik {cite}`baldi1989` proved that every minimum of a linear autoencoder's squared error has
# PCA's subspace (when $\lambda_k > \lambda_{k+1}$). Hinton and Salakhutdinov {cite}`hinton2006` showed that deep autoencoders can give far
# better codes than PCA. Vincent and co-authors {cite}`vincent2008` introduced denoising
# autoencoders. The VAE was published independently by Kingma and Welling {cite}`kingma2014` and
# by Rezende, Mohamed and Wierstra {cite}`rezende2014`; Higgins and co-authors
# {cite}`higgins2017` weighted its KL term (the beta-VAE), and Kingma and co-authors
# {cite}`kingma2014semi` and Sohn, Lee and Yan {cite}`sohn2015` conditioned it. The data sets are MNIST {cite}`lecun1998` and Fashion-MNIST {cite}`xiao2017`;
# Ng and Jordan {cite}`ng2001` compared generative and discriminative classifiers.
#
# **Where the ideas lead.**
#
# - *Better bounds and better VAEs.* Importance-weighted autoencoders (Burda, Grosse and
#   Salakhutdinov) tighten the ELBO with several samples; hierarchical VAEs stack many layers of
#   latent variables and produce sharp images. Kingma and Welling's later tutorial, *An
#   Introduction to Variational Autoencoders*, covers these developments in depth.
# - *Discrete codes.* The VQ-VAE (van den Oord, Vinyals and Kavukcuoglu) replaces the Gaussian
#   code with the nearest entry of a learned codebook, so an image becomes a short sequence of
#   symbols that a second, autoregressive model (a PixelCNN in the original paper, transformers
#   since) learns to generate.
# - *Normalising flows* build $p(x)$ from a chain of invertible transformations of a simple
#   distribution. Because every step can be undone, the change-of-variables formula gives the
#   exact likelihood, not a bound; the price is a code as large as the input.
# - *Diffusion models* learn to undo a gradual noising process, one small denoising step at a
#   time: the denoising autoencoder's task of chapter 6, repeated across many noise levels. Large
#   image generators run the diffusion in the code space of an autoencoder rather than on pixels
#   (latent diffusion, Rombach and co-authors), which brings the two halves of this course
#   together.
# - *Autoencoders for features.* Masked autoencoders (He and co-authors) hide most of an image's
#   patches and learn to fill them in, a denoising task that pretrains vision models; sparse
#   autoencoders, which keep most code units at zero, are used to find interpretable features
#   inside large neural networks.
# - *Textbooks.* Chapter 14 of *Deep Learning* by Goodfellow, Bengio and Courville covers
#   autoencoders, chapter 20 deep generative models; Bishop's *Pattern Recognition and Machine
#   Learning*, chapter 12, treats PCA and probabilistic PCA.

# %% [markdown]
# ## Exercises
#
# **1. How the costs grow.** Time `PCA(16).fit` and one epoch of `MLPAutoencoder(16)` on 2,500,
# 5,000 and 10,000 training images. How does each grow with the number of images? Which grows
# with the number of pixels, and how?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# pca_time, epoch_time = {}, {}
# for m in [2_500, 5_000, 10_000]:
#     subset = data.x_train[: settings.samples(m)]
#     _, pca_time[len(subset)] = best_time(lambda: PCA(16).fit(subset))
#     _, epoch_time[len(subset)] = best_time(lambda: fit(MLPAutoencoder(16), subset, epochs=1, progress="off"))
#     print(f"{len(subset):6,} images: PCA {pca_time[len(subset)]:.3f} s, "
#           f"one epoch {epoch_time[len(subset)]:.2f} s")
# smallest, largest = min(epoch_time), max(epoch_time)
# growth = {"images": largest / smallest, "epoch": epoch_time[largest] / epoch_time[smallest],
#           "PCA": pca_time[largest] / pca_time[smallest]}
# claim(0.5 < growth["epoch"] / growth["images"] < 1.5, "an epoch's time grows roughly in proportion to N", **growth)
# claim(growth["PCA"] < 1.5 * growth["images"], "PCA's time grows no faster than N", **growth)
# ```
#
# An epoch's time grows roughly in proportion to the number of images $N$; PCA's grows no faster,
# and often more slowly at these sizes (`best_time` keeps the fastest of three runs: on a busy
# machine single timings are noisy). PCA through the SVD of an $N \times D$ matrix costs about $N D^2 + D^3$
# operations (for $N > D$): the $D^3$ part, the work on a $784 \times 784$ matrix, does not depend
# on $N$ at all and weighs heavily when $N$ is only a few times $D$. Both parts grow at least as
# fast as the square of the pixel count $D$; one epoch of the autoencoder costs about $N$ times
# the number of weights, and its first layer has $512 D$ of them, so it grows linearly in $D$. The
# autoencoder also needs many epochs, while PCA needs one factorisation. For images with many
# more pixels, randomised SVD (which scikit-learn's `TruncatedSVD` uses by default) computes only
# the top $k$ directions and keeps PCA cheap.
#
# </details>

# %% [markdown]
# **2. Unique or not.** Fit PCA twice on the same images, and train the autoencoder twice with
# different seeds. Compare the test MSEs, then the codes: for each coordinate of the first
# autoencoder's code, find its largest correlation (in absolute value) with any coordinate of the
# second's. What does the table's row "unique solution" mean in practice?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# pca_again = PCA(k).fit(x_train)
# gap = (pca.components - pca_again.components).abs().max()
# print(f"PCA fitted twice: largest difference between the components {gap:.1e}")
#
# codes, errors = [], []
# for seed in (0, 1):
#     torch.manual_seed(seed)
#     model = MLPAutoencoder(embedding_dim=k).start_at_mean(x_train)
#     fit(model, x_train, seed=seed, **recipe)
#     errors.append(reconstruction_mse(model, x_test))
#     print(f"autoencoder, seed {seed}: test MSE {errors[-1]:.4f}")
#     codes.append(model.embed(x_test))
# correlation = torch.corrcoef(torch.cat(codes, dim=1).T)[:k, k:]  # (k, k): run 1 against run 2
# best_match = correlation.abs().max(dim=1).values
# print("best match of each coordinate:", best_match.numpy().round(2))
# claim(gap < 1e-5, "PCA gives the same components to the last digit", largest_difference=gap)
# claim(abs(errors[0] / errors[1] - 1) < 0.1, "the two autoencoders reach similar errors (within 10%)",
#       seed_0=errors[0], seed_1=errors[1])
# claim(best_match.median() < 0.9, "the two autoencoders' codes do not line up", median_best_match=best_match.median())
# ```
#
# PCA gives the same components to the last digit (signs are fixed by `aelib.PCA`). The two
# autoencoders reach similar errors, but their codes do not line up: most coordinates of one run
# match no coordinate of the other closely (the printed best correlations). Any invertible
# linear map of the code, taken up by the encoder's last layer and undone by the decoder's first,
# fits the data equally well, and the seed decides where training ends. So compare autoencoders by what they do (error,
# k-NN accuracy, samples), never by the meaning of a single code coordinate, and fix the seed when
# you need repeatable results.
#
# </details>

# %% [markdown]
# **3. Pick a method.** For each task, choose PCA, truncated SVD, an autoencoder or a VAE, and
# give one reason. (a) Plot 50,000 customer records of 30 numeric features in 2-D for a first
# look. (b) Find topics in a sparse matrix of word counts for a million documents. (c) Flag
# faulty parts in photos from a production line, with thousands of photos of good parts and
# almost no faulty ones. (d) Produce new, varied handwriting samples for testing an OCR system.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# (a) PCA: fast, deterministic, and its axes are interpretable as weighted sums of the features;
# standardise the features first so that no single unit dominates. (b) Truncated SVD: the
# matrix is sparse and huge, centring it would make it dense, and randomised truncated SVD only
# computes the $k$ directions needed (this is latent semantic analysis). (c) An autoencoder
# trained on good parts only, scored by reconstruction error as in chapter 6 (a convolutional one
# for photos); validate the threshold on the few faulty examples you have, with a ROC curve.
# (d) A VAE, or a conditional VAE to choose the character: of the four, it is the one whose
# training makes it a sampler, with a fixed prior and a bound on the likelihood. An autoencoder
# with a density fitted to its codes is a fair alternative: in chapter 5 its samples scored at
# least as well. For sharper samples, look at the further reading.
#
# </details>

# %% [markdown]
# ## Summary
#
# - PCA and the truncated SVD are linear, closed-form and unique (up to signs, when the variances
#   differ): one matrix factorisation fits them, where a network needs many epochs of training
#   (the cost table above measured both).
#   PCA centres the data first; the uncentred SVD spends part of its directions on the mean.
# - Autoencoders are non-linear and, trained long enough, reconstruct better at the same code
#   size, at the price of training time and a solution that depends on the seed. With a density
#   fitted to their codes afterwards they can generate too.
# - VAEs build the probability model into training: they sample new images from a fixed prior
#   and bound how likely an image is, at the price of a KL term that charges for every detail
#   the code keeps.
# - Start with PCA; move to an autoencoder when linear is not enough, and to a VAE when you need
#   to generate or need probabilities.
#
# **That is the course.** The notebooks, and the `aelib` package they use, are at
# https://github.com/autoencoders-course/autoencoders-course; corrections and new exercises are
# welcome.
