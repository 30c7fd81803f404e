"""2-D convolution and a batched conv layer, forward/backward.  (页面：4.3 卷积操作)

- ``convolve2d_article``: the article's formula, written as loops, 1-based indices
  mapped to 0-based.  A true convolution: the kernel is flipped.
- ``convolve2d`` / ``correlate2d``: the same, vectorized, with modes valid/same/full
  (identical to ``scipy.signal.convolve2d`` / ``correlate2d`` with their default
  ``boundary="fill"``, ``fillvalue=0``) and a stride.  One difference: in valid mode a
  kernel larger than the image raises ``ValueError`` here, where SciPy swaps the two
  arguments when the kernel is at least as large in both axes.
- ``conv2d_forward`` / ``conv2d_backward``: what a CNN layer computes (cross-correlation),
  batched and multi-channel, im2col with stride tricks; the NumPy CNN (cnn_numpy.py)
  uses them.  ``conv2d_naive`` and ``conv2d_backward_naive`` are the same with plain
  loops, for reading and testing.

Arrays may be NumPy arrays or nested lists of real numbers (ints and bools are read as
float64; float32 stays float32); a complex, object or non-finite array, a wrong number
of dimensions or an unknown mode raises an error naming the argument (see _checks.py).

Run: python convolution.py [--size 8] [--stride 2] [--pad 1] [--seed 0]
"""

from __future__ import annotations

import numpy as np
from _checks import check_array, check_choice, check_int
from _cli import demo_parser, non_negative_int, positive_int, run
from numpy.lib.stride_tricks import sliding_window_view

MODES = ("valid", "same", "full")


# ------------------------------------------------------- the article's formula
# --8<-- [start:article]
def convolve2d_article(image, kernel, mode="full"):
    """The article's formula, literally:  output_ij = Σ_k Σ_l filter_kl · image_{i-k+1, j-l+1}.

    image (H, W), kernel (m, n) -> full (H+m-1, W+n-1), same (H, W), valid (H-m+1, W-n+1).
    Image pixels outside the image count as 0.
    """
    image, kernel, _ = _check_image_args(image, kernel, mode)
    H, W = image.shape
    m, n = kernel.shape
    full = np.zeros((H + m - 1, W + n - 1), dtype=np.result_type(image, kernel))
    for i in range(1, H + m):            # 1-based output index, as in the article
        for j in range(1, W + n):
            s = 0.0
            for k in range(1, m + 1):
                for l in range(1, n + 1):  # noqa: E741  (the article's letter)
                    r, c = i - k + 1, j - l + 1          # image_{i-k+1, j-l+1}, 1-based
                    if 1 <= r <= H and 1 <= c <= W:
                        s += kernel[k - 1, l - 1] * image[r - 1, c - 1]  # -> 0-based
            full[i - 1, j - 1] = s
    if mode == "full":
        return full
    if mode == "valid":                  # only outputs whose window lies inside the image
        return full[m - 1:H, n - 1:W]
    top, left = (m - 1) // 2, (n - 1) // 2  # "same": centre of the full output
    return full[top:top + H, left:left + W]
# --8<-- [end:article]


# ------------------------------------------------ vectorized single-image versions
def _mode_pads(k: int, mode: str, flipped: bool) -> tuple[int, int]:
    """Zeros before/after one axis so that correlating gives ``mode``'s output."""
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return k - 1, k - 1
    # "same": centred on the full output as SciPy does; for an even k the extra
    # zero goes after (correlation) or before (convolution, kernel flipped).
    return (k // 2, (k - 1) // 2) if flipped else ((k - 1) // 2, k // 2)


# --8<-- [start:correlate]
def correlate2d(image, kernel, mode="full", stride=1):
    """Cross-correlation (what CNN layers compute): out_ij = Σ_kl kernel_kl · image_{i+k, j+l}.

    image (H, W), kernel (m, n); mode valid/same/full as in scipy.signal.correlate2d;
    stride s keeps every s-th output row and column (starting at the first).
    """
    image, kernel, stride = _check_image_args(image, kernel, mode, stride)
    return _correlate(image, kernel, mode, stride, flipped=False)


def convolve2d(image, kernel, mode="full", stride=1):
    """True convolution = cross-correlation with the kernel flipped in both axes."""
    image, kernel, stride = _check_image_args(image, kernel, mode, stride)
    return _correlate(image, kernel[::-1, ::-1], mode, stride, flipped=True)


def _correlate(image, kernel, mode, stride, flipped):
    m, n = kernel.shape
    padded = np.pad(image, (_mode_pads(m, mode, flipped), _mode_pads(n, mode, flipped)))
    windows = sliding_window_view(padded, (m, n))[::stride, ::stride]  # (H', W', m, n), a view
    return np.einsum("ijkl,kl->ij", windows, kernel)
# --8<-- [end:correlate]


# ------------------------------------------------- batched, multi-channel conv2d
# --8<-- [start:conv2d_forward]
def conv2d_forward(x, w, b, stride=1, pad=0):
    """Conv layer forward (cross-correlation), vectorized with im2col.

    x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H', W'), cache
    with H' = (H + 2*pad - KH) // stride + 1 and W' = (W + 2*pad - KW) // stride + 1.
    out is a transposed view of the (F, N·H'·W') product (no copy): the next layer's
    im2col and the backward pass read that layout as it is.
    """
    x, w, b, stride, pad = _check_conv_args(x, w, b, stride, pad)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    H_out = (H + 2 * pad - KH) // stride + 1
    W_out = (W + 2 * pad - KW) // stride + 1

    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))  # (N, C, H+2p, W+2p)
    # every KH×KW window, without copying: (N, C, H', W', KH, KW)
    win = sliding_window_view(x_pad, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]
    # im2col (the one copy): cols[(c, kh, kw), (n, h, w)] = x_pad[n, c, h*s + kh, w*s + kw]
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * H_out * W_out)
    # out[f, (n, h, w)] = Σ_k w[f, k] · cols[k, (n, h, w)] + b[f]   (one matrix product)
    out = w.reshape(F, -1) @ cols                          # (F, N·H'·W')
    out += b[:, None]
    out = out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)  # (N, F, H', W')
    cache = (x.shape, w, stride, pad, cols)
    return out, cache
# --8<-- [end:conv2d_forward]


# --8<-- [start:conv2d_backward]
def conv2d_backward(dout, cache):
    """Conv layer backward.  dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, KH, KW), db (F,)."""
    x_shape, w, stride, pad, cols = _check_cache(cache)
    N, C, H, W = x_shape
    F, _, KH, KW = w.shape
    H_out = (H + 2 * pad - KH) // stride + 1
    W_out = (W + 2 * pad - KW) // stride + 1
    dout = _check_dout(dout, (N, F, H_out, W_out)).astype(cols.dtype, copy=False)
    dout_r = dout.transpose(1, 0, 2, 3).reshape(F, -1)    # (F, N·H'·W'), the layout of out

    # db[f] = Σ_{n,h,w} dout[n, f, h, w]
    db = dout_r.sum(axis=1)
    # dw[f, k] = Σ_{n,h,w} dout[n, f, h, w] · cols[k, (n, h, w)]
    dw = (dout_r @ cols.T).reshape(w.shape)
    # dcols[k, (n, h, w)] = Σ_f w[f, k] · dout[n, f, h, w]
    dcols = w.reshape(F, -1).T @ dout_r                    # (C·KH·KW, N·H'·W')
    dcols = dcols.reshape(C, KH, KW, N, H_out, W_out)
    # col2im: every window position adds its gradient back onto the pixels it read
    dx_pad = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for kh in range(KH):
        for kw in range(KW):
            dx_pad[:, :, kh:kh + stride * H_out:stride, kw:kw + stride * W_out:stride] += \
                dcols[:, kh, kw]
    dx = dx_pad[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)  # (N, C, H, W) view
    return dx, dw, db
# --8<-- [end:conv2d_backward]


# --8<-- [start:naive]
def conv2d_naive(x, w, b, stride=1, pad=0):
    """Same as conv2d_forward with plain loops (slow; for reading and testing)."""
    x, w, b, stride, pad = _check_conv_args(x, w, b, stride, pad)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    H_out = (H + 2 * pad - KH) // stride + 1
    W_out = (W + 2 * pad - KW) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out


def conv2d_backward_naive(dout, x, w, stride=1, pad=0):
    """Gradients of conv2d_naive with the same loops: returns dx, dw, db."""
    x, w, stride, pad = _check_layer_args(x, w, stride, pad)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    out_shape = (N, F, (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1)
    dout = _check_dout(dout, out_shape)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dx_pad, dw = np.zeros_like(x_pad), np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows = slice(i * stride, i * stride + KH)
                    cols = slice(j * stride, j * stride + KW)
                    dw[f] += x_pad[n, :, rows, cols] * dout[n, f, i, j]
                    dx_pad[n, :, rows, cols] += w[f] * dout[n, f, i, j]
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, pad:pad + H, pad:pad + W], dw, db
# --8<-- [end:naive]


# --8<-- [start:example]
def article_example():
    """The article's 3×3 image ⊛ 3×3 filter, in the three modes (and the cross-correlation)."""
    image = np.array([[1, 2, 3],
                      [4, 5, 6],
                      [7, 8, 9]], dtype=np.float64)
    kernel = np.array([[1, 0, -1],   # Sobel-like filter: flipping it changes the sign
                       [2, 0, -2],
                       [1, 0, -1]], dtype=np.float64)
    results = {mode: convolve2d_article(image, kernel, mode) for mode in MODES}
    results["valid (cross-correlation)"] = correlate2d(image, kernel, "valid")
    return image, kernel, results
# --8<-- [end:example]


# -------------------------------------------------------------- argument checks
def _check_image_args(image, kernel, mode, stride=1):
    image = check_array(image, "image", 2, "(H, W)")
    kernel = check_array(kernel, "kernel", 2, "(m, n)")
    check_choice(mode, "mode", MODES)
    stride = check_int(stride, "stride", 1)
    if mode == "valid" and (kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]):
        raise ValueError(
            f"kernel {kernel.shape} is larger than image {image.shape} in 'valid' mode")
    return image, kernel, stride


def _check_conv_args(x, w, b, stride, pad):
    x = check_array(x, "x", 4, "(N, C, H, W)")
    w = check_array(w, "w", 4, "(F, C, KH, KW)")
    b = check_array(b, "b", 1, "(F,)")
    stride = check_int(stride, "stride", 1)
    pad = check_int(pad, "pad", 0)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w has {w.shape[1]} input channels but x has {x.shape[1]}: "
                         f"expected w of shape (F, {x.shape[1]}, KH, KW), got {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape (F,) = ({w.shape[0]},), got {b.shape}")
    if w.shape[2] > x.shape[2] + 2 * pad or w.shape[3] > x.shape[3] + 2 * pad:
        raise ValueError(f"kernel {w.shape[2:]} is larger than the padded input "
                         f"{(x.shape[2] + 2 * pad, x.shape[3] + 2 * pad)} (x {x.shape}, pad {pad})")
    dtype = np.result_type(x, w, b)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False), \
        stride, pad


def _check_layer_args(x, w, stride, pad):
    """_check_conv_args without a bias (conv2d_backward_naive has none)."""
    w = check_array(w, "w", 4, "(F, C, KH, KW)")
    x, w, _, stride, pad = _check_conv_args(x, w, np.zeros(len(w)), stride, pad)
    return x, w, stride, pad


def _check_cache(cache):
    if not (isinstance(cache, tuple) and len(cache) == 5 and isinstance(cache[4], np.ndarray)):
        raise TypeError("cache must be the cache that conv2d_forward returned, "
                        f"got {type(cache).__name__}")
    return cache


def _check_dout(dout, shape):
    dout = check_array(dout, "dout", 4, f"(N, F, H', W') = {shape}")
    if dout.shape != shape:
        raise ValueError(f"dout must have shape (N, F, H', W') = {shape}, got {dout.shape}")
    return dout


def layer_demo_inputs(argv, doc: str):
    """The command line of the conv-layer demos (this file's and convolution_tf.py's):
    its arguments, and the random images x, filters w and biases b they ask for."""
    if argv is not None and (isinstance(argv, str) or not isinstance(argv, list | tuple)
                             or not all(isinstance(a, str) for a in argv)):
        raise TypeError(f"argv must be a list of strings (command-line arguments) or None, "
                        f"got {argv!r:.60}")
    if not isinstance(doc, str) or not doc.strip():
        raise TypeError(f"doc must be the module docstring (a non-empty str), got {doc!r:.60}")
    parser = demo_parser(doc)
    parser.add_argument("--size", type=positive_int, default=8,
                        help="height and width of the 2 random 3-channel images")
    parser.add_argument("--stride", type=positive_int, default=2, help="stride of the conv layer")
    parser.add_argument("--pad", type=non_negative_int, default=1,
                        help="rows and columns of zeros around each image")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the random images and filters")
    args = parser.parse_args(argv)
    if args.size + 2 * args.pad < 3:
        parser.error("--size + 2 × --pad must be at least 3, the size of the kernel")
    rng = np.random.default_rng(args.seed)
    x, w, b = (rng.normal(size=(2, 3, args.size, args.size)), rng.normal(size=(4, 3, 3, 3)),
               rng.normal(size=4))
    return args, x, w, b


def main(argv=None) -> None:
    args, x, w, b = layer_demo_inputs(argv, __doc__)
    image, kernel, results = article_example()
    print("image =\n", image, "\nkernel =\n", kernel)
    for mode, out in results.items():
        print(f"{mode:>26}: shape {out.shape}\n{out}")
    out, cache = conv2d_forward(x, w, b, stride=args.stride, pad=args.pad)
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    print(f"conv2d_forward (2,3,{args.size},{args.size}) ⊛ (4,3,3,3), stride {args.stride}, "
          f"pad {args.pad} ->", out.shape)
    err = np.abs(out - conv2d_naive(x, w, b, stride=args.stride, pad=args.pad)).max()
    print("max |vectorized - naive loops| =", float(err))


if __name__ == "__main__":
    run(main)
