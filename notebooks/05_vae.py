# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. The variational autoencoder
#
# Chapter 3 ended with a latent space full of gaps: clusters of uneven size, empty regions
# between them, and no rule for which codes are "allowed". That is fine for compression, but it
# leaves a generator without a recipe: pick a code at random from the box of the codes and the
# decoder may draw a blend of two classes, with odds that favour the classes of large territory. The {term}`variational autoencoder <VAE>` {cite}`kingma2014,rezende2014`
# changes two things. Its encoder describes each image by a small cloud of codes instead of one
# point, and its loss pulls those clouds towards one fixed distribution, a standard normal. The
# distribution to draw codes from is then part of the model and of its training, not something
# fitted afterwards: draw a code from the standard normal, decode it, and out comes a new image,
# and the same model gives a bound on how probable any image is.
#
# **In this chapter you will**
#
# - generate with a plain autoencoder by fitting a Gaussian to its codes, and see what that
#   leaves out;
# - derive the VAE's loss, the {term}`ELBO <ELBO>`, step by step, with the closed-form
#   {term}`KL divergence <KL divergence>` to a standard normal, check it numerically, and write
#   the loss out in a few lines;
# - use the {term}`reparameterisation trick <Reparameterisation trick>` to train through a
#   random sample, and check the gradients it gives;
# - compare the 2-D latent spaces of an autoencoder and a VAE, sample new images and
#   interpolate between two test images;
# - measure how well the codes of the data cover the prior, the effect of the KL weight $\beta$,
#   and the test negative ELBO in nats per image;
# - score every generator's samples with a classifier trained on real images, as the literature
#   does, and see which draws the best images.
#
# **Prerequisites:** chapters 2 and 3; Gaussian distributions, expectations and logarithms.
#
# **Time:** about 45 minutes to read and run.

# %%
# On Colab, install the course's helper package; elsewhere this cell does nothing.
# Set AELIB_REPOSITORY to install it from elsewhere (a fork, a branch, a local copy).
import os, subprocess, sys

if "google.colab" in sys.modules:
    repository = "git+https://github.com/autoencoders-course/autoencoders-course"
    url = os.environ.get("AELIB_REPOSITORY", repository)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import itertools
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from sklearn.mixture import GaussianMixture
from torch.distributions import Categorical, MixtureSameFamily, MultivariateNormal, Normal

import aelib
from aelib import (VAE, MLPAutoencoder, SampleScorer, Table, claim, fit, importance_sampled_nll,
                   kl_to_standard_normal, negative_elbo)
from aelib.explorer import latent_explorer
from aelib.plot import class_scatter, code_extent, grid_codes, image_grid, image_rows, latent_grid, show
from aelib.settings import settings
from aelib.vae import reparameterise

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %% [markdown]
# Every model in this chapter sees the same number of training images (about 150,000 passes
# of an image through the network), so the number of epochs follows from the size of the
# training set. Each starts and trains as in chapter 2: its decoder starts at the average image
# (`start_at_mean`) and the learning rate follows the one-cycle schedule, peaking at 0.003, here
# in `fit`'s default batches of 128 images.

# %%
data = aelib.load_dataset()
x_train = data.x_train[: settings.samples(25_000)]
epochs = settings.epochs(max(1, 150_000 // len(x_train)))
recipe = dict(epochs=epochs, lr=3e-3, schedule="one-cycle")
print(f"{data.name}: training on {len(x_train):,} images for {epochs} epochs, "
      f"testing on {len(data.x_test):,}")

# %% [markdown]
# ## Random codes and a plain autoencoder
#
# We train a plain autoencoder with a two-number code (a fully connected one, which is quick).
# To generate with it we need a distribution of codes to draw from. The fairest simple choice is
# a Gaussian fitted to its training codes (their mean and covariance): it puts new codes where
# the real ones are, on the same scale.

# %%
torch.manual_seed(0)
autoencoder = MLPAutoencoder(embedding_dim=2).start_at_mean(x_train)  # 784 -> 512 -> 128 -> 2 -> ... -> 784
fit(autoencoder, x_train, test=data.x_test, **recipe)
ae_codes = autoencoder.embed(data.x_test)  # (N, 2)
train_codes = autoencoder.embed(x_train)
fitted = MultivariateNormal(train_codes.mean(dim=0), torch.cov(train_codes.T))
torch.manual_seed(1)
random_codes = fitted.sample((20,))  # (20, 2)

# %% [markdown]
# The scatter plot shows the test codes, coloured by class, and the 20 random codes as numbered
# black crosses; below it are the 20 images the decoder makes of them, with the same numbers.

# %%
fig, ax = plt.subplots(figsize=(8, 5.5), layout="constrained")
class_scatter(ae_codes, data.y_test, data.classes, ax=ax,
               title="Plain autoencoder: test codes and 20 codes drawn from a fitted Gaussian")
ax.scatter(*random_codes.T, marker="X", s=70, color="black", edgecolors="white", linewidths=0.8, zorder=4)
for i, (z1, z2) in enumerate(random_codes.tolist()):
    ax.annotate(str(i + 1), (z1, z2), xytext=(5, 3), textcoords="offset points", fontweight="bold", zorder=5)
show(fig, "The plain autoencoder's test codes, each class named at its median, and 20 codes "
     "drawn from a Gaussian fitted to its training codes, as black crosses numbered 1 to 20: "
     "most such codes land among the test codes, the rest between clusters or in empty space.")

# %%
show(image_grid(autoencoder.generate(random_codes), ncols=10, titles=[str(i + 1) for i in range(20)]),
     "The 20 images the plain autoencoder's decoder makes of the random codes, numbered as on "
     "the map above: codes among the test codes decode to plausible images, the others to blends.")

# %% [markdown]
# How many of the random codes land among the real ones? Call a code *among the test codes* when
# its distance to the nearest test code is no larger than the distance at which 99% of the test
# codes find their own nearest neighbour.

# %%
def among(codes, real):
    """Fraction of ``codes`` no farther from their nearest ``real`` code than 99% of the real
    codes are from their own nearest neighbour."""
    spacing = torch.cdist(real, real).fill_diagonal_(float("inf")).min(dim=1).values.quantile(0.99)
    return (torch.cdist(codes, real).min(dim=1).values <= spacing).float().mean().item()


ae_among = among(fitted.sample((2000,)), ae_codes)
print(f"fitted Gaussian: {ae_among:.0%} of 2,000 random codes land among the test codes")

# %% tags=["hide-cell"]
claim(0.5 < ae_among < 1, "most codes from the fitted Gaussian land among the test codes, not all",
      share_among=ae_among)

# %% [markdown]
# Most of the random codes land among real codes and decode to plausible images; the rest fall
# between clusters, off the end of an arm or in the empty space the Gaussian covers, and decode
# to blends. A single Gaussian is the simplest density to fit. Ghosh and co-authors
# {cite}`ghosh2020` fitted a mixture of ten Gaussians to the codes of deterministic autoencoders
# instead, which can put a bump on each cluster; scikit-learn's `GaussianMixture` fits one in a
# fraction of a second. We turn it into a PyTorch distribution, so that PyTorch's seed fixes its
# samples too.

# %%
gm = GaussianMixture(n_components=10, random_state=0).fit(train_codes.numpy())
weights, means, covariances = (torch.as_tensor(a, dtype=torch.float32)
                               for a in (gm.weights_, gm.means_, gm.covariances_))
mixture = MixtureSameFamily(Categorical(weights), MultivariateNormal(means, covariances))
mixture_among = among(mixture.sample((2000,)), ae_codes)
print(f"mixture of ten Gaussians: {mixture_among:.0%} of 2,000 random codes land among the test codes "
      f"(single Gaussian: {ae_among:.0%})")

# %% tags=["hide-cell"]
claim(mixture_among > ae_among - 0.01,
      "the mixture puts at least as large a share of its codes among the test codes "
      "(within a percentage point)",
      mixture=mixture_among, single_gaussian=ae_among)

# %% [markdown]
# The mixture puts about as large a share of its codes among the test codes as the single
# Gaussian, or a larger one (within a percentage point). So a plain autoencoder can generate, once a distribution of codes is fitted to it
# after training, and Ghosh and co-authors found such samples as good as a VAE's or better; the
# last section of this chapter scores both generators against the VAEs. What the
# plain autoencoder lacks is that distribution as part of the model. Nothing in its training
# made the codes fill a region that a simple distribution describes, nothing told the decoder
# what to draw where no code lies, and it gives no probability for an image. The VAE builds all
# three into training.

# %% [markdown]
# ## A probabilistic encoder
#
# A VAE makes the code a random variable with a model of how images are made: draw a code $z$
# from a fixed {term}`prior <Prior>` $p(z) = \mathcal{N}(0, I)$, then draw an image from the
# decoder's distribution $p_\theta(x \mid z)$, where $\theta$ are the decoder's weights.
#
# The encoder, with weights $\phi$, no longer outputs one code. For each image it outputs a
# Gaussian $q_\phi(z \mid x) = \mathcal{N}\big(\mu_\phi(x), \operatorname{diag}
# \sigma^2_\phi(x)\big)$, a mean and a variance for every code dimension: a guess of which codes
# could have made $x$, an approximation of the {term}`posterior <Posterior>` $p_\theta(z \mid x)$.
# In `aelib`, `vae.posterior(x)` returns $\mu$ and $\log \sigma^2$ (a log-variance can be any
# real number, so the network needs no constraint to keep the variance positive). Kingma and
# Welling {cite}`kingma2014` used one hidden layer of 500 units on MNIST and codes of 3 to 200
# numbers; the model below, one hidden layer of 400 units and a code of 20 numbers, is the
# smaller VAE of PyTorch's own example code, a common choice for a first VAE.

# %%
torch.manual_seed(0)
vae = VAE(embedding_dim=20)  # 784 -> 400 -> (mu, log sigma^2) and 20 -> 400 -> 784
print(vae)
mu, logvar = vae.posterior(data.x_test[:3])
print(f"for 3 images: mu {tuple(mu.shape)}, log-variance {tuple(logvar.shape)}")

# %% [markdown]
# The encoder's last layer has 40 outputs: 20 means and 20 log-variances.
#
# The decoder outputs one number per pixel, turned into a probability $p_i \in (0, 1)$ by a
# sigmoid, and treats pixel $i$ as a coin that shows 1 with probability $p_i$ (a Bernoulli
# distribution). The log-likelihood of an image is then
#
# $$
# \log p_\theta(x \mid z) = \sum_{i=1}^{784} \Big[ x_i \log p_i + (1 - x_i) \log (1 - p_i) \Big],
# $$
#
# so $-\log p_\theta(x \mid z)$ is the binary cross-entropy summed over the pixels. With natural
# logarithms it is measured in nats.

# %% [markdown]
# ## The evidence lower bound
#
# Training a generative model means maximising the log-likelihood of the data,
# $\log p_\theta(x) = \log \int p_\theta(x \mid z)\, p(z)\, dz$. The integral runs over every
# possible code and has no closed form for a neural decoder. The VAE maximises a lower bound
# instead. Multiply and divide by $q_\phi(z \mid x)$ inside the integral, which turns it into an
# expectation over codes drawn from the encoder:
#
# $$
# \log p_\theta(x)
# = \log \int q_\phi(z \mid x)\, \frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\, dz
# = \log \mathbb{E}_{q_\phi(z \mid x)}\!\left[\frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\right].
# $$
#
# The logarithm is concave, so by Jensen's inequality the log of an average is at least the
# average of the logs:
#
# $$
# \log p_\theta(x)
# \;\ge\; \mathbb{E}_{q_\phi(z \mid x)}\!\left[\log \frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\right]
# = \mathbb{E}_{q_\phi(z \mid x)}\big[\log p_\theta(x \mid z)\big]
# - \mathbb{E}_{q_\phi(z \mid x)}\!\left[\log \frac{q_\phi(z \mid x)}{p(z)}\right].
# $$
#
# The last expectation is, by definition, the KL divergence from $q_\phi(z \mid x)$ to $p(z)$.
# So the evidence lower bound is
#
# $$
# \operatorname{ELBO}(x) =
# \underbrace{\mathbb{E}_{q_\phi(z \mid x)}\big[\log p_\theta(x \mid z)\big]}_{\text{reconstruction}}
# \;-\; \underbrace{\operatorname{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{stay close to the prior}}
# \;\le\; \log p_\theta(x).
# $$
#
# How loose is the bound? Write $p_\theta(x \mid z)\, p(z) = p_\theta(z \mid x)\, p_\theta(x)$
# (Bayes' rule, chapter 1) inside the same expectation, and $\log p_\theta(x)$, which
# does not depend on $z$, comes out:
#
# $$
# \operatorname{ELBO}(x) = \log p_\theta(x) - \operatorname{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big).
# $$
#
# A KL divergence is never negative, which proves the inequality a second way, and the gap is
# exactly how far the encoder's Gaussian is from the true posterior. The two sets of weights
# act on this differently. $\log p_\theta(x)$ does not depend on $\phi$, so raising the ELBO over
# the encoder's weights can only shrink the gap. Raising it over the decoder's $\theta$ can raise
# $\log p_\theta(x)$, but it can also shrink the gap by making the true posterior easier for a
# Gaussian to match, even at some cost in likelihood; in the extreme the decoder ignores the code,
# the true posterior equals the prior, the encoder matches it by answering the prior for every
# image, and the gap is zero; this is called posterior collapse. Training
# minimises the negative ELBO: a reconstruction error in nats, plus a KL term that charges every
# image for how far its cloud of codes is from $\mathcal{N}(0, I)$.

# %% [markdown]
# ## The KL term in closed form
#
# For one code dimension, $q = \mathcal{N}(\mu, \sigma^2)$ and $p = \mathcal{N}(0, 1)$. Their
# log-densities are $\log q(z) = -\tfrac12 \log 2\pi - \tfrac12 \log \sigma^2 - \frac{(z -
# \mu)^2}{2\sigma^2}$ and $\log p(z) = -\tfrac12 \log 2\pi - \frac{z^2}{2}$; the $\log 2\pi$
# terms cancel in the difference:
#
# $$
# \operatorname{KL}(q \,\|\, p) = \mathbb{E}_q\big[\log q(z) - \log p(z)\big]
# = \mathbb{E}_q\!\left[-\tfrac12 \log \sigma^2 - \frac{(z - \mu)^2}{2\sigma^2} + \frac{z^2}{2}\right].
# $$
#
# Under $q$, $\mathbb{E}_q[(z-\mu)^2] = \sigma^2$ and $\mathbb{E}_q[z^2] = \mu^2 + \sigma^2$, so
#
# $$
# \operatorname{KL}(q \,\|\, p) = -\tfrac12 \log \sigma^2 - \tfrac12 + \tfrac12 (\mu^2 + \sigma^2)
# = \tfrac12\big(\mu^2 + \sigma^2 - 1 - \log \sigma^2\big).
# $$
#
# The code dimensions of $q$ and $p$ are independent, so the KL of the whole code is the sum of
# this over its dimensions. Each term is zero only at $\mu = 0$, $\sigma = 1$: the $\mu^2$ part
# charges for codes far from the origin, the $\sigma^2 - 1 - \log \sigma^2$ part for clouds
# narrower (or wider) than the prior. `kl_to_standard_normal` computes the sum; we check it
# against a Monte-Carlo average of $\log q(z) - \log p(z)$ over samples $z \sim q$.

# %%
torch.manual_seed(0)
mu, logvar = torch.tensor([[1.0, -0.5]]), torch.tensor([[-1.0, 0.5]])  # one 2-D Gaussian
q, prior = Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)
z = q.sample((100_000,))  # (100000, 1, 2)
log_ratio = (q.log_prob(z) - prior.log_prob(z)).sum(dim=-1)  # summed over the 2 dimensions
error = log_ratio.std() / len(log_ratio) ** 0.5
print(f"closed form: {kl_to_standard_normal(mu, logvar).item():.4f} nats")
print(f"Monte Carlo: {log_ratio.mean().item():.4f} ± {error.item():.4f} nats (100,000 samples)")

# %% tags=["hide-cell"]
closed_form = kl_to_standard_normal(mu, logvar).item()
claim(abs(closed_form - log_ratio.mean().item()) < 4 * error.item(),
      "the closed form and the Monte-Carlo average agree to within the Monte-Carlo error",
      closed_form=closed_form, monte_carlo=log_ratio.mean(), standard_error=error)

# %% [markdown]
# The two agree to within the Monte-Carlo error. The closed form is exact and costs nothing, so
# the VAE uses it; only the reconstruction term needs a sample.

# %% [markdown]
# ## The reparameterisation trick
#
# The reconstruction term is an expectation over $z \sim q_\phi(z \mid x)$, estimated with one
# sample per image. But a sample drawn by a random number generator has no derivative with
# respect to the $\mu$ and $\sigma$ it was drawn with, so the encoder would get no gradient through
# the sample (a score-function estimator exists, but its variance is usually far higher). The
# trick moves the randomness into an input that does not depend on the weights: draw
# $\varepsilon \sim \mathcal{N}(0, I)$ and set
#
# $$ z = \mu + \sigma \odot \varepsilon, \qquad \sigma = \exp\big(\tfrac12 \log \sigma^2\big). $$
#
# This $z$ has the same distribution $\mathcal{N}(\mu, \sigma^2)$, and it is an ordinary
# differentiable function of $\mu$ and $\sigma$: $\partial z / \partial \mu = 1$ and
# $\partial z / \partial \sigma = \varepsilon$. `aelib.vae.reparameterise` is this one line. We
# check that gradients taken through it are right, on a case with a known answer:
# $\mathbb{E}[z^2] = \mu^2 + \sigma^2$, whose derivatives are $2\mu$ with respect to $\mu$ and
# $\sigma^2$ with respect to $\log \sigma^2$.

# %%
torch.manual_seed(0)
mu = torch.tensor([0.5], requires_grad=True)
logvar = torch.tensor([-1.0], requires_grad=True)
print(f"a sample drawn directly carries a gradient: {Normal(mu, 1.0).sample().requires_grad}")
z = reparameterise(mu.expand(100_000), logvar.expand(100_000))  # 100,000 draws of N(mu, sigma^2)
(z**2).mean().backward()  # Monte-Carlo estimate of E[z^2], differentiated through the samples
print(f"d/d mu:        {mu.grad.item():.3f}   (exact 2 mu = {2 * mu.item():.3f})")
print(f"d/d logvar:    {logvar.grad.item():.3f}   (exact sigma^2 = {logvar.exp().item():.3f})")

# %% tags=["hide-cell"]
claim(not Normal(mu, 1.0).sample().requires_grad, "a sample drawn directly carries no gradient")
claim(abs(mu.grad.item() - 2 * mu.item()) < 0.02 and abs(logvar.grad.item() - logvar.exp().item()) < 0.02,
      "the reparameterised gradients match the exact derivatives up to Monte-Carlo noise",
      d_mu=mu.grad, exact_d_mu=2 * mu.item(), d_logvar=logvar.grad, exact_d_logvar=logvar.exp())

# %% [markdown]
# A sample drawn directly is a dead end for backpropagation; the reparameterised one gives
# gradient estimates that match the exact derivatives up to Monte-Carlo noise. In the VAE the
# same happens with the reconstruction error in place of $z^2$: `vae.loss` encodes a batch,
# reparameterises, decodes, and returns the batch mean of
# $-\log p_\theta(x \mid z) + \beta \cdot \operatorname{KL}$ (the negative ELBO when $\beta = 1$).

# %% [markdown]
# ## The loss, written out
#
# `vae.loss` is short enough to write here from this chapter's parts: encode a batch into means
# and log-variances, draw one reparameterised code per image, decode it into pixel logits (the
# decoder's output before the sigmoid), add the Bernoulli negative log-likelihood summed over
# the pixels to the closed-form KL term, and average over the batch. PyTorch's
# `Normal(mu, sigma).rsample()` draws the same reparameterised sample ("r" for
# reparameterised), with gradients; `.sample()`, used above, draws without them. With the same
# random noise, the hand-written loss and `vae.loss` give the same number.

# %%
def negative_elbo_by_hand(vae, x):
    """Batch mean of -log p(x | z) + KL(q(z | x) || N(0, I)), one sample of z per image."""
    mu, logvar = vae.posterior(x)  # (N, d) each
    z = Normal(mu, (0.5 * logvar).exp()).rsample()  # mu + sigma * epsilon
    logits = vae.logits(z)  # (N, 1, 28, 28)
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=(1, 2, 3))
    return (reconstruction + kl_to_standard_normal(mu, logvar)).mean()


batch = data.x_test[:256]
torch.manual_seed(3)
by_hand = negative_elbo_by_hand(vae, batch)
torch.manual_seed(3)
by_aelib = vae.loss(batch)
print(f"written out: {by_hand.item():.4f} nats per image, vae.loss: {by_aelib.item():.4f}")

# %% tags=["hide-cell"]
claim(torch.allclose(by_hand, by_aelib) and by_hand.requires_grad,
      "the hand-written negative ELBO equals vae.loss with the same noise, and carries gradients",
      by_hand=by_hand, by_aelib=by_aelib)

# %% [markdown]
# ## Training a VAE
#
# The same `fit` as for every other model trains it: only the model's `loss` is different. The
# numbers it reports are now nats per image rather than a mean squared error per pixel.
# `negative_elbo` scores the test set, split into its two terms.

# %%
history = fit(vae.start_at_mean(x_train), x_train, test=data.x_test, **recipe)
scores = negative_elbo(vae, data.x_test)
print(f"trained in {sum(history.seconds):.0f} s")
print(f"20-D VAE, test negative ELBO: {scores['negative_elbo']:.1f} nats per image "
      f"= {scores['reconstruction']:.1f} reconstruction + {scores['kl']:.1f} KL")

# %% [markdown]
# ## Which dimensions of the code are used?
#
# Posterior collapse can also strike one dimension at a time: a dimension whose encoder answers
# the prior, $\mu_j = 0$ and $\sigma_j = 1$, for every image costs no KL and carries nothing.
# Burda, Grosse and Salakhutdinov {cite}`burda2016` count the *active units* by how much the
# posterior mean of a dimension varies across the data, $\operatorname{Var}_x\big(
# \mathbb{E}_{q_\phi(z \mid x)}[z_j]\big)$, active when above $0.01$. Below, that activity and
# each dimension's share of the KL term, on the test images.

# %%
with torch.no_grad():
    test_mu, test_logvar = vae.posterior(data.x_test)
activity = test_mu.var(dim=0)
kl_per_dimension = (0.5 * (test_mu.pow(2) + test_logvar.exp() - 1 - test_logvar)).mean(dim=0)
active = activity > 0.01
print(f"{int(active.sum())} of {vae.embedding_dim} dimensions active; KL per dimension, in nats:")
print(", ".join(f"{v:.2f}" for v in kl_per_dimension.sort(descending=True).values.tolist()))

# %% tags=["hide-cell"]
def ranks(values):
    return values.argsort().argsort().float()


rank_correlation = torch.corrcoef(torch.stack([ranks(activity), ranks(kl_per_dimension)]))[0, 1]
claim(torch.allclose(kl_per_dimension.sum(), torch.tensor(scores["kl"]), rtol=1e-3),
      "the dimensions' KL adds up to the KL term", by_dimension=kl_per_dimension.sum(), total=scores["kl"])
if settings.dataset == "mnist":
    claim(kl_per_dimension.max() < 3 * kl_per_dimension.min(),
          "on MNIST every dimension carries a share of the KL term within a factor of three of any other's",
          largest=kl_per_dimension.max(), smallest=kl_per_dimension.min())
else:
    claim(kl_per_dimension.max() > 10 * kl_per_dimension.min(),
          "on Fashion-MNIST the largest share of the KL term is more than ten times the smallest",
          largest=kl_per_dimension.max(), smallest=kl_per_dimension.min())
claim(rank_correlation > 0.8, "the dimensions that carry little KL are those whose means hardly move",
      spearman_rank_correlation=rank_correlation)

# %% [markdown]
# How evenly the KL term is spread depends on the data. On MNIST, with this chapter's training,
# every dimension carries a share within a factor of three of any other's: no dimension has
# collapsed to the prior. On Fashion-MNIST the shares differ by far more than a factor of ten:
# the encoder uses some directions of the code much more than others and leaves the least used
# close to the prior, where they cost little. On both, the dimensions that carry less of the KL
# term are the ones whose posterior means move less from image to image. How many pass the
# threshold of $0.01$ depends on the data, the code size and the training; the count above is
# this run's.

# %% [markdown]
# ## What "nats per image" means
#
# A nat is the unit of information measured with natural logarithms ($1$ nat $= 1/\ln 2
# \approx 1.44$ bits). The reconstruction term is how many nats the decoder needs to describe
# the image once it knows the code; the KL term is the price of sending the code, and it bounds
# how much information the code carries about the image. Averaged over the data it splits into
# two parts {cite}`hoffman2016`, $\mathbb{E}_x \operatorname{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big)
# = I_q(x; z) + \operatorname{KL}\big(q_\phi(z) \,\|\, p(z)\big)$: the mutual information between
# images and codes under the encoder, plus how far the codes of all images together, $q_\phi(z)
# = \mathbb{E}_x\, q_\phi(z \mid x)$, are from the prior. So it is an upper bound on the
# information, equal to it only when the codes of the whole data set follow the prior exactly.
# Because the ELBO is a lower bound on
# $\log p_\theta(x)$, their sum, the negative ELBO, is an **upper bound** on $-\log p_\theta(x)$,
# the number of nats the model needs for a test image: smaller is better, and the true value is
# lower, by an amount measured at the end of the chapter.
#
# One caution. A Bernoulli decoder describes pixels that are 0 or 1, while ours are grey levels
# in $[0, 1]$, used as targets of the cross-entropy. That is how VAEs are usually trained on
# MNIST, but the cross-entropy of a grey pixel can never reach zero: even a decoder that outputs
# every pixel's exact grey level pays its binary entropy. The cell below computes that floor for
# the test images.

# %%
x = data.x_test
floor = (torch.special.entr(x) + torch.special.entr(1 - x)).flatten(1).sum(dim=1).mean()
print(f"a perfect decoder's cross-entropy on these grey-level images: {floor:.1f} nats per image")

# %% [markdown]
# So these numbers are not log-likelihoods of a distribution over grey images. They do say
# something about binary images, though. The cross-entropy is linear in its target, so for the
# binary image $b$ made by flipping a coin with each pixel's grey level, $b_i \sim
# \operatorname{Bernoulli}(x_i)$, the average of $-\log p_\theta(b \mid z)$ over the coin flips is
# exactly the grey-level cross-entropy. The grey-level negative ELBO is therefore the average of
# negative ELBOs of such binary images, each computed with the grey image's posterior
# $q_\phi(z \mid x)$ and each still an upper bound on $-\log p_\theta(b)$, because the ELBO is a
# lower bound whatever distribution of codes it averages over: it bounds the
# expected negative log-likelihood of *dynamically binarised* test images, the quantity papers on
# binarised MNIST report. The comparison is loose (those models are trained on binary images,
# this one on grey levels), but it is not meaningless; exercise 4 trains on binary images. Within
# this chapter we compare models scored the same way.

# %% [markdown]
# ## Two latent spaces side by side
#
# To see the latent space we train a VAE with a two-number code, `vae2d`, on the same images for
# the same number of epochs, and compare its codes with the plain autoencoder's. The code of an
# image is now the mean $\mu_\phi(x)$ of its posterior (what `embed` returns). The dashed circle
# has radius 2: it holds $1 - e^{-2} \approx 86\%$ of the prior's mass.

# %%
torch.manual_seed(0)
vae2d = VAE(embedding_dim=2).start_at_mean(x_train)
fit(vae2d, x_train, test=data.x_test, **recipe)
vae_codes = vae2d.embed(data.x_test)  # posterior means, (N, 2)
print(f"standard deviation of the codes, per dimension: autoencoder {ae_codes.std(dim=0).numpy().round(2)}, "
      f"VAE {vae_codes.std(dim=0).numpy().round(2)}")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
class_scatter(ae_codes, data.y_test, data.classes, ax=left, title="plain autoencoder")
class_scatter(vae_codes, data.y_test, data.classes, ax=right, title="VAE (posterior means)")
right.add_patch(plt.Circle((0, 0), 2, fill=False, linestyle="--", color="black"))
right.set_aspect("equal", adjustable="datalim")
left.get_legend().remove()
show(fig, "The test codes of the plain autoencoder (left) and the VAE's posterior means (right), "
     "each class named at its median, with a dashed circle of radius 2 around the VAE's origin. "
     "The autoencoder's codes spread over a wide range in clusters of very different size; the "
     "VAE's sit around the origin on roughly the prior's scale, the classes packed against each "
     "other.")

# %% [markdown]
# The autoencoder's codes spread over whatever range suits it, in clusters of very different
# size and density. The VAE's codes sit around the origin on roughly the prior's scale, with the
# classes packed against each other (the printed standard deviations compare the two). The KL
# term explains the difference: it charges for every code far from the origin, and for every
# posterior narrower than the prior. Each posterior keeps a non-zero width, so it blurs its
# image's code over a neighbourhood, and the decoder must draw something sensible all around
# each code: a gap between clusters narrower than the posteriors would cost reconstruction
# error, so such gaps close (wider ones need not). The match
# is not exact. If the codes of all images together followed the prior, the means alone would
# have a standard deviation below 1 in every direction (the posterior widths make up the rest);
# values above 1 show where the two differ, the holes measured below.

# %% tags=["hide-cell"]
vae_scale, ae_scale = vae_codes.std(dim=0), ae_codes.std(dim=0)
claim(vae_scale.max() < ae_scale.min() / 2, "the VAE's codes lie on a much smaller scale than the autoencoder's",
      vae_std=vae_scale.numpy().round(2), autoencoder_std=ae_scale.numpy().round(2))
claim(bool((vae_scale < 2).all()), "the VAE's codes lie on roughly the prior's scale", vae_std=vae_scale.numpy().round(2))
claim(vae_codes.mean(dim=0).norm() < 0.5, "the VAE's codes sit around the origin",
      distance_of_their_mean=vae_codes.mean(dim=0).norm())

# %% [markdown]
# ## Sampling from the prior
#
# Generating is now one line: draw $z \sim \mathcal{N}(0, I)$ and decode it. Compare these 20
# samples with the plain autoencoder's images above. What is shown, here and in every sample of
# the course, is the decoder's mean $\mathbb{E}[x \mid z]$, the probability of each pixel being
# on; a draw from $p_\theta(x \mid z)$ itself would flip a coin for every pixel and look like
# binary speckle around that mean.

# %%
torch.manual_seed(1)
show(image_grid(vae2d.generate(torch.randn(20, 2)), ncols=10),
     "Twenty images the VAE's decoder makes of codes drawn from the standard normal prior.")
vae_among = among(torch.randn(2000, 2), vae_codes)
print(f"prior samples among the VAE's test codes: {vae_among:.0%} "
      f"(codes from the Gaussian fitted to the autoencoder: {ae_among:.0%})")

# %% tags=["hide-cell"]
claim(vae_among < 1, "some prior samples land away from every test code", share_among=vae_among)

# %% [markdown]
# The prior is fixed before training, and training only pulls the codes towards it, so some of
# its samples land where no test code lies: the VAE has holes of its own, where the codes of the
# whole data set, the *aggregate posterior*, leave part of the prior uncovered. The printed
# shares compare the two generators by this one measure, which is lenient: it counts a code as
# covered when it lies about as close to some test code as the test codes lie to each other, so
# it sees only the widest gaps. Comparing densities instead, as below, finds far more of the
# prior uncovered. Neither says how good the images look, which the last section of the chapter
# measures.

# %% [markdown]
# ### The aggregate posterior against the prior
#
# The holes can be measured. The aggregate posterior of the $N$ test images is the mixture of
# their posteriors, $q_\phi(z) = \frac1N \sum_{n=1}^{N} q_\phi(z \mid x_n)$: the distribution of
# the codes the encoder gives the data, each image's width included. Were it equal to the prior,
# codes drawn from the prior would be distributed like those of real images. Both are mixtures of
# Gaussians with diagonal covariance (the prior a mixture of one), so the mass each puts in a
# rectangle is exact: for $\mathcal{N}(\mu, \operatorname{diag} \sigma^2)$ in two dimensions it is
# $\prod_{j=1}^{2} \big[\Phi\big(\tfrac{b_j - \mu_j}{\sigma_j}\big) -
# \Phi\big(\tfrac{a_j - \mu_j}{\sigma_j}\big)\big]$ for the rectangle $[a_1, b_1] \times [a_2, b_2]$,
# with $\Phi$ the standard normal distribution function, and a mixture's mass is the average of
# its components'. We compute both masses for each cell of an 80 by 80 grid over $[-4, 4]^2$,
# which holds all but about a ten-thousandth of the prior's mass, and call a cell a *hole* when
# the aggregate posterior puts less than half the prior's mass in it.

# %%
def cell_masses(mu, sigma, edges):
    """Mass in each cell of the grid edges x edges of the mixture of N(mu_n, diag sigma_n^2):
    means and standard deviations (N, 2) -> masses (cells, cells), indexed [z1 cell, z2 cell]."""
    cdf = Normal(mu[:, :, None], sigma[:, :, None]).cdf(edges)  # (N, 2, cells + 1)
    per_axis = cdf[..., 1:] - cdf[..., :-1]  # (N, 2, cells): each interval's mass, per axis
    return per_axis[:, 0].T @ per_axis[:, 1] / len(mu)


def aggregate_posterior(vae, x, edges):
    """Cell masses of the aggregate posterior of the images x and of the prior N(0, I)."""
    with torch.no_grad():
        mu, logvar = (t.cpu() for t in vae.posterior(x.to(vae.device)))
    prior = cell_masses(torch.zeros(1, 2), torch.ones(1, 2), edges)
    return cell_masses(mu, (0.5 * logvar).exp(), edges), prior


def hole_share(q, p):
    """Share of the prior's mass in the holes, the cells where q has less than half of p's mass."""
    return p[q < p / 2].sum().item()


edges = torch.linspace(-4, 4, 81)
q_cells, p_cells = aggregate_posterior(vae2d, data.x_test, edges)
holes = hole_share(q_cells, p_cells)
print(f"share of the prior's mass in holes: {holes:.0%}; "
      f"share of the aggregate posterior's mass there: {q_cells[q_cells < p_cells / 2].sum():.0%}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
area, centres = (edges[1] - edges[0]) ** 2, (edges[1:] + edges[:-1]) / 2
in_hole = (q_cells < p_cells / 2).T.float()  # [z2 cell, z1 cell], as imshow and contour want it
titles = ("prior N(0, I), holes hatched", "aggregate posterior of the test images")
for ax, mass, title in zip(axes, (p_cells, q_cells), titles):
    image = ax.imshow((mass / area).T, origin="lower", extent=(-4, 4, -4, 4), vmin=0,
                      vmax=(p_cells / area).max().item(), cmap="viridis")
    ax.contour(centres, centres, in_hole, levels=[0.5], colors="white", linewidths=1)
    ax.add_patch(plt.Circle((0, 0), 2, fill=False, linestyle="--", color="black"))
    ax.set(title=title, xlabel="$z_1$", ylabel="$z_2$")
    ax.grid(False)
axes[0].contourf(centres, centres, in_hole, levels=[0.5, 1.5], colors="none", hatches=["///"])
fig.colorbar(image, ax=axes, label="density (above the prior's peak: same colour)")
show(fig, "The density of the prior (left) and of the 2-D VAE's aggregate posterior, the mixture of "
     "the test images' posteriors (right), on the same colour scale, each with the dashed circle of "
     "radius 2 and white lines around the holes, the cells where the aggregate posterior has less "
     "than half the prior's mass; on the left the holes are hatched. The prior is one smooth bump; "
     "the aggregate posterior is denser than the prior's peak in places and sparse in others, and "
     "the holes reach inside the circle, over a large part of the prior's bump.")

# %% tags=["hide-cell"]
radius_of_cell = (centres[:, None] ** 2 + centres[None, :] ** 2).sqrt()  # [z1 cell, z2 cell]
holes_inside = p_cells[(q_cells < p_cells / 2) & (radius_of_cell < 2)].sum().item()
claim(holes > 0.25, "a large share of the prior's mass lies in holes", hole_share=holes)
claim(holes_inside > 0.15,
      "the holes reach inside the circle of radius 2, over a large part of the prior's bump",
      prior_mass_in_holes_inside_the_circle=holes_inside)
claim(q_cells.max() > p_cells.max(), "in places the aggregate posterior is denser than the prior's peak",
      densest_cell=q_cells.max(), prior_peak_cell=p_cells.max())

# %% [markdown]
# The prior is one smooth bump. The aggregate posterior is denser than the prior's peak in places
# and sparse in others: the two have the same total mass, so whatever the codes pile up in one
# region they take from another. The holes reach inside the circle of radius 2, over a large part
# of the prior's bump, and hold a large share of the prior's mass, printed above: a code drawn
# from the prior lands in a hole that often, where the codes of real images are sparse and the
# decoder saw few of them in training. A VAE's prior is a target its codes are pulled towards,
# not a description of where they are.

# %% [markdown]
# The decoded grids show the whole of each latent plane: on the left the plain autoencoder's,
# over the box that holds most of its codes; on the right the VAE's, over the square
# $[-2.5, 2.5]^2$ that holds most of the prior's mass.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 6), layout="constrained")
latent_grid(autoencoder, code_extent(ae_codes), n=16, ax=left)
latent_grid(vae2d, (-2.5, 2.5, -2.5, 2.5), n=16, ax=right)
left.set_title("plain autoencoder, box of its codes")
right.set_title("VAE, square of the prior")
show(fig, "The images decoded from a 16 by 16 grid of codes over the plain autoencoder's box of "
     "codes (left) and over the VAE's square from -2.5 to 2.5 (right): both change gradually from "
     "one image to the next, with blends where classes meet.")

# %% [markdown]
# How blurred an image is can be put in a number: the mean binary entropy of its pixel values,
# read as probabilities (zero where a pixel is surely on or off, largest for a grey pixel of one
# half).

# %%
def pixel_entropy(images):
    """Mean binary entropy of pixel probabilities, in nats: 0 when sure, log 2 at one half."""
    return (torch.special.entr(images) + torch.special.entr(1 - images)).mean().item()


plane_blur = {"plain autoencoder": pixel_entropy(autoencoder.generate(grid_codes(code_extent(ae_codes), 16))),
              "VAE": pixel_entropy(vae2d.generate(grid_codes((-2.5, 2.5, -2.5, 2.5), 16)))}  # the planes above
print("mean pixel entropy of each decoded plane:", {name: round(v, 4) for name, v in plane_blur.items()})

# %% tags=["hide-cell"]
blur_ratio = plane_blur["VAE"] / plane_blur["plain autoencoder"]
if settings.dataset == "mnist":
    claim(blur_ratio > 1.1, "on MNIST the VAE's plane is the more blurred (by more than 10%)",
          vae=plane_blur["VAE"], autoencoder=plane_blur["plain autoencoder"], ratio=blur_ratio)
else:
    claim(0.9 < blur_ratio < 1.1, "on Fashion-MNIST the two planes are about equally blurred (within 10%)",
          vae=plane_blur["VAE"], autoencoder=plane_blur["plain autoencoder"], ratio=blur_ratio)

# %% [markdown]
# Both planes change gradually from one image to the next, with blends where classes meet. By the entropies above, the VAE's plane is the more blurred on
# MNIST, while on Fashion-MNIST the two are about equally blurred. Both decoders draw averages:
# the plain autoencoder the image of least squared error for a code, the VAE the probability of
# each pixel being on. Look for weak spots in the VAE's square, faint or blended images, where
# the hole map above shows parts of the prior that few codes use. The difference that matters is not in these pictures: the VAE's square is fixed by its
# prior before training, while the autoencoder's box had to be read off its codes afterwards.
#
# The panel below decodes any point of the VAE's square in your browser, from the trained
# decoder's weights: move the pointer over the plane (or focus it and press the arrow keys) and
# watch the image change as the code crosses from one class's region into the next.

# %%
latent_explorer(vae2d, vae_codes, data.y_test, data.classes, extent=(-2.5, 2.5, -2.5, 2.5))

# %% [markdown]
# ## Interpolating between two images
#
# Take two test images of different classes, encode each, and decode ten codes evenly spaced on
# the straight line between the two codes, $z(t) = (1 - t)\, z_a + t\, z_b$ for $t$ from 0 to 1.
# We do it with both models; the top row shows the two original images at the ends.

# %%
a = int((data.y_test == 2).nonzero()[0])  # the first test image of class 2
b = int((data.y_test == 7).nonzero()[0])  # the first test image of class 7
t = torch.linspace(0, 1, 10)[:, None]  # (10, 1)
blank = torch.full((8, 1, 28, 28), float("nan"))  # image_rows leaves an all-NaN image out
rows = {"originals": torch.cat([data.x_test[a : a + 1], blank, data.x_test[b : b + 1]])}
for name, model, codes in (("autoencoder", autoencoder, ae_codes), ("VAE", vae2d, vae_codes)):
    rows[name] = model.generate((1 - t) * codes[a] + t * codes[b])  # (10, 1, 28, 28)
show(image_rows(rows, n=10),
     f"Top row, the first test images of classes {data.classes[2]} and {data.classes[7]}, at the "
     "two ends; below, the ten images decoded along the straight line between their codes, for "
     "the plain autoencoder and for the VAE. Both paths change gradually and may pass through a "
     "third class on the way.")

# %% [markdown]
# Both paths change gradually, and both may pass through a third class on the way, because a
# straight line in a two-dimensional plane crosses whatever lies between two clusters. Both use
# two-number codes, so both ends are only rough reconstructions of the originals; with so small a
# code, an end can even come back as another class. A VAE does not promise a better path between
# two particular images; what it gives is a plane on a known scale around the origin, though, as
# the hole map showed, not one without gaps.

# %% [markdown]
# ## The weight of the KL term
#
# Multiplying the KL term by a weight $\beta$ trades reconstruction against regularity; a
# $\beta$ above 1 is the {term}`beta-VAE <beta-VAE>` of {cite}`higgins2017`, which looks for
# codes whose dimensions capture separate factors of the images. A small $\beta$ behaves more
# like a plain autoencoder; a large one pushes every posterior towards the prior, at the price of
# larger reconstruction errors. `vae2d` is the $\beta = 1$ case; we train two more 2-D VAEs the
# same way with $\beta = 0.25$ and $\beta = 4$, and score all three on the test set by the same
# two terms, with the root mean square distance of their test codes from the origin and the share
# of the prior's mass in holes, measured as above.

# %%
betas = {0.25: None, 1.0: vae2d, 4.0: None}
for beta in betas:
    if betas[beta] is None:
        torch.manual_seed(0)
        betas[beta] = VAE(embedding_dim=2, beta=beta).start_at_mean(x_train)
        fit(betas[beta], x_train, **recipe)
beta_scores = {beta: negative_elbo(model, data.x_test) for beta, model in betas.items()}
radius = {beta: model.embed(data.x_test).pow(2).sum(dim=1).mean().sqrt().item()
          for beta, model in betas.items()}
beta_holes = {beta: hole_share(*aggregate_posterior(model, data.x_test, edges))
              for beta, model in betas.items()}
Table([{"beta": beta, "reconstruction": result["reconstruction"], "KL": result["kl"],
        "negative ELBO": result["negative_elbo"], "code radius": radius[beta],
        "prior mass in holes": beta_holes[beta]} for beta, result in beta_scores.items()],
      {"reconstruction": ".1f", "KL": ".2f", "negative ELBO": ".1f", "code radius": ".2f",
       "prior mass in holes": ".0%"},
      caption="Nats per test image; the code radius is the root mean square length of the codes")

# %% tags=["hide-cell"]
kl = {beta: result["kl"] for beta, result in beta_scores.items()}
reconstruction = {beta: result["reconstruction"] for beta, result in beta_scores.items()}
claim(kl[0.25] > kl[1.0] > kl[4.0], "as beta grows, the KL term shrinks", **{f"kl_{b}": v for b, v in kl.items()})
claim(reconstruction[4.0] > max(reconstruction[0.25], reconstruction[1.0]),
      "the reconstruction term is largest at beta = 4", **{f"rec_{b}": v for b, v in reconstruction.items()})
claim(radius[0.25] > radius[1.0] > radius[4.0], "the codes contract towards the origin as beta grows",
      **{f"radius_{b}": v for b, v in radius.items()})
claim(beta_holes[0.25] > beta_holes[1.0] > beta_holes[4.0], "the prior's mass in holes shrinks as beta grows",
      **{f"holes_{b}": v for b, v in beta_holes.items()})

# %% [markdown]
# The top row shows each model's test codes on the same axes, the bottom row what its decoder
# draws over the prior's square.

# %%
fig, axes = plt.subplots(2, 3, figsize=(14, 9.5), layout="constrained")
limit = max(abs(v) for model in betas.values() for v in code_extent(model.embed(data.x_test), 0.002))
for (beta, model), top, bottom in zip(betas.items(), axes[0], axes[1]):
    class_scatter(model.embed(data.x_test), data.y_test, data.classes, ax=top, title=f"beta = {beta}")
    top.add_patch(plt.Circle((0, 0), 2, fill=False, linestyle="--", color="black"))
    top.set_xlim(-limit, limit), top.set_ylim(-limit, limit), top.set_aspect("equal")
    top.get_legend().remove()
    latent_grid(model, (-2.5, 2.5, -2.5, 2.5), n=12, ax=bottom)
fig.legend(*top.get_legend_handles_labels(), loc="outside right center", markerscale=3, frameon=False)
show(fig, "Top row, the test codes of the VAEs with beta = 0.25, 1 and 4 on the same axes, each "
     "with the dashed circle of radius 2: the codes contract towards the origin as beta grows. "
     "Bottom row, what each decoder draws over the prior's square from -2.5 to 2.5.")

# %% [markdown]
# To compare the decoded squares with a number, we decode the same grid of codes with each model
# and measure how blurred its images are by their mean pixel entropy, as for the two planes above.

# %%
square = grid_codes((-2.5, 2.5, -2.5, 2.5), 12)  # the 144 codes of the grids above
decoded = {beta: model.generate(square) for beta, model in betas.items()}
blur = {beta: pixel_entropy(images) for beta, images in decoded.items()}
print("mean pixel entropy of each decoded square:", {beta: round(v, 4) for beta, v in blur.items()})

# %% tags=["hide-cell"]
claim(blur[0.25] > max(blur[1.0], blur[4.0]), "the beta = 0.25 square is the most blurred of the three",
      **{f"beta_{b}": v for b, v in blur.items()})
claim(blur[4.0] < 1.02 * blur[1.0], "the beta = 4 square is no more blurred than the beta = 1 square",
      beta_1=blur[1.0], beta_4=blur[4.0])

# %% [markdown]
# Read the KL column from top to bottom: as $\beta$ grows, the KL term, an upper bound on the
# information the codes carry about the images, shrinks. The reconstruction column pays for it
# at $\beta = 4$, where it is largest. Between $\beta = 0.25$ and $1$ the order is not
# guaranteed: at exact optima on the training images, the reconstruction term cannot fall and
# the KL term cannot rise as $\beta$ grows (compare each optimum's loss at the other $\beta$), but
# these are test images and optima found by a short run (the column shows this run's order). The
# code radius shrinks with $\beta$: the scatter plots contract towards the prior's circle. So
# does the share of the prior's mass in holes: a heavier KL term pulls the aggregate posterior
# closer to the prior and leaves fewer of its regions uncovered.
#
# The decoded squares do not simply get blurrier as $\beta$ grows. By the entropies, the
# $\beta = 0.25$ square is the most blurred of the three and the $\beta = 4$ square is about as
# blurred as the $\beta = 1$ square or less (within 2%). At $\beta = 4$ the reconstructions are worse, as the
# reconstruction column says, but the decoded codes of the prior's square are not blurrier.
#
# Which losses are bounds? For $\beta \ge 1$ the training loss is still an upper bound on
# $-\log p_\theta(x)$, because the KL term is never negative and weighting it more only loosens
# the bound; for $\beta < 1$ the loss can fall below $-\log p_\theta(x)$ and is a bound no more.
# The negative ELBO column scores all three models by the same $\beta = 1$ bound. Values other
# than 1 are useful when one side of the trade matters more than the likelihood.

# %% [markdown]
# ## Test negative ELBO
#
# The headline numbers of this chapter, in nats per test image (smaller is better), each a
# one-sample estimate of an upper bound on the model's $-\log p_\theta(x)$ (for grey images, read
# as the bound on binarised images explained above):

# %%
Table([{"model": name, "negative ELBO": result["negative_elbo"], "reconstruction": result["reconstruction"],
        "KL": result["kl"]} for name, result in (("VAE, 20-D code", scores), ("VAE, 2-D code", beta_scores[1.0]))],
      dict.fromkeys(["negative ELBO", "reconstruction", "KL"], ".1f"), caption="Nats per test image")

# %% tags=["hide-cell"]
two_d = beta_scores[1.0]
claim(scores["reconstruction"] < two_d["reconstruction"] and scores["kl"] > two_d["kl"],
      "the 20-D code buys a smaller reconstruction term with a larger KL term",
      rec_20=scores["reconstruction"], rec_2=two_d["reconstruction"], kl_20=scores["kl"], kl_2=two_d["kl"])
claim(scores["negative_elbo"] < two_d["negative_elbo"], "the 20-D VAE's total is lower",
      nelbo_20=scores["negative_elbo"], nelbo_2=two_d["negative_elbo"])

# %% [markdown]
# The 20-D code buys a much smaller reconstruction term with a larger KL term, and the total is
# lower: two numbers cannot carry the details of slant, thickness and shape that twenty can.

# %% [markdown]
# ## How loose is the bound?
#
# The gap between the ELBO and $\log p_\theta(x)$ is $\operatorname{KL}\big(q_\phi(z \mid x)
# \,\|\, p_\theta(z \mid x)\big)$, and it can be measured. Write the likelihood as an expectation
# under the encoder, $p_\theta(x) = \mathbb{E}_{q_\phi(z \mid x)}\big[p_\theta(x \mid z)\, p(z) /
# q_\phi(z \mid x)\big]$, and estimate it with $K$ codes $z_k \sim q_\phi(z \mid x)$:
#
# $$
# \log p_\theta(x) \approx \log \frac{1}{K} \sum_{k=1}^{K}
# \frac{p_\theta(x \mid z_k)\, p(z_k)}{q_\phi(z_k \mid x)}.
# $$
#
# By Jensen's inequality the expected value of the right-hand side is a lower bound on
# $\log p_\theta(x)$ for every $K$; with $K = 1$ it is the ELBO. The expected bound never falls
# as $K$ grows, and it converges to $\log p_\theta(x)$ when the weights
# $p_\theta(x, z) / q_\phi(z \mid x)$ are bounded {cite}`burda2016` (who also trained with it: the
# importance weighted autoencoder). `aelib.importance_sampled_nll` computes its negative, in nats per image,
# on the first test images. Its $K = 1$ column is a one-sample estimate of the ELBO on these
# images, so it differs a little from the table's ELBO above (all test images, the KL term in
# closed form); the two agree in expectation.
#
# A two-number code allows a second route, with no sampling at all: add up $p_\theta(x \mid z)
# \, p(z)$ over a fine grid of codes, times the area of a grid cell. The sum covers the square
# $[-5, 5]^2$, which is enough when $p_\theta(x \mid z)\, p(z)$ has nearly all its mass inside
# it, as a sum over a wider square checks; and a sum over a grid of smooth bumps is accurate once
# the cells are small next to the bumps, which two grid sizes check.

# %%
def grid_nll(vae, x, n, radius=5.0):
    """-log p(x) per image of a VAE with a 2-number code, by a sum over an n x n grid of codes."""
    ticks = torch.linspace(-radius, radius, n)
    codes = torch.cartesian_prod(ticks, ticks)  # (n * n, 2)
    with torch.no_grad():
        logits = torch.cat([vae.logits(chunk).flatten(1) for chunk in codes.split(10_000)])
    log_p, log_not_p = F.logsigmoid(logits), F.logsigmoid(-logits)  # log p_i, log(1 - p_i)
    log_prior_mass = Normal(0.0, 1.0).log_prob(codes).sum(1) + 2 * torch.log(ticks[1] - ticks[0])
    nll = []
    for images in x.flatten(1).split(250):
        log_likelihood = images @ log_p.T + (1 - images) @ log_not_p.T  # (images, codes)
        nll.append(-torch.logsumexp(log_likelihood + log_prior_mass, dim=1))
    return torch.cat(nll)


x_eval = data.x_test[: settings.samples(500)]
sample_counts = (1, 10, 100, 1000) if not settings.smoke else (1, 2)
likelihood = {name: {K: importance_sampled_nll(model, x_eval, K) for K in sample_counts}
              for name, model in (("VAE, 20-D code", vae), ("VAE, 2-D code", vae2d))}
coarse, fine = grid_nll(vae2d, x_eval, 150).mean().item(), grid_nll(vae2d, x_eval, 300).mean().item()
rows = [{"model": name, **{f"K = {K}": value for K, value in estimates.items()},
         "grid of codes": fine if name == "VAE, 2-D code" else "-"} for name, estimates in likelihood.items()]
Table(rows, dict.fromkeys([*rows[0]][1:], ".2f"),
      caption=f"-log p(x) in nats per image on {len(x_eval):,} test images, estimated with K codes per image")

# %% tags=["hide-cell"]
for name, estimates in likelihood.items():
    values = list(estimates.values())
    claim(all(a > b for a, b in itertools.pairwise(values)), f"{name}: the estimate falls as K grows",
          **{f"K_{K}": v for K, v in estimates.items()})
two_d_estimates = likelihood["VAE, 2-D code"]
claim(abs(coarse - fine) < 0.05, "the sums over two grid sizes agree", grid_150=coarse, grid_300=fine)
wider = grid_nll(vae2d, x_eval, 360, radius=6.0).mean().item()  # the same cell size over [-6, 6]^2
claim(abs(wider - fine) < 0.05, "the square holds nearly all of p(x): a wider one gives the same value",
      square_5=fine, square_6=wider)
claim(fine < two_d_estimates[sample_counts[-1]], "the importance-sampled estimates stay above the grid's value",
      grid=fine, largest_K=two_d_estimates[sample_counts[-1]])
claim(two_d_estimates[1] - two_d_estimates[sample_counts[-1]] > two_d_estimates[sample_counts[-1]] - fine,
      "the largest K closes more of the 2-D VAE's gap than it leaves",
      elbo=two_d_estimates[1], largest_K=two_d_estimates[sample_counts[-1]], grid=fine)

# %% [markdown]
# Every row falls as $K$ grows: the ELBO ($K = 1$) is loose for both models, by an amount that
# depends on the model and the data (compare the first column with the last ones). For the 2-D
# VAE, the grid gives the value the estimates approach, and the two grid sizes agree, so the sum
# has converged. A thousand codes per image close most of its gap but not all: when the
# encoder's Gaussian is narrower than the true posterior or shaped differently, the estimate
# leans on rare codes with large weights, and it converges slowly. The gap the ELBO leaves is
# the price of the encoder's approximation, and it is one reason the ELBO is a fair but
# pessimistic score: two models can differ by their encoders' fit rather than by how well they
# describe the images.

# %% [markdown]
# ## Which generator draws the best images?
#
# The ELBO scores how probable a model finds images, not how good its samples look, and the two
# can disagree: a model can assign a high likelihood and draw poor samples, or the reverse
# {cite}`theis2016`. To compare generators by their samples, the literature lets a classifier
# trained on real images judge them: the Inception score {cite}`salimans2016` rewards samples that
# the classifier assigns confidently to a class and that spread over many classes, and Ghosh and
# co-authors {cite}`ghosh2020` compared autoencoders with fitted densities and VAEs by the
# distance between a network's features of real and generated images. `aelib.SampleScorer` is a
# small version for 28 by 28 images: a fully connected classifier (784 → 128 → 10), trained on
# this chapter's training images and their labels (and on uniform noise, with equal
# probabilities for every class as its target, so that noise scores low), that reports two
# numbers for a set of images:
#
# - the **confidence**, the mean over the images of the classifier's probability for its top
#   class, $\frac1N \sum_{n=1}^{N} \max_c p(c \mid x_n)$: near 1 when every image looks clearly
#   like one class, lower for blends and blur;
# - the **class entropy**, the entropy in nats of the shares $s_c$ of the images predicted as each
#   class, $-\sum_c s_c \log s_c$: at most $\log 10 \approx 2.30$ for ten classes, reached when the
#   images spread evenly over them, and 0 when they all look like one class.
#
# A generator that draws one perfect image again and again scores full confidence and zero
# entropy; one that draws every class, but only as blurs, the reverse. Neither number sees
# everything (a classifier can be sure of an image no one would call a digit): they check what
# the pictures suggest, they do not replace looking at them.

# %%
y_train = data.y_train[: len(x_train)]
scorer = SampleScorer.fit(x_train, y_train)  # trained once, used for every generator below
scorer_accuracy = scorer.accuracy(data.x_test, data.y_test)
print(f"scorer trained in {sum(scorer.history.seconds):.1f} s ({scorer.history.epochs} epochs); "
      f"accuracy on the test images: {scorer_accuracy:.1%}")

# %% tags=["hide-cell"]
claim(scorer_accuracy > 0.8, "the classifier is right on most test images", accuracy=scorer_accuracy)

# %% [markdown]
# The classifier is right on most test images. We draw the same number of images from every
# generator of the chapter: the plain autoencoder's decoder with codes from the fitted Gaussian
# and from the mixture of ten, and the prior samples of the 2-D and 20-D VAEs and of the two
# other values of $\beta$; the test images themselves come first, for scale.

# %%
n_samples = settings.samples(2000)
torch.manual_seed(2)
generated = {
    "test images": data.x_test[:n_samples],
    "autoencoder + fitted Gaussian": autoencoder.generate(fitted.sample((n_samples,))),
    "autoencoder + mixture of 10": autoencoder.generate(mixture.sample((n_samples,))),
    "VAE, 2-D code (beta = 1)": vae2d.generate(torch.randn(n_samples, 2)),
    "VAE, 20-D code": vae.generate(torch.randn(n_samples, 20)),
    "VAE, 2-D code, beta = 0.25": betas[0.25].generate(torch.randn(n_samples, 2)),
    "VAE, 2-D code, beta = 4": betas[4.0].generate(torch.randn(n_samples, 2)),
}
quality = {name: scorer.score(images) for name, images in generated.items()}
Table([{"images": name, "confidence": result["confidence"], "class entropy": result["class_entropy"]}
       for name, result in quality.items()], {"confidence": ".3f", "class entropy": ".2f"},
      caption=f"A classifier's judgement of {n_samples:,} images of each kind; class entropy in nats, "
              "at most log 10 = 2.30")

# %%
show(image_rows({name: images[:10] for name, images in generated.items()}, size=0.75),
     "Ten images of each kind, one row each: test images, the plain autoencoder's samples from the "
     "fitted Gaussian and from the mixture of ten Gaussians, and the prior samples of the 2-D VAE, "
     "the 20-D VAE and the 2-D VAEs with beta = 0.25 and 4. The classifier's scores in the table "
     "above rank the rows: by them, the VAEs' rows hold more images it is unsure of than the "
     "autoencoder's.")

# %% tags=["hide-cell"]
confidence = {name: result["confidence"] for name, result in quality.items()}
entropy = {name: result["class_entropy"] for name, result in quality.items()}
samplers = [name for name in generated if name != "test images"]
ae_samplers = [name for name in samplers if name.startswith("autoencoder")]
vae_samplers = [name for name in samplers if name.startswith("VAE")]
claim(confidence["test images"] > max(confidence[name] for name in samplers)
      and entropy["test images"] > 0.95 * math.log(10),
      "the test images score the highest confidence and spread almost evenly over the classes",
      test_images=confidence["test images"], best_sampler=max(confidence[name] for name in samplers),
      class_entropy=entropy["test images"])
claim(min(confidence[name] for name in ae_samplers) > max(confidence[name] for name in vae_samplers),
      "both autoencoder generators draw images the classifier is surer of than any VAE's prior samples",
      **{name: confidence[name] for name in samplers})
claim(confidence["autoencoder + mixture of 10"] > confidence["autoencoder + fitted Gaussian"] - 0.01,
      "the mixture of ten does at least as well as the single Gaussian (within 0.01)",
      mixture=confidence["autoencoder + mixture of 10"], gaussian=confidence["autoencoder + fitted Gaussian"])
claim(min(entropy[name] for name in ae_samplers) > entropy["VAE, 2-D code (beta = 1)"],
      "the autoencoder's samples spread over the classes more evenly than the 2-D VAE's",
      **{name: entropy[name] for name in [*ae_samplers, "VAE, 2-D code (beta = 1)"]})
claim(scores["negative_elbo"] < min(result["negative_elbo"] for result in beta_scores.values()),
      "the 20-D VAE has the best ELBO of the chapter", vae_20d=scores["negative_elbo"],
      **{f"beta_{b}": result["negative_elbo"] for b, result in beta_scores.items()})
claim(entropy["VAE, 20-D code"] > entropy["VAE, 2-D code (beta = 1)"],
      "the 20-D VAE's samples spread more evenly over the classes than the 2-D VAE's",
      vae_20d=entropy["VAE, 20-D code"], vae_2d=entropy["VAE, 2-D code (beta = 1)"])
claim(min(samplers, key=entropy.get) == "VAE, 2-D code, beta = 0.25",
      "the beta = 0.25 samples spread least evenly over the classes of all the generators",
      **{name: entropy[name] for name in samplers})

# %% [markdown]
# The test images set the scale: the classifier is surest of them, and they spread almost
# evenly over the ten classes. Every generator falls short of them, and the plain autoencoder
# comes out ahead of the VAEs: with either fitted density it draws images the classifier is
# surer of than any VAE's prior samples, spread over the classes more evenly than the 2-D VAE's,
# and the mixture of ten does about as well as the single Gaussian or better (within 0.01). That holds on MNIST and on
# Fashion-MNIST alike, and it is what Ghosh and co-authors {cite}`ghosh2020` found with larger
# models and other measures. So the pictures at the start of the chapter did not mislead: the
# autoencoder's samples from a fitted density look at least as good as the VAE's, and by this
# measure they are better.
#
# Likelihood and samples part ways too. The 20-D VAE has the best ELBO of the chapter, yet the
# classifier is less sure of its samples than of the plain autoencoder's, a model with no
# likelihood at all; they do spread over the classes more evenly than the 2-D VAE's. Among the
# 2-D VAEs, the $\beta = 0.25$ samples spread least evenly over the classes of all the
# generators: they concentrate on fewer of them.
#
# What the VAE offers, then, is not better samples by this measure. It is a generator and a
# density in one model, trained together: a distribution of codes fixed before training, a
# bound on the probability of every image, and codes pulled onto a known scale, with the holes
# measured above as the price of a prior that the codes cover unevenly.

# %% [markdown]
# ## Exercises
#
# **1. Twenty numbers.** Sample 30 images from the prior of the 20-D VAE `vae`. How do they
# compare with the 2-D VAE's samples? Put a number on blur with `pixel_entropy`.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# samples_20, samples_2 = vae.generate(torch.randn(30, 20)), vae2d.generate(torch.randn(30, 2))
# image_grid(samples_20, ncols=10)
# plt.show()
# sample_blur = {"20-D": pixel_entropy(samples_20), "2-D": pixel_entropy(samples_2)}
# print(f"mean pixel entropy of the samples: {sample_blur}")
# claim(sample_blur["20-D"] < sample_blur["2-D"], "the 20-D samples are less blurred than the 2-D ones",
#       **sample_blur)
# ```
#
# The 20-D samples are less blurred (the decoder is surer of its pixels): twenty numbers can
# carry slant, thickness and shape details that two numbers cannot. But many samples are blends
# or malformed, because the posteriors of the training images never
# cover the prior perfectly: in 20 dimensions there is a lot of room between them.
#
# </details>

# %% [markdown]
# **2. One sample or ten?** `negative_elbo` estimates the reconstruction term with a single
# sample of $z$ per image, drawn from a fixed seed so that a score repeats exactly. The model's
# own `vae2d.negative_elbo(x)` draws fresh samples at every call and returns the two terms per
# image: score the test set with it ten times and look at the spread of the ten averages. Is one
# sample per image enough for a test-set average?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# test_images = data.x_test.to(vae2d.device)
# with torch.no_grad():  # each call: the reconstruction term and the KL per image, summed, then averaged
#     runs = torch.stack([sum(vae2d.negative_elbo(test_images)).mean().cpu() for _ in range(10)])
# print(f"mean {runs.mean():.2f}, standard deviation {runs.std():.3f} nats per image")
# claim(runs.max() - runs.min() < 1 < runs.mean() / 100, "the ten results differ by less than a nat, of over 100",
#       spread=runs.max() - runs.min(), mean=runs.mean())
# ```
#
# The ten results differ by less than a nat, against a total of well over a hundred. The
# one-sample estimate is noisy for a single image, but the noise averages out over thousands of
# test images.
#
# </details>

# %% [markdown]
# **3. No KL at all.** Train a 2-D VAE with `beta=0` and decode 20 codes drawn from the prior.
# Plot its codes too. What went wrong, and why?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# no_kl = VAE(embedding_dim=2, beta=0.0).start_at_mean(x_train)
# fit(no_kl, x_train, **recipe)
# class_scatter(no_kl.embed(data.x_test), data.y_test, data.classes)
# plt.show()
# image_grid(no_kl.generate(torch.randn(20, 2)), ncols=10)
# plt.show()
# with torch.no_grad():
#     mu, logvar = (t.cpu() for t in no_kl.posterior(data.x_test.to(no_kl.device)))
# sigma, spread = (0.5 * logvar).exp().median(), mu.std(dim=0).max()
# print(f"median posterior standard deviation {sigma:.3f}; spread of the means {spread:.1f}")
# claim(sigma < 0.2, "without the KL term the posteriors shrink far below the prior's width",
#       median_sigma=sigma)
# claim(spread > 2, "the means spread over a range unrelated to the prior", largest_std=spread)
# ```
#
# Without the KL term nothing keeps the codes near the origin or the posteriors wide. The
# encoder shrinks its variances to make the sampled codes precise, and the means spread over a
# range that has nothing to do with $\mathcal{N}(0, I)$, so codes drawn from the prior land in a
# small, arbitrary part of the latent space. The model is back to a plain autoencoder with a
# little noise on its codes.
#
# </details>

# %% [markdown]
# **4. A true likelihood bound.** Binarise the images, so that the Bernoulli decoder describes
# them exactly: `x_binary = torch.bernoulli(x_train)` (each pixel is 1 with probability equal to
# its grey level). Train a 20-D VAE on them and score it on binarised test images. Compare the
# result with the grey-level negative ELBO of `vae` and with the floor computed above. Does
# binarising remove the floor? What does the new number mean?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# x_binary, test_binary = torch.bernoulli(x_train), torch.bernoulli(data.x_test)
# binary_vae = VAE(embedding_dim=20).start_at_mean(x_binary)
# fit(binary_vae, x_binary, test=test_binary, **recipe)
# binary = negative_elbo(binary_vae, test_binary)["negative_elbo"]
# print(f"binarised: {binary:.1f}, grey levels: {scores['negative_elbo']:.1f}, floor: {floor:.1f} nats")
# claim(binary > floor, "on binarised images the negative ELBO stays above the grey-level floor",
#       binarised=binary, floor=floor)
# claim(abs(binary - scores["negative_elbo"]) < 0.2 * floor, "the binarised result is close to the grey-level one",
#       binarised=binary, grey_levels=scores["negative_elbo"])
# ```
#
# The binarised result comes out close to the grey-level one, nowhere near the floor's size below it.
#
# Binarising does not remove the floor. Each binary pixel is a coin flip with the grey level as
# its probability, and no model can predict coin flips: whatever the model, the average of
# $-\log p_\theta(b)$ over the test images and their flips is at least the entropy of the
# binarised data, which is at least the average, over the test images, of the summed binary
# entropy of their grey levels: the floor. The negative ELBO, an upper bound on $-\log
# p_\theta(b)$, is larger still. A single binarised image can fall below the floor by luck; a
# test set of thousands does not. What changes is the meaning of the number: the
# Bernoulli decoder now describes the data exactly, so it is a genuine upper bound on
# $-\log p_\theta(b)$ under a distribution over binary images, the kind of number papers report
# for binarised MNIST (theirs are usually binarised afresh every epoch, "dynamically", where we
# binarised the training images once).
#
# </details>

# %% [markdown]
# ## Summary
#
# - A plain autoencoder has no distribution over codes. One fitted to its codes after training,
#   a Gaussian or a mixture of ten, lets it generate, and a classifier trained on real images is
#   surer of its samples than of any VAE's here, on MNIST and Fashion-MNIST; but the density is
#   not part of the model, and it gives no probability for an image.
# - A VAE's encoder outputs a Gaussian $q_\phi(z \mid x)$, a mean and a log-variance per code
#   dimension; the reparameterisation trick $z = \mu + \sigma \odot \varepsilon$ lets gradients
#   pass through the sampling.
# - The loss is the negative ELBO, $-\mathbb{E}_q[\log p_\theta(x \mid z)] +
#   \operatorname{KL}(q_\phi(z \mid x) \,\|\, \mathcal{N}(0, I))$: a binary cross-entropy in nats
#   plus a KL term with the closed form $\tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - 1 - \log
#   \sigma_j^2)$. It is an upper bound on $-\log p_\theta(x)$, in nats per image.
# - Its codes sit around the origin on about the prior's scale, so decoding samples from
#   $\mathcal{N}(0, I)$ generates new images; but the aggregate posterior, the codes of all the
#   data together, leaves holes where a large share of the prior's mass lies, fewer as $\beta$
#   grows.
# - Likelihood and sample quality are different scores: the 20-D VAE has the best ELBO of the
#   chapter, not the samples a classifier is surest of.
# - The weight $\beta$ trades reconstruction against regularity: larger $\beta$, a smaller KL
#   term, codes pulled closer to the origin and, at $\beta = 4$, larger reconstruction errors.
#
# **Next:** chapter 6 puts these models to work: denoising, anomaly detection, and a
# conditional VAE that draws the class you ask for.
