# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. What an autoencoder is
#
# An {term}`autoencoder <Autoencoder>` is a neural network trained to copy its input to its
# output through a narrow passage. The first half squeezes an image into a short list of numbers,
# the second half rebuilds the image from that list alone, and training rewards a faithful copy.
# Because the passage is narrow, the network cannot simply pass the pixels through: it has to find
# a compact description of the images it sees. This chapter builds the course's reference
# convolutional autoencoder, follows a batch of images through every layer, trains it on
# handwritten digits and measures how the size of the code limits the quality of the copy.
#
# **In this chapter you will**
#
# - see what an autoencoder is for: compression, denoising, features and, with care, generation;
# - name its three parts (encoder, code, decoder) and its training objective, the mean squared
#   reconstruction error;
# - read the reference convolutional architecture and trace the shape of a batch through every
#   layer, including the transposed convolutions that take 4 x 4 back to 28 x 28;
# - train it with one call, write the same training epoch out by hand, and judge the result by
#   its loss curve and its reconstructions;
# - measure how the reconstruction error falls as the code grows.
#
# **Prerequisites:** chapter 1; Python; a little PyTorch (tensors, `nn.Module`, what a
# convolution is).
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
import torch
from IPython.display import Markdown, display
from torch import nn

import aelib
from aelib import Autoencoder, SampleScorer, claim, fit, reconstruction_mse
from aelib.plot import image_rows, loss_curves, show, show_reconstructions
from aelib.settings import settings

aelib.use_style()  # the course's matplotlib style: importing aelib changes none of its settings

# %% [markdown]
# ## The data
#
# We use MNIST {cite}`lecun1998`, 28 x 28 grey images of handwritten digits, loaded as float
# tensors of shape (N, 1, 28, 28) with pixel values in [0, 1]. The one line below loads
# Fashion-MNIST {cite}`xiao2017` instead when the environment variable `AELIB_DATASET` is set to
# `fashion`; every cell after it works on either.

# %%
data = aelib.load_dataset()
print(f"{data.name}: {len(data.x_train):,} training and {len(data.x_test):,} test images")
print(f"one batch of images has shape (N, channels, height, width) = {tuple(data.x_train[:8].shape)}")
show(image_rows({"training images": data.x_train[:12]}, n=12),
     f"The first twelve {data.name} training images: light shapes on a black background.")

# %% [markdown]
# ## Why squeeze an image through a narrow code?
#
# A 28 x 28 image is a list of 784 numbers, yet the images of a data set like this one fill only a
# tiny, structured corner of all the lists of 784 numbers: a random one looks like static, never
# like a digit. An autoencoder learns a short {term}`code <Code>` that describes where an image
# lies in that corner. Such a code is useful in several ways:
#
# - **compression:** store or send the code instead of the pixels, and rebuild the image when
#   needed (lossily);
# - **denoising:** trained to rebuild clean images from corrupted ones, an autoencoder learns to
#   remove the corruption {cite}`vincent2008` (chapter 6);
# - **features:** the code is a compact summary of the image that other models can use, for
#   instance for classification, search or clustering; Hinton and Salakhutdinov showed that deep
#   autoencoders find much better low-dimensional codes than PCA {cite}`hinton2006`;
# - **generation, with care:** the second half turns codes into images, so new codes give new
#   images. Which codes give plausible images is a question a plain autoencoder does not answer;
#   chapters 3 and 5 take it up.

# %% [markdown]
# To see how small that corner is, here are images whose 784 pixel values are drawn uniformly at
# random. Draw as many as you like; none of them will ever look like a digit.

# %%
torch.manual_seed(0)
show(image_rows({"random pixels": torch.rand(12, 1, 28, 28)}, n=12),
     "Twelve images whose pixels are drawn uniformly at random: each is grey static, and none "
     "looks like a digit or a garment.")

# %% [markdown]
# ## Encoder, code, decoder
#
# An autoencoder is two networks in a row. The {term}`encoder <Encoder>` $f_\phi$ maps an image
# $x$ to its code $z$, a vector of `embedding_dim` numbers; the {term}`decoder <Decoder>`
# $g_\theta$ maps the code back to an image $\hat{x}$ of the same shape as $x$:
#
# $$
# z = f_\phi(x) \in \mathbb{R}^{d}, \qquad \hat{x} = g_\theta(z) \in [0, 1]^{28 \times 28}.
# $$
#
# The two are trained together, end to end, by gradient descent on the
# {term}`reconstruction error <Reconstruction error>`, here the mean squared error over the $N$
# images and $D = 784$ pixels of a batch:
#
# $$
# L(\phi, \theta) = \frac{1}{N D} \sum_{i=1}^{N} \lVert x_i - g_\theta(f_\phi(x_i)) \rVert^2 .
# $$
#
# Nobody tells the network what the code should mean. Its only instruction is "make $\hat{x}$
# close to $x$", and with $d$ much smaller than 784 the cheapest way to obey is to keep what
# varies most between images and discard the rest. The idea of training a network to reproduce
# its input through a narrow hidden layer goes back to the early work on backpropagation
# {cite}`rumelhart1986`.

# %% [markdown]
# ## The reference architecture
#
# `aelib.Autoencoder(channels, embedding_dim)` is the convolutional autoencoder used throughout
# the course. Its `encoder` and `decoder` are plain `nn.Sequential` stacks, so printing the model
# lists every layer in order.
#
# - **Encoder:** three 3 x 3 convolutions with stride 2 and padding 1 (32, 64 and 128 filters,
#   each followed by a ReLU) halve the image three times, 28 -> 14 -> 7 -> 4; the 128 feature
#   maps of 4 x 4 are flattened into 2,048 numbers and one linear layer maps them to the code.
# - **Decoder:** the same path in reverse. A linear layer maps the code to 2,048 numbers, which
#   are reshaped into 128 maps of 4 x 4; three transposed convolutions with ReLU grow them to
#   7, 14 and 28 pixels (128 -> 64 -> 32 -> 32 channels); a 1 x 1 convolution mixes the 32
#   channels into one, and a sigmoid squashes every pixel into [0, 1].

# %%
torch.manual_seed(0)
model = Autoencoder(channels=1, embedding_dim=16)
print(model)

# %% [markdown]
# ## Following a batch through every layer
#
# Printing the layers does not show what they do to a tensor. The cell below passes a batch of
# eight images through the encoder, one layer at a time, then the resulting codes through the
# decoder, and records the shape that comes out of each layer and how many trainable numbers
# (weights and biases) the layer holds.

# %%
def shape_trace(model, x):
    """A markdown table: the output shape and parameter count of every layer, in order."""
    rows = ["| part | layer | output shape | parameters |", "| --- | --- | --- | ---: |"]
    rows.append(f"| input | | `{tuple(x.shape)}` | |")
    with torch.no_grad():
        for part, layers in [("encoder", model.encoder), ("decoder", model.decoder)]:
            for layer in layers:
                x = layer(x)
                n = sum(p.numel() for p in layer.parameters())
                rows.append(f"| {part} | `{layer}` | `{tuple(x.shape)}` | {n:,} |")
    return "\n".join(rows)


display(Markdown(shape_trace(model, data.x_test[:8])))

# %% [markdown]
# Read the table from top to bottom: the image side halves at every convolution while the
# number of channels grows, the code in the middle is a batch of 8 vectors of 16 numbers, and the decoder ends
# with the shape the encoder started from. Most of the parameters sit next to the code: in the
# convolutions between 64 and 128 channels on either side of it, and in the two linear layers.

# %%
n_encoder = sum(p.numel() for p in model.encoder.parameters())
n_decoder = sum(p.numel() for p in model.decoder.parameters())
print(f"encoder: {n_encoder:,} parameters, decoder: {n_decoder:,}, total: {n_encoder + n_decoder:,}")

# %% [markdown]
# ## How the decoder gets back to 28 x 28
#
# A convolution with kernel $k$, stride $s$ and padding $p$ turns a side of $n$ pixels into
# $\lfloor (n + 2p - k)/s \rfloor + 1$; with $k = 3$, $s = 2$, $p = 1$ that is
# $\lfloor (n - 1)/2 \rfloor + 1$, so 28 -> 14 -> 7 -> 4 (7 is odd and rounds up to 4). A
# transposed convolution runs the arithmetic backwards,
#
# $$
# n_\text{out} = (n - 1)\,s - 2p + k + \text{output\_padding} = 2n - 1 + \text{output\_padding},
# $$
#
# and because the encoder's rounding threw information away, the way back is ambiguous: both 13
# and 14 shrink to 7. The argument `output_padding` (0 or 1 here) picks the size. The decoder
# needs 0 for the first step and 1 for the other two; the cell below compares those choices with
# leaving `output_padding` at its default of 0 everywhere.

# %%
def transposed_size(n, output_padding, kernel=3, stride=2, padding=1):
    return (n - 1) * stride - 2 * padding + kernel + output_padding


for name, paddings in [("the decoder's (0, 1, 1)", (0, 1, 1)), ("all zero   (0, 0, 0)", (0, 0, 0))]:
    sizes = [4]
    for output_padding in paddings:
        sizes.append(transposed_size(sizes[-1], output_padding))
    print(f"output_padding {name}: " + " -> ".join(map(str, sizes)))

# %% [markdown]
# Without the right `output_padding` the decoder would produce 25 x 25 images, and comparing them
# with 28 x 28 inputs would fail. The decoder's last two layers also matter: the 1 x 1 convolution
# sets the number of output channels, and the sigmoid keeps every pixel in [0, 1], the range of
# the data.
#
# A widely copied version of this architecture writes the decoder's forward pass with three
# transposed convolutions but never creates them in its constructor, so it stops with an
# `AttributeError` before producing a single image. Here every layer is built in one
# `nn.Sequential`, so a layer that is used is a layer that exists; the check below counts them.

# %%
ups = [layer for layer in model.decoder if isinstance(layer, nn.ConvTranspose2d)]
print(f"{len(ups)} transposed convolutions in the decoder, output_padding =",
      [layer.output_padding[0] for layer in ups])
print(f"output of the untrained model: {tuple(model(data.x_test[:8]).shape)}")

# %% [markdown]
# ## Training
#
# `aelib.fit` trains any model of the course with the Adam optimiser on mini-batches of images,
# minimising the model's own loss (here the mean squared error above). After every epoch (one pass
# through the training images) it also computes the loss on the test images, which the model
# never trains on. To keep the chapter quick on a laptop CPU we use 8,000 training images and
# three epochs, with small batches of 64. The bar shows the progress.
#
# The size of Adam's steps follows a *one-cycle* schedule (`schedule="one-cycle"`), the policy of
# Smith and Topin {cite}`smith2019` in the form PyTorch's `OneCycleLR` gives it by default: the
# learning rate starts at a twenty-fifth of `lr`, rises to `lr` over the first 30% of the steps,
# then falls along a cosine to almost zero by the last, while Adam's momentum (its `beta1`) moves
# the opposite way. The early
# large steps move the weights quickly while they are far from any good solution; the late small
# ones let them settle instead of bouncing around it, which a constant rate cannot do. Smith and
# Topin found that it trains networks to a given accuracy in a fraction of the usual epochs, which
# is what a short run needs; chapters 4 to 7 train this way too.
#
# One more choice concerns the start. With PyTorch's initial weights the untrained decoder draws
# a uniform grey, far from every image. `model.start_at_mean(x_train)` sets the bias of its last
# layer so that it draws the average of the training images instead. This decoder's last layer
# has one bias for the whole image, so it starts at a uniform image of the average pixel value,
# dark like the background of most images; a fully connected decoder has one bias per pixel and
# starts at the average image itself, the point from which PCA starts too. Exercise 4 measures
# what this buys.

# %%
x_train = data.x_train[: settings.samples(8_000)]
model.start_at_mean(x_train)  # the untrained decoder draws the average pixel value everywhere
recipe = dict(epochs=settings.epochs(3), batch_size=64, lr=3e-3, schedule="one-cycle")
history = fit(model, x_train, test=data.x_test, **recipe)
print(f"{len(x_train):,} training images, {history.epochs} epochs in {sum(history.seconds):.0f} s")

# %%
fig = loss_curves(history, ylabel="mean squared error per pixel")
fig.axes[0].set_title("Reconstruction error during training")
show(fig, "The training loss (solid, averaged over each epoch) and the test loss (dashed, at the "
     "end of each epoch) fall together.")

# %% [markdown]
# The training and test curves fall together, so the model is learning something that holds for
# images it has not seen rather than memorising its training set. (The training loss is averaged
# over each epoch, while the model was still improving, so it lags behind the test loss, which is
# measured at the end of the epoch.) The folded cell below checks these two sentences against the
# run; every chapter checks what its text says about its results this way, and a sentence that a
# full run contradicts stops the book from building.

# %% tags=["hide-cell"]
train_loss, test_loss = history.train_loss, history.test_loss
claim(train_loss[-1] < train_loss[0] and test_loss[-1] < test_loss[0],
      "the training and test losses fall together",
      first_test=test_loss[0], last_test=test_loss[-1])
claim(test_loss[-1] <= train_loss[-1], "the epoch-averaged training loss lags behind the test loss",
      last_train=train_loss[-1], last_test=test_loss[-1])

# %% [markdown]
# ## The loop inside `fit`
#
# `fit` hides a loop worth seeing once. One epoch visits the training images once in a shuffled
# order, a batch at a time: run the batch through the model, measure the mean squared error,
# let PyTorch compute the gradient of that error with respect to every weight (`backward`), and
# let Adam move every weight a little against its gradient (`step`). Below, one epoch written
# out, next to one epoch of `fit` on the CPU from the same initial weights, with the same
# shuffled order (the same `seed`), batch size and learning rate; both run over the first 2,000
# training images, which is enough to compare them.

# %%
def train_one_epoch(model, x, batch_size=64, lr=2e-3, seed=0, fused=False):
    """One epoch of Adam on the mean squared error, in shuffled batches."""
    optimiser = torch.optim.Adam(model.parameters(), lr=lr, fused=fused)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    model.train()
    for start in range(0, len(x), batch_size):
        batch = x[order[start : start + batch_size]]
        loss = ((model(batch) - batch) ** 2).mean()  # the mean squared error of the formula above
        optimiser.zero_grad()  # forget the previous batch's gradients
        loss.backward()  # the gradient of the loss with respect to every weight
        optimiser.step()  # one small step of every weight against its gradient
    model.eval()


def weights(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()])


x_few = x_train[:2000]
torch.manual_seed(0)
with_fit = Autoencoder(channels=1, embedding_dim=16)
fit(with_fit, x_few, epochs=1, batch_size=64, lr=2e-3, seed=0, device="cpu", progress="off")
torch.manual_seed(0)
by_hand = Autoencoder(channels=1, embedding_dim=16)
train_one_epoch(by_hand, x_few)
gap = ((weights(by_hand) - weights(with_fit)).norm() / weights(with_fit).norm()).item()
mse_by_hand, mse_with_fit = reconstruction_mse(by_hand, data.x_test), reconstruction_mse(with_fit, data.x_test)
print(f"written out: weights differ from fit's by {gap:.2%} of their size; "
      f"test MSE {mse_by_hand:.5f} against {mse_with_fit:.5f}")

# %% [markdown]
# Close, but not the same to the last bit (the printed gap is not zero). On a CPU, `fit` adds two speed-ups that round
# differently in the last digits: it stores the convolutions' activations channel by channel in
# memory ("channels last"), and it updates all of Adam's weights in one fused pass. Rounding
# differences grow a little with every step. Give the hand-written loop the same two settings
# and it takes exactly `fit`'s steps:

# %%
torch.manual_seed(0)
fast_by_hand = Autoencoder(channels=1, embedding_dim=16).to(memory_format=torch.channels_last)
train_one_epoch(fast_by_hand, x_few, fused=True)
same = torch.equal(weights(fast_by_hand), weights(with_fit))
print(f"with channels-last activations and fused Adam: the same weights as fit's, bit for bit: {same}")

# %% tags=["hide-cell"]
claim(gap > 0, "the plain hand-written epoch is not the same as fit's to the last bit", weight_gap=gap)
claim(same, "with fit's two speed-ups the hand-written epoch gives exactly fit's weights")
claim(abs(mse_by_hand / mse_with_fit - 1) < 0.05, "the plain hand-written epoch ends close to fit's error",
      mse_by_hand=mse_by_hand, mse_with_fit=mse_with_fit, weight_gap=gap)

# %% [markdown]
# Around this loop `fit` adds what a course needs: a progress bar or log line, the `History` of
# training and test losses, a clean stop on Ctrl-C that keeps the weights, an error that keeps
# finite weights when the loss becomes NaN or infinite, and the speed-ups above (with one more,
# a setting of the memory allocator, all three in `aelib.speed`), and the one-cycle schedule,
# which moves the optimiser's learning rate after every step (the comparison above used `fit`'s
# default, a constant rate, as the hand-written loop does). For models that draw random
# noise (the VAEs of chapter 5), the test losses draw it from a seed of their own, so scoring a
# test set after every epoch never changes the training.
#
# To judge the size of the error, compare it with a baseline that ignores the input: answering
# every image with the average training image.

# %%
test_mse = reconstruction_mse(model, data.x_test)
mean_image = data.x_train.mean(dim=0)
baseline_mse = ((data.x_test - mean_image) ** 2).mean().item()
print(f"test MSE of the autoencoder (16 numbers per image): {test_mse:.4f}")
print(f"test MSE of the average image (no code at all):     {baseline_mse:.4f}")
print(f"the code removes {1 - test_mse / baseline_mse:.0%} of the baseline's error")

# %% tags=["hide-cell"]
claim(test_mse < 0.5 * baseline_mse, "a 16-number code removes more than half of the baseline's error",
      autoencoder=test_mse, average_image=baseline_mse)

# %% [markdown]
# ## Originals and reconstructions
#
# Numbers hide what the errors look like. Below, the first test images sit above what the
# autoencoder rebuilds from their 16-number codes.

# %%
originals = data.x_test[:12]
show(show_reconstructions(originals, model.reconstruct(originals), n=12),
     "Twelve test images above their reconstructions from 16-number codes: the reconstructions "
     "keep the overall shape of their originals, and mostly their class, but are smoother, "
     "without thin strokes and fine texture.")

# %% [markdown]
# The reconstructions keep the overall shape of the images, and mostly their class (counted
# further down), but are smoother than the originals: thin strokes and fine texture are what a short code drops first. Minimising a
# squared error also favours blur, since when the decoder is unsure where an edge goes, a grey
# average of the candidates costs less than a sharp guess in the wrong place.

# %% [markdown]
# ## How big should the code be?
#
# The code size `embedding_dim` sets how much the encoder may pass on. We train four more
# reference autoencoders, with codes of 2, 4, 8 and 32 numbers, using exactly the recipe of the
# model above (same images, epochs, batch size and learning rate), and measure the error of all
# five on the whole test set. Only the code size differs between them, but keep in mind what
# three epochs measure: the error each code size reaches in a short run, which mixes how much the
# code can hold with how quickly a model of that size learns to use it.

# %%
code_sizes = [2, 4, 8, 16, 32]
sweep = {16: model}  # trained above
for d in code_sizes:
    if d not in sweep:
        torch.manual_seed(0)
        sweep[d] = Autoencoder(channels=1, embedding_dim=d).start_at_mean(x_train)
        fit(sweep[d], x_train, progress="off", **recipe)
sweep_mse = [reconstruction_mse(sweep[d], data.x_test) for d in code_sizes]
for d, mse in zip(code_sizes, sweep_mse):
    print(f"code size {d:2d}: test MSE {mse:.4f}")
mse_of = dict(zip(code_sizes, sweep_mse))
print(f"from 2 to 8 numbers the error drops by {mse_of[2] - mse_of[8]:.4f}, "
      f"from 8 to 32 by {mse_of[8] - mse_of[32]:.4f}")

# %%
fig, ax = plt.subplots()
ax.plot(code_sizes, sweep_mse, "-o", label="reference autoencoder")
for d, mse in zip(code_sizes, sweep_mse):
    ax.annotate(f"{mse:.4f}", (d, mse), textcoords="offset points", xytext=(0, 8), ha="center")
ax.axhline(baseline_mse, color="grey", linestyle="--", label="average image (no code)")
ax.set_xscale("log", base=2)
ax.set_xticks(code_sizes, [str(d) for d in code_sizes])
ax.set_ylim(0, 1.15 * max(baseline_mse, *sweep_mse))
ax.set_xlabel("code size (embedding_dim)"), ax.set_ylabel("test MSE per pixel")
ax.set_title(f"Reconstruction error against code size ({data.name})")
ax.legend(frameon=False, loc="lower left")
show(fig, "The test error of the reference autoencoder for codes of 2, 4, 8, 16 and 32 numbers, "
     "each point labelled with its value, and a dashed line for the average image. The error "
     "falls as the code grows, steeply from 2 to 8 numbers and less from 8 to 32; even two "
     "numbers stay below the dashed line.")

# %% [markdown]
# The error falls as the code grows, steeply at first: every extra number lets the encoder pass
# on more about the image, but the last line shows how much less the step from 8 to 32 numbers
# buys than the step from 2 to 8. Two numbers do beat the average image, by the margin the next
# line prints. The reconstructions show where the gain goes; each row below is one code size.

# %%
print(f"two numbers remove {1 - mse_of[2] / baseline_mse:.0%} of the average image's error")

# %% tags=["hide-cell"]
claim(sweep_mse == sorted(set(sweep_mse), reverse=True), "the error falls at every step as the code grows",
      **{f"d{d}": mse for d, mse in mse_of.items()})
claim(mse_of[2] - mse_of[8] > mse_of[8] - mse_of[32],
      "the step from 8 to 32 numbers buys less than the step from 2 to 8",
      from_2_to_8=mse_of[2] - mse_of[8], from_8_to_32=mse_of[8] - mse_of[32])
claim(mse_of[2] < baseline_mse, "two numbers beat the average image",
      d2=mse_of[2], average_image=baseline_mse)

# %%
rows = {"original": originals} | {f"d = {d}": sweep[d].reconstruct(originals) for d in code_sizes}
show(image_rows(rows, n=12),
     "Twelve test images (top row) and their reconstructions from codes of 2, 4, 8, 16 and 32 "
     "numbers, one row per code size: with 2 or 4 numbers many come back blurred or as another "
     "class, and longer codes keep more of each image's own shape, such as the slant and "
     "thickness of a stroke.")

# %% [markdown]
# With two or four numbers, many images come back blurred or as a different class: the code has
# room for little more than "which kind of image, drawn roughly how". Longer codes keep more of
# each image's own shape, such as the slant and thickness of a stroke.
#
# "As another class" can be counted. A small classifier trained on the real training images
# (`aelib.SampleScorer`, which chapter 5 uses to compare generators) labels every test image's
# reconstruction; below is how often it gives the true class, for each code size and for the
# test images themselves.

# %%
scorer = SampleScorer.fit(x_train, data.y_train[: len(x_train)])
recognised = {d: scorer.accuracy(sweep[d].reconstruct(data.x_test), data.y_test) for d in code_sizes}
recognised_originals = scorer.accuracy(data.x_test, data.y_test)
for d, share in recognised.items():
    print(f"code size {d:2d}: {share:.1%} of the reconstructions recognised as their class")
print(f"the test images themselves: {recognised_originals:.1%}")

# %% tags=["hide-cell"]
claim(recognised[16] > 0.85 * recognised_originals,
      "16-number codes mostly keep the class: their reconstructions are recognised at least 85% as often as "
      "the originals", reconstructions=recognised[16], originals=recognised_originals)
claim(max(recognised[2], recognised[4]) < recognised[16] - 0.05,
      "with 2 or 4 numbers clearly more images come back as another class",
      d2=recognised[2], d4=recognised[4], d16=recognised[16])

# %% [markdown]
# With two or four numbers clearly more reconstructions are taken for another class; with 16,
# most are recognised as their class, not far below the share of the originals. Chapter 3 looks inside the smallest of
# these codes, where the two numbers can be drawn as a point on a plane.

# %% [markdown]
# ## Exercises
#
# **1. Without `output_padding`.** Build a single transposed convolution
# `nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1)` (so `output_padding=0`), pass it a tensor
# of shape (1, 64, 7, 7) and print the output shape. Then find the `output_padding` that gives
# 14 x 14, and check your answer with the formula above. What goes wrong if you set
# `output_padding=2`?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# x = torch.zeros(1, 64, 7, 7)
# print(nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1)(x).shape)  # (1, 32, 13, 13)
# print(nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)(x).shape)  # 14 x 14
# too_much = nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=2)  # accepted
# try:  # calling it fails on purpose: the error is the lesson
#     too_much(x)
#     raise AssertionError("output_padding=2 with stride 2 should have been refused")
# except RuntimeError as error:
#     print(f"RuntimeError: {error}")
# ```
#
# The formula gives $2 \cdot 7 - 1 + 0 = 13$ and $2 \cdot 7 - 1 + 1 = 14$. PyTorch requires
# `output_padding` to be smaller than the stride (or the dilation), so with stride 2 the only
# choices are 0 and 1; with `output_padding=2` the layer is created, but calling it raises a
# `RuntimeError` that says so (the code above checks that it does).
#
# </details>

# %% [markdown]
# **2. Count the parameters by hand.** Using the table of the shape trace, explain the parameter
# counts of the encoder's second convolution and of the decoder's first linear layer. Which of
# the layers would change, and by how much, if `embedding_dim` were 32 instead of 16?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# A convolution from 32 to 64 channels with 3 x 3 kernels has $32 \cdot 64 \cdot 9 = 18{,}432$
# weights plus one bias per output channel, 64: 18,496 in all. The decoder's first linear layer
# maps 16 numbers to 2,048, so it has $16 \cdot 2048$ weights and 2,048 biases: 34,816.
#
# Only the two layers that touch the code depend on `embedding_dim`. The encoder's last linear
# layer ($2048 \cdot d + d$ parameters) and the decoder's first ($d \cdot 2048 + 2048$) each gain
# $16 \cdot 2048$ weights, and the encoder's gains 16 biases: 65,552 more parameters in all.
# Check it with
#
# ```python
# total = {d: sum(p.numel() for p in Autoencoder(channels=1, embedding_dim=d).parameters())
#          for d in (16, 32)}
# print(total)
# claim(total[32] - total[16] == 2 * 16 * 2048 + 16, "a 32-number code adds 65,552 parameters",
#       difference=total[32] - total[16])
# ```
#
# </details>

# %% [markdown]
# **3. A denoising autoencoder.** `fit` accepts `corrupt`, a function applied to every training
# batch before it enters the model while the clean batch stays the target. Train a new reference
# autoencoder with `corrupt=lambda x: (x + 0.3 * torch.randn_like(x)).clamp(0, 1)` and show noisy
# test images above their reconstructions. Does it remove the noise?

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# def add_noise(x):
#     return (x + 0.3 * torch.randn_like(x)).clamp(0, 1)
#
# torch.manual_seed(0)
# denoiser = Autoencoder(channels=1, embedding_dim=16).start_at_mean(x_train)
# fit(denoiser, x_train, corrupt=add_noise, **recipe)
# noisy = add_noise(originals)
# image_rows({"noisy": noisy, "denoised": denoiser.reconstruct(noisy), "clean": originals}, n=12)
# plt.show()
# noisy_mse = ((noisy - originals) ** 2).mean().item()
# denoised_mse = ((denoiser.reconstruct(noisy) - originals) ** 2).mean().item()
# claim(denoised_mse < 0.6 * noisy_mse, "the denoiser's output is much closer to the clean images than its input",
#       noisy=noisy_mse, denoised=denoised_mse)
# ```
#
# The reconstructions are much closer to the clean images than the noisy inputs were (the check
# prints both errors): independent noise on every pixel cannot be predicted from the rest of the
# image, so the cheapest way to reduce the error is to leave it out. This is the denoising autoencoder of Vincent et al. (2008), treated in chapter 6.
#
# </details>

# %% [markdown]
# **4. Why start at the mean?** Train a reference autoencoder with a 16-number code by the
# chapter's recipe, from the same initial weights as `model` but without `start_at_mean`, and
# compare its test loss after each epoch with `history.test_loss`.

# %% [markdown]
# <details>
# <summary>Solution</summary>
#
# ```python
# torch.manual_seed(0)
# from_grey = Autoencoder(channels=1, embedding_dim=16)
# grey_history = fit(from_grey, x_train, test=data.x_test, progress="off", **recipe)
# for epoch, (grey, mean) in enumerate(zip(grey_history.test_loss, history.test_loss), start=1):
#     print(f"epoch {epoch}: test MSE {grey:.4f} from grey, {mean:.4f} from the mean")
# claim(grey_history.test_loss[-1] > 1.1 * history.test_loss[-1],
#       "the model started from grey ends the run with a clearly larger error",
#       from_grey=grey_history.test_loss[-1], from_mean=history.test_loss[-1])
# ```
#
# Started from grey, the first steps go into darkening every pixel towards the background, the
# part of the error that the average pixel value removes for free; started from the mean, training
# works from its first step on what distinguishes one image from another. In a run of a few
# epochs that head start shows in the final error, as the printed losses say.
#
# </details>

# %% [markdown]
# ## Summary
#
# - An autoencoder is an encoder that maps an input to a short code and a decoder that maps the
#   code back, trained together to make the output match the input (mean squared error).
# - The narrow code forces the network to keep what matters most about the images; the code is
#   useful for compression, denoising and as features, and the decoder can turn codes into images.
# - The reference architecture halves the image three times with stride-2 convolutions
#   (28 -> 14 -> 7 -> 4) and grows it back with transposed convolutions whose `output_padding`
#   (0, 1, 1) gives 4 -> 7 -> 14 -> 28; a sigmoid keeps the pixels in [0, 1].
# - Larger codes reconstruct better, with less gained from 8 to 32 numbers than from 2 to 8;
#   small codes blur the details and often change the class of the image.
#
# **Next:** chapter 3 shrinks the code to two numbers, so that every image becomes a point on a
# plane that we can look at.
