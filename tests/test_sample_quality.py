import math

import pytest
import torch
import torch.nn.functional as F

from aelib import SampleScorer, sample_quality
from aelib.settings import Settings


@pytest.fixture(scope="module")
def trained(mnist):
    """A scorer trained as at full budget (about 150,000 images seen), whatever AELIB_BUDGET says."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sample_quality, "settings", Settings(budget="full"))
        return SampleScorer.fit(mnist.x_train, mnist.y_train)


def test_it_classifies_real_test_images_far_above_chance(trained, mnist):
    assert trained.history.epochs == 150_000 // len(mnist.x_train)
    assert trained.accuracy(mnist.x_test, mnist.y_test) > 0.85


def test_real_images_score_higher_confidence_than_noise_blends_and_blur(trained, mnist):
    x, y = mnist.x_test, mnist.y_test
    ones, sevens = x[y == 1][:100], x[y == 7][:100]
    n = min(len(ones), len(sevens))
    confidence = {
        "real": trained.score(x)["confidence"],
        "noise": trained.score(torch.rand(500, 1, 28, 28))["confidence"],
        "blend of a 1 and a 7": trained.score((ones[:n] + sevens[:n]) / 2)["confidence"],
        "blurred": trained.score(F.avg_pool2d(x, 7, stride=1, padding=3))["confidence"],
    }
    assert confidence["real"] > 0.85, confidence
    others = [value for name, value in confidence.items() if name != "real"]
    assert all(confidence["real"] > value + 0.1 for value in others), confidence


def test_class_entropy_is_near_zero_for_one_class_and_near_log_10_for_the_test_set(trained, mnist):
    x, y = mnist.x_test, mnist.y_test
    assert trained.score(x[y == 3])["class_entropy"] < 0.5
    assert trained.score(x)["class_entropy"] > 0.95 * math.log(10)


def test_confidence_and_entropy_follow_their_definitions(trained, monkeypatch):
    probabilities = torch.tensor([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7]])
    monkeypatch.setattr(trained, "probabilities", lambda images: probabilities)
    result = trained.score(torch.zeros(4, 1, 28, 28), torch.tensor([0, 1, 1, 1]))
    assert result["confidence"] == pytest.approx((0.9 + 0.6 + 0.8 + 0.7) / 4)
    assert result["class_entropy"] == pytest.approx(math.log(2))  # two images predicted as each class
    assert result["agreement"] == pytest.approx(0.75)
    per_class = result["per_class"]
    assert per_class.shape == (10,) and per_class[:2].tolist() == pytest.approx([1.0, 2 / 3])
    assert per_class[2:].isnan().all()  # no image was meant to show these classes


def test_agreement_is_the_accuracy_and_per_class_covers_every_class(trained, mnist):
    result = trained.score(mnist.x_test, mnist.y_test)
    assert result["agreement"] == trained.accuracy(mnist.x_test, mnist.y_test)
    assert result["per_class"].shape == (10,) and (result["per_class"] > 0.5).all()


def test_training_is_repeatable_and_leaves_the_callers_random_state_alone(mnist):
    x, y = mnist.x_train[:300], mnist.y_train[:300]
    state = torch.random.get_rng_state()
    first, second = (SampleScorer.fit(x, y, epochs=1, seed=3) for _ in range(2))
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values()))


def test_bad_input_says_what_to_do(trained, mnist):
    x, y = mnist.x_train[:50], mnist.y_train[:50]
    with pytest.raises(ValueError, match="unsqueeze"):
        trained.score(x[:, 0])
    with pytest.raises(ValueError, match="one label per image"):
        SampleScorer.fit(x, y[:40])
    with pytest.raises(ValueError, match="one label per image"):
        trained.score(x, y[:40])
    with pytest.raises(ValueError, match="integer class indices"):
        trained.score(x, y.float())
    with pytest.raises(ValueError, match="argmax"):
        trained.score(x, F.one_hot(y, 10))
    with pytest.raises(TypeError, match="torch.as_tensor"):
        trained.score(x, y.tolist())
    with pytest.raises(ValueError, match="n_classes"):
        SampleScorer.fit(x, y, n_classes=5)
    with pytest.raises(ValueError, match="x / 255"):
        SampleScorer.fit(x * 255, y)
