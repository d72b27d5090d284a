import numpy as np
import pytest
import torch

import aelib.speed
from aelib import (
    VAE,
    Autoencoder,
    History,
    MLPAutoencoder,
    TrainingDiverged,
    evaluate,
    fit,
    load_checkpoint,
    save_checkpoint,
)


def weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def counting(model):
    """Count the calls of ``model.loss``: zero means nothing was trained."""
    original, calls = model.loss, []

    def loss(*args, **kwargs):
        calls.append(model.training)
        return original(*args, **kwargs)

    model.loss = loss
    return calls


def test_training_reduces_the_loss_on_real_data(mnist):
    model = Autoencoder(1, 8)
    x, x_test = mnist.x_train[:1500], mnist.x_test[:300]
    before = evaluate(model, x_test)
    history = fit(model, x, test=x_test, epochs=3, progress="off")
    assert history.epochs == 3 and len(history.test_loss) == 3 and len(history.seconds) == 3
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.test_loss[-1] < 0.5 * before


def test_a_vae_trains_through_the_same_loop(mnist):
    vae = VAE(4)
    history = fit(vae, mnist.x_train[:2000], test=mnist.x_test[:500], epochs=2, progress="off")
    assert history.test_loss[1] < history.test_loss[0]


def test_same_seed_gives_the_same_run(mnist):
    x = mnist.x_train[:500]
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = MLPAutoencoder(4)
        runs.append(fit(model, x, epochs=2, seed=3, progress="off").train_loss)
    assert runs[0] == runs[1]


def test_corrupt_trains_a_denoiser_against_clean_targets(mnist):
    seen = []

    def corrupt(x):
        seen.append(x.shape)
        return (x + 0.3 * torch.randn_like(x)).clamp(0, 1)

    fit(MLPAutoencoder(4), mnist.x_train[:256], epochs=1, batch_size=128, corrupt=corrupt, progress="off")
    assert seen == [(128, 1, 28, 28)] * 2


def test_transform_maps_input_and_target_alike():
    model, seen = MLPAutoencoder(4), []

    def loss(inputs, y=None, target=None):
        seen.append((inputs, target))
        return next(model.parameters()).sum() * 0

    model.loss = loss
    fit(model, torch.rand(64, 1, 28, 28), epochs=1, batch_size=32, transform=torch.bernoulli, progress="off")
    assert len(seen) == 2
    assert all(set(inputs.unique().tolist()) == {0.0, 1.0} and target is None for inputs, target in seen)


def test_one_cycle_warms_the_learning_rate_up_to_lr_then_anneals_it(monkeypatch):
    rates = []
    original = torch.optim.Adam.step

    def step(self, *args, **kwargs):
        rates.append(self.param_groups[0]["lr"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    fit(MLPAutoencoder(2), torch.rand(100, 1, 28, 28), epochs=10, batch_size=10, lr=0.01,
        schedule="one-cycle", progress="off")
    peak = rates.index(max(rates))
    assert len(rates) == 100 and rates[0] == pytest.approx(0.01 / 25) and max(rates) == pytest.approx(0.01)
    assert 25 <= peak <= 35 and rates[-1] < 1e-4
    assert rates[: peak + 1] == sorted(rates[: peak + 1]) and rates[peak:] == sorted(rates[peak:], reverse=True)


def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_finite_weights():
    model = MLPAutoencoder(4)
    x = torch.rand(64, 1, 28, 28)
    fit(model, x, epochs=1, batch_size=32, progress="off")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    original = model.loss
    model.loss = lambda *a, **k: original(*a, **k) * float("nan")
    with pytest.raises(TrainingDiverged, match="keeps the weights of the last step.*smaller learning rate") as info:
        fit(model, x, epochs=2, batch_size=32, progress="off")
    assert info.value.history.epochs == 0
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("poisoned_batch", [3, 4], ids=["mid-epoch", "last batch"])
def test_when_a_step_makes_the_weights_nan_the_model_is_back_at_the_start_of_the_epoch(poisoned_batch):
    model = MLPAutoencoder(4, hidden=(16,))
    x = torch.rand(64, 1, 28, 28)
    original, calls, at_epoch_2 = model.loss, [], {}
    first = next(model.parameters())

    def poisoned(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # 2 batches per epoch: the first batch of epoch 2
            at_epoch_2.update(weights(model))
        if len(calls) == poisoned_batch:  # a finite loss with a NaN gradient: the step makes NaN weights
            return original(*args, **kwargs) + torch.sqrt(0 * first.sum())
        return original(*args, **kwargs)

    model.loss = poisoned
    with pytest.raises(TrainingDiverged, match="back at its weights from the start of epoch 2") as info:
        fit(model, x, epochs=3, batch_size=32, progress="off")
    assert info.value.history.epochs == 1
    assert same(weights(model), at_epoch_2)
    del model.loss
    assert torch.isfinite(torch.tensor(evaluate(model, x)))


def test_a_nan_test_loss_stops_training_instead_of_being_recorded():
    model = MLPAutoencoder(2, hidden=(8,))
    original = model.loss
    model.loss = lambda *a, **k: original(*a, **k) * (1 if model.training else float("nan"))
    with pytest.raises(TrainingDiverged, match="The test loss became nan after epoch 1") as info:
        fit(model, torch.rand(32, 1, 28, 28), test=torch.rand(8, 1, 28, 28), epochs=2, progress="off")
    assert info.value.history.test_loss == [] and info.value.history.train_loss == []


def test_a_model_with_nan_weights_is_refused_before_training():
    model = MLPAutoencoder(2, hidden=(8,))
    with torch.no_grad():
        next(model.parameters())[0, 0] = float("nan")
    with pytest.raises(ValueError, match="weights contain NaN"):
        fit(model, torch.rand(8, 1, 28, 28), progress="off")


@pytest.mark.parametrize(
    "test, words",
    [
        (torch.rand(0, 1, 28, 28), "test: Got no images"),
        (torch.rand(4, 28, 28), "test: Got shape .* no channel axis"),
        ((torch.rand(4, 1, 28, 28), torch.zeros(3, dtype=torch.long)), "4 images but 3 labels of test"),
    ],
    ids=["empty", "no channel axis", "labels"],
)
def test_a_bad_test_set_is_refused_before_the_first_epoch(test, words):
    model = MLPAutoencoder(2, hidden=(8,))
    calls = counting(model)
    with pytest.raises(ValueError, match=words):
        fit(model, torch.rand(8, 1, 28, 28), test=test, progress="off")
    assert calls == []


def test_a_nan_pixel_is_refused_before_training_without_blaming_the_learning_rate():
    x = torch.rand(64, 1, 28, 28)
    x[50, 0, 3, 4] = float("nan")
    model = MLPAutoencoder(2, hidden=(8,))
    calls = counting(model)
    with pytest.raises(ValueError, match="x: Some pixel values are NaN") as info:
        fit(model, x, progress="off")
    assert "learning rate" not in str(info.value) and calls == []


def test_ctrl_c_stops_cleanly_and_keeps_weights_and_history(capsys):
    model = MLPAutoencoder(4)
    x = torch.rand(256, 1, 28, 28)
    original, calls = model.loss, []

    def interrupt_in_second_epoch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 6:  # 4 batches per epoch: this is the second batch of epoch 2
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    model.loss = interrupt_in_second_epoch
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    history = fit(model, x, epochs=5, batch_size=64, progress="off")
    assert history.interrupted and history.epochs == 1
    assert any(not torch.equal(initial[k], v) for k, v in model.state_dict().items())
    assert "Interrupted" in capsys.readouterr().out
    del model.loss
    more = fit(model, x, epochs=1, batch_size=64, history=history, progress="off")
    assert more is history and history.epochs == 2 and not history.interrupted


def test_ctrl_c_during_the_test_pass_keeps_train_and_test_lists_the_same_length():
    model = MLPAutoencoder(2, hidden=(8,))
    original = model.loss

    def interrupt_the_second_test_pass(*args, **kwargs):
        if not model.training and len(history_so_far.test_loss) == 1:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    history_so_far = History()
    model.loss = interrupt_the_second_test_pass
    history = fit(model, torch.rand(32, 1, 28, 28), test=torch.rand(8, 1, 28, 28), epochs=3,
                  history=history_so_far, progress="off")
    assert history.interrupted
    assert len(history.train_loss) == len(history.test_loss) == len(history.seconds) == 1


def test_checkpoint_round_trips_weights_and_history_exactly(tmp_path, mnist):
    model = Autoencoder(1, 4)
    history = fit(model, mnist.x_train[:256], test=mnist.x_test[:64], epochs=1, progress="off")
    path = tmp_path / "nested" / "ae.pt"
    save_checkpoint(path, model, history)
    restored = Autoencoder(1, 4)
    restored_history = load_checkpoint(path, restored)
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), restored.state_dict().values()))
    assert restored_history == history
    x = mnist.x_test[:8]
    assert torch.equal(model.reconstruct(x), restored.reconstruct(x))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": -1}, "epochs must be an integer >= 0"),
        ({"epochs": 1.5}, "epochs must be an integer >= 0, got 1.5"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
        ({"lr": 0}, "lr must be a finite number > 0"),
        ({"lr": float("nan")}, "lr must be a finite number > 0"),
        ({"progress": "fancy"}, "progress"),
        ({"schedule": "cosine"}, "schedule must be one of"),
    ],
)
def test_bad_training_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit(MLPAutoencoder(2), torch.rand(4, 1, 28, 28), **kwargs)


def test_numpy_images_and_labels_get_an_error_that_says_how_to_convert_them():
    x = torch.rand(4, 1, 28, 28)
    with pytest.raises(TypeError, match=r"x: Expected a torch.Tensor .* torch.as_tensor\(x, dtype=torch.float32\)"):
        fit(MLPAutoencoder(2), x.numpy(), progress="off")
    with pytest.raises(TypeError, match="labels of x must be a torch.Tensor"):
        fit(MLPAutoencoder(2), x, np.zeros(4), progress="off")
    history = fit(MLPAutoencoder(2), x, epochs=np.int64(1), batch_size=np.int64(2), progress="off")
    assert history.epochs == 1


def test_fit_on_the_cpu_hands_freed_memory_back_at_the_end(monkeypatch):
    trims = []

    class FakeLibc:
        def malloc_trim(self, pad):
            trims.append(pad)

    monkeypatch.setattr(aelib.speed, "_libc", FakeLibc())
    fit(MLPAutoencoder(2, hidden=(8,)), torch.rand(8, 1, 28, 28), epochs=1, device="cpu", progress="off")
    assert trims == [0]


def test_load_checkpoint_of_another_architecture_names_the_shapes_and_leaves_the_model_unchanged(tmp_path):
    save_checkpoint(tmp_path / "ae.pt", MLPAutoencoder(4, hidden=(16,)))
    model = MLPAutoencoder(2, hidden=(16,))
    before = weights(model)
    with pytest.raises(ValueError, match="another architecture") as info:
        load_checkpoint(tmp_path / "ae.pt", model)
    assert "encoder.1.2.weight: checkpoint (4, 16), model (2, 16)" in str(info.value)
    assert same(weights(model), before)


def test_load_checkpoint_explains_an_empty_or_foreign_file(tmp_path):
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(ValueError, match="empty.pt is not a readable checkpoint \\(the file is empty\\)"):
        load_checkpoint(tmp_path / "empty.pt", MLPAutoencoder(2))
    (tmp_path / "page.pt").write_bytes(b"<html>not found</html>")
    with pytest.raises(ValueError, match="not a readable checkpoint.*save the model again"):
        load_checkpoint(tmp_path / "page.pt", MLPAutoencoder(2))
    torch.save(torch.zeros(3), tmp_path / "tensor.pt")
    with pytest.raises(ValueError, match="holds no model weights"):
        load_checkpoint(tmp_path / "tensor.pt", MLPAutoencoder(2))


def test_load_checkpoint_accepts_a_plain_state_dict(tmp_path):
    model = MLPAutoencoder(2, hidden=(8,))
    torch.save(model.state_dict(), tmp_path / "weights.pt")
    restored = MLPAutoencoder(2, hidden=(8,))
    assert load_checkpoint(tmp_path / "weights.pt", restored) == History()
    assert same(weights(restored), weights(model))


def test_labels_must_match_images():
    with pytest.raises(ValueError, match="one label per image"):
        fit(MLPAutoencoder(2), torch.rand(4, 1, 28, 28), torch.zeros(3, dtype=torch.long))


def test_log_progress_prints_one_line_per_epoch(capsys):
    fit(MLPAutoencoder(2), torch.rand(64, 1, 28, 28), test=torch.rand(16, 1, 28, 28), epochs=2, progress="log")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("epoch")]
    assert len(lines) == 2 and "test loss" in lines[0]


def test_fit_leaves_the_callers_random_state_as_it_was():
    vae, x = VAE(2, hidden=(8,)), torch.rand(16, 1, 28, 28)
    state = torch.get_rng_state()
    fit(vae, x, epochs=1, progress="off")
    assert torch.equal(torch.get_rng_state(), state)


def test_scoring_a_test_set_does_not_change_a_vaes_training_noise():
    x, x_test = torch.rand(32, 1, 28, 28), torch.rand(8, 1, 28, 28)
    torch.manual_seed(0)
    with_test = VAE(2, hidden=(8,))
    torch.manual_seed(0)
    without_test = VAE(2, hidden=(8,))
    fit(with_test, x, test=x_test, epochs=2, batch_size=8, progress="off")
    fit(without_test, x, epochs=2, batch_size=8, progress="off")
    assert same(weights(with_test), weights(without_test))


def test_a_vaes_test_loss_is_repeatable_and_leaves_the_random_state_alone():
    vae, x = VAE(2, hidden=(8,)), torch.rand(8, 1, 28, 28)
    state = torch.get_rng_state()
    assert evaluate(vae, x) == evaluate(vae, x)
    assert torch.equal(torch.get_rng_state(), state)
