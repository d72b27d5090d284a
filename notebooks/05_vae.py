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
# changes two things, a probabilistic encoder and a penalty that keeps the codes close to a
# simple {term}`prior <Prior>`, and in exchange it can generate new images from random numbers.
#
# **In this chapter you will**
#
# - see why decoding random codes of a plain autoencoder gives poor images;
# - derive the VAE's loss, the {term}`ELBO <ELBO>`, step by step, with the closed-form
#   {term}`KL divergence <KL divergence>` to a standard normal, and check it numerically;
# - use the {term}`reparameterisation trick <Reparameterisation trick>` to train through a
#   random sample;
# - compare the 2-D latent spaces of an autoencoder and a VAE, sample from the prior and
#   interpolate between two digits;
# - measure the effect of the KL weight $\beta$ and report the test negative ELBO in nats.
#
# **Prerequisites:** chapters 2 and 3; Gaussian distributions and expectations.
#
# **Time:** about 40 minutes to read and run.

# %%
# On Colab, install the course's helper package; elsewhere this cell does nothing.
import subprocess, sys

if "google.colab" in sys.modules:
    url = "git+https://github.com/autoencoders-course/autoencoders-course"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", url], check=True)

# %%
import matplotlib.pyplot as plt
import torch

import aelib
from aelib import VAE, MLPAutoencoder, fit, kl_to_standard_normal, negative_elbo
from aelib.explorer import latent_explorer
from aelib.plot import code_extent, image_grid, image_rows, latent_grid, latent_scatter
from aelib.settings import settings

# %%
data = aelib.load_dataset()
x_train = data.x_train[: settings.samples(30_000)]
print(f"{data.name}: training on {len(x_train):,} images, testing on {len(data.x_test):,}")

# %% [markdown]
# ## Random codes and a plain autoencoder
#
# We train a plain autoencoder with a two-number code (a fully connected one, which is quick),
# then ask its decoder for images at random codes. To be fair to it, the codes are drawn
# uniformly from the box that holds most of its test codes, the region where it has data.

# %%
torch.manual_seed(0)
autoencoder = MLPAutoencoder(embedding_dim=2)
fit(autoencoder, x_train, test=data.x_test, epochs=settings.epochs(10))
ae_codes = autoencoder.embed(data.x_test)
low_1, high_1, low_2, high_2 = code_extent(ae_codes)
uniform = torch.rand(30, 2) * torch.tensor([high_1 - low_1, high_2 - low_2]) + torch.tensor([low_1, low_2])
image_grid(autoencoder.generate(uniform), ncols=10)
plt.suptitle("Plain autoencoder: images decoded from random codes in the data's box")
plt.show()

# %% [markdown]
# Some of these are clean, many are blurred blends of two classes or shapes of no class at all.
# The autoencoder was trained only to reconstruct its training images, so nothing tells the
# decoder what to draw at a code no image was mapped to, and nothing tells us where those codes
# are. Its latent space has holes, and we have no distribution to sample codes from.

# %% [markdown]
# ## A probabilistic encoder
#
# A VAE treats the code $z$ as a random variable. It assumes images are made by drawing a code
# from a fixed prior $p(z) = \mathcal{N}(0, I)$ and then an image from the decoder's
# distribution $p_\theta(x \mid z)$. For our grey-level images the decoder outputs a probability
# per pixel (a Bernoulli distribution), so $-\log p_\theta(x \mid z)$ is the binary
# cross-entropy summed over the 784 pixels.
#
# The encoder no longer outputs one code. It outputs a Gaussian
# {term}`posterior <Posterior>` approximation $q_\phi(z \mid x) = \mathcal{N}(\mu_\phi(x),
# \operatorname{diag}\sigma^2_\phi(x))$: a mean and a variance for every code dimension. In
# `aelib`, `vae.posterior(x)` returns $\mu$ and $\log \sigma^2$ (the log keeps the variance
# positive without constraints).

# %%
torch.manual_seed(0)
vae = VAE.mlp(embedding_dim=20)  # 784 -> 400 -> (mu, log sigma^2) and 20 -> 400 -> 784
mu, logvar = vae.posterior(data.x_test[:3])
print(vae.encoder)
print(f"mu: {tuple(mu.shape)}, log-variance: {tuple(logvar.shape)}")

# %% [markdown]
# ## The evidence lower bound
#
# We would like to maximise the log-likelihood $\log p_\theta(x) = \log \int p_\theta(x \mid z)
# p(z)\, dz$, but the integral over all codes has no closed form. Multiply and divide by
# $q_\phi(z \mid x)$ inside the integral, and apply Jensen's inequality ($\log$ is concave, so the
# log of an average is at least the average of the logs):
#
# $$
# \log p_\theta(x)
# = \log \mathbb{E}_{q_\phi(z \mid x)}\!\left[\frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\right]
# \;\ge\; \mathbb{E}_{q_\phi(z \mid x)}\!\left[\log \frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\right].
# $$
#
# Splitting the log of the fraction gives the evidence lower bound:
#
# $$
# \operatorname{ELBO}(x) =
# \underbrace{\mathbb{E}_{q_\phi(z \mid x)}\left[\log p_\theta(x \mid z)\right]}_{\text{reconstruction}}
# \;-\; \underbrace{\operatorname{KL}\!\left(q_\phi(z \mid x) \,\|\, p(z)\right)}_{\text{stay close to the prior}}
# \;\le\; \log p_\theta(x).
# $$
#
# The gap in the inequality is exactly $\operatorname{KL}(q_\phi(z \mid x) \,\|\, p_\theta(z \mid
# x))$, so a better encoder makes the bound tighter. Training minimises the negative ELBO: a
# reconstruction error plus a KL term that pulls every posterior towards $\mathcal{N}(0, I)$.

# %% [markdown]
# ## The KL term in closed form
#
# For one dimension, $q = \mathcal{N}(\mu, \sigma^2)$ and $p = \mathcal{N}(0, 1)$:
#
# $$
# \operatorname{KL}(q \,\|\, p) = \mathbb{E}_q\left[\log q(z) - \log p(z)\right]
# = \mathbb{E}_q\left[-\tfrac12 \log \sigma^2 - \frac{(z - \mu)^2}{2\sigma^2} + \frac{z^2}{2}\right]
# = \tfrac12\left(\mu^2 + \sigma^2 - 1 - \log \sigma^2\right),
# $$
#
# using $\mathbb{E}_q[(z-\mu)^2] = \sigma^2$ and $\mathbb{E}_q[z^2] = \mu^2 + \sigma^2$ (the
# $\log 2\pi$ terms cancel). With independent dimensions the KL is the sum over dimensions. It is
# zero only when $\mu = 0$ and $\sigma = 1$. We check the formula against a Monte-Carlo average
# of $\log q(z) - \log p(z)$ over samples $z \sim q$.

# %%
mu, logvar = torch.tensor([[1.0, -0.5]]), torch.tensor([[-1.0, 0.5]])
q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
prior = torch.distributions.Normal(0.0, 1.0)
z = q.sample((100_000,))
monte_carlo = (q.log_prob(z) - prior.log_prob(z)).sum(-1).mean()
print(f"closed form: {kl_to_standard_normal(mu, logvar).item():.4f} nats, "
      f"Monte Carlo: {monte_carlo.item():.4f} nats")

# %% [markdown]
# ## The reparameterisation trick
#
# The reconstruction term needs a sample $z \sim q_\phi(z \mid x)$, and sampling is not
# differentiable with respect to $\mu$ and $\sigma$. The trick is to move the randomness into an
# input: draw $\varepsilon \sim \mathcal{N}(0, I)$ and set
#
# $$ z = \mu + \sigma \odot \varepsilon, \qquad \sigma = \exp\left(\tfrac12 \log \sigma^2\right). $$
#
# Now $z$ is an ordinary function of $\mu$ and $\sigma$, and gradients flow through it to the
# encoder. `aelib.vae.reparameterise` is this one line; `vae.loss` uses it and returns the mean
# over the batch of $-\log p_\theta(x \mid z) + \beta \cdot \operatorname{KL}$, in nats per image
# when $\beta = 1$.

# %%
mu, logvar = vae.posterior(data.x_test[:1])
z = aelib.vae.reparameterise(mu, logvar)
z.sum().backward()  # gradients reach the encoder through mu and logvar
print(f"gradient reached the encoder's first layer: {vae.encoder[1][0].weight.grad.abs().sum() > 0}")
vae.zero_grad()

# %% [markdown]
# ## Training a VAE
#
# The same `fit` trains it: only the model's `loss` differs. The loss is now in nats per image
# rather than a mean squared error per pixel.

# %%
history = fit(vae, x_train, test=data.x_test, epochs=settings.epochs(10))
scores = negative_elbo(vae, data.x_test)
print(f"20-D VAE, test negative ELBO: {scores['negative_elbo']:.1f} nats per image "
      f"= {scores['reconstruction']:.1f} reconstruction + {scores['kl']:.1f} KL")

# %% [markdown]
# A nat is the unit of information with natural logarithms ($1$ nat $= 1/\ln 2 \approx 1.44$
# bits). Since the ELBO is a lower bound on $\log p_\theta(x)$, the negative ELBO is an upper
# bound on the number of nats the model needs to describe a test image: smaller is better. The
# KL part is the information the code carries about the image. (The pixels here are grey levels
# used as Bernoulli probabilities, so this is the usual convention rather than a likelihood of
# binary images; compare such numbers only between models evaluated the same way.)

# %% [markdown]
# ## Two latent spaces side by side
#
# Now the 2-D VAE, to compare its codes with the plain autoencoder's. Its codes are the
# posterior means $\mu_\phi(x)$.

# %%
torch.manual_seed(0)
vae2d = VAE.mlp(embedding_dim=2)
fit(vae2d, x_train, test=data.x_test, epochs=settings.epochs(10))
vae_codes = vae2d.embed(data.x_test)
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
latent_scatter(ae_codes, data.y_test, data.classes, ax=left, title="plain autoencoder")
latent_scatter(vae_codes, data.y_test, data.classes, ax=right, title="VAE (posterior means)")
left.get_legend().remove()
plt.show()

# %% [markdown]
# The autoencoder's codes spread over whatever range suits it, with long arms and empty space.
# The VAE's codes fill a round region around the origin on the scale of the prior, with the
# classes packed next to each other: the KL term charges for every code far from the origin and
# for every posterior narrower than the prior, so leaving a region empty is expensive.

# %% [markdown]
# ## Sampling from the prior
#
# Generating is now simple: draw $z \sim \mathcal{N}(0, I)$ and decode. The decoded grid over the
# square $[-2.5, 2.5]^2$, where most of the prior's mass lies, shows the whole family of images.

# %%
torch.manual_seed(1)
samples = vae2d.generate(torch.randn(30, 2))
image_grid(samples, ncols=10)
plt.suptitle("2-D VAE: images decoded from codes drawn from the prior")
plt.show()
latent_grid(vae2d, (-2.5, 2.5, -2.5, 2.5), n=15)
plt.title("2-D VAE: decoded grid over the prior's square")
plt.show()

# %% [markdown]
# Compare these samples with the plain autoencoder's random codes above. With only two numbers
# the VAE's images are blurry, but almost every sample looks like a member of some class, and
# the grid changes smoothly everywhere.

# %% [markdown]
# The panel below decodes any point of that square in your browser, from the trained decoder's
# weights: move the pointer over the plane (or focus it and press the arrow keys) and watch the
# image change as the code crosses from one class's region into the next.

# %%
latent_explorer(vae2d, vae_codes, data.y_test, data.classes, extent=(-2.5, 2.5, -2.5, 2.5))

# %% [markdown]
# ## Interpolating between two images
#
# Take two test images of different classes, encode them, and decode the points on the straight
# line between their codes. We do it with both models.

# %%
first = int((data.y_test == 1).nonzero()[0])
second = int((data.y_test == 7 if data.name == "MNIST" else data.y_test == 9).nonzero()[0])
steps = torch.linspace(0, 1, 10)[:, None]
rows = {}
for name, model, codes in (("autoencoder", autoencoder, ae_codes), ("VAE", vae2d, vae_codes)):
    line = (1 - steps) * codes[first] + steps * codes[second]
    rows[name] = model.generate(line)
image_rows(rows, n=10)
plt.show()

# %% [markdown]
# ## The weight of the KL term
#
# Multiplying the KL term by a weight $\beta$ trades reconstruction against regularity
# {cite}`higgins2017`: a small $\beta$ behaves more like a plain autoencoder, a large one pushes
# the posteriors onto the prior, at the price of blurrier reconstructions. We train 2-D VAEs with
# several values and report both parts of the loss on the test set.

# %%
betas = [0.25, 1.0, 4.0]
fig, axes = plt.subplots(1, len(betas), figsize=(15, 4.5), layout="constrained")
print(f"{'beta':>5} {'reconstruction':>15} {'KL':>6}   (nats per test image)")
for beta, ax in zip(betas, axes):
    torch.manual_seed(0)
    model = VAE.mlp(embedding_dim=2, beta=beta)
    fit(model, x_train[: settings.samples(15_000)], epochs=settings.epochs(8), progress="off")
    result = negative_elbo(model, data.x_test)
    print(f"{beta:>5} {result['reconstruction']:>15.1f} {result['kl']:>6.2f}")
    latent_scatter(model.embed(data.x_test), data.y_test, data.classes, ax=ax, title=f"beta = {beta}")
    ax.get_legend().remove()
plt.show()

# %% [markdown]
# Read the table from top to bottom: as $\beta$ grows, the KL term (the information the codes
# carry) shrinks and the reconstruction term grows, and the scatter plots contract towards the
# prior's scale. $\beta = 1$ is the only value for which the loss is the negative ELBO, a bound on
# the likelihood; other values are useful when we care more about one side of the trade.

# %% [markdown]
# ## Test negative ELBO
#
# The headline numbers of this chapter, in nats per test image (smaller is better):

# %%
for name, model in (("VAE, 20-D code", vae), ("VAE, 2-D code", vae2d)):
    result = negative_elbo(model, data.x_test)
    print(f"{name:15} {result['negative_elbo']:7.1f} nats  (KL {result['kl']:.1f})")

# %% [markdown]
# The 20-D code describes the test images in fewer nats than the 2-D code: two numbers cannot
# carry the detail that twenty can, and the bound is looser.

# %% [markdown]
# ## Exercises
#
# **1.** Sample from the 20-D VAE's prior and show 30 images. How do they compare with the 2-D
# VAE's samples?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# image_grid(vae.generate(torch.randn(30, 20)), ncols=10)
# plt.show()
# ```
#
# The 20-D samples are sharper and more varied in style: twenty numbers can carry the slant,
# thickness and shape details that two numbers cannot. Some samples are still blends, because the
# posteriors never cover the prior perfectly.
#
# </details>

# %% [markdown]
# **2.** The loss uses a single sample of $z$ per image. Estimate the test negative ELBO of
# `vae2d` with 10 samples per image (average `negative_elbo` over 10 calls). Does it change much?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# runs = [negative_elbo(vae2d, data.x_test)["negative_elbo"] for _ in range(10)]
# print(sum(runs) / len(runs), min(runs), max(runs))
# ```
#
# The spread between runs is a small fraction of a nat per image: with thousands of test images
# the single-sample estimate is already precise. One sample per image is noisy for one image,
# but the average over the test set is not.
#
# </details>

# %% [markdown]
# **3.** Show that the KL term is what makes sampling work: train a 2-D VAE with `beta=0` and
# decode codes drawn from the prior.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# no_kl = VAE.mlp(embedding_dim=2, beta=0.0)
# fit(no_kl, x_train, epochs=5)
# print(code_extent(no_kl.embed(data.x_test)))
# image_grid(no_kl.generate(torch.randn(30, 2)), ncols=10)
# plt.show()
# ```
#
# Without the KL term nothing keeps the codes near the origin or the posteriors wide: the codes
# spread over a range that has nothing to do with $\mathcal{N}(0, I)$, and samples from the prior
# land in a small, arbitrary part of the latent space. The model is back to a (noisy) plain
# autoencoder.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A plain autoencoder gives no distribution over codes, and decoding random codes often gives
#   poor images.
# - A VAE's encoder outputs a Gaussian $q_\phi(z \mid x)$; the reparameterisation trick
#   $z = \mu + \sigma \odot \varepsilon$ lets gradients pass through the sampling.
# - The loss is the negative ELBO: reconstruction in nats plus
#   $\operatorname{KL}(q_\phi(z \mid x) \,\|\, \mathcal{N}(0, I))$, which has a closed form.
# - Its latent space is packed around the origin, so decoding samples from the prior generates
#   new images, and paths between codes decode to gradual changes.
# - $\beta$ trades reconstruction for regularity; the test negative ELBO in nats per image is an
#   upper bound on $-\log p_\theta(x)$ to compare models by.
#
# Chapter 6 builds on these models: denoising, anomaly detection and a conditional VAE that
# draws the class you ask for.
