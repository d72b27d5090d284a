import numpy as np
import pytest
import torch

from aelib import VAE, Autoencoder, ConditionalVAE, MLPAutoencoder


def shapes_through(layers, x):
    shapes = []
    for layer in layers:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def test_encoder_halves_28_to_14_to_7_to_4_then_flattens_to_the_code():
    shapes = shapes_through(Autoencoder(channels=1, embedding_dim=16).encoder, torch.rand(2, 1, 28, 28))
    assert [s for s in shapes if len(s) == 3] == [(32, 14, 14)] * 2 + [(64, 7, 7)] * 2 + [(128, 4, 4)] * 2
    assert shapes[-2:] == [(2048,), (16,)]


def test_decoder_restores_28x28_through_4_7_14():
    shapes = shapes_through(Autoencoder(channels=1, embedding_dim=16).decoder, torch.rand(2, 16))
    assert shapes[:2] == [(2048,), (128, 4, 4)]
    assert [s for s in shapes[2:8:2]] == [(64, 7, 7), (32, 14, 14), (32, 28, 28)]
    assert shapes[-1] == (1, 28, 28)


@pytest.mark.parametrize("channels", [1, 3])
def test_autoencoder_runs_end_to_end_with_outputs_in_0_1(channels):
    model = Autoencoder(channels, embedding_dim=8)
    x = torch.rand(5, channels, 28, 28)
    assert model.encode(x).shape == (5, 8)
    out = model(x)
    assert out.shape == x.shape
    assert out.min() >= 0 and out.max() <= 1
    out.mean().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_mlp_and_linear_autoencoders_keep_the_image_shape():
    x = torch.rand(3, 1, 28, 28)
    assert MLPAutoencoder(4)(x).shape == x.shape
    linear = MLPAutoencoder(4, hidden=(), linear=True)
    assert linear(x).shape == x.shape
    assert not any(isinstance(m, (torch.nn.ReLU, torch.nn.Sigmoid)) for m in linear.modules())


def test_embed_and_reconstruct_batch_and_return_cpu_tensors():
    model = Autoencoder(1, 3)
    x = torch.rand(2500, 1, 28, 28)
    codes, images = model.embed(x, batch_size=1000), model.reconstruct(x[:10])
    assert codes.shape == (2500, 3) and images.shape == (10, 1, 28, 28)
    assert codes.device.type == images.device.type == "cpu"
    assert not codes.requires_grad and not images.requires_grad


@pytest.mark.parametrize(
    "images, message",
    [
        (torch.rand(2, 3, 28, 28), "channels=3"),
        (torch.rand(2, 1, 32, 32), "28x28"),
        (torch.rand(2, 28, 28), "unsqueeze"),
        (torch.randint(0, 256, (2, 1, 28, 28), dtype=torch.uint8), "x.float() / 255"),
        (torch.rand(2, 1, 28, 28) * 255, "divide 0..255 images by 255"),
        (torch.rand(2, 1, 28, 28).index_put_((torch.tensor([1]),), torch.tensor(float("nan"))), "NaN"),
        (torch.rand(2, 1, 28, 28).double(), "float64 images; the models compute in float32: pass x.float()"),
        (torch.rand(2, 1, 28, 28).half(), "float16 images"),
        (torch.rand(0, 1, 28, 28), "Got no images"),
    ],
)
def test_bad_images_get_an_error_that_says_what_to_pass(images, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        Autoencoder(1, 4).encode(images)


@pytest.mark.parametrize("embedding_dim", [0, -3, 2.5, True])
@pytest.mark.parametrize("build", [Autoencoder, MLPAutoencoder, VAE, ConditionalVAE], ids=lambda b: b.__qualname__)
def test_non_positive_or_fractional_embedding_dim_is_rejected(build, embedding_dim):
    with pytest.raises(ValueError, match="embedding_dim must be an integer >= 1"):
        build(embedding_dim=embedding_dim)


@pytest.mark.parametrize("build", [Autoencoder, MLPAutoencoder, VAE], ids=lambda b: b.__qualname__)
@pytest.mark.parametrize("channels", [True, 0, -1, 1.0])
def test_every_model_rejects_channels_that_are_not_a_positive_integer(build, channels):
    with pytest.raises(ValueError, match="channels must be an integer >= 1"):
        build(channels=channels)


@pytest.mark.parametrize("build", [MLPAutoencoder, VAE, ConditionalVAE], ids=lambda b: b.__qualname__)
def test_hidden_sizes_must_be_a_tuple_of_positive_integers(build):
    with pytest.raises(ValueError, match="every hidden layer size must be an integer >= 1, got 0"):
        build(hidden=(0,))
    with pytest.raises(TypeError, match=r"write \(512,\) for one layer"):
        build(hidden=512)


def test_numpy_integers_are_accepted_as_sizes():
    model = MLPAutoencoder(np.int64(3), hidden=(np.int32(8),), channels=np.int64(1))
    assert model.embedding_dim == 3 and type(model.embedding_dim) is int
    assert model.encode(torch.rand(2, 1, 28, 28)).shape == (2, 3)


def test_an_empty_batch_is_an_error_not_a_nan_loss():
    model = MLPAutoencoder(2, hidden=(8,))
    with pytest.raises(ValueError, match="Got no images"):
        model.loss(torch.rand(0, 1, 28, 28))
    with pytest.raises(ValueError, match="Got no inputs"):
        model.embed(torch.rand(0, 1, 28, 28))
    with pytest.raises(ValueError, match="N >= 1"):
        model.decode(torch.zeros(0, 2))


def test_decode_rejects_codes_of_the_wrong_size():
    with pytest.raises(ValueError, match=r"Expected codes of shape \(N, 4\)"):
        Autoencoder(1, 4).decode(torch.zeros(2, 5))


@pytest.mark.parametrize("build", [
    lambda: Autoencoder(1, 8), lambda: MLPAutoencoder(8), lambda: MLPAutoencoder(8, hidden=(), linear=True),
    lambda: VAE(8), lambda: ConditionalVAE(8, n_classes=10),
])
def test_start_at_mean_makes_the_untrained_decoder_draw_about_the_mean_image(build, mnist):
    x, y = mnist.x_train[:500], mnist.y_train[:500]
    torch.manual_seed(0)
    model = build()

    def distance_of_the_average_output():
        return (model.reconstruct(x, y).mean(dim=0) - x.mean(dim=0)).abs().mean().item()

    before = distance_of_the_average_output()
    assert model.start_at_mean(x) is model
    after = distance_of_the_average_output()
    assert after < before / 2
    assert abs(model.reconstruct(x, y).mean() - x.mean()) < 0.05
