"""Gradient descent with tf.GradientTape and an optimizer.  (页面：4.1 梯度下降)

Same loss as gradient_descent.py, J(θ) = ½ Σ (y_i − θ·x_i)²; TensorFlow differentiates it
and ``keras.optimizers.SGD`` applies θ ← θ − α ∇J(θ).

Run: python gradient_descent_tf.py [--samples 200] [--lr 0.004] [--epochs 50]
         [--batch-size N] [--seed 0]
"""

from __future__ import annotations

import numpy as np
from _checks import check_int, check_number
from _cli import demo_parser, non_negative_int, positive_float, positive_int, run
from gradient_descent import _check_data, _check_point


# --8<-- [start:tf]
def gradient_tf(theta, X, y):
    """∂J/∂θ by automatic differentiation.  θ (d,), X (n, d), y (n,) -> (d,)"""
    theta, X, y = _check_point(theta, X, y)  # gradient()'s rules
    import tensorflow as tf

    theta = tf.Variable(np.asarray(theta, np.float64))
    with tf.GradientTape() as tape:
        r = y - tf.linalg.matvec(tf.constant(X, tf.float64), theta)   # residuals (n,)
        J = 0.5 * tf.reduce_sum(r * r)
    return tape.gradient(J, theta).numpy()


def gradient_descent_tf(X, y, lr, epochs=100, batch_size=None, seed=0):
    """Full batch (batch_size=None) or mini-batch GD; returns θ (d,), losses (epochs+1,)."""
    X, y = _check_tf_inputs(X, y, lr, epochs, batch_size, seed)
    import keras
    import tensorflow as tf

    X, y = tf.constant(X, tf.float64), tf.constant(y, tf.float64)
    n, d = X.shape
    theta = tf.Variable(tf.zeros(d, tf.float64))
    opt = keras.optimizers.SGD(learning_rate=lr)     # plain θ ← θ − α g
    rng = np.random.default_rng(seed)

    def J(Xb, yb):
        r = yb - tf.linalg.matvec(Xb, theta)
        return 0.5 * tf.reduce_sum(r * r)

    losses = [float(J(X, y))]
    for _ in range(epochs):
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        for start in range(0, n, batch_size or n):
            idx = order[start:start + (batch_size or n)]
            Xb, yb = tf.gather(X, idx), tf.gather(y, idx)
            with tf.GradientTape() as tape:
                loss = J(Xb, yb)
            opt.apply_gradients([(tape.gradient(loss, theta), theta)])
        losses.append(float(J(X, y)))
        if not np.isfinite(losses[-1]) or losses[-1] > 1e6 * max(losses[0], 1e-12):
            raise FloatingPointError(f"gradient descent diverges: loss {losses[-1]:.4g} "
                                     f"after {len(losses) - 1} epochs with lr={lr:g}")
    return theta.numpy(), np.array(losses)
# --8<-- [end:tf]


def _check_tf_inputs(X, y, lr, epochs, batch_size, seed):
    """gradient_descent()'s rules; batch_size None means all n examples."""
    X, y = _check_data(X, y)
    check_number(lr, "lr", 0, above=True)
    check_int(epochs, "epochs", 1)
    if batch_size is not None:
        check_int(batch_size, "batch_size", 1, len(y))
    check_int(seed, "seed", 0)
    return X, y


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--samples", type=positive_int, default=200,
                        help="number n of examples (x_i, y_i), x_i of length 3")
    parser.add_argument("--lr", type=positive_float, default=0.004, help="learning rate α")
    parser.add_argument("--epochs", type=positive_int, default=50, help="passes over the data")
    parser.add_argument("--batch-size", type=positive_int,
                        help="examples per step (default: all of them, full batch)")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the data and of the example order")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    X = rng.normal(size=(args.samples, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=args.samples)
    try:
        theta, losses = gradient_descent_tf(X, y, lr=args.lr, epochs=args.epochs,
                                            batch_size=args.batch_size, seed=args.seed)
    except FloatingPointError as err:
        raise SystemExit(f"{err}: try a smaller --lr") from None
    name = "full batch:" if args.batch_size is None else f"batches of {args.batch_size}:"
    print(f"TensorFlow {name:<11}", np.round(theta, 6), f"J = {losses[-1]:.6f}")
    print("lstsq:                ", np.round(np.linalg.lstsq(X, y, rcond=None)[0], 6))


if __name__ == "__main__":
    run(main)
