import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from aelib import DataError, load_dataset, read_idx
from aelib.data import default_data_dir


def write_idx(path, array, compress=True):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    content = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


@pytest.fixture
def real_mnist_files():
    folder = default_data_dir() / "MNIST" / "raw"
    files = {p.name: p for p in folder.glob("*.gz")}
    assert "t10k-images-idx3-ubyte.gz" in files, f"The tests need MNIST's IDX files in {folder}"
    return files


@pytest.mark.parametrize("compress", [True, False])
def test_read_idx_reads_images_and_labels_the_test_wrote(tmp_path, compress):
    images = np.random.default_rng(0).integers(0, 256, size=(5, 28, 28))
    labels = np.array([3, 1, 4, 1, 5])
    suffix = ".gz" if compress else ""
    assert np.array_equal(read_idx(write_idx(tmp_path / f"i{suffix}", images, compress)), images)
    assert np.array_equal(read_idx(write_idx(tmp_path / f"l{suffix}", labels, compress)), labels)


def test_read_idx_rejects_a_truncated_file(tmp_path):
    path = write_idx(tmp_path / "x.idx", np.zeros((4, 28, 28)), compress=False)
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="truncated"):
        read_idx(path)


def test_read_idx_rejects_a_file_that_is_not_idx(tmp_path):
    (tmp_path / "x.gz").write_bytes(gzip.compress(b"<html>not found</html>"))
    with pytest.raises(DataError, match="IDX header"):
        read_idx(tmp_path / "x.gz")
    (tmp_path / "y.gz").write_bytes(b"\x1f\x8b broken gzip")
    with pytest.raises(DataError, match="not a readable IDX file"):
        read_idx(tmp_path / "y.gz")


def test_offline_mnist_without_training_images_is_an_announced_8000_2000_split(tmp_path, real_mnist_files, capsys):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        shutil.copy(real_mnist_files[name], raw / name)
    data = load_dataset("mnist", data_dir=tmp_path, offline=True)
    assert "Offline mode" in capsys.readouterr().err
    assert data.x_train.shape == (8000, 1, 28, 28) and data.x_test.shape == (2000, 1, 28, 28)
    assert data.x_train.dtype == torch.float32 and 0 <= data.x_train.min() and data.x_train.max() <= 1
    assert set(data.y_train.tolist()) == set(range(10))
    test_images = read_idx(raw / "t10k-images-idx3-ubyte.gz")
    pooled = torch.cat([data.x_train, data.x_test]).mul(255).round().to(torch.uint8)[:, 0]
    assert sorted(map(bytes, pooled.numpy())) == sorted(map(bytes, test_images)), "not a split of the test set"


def test_offline_and_missing_files_names_the_file_the_folder_and_the_fix(tmp_path):
    with pytest.raises(DataError) as info:
        load_dataset("mnist", data_dir=tmp_path, offline=True)
    message = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in message and str(tmp_path / "MNIST" / "raw") in message
    assert "AELIB_DATA_DIR" in message


def test_offline_refuses_a_corrupted_file(tmp_path, real_mnist_files):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, path in real_mnist_files.items():
        shutil.copy(path, raw / name)
    damaged = bytearray((raw / "t10k-labels-idx1-ubyte.gz").read_bytes())
    damaged[100] ^= 0xFF
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(bytes(damaged))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.gz is corrupted"):
        load_dataset("mnist", data_dir=tmp_path, offline=True)


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir(),
                    reason="Debian's dataset-fashion-mnist is not installed (make system-deps)")
def test_fashion_mnist_is_found_where_debian_installs_it(tmp_path):
    data = load_dataset("fashion", data_dir=tmp_path, offline=True, train_size=100)
    assert data.x_train.shape == (100, 1, 28, 28) and data.x_test.shape == (10_000, 1, 28, 28)
    assert data.classes[9] == "Ankle boot"


def test_unknown_data_set_name_lists_the_choices():
    with pytest.raises(ValueError, match="mnist, fashion"):
        load_dataset("cifar")


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x00\x00\x08\x03\x00", "ends inside its IDX header"),
        (struct.pack(">HBB3I", 0, 8, 3, 2**32 - 1, 2**32 - 1, 2**32 - 1), "promises 79,228,162,"),
    ],
    ids=["5 bytes", "absurd sizes"],
)
def test_read_idx_explains_a_short_file_and_a_header_that_promises_too_much(tmp_path, content, words):
    (tmp_path / "x.idx").write_bytes(content)
    with pytest.raises(DataError, match=words):
        read_idx(tmp_path / "x.idx")


def test_a_folder_where_a_file_should_be_is_reported_with_every_other_problem(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    (raw / "t10k-images-idx3-ubyte.gz").mkdir(parents=True)
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(b"corrupted")
    with pytest.raises(DataError) as info:
        load_dataset("mnist", data_dir=tmp_path, offline=True)
    message = str(info.value)
    assert f"Cannot read {raw / 't10k-images-idx3-ubyte.gz'}" in message
    assert "t10k-labels-idx1-ubyte.gz is corrupted" in message


def test_a_data_dir_that_is_a_file_is_a_data_error_naming_it(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(DataError, match="is a file") as info:
        load_dataset("mnist", data_dir=tmp_path / "data", offline=False)
    assert str(tmp_path / "data") in str(info.value) and "AELIB_DATA_DIR" in str(info.value)


@pytest.mark.parametrize("sizes", [{"train_size": -1}, {"test_size": 0}, {"train_size": 2.5}])
def test_sizes_must_be_positive_integers(tmp_path, sizes):
    name = next(iter(sizes))
    with pytest.raises(ValueError, match=f"{name} must be an integer >= 1"):
        load_dataset("mnist", data_dir=tmp_path, offline=True, **sizes)
