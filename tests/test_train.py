import pytest
import torch

from aelib import (
    VAE,
    Autoencoder,
    MLPAutoencoder,
    TrainingDiverged,
    evaluate,
    fit,
    load_checkpoint,
    save_checkpoint,
)


def test_training_reduces_the_loss_on_real_data(mnist):
    model = Autoencoder(1, 8)
    x, x_test = mnist.x_train[:1500], mnist.x_test[:300]
    before = evaluate(model, x_test)
    history = fit(model, x, test=x_test, epochs=3, progress="off")
    assert history.epochs == 3 and len(history.test_loss) == 3 and len(history.seconds) == 3
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.test_loss[-1] < 0.5 * before


def test_a_vae_trains_through_the_same_loop(mnist):
    vae = VAE.mlp(4)
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


def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_finite_weights():
    model = MLPAutoencoder(4)
    x = torch.rand(64, 1, 28, 28)
    fit(model, x, epochs=1, batch_size=32, progress="off")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    original = model.loss
    model.loss = lambda *a, **k: original(*a, **k) * float("nan")
    with pytest.raises(TrainingDiverged, match="smaller learning rate") as info:
        fit(model, x, epochs=2, batch_size=32, progress="off")
    assert info.value.history.epochs == 0
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


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
    assert more is history and history.epochs == 2


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
    [({"epochs": -1}, "epochs >= 0"), ({"batch_size": 0}, "batch_size >= 1"), ({"progress": "fancy"}, "progress")],
)
def test_bad_training_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit(MLPAutoencoder(2), torch.rand(4, 1, 28, 28), **kwargs)


def test_labels_must_match_images():
    with pytest.raises(ValueError, match="one label per image"):
        fit(MLPAutoencoder(2), torch.rand(4, 1, 28, 28), torch.zeros(3, dtype=torch.long))


def test_log_progress_prints_one_line_per_epoch(capsys):
    fit(MLPAutoencoder(2), torch.rand(64, 1, 28, 28), test=torch.rand(16, 1, 28, 28), epochs=2, progress="log")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("epoch")]
    assert len(lines) == 2 and "test loss" in lines[0]
