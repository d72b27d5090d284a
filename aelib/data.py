"""MNIST and Fashion-MNIST as in-memory float tensors, from the IDX files in torchvision's layout,
``<data_dir>/<MNIST|FashionMNIST>/raw/``, checked against their published MD5. Downloads are renamed
into place once verified, so processes that share a folder never see a half-written file."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import sys
import urllib.request
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch

from .models import check_int
from .settings import settings

DOWNLOAD_TIMEOUT = 30  # seconds to connect, and to wait for each piece of a download
OFFLINE_SPLIT = (8_000, 2_000)
REFETCH = "delete it and fetch it again"
ELSEWHERE = "or set AELIB_DATA_DIR to another folder"


class DataError(RuntimeError):
    """A data file is missing, cannot be downloaded, or is corrupted."""


def _fault(problem: str, fix: str) -> DataError:
    return DataError(f"{problem}. Fix: {fix}.")


@dataclass(frozen=True)
class IdxFile:
    name: str
    md5: str  # of the gzip file as published
    raw_md5: str | None = None  # of the decompressed IDX content, for recompressed copies


@dataclass(frozen=True)
class Source:
    folder: str
    title: str
    mirrors: tuple[str, ...]
    files: dict[str, IdxFile]
    classes: tuple[str, ...]
    system_dirs: tuple[str, ...] = ()


def _files(*checksums: tuple[str, str | None]) -> dict[str, IdxFile]:
    """The four IDX files of a data set, from their (gzip MD5, content MD5) pairs in this order."""
    names = {"train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
             "test_images": "t10k-images-idx3-ubyte.gz", "test_labels": "t10k-labels-idx1-ubyte.gz"}
    return {key: IdxFile(name, *md5s) for (key, name), md5s in zip(names.items(), checksums, strict=True)}


SOURCES = {
    "mnist": Source(
        folder="MNIST", title="MNIST",
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
                 "https://storage.googleapis.com/cvdf-datasets/mnist/", "http://yann.lecun.com/exdb/mnist/"),
        files=_files(("f68b3c2dcbeaaa9fbdd348bbdeb94873", None),
                     ("d53e105ee54ea40749a09fcbcd1e9432", "a25bea736e30d166cdddb491f175f624"),
                     ("9fb629c4189551a2d022fa330f9573f3", "2646ac647ad5339dbf082846283269ea"),
                     ("ec29112dd5afa0611ce80d1b7f02629c", "27ae3e4e09519cfbb04c329615203637")),
        classes=tuple(str(d) for d in range(10)),
    ),
    "fashion": Source(
        folder="FashionMNIST", title="Fashion-MNIST",
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        files=_files(("8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
                     ("25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"),
                     ("bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"),
                     ("bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965")),
        classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                 "Ankle boot"),
        system_dirs=("/usr/share/datasets/fashion-mnist",),  # where Debian's dataset-fashion-mnist puts them
    ),
}


@dataclass
class Dataset:
    """Images as float32 in [0, 1] of shape (N, 1, 28, 28) and int64 labels of shape (N,)."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: tuple[str, ...]

    def __repr__(self) -> str:
        return (f"Dataset({self.name}: {len(self.x_train):,} train and {len(self.x_test):,} test "
                f"images of shape {tuple(self.x_train.shape[1:])}, {len(self.classes)} classes)")


def default_data_dir() -> Path:
    """``$AELIB_DATA_DIR`` if set, ``/content/data`` on Colab, else ``~/.cache/aelib``."""
    if os.environ.get("AELIB_DATA_DIR"):
        return Path(os.environ["AELIB_DATA_DIR"]).expanduser()
    if "google.colab" in sys.modules or Path("/content").is_dir():
        return Path("/content/data")
    return Path.home() / ".cache" / "aelib"


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (gzipped or not) of unsigned bytes into an array of its shape."""
    path = Path(path)
    try:
        content = path.read_bytes()
        if content[:2] == b"\x1f\x8b":  # the gzip magic number
            content = gzip.decompress(content)
    except (OSError, EOFError, zlib.error) as err:
        raise _fault(f"{path} is not a readable IDX file ({err})", REFETCH) from err
    if content[:3] != b"\0\0\x08" or content[3:4] not in (b"\x01", b"\x03"):
        raise _fault(f"{path} does not start with an IDX header of unsigned bytes", REFETCH)
    header = 4 + 4 * content[3]
    if len(content) < header:
        raise _fault(f"{path} ends inside its IDX header", REFETCH)
    shape = [int(n) for n in np.frombuffer(content, ">u4", count=content[3], offset=4)]
    if len(content) != (expected := header + math.prod(shape)):
        raise _fault(f"{path} is truncated or padded: its header promises {expected:,} bytes, the file has "
                     f"{len(content):,}", REFETCH)
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape)


@contextmanager
def atomic_write(path: Path) -> Iterator[BinaryIO]:
    """A new file that replaces ``path`` in one step when the block ends without error; until then
    ``path`` is untouched, whatever fails or writes alongside. Creates the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    try:
        with open(part, "xb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _matches(content: bytes, file: IdxFile) -> bool:
    """Whether ``content`` is ``file`` as published, or recompressed around the same IDX content."""
    if hashlib.md5(content).hexdigest() == file.md5:
        return True
    try:
        return file.raw_md5 is not None and hashlib.md5(gzip.decompress(content)).hexdigest() == file.raw_md5
    except (OSError, EOFError, zlib.error):
        return False


def _read(path: Path) -> bytes | None:
    """The content of ``path``; None if it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise _fault(f"Cannot read {path} ({err.strerror or err})",
                     f"make it a readable file or delete it, {ELSEWHERE}") from err


def _is_intact(path: Path, file: IdxFile) -> bool:
    return _matches(_read(path) or b"", file)


def _what_failed(err: Exception) -> str:
    if isinstance(getattr(err, "reason", err), TimeoutError):
        return f"timed out (nothing received for {DOWNLOAD_TIMEOUT} s)"
    if isinstance(err, http.client.IncompleteRead):
        received = len(err.partial)
        return f"the connection closed after {received:,} of {received + err.expected:,} bytes (truncated)"
    return str(err)


def _download(source: Source, file: IdxFile, target: Path) -> None:
    """Fetch ``file`` from the first mirror that serves it intact, unless another process finishes it first."""
    errors = []
    for mirror in source.mirrors:
        if _is_intact(target, file):  # another process finished it meanwhile
            return
        print(f"Downloading {mirror}{file.name}", file=sys.stderr)
        try:
            with urllib.request.urlopen(mirror + file.name, timeout=DOWNLOAD_TIMEOUT) as response:
                content = response.read()
        except (OSError, http.client.HTTPException) as err:
            errors.append(f"{mirror}: {_what_failed(err)}")
            continue
        if not _matches(content, file):
            errors.append(f"{mirror}: served " + ("an HTML page (an error or sign-in page?) instead of the file"
                          if content.lstrip()[:1] == b"<" else f"a file that does not match MD5 {file.md5}"))
            continue
        try:
            with atomic_write(target) as out:
                out.write(content)
            return
        except OSError as err:
            raise _fault(f"Cannot save {file.name} into {target.parent} ({err.strerror or err})",
                         f"make the folder writable or free some space, {ELSEWHERE}") from err
    if not _is_intact(target, file):
        raise DataError(f"Could not download {file.name} into {target.parent}:\n  " + "\n  ".join(errors)
                        + f"\nFix: copy {file.name} into {target.parent} by hand, or point AELIB_DATA_DIR at a "
                        f"folder that has {source.folder}/raw/{file.name}.")


def _locate(source: Source, key: str, data_dir: Path, offline: bool) -> Path | None:
    """A verified path to one file, downloaded if allowed; None if offline and absent."""
    file = source.files[key]
    target = data_dir / source.folder / "raw" / file.name
    for candidate in (target, *(Path(d) / file.name for d in source.system_dirs)):
        content = _read(candidate)
        if content is None:
            continue
        if _matches(content, file):
            return candidate
        if candidate != target or offline:
            raise _fault(f"{candidate} is corrupted (its checksum is not the published MD5 {file.md5})",
                         f"delete it and copy or download a fresh {file.name}")
        print(f"{target} is corrupted; downloading it again.", file=sys.stderr)
    if offline:
        return None
    _download(source, file, target)
    return target


def _read_split(paths: dict[str, Path], split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The images (float32 (N, 1, 28, 28) in [0, 1]) and int64 labels of the train or test split."""
    images = torch.from_numpy(read_idx(paths[f"{split}_images"]).astype(np.float32) / 255.0).unsqueeze(1)
    return images, torch.from_numpy(read_idx(paths[f"{split}_labels"]).astype(np.int64))


def load_dataset(name: str | None = None, *, data_dir: str | Path | None = None, offline: bool | None = None,
                 train_size: int | None = None, test_size: int | None = None) -> Dataset:
    """Load ``"mnist"`` or ``"fashion"`` (default: ``settings.dataset``), the first ``train_size`` and
    ``test_size`` images of each split. Offline, MNIST without its training images becomes, with a
    notice, an 8,000/2,000 split of the official 10,000 test images: train and test never overlap."""
    name = (name or settings.dataset).lower()
    if name not in SOURCES:
        raise ValueError(f"Unknown data set {name!r}: use one of {', '.join(SOURCES)}.")
    source = SOURCES[name]
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    offline = settings.offline if offline is None else offline
    if data_dir.exists() and not data_dir.is_dir():
        raise _fault(f"The data folder {data_dir} is a file", "set AELIB_DATA_DIR (or data_dir) to a folder")
    for size, size_name in ((train_size, "train_size"), (test_size, "test_size")):
        if size is not None:
            check_int(size, size_name, meaning=" (or None for every image)")

    paths, failures = {}, []
    for key in source.files:  # fetch every file we can before reporting any failure
        try:
            paths[key] = _locate(source, key, data_dir, offline)
        except DataError as err:
            failures.append(str(err))
    if failures:
        raise DataError("\n".join(failures))
    missing = [source.files[k].name for k, p in paths.items() if p is None]
    test_only = missing == [source.files["train_images"].name] and name == "mnist"
    if missing and not test_only:
        searched = " or ".join([str(data_dir / source.folder / "raw"), *source.system_dirs])
        raise _fault(f"Offline mode and {source.title} is incomplete: {', '.join(missing)} not found in {searched}",
                     f"copy the file(s) there, set AELIB_DATA_DIR to the folder that holds {source.folder}/raw/, "
                     "or unset AELIB_OFFLINE to download them")

    x_test, y_test = _read_split(paths, "test")
    if test_only:
        n_train, n_test = OFFLINE_SPLIT
        print(f"Offline mode: {source.title}'s training images are not in {data_dir}, so this run uses "
              f"{n_train:,} of the official test images for training and the other {n_test:,} for testing. "
              "Online, the full 60,000/10,000 split is used.", file=sys.stderr)
        order = torch.randperm(len(x_test), generator=torch.Generator().manual_seed(0))
        train, test = order[:n_train], order[n_train : n_train + n_test]
        x_train, y_train, x_test, y_test = x_test[train], y_test[train], x_test[test], y_test[test]
    else:
        x_train, y_train = _read_split(paths, "train")
    return Dataset(source.title, x_train[:train_size], y_train[:train_size], x_test[:test_size], y_test[:test_size],
                   source.classes)
