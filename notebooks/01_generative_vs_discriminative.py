# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. Generative and discriminative models
#
# A classifier can be built in two ways. It can learn to answer "which class is this input?"
# directly, or it can learn what the inputs of every class look like and work out the answer
# from that. The first kind is called {term}`discriminative <Discriminative model>`, the second
# {term}`generative <Generative model>`, and only the second can invent new inputs. This chapter
# builds one of each on the same small data set, compares them side by side, and shows the piece
# of probability that connects them. The generative idea
# is where this course is going: {term}`autoencoders <Autoencoder>` and, above all,
# {term}`variational autoencoders <VAE>` are models that learn what images look like.
#
# **In this chapter you will**
#
# - state precisely what each kind of model learns: $p(y \mid x)$ or $p(x, y)$;
# - fit logistic regression and a Gaussian-mixture classifier and compare their
#   {term}`decision boundaries <Decision boundary>` and test accuracies;
# - turn a generative model into a classifier with {term}`Bayes' rule <Bayes' rule>`;
# - sample new points from a generative model and see what else $p(x)$ tells you;
# - name common models of each family.
#
# **Prerequisites:** Python and NumPy; conditional probability ($p(a \mid b) = p(a, b) / p(b)$).
# No PyTorch yet.
#
# **Time:** about 30 minutes to read and run.

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
from scipy.special import logsumexp
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split

import aelib
from aelib import claim
from aelib.plot import class_scatter, decision_boundary, show
from aelib.settings import settings

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %% [markdown]
# ## Two questions about labelled data
#
# Each example is an input $x$ (in this chapter a point in the plane, later an image) with a
# label $y$. A discriminative model learns the conditional distribution $p(y \mid x)$, read "the
# probability of $y$ given $x$": for any input, how likely each class is. That is all a classifier
# needs, and it says nothing about which inputs are likely in the first place.
#
# A generative model learns the joint distribution of inputs and labels, usually in two factors:
# how common each class is, and what the inputs of each class look like. Some generative models learn $p(x)$ alone, without labels; the VAE of chapter 5 is
# one.
#
# $$
# \underbrace{p(y \mid x)}_{\text{discriminative}}
# \qquad\qquad
# \underbrace{p(x, y) = p(x \mid y)\, p(y)}_{\text{generative}}
# $$
#
# A caution: some write-ups say that a discriminative model learns "$P(Y, X)$". That is the joint
# distribution, the generative model's target. The discriminative target is the conditional
# $p(y \mid x)$; the bar and the comma are not interchangeable.

# %% [markdown]
# ## The data: two moons
#
# We use a synthetic data set from scikit-learn, `make_moons`: two interleaving half circles in
# the plane, one per class, with Gaussian noise of standard deviation 0.2 added to every point.
# It is small enough to see at a glance and curved enough that no straight line separates the
# classes. A stratified 30% of the points is held out for testing.

# %%
n = settings.samples(1000)
x, y = make_moons(n, noise=0.2, random_state=0)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.3, stratify=y, random_state=0
)
classes = ["upper moon (y = 0)", "lower moon (y = 1)"]
print(f"{len(x_train)} training and {len(x_test)} test points, each x of shape {x.shape[1:]}")

# %%
show(class_scatter(x_train, y_train, classes, title="Training data", variable="x"),
     "Two interleaving half circles of points, one per class: an arch (the upper moon) and a U "
     "(the lower moon), each with one tip reaching into the hollow of the other, so that no "
     "straight line separates the classes.")

# %% [markdown]
# ## A discriminative model: logistic regression
#
# Logistic regression writes the probability of class 1 as a squashed linear function of the
# input,
#
# $$
# p(y = 1 \mid x) = \sigma(w^\top x + b), \qquad \sigma(a) = \frac{1}{1 + e^{-a}},
# $$
#
# and chooses $w$ and $b$ to maximise $\sum_i \log p(y_i \mid x_i)$, the probability of the
# training labels given the training inputs. The inputs themselves are never modelled. Its
# decision boundary, where both classes are equally likely, is where $w^\top x + b = 0$: a
# straight line.

# %%
logreg = LogisticRegression().fit(x_train, y_train)
w, b = logreg.coef_[0], logreg.intercept_[0]
acc_logreg = logreg.score(x_test, y_test)
print(f"p(y = 1 | x) = sigmoid(w . x + b) with w = {w.round(2)}, b = {b:.2f}")
print(f"logistic regression, test accuracy: {acc_logreg:.1%}")

# %% [markdown]
# ## A generative model: a Gaussian mixture for each class
#
# The generative classifier needs the two factors of $p(x, y)$. The class prior $p(y)$ is the
# fraction of training points in each class. For the class-conditional density $p(x \mid y = c)$
# we fit a mixture of $K$ Gaussians to the training points of class $c$ alone,
#
# $$
# p(x \mid y = c) = \sum_{k=1}^{K} \pi_{ck}\, \mathcal{N}(x;\, \mu_{ck}, \Sigma_{ck}),
# $$
#
# with scikit-learn's `GaussianMixture` (which finds the weights $\pi$, means $\mu$ and
# covariances $\Sigma$ by expectation maximisation). With $K = 3$, a few ellipses laid along each
# arc can follow its curve; exercise 1 asks what happens with a single Gaussian.

# %%
components = 3
prior = np.bincount(y_train) / len(y_train)  # p(y), shape (2,)
class_densities = [  # p(x | y = c): one mixture per class, fitted to that class's points only
    GaussianMixture(components, random_state=0).fit(x_train[y_train == c]) for c in range(2)
]
print(f"p(y) = {prior.round(3)}")
print(f"means of the Gaussians for class 0:\n{class_densities[0].means_.round(2)}")

# %% [markdown]
# ## Bayes' rule turns $p(x, y)$ into $p(y \mid x)$
#
# To classify, the generative model needs $p(y \mid x)$, which it gets from Bayes' rule: divide
# the joint by the probability of the input,
#
# $$
# p(y \mid x) = \frac{p(x \mid y)\, p(y)}{p(x)}, \qquad p(x) = \sum_{y'} p(x \mid y')\, p(y').
# $$
#
# With two classes this takes a familiar shape. Dividing numerator and denominator by
# $p(x \mid y{=}1)\,p(y{=}1)$ gives
#
# $$
# p(y = 1 \mid x) = \sigma\big(a(x)\big), \qquad
# a(x) = \log \frac{p(x \mid y = 1)\, p(y = 1)}{p(x \mid y = 0)\, p(y = 0)}.
# $$
#
# It is the same sigmoid as in logistic regression. Logistic regression fits $a(x)$ directly as a
# linear function; the generative classifier derives it from two densities, so it takes whatever
# shape those densities give it. The code works with logarithms, because densities far from the
# data are too small for floating point, and `logsumexp` computes $\log p(x)$ safely.

# %%
def log_joint(x):
    """log p(x, y) = log p(x | y) + log p(y), one column per class: shape (N, 2)."""
    return np.stack([d.score_samples(x) for d in class_densities], axis=1) + np.log(prior)


def posterior(x):
    """Bayes' rule, p(y | x) = p(x, y) / p(x), computed with logarithms: shape (N, 2)."""
    log_pxy = log_joint(x)
    return np.exp(log_pxy - logsumexp(log_pxy, axis=1, keepdims=True))


acc_generative = (posterior(x_test).argmax(axis=1) == y_test).mean()
print(f"Gaussian mixture per class, test accuracy: {acc_generative:.1%}")

# %% [markdown]
# ## Two decision boundaries
#
# Both classifiers now give $p(y \mid x)$ at every point of the plane. Below, each region takes the
# colour of the class a classifier predicts there, deeper where it is more certain; the black line
# is its decision boundary, and the dots are the held-out test points.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
decision_boundary(logreg.predict_proba, x_test, y_test, classes, ax=axes[0],
                  title=f"Discriminative: logistic regression, {acc_logreg:.1%}")
decision_boundary(posterior, x_test, y_test, classes, ax=axes[1],
                  title=f"Generative: 3 Gaussians per class, {acc_generative:.1%}")
axes[0].get_legend().remove()
axes[1].set_ylabel("")
show(fig, "Each region is tinted in the colour of the class predicted there, paler where the "
     "classifier is less sure, with the test points on top. Logistic regression's boundary is a "
     "straight line, so the tips of both moons fall on its wrong side; the generative "
     "classifier's boundary bends between the moons and scores the higher test accuracy.")

# %% [markdown]
# Logistic regression can only draw a straight line, so the tips of both moons fall on the wrong
# side of it. The generative classifier's boundary bends between the moons, because at every
# point it asks which class's density is higher there. The test accuracies printed above (and in
# the titles) measure the difference. Far from the data, where neither class has training points,
# the generative boundary is decided by the tails of the Gaussians alone, which is why it can
# turn in unexpected ways near the edges of the plot: no data support it there.
#
# %% tags=["hide-cell"]
claim(acc_generative > acc_logreg, "the bent boundary is more accurate than the straight one",
      generative=acc_generative, logistic_regression=acc_logreg)
# The upper moon's tip is its right end, the lower moon's its left end: where a straight line errs.
wrong = logreg.predict(x_test) != y_test
tips = {c: x_test[wrong & (y_test == c), 0].mean() - x_test[y_test == c, 0].mean() for c in range(2)}
claim(tips[0] > 0.5 and tips[1] < -0.5, "the straight line's mistakes lie at the tips of both moons",
      upper_moon_mistakes_right_of_its_centre_by=tips[0], lower_moon_mistakes_right_of_its_centre_by=tips[1])

# %% [markdown]
# Do not read this as "generative beats discriminative". The advantage here comes from a flexible
# model, not from being generative: logistic regression on curved features, or a neural network,
# also bends its boundary (exercise 2), and a generative model with a poor $p(x \mid y)$ does
# badly (exercise 1).

# %% [markdown]
# ## What only the generative model can do: sample new inputs
#
# Because it describes the inputs, a generative model can produce new ones. Sampling follows the
# factorisation: draw a class $y \sim p(y)$, then an input $x \sim p(x \mid y)$ from that class's
# mixture. We draw as many points as there are in the training set.

# %%
rng = np.random.default_rng(0)
y_new = rng.choice(2, size=len(x_train), p=prior)  # y ~ p(y)
x_new = np.empty((len(y_new), 2))
for c in range(2):  # x ~ p(x | y = c)
    x_new[y_new == c] = class_densities[c].sample((y_new == c).sum())[0]
print(f"sampled {len(x_new)} new points: {np.bincount(y_new)} per class")
on_own_moon = (posterior(x_new).argmax(axis=1) == y_new).mean()
print(f"{on_own_moon:.1%} of the samples lie where the model's own classifier gives their class")

# %% [markdown]
# Below, real and sampled points side by side. The grey lines, the same in both panels, are
# contours of the model's density of inputs, $p(x) = \sum_y p(x, y)$.

# %%
g1, g2 = np.meshgrid(np.linspace(-1.8, 2.8, 250), np.linspace(-1.3, 1.8, 250))
log_px = logsumexp(log_joint(np.column_stack([g1.ravel(), g2.ravel()])), axis=1)  # log p(x)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharex=True, sharey=True)
panels = [(x_train, y_train, "Real training data"), (x_new, y_new, "Sampled from the model")]
for ax, (points, labels, title) in zip(axes, panels):
    ax.contour(g1, g2, np.exp(log_px).reshape(g1.shape), levels=6, colors="grey", linewidths=0.8)
    class_scatter(points, labels, classes, ax=ax, title=title, variable="x")
axes[0].get_legend().remove()
axes[1].set_ylabel("")
show(fig, "Real training points (left) and as many points sampled from the model (right), over "
     "the same grey contours of the model's density p(x), which follow the two arcs. The samples "
     "are new points, yet they follow the arcs and keep each class on its own moon; a few land "
     "a little off the arc.")

# %% tags=["hide-cell"]
claim(on_own_moon > 0.9, "the samples keep each class on its own moon", share_on_own_moon=on_own_moon)

# %% [markdown]
# The sampled points are new, not copies, yet they follow the two arcs and keep each class on its
# own moon. They also show the model's flaws: where three ellipses approximate a curve, some
# samples land a little off the arc. Drawing samples is an honest check of what a generative
# model has learned, and in chapter 5 we will judge a VAE the same way. Logistic regression has
# no counterpart: it answers "which class?" for any $x$ you give it, and knows nothing about which
# $x$ are plausible.
#
# That knowledge is useful even without sampling. Take a point far from all the data and ask both
# models about it, next to the log density of typical training points.

# %%
x_far = np.array([[4.0, -2.5]])
log_px_train = logsumexp(log_joint(x_train), axis=1)
print(f"logistic regression: p(y = 1 | x) = {logreg.predict_proba(x_far)[0, 1]:.4f}")
print(f"generative model:    p(y = 1 | x) = {posterior(x_far)[0, 1]:.4f}")
print(f"generative model:    log p(x) = {logsumexp(log_joint(x_far)):.1f}")
print(f"training points:     log p(x) from {log_px_train.min():.1f} to {log_px_train.max():.1f}")

# %% [markdown]
# Compare the printed numbers. A classifier's $p(y \mid x)$ can be confident about a point unlike
# anything it was trained on: for logistic regression, $\sigma(w^\top x + b)$ only becomes more
# extreme as $x$ moves away from the line. The generative model's own $p(y \mid x)$ is no help
# either: far from the data the ratio of two Gaussian tails decides it, and it too can be close to
# 0 or 1. What flags the point is $\log p(x)$, far below that of every training point. Chapter 6
# uses the same idea, with an autoencoder's reconstruction error in place of $\log p(x)$, to
# detect anomalies.

# %% tags=["hide-cell"]
far_log_px = logsumexp(log_joint(x_far))
claim(far_log_px < log_px_train.min() - 5, "log p(x) of the far point is far below every training point's",
      far_point=far_log_px, lowest_training_point=log_px_train.min())
sure = {"logistic regression": logreg.predict_proba(x_far)[0].max(), "generative": posterior(x_far)[0].max()}
claim(min(sure.values()) > 0.9, "both classifiers can be confident about the far point", **sure)

# %% [markdown]
# ## Examples of each family
#
# | | learns | examples |
# | --- | --- | --- |
# | **Generative** | $p(x, y)$, or $p(x)$ | Gaussian mixtures, naive Bayes, hidden Markov models, VAEs {cite}`kingma2014,rezende2014`, GANs, diffusion models, autoregressive language models |
# | **Discriminative** | $p(y \mid x)$, or only a decision boundary | logistic regression, support vector machines, decision trees and random forests, conditional random fields, most neural network classifiers |
#
# A few of these need a word. A hidden Markov model describes the joint distribution of a
# sequence of hidden states and the observations they emit, so it can generate sequences; the
# conditional random field is its discriminative counterpart. A support vector machine learns a
# decision boundary without any probability at all, which still places it with the
# discriminative models. A GAN can sample but cannot evaluate $p(x)$; it is generative in the
# sense that matters most here.

# %% [markdown]
# ## Which is better?
#
# Neither, in general. Ng and Jordan {cite}`ng2001` compared logistic regression with naive Bayes,
# the generative classifier that assumes the input features are independent given the class. In
# the form they analysed, naive Bayes produces posteriors of exactly the same form as logistic
# regression, so the two differ only in how they are fitted (exercise 3 works out a close relative
# of this pairing). For continuous inputs that form gives every feature one Gaussian variance,
# shared by the classes; with a variance per class the boundary would be quadratic instead. In their analysis, the discriminative model's error in the limit of unlimited
# training data is at least as low as the generative one's, but the generative model can approach
# its own limit with far fewer examples (of the order of the logarithm of the number of input
# features, against linear in it for logistic regression). Their experiments showed both regimes:
# naive Bayes often ahead on small training sets, logistic regression ahead once data are plentiful
# (exercise 4 shows a small version of this on the moons). When the only goal is classification and labelled
# data are abundant, discriminative models are the usual choice; when you need to sample, to
# score how typical an input is, or to learn from inputs without labels, you need a generative one.

# %% [markdown]
# ## From here to autoencoders
#
# For points in the plane, a handful of Gaussians is a fine model of $p(x)$. A 28 × 28 image is a
# point in 784 dimensions, and a Gaussian there needs a 784 × 784 covariance matrix while still
# missing most of what makes a digit look like a digit. Real images vary along far fewer
# directions than they have pixels. The autoencoder of chapter 2 learns a short code for each
# image and a decoder that turns a code back into an image; chapters 3 and 4 look at what that
# code captures and how it relates to PCA. On its own, an autoencoder is not a generative model:
# it offers no $p(x)$ and no principled way to sample. The VAE of chapter 5 adds exactly that, a
# probability distribution over codes, and with it the ability to sample new images, as the
# Gaussian mixtures sampled new points here.

# %% [markdown]
# ## Exercises
#
# **1. One Gaussian per class.** Set `components = 1`, rebuild `class_densities` and recompute the
# test accuracy and the decision boundary (the functions `log_joint` and `posterior` pick up the
# new densities). Before running: what shape will the boundary have, and what will samples look
# like?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# components = 1
# class_densities = [
#     GaussianMixture(components, random_state=0).fit(x_train[y_train == c]) for c in range(2)
# ]
# acc = (posterior(x_test).argmax(axis=1) == y_test).mean()
# decision_boundary(posterior, x_test, y_test, classes, title=f"One Gaussian per class, {acc:.1%}")
# plt.show()
# claim(abs(acc - acc_logreg) < 0.03, "one Gaussian per class is about as accurate as logistic regression",
#       one_gaussian=acc, logistic_regression=acc_logreg)
# ```
#
# The log of a Gaussian density is quadratic in $x$, so $a(x)$ is a difference of two quadratics
# and the boundary is in general a conic section (an ellipse, parabola or hyperbola); this model is
# known as quadratic discriminant analysis. Here the lower moon is the upper one turned by 180
# degrees, and a half turn leaves a covariance matrix unchanged ($R \Sigma R^\top = \Sigma$ for
# $R = -I$), so the two fitted ellipses have almost the same covariance, the quadratic terms
# nearly cancel (exercise 3 shows why) and the boundary comes out almost straight, close to
# logistic regression's, with an accuracy to match. Re-run the sampling cells too: one ellipse per class
# cannot follow an arc, so the samples form two overlapping elliptical clouds that fill the space
# between the moons. A generative classifier is only as good as its $p(x \mid y)$.
#
# </details>

# %% [markdown]
# **2. A curved logistic regression.** Give logistic regression the products of the coordinates up
# to degree 3 ($x_1, x_2, x_1^2, x_1 x_2, x_2^2, x_1^3, \dots$) as inputs, using scikit-learn's
# `PolynomialFeatures`. Plot its boundary and compare its test accuracy. Is it still a
# discriminative model?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# from sklearn.pipeline import make_pipeline
# from sklearn.preprocessing import PolynomialFeatures
#
# curved = make_pipeline(PolynomialFeatures(degree=3), LogisticRegression(max_iter=1000))
# curved.fit(x_train, y_train)
# acc = curved.score(x_test, y_test)
# decision_boundary(curved.predict_proba, x_test, y_test, classes,
#                   title=f"Logistic regression on cubic features, {acc:.1%}")
# plt.show()
# claim(abs(acc - acc_generative) < 0.03 and acc > acc_logreg,
#       "cubic features bring logistic regression close to the generative classifier",
#       cubic=acc, generative=acc_generative, straight=acc_logreg)
# ```
#
# The boundary bends between the moons and the accuracy comes close to the generative
# classifier's. It is still discriminative: it models $p(y \mid x)$ and nothing else, so it still
# cannot sample new points or tell a typical input from an odd one. Neural network classifiers
# take this further by learning the features as well.
#
# </details>

# %% [markdown]
# **3. Shared covariance gives a linear boundary.** Suppose each class is a single Gaussian with
# its own mean but one shared covariance, $p(x \mid y = c) = \mathcal{N}(x;\, \mu_c, \Sigma)$, and
# $p(y = c) = \pi_c$. Show that $p(y = 1 \mid x) = \sigma(w^\top x + b)$ and find $w$ and $b$.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# Write out $a(x) = \log \mathcal{N}(x; \mu_1, \Sigma) - \log \mathcal{N}(x; \mu_0, \Sigma) +
# \log(\pi_1 / \pi_0)$. The normalising constants are equal and cancel, and so does the quadratic
# term $-\tfrac12 x^\top \Sigma^{-1} x$, which is the same for both classes. What is left is linear
# in $x$:
#
# $$
# w = \Sigma^{-1}(\mu_1 - \mu_0), \qquad
# b = -\tfrac12 \mu_1^\top \Sigma^{-1} \mu_1 + \tfrac12 \mu_0^\top \Sigma^{-1} \mu_0
#     + \log \frac{\pi_1}{\pi_0}.
# $$
#
# This model is linear discriminant analysis. It and logistic regression describe the same family
# of posteriors and straight boundaries, but fit it differently: linear discriminant analysis
# maximises the joint likelihood $\sum_i \log p(x_i, y_i)$, logistic regression the conditional
# likelihood $\sum_i \log p(y_i \mid x_i)$. Such a "generative-discriminative pair" is what Ng and
# Jordan compared (with naive Bayes as the generative member). Fitted to the moons, the two give
# boundaries of similar direction but different coefficients, since each maximises its own
# objective (and scikit-learn's logistic regression also adds a small penalty on $w$):
#
# ```python
# from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
#
# lda = LinearDiscriminantAnalysis().fit(x_train, y_train)
# print("LDA:                ", lda.coef_[0].round(2), lda.intercept_.round(2))
# print("logistic regression:", logreg.coef_[0].round(2), logreg.intercept_.round(2))
# ```
#
# </details>

# %% [markdown]
# **4. Small training sets.** Train logistic regression and Ng and Jordan's Gaussian naive Bayes
# (each feature a Gaussian with a mean per class and one variance shared by both classes, which
# makes it a linear classifier: write it with NumPy in a few lines) on fresh moons data sets of
# 8, 16, 32, ..., 512 points, and measure both on one large test set. Average over many training
# sets, since a handful of points gives noisy results. Where does each do better? (Beware
# scikit-learn's `GaussianNB`: it fits a variance per class, so its boundary is quadratic and it
# is not the partner of logistic regression.)

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# def naive_bayes(xs, ys):
#     """w, b of Gaussian naive Bayes with one variance per feature shared by the classes."""
#     means = np.stack([xs[ys == c].mean(axis=0) for c in (0, 1)])
#     variance = ((xs - means[ys]) ** 2).mean(axis=0)
#     w = (means[1] - means[0]) / variance
#     b = -0.5 * ((means[1] ** 2 - means[0] ** 2) / variance).sum() + np.log(ys.mean() / (1 - ys.mean()))
#     return w, b
#
# x_big, y_big = make_moons(5000, noise=0.2, random_state=1)
# accuracy = {}
# for m in [8, 16, 32, 64, 128, 256, 512]:
#     scores = {"logistic regression": [], "naive Bayes": []}
#     for seed in range(100):
#         xs, ys = make_moons(m, noise=0.2, random_state=100 + seed)
#         scores["logistic regression"].append(LogisticRegression().fit(xs, ys).score(x_big, y_big))
#         w, b = naive_bayes(xs, ys)
#         scores["naive Bayes"].append(((x_big @ w + b > 0) == y_big).mean())
#     accuracy[m] = {name: np.mean(s) for name, s in scores.items()}
#     print(m, {name: f"{a:.1%}" for name, a in accuracy[m].items()})
# claim(all(accuracy[m]["naive Bayes"] > accuracy[m]["logistic regression"] for m in (8, 16, 32)),
#       "naive Bayes is ahead with a few dozen training points",
#       naive_bayes_8=accuracy[8]["naive Bayes"], logistic_8=accuracy[8]["logistic regression"])
# claim(accuracy[512]["logistic regression"] > accuracy[512]["naive Bayes"],
#       "logistic regression edges ahead at the largest size",
#       naive_bayes_512=accuracy[512]["naive Bayes"], logistic_512=accuracy[512]["logistic regression"])
# ```
#
# Naive Bayes is ahead with a few dozen training points, logistic regression catches up by a few
# hundred and edges ahead at the largest size: the two regimes Ng and Jordan describe. On this
# data the gaps are a few percentage points at most, because neither linear model can separate
# the moons well.
#
# </details>

# %% [markdown]
# ## Summary
#
# - A discriminative model learns $p(y \mid x)$, the class given the input (not the joint
#   $p(x, y)$); logistic regression, SVMs and most neural classifiers are discriminative.
# - A generative model learns $p(x, y) = p(x \mid y)\, p(y)$ (or $p(x)$); Gaussian mixtures,
#   hidden Markov models and VAEs are generative.
# - Bayes' rule, $p(y \mid x) = p(x \mid y)\, p(y) / p(x)$, turns a generative model into a
#   classifier; for two classes it is a sigmoid of a log-ratio, the same form logistic regression
#   fits directly.
# - Only a generative model can sample new inputs and say how typical an input is; its samples
#   show what it has and has not learned.
# - Neither family wins in general: accuracy depends on how well the model fits, and the amount of
#   data decides which family tends to do better.
#
# **Next:** chapter 2 builds an autoencoder, a network that learns a compact code for images, the
# first step towards a generative model of them.
