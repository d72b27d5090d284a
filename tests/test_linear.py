import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA as SklearnPCA

from aelib import PCA, MLPAutoencoder, TruncatedSVD, fit, principal_angles, reconstruction_mse


def test_pca_by_svd_matches_scikit_learn_up_to_sign(mnist):
    x = mnist.x_train[:2000]
    ours = PCA(10).fit(x)
    theirs = SklearnPCA(10, svd_solver="full").fit(x.reshape(len(x), -1).double().numpy())
    ref = torch.from_numpy(theirs.components_)
    signs = torch.sign((ours.components * ref).sum(dim=1, keepdim=True))
    assert torch.allclose(ours.components, signs * ref, atol=1e-6)
    assert torch.allclose(ours.explained_variance_ratio, torch.from_numpy(theirs.explained_variance_ratio_), atol=1e-8)
    codes = torch.from_numpy(theirs.transform(x.reshape(len(x), -1).double().numpy())).float()
    assert torch.allclose(ours.embed(x), codes * signs.T.float(), atol=1e-4)


def test_pca_reconstruction_error_falls_with_k_and_vanishes_with_every_component():
    x = torch.rand(50, 1, 4, 4)
    errors = [reconstruction_mse(PCA(k).fit(x), x) for k in (1, 4, 8, 16)]
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 1e-10
    assert PCA(3).fit(x).reconstruct(x).shape == x.shape


def test_pca_rejects_bad_requests():
    for bad in (0, True, 2.0):
        with pytest.raises(ValueError, match="n_components must be an integer >= 1"):
            PCA(bad)
    assert PCA(np.int64(2)).fit(torch.rand(5, 10)).components.shape == (2, 10)
    with pytest.raises(ValueError, match="at most 5"):
        PCA(6).fit(torch.rand(5, 10))
    with pytest.raises(RuntimeError, match="fit"):
        PCA(2).embed(torch.rand(3, 10))


@pytest.mark.parametrize(
    "x, words",
    [
        (torch.rand(1, 10), "at least 2 samples"),
        (torch.full((6, 10), 0.3), "All 6 samples are identical"),
        (torch.rand(6, 10).index_put_((torch.tensor([2]),), torch.tensor(float("nan"))), "NaN"),
    ],
    ids=["one sample", "constant", "NaN"],
)
def test_pca_refuses_data_without_a_variance_instead_of_returning_nan(x, words):
    with pytest.raises(ValueError, match=words):
        PCA(1).fit(x)


def test_principal_angles_are_zero_for_one_subspace_and_90_for_orthogonal_ones():
    a = torch.randn(3, 20)
    mixed = torch.randn(3, 3) @ a  # another basis of the same subspace
    assert principal_angles(a, mixed).max() < 1e-4
    e = torch.eye(6)
    assert torch.allclose(principal_angles(e[:2], e[2:4]), torch.tensor([90.0, 90.0], dtype=torch.double))


def test_linear_autoencoder_approaches_pca_and_cannot_beat_it(mnist):
    x = mnist.x_train[:4000]
    pca = PCA(4).fit(x)
    linear = MLPAutoencoder(4, hidden=(), linear=True)
    fit(linear, x, epochs=20, lr=1e-2, batch_size=128, progress="off")
    # PCA is the best rank-4 reconstruction (Eckart-Young), and the linear AE gets close to it.
    ratio = reconstruction_mse(linear, x) / reconstruction_mse(pca, x)
    assert 0.999 < ratio < 1.02
    decoder_directions = linear.decoder[0].weight.detach().T  # (4, 784)
    assert principal_angles(decoder_directions, pca.components.float()).min() < 5


def test_nonlinear_autoencoder_beats_pca_at_equal_code_size(mnist):
    x, x_test = mnist.x_train, mnist.x_test
    model = MLPAutoencoder(2)
    fit(model, x, epochs=15, progress="off")
    assert reconstruction_mse(model, x_test) < reconstruction_mse(PCA(2).fit(x), x_test)


def test_truncated_svd_is_the_best_rank_k_approximation_of_the_uncentred_data():
    x = torch.rand(40, 1, 28, 28)
    svd = TruncatedSVD(5).fit(x)
    singular_values = torch.linalg.svdvals(x.flatten(1).double())
    squared_error = ((svd.reconstruct(x) - x) ** 2).sum().item()
    assert squared_error == pytest.approx((singular_values[5:] ** 2).sum().item(), rel=1e-4)
    assert svd.embed(x).shape == (40, 5) and svd.generate(svd.embed(x)).shape == x.shape
    assert torch.equal(svd.mean, torch.zeros(784, dtype=torch.float64))


def test_identical_images_have_a_truncated_svd_but_no_principal_directions():
    x = torch.full((4, 1, 28, 28), 0.5)
    assert TruncatedSVD(1).fit(x).reconstruct(x).sub(x).abs().max() < 1e-6
    with pytest.raises(ValueError, match="no variance"):
        PCA(1).fit(x)
    with pytest.raises(RuntimeError, match="TruncatedSVD is not fitted yet"):
        TruncatedSVD(1).embed(x)
