import pytest
import torch

from aelib import claims
from aelib.claims import ClaimFailed, claim


@pytest.fixture
def budget(monkeypatch):
    def use(name):
        monkeypatch.setattr(claims.settings, "budget", name)

    return use


def test_a_true_claim_prints_the_statement_and_its_numbers(budget, capsys):
    budget("full")
    autoencoder, pca = 0.01, torch.tensor(0.02)
    claim(autoencoder < pca, "the autoencoder beats PCA", autoencoder=autoencoder, pca=pca)
    assert capsys.readouterr().out == "checked: the autoencoder beats PCA (autoencoder = 0.01, pca = 0.02)\n"


def test_a_false_claim_fails_a_full_budget_run_quoting_statement_and_numbers(budget):
    budget("full")
    with pytest.raises(ClaimFailed, match=r"'KL falls as beta grows'.*kl_small_beta = 3\.5, kl_large_beta = 4"):
        small_beta, large_beta = 3.5, 4
        claim(small_beta > large_beta, "KL falls as beta grows", kl_small_beta=small_beta, kl_large_beta=large_beta)


def test_a_false_claim_only_warns_in_a_smoke_run(budget, capsys):
    budget("smoke")
    claim(torch.tensor(False), "the samples are sharper", mse=float("nan"))
    assert "not supported by this smoke run" in capsys.readouterr().out


def test_a_claim_without_a_statement_is_rejected(budget):
    budget("full")
    with pytest.raises(ValueError, match="needs the statement"):
        claim(True, " ")
