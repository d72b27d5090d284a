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
# makes the plain autoencoder a poor generator: pick a code at random and the decoder may draw
# nothing recognisable. The {term}`variational autoencoder <VAE>` {cite}`kingma2014,rezende2014`
# changes two things. Its encoder describes each image by a small cloud of codes instead of one
# point, and its loss pulls those clouds towards one fixed distribution, a standard normal. In
# exchange for a little reconstruction quality it becomes a generative model: draw a code from
# the standard normal, decode it, and out comes a new image.
#
# **In this chapter you will**
#
# - see why decoding random codes of a plain autoencoder gives poor images;
# - derive the VAE's loss, the {term}`ELBO <ELBO>`, step by step, with the closed-form
#   {term}`KL divergence <KL divergence>` to a standard normal, and check it numerically;
# - use the {term}`reparameterisation trick <Reparameterisation trick>` to train through a
#   random sample, and check the gradients it gives;
# - compare the 2-D latent spaces of an autoencoder and a VAE, sample new images and
#   interpolate between two test images;
# - measure the effect of the KL weight $\beta$ and the test negative ELBO in nats per image.
#
# **Prerequisites:** chapters 2 and 3; Gaussian distributions, expectations and logarithms.
#
# **Time:** about 45 minutes to read and run.

# %%
# On Colab, install the course's helper package; elsewhere this cell does nothing.
import subprocess, sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/autoencoders-course/autoencoders-course"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import torch
from torch.distributions import MultivariateNormal, Normal

import aelib
from aelib import VAE, MLPAutoencoder, fit, kl_to_standard_normal, negative_elbo
from aelib.explorer import latent_explorer
from aelib.plot import class_scatter, code_extent, image_grid, image_rows, latent_grid
from aelib.settings import settings
from aelib.vae import reparameterise

# %% [markdown]
# Every model in this chapter sees the same number of training images (about 250,000 passes
# of an image through the network), so the number of epochs follows from the size of the
# training set.

# %%
data = aelib.load_dataset()
x_train = data.x_train[: settings.samples(25_000)]
epochs = settings.epochs(max(1, 250_000 // len(x_train)))
print(f"{data.name}: training on {len(x_train):,} images for {epochs} epochs, "
      f"testing on {len(data.x_test):,}")

# %% [markdown]
# ## Random codes and a plain autoencoder
#
# We train a plain autoencoder with a two-number code (a fully connected one, which is quick).
# To generate with it we need a distribution of codes to draw from. The fairest simple choice is
# a Gaussian fitted to its own test codes (their mean and covariance): it puts new codes where
# the real ones are, on the same scale.

# %%
torch.manual_seed(0)
autoencoder = MLPAutoencoder(embedding_dim=2)  # 784 -> 512 -> 128 -> 2 -> 128 -> 512 -> 784
fit(autoencoder, x_train, test=data.x_test, epochs=epochs)
ae_codes = autoencoder.embed(data.x_test)  # (N, 2)
fitted = MultivariateNormal(ae_codes.mean(dim=0), torch.cov(ae_codes.T))
torch.manual_seed(1)
random_codes = fitted.sample((20,))  # (20, 2)

# %% [markdown]
# The scatter plot shows the test codes, coloured by class, and the 20 random codes as numbered
# black crosses; below it are the 20 images the decoder makes of them, with the same numbers.

# %%
fig, ax = plt.subplots(figsize=(8, 5.5), layout="constrained")
class_scatter(ae_codes, data.y_test, data.classes, ax=ax,
               title="Plain autoencoder: test codes and 20 codes drawn from a fitted Gaussian")
ax.scatter(*random_codes.T, marker="X", s=70, color="black", edgecolors="white", linewidths=0.8)
for i, (z1, z2) in enumerate(random_codes.tolist()):
    ax.annotate(str(i + 1), (z1, z2), xytext=(5, 3), textcoords="offset points", fontweight="bold")
plt.show()

# %%
image_grid(autoencoder.generate(random_codes), ncols=10, titles=[str(i + 1) for i in range(20)])
plt.show()

# %% [markdown]
# Codes that land inside a cluster decode to clean images. Codes that land between clusters, on
# a thin arm, or in the empty space the Gaussian covers around the codes decode to blends and
# smudges. The autoencoder was trained only to reconstruct its training images, so nothing told
# the decoder what to draw at a code no image was mapped to, and nothing made the codes fill
# any region evenly: its latent space has holes, and no simple distribution describes where the
# good codes are.

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
# real number, so the network needs no constraint to keep the variance positive). The standard
# VAE for MNIST {cite}`kingma2014` has one hidden layer of 400 units and a code of 20 numbers.

# %%
torch.manual_seed(0)
vae = VAE.mlp(embedding_dim=20)  # 784 -> 400 -> (mu, log sigma^2) and 20 -> 400 -> 784
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
# exactly how far the encoder's Gaussian is from the true posterior. Maximising the ELBO over
# $\theta$ and $\phi$ together therefore both improves the model and tightens the bound. Training
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

# %% [markdown]
# The two agree to within the Monte-Carlo error. The closed form is exact and costs nothing, so
# the VAE uses it; only the reconstruction term needs a sample.

# %% [markdown]
# ## The reparameterisation trick
#
# The reconstruction term is an expectation over $z \sim q_\phi(z \mid x)$, estimated with one
# sample per image. But a sample drawn by a random number generator has no derivative with
# respect to the $\mu$ and $\sigma$ it was drawn with, so the encoder would get no gradient. The
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

# %% [markdown]
# A sample drawn directly is a dead end for backpropagation; the reparameterised one gives
# gradient estimates that match the exact derivatives up to Monte-Carlo noise. In the VAE the
# same happens with the reconstruction error in place of $z^2$: `vae.loss` encodes a batch,
# reparameterises, decodes, and returns the batch mean of
# $-\log p_\theta(x \mid z) + \beta \cdot \operatorname{KL}$ (the negative ELBO when $\beta = 1$).

# %% [markdown]
# ## Training a VAE
#
# The same `fit` as for every other model trains it: only the model's `loss` is different. The
# numbers it reports are now nats per image rather than a mean squared error per pixel.
# `negative_elbo` scores the test set, split into its two terms.

# %%
history = fit(vae, x_train, test=data.x_test, epochs=epochs)
scores = negative_elbo(vae, data.x_test)
print(f"trained in {sum(history.seconds):.0f} s")
print(f"20-D VAE, test negative ELBO: {scores['negative_elbo']:.1f} nats per image "
      f"= {scores['reconstruction']:.1f} reconstruction + {scores['kl']:.1f} KL")

# %% [markdown]
# ## What "nats per image" means
#
# A nat is the unit of information measured with natural logarithms ($1$ nat $= 1/\ln 2
# \approx 1.44$ bits). The reconstruction term is how many nats the decoder needs to describe
# the image once it knows the code; the KL term is how much information the code carries about
# the image, the price of sending the code. Because the ELBO is a lower bound on
# $\log p_\theta(x)$, their sum, the negative ELBO, is an **upper bound** on $-\log p_\theta(x)$,
# the number of nats the model needs for a test image: smaller is better, and the true value is
# somewhat lower than the bound.
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
# So these numbers are not log-likelihoods of a distribution over grey images, and they are
# not comparable with papers that report nats on binarised MNIST. Compare them only between
# models scored the same way, as we do below.

# %% [markdown]
# ## Two latent spaces side by side
#
# To see the latent space we train a VAE with a two-number code, `vae2d`, on the same images for
# the same number of epochs, and compare its codes with the plain autoencoder's. The code of an
# image is now the mean $\mu_\phi(x)$ of its posterior (what `embed` returns). The dashed circle
# has radius 2: it holds $1 - e^{-2} \approx 86\%$ of the prior's mass.

# %%
torch.manual_seed(0)
vae2d = VAE.mlp(embedding_dim=2)
fit(vae2d, x_train, test=data.x_test, epochs=epochs)
vae_codes = vae2d.embed(data.x_test)  # posterior means, (N, 2)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2), layout="constrained")
class_scatter(ae_codes, data.y_test, data.classes, ax=left, title="plain autoencoder")
class_scatter(vae_codes, data.y_test, data.classes, ax=right, title="VAE (posterior means)")
right.add_patch(plt.Circle((0, 0), 2, fill=False, linestyle="--", color="black"))
right.set_aspect("equal", adjustable="datalim")
left.get_legend().remove()
plt.show()

# %% [markdown]
# The autoencoder's codes spread over whatever range suits it, in arms and streaks with empty
# space between them. The VAE's codes fill a round region around the origin on the scale of the
# prior, with the classes packed against each other. The KL term explains both: it charges for
# every code far from the origin, and for every posterior narrower than the prior. A posterior
# as wide as the prior blurs its image's code over a whole neighbourhood, so the decoder must
# draw something sensible all around each code: leaving empty space between the clusters would
# cost reconstruction error.

# %% [markdown]
# ## Sampling from the prior
#
# Generating is now one line: draw $z \sim \mathcal{N}(0, I)$ and decode it. Compare these 20
# samples with the plain autoencoder's images above.

# %%
torch.manual_seed(1)
image_grid(vae2d.generate(torch.randn(20, 2)), ncols=10)
plt.show()

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
plt.show()

# %% [markdown]
# With only two numbers the VAE's images are blurry, but nearly every point of its square
# decodes to a plausible image, and the images change gradually everywhere. The autoencoder's
# plane holds sharper images where its codes are, and shapes of no class in the holes between
# them.
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
blank = torch.full((8, 1, 28, 28), float("nan"))  # NaN pixels are not drawn
rows = {"originals": torch.cat([data.x_test[a : a + 1], blank, data.x_test[b : b + 1]])}
for name, model, codes in (("autoencoder", autoencoder, ae_codes), ("VAE", vae2d, vae_codes)):
    rows[name] = model.generate((1 - t) * codes[a] + t * codes[b])  # (10, 1, 28, 28)
image_rows(rows, n=10)
plt.show()

# %% [markdown]
# The VAE's path stays among plausible images and changes gradually; the autoencoder's line
# may cross a gap or a third class on the way. Both use two-number codes, so both ends are
# blurry reconstructions of the originals.

# %% [markdown]
# ## The weight of the KL term
#
# Multiplying the KL term by a weight $\beta$ trades reconstruction against regularity; a
# $\beta$ above 1 is the {term}`beta-VAE <beta-VAE>` of {cite}`higgins2017`, which looks for
# codes whose dimensions capture separate factors of the images. A small $\beta$ behaves more
# like a plain autoencoder; a large one pushes every posterior towards the prior, at the price of
# blurrier reconstructions. `vae2d` is the $\beta = 1$ case; we train two more 2-D VAEs the same
# way with $\beta = 0.25$ and $\beta = 4$, and score all three on the test set by the same two
# terms.

# %%
betas = {0.25: None, 1.0: vae2d, 4.0: None}
for beta in betas:
    if betas[beta] is None:
        torch.manual_seed(0)
        betas[beta] = VAE.mlp(embedding_dim=2, beta=beta)
        fit(betas[beta], x_train, epochs=epochs)
print(f"{'beta':>5} {'reconstruction':>15} {'KL':>6} {'negative ELBO':>14}   (nats per test image)")
beta_scores = {beta: negative_elbo(model, data.x_test) for beta, model in betas.items()}
for beta, result in beta_scores.items():
    print(f"{beta:>5} {result['reconstruction']:>15.1f} {result['kl']:>6.2f} {result['negative_elbo']:>14.1f}")

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
plt.show()

# %% [markdown]
# Read the KL column from top to bottom: as $\beta$ grows, the KL term, the information the codes
# carry about the images, shrinks. The reconstruction column pays for it: it is largest at
# $\beta = 4$, while between $\beta = 0.25$ and $1$ it changes much less than the KL term does.
# The scatter plots contract towards the prior's circle, and the decoded squares go from sharp
# images with gaps to smooth but blurrier ones. Only $\beta = 1$ trains on the ELBO itself, so
# only its loss is a bound on the likelihood; the last column scores all three models by that
# same bound. Other values are useful when one side of the trade matters more than the
# likelihood.

# %% [markdown]
# ## Test negative ELBO
#
# The headline numbers of this chapter, in nats per test image (smaller is better), each an
# upper bound on the model's $-\log p_\theta(x)$ with one sample of $z$ per image:

# %%
print(f"{'model':16} {'negative ELBO':>14} {'reconstruction':>15} {'KL':>6}")
for name, result in (("VAE, 20-D code", scores), ("VAE, 2-D code", beta_scores[1.0])):
    print(f"{name:16} {result['negative_elbo']:>14.1f} {result['reconstruction']:>15.1f} {result['kl']:>6.1f}")

# %% [markdown]
# The 20-D code buys a much smaller reconstruction term with a larger KL term, and the total is
# lower: two numbers cannot carry the details of slant, thickness and shape that twenty can.

# %% [markdown]
# ## Exercises
#
# **1. Twenty numbers.** Sample 30 images from the prior of the 20-D VAE `vae`. How do they
# compare with the 2-D VAE's samples?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# image_grid(vae.generate(torch.randn(30, 20)), ncols=10)
# plt.show()
# ```
#
# The 20-D samples are sharper and more varied in style: twenty numbers can carry slant,
# thickness and shape details that two numbers cannot. Some samples are still blends or
# malformed, because the posteriors of the training images never cover the prior perfectly:
# in 20 dimensions there is a lot of room between them.
#
# </details>

# %% [markdown]
# **2. One sample or ten?** `negative_elbo` estimates the reconstruction term with a single
# sample of $z$ per image. Score `vae2d` ten times and look at the spread of the ten results.
# Is one sample per image enough for a test-set average?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# runs = torch.tensor([negative_elbo(vae2d, data.x_test)["negative_elbo"] for _ in range(10)])
# print(f"mean {runs.mean():.2f}, standard deviation {runs.std():.3f} nats per image")
# ```
#
# The ten results differ by a small fraction of a nat. The one-sample estimate is noisy for a
# single image, but the noise averages out over thousands of test images.
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
# no_kl = VAE.mlp(embedding_dim=2, beta=0.0)
# fit(no_kl, x_train, epochs=epochs)
# class_scatter(no_kl.embed(data.x_test), data.y_test, data.classes)
# plt.show()
# image_grid(no_kl.generate(torch.randn(20, 2)), ncols=10)
# plt.show()
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
# its grey level). Train a 20-D VAE on them and score it on binarised test images. Why is the
# result smaller than the grey-level negative ELBO?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# x_binary, test_binary = torch.bernoulli(x_train), torch.bernoulli(data.x_test)
# binary_vae = VAE.mlp(embedding_dim=20)
# fit(binary_vae, x_binary, test=test_binary, epochs=epochs)
# print(negative_elbo(binary_vae, test_binary))
# ```
#
# Now every pixel is 0 or 1, and a decoder that is sure of a pixel pays almost nothing for it,
# so the floor of the grey-level cross-entropy disappears. The number is a genuine upper bound
# on $-\log p_\theta(x)$ for binary images, the kind of number papers report for binarised MNIST.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A plain autoencoder has no distribution over codes: its latent space has holes, and decoding
#   random codes, even from a Gaussian fitted to its codes, often gives poor images.
# - A VAE's encoder outputs a Gaussian $q_\phi(z \mid x)$, a mean and a log-variance per code
#   dimension; the reparameterisation trick $z = \mu + \sigma \odot \varepsilon$ lets gradients
#   pass through the sampling.
# - The loss is the negative ELBO, $-\mathbb{E}_q[\log p_\theta(x \mid z)] +
#   \operatorname{KL}(q_\phi(z \mid x) \,\|\, \mathcal{N}(0, I))$: a binary cross-entropy in nats
#   plus a KL term with the closed form $\tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - 1 - \log
#   \sigma_j^2)$. It is an upper bound on $-\log p_\theta(x)$, in nats per image.
# - Its codes fill the prior's region, so decoding samples from $\mathcal{N}(0, I)$ generates new
#   images, and straight paths between codes decode to gradual changes.
# - The weight $\beta$ trades reconstruction against regularity: larger $\beta$, less
#   information in the code, smoother and blurrier images.
#
# **Next:** chapter 6 puts these models to work: denoising, anomaly detection, and a
# conditional VAE that draws the class you ask for.
