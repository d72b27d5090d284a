"""Downloads against a local mirror that misbehaves on purpose (127.0.0.1 only, never the
network): it hangs, stalls mid-body, refuses, serves HTML or a truncated body, or serves two
processes at once."""

import dataclasses
import errno
import gzip
import hashlib
import multiprocessing
import os
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import numpy as np
import pytest

import aelib.data
from aelib import DataError, load_dataset, read_idx
from aelib.data import SOURCES, IdxFile

TIMEOUT = 0.25  # the download timeout in these tests, in seconds


def idx_gz(array: np.ndarray) -> bytes:
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def mirror():
    """A local HTTP server: ``mirror.url(mode)`` is a mirror that behaves as ``mode`` says.

    Modes: ``ok``, ``hang`` (never answers), ``stall`` (stops halfway through the body),
    ``truncated`` (closes the connection halfway), ``html`` (a 200 with a web page), ``403``,
    ``503`` and ``pair`` (answers once two requests for the file are in, so they overlap).
    ``mirror.on_request(mode, name)``, if set, runs first.
    """
    release = threading.Event()
    state = SimpleNamespace(files={}, requests=[], overlaps=[], on_request=None)
    pairs: dict[str, threading.Barrier] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            mode, name = self.path.strip("/").split("/", 1)
            state.requests.append((mode, name))
            if state.on_request is not None:
                state.on_request(mode, name)
            if mode in ("403", "503"):
                return self.send_error(int(mode))
            if mode == "hang":
                release.wait(5)
                return
            body = b"<!doctype html><title>Please sign in</title>" if mode == "html" else state.files[name]
            if mode == "pair":
                try:
                    pairs.setdefault(name, threading.Barrier(2, timeout=2)).wait()
                    state.overlaps.append(name)
                except threading.BrokenBarrierError:
                    pass
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if mode in ("stall", "truncated", "pair"):
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if mode == "truncated":
                    return
                if mode == "stall":
                    release.wait(5)
                    return
                time.sleep(0.05)
                body = body[len(body) // 2 :]
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = lambda mode: f"http://127.0.0.1:{server.server_port}/{mode}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield state
    release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake_mnist(monkeypatch, mirror, tmp_path):
    """MNIST replaced by four tiny IDX files served by ``mirror``; returns the raw folder."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (6, 28, 28)),
        "train_labels": np.arange(6),
        "test_images": rng.integers(0, 256, (4, 28, 28)),
        "test_labels": np.arange(4),
    }
    files = {}
    for key, file in SOURCES["mnist"].files.items():
        mirror.files[file.name] = idx_gz(arrays[key])
        files[key] = IdxFile(file.name, hashlib.md5(mirror.files[file.name]).hexdigest())
    fake = dataclasses.replace(SOURCES["mnist"], files=files, mirrors=(mirror.url("ok"),))
    monkeypatch.setitem(SOURCES, "mnist", fake)
    monkeypatch.setattr(aelib.data, "DOWNLOAD_TIMEOUT", TIMEOUT)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    return raw


def use_mirrors(monkeypatch, mirror, *modes):
    monkeypatch.setitem(SOURCES, "mnist", dataclasses.replace(SOURCES["mnist"], mirrors=tuple(map(mirror.url, modes))))


def place(raw, mirror, *names):
    for name in names:
        (raw / name).write_bytes(mirror.files[name])


TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"


def test_the_mnist_mirrors_include_googles():
    assert "https://storage.googleapis.com/cvdf-datasets/mnist/" in SOURCES["mnist"].mirrors


def test_a_hanging_and_a_stalling_mirror_time_out_and_the_next_mirror_serves_the_file(
    monkeypatch, mirror, fake_mnist, tmp_path
):
    place(fake_mnist, mirror, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES)
    use_mirrors(monkeypatch, mirror, "hang", "stall", "ok")
    started = time.perf_counter()
    data = load_dataset("mnist", data_dir=tmp_path, offline=False)
    assert time.perf_counter() - started < 2 * TIMEOUT + 1
    assert [mode for mode, _ in mirror.requests] == ["hang", "stall", "ok"]
    assert data.y_test.tolist() == [0, 1, 2, 3]


def test_when_every_mirror_fails_the_error_says_what_each_one_did(monkeypatch, mirror, fake_mnist, tmp_path):
    place(fake_mnist, mirror, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES)
    modes = ("hang", "stall", "truncated", "html", "403", "503")
    use_mirrors(monkeypatch, mirror, *modes)
    with pytest.raises(DataError) as info:
        load_dataset("mnist", data_dir=tmp_path, offline=False)
    lines = dict(line.strip().split(": ", 1) for line in str(info.value).splitlines()[1:7])
    said = {mode: lines[mirror.url(mode)] for mode in modes}
    assert said["hang"].startswith("timed out") and said["stall"].startswith("timed out")
    assert "(truncated)" in said["truncated"] and "HTML page" in said["html"]
    assert "403" in said["403"] and "503" in said["503"]
    assert "AELIB_DATA_DIR" in str(info.value)
    assert sorted(p.name for p in fake_mnist.iterdir()) == sorted([TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES])


def test_only_missing_files_are_downloaded_and_a_corrupted_one_is_replaced(mirror, fake_mnist, tmp_path, capsys):
    place(fake_mnist, mirror, TEST_IMAGES)
    (fake_mnist / TEST_LABELS).write_bytes(b"corrupted")
    load_dataset("mnist", data_dir=tmp_path, offline=False)
    assert sorted(name for _, name in mirror.requests) == sorted([TRAIN_IMAGES, TRAIN_LABELS, TEST_LABELS])
    assert "corrupted; downloading it again" in capsys.readouterr().err
    assert read_idx(fake_mnist / TEST_LABELS).tolist() == [0, 1, 2, 3]
    assert sorted(p.name for p in fake_mnist.iterdir()) == sorted(mirror.files)  # no temporary file left


def test_a_file_another_process_finished_meanwhile_is_accepted_not_downloaded_again(
    monkeypatch, mirror, fake_mnist, tmp_path
):
    place(fake_mnist, mirror, TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES)
    use_mirrors(monkeypatch, mirror, "503", "ok")
    mirror.on_request = lambda mode, name: place(fake_mnist, mirror, name)  # the other process
    assert load_dataset("mnist", data_dir=tmp_path, offline=False).y_test.tolist() == [0, 1, 2, 3]
    assert mirror.requests == [("503", TEST_LABELS)]


def _load_into(folder):
    load_dataset("mnist", data_dir=folder, offline=False)


def test_two_processes_downloading_into_one_folder_both_succeed(monkeypatch, mirror, fake_mnist, tmp_path):
    use_mirrors(monkeypatch, mirror, "pair")
    fork = multiprocessing.get_context("fork")  # the children inherit the fake MNIST
    processes = [fork.Process(target=_load_into, args=(tmp_path,)) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=10)
        if process.exitcode is None:
            process.kill()
    assert [p.exitcode for p in processes] == [0, 0]
    assert mirror.overlaps, "the two downloads never overlapped"
    assert sorted(p.name for p in fake_mnist.iterdir()) == sorted(mirror.files)  # no temporary file left
    for name, content in mirror.files.items():
        assert (fake_mnist / name).read_bytes() == content


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_data_dir_is_a_data_error_that_says_to_make_it_writable(fake_mnist, tmp_path):
    fake_mnist.chmod(0o555)
    try:
        with pytest.raises(DataError, match="make the folder writable"):
            load_dataset("mnist", data_dir=tmp_path, offline=False)
    finally:
        fake_mnist.chmod(0o755)


def test_a_full_disk_is_a_data_error_and_leaves_no_partial_file(monkeypatch, fake_mnist, tmp_path):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(DataError, match="No space left on device.*free some space"):
        load_dataset("mnist", data_dir=tmp_path, offline=False)
    assert list(fake_mnist.iterdir()) == []
