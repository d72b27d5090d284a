# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3. Digits in a two-dimensional latent space
#
# A code of 16 numbers is hard to look at. A code of two numbers is a point on a plane, and a
# whole test set becomes a scatter plot. This chapter trains the reference autoencoder of
# chapter 2 with a code of size two and looks at the
# {term}`latent space <Latent space>` it learns from two sides: where the encoder puts every
# test image, and what the decoder draws at every point of the plane. Digits of the same kind
# gather without ever being told their labels, and we measure how well with a nearest-neighbour
# classifier, against the two-dimensional projection that PCA finds. The same pictures also
# show what this latent space lacks, which is what chapter 5 sets out to fix.
#
# **In this chapter you will**
#
# - train an autoencoder whose code has two numbers and plot the code of every test image,
#   coloured by its digit;
# - decode a regular grid of codes to see the family of images the decoder has learned;
# - measure how well the classes separate in the code with the k-nearest-neighbour accuracy and
#   compare it with a two-dimensional PCA;
# - name the gaps, the uneven clusters and the unbounded extent of this latent space, and see
#   why they make random sampling unreliable.
#
# **Prerequisites:** chapter 2 (the reference autoencoder and `aelib.fit`).
#
# **Time:** about 25 minutes to read and run.

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
from sklearn.metrics import confusion_matrix
from sklearn.neighbors import KNeighborsClassifier

import aelib
from aelib import PCA, Autoencoder, SampleScorer, Table, claim, fit, knn_accuracy
from aelib.explorer import latent_explorer
from aelib.metrics import reconstruction_mse
from aelib.plot import class_scatter, code_extent, image_grid, latent_grid, loss_curves, show
from aelib.settings import settings

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %%
data = aelib.load_dataset()
x_train = data.x_train[: settings.samples(20_000)]
y_train = data.y_train[: len(x_train)]
print(f"{data.name}: training on {len(x_train):,} images, testing on {len(data.x_test):,}")

# %% [markdown]
# ## A code of two numbers
#
# The model is chapter 2's reference autoencoder with `embedding_dim=2`: the encoder ends in a
# linear layer from 2,048 numbers to 2, the decoder starts with one from 2 to 2,048. Nothing else
# changes. The labels `y_train` are not given to `fit`: the autoencoder never sees them, and we
# use them only afterwards, to colour the plots and to score the code.
#
# A two-number code is harder to learn than a long one, so this model trains for longer than the
# ones of chapter 2. The cost of training is set by how many images pass through the network, so
# we fix that number (about 120,000) and let the number of epochs follow from the size of the
# training set. The test loss of the curve below is measured on the first 2,000 test images after
# every epoch; every score after training uses all of them.

# %%
epochs = settings.epochs(max(1, 120_000 // len(x_train)))
torch.manual_seed(0)
model = Autoencoder(channels=1, embedding_dim=2)
history = fit(model, x_train, test=data.x_test[:2000], epochs=epochs, batch_size=64, lr=2e-3)
print(f"{epochs} epochs of {len(x_train):,} images in {sum(history.seconds):.0f} s")
fig = loss_curves(history, ylabel="mean squared error per pixel")
fig.axes[0].set_title("Training with a two-number code")
show(fig, "The training loss (solid, averaged over each epoch) and the test loss (dashed, at the "
     "end of each epoch) of the autoencoder whose code has two numbers.")

# %%
ae_mse = reconstruction_mse(model, data.x_test)
print(f"test MSE with a code of two numbers: {ae_mse:.4f}")

# %% [markdown]
# Two numbers cannot describe an image in detail (chapter 2's code-size sweep showed how the
# error falls with longer codes). The interesting part is where the encoder places the images.

# %% [markdown]
# ## Every test image as a point
#
# `model.embed` encodes a whole data set in batches and returns the codes, one row of two numbers
# per image. We plot every test image's code as a point coloured by its true label.

# %%
codes = model.embed(data.x_test)  # (N, 2)
print(f"codes: {tuple(codes.shape)}")
show(class_scatter(codes, data.y_test, data.classes, size=8,
                   title=f"Autoencoder codes of the {data.name} test images"),
     "Every test image's two-number code as a point, coloured and shaped by its true class, with "
     "each class's name written at the median of its codes. Images of the same class gather in "
     "the same region, classes drawn in similar ways sit next to each other and overlap, and "
     "some clusters spread much wider than others.")

# %% [markdown]
# Images of the same class gather in the same region although the autoencoder was never told
# the classes: images that look alike need similar codes to be rebuilt alike, and images of one
# class tend to look alike. Classes drawn in similar ways sit next to each other and overlap
# (on MNIST, look at 4 and 9, or at 3, 5 and 8). The clusters also differ in size: some spread
# over a large part of the plane while others are packed into a small patch. Both observations
# are measured below: the overlap by how often a code's neighbours belong to another class, with
# the pairs of classes confused most, and the sizes by each cluster's spread.

# %% [markdown]
# ## Decoding the plane
#
# The decoder turns any point of the plane into an image, not only the codes of real images.
# `latent_grid` decodes a regular grid of codes over the box that holds most of the test codes
# (`code_extent` trims 1% of outliers on each side) and lays the images out where their codes
# are. Placed next to the scatter plot over the same box, it shows what the decoder draws in
# each region.

# %%
extent = code_extent(codes)
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained")
class_scatter(codes, data.y_test, data.classes, ax=left, size=8, title="codes of the test images")
left.set_xlim(extent[:2]), left.set_ylim(extent[2:])
latent_grid(model, extent, n=20, ax=right)
right.set_title("decoded grid of codes")
show(fig, "Left, the test codes over the box that holds most of them; right, the images the "
     "decoder makes of a 20 by 20 grid of codes over the same box, each drawn where its code "
     "lies. Most regions decode to images of the class whose codes lie there, and across the "
     "grid one kind of image morphs smoothly into another.")

# %% [markdown]
# Moving across the grid, one kind of image morphs smoothly into another: the decoder has learned
# a two-dimensional sheet of images, a {term}`manifold <Manifold>`, folded through the space of
# all 784-pixel images. Inside a cluster the images vary in style (slant, width, thickness);
# between clusters they blend two classes, and in regions where no test code lies the decoder
# still draws something, an image it was never trained to make. How recognisable those images
# are is measured further down.

# %% [markdown]
# The panel below lets you walk the same box by hand: move the pointer over the plane (or focus
# it and press the arrow keys), and the image beside it is what the trained decoder makes of
# that code, computed from its weights in your browser.

# %%
latent_explorer(model, codes, data.y_test, data.classes, extent=extent)

# %% [markdown]
# ## How well do the classes separate?
#
# To put a number on "images of the same class gather", we use the
# {term}`k-NN accuracy <k-NN accuracy>`: classify each test code by a majority vote of its $k = 5$
# nearest training codes, and count how often the vote is right. A high accuracy means that
# neighbouring codes belong to the same class. The baseline is
# {term}`PCA <PCA>` with two components, the best linear projection onto a plane in the sense of
# squared error, fitted to the same training images.

# %%
pca = PCA(2).fit(x_train)
pca_codes = pca.embed(data.x_test)
train_codes = model.embed(x_train)
knn = {
    "autoencoder": knn_accuracy(train_codes, y_train, codes, data.y_test),
    "PCA": knn_accuracy(pca.embed(x_train), y_train, pca_codes, data.y_test),
}
mse = {"autoencoder": ae_mse, "PCA": reconstruction_mse(pca, data.x_test)}
Table([{"2-D code": name, "5-NN accuracy": knn[name], "test MSE": mse[name]} for name in knn],
      {"5-NN accuracy": ".1%", "test MSE": ".4f"})

# %% [markdown]
# Which classes does the vote mix up? Counting, for every pair of classes, the test codes of one
# that the vote gives to the other:

# %%
votes = KNeighborsClassifier(5).fit(train_codes.numpy(), y_train.numpy()).predict(codes.numpy())
confusion = confusion_matrix(data.y_test.numpy(), votes)
mixed = confusion + confusion.T  # both directions of each pair
pairs = sorted(((mixed[a, b], a, b) for a in range(len(data.classes)) for b in range(a)), reverse=True)
for count, a, b in pairs[:3]:
    print(f"{data.classes[b]} and {data.classes[a]}: {count:.0f} test codes given to the other class")

# %% tags=["hide-cell"]
claim(knn["autoencoder"] > knn["PCA"], "the autoencoder's two numbers separate the classes better than PCA's",
      autoencoder=knn["autoencoder"], pca=knn["PCA"])
claim(mse["autoencoder"] < mse["PCA"], "the autoencoder's two numbers reconstruct better than PCA's",
      autoencoder=mse["autoencoder"], pca=mse["PCA"])
claim(knn["autoencoder"] < 0.95, "the classes overlap: a fair share of test codes sit among another class",
      autoencoder_accuracy=knn["autoencoder"])
aelib.scoreboard.record("knn_accuracy_2d", knn["autoencoder"], data=data.name, training_images=len(x_train),
                        model="Autoencoder(1, 2)", epochs=epochs, test_mse=round(mse["autoencoder"], 4),
                        pca_accuracy=round(knn["PCA"], 4))

# %% [markdown]
# In the table, the autoencoder's two numbers separate the classes better than PCA's two, and
# they also reconstruct the images with a smaller error. PCA can only project onto a flat plane; the
# autoencoder's encoder and decoder are non-linear and can bend its sheet of images to follow the
# data. The two scatter plots side by side show the difference.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
for ax, name, points in [(left, "PCA", pca_codes), (right, "autoencoder", codes)]:
    class_scatter(points, data.y_test, data.classes, ax=ax, size=8,
                   title=f"{name}, 5-NN accuracy {knn[name]:.1%}")
left.get_legend().remove()
show(fig, "The test codes of PCA with two components (left) and of the autoencoder (right), "
     "each class named at its median: the autoencoder's classes overlap less, as the 5-NN "
     "accuracies in the titles say.")

# %% [markdown]
# ## What this latent space lacks
#
# The plot is a map of the data, but not yet a recipe for making new images. To generate, we
# would pick a code and decode it, and nothing tells us which codes to pick. Three features of
# the scatter plot make the choice hard.
#
# - **Unbounded:** the codes can lie anywhere on the plane. Training only asks for good
#   reconstructions, so their scale and position are arbitrary, and they change from one
#   training run to the next.
# - **Uneven clusters:** some classes fill wide regions, others small patches, so a point drawn
#   uniformly at random would favour some classes over others.
# - **Gaps:** regions between and around clusters hold few codes of any image, training or test,
#   and the decoder was never asked what to draw there.
#
# The cells below show the range of the codes (exercise 1 trains a second run to see it change),
# measure the unevenness and probe the gaps.

# %%
low, high = codes.min(dim=0).values, codes.max(dim=0).values
print(f"z1 runs from {low[0]:.1f} to {high[0]:.1f}, z2 from {low[1]:.1f} to {high[1]:.1f}")
spread = {}
for c, name in enumerate(data.classes):
    class_codes = codes[data.y_test == c]
    squared_distances = (class_codes - class_codes.mean(dim=0)).pow(2).sum(dim=1)
    spread[name] = squared_distances.mean().sqrt().item()
widest, narrowest = max(spread, key=spread.get), min(spread, key=spread.get)
print(f"spread of a class around its centre (root mean square distance): from "
      f"{spread[narrowest]:.2f} ({narrowest}) to {spread[widest]:.2f} ({widest}), "
      f"a ratio of {spread[widest] / spread[narrowest]:.1f}")

# %% [markdown]
# Uneven clusters make uneven odds. Draw many codes uniformly from the box and give each the class
# of its nearest test codes (a 5-NN vote): the share of the box each class owns is the chance
# that a random code lands in its territory.

# %%
uniform = torch.Generator().manual_seed(1)
box_low, box_high = torch.tensor(extent[0::2]), torch.tensor(extent[1::2])
box_codes = box_low + (box_high - box_low) * torch.rand(5000, 2, generator=uniform)
territory = KNeighborsClassifier(5).fit(codes.numpy(), data.y_test.numpy()).predict(box_codes.numpy())
share = torch.bincount(torch.from_numpy(territory), minlength=len(data.classes)) / len(territory)
Table([{"class": data.classes[c], "share of the box": share[c].item()}
       for c in share.argsort(descending=True).tolist()], {"share of the box": ".1%"})

# %% tags=["hide-cell"]
claim(spread[widest] > 1.5 * spread[narrowest], "the clusters differ in size",
      widest=spread[widest], narrowest=spread[narrowest])
claim(share.max() > 2 * share.min(), "a random code in the box favours some classes over others",
      largest_share=share.max(), smallest_share=share.min())

# %% [markdown]
# Now draw 20 codes uniformly at random from the box of the plots above, mark them on the map,
# and decode them.

# %%
generator = torch.Generator().manual_seed(0)
random_codes = box_low + (box_high - box_low) * torch.rand(20, 2, generator=generator)
fig = class_scatter(codes, data.y_test, data.classes, size=8, title="20 codes drawn at random in the box")
plt.scatter(*random_codes.T, s=160, color="white", edgecolors="black", zorder=4)
for i, (z1, z2) in enumerate(random_codes.tolist()):
    plt.annotate(str(i + 1), (z1, z2), ha="center", va="center", fontsize=8, zorder=5)
plt.xlim(extent[:2]), plt.ylim(extent[2:])
show(fig, "The test codes, each class named at its median, and 20 codes drawn uniformly at "
     "random in the box, as white circles numbered 1 to 20: some fall inside a cluster, others "
     "in the gaps between clusters.")

# %%
show(image_grid(model.generate(random_codes), ncols=10, titles=[str(i + 1) for i in range(20)]),
     "The images decoded from the 20 random codes, numbered as on the map above: codes inside a "
     "cluster give clean images, codes in empty regions give blends of two classes or an image "
     "of a large cluster nearby.")

# %% [markdown]
# Codes that land inside a cluster give a clean image. Codes in the empty regions give whatever
# the decoder makes of a place it was never trained on: often an image of the class of a large
# cluster nearby, sometimes a blend of two classes. And because the classes own very different
# shares of the box, the random codes favour some classes over the others.
#
# Twenty images are a small sample. To count, decode all 5,000 random codes of the box and
# label each image with a small classifier trained on the real training images
# (`aelib.SampleScorer`, which chapter 5 uses to compare generators). Does the image show the
# class that the 5-NN vote of the test codes gives its place on the map? We compare the quarter
# of the codes nearest to a test code with the quarter farthest from every test code.

# %%
scorer = SampleScorer.fit(x_train, y_train)
box_images = model.generate(box_codes)
distance = torch.cdist(box_codes, codes).min(dim=1).values  # to the nearest test code
order, quarter = distance.argsort(), len(box_codes) // 4
region = torch.from_numpy(territory)  # the class of each code's place, by the 5-NN vote
agreement = {where: scorer.score(box_images[part], region[part])["agreement"]
             for where, part in (("nearest", order[:quarter]), ("farthest", order[-quarter:]))}
print(f"images showing the class of their place: {agreement['nearest']:.1%} of the quarter of codes nearest to "
      f"a test code, {agreement['farthest']:.1%} of the farthest quarter")

# %% tags=["hide-cell"]
claim(agreement["nearest"] > 0.5, "most regions decode to images of the class whose codes lie there",
      nearest_quarter=agreement["nearest"])
claim(agreement["farthest"] > 0.5, "far from every test code, most images still show the class of the nearest codes",
      farthest_quarter=agreement["farthest"])

# %% [markdown]
# Near the test codes, most decoded images show the class of their region. So do most of those
# decoded far from every test code: the decoder carries the class of the nearest cluster out into
# the empty regions, and blends or other classes are the minority there. A random code in a gap
# is not wasted, but which class it gives depends on which cluster happens to be nearest.

# %% [markdown]
# A plain autoencoder gives us an encoder, a decoder and a map, but no rule for choosing codes:
# nothing in its training makes the codes fill a known region evenly. The
# {term}`variational autoencoder <VAE>` of chapter 5 {cite}`kingma2014` adds such a rule: its
# loss pulls each image's distribution of codes towards a standard normal, which gives the plane
# a fixed centre and scale and makes "draw a code from the normal distribution, decode it" a way
# to generate new images. Chapter 5 measures how many gaps remain.

# %% [markdown]
# ## Exercises
#
# **1. Train it again.** Retrain the two-dimensional autoencoder with `torch.manual_seed(1)` and
# `fit(..., seed=1)` and draw the scatter plot again. Which features of the picture stay the same,
# and which change? What does that say about the meaning of the two axes?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(1)
# model_b = Autoencoder(channels=1, embedding_dim=2)
# fit(model_b, x_train, test=data.x_test, epochs=epochs, batch_size=64, lr=2e-3, seed=1)
# codes_b = model_b.embed(data.x_test)
# class_scatter(codes_b, data.y_test, data.classes, title="second run")
# plt.show()
# accuracy_b = knn_accuracy(model_b.embed(x_train), y_train, codes_b, data.y_test)
# print(f"5-NN accuracy: {accuracy_b:.1%} (first run {knn['autoencoder']:.1%}, PCA {knn['PCA']:.1%})")
# claim(accuracy_b > knn["PCA"], "the second run's codes also separate the classes better than PCA's",
#       first=knn["autoencoder"], second=accuracy_b, pca=knn["PCA"])
# ```
#
# The clusters come back, and the codes again separate the classes better than PCA's, though not
# necessarily as well as the first run's: the k-NN accuracy of a two-number map depends on the
# layout a run happens to find (compare the two printed accuracies). The layout is rotated,
# reflected, stretched or rearranged, and the codes span different ranges. The reconstruction
# loss does not care how the plane is oriented or scaled, so the axes $z_1$ and $z_2$ have no
# fixed meaning; only the arrangement of the images relative to each other does.
#
# </details>

# %% [markdown]
# **2. Walk across a gap.** Pick two test images of different classes, encode them, and decode
# ten codes on the straight line between their codes,
# $z(t) = (1 - t)\, z_a + t\, z_b$ for $t$ from 0 to 1. Mark the line on the scatter plot. Do the
# images in the middle look like digits?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# a = (data.y_test == 0).nonzero()[0].item()  # the first test image of class 0
# b = (data.y_test == 1).nonzero()[0].item()  # the first test image of class 1
# z_a, z_b = codes[a], codes[b]
# t = torch.linspace(0, 1, 10)[:, None]
# line = (1 - t) * z_a + t * z_b
# image_grid(model.generate(line), ncols=10, titles=[f"t = {v:.1f}" for v in t.squeeze(1).tolist()])
# plt.show()
# class_scatter(codes, data.y_test, data.classes)
# plt.plot(*line.T, "k-o", markersize=3)
# plt.show()
# ```
#
# The ends reconstruct the two images. In between, the line crosses whatever lies between the two
# clusters: when it passes through a third class the images turn into that class for a while, and
# when it crosses empty space they can blur into shapes of no class. In a plain autoencoder, a
# straight line between two codes is not a path through plausible images.
#
# </details>

# %% [markdown]
# **3. More neighbours, more dimensions.** Compute the k-NN accuracy of the autoencoder's and of
# PCA's two-dimensional codes for $k$ = 1, 5 and 25. Then fit PCA with 16 components and compare
# its k-NN accuracy with the two-dimensional autoencoder's. How many PCA components does it take
# to match two autoencoder numbers?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# by_k = {}
# for k in (1, 5, 25):
#     ae = knn_accuracy(train_codes, y_train, codes, data.y_test, k=k)
#     lin = knn_accuracy(pca.embed(x_train), y_train, pca_codes, data.y_test, k=k)
#     by_k[k] = ae > lin
#     print(f"k = {k:2d}: autoencoder {ae:.1%}, PCA {lin:.1%}")
# by_size = {}
# for n in (2, 4, 8, 16):
#     p = PCA(n).fit(x_train)
#     by_size[n] = knn_accuracy(p.embed(x_train), y_train, p.embed(data.x_test), data.y_test)
#     print(f"PCA({n}): {by_size[n]:.1%}")
# claim(all(by_k.values()), "the ranking does not depend on k", autoencoder_ahead=by_k)
# enough = [n for n, accuracy in by_size.items() if accuracy > knn["autoencoder"]]
# print(f"fewest PCA components tried that beat the autoencoder's two numbers: {min(enough, default=None)}")
# claim(enough and min(enough) > 2, "PCA needs more than two components, and catches up by 16 at most",
#       pca=by_size, autoencoder_2=knn["autoencoder"])
# ```
#
# The ranking does not depend on $k$. PCA needs more than two components to catch up, and gets
# there within 16 (the solution prints the smallest size tried that does): a linear projection
# needs more numbers to separate what a non-linear encoder separates with two.
# Chapter 4 compares the two families systematically.
#
# </details>

# %% [markdown]
# ## Summary
#
# - With a code of two numbers, every image becomes a point on a plane. The autoencoder, never
#   shown a label, groups images of the same class together.
# - Decoding a grid of codes shows the learned manifold: a sheet of images on which one class
#   morphs into another.
# - The k-NN accuracy measures how well classes separate in the code; the autoencoder's two
#   numbers beat PCA's two, because its encoder and decoder are non-linear.
# - The plain autoencoder's latent space is unbounded, its clusters are uneven and there are gaps
#   between them, so decoding a random code is a gamble; a variational autoencoder adds a prior
#   that addresses this (chapter 5 measures how well).
#
# **Next:** chapter 4 sets autoencoders against PCA and the SVD in more depth; chapter 5 builds
# the variational autoencoder.
