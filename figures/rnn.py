"""Figures of 3.2 RNN (drawn at build by hooks/figures.py): how far back a gradient
reaches.  The model and the text are the snippet's (char_rnn) and gensim's Lee corpus."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from char_rnn import build_vocab, init_params, rnn_forward, softmax_cross_entropy, train
from gensim.test.utils import datapath

H, STEPS_BACK, TRAIN_STEPS = 64, 60, 400


def lee_text(chars: int = 60_000) -> str:
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        return f.read()[:chars]


def hidden_gradients(params, ids: np.ndarray) -> list[np.ndarray]:
    """∂L/∂h_t for t = T, T−1, …, 1, where L is the loss of the last character only:
    how much each earlier hidden state can still change it.  ids (T + 1,)."""
    inputs, targets = ids[None, :-1], ids[None, 1:]
    logits, hs = rnn_forward(params, inputs, np.zeros((1, params["Whh"].shape[0])))
    _, dlogits = softmax_cross_entropy(logits[:, -1:], targets[:, -1:])
    dh = dlogits[0, 0] @ params["Why"].T                         # ∂L/∂h_T
    grads = [dh]
    for t in range(inputs.shape[1], 1, -1):
        dh = ((1.0 - hs[t, 0] ** 2) * dh) @ params["Whh"].T      # ∂L/∂h_{t-1}
        grads.append(dh)
    return grads


def gradient_norms(params, ids: np.ndarray) -> np.ndarray:
    return np.array([np.linalg.norm(g) for g in hidden_gradients(params, ids)])


def fig_gradient_norms():
    """梯度能传多远：只看最后一个字符的损失 L，‖∂L/∂h_t‖ 随着往回的步数几乎按指数变化
    （纵轴是对数坐标）。"""
    text = lee_text()
    vocab = build_vocab(text)
    ids = vocab.encode(text)
    window = ids[1000:1000 + STEPS_BACK + 1]
    fresh = init_params(len(vocab), H, seed=0)
    trained = {k: v.copy() for k, v in fresh.items()}
    train(trained, ids, steps=TRAIN_STEPS, batch_size=16, seq_length=32)
    fig, ax = plt.subplots(figsize=(6.8, 3.8))
    curves = [
        ("刚初始化（$W_{hh}$ 方差 1/H）", fresh, "#9e9e9e"),
        (f"训练 {TRAIN_STEPS} 步之后", trained, "#3f51b5"),
        ("把训练后的 $W_{hh}$ 缩小一半", {**trained, "Whh": 0.5 * trained["Whh"]}, "#e65100"),
    ]
    for label, params, color in curves:
        norms = gradient_norms(params, window)
        ax.semilogy(np.arange(len(norms)), norms / norms[0], color=color, lw=1.5, label=label)
    ax.set(xlabel="往回的步数 T − t", ylabel=r"$\|\partial L / \partial h_t\| \;/\; "
           r"\|\partial L / \partial h_T\|$")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
