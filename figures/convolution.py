"""Figures of 4.3 卷积操作 (drawn at build by hooks/figures.py): the sliding window, with
padding and stride, and im2col.  Every number drawn is computed by the snippet's
conv2d_forward, the function the CNN of 3.3 uses."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from convolution import conv2d_forward
from matplotlib.patches import Rectangle

KERNEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)  # the article's
IMAGE = np.arange(25, dtype=np.float64).reshape(5, 5) % 7                   # small integers


def layer(image, kernel, stride=1, pad=0):
    """One image, one filter, no bias: (output (H', W'), cols (KH·KW, H'·W'))."""
    out, cache = conv2d_forward(image[None, None], kernel[None, None], np.zeros(1),
                                stride=stride, pad=pad)
    return out[0, 0], cache[-1]


def grid(ax, values, x0, y0, title, highlight=None, faded=None, color="#3f51b5"):
    """Draw ``values`` as a table of cells with their lower left corner at (x0, y0)."""
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            pale = faded is not None and faded[r, c]
            ax.add_patch(Rectangle((x0 + c, y0 + rows - 1 - r), 1, 1, fill=pale,
                                   facecolor="0.92", edgecolor="0.6", lw=0.8))
            ax.text(x0 + c + 0.5, y0 + rows - 0.5 - r, f"{values[r, c]:g}", ha="center",
                    va="center", fontsize=9, color="0.55" if pale else "0.1")
    if highlight is not None:
        (r0, c0), (h, w) = highlight
        ax.add_patch(Rectangle((x0 + c0, y0 + rows - r0 - h), w, h, fill=False,
                               edgecolor=color, lw=2.4))
    ax.text(x0 + cols / 2, y0 + rows + 0.4, title, ha="center", va="bottom", fontsize=10)


def fig_sliding_window():
    """滑动窗口：核在输入上移动，每个位置的逐元素乘积之和是输出的一格；下一行先在四周填充一圈 0，
    再以步幅 2 移动。"""
    fig, ax = plt.subplots(figsize=(8.6, 6.6))
    for row, (stride, pad, r, c) in enumerate(((1, 0, 1, 2), (2, 1, 1, 0))):
        y0 = 0 if row else 8.2
        padded = np.pad(IMAGE, pad)
        out, _ = layer(IMAGE, KERNEL, stride, pad)
        faded = np.pad(np.zeros_like(IMAGE, dtype=bool), pad, constant_values=True)
        window = ((r * stride, c * stride), KERNEL.shape)
        grid(ax, padded, 0, y0, f"输入（填充 {pad}）", highlight=window, faded=faded)
        grid(ax, KERNEL, padded.shape[1] + 1.2, y0 + padded.shape[0] - 3, "核", color="0.1")
        x_out = padded.shape[1] + 5.4
        grid(ax, out, x_out, y0 + padded.shape[0] - out.shape[0],
             f"输出（步幅 {stride}）", highlight=((r, c), (1, 1)))
        patch = padded[r * stride:r * stride + 3, c * stride:c * stride + 3]
        ax.text(x_out, y0 + padded.shape[0] - out.shape[0] - 0.9,
                f"框中的一格 = Σ 窗口 ⊙ 核 = {np.sum(patch * KERNEL):g}",
                fontsize=9, va="top")
        size = (padded.shape[0] - 3) // stride + 1
        ax.text(x_out, y0 + padded.shape[0] - out.shape[0] - 1.7,
                rf"输出边长 $\lfloor (5 + 2 \cdot {pad} - 3) / {stride} \rfloor + 1 = {size}$",
                fontsize=9, va="top")
    ax.set_xlim(-0.3, 16.5)
    ax.set_ylim(-0.3, 14.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def fig_im2col():
    """im2col：把每个 3×3 窗口展开成矩阵的一列，整层卷积就变成一次矩阵乘法
    （核展平成一行 × 窗口矩阵 = 输出）。"""
    image = IMAGE[:4, :4]
    out, cols = layer(image, KERNEL)
    colors = ["#3f51b5", "#e65100", "#2e7d32", "#8e24aa"]
    fig, ax = plt.subplots(figsize=(10, 5.4))
    grid(ax, image, 0, 4.6, "输入 4×4")
    for k, color in enumerate(colors):                  # column k of cols: window (r, c)
        r, c = divmod(k, out.shape[1])
        inset = 0.07 * (k + 1)
        ax.add_patch(Rectangle((c + inset, 4.6 + 4 - r - 3 + inset), 3 - 2 * inset,
                               3 - 2 * inset, fill=False, edgecolor=color, lw=1.6))
    grid(ax, KERNEL.reshape(1, -1), 0, 1.5, "核展平：1×9", color="0.1")
    ax.text(9.55, 2.0, "×", fontsize=18, ha="center", va="center")
    grid(ax, cols, 10.2, -2.5, "cols：9×4（每列一个窗口）")
    for k, color in enumerate(colors):
        ax.add_patch(Rectangle((10.2 + k, -2.5), 1, 9, fill=False, edgecolor=color, lw=2))
    ax.text(14.9, 2.0, "=", fontsize=18, ha="center", va="center")
    grid(ax, out.reshape(1, -1), 15.6, 1.5, "1×4")
    grid(ax, out, 16.6, -2.2, "变回 2×2 = 输出")
    ax.set_xlim(-0.3, 20.0)
    ax.set_ylim(-3.0, 9.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig
