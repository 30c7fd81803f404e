"""Backprop's network differentiated by tf.GradientTape.  (页面：4.2 反向传播)

Same parameters (a dict W1, b1, W2, b2 of NumPy arrays), same loss; TensorFlow computes
the gradients that backprop.py writes out by hand.  The arguments are checked by
backprop.py's rules (same errors, same accepted inputs: y as labels or probabilities),
before TensorFlow is imported.

Run: python backprop_tf.py [--activation relu|tanh] [--seed 0]
"""

from __future__ import annotations

import numpy as np
from _cli import demo_parser, non_negative_int, run
from backprop import _check_batch


# --8<-- [start:tf]
def loss_and_grads_tf(params, X, y, activation="relu", reg=0.0):
    """Cross-entropy loss and gradients by tf.GradientTape.  X (N, D), y labels (N,) or
    probabilities (N, K)."""
    params, X, Y = _tf_inputs(params, X, y, activation, reg)         # one dtype, checked
    import tensorflow as tf

    v = {k: tf.Variable(p) for k, p in params.items()}
    X, Y = tf.constant(X), tf.constant(Y)
    with tf.GradientTape() as tape:
        z1 = X @ v["W1"] + v["b1"]                                   # (N, H)
        h = tf.nn.relu(z1) if activation == "relu" else tf.tanh(z1)
        z2 = h @ v["W2"] + v["b2"]                                   # (N, K) logits
        log_yhat = tf.nn.log_softmax(z2)                             # stable log ŷ
        loss = -tf.reduce_mean(tf.reduce_sum(Y * log_yhat, axis=1))  # −mean Σ_i y_i log ŷ_i
        loss += 0.5 * reg * (tf.reduce_sum(v["W1"] ** 2) + tf.reduce_sum(v["W2"] ** 2))
    grads = tape.gradient(loss, v)
    return float(loss), {k: g.numpy() for k, g in grads.items()}
# --8<-- [end:tf]


def _tf_inputs(params, X, y, activation, reg):
    """backprop.loss_and_grads' checks; then every array in the dtype NumPy would compute
    in (TensorFlow does not promote float32 with float64)."""
    params, X, Y = _check_batch(params, X, y, activation, reg)
    dtype = np.result_type(X, *params.values())
    return ({k: p.astype(dtype) for k, p in params.items()}, X.astype(dtype),
            Y.astype(dtype))


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--activation", choices=("relu", "tanh"), default="relu",
                        help="hidden nonlinearity")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the random weights and batch")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    params = {"W1": 0.1 * rng.normal(size=(6, 5)), "b1": np.zeros(5),
              "W2": 0.1 * rng.normal(size=(5, 3)), "b2": np.zeros(3)}
    X, y = rng.normal(size=(4, 6)), np.array([0, 2, 1, 2])
    loss, grads = loss_and_grads_tf(params, X, y, args.activation)
    print(f"loss {loss:.6f} (ln 3 = {np.log(3):.6f});",
          "gradient shapes:", {k: g.shape for k, g in grads.items()})


if __name__ == "__main__":
    run(main)
