"""Tests for snippets/gradient_descent.py (+ _tf): page docs/math/gradient-descent.md."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from badinput import bad_arrays, bad_integers, bad_names, bad_numbers, rejects
from gradcheck import numerical_gradient, rel_error
from gradient_descent import (
    ConvergenceWarning,
    DivergenceError,
    gradient,
    gradient_descent,
    loss,
    make_data,
    max_stable_lr,
)
from gradient_descent_tf import gradient_descent_tf, gradient_tf
from hypothesis import given, settings
from hypothesis import strategies as st

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"


def lstsq(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0]


@pytest.mark.parametrize("d", [1, 3])
def test_gradient_matches_centred_differences(d):
    X, y, _ = make_data(n=30, d=d, seed=1)
    theta = np.random.default_rng(2).normal(size=d)
    num = numerical_gradient(lambda: loss(theta, X, y), theta)
    assert rel_error(gradient(theta, X, y), num) < 1e-6


def test_loss_is_the_articles_formula():
    X, y, _ = make_data(n=10, d=2, seed=3)
    theta = np.array([0.3, -0.7])
    expected = 0.5 * sum((y[i] - theta @ X[i]) ** 2 for i in range(10))
    assert loss(theta, X, y) == pytest.approx(expected, rel=1e-12)


def test_full_batch_reaches_lstsq():
    X, y, _ = make_data(n=200, d=4, noise=0.3, seed=4)
    res = gradient_descent(X, y, lr=0.5 * max_stable_lr(X), max_epochs=5000)
    assert res.converged
    np.testing.assert_allclose(res.theta, lstsq(X, y), atol=1e-6, rtol=0)


def test_scalar_theta_reaches_lstsq():
    X, y, _ = make_data(n=50, d=1, seed=5)
    res = gradient_descent(X[:, 0], y, lr=0.9 * max_stable_lr(X[:, 0]))
    assert isinstance(res.theta, float)
    assert abs(res.theta - lstsq(X, y)[0]) < 1e-6
    # closed form of the article's scalar case: θ* = Σ x_i y_i / Σ x_i²
    assert abs(res.theta - (X[:, 0] @ y) / (X[:, 0] @ X[:, 0])) < 1e-6


@pytest.mark.parametrize("method, lr, batch", [("sgd", 0.05, 1), ("minibatch", 0.03, 10)])
def test_stochastic_variants_reach_lstsq_on_noiseless_data(method, lr, batch):
    """Without noise every example agrees on θ*, so constant-step SGD converges exactly."""
    X, y, theta_true = make_data(n=100, d=3, noise=0.0, seed=6)
    res = gradient_descent(X, y, lr, method=method, batch_size=batch, max_epochs=500)
    assert res.converged
    np.testing.assert_allclose(res.theta, lstsq(X, y), atol=1e-6, rtol=0)
    np.testing.assert_allclose(res.theta, theta_true, atol=1e-6, rtol=0)


@pytest.mark.parametrize("method, lr, batch", [("sgd", 0.01, 1), ("minibatch", 0.01, 16)])
def test_stochastic_variants_get_close_on_noisy_data(method, lr, batch):
    """With noise a constant step hovers near the optimum (measured: |Δθ| ≈ 5e-3, ΔJ < 1%)."""
    X, y, _ = make_data(n=200, d=3, noise=0.1, seed=0)
    with pytest.warns(ConvergenceWarning, match="max_epochs"):
        res = gradient_descent(X, y, lr, method=method, batch_size=batch, max_epochs=100)
    best = lstsq(X, y)
    assert np.abs(res.theta - best).max() < 0.03
    assert res.losses[-1] < 1.05 * loss(best, X, y)


def test_history_shapes_and_monotone_full_batch_loss():
    X, y, _ = make_data(n=60, d=2, seed=7)
    res = gradient_descent(X, y, lr=0.9 * max_stable_lr(X), max_epochs=10_000)
    T = res.epochs
    assert res.thetas.shape == (T + 1, 2) and res.losses.shape == (T + 1,)
    np.testing.assert_array_equal(res.thetas[0], [0.0, 0.0])
    assert res.losses[0] == pytest.approx(loss(np.zeros(2), X, y))
    assert np.all(np.diff(res.losses) <= 1e-12)   # α < 2/λ_max: J never rises
    with pytest.warns(ConvergenceWarning):
        sgd = gradient_descent(X, y, 0.02, method="sgd", max_epochs=3, tol=0)
    assert sgd.thetas.shape == (3 * 60 + 1, 2)    # one row per update


@pytest.mark.parametrize("factor", [1.01, 1.5, 10.0])
def test_learning_rate_above_two_over_lambda_max_is_reported(factor):
    X, y, _ = make_data(n=80, d=3, seed=8)
    with pytest.raises(DivergenceError, match=r"2/λ_max") as info:
        gradient_descent(X, y, lr=factor * max_stable_lr(X), max_epochs=5000)
    hist = info.value.result
    assert np.isfinite(hist.losses).all() and not hist.converged
    assert hist.losses[-1] > hist.losses[-2]


def test_learning_rate_just_below_limit_converges():
    X, y, _ = make_data(n=80, d=3, seed=8)
    res = gradient_descent(X, y, lr=0.99 * max_stable_lr(X), max_epochs=20_000)
    assert res.converged


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
@pytest.mark.parametrize("lr", [1.0, 1e300])
def test_stochastic_divergence_is_an_error_not_nan(method, lr):
    X, y, _ = make_data(n=50, d=3, seed=9)
    with pytest.raises(DivergenceError, match="diverges"):   # and no RuntimeWarning
        gradient_descent(X, y, lr, method=method, batch_size=8, max_epochs=100)


def test_max_epochs_warns():
    X, y, _ = make_data(n=50, d=3, seed=10)
    with pytest.warns(ConvergenceWarning):
        res = gradient_descent(X, y, lr=1e-5, max_epochs=3)
    assert not res.converged and res.epochs == 3


def test_deterministic_under_seed():
    X, y, _ = make_data(n=50, d=2, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = gradient_descent(X, y, 0.01, method="sgd", max_epochs=5, seed=3)
        b = gradient_descent(X, y, 0.01, method="sgd", max_epochs=5, seed=3)
        c = gradient_descent(X, y, 0.01, method="sgd", max_epochs=5, seed=4)
    np.testing.assert_array_equal(a.thetas, b.thetas)
    assert not np.array_equal(a.thetas, c.thetas)


X0, Y0 = np.ones((5, 2)), np.ones(5)


def gd_call(**bad):
    args = {"X": X0, "y": Y0, "lr": 0.01, **bad}
    return lambda: gradient_descent(**args)


def gd_tf_call(**bad):
    args = {"X": X0, "y": Y0, "lr": 0.01, **bad}
    return lambda: gradient_descent_tf(**args)


@settings(max_examples=25, deadline=None)
@given(data=st.data(), name=st.sampled_from(["X", "y"]))
def test_gradient_descent_rejects_a_bad_array(data, name):
    value = data.draw(bad_arrays({"X": (5, 2), "y": (5,)}[name]))
    if name == "X" and isinstance(value, np.ndarray) and value.shape == (5,):
        return  # (n,) is a design matrix for a scalar θ
    rejects(gd_call(**{name: value}), name)
    rejects(gd_tf_call(**{name: value}), name)  # the twin's rule is the same


@settings(max_examples=40, deadline=None)
@given(lr=bad_numbers(minimum=0, above=True), tol=bad_numbers(minimum=0),
       max_epochs=bad_integers(minimum=1), seed=bad_integers(minimum=0),
       batch_size=bad_integers(minimum=1, maximum=5), method=bad_names(("batch", "sgd",
                                                                        "minibatch")))
def test_gradient_descent_rejects_a_bad_setting(lr, tol, max_epochs, seed, batch_size, method):
    rejects(gd_call(lr=lr), "lr")
    rejects(gd_call(tol=tol), "tol")
    rejects(gd_call(max_epochs=max_epochs), "max_epochs")
    rejects(gd_call(seed=seed), "seed")
    rejects(gd_call(method="minibatch", batch_size=batch_size), "batch_size")
    rejects(gd_call(method=method), "method")
    rejects(gd_tf_call(lr=lr), "lr")
    rejects(gd_tf_call(epochs=max_epochs), "epochs")
    rejects(gd_tf_call(seed=seed), "seed")
    if batch_size is not None:  # None: the TF twin's full batch
        rejects(gd_tf_call(batch_size=batch_size), "batch_size")


@settings(max_examples=25, deadline=None)
@given(data=st.data(), name=st.sampled_from(["theta", "X", "y"]))
def test_loss_and_gradient_reject_a_bad_array(data, name):
    good = {"theta": np.zeros(2), "X": X0, "y": Y0}
    value = data.draw(bad_arrays(np.shape(good[name])))
    args = {**good, name: value}
    for fn in (loss, gradient, gradient_tf):
        rejects(lambda fn=fn: fn(**args), name)


@pytest.mark.parametrize("kwargs, name", [
    ({"y": np.ones(4)}, "y must have shape (n,) = (5,) to match X"),
    ({"theta0": np.ones(3)}, "theta0 must be 2 number(s)"),
])
def test_arrays_that_do_not_fit_together(kwargs, name):
    rejects(gd_call(**kwargs), name)


def test_theta_must_match_X_in_loss_and_gradient():
    for fn in (loss, gradient, gradient_tf):
        rejects(lambda fn=fn: fn(np.zeros(3), X0, Y0), "theta must have shape (d,) = (2,)")


def test_complex_input_is_an_error_not_its_real_part():
    rejects(gd_call(X=X0 * 1j), "X")


def test_max_stable_lr_of_zero_data_is_infinite():
    """XᵀX = 0: the gradient is 0 everywhere, so no step size can diverge."""
    assert max_stable_lr(np.zeros((3, 2))) == np.inf


@settings(max_examples=20, deadline=None)
@given(n=bad_integers(minimum=1), noise=bad_numbers(minimum=0))
def test_make_data_rejects_bad_sizes(n, noise):
    rejects(lambda: make_data(n=n), "n")
    rejects(lambda: make_data(d=n), "d")
    rejects(lambda: make_data(noise=noise), "noise")


# ------------------------------------------------------------------- TensorFlow
@pytest.fixture(scope="module")
def gd_tf():
    pytest.importorskip("tensorflow")
    import gradient_descent_tf

    return gradient_descent_tf


@pytest.mark.parametrize("d", [1, 4])
def test_gradient_equals_gradient_tape(gd_tf, d):
    X, y, _ = make_data(n=40, d=d, seed=12)
    theta = np.random.default_rng(13).normal(size=d)
    assert rel_error(gradient(theta, X, y), gd_tf.gradient_tf(theta, X, y)) < 1e-6


def test_tf_optimizer_follows_the_same_trajectory(gd_tf):
    X, y, _ = make_data(n=100, d=3, seed=14)
    lr = 0.5 * max_stable_lr(X)
    theta_tf, losses_tf = gd_tf.gradient_descent_tf(X, y, lr, epochs=20)
    with pytest.warns(ConvergenceWarning):
        ours = gradient_descent(X, y, lr, max_epochs=20, tol=0)
    assert rel_error(theta_tf, ours.theta) < 1e-6
    assert rel_error(losses_tf, ours.losses) < 1e-6


def test_tf_minibatch_reaches_lstsq_on_noiseless_data(gd_tf):
    X, y, _ = make_data(n=64, d=2, noise=0.0, seed=15)
    theta_tf, _ = gd_tf.gradient_descent_tf(X, y, 0.05, epochs=40, batch_size=16)
    np.testing.assert_allclose(theta_tf, lstsq(X, y), atol=1e-6, rtol=0)


def test_tf_divergence_is_reported(gd_tf):
    X, y, _ = make_data(n=50, d=3, seed=16)
    with pytest.raises(FloatingPointError, match="diverges"):
        gd_tf.gradient_descent_tf(X, y, 3 * max_stable_lr(X), epochs=200)


# ------------------------------------------------------------- runs on its own
def _run_alone(tmp_path, name, timeout):
    for file in (name, "_cli.py", "_checks.py", "gradient_descent.py"):  # what it imports
        shutil.copy(SNIPPETS / file, tmp_path)
    res = subprocess.run([sys.executable, name], cwd=tmp_path, capture_output=True, text=True,
                         timeout=timeout)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_snippet_runs_alone(tmp_path):
    out = _run_alone(tmp_path, "gradient_descent.py", 120)
    assert "diverges" in out and "scalar θ" in out


@pytest.mark.slow
def test_tf_snippet_runs_alone(tmp_path):
    pytest.importorskip("tensorflow")
    assert "TensorFlow full batch" in _run_alone(tmp_path, "gradient_descent_tf.py", 300)


def test_max_stable_lr_of_data_too_large_for_float64_is_an_error():
    rejects(lambda: max_stable_lr(np.full((20, 2), 1e200)), "X is too large")
