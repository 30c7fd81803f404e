"""Figures of 3.1 词嵌入 (drawn at build by hooks/figures.py): the skip-gram window and
its negative samples, on a real sentence of gensim's Lee corpus with the snippet's own
tokenizer, vocabulary and noise table."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from gensim.test.utils import datapath
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from word2vec import Word2Vec, build_corpus, noise_table, tokenize

WINDOW, NEGATIVE, SEED = 2, 5, 0


def lee_corpus():
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        sentences = tokenize(f.read(), "en")
    return sentences, build_corpus(sentences, min_count=5)


def example(sentences, corpus, length: int = 9):
    """The first sentence whose first ``length`` words are all in the vocabulary, and the
    position of its centre word."""
    index = set(corpus.words)
    words = next(s[:length] for s in sentences if len(s) >= length and set(s[:length]) <= index)
    return words, length // 2


def fig_skipgram_window():
    """跳元模型：中心词预测窗口（这里 2）内的每个上下文词，各成一个正样本对；
    负采样再按 c(w)^0.75 从词表里抽 5 个“噪声词”作负样本。"""
    sentences, corpus = lee_corpus()
    words, centre = example(sentences, corpus)
    rng = np.random.default_rng(SEED)
    table = noise_table(corpus.counts)
    negatives = [corpus.words[i] for i in table[rng.integers(0, len(table), NEGATIVE)]]

    fig, ax = plt.subplots(figsize=(9.6, 3.9))
    width, gap = 1.0, 0.12
    xs = np.arange(len(words)) * (width + gap)
    for i, (x, word) in enumerate(zip(xs, words, strict=True)):
        role = "centre" if i == centre else "context" if abs(i - centre) <= WINDOW else "out"
        face = {"centre": "#3f51b5", "context": "#c5cae9", "out": "white"}[role]
        ax.add_patch(FancyBboxPatch((x, 2.0), width, 0.7, boxstyle="round,pad=0.02",
                                    facecolor=face, edgecolor="0.5"))
        ax.text(x + width / 2, 2.35, word, ha="center", va="center", fontsize=9,
                color="white" if role == "centre" else "0.1")
        if role == "context":
            bend = -0.45 if i > centre else 0.45             # arcs above the words
            ax.add_patch(FancyArrowPatch((xs[centre] + width / 2, 2.72), (x + width / 2, 2.72),
                                         connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
                                         mutation_scale=10, color="#3f51b5", lw=1))
    pairs = [f"({words[centre]}, {words[i]})" for i in range(len(words))
             if i != centre and abs(i - centre) <= WINDOW]
    ax.text(0, 1.45, "正样本（标签 1）：" + "  ".join(pairs), fontsize=9, va="center",
            color="#283593")
    ax.text(0, 0.85, "负样本（标签 0）：" + "  ".join(f"({words[centre]}, {w})" for w in negatives),
            fontsize=9, va="center", color="#bf360c")
    ax.text(0, 0.25, f"窗口 = {WINDOW}，负样本数 K = {NEGATIVE}；词表 {len(corpus.words):,} 个词"
            f"（Lee 语料中出现至少 5 次的词）", fontsize=8, va="center", color="0.35")
    ax.set_xlim(-0.2, xs[-1] + width + 0.2)
    ax.set_ylim(0, 3.7)
    ax.axis("off")
    return fig


# the 性能 page's word2vec benchmark (benchmarks/word2vec.py: HP, BATCH, seed 0)
BENCHMARK = dict(dim=100, window=5, negative=5, epochs=5, min_count=5, sample=1e-3,
                 batch_size=4096, seed=0)
QUERIES = ("king", "war", "music", "french")


def benchmark_vectors():
    """Word vectors trained on gensim's head500.noblanks.cor (Wikipedia text, stemmed)."""
    with open(datapath("head500.noblanks.cor"), encoding="utf-8") as f:
        sentences = tokenize(f.read(), "en")
    return Word2Vec(**BENCHMARK).fit(sentences).wv


def fig_neighbours():
    """在约 34 万词的维基百科文本（gensim 的 head500 语料，已做词干化）上训练的词向量：
    几个词的 5 个最近邻与余弦相似度。"""
    wv = benchmark_vectors()
    fig, axes = plt.subplots(2, 2, figsize=(7.6, 4.6), sharex=True)
    for ax, word in zip(axes.ravel(), QUERIES, strict=True):
        near = wv.most_similar(word, topn=5)
        ax.barh(range(len(near)), [s for _, s in near], color="#3f51b5")
        ax.set_yticks(range(len(near)), [w for w, _ in near], fontsize=9)
        ax.invert_yaxis()
        ax.set_title(f"与 “{word}” 最近的词", fontsize=10)
        ax.set_xlim(0, 1)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("余弦相似度")
    return fig
