"""Gradient descent with tf.GradientTape and an optimizer.  (页面: docs/math/gradient-descent.md)

Same loss as gradient_descent.py, J(θ) = ½ Σ (y_i − θ·x_i)²; TensorFlow differentiates it
and ``keras.optimizers.SGD`` applies θ ← θ − α ∇J(θ).

Run: python snippets/gradient_descent_tf.py
"""

from __future__ import annotations

import numpy as np


# --8<-- [start:tf]
def gradient_tf(theta, X, y):
    """∂J/∂θ by automatic differentiation.  θ (d,), X (n, d), y (n,) -> (d,)"""
    import tensorflow as tf

    theta = tf.Variable(np.asarray(theta, np.float64))
    with tf.GradientTape() as tape:
        r = y - tf.linalg.matvec(tf.constant(X, tf.float64), theta)   # residuals (n,)
        J = 0.5 * tf.reduce_sum(r * r)
    return tape.gradient(J, theta).numpy()


def gradient_descent_tf(X, y, lr, epochs=100, batch_size=None, seed=0):
    """Full batch (batch_size=None) or mini-batch GD; returns θ (d,), losses (epochs+1,)."""
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


def main() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=200)
    theta, losses = gradient_descent_tf(X, y, lr=0.004, epochs=50)
    print("TensorFlow full batch:", np.round(theta, 6), f"J = {losses[-1]:.6f}")
    print("lstsq:                ", np.round(np.linalg.lstsq(X, y, rcond=None)[0], 6))


if __name__ == "__main__":
    main()
