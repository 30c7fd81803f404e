"""Gradient descent for linear regression (§4.1).  (页面：4.1 梯度下降)

The article's loss J(θ) = ½ Σ (y_i − θ·x_i)², minimised by θ ← θ − α ∇J(θ).

Full-batch, stochastic (one example per step) and mini-batch variants; a stopping rule
on the gradient norm; the parameter and loss history for plotting; divergence
(learning rate above 2/λ_max) reported as a ``DivergenceError``, never a silent NaN.

Arguments are checked before any work (_checks.py): arrays may be lists, integers are
read as floats; a complex, non-finite or misshapen array, a learning rate that is not a
positive number, an unknown ``method`` (``KeyError``) raise an error naming the argument.

Run: python gradient_descent.py [--samples 200] [--features 3] [--max-epochs 200]
         [--seed 0]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from _checks import check_array, check_choice, check_int, check_number
from _cli import demo_parser, non_negative_int, positive_int, run

METHODS = ("batch", "sgd", "minibatch")


class ConvergenceWarning(UserWarning):
    """max_epochs ran out before the stopping rule was met."""


class DivergenceError(RuntimeError):
    """The loss blew up; ``.result`` holds the history up to that point (for plotting)."""

    def __init__(self, message: str, result: GDResult):
        super().__init__(message)
        self.result = result


@dataclass
class GDResult:
    theta: np.ndarray | float  # final θ: a float when X was 1-D (scalar θ)
    thetas: np.ndarray         # (T+1, d) θ after every update, θ_0 first
    losses: np.ndarray         # (T+1,) J(θ) on the whole data set after every update
    converged: bool            # stopping rule met
    epochs: int                # passes over the data that were run
    method: str


# --8<-- [start:loss]
def loss(theta, X, y):
    """J(θ) = ½ Σ_i (y_i − θ·x_i)².   X (n, d), y (n,), θ (d,)."""
    theta, X, y = _check_point(theta, X, y)
    r = y - X @ theta                    # residuals, (n,)
    return 0.5 * float(r @ r)


def gradient(theta, X, y):
    """∂J/∂θ = −Σ_i (y_i − θ·x_i) x_i = −Xᵀ(y − Xθ).   -> (d,)"""
    theta, X, y = _check_point(theta, X, y)
    return -X.T @ (y - X @ theta)
# --8<-- [end:loss]


def max_stable_lr(X):
    """2 / λ_max(XᵀX): full-batch gradient descent on J converges iff 0 < α < this.

    X (n, d) or (n,); inf when X is all zeros (the gradient is 0: any α is stable)."""
    X = _as_design(X)
    sigma = float(np.linalg.norm(X, 2))  # λ_max(XᵀX) = σ_max(X)², without forming XᵀX
    with np.errstate(over="ignore"):
        lam = sigma * sigma
    if not np.isfinite(lam):
        raise ValueError(f"X is too large: λ_max(XᵀX) = σ_max(X)² = {sigma:.3g}² overflows "
                         "float64; scale the features")
    return 2.0 / lam if lam > 0 else float("inf")


# --8<-- [start:gd]
def gradient_descent(X, y, lr, theta0=None, method="batch", batch_size=32,
                     max_epochs=1000, tol=1e-10, seed=0):
    """Minimise J(θ) = ½ Σ (y_i − θ·x_i)² by θ ← θ − α ∇J(θ).

    X (n, d) or (n,) for a scalar θ; y (n,).  ``method``:
      "batch"      every step uses all n examples (one step per epoch);
      "sgd"        one example per step, in a fresh random order each epoch;
      "minibatch"  ``batch_size`` examples per step; J_B sums over the batch only.
    Stopping rule: after an epoch, stop when ‖∇J(θ)‖ ≤ tol · ‖∇J(θ_0)‖ (whole data set).
    Raises DivergenceError when the loss blows up (α too large: see max_stable_lr).
    """
    X, y, theta, scalar = _check_inputs(X, y, lr, theta0, method, batch_size, max_epochs,
                                        tol, seed)      # scalar: x_i and θ are numbers
    n = len(y)
    step_size = {"batch": n, "sgd": 1, "minibatch": batch_size}[method]
    rng = np.random.default_rng(seed)
    thetas, losses = [theta.copy()], [loss(theta, X, y)]
    g0 = np.linalg.norm(gradient(theta, X, y))
    converged, epoch = g0 == 0.0, 0

    def result():
        th = thetas[-1]
        return GDResult(float(th[0]) if scalar else th.copy(), np.array(thetas),
                        np.array(losses), converged, epoch, method)

    while not converged and epoch < max_epochs:
        epoch += 1
        order = np.arange(n) if method == "batch" else rng.permutation(n)
        for start in range(0, n, step_size):
            idx = order[start:start + step_size]                # this step's examples
            with np.errstate(over="ignore", invalid="ignore"):
                # θ_{t+1} = θ_t − α · ∂J_B/∂θ
                theta = theta - lr * gradient(theta, X[idx], y[idx])
                J = loss(theta, X, y) if np.isfinite(theta).all() else np.inf  # overflowed
            thetas.append(theta.copy())
            losses.append(J)
            _check_divergence(losses, lr, X, method, result)
        # stopping rule: the full gradient is (relatively) small
        converged = bool(np.linalg.norm(gradient(theta, X, y)) <= tol * g0)
    if not converged:
        warnings.warn(f"gradient descent stopped after max_epochs={max_epochs} without "
                      f"meeting tol={tol}", ConvergenceWarning, stacklevel=2)
    return result()
# --8<-- [end:gd]


# --8<-- [start:divergence]
def _check_divergence(losses, lr, X, method, result):
    """Full batch: on a quadratic J the loss can only rise when α > 2/λ_max.
    Stochastic: a non-finite loss or a 10⁶-fold rise over J(θ_0)."""
    J, J_prev, J0 = losses[-1], losses[-2], losses[0]
    blown_up = not np.isfinite(J) or J > 1e6 * max(J0, 1e-12)
    rose = method == "batch" and J > J_prev * (1 + 1e-9) + 1e-12
    if blown_up or rose:
        raise DivergenceError(
            f"gradient descent diverges ({method}): loss went from {J_prev:.4g} to {J:.4g} "
            f"at step {len(losses) - 1} with lr={lr:g}; full-batch steps need "
            f"lr < 2/λ_max(XᵀX) = {max_stable_lr(X):.4g}", result())
# --8<-- [end:divergence]


def make_data(n=100, d=2, noise=0.1, seed=0):
    """Synthetic linear data y = X θ* + noise; returns X (n, d), y (n,), θ* (d,)."""
    check_int(n, "n", 1), check_int(d, "d", 1), check_int(seed, "seed", 0)
    check_number(noise, "noise", 0)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    theta_true = rng.normal(size=d)
    y = X @ theta_true + noise * rng.normal(size=n)
    return X, y, theta_true


# -------------------------------------------------------------- argument checks
def _as_design(X, ndim=(1, 2)) -> np.ndarray:
    """X (n, d), or (n,) for a scalar θ (x_i are numbers), as (n, d)."""
    X = check_array(X, "X", ndim, "(n, d)" if ndim == 2 else "(n, d), or (n,) for a scalar θ")
    return X[:, None] if X.ndim == 1 else X


def _check_data(X, y, ndim=(1, 2)) -> tuple[np.ndarray, np.ndarray]:
    X = _as_design(X, ndim)
    y = check_array(y, "y", 1, "(n,)")
    if len(y) != len(X):
        raise ValueError(f"y must have shape (n,) = ({len(X)},) to match X, got {y.shape}")
    return X.astype(np.float64), y.astype(np.float64)


def _check_point(theta, X, y):
    """loss and gradient: X (n, d), y (n,), θ (d,), all finite."""
    X, y = _check_data(X, y, ndim=2)
    theta = check_array(theta, "theta", 1, f"(d,) = ({X.shape[1]},)")
    if theta.shape != (X.shape[1],):
        raise ValueError(f"theta must have shape (d,) = ({X.shape[1]},) to match X, "
                         f"got {theta.shape}")
    return theta.astype(np.float64), X, y


def _check_inputs(X, y, lr, theta0, method, batch_size, max_epochs, tol, seed):
    scalar = check_array(X, "X", (1, 2), "(n, d), or (n,) for a scalar θ").ndim == 1
    X, y = _check_data(X, y)
    n, d = X.shape
    check_number(lr, "lr", 0, above=True)
    check_choice(method, "method", METHODS)
    check_int(batch_size, "batch_size", 1, n if method == "minibatch" else None)
    check_int(max_epochs, "max_epochs", 1)
    check_number(tol, "tol", 0)
    check_int(seed, "seed", 0)
    if theta0 is None:
        return X, y, np.zeros(d), scalar
    theta = check_array(theta0, "theta0", (0, 1), f"(d,) = ({d},)").astype(np.float64)
    if theta.size != d:
        raise ValueError(f"theta0 must be {d} number(s), shape (d,) = ({d},), got {theta.shape}")
    return X, y, theta.reshape(d), scalar


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--samples", type=positive_int, default=200,
                        help="number n of examples (x_i, y_i)")
    parser.add_argument("--features", type=positive_int, default=3,
                        help="number d of features, the length of θ")
    parser.add_argument("--max-epochs", type=positive_int, default=200,
                        help="passes over the data for each method")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the data and of the example order")
    args = parser.parse_args(argv)

    X, y, _ = make_data(n=args.samples, d=args.features, seed=args.seed)
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    lr_max = max_stable_lr(X)
    print(f"2/λ_max = {lr_max:.5f}")
    for method, lr in [("batch", 0.5 * lr_max), ("minibatch", 0.02), ("sgd", 0.01)]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # SGD hovers, stops at max
            try:
                res = gradient_descent(X, y, lr, method=method, max_epochs=args.max_epochs,
                                       batch_size=min(16, args.samples), seed=args.seed)
            except DivergenceError as err:  # a fixed lr can be too large for other data
                print(f"{method:>9}: {err}")
                continue
        print(f"{method:>9}: {res.epochs:4d} epochs, J = {res.losses[-1]:.6f}, "
              f"|θ − lstsq| = {np.abs(res.theta - best).max():.2e}")
    try:
        gradient_descent(X, y, 1.1 * lr_max)
    except DivergenceError as err:
        print("lr = 1.1 · 2/λ_max ->", err)
    lr1 = 0.2 * max_stable_lr(X[:, 0])                           # scalar θ
    res = gradient_descent(X[:, 0], y, lr1)
    best1 = np.linalg.lstsq(X[:, :1], y, rcond=None)[0][0]
    print(f"scalar θ = {res.theta:.6f}, lstsq = {best1:.6f}")


if __name__ == "__main__":
    run(main)
