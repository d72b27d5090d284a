"""A checkpoint save that is killed (SIGKILL) or fails midway leaves the previous one loadable."""

import errno
import multiprocessing
import os
import signal

import pytest
import torch

from aelib import History, MLPAutoencoder, load_checkpoint, save_checkpoint


@pytest.fixture
def saved(tmp_path):
    """A good checkpoint on disk, and the weights it holds."""
    model = MLPAutoencoder(2, hidden=(8,))
    path = tmp_path / "ae.pt"
    save_checkpoint(path, model, History(train_loss=[0.5], seconds=[1.0]))
    return path, {k: v.clone() for k, v in model.state_dict().items()}


def assert_still_loadable(path, expected):
    model = MLPAutoencoder(2, hidden=(8,))
    assert load_checkpoint(path, model).train_loss == [0.5]
    assert all(torch.equal(v, expected[k]) for k, v in model.state_dict().items())


def write_half(file):
    """Start writing a checkpoint as torch.save does, to a path or to an open file."""
    file = open(file, "wb") if isinstance(file, (str, os.PathLike)) else file  # noqa: SIM115
    file.write(b"PK\x03\x04 the first half of a checkpoint")
    file.flush()


def _save_and_get_killed_midway(path):
    def write_half_then_die(obj, file):
        write_half(file)
        os.kill(os.getpid(), signal.SIGKILL)

    torch.save = write_half_then_die  # in this child process only
    save_checkpoint(path, MLPAutoencoder(2, hidden=(8,)))


def test_a_save_killed_mid_write_leaves_the_previous_checkpoint_loadable(saved):
    path, expected = saved
    child = multiprocessing.get_context("fork").Process(target=_save_and_get_killed_midway, args=(path,))
    child.start()
    child.join(timeout=10)
    if child.exitcode is None:
        child.kill()
    assert child.exitcode == -signal.SIGKILL
    assert_still_loadable(path, expected)


def test_a_save_that_fails_mid_write_leaves_the_previous_checkpoint_and_no_temporary_file(saved, monkeypatch):
    path, expected = saved

    def disk_full(obj, file):
        write_half(file)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(torch, "save", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        save_checkpoint(path, MLPAutoencoder(2, hidden=(8,)))
    monkeypatch.undo()
    assert_still_loadable(path, expected)
    assert list(path.parent.iterdir()) == [path]
