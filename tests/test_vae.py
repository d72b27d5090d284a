import pytest
import torch
from torch.distributions import Bernoulli, Normal, kl_divergence

from aelib import VAE, ConditionalVAE, importance_sampled_nll, kl_to_standard_normal, negative_elbo
from aelib.vae import bernoulli_nll, reparameterise


def test_closed_form_kl_matches_a_monte_carlo_estimate():
    mu = torch.tensor([[0.5, -1.0, 2.0]])
    logvar = torch.tensor([[0.2, -0.7, 1.1]])
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    z = q.sample((200_000,))
    monte_carlo = (q.log_prob(z) - p.log_prob(z)).sum(-1).mean()
    assert kl_to_standard_normal(mu, logvar).item() == pytest.approx(monte_carlo.item(), rel=0.01)


def test_kl_is_zero_exactly_at_the_prior():
    assert kl_to_standard_normal(torch.zeros(4, 2), torch.zeros(4, 2)).abs().max() == 0


def test_reparameterised_samples_have_the_right_moments_and_carry_gradients():
    mu = torch.full((100_000, 1), 3.0, requires_grad=True)
    logvar = torch.full((100_000, 1), 2 * torch.log(torch.tensor(0.5)).item(), requires_grad=True)
    z = reparameterise(mu, logvar)
    assert z.mean().item() == pytest.approx(3.0, abs=0.01)
    assert z.std().item() == pytest.approx(0.5, abs=0.01)
    z.sum().backward()
    assert mu.grad is not None and logvar.grad is not None


@pytest.mark.parametrize("vae", [VAE(8), VAE(8, hidden=(64, 32))], ids=["one hidden layer", "two"])
def test_vae_loss_is_the_negative_elbo_in_nats(vae):
    # The same quantity from torch.distributions: -log Bernoulli(x | decoder(z)) + KL(q || N(0, I)).
    x = torch.bernoulli(torch.rand(6, 1, 28, 28))
    mu, logvar = vae.posterior(x)
    assert mu.shape == logvar.shape == (6, 8)
    q = Normal(mu, (0.5 * logvar).exp())
    torch.manual_seed(1)
    z = q.rsample()
    log_likelihood = Bernoulli(logits=vae.logits(z)).log_prob(x).sum(dim=(1, 2, 3))
    kl = kl_divergence(q, Normal(0.0, 1.0)).sum(dim=1)
    torch.manual_seed(1)
    assert vae.loss(x).item() == pytest.approx((kl - log_likelihood).mean().item(), rel=1e-5)
    decoded = vae.decode(torch.zeros(2, 8))
    assert decoded.shape == (2, 1, 28, 28) and decoded.min() >= 0 and decoded.max() <= 1


def test_beta_weights_the_kl_term():
    vae = VAE(4, beta=4.0)
    x = torch.rand(3, 1, 28, 28)
    torch.manual_seed(2)
    reconstruction, kl = vae.negative_elbo(x)
    torch.manual_seed(2)
    assert vae.loss(x).item() == pytest.approx((reconstruction + 4.0 * kl).mean().item(), rel=1e-5)
    with pytest.raises(ValueError, match="beta"):
        VAE(4, beta=-1.0)


def test_conditional_vae_generates_the_requested_classes_and_demands_labels():
    cvae = ConditionalVAE(embedding_dim=2)
    x, y = torch.rand(4, 1, 28, 28), torch.tensor([0, 1, 2, 3])
    assert cvae.loss(x, y).ndim == 0
    images = cvae.generate(torch.zeros(3, 2), torch.tensor([7, 7, 1]))
    assert images.shape == (3, 1, 28, 28)
    assert torch.equal(images[0], images[1]) and not torch.equal(images[0], images[2])
    with pytest.raises(ValueError, match="needs the labels"):
        cvae.loss(x)


@pytest.mark.parametrize("beta", [-1.0, float("nan"), float("inf"), "1"])
def test_beta_must_be_a_finite_number_at_construction_and_when_set_later(beta):
    with pytest.raises(ValueError, match="beta weights the KL term and must be a finite number >= 0"):
        VAE(4, beta=beta)
    vae = VAE(4)
    with pytest.raises(ValueError, match="beta"):
        vae.beta = beta
    assert vae.beta == 1.0
    vae.beta = 0.5  # a schedule may change it between epochs
    assert vae.loss(torch.rand(2, 1, 28, 28)).isfinite()


@pytest.mark.parametrize(
    "labels, words",
    [
        (torch.tensor([0.0, 1.0, 2.0]), r"integer class indices, got torch.float32: pass y.round\(\).long\(\)"),
        (torch.tensor([[0], [1], [2]]), r"shape \(N,\), got \(3, 1\): pass y.flatten\(\)"),
        (torch.eye(10)[:3], r"one-hot labels of shape \(3, 10\): pass class indices, y.argmax\(1\)"),
        (torch.tensor([0, 1, 10]), r"0..9 for a model of n_classes=10, got labels from 0 to 10"),
        (torch.tensor([-1, 1, 2]), "got labels from -1 to 2"),
    ],
    ids=["float", "(N, 1)", "one-hot", "too big", "negative"],
)
def test_conditional_vae_labels_are_checked_with_the_fix_in_the_message(labels, words):
    cvae = ConditionalVAE(embedding_dim=2)
    with pytest.raises(ValueError, match=words):
        cvae.loss(torch.rand(3, 1, 28, 28), labels)
    with pytest.raises(ValueError, match=words):
        cvae.generate(torch.zeros(3, 2), labels)


def test_importance_sampled_nll_approaches_the_exact_value_from_above():
    torch.manual_seed(0)
    vae, x = VAE(1, hidden=(16,)), torch.rand(3, 1, 28, 28)
    codes = torch.linspace(-8, 8, 4001)[:, None]  # log p(x) by a sum over a fine grid of 1-D codes
    with torch.no_grad():
        log_joint = -bernoulli_nll(vae.logits(codes).repeat(3, 1, 1, 1), x.repeat_interleave(len(codes), 0))
    log_joint = log_joint.reshape(3, -1) + Normal(0.0, 1.0).log_prob(codes[:, 0]) + torch.log(codes[1] - codes[0])
    exact = -torch.logsumexp(log_joint, dim=1).mean().item()
    one, many = importance_sampled_nll(vae, x, 1), importance_sampled_nll(vae, x, 5000)
    assert one == pytest.approx(negative_elbo(vae, x)["negative_elbo"], abs=0.5)
    assert exact <= many < one
    assert many - exact < 0.05 * (one - exact)
