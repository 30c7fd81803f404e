"""Figures of 3.3 CNN (drawn at build by hooks/figures.py): why convolution — each conv
layer of the snippet's network against a fully connected layer with the same input and
output, in parameters."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from cnn_numpy import init_params


def layer_sizes(params, in_shape=(1, 28, 28)):
    """(name, conv parameters, input size, output size) of each conv layer: 3×3, stride 1,
    no padding, a 2×2 max-pool after every conv but the last (as init_params says)."""
    c, h, w = in_shape
    names = sorted(k[:-2] for k in params if k.startswith("conv") and k.endswith("_w"))
    out = []
    for i, name in enumerate(names):
        weights, bias = params[f"{name}_w"], params[f"{name}_b"]
        f, _, kh, kw = weights.shape
        oh, ow = h - kh + 1, w - kw + 1
        out.append((name, weights.size + bias.size, c * h * w, f * oh * ow))
        c, h, w = (f, oh // 2, ow // 2) if i + 1 < len(names) else (f, oh, ow)
    return out


def fig_parameter_counts():
    """为什么用卷积：同样的输入、同样大小的输出，卷积层（核在每个位置共享）的参数比全连接层少几个数量级（横轴是对数坐标）
    。"""
    rows = layer_sizes(init_params(seed=0))
    fig, ax = plt.subplots(figsize=(7.2, 3.2))
    y = np.arange(len(rows))
    conv = [r[1] for r in rows]
    dense = [r[2] * r[3] + r[3] for r in rows]                   # weights + biases
    ax.barh(y - 0.2, dense, height=0.4, color="#9e9e9e", label="全连接层（同样的输入和输出）")
    ax.barh(y + 0.2, conv, height=0.4, color="#3f51b5", label="卷积层（3×3 核，共享权重）")
    for i in range(len(rows)):
        ax.text(dense[i], i - 0.2, f" {dense[i]:,}", va="center", fontsize=8)
        ax.text(conv[i], i + 0.2, f" {conv[i]:,}", va="center", fontsize=8)
    ax.set_yticks(y, [f"{name}\n输入 {n_in:,} → 输出 {n_out:,}" for name, _, n_in, n_out in rows],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(100, max(dense) * 40)
    ax.set_xlabel("参数个数")
    ax.legend(fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return fig
