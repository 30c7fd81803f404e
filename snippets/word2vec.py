"""word2vec in NumPy: skip-gram and CBOW.  (页面：3.1 词嵌入)

The four steps of the article's §3.1, in order: (1) data — tokenize, vocabulary with
``min_count``, subsampling of frequent words, the unigram^0.75 noise table, (dynamic)
windows; (2) model — an input and an output embedding matrix; (3) training — SGNS or
CBOW, linearly decaying learning rate, vectorized mini-batches; (4) evaluation — cosine
similarity, ``most_similar``, 3CosAdd analogies, Spearman rho on word-pair similarity.
Vectors are saved in the word2vec text format, so gensim's
``KeyedVectors.load_word2vec_format`` reads them.

Every public function checks its arguments first (rules in _checks.py): a wrong type
raises TypeError, a wrong value ValueError, an unknown option (``lang``) or word
KeyError, each naming the argument.  Lists are accepted for arrays and ints for floats;
arrays updated in place (``W_in``, ``W_out``, ``W``) must be float32/float64 NumPy arrays.

References: Mikolov, Chen, Corrado, Dean 2013, "Efficient Estimation of Word
Representations in Vector Space" (arXiv:1301.3781); Mikolov, Sutskever, Chen, Corrado,
Dean 2013, "Distributed Representations of Words and Phrases and their
Compositionality" (NIPS, arXiv:1310.4546); the original word2vec C code and gensim.

Needs NumPy; SciPy (optional) makes the scatter-add of the updates >10x faster; jieba
only for Chinese text.
Run: python word2vec.py [corpus.txt] [--dim 50] [--window 5] [--min-count 5]
         [--epochs 5] [--negative 5] [--cbow] [--word WORD ...] [--topn 5] [--save vectors.txt]
     (without corpus.txt: gensim's test corpus lee_background.cor)
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Iterable as _Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _checks import (
    check_array,
    check_choice,
    check_float_dtype,
    check_int,
    check_labels,
    check_number,
    check_rng,
)
from _cli import demo_parser, non_negative_int, output_file, positive_int, run, text_file

try:  # optional: a sparse matrix product is the fastest scatter-add available from Python
    from scipy import sparse
except ImportError:  # pragma: no cover - the tests set sparse = None to run the fallback
    sparse = None

# ---------------------------------------------------------------------------------------
# Step 1: data
# ---------------------------------------------------------------------------------------

# --8<-- [start:tokenize]
WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")   # English: lower-case words, keeps "don't"
CJK_RE = re.compile(r"[\u3400-\u9fff]")
KEEP_RE = re.compile(r"[^\W\d_]")                 # a jieba token must hold a letter or 汉字


def tokenize(text: str, lang: str = "auto") -> list[list[str]]:
    """One list of tokens per non-empty line of ``text``.

    lang: "en" (regex), "zh" (jieba; tokens without a letter or 汉字 -- punctuation,
    spaces, numbers -- dropped, Latin lower-cased) or "auto" ("zh" if the text contains
    any CJK character).  Add domain words first with ``jieba.add_word("深度学习")``.
    """
    _check_text(text, lang)
    if lang == "auto":
        lang = "zh" if CJK_RE.search(text) else "en"
    if lang == "en":
        lines = (WORD_RE.findall(line.lower()) for line in text.splitlines())
    else:
        import logging

        try:
            import jieba  # imported here: only Chinese text needs it
        except ModuleNotFoundError as err:
            raise ModuleNotFoundError("Chinese text needs jieba: pip install jieba",
                                      name="jieba") from err

        jieba.setLogLevel(logging.WARNING)
        lines = ([t.lower() for t in jieba.lcut(line) if KEEP_RE.search(t)]
                 for line in text.splitlines())
    return [tokens for tokens in lines if tokens]
# --8<-- [end:tokenize]


# --8<-- [start:vocab]
@dataclass
class Corpus:
    """The text as word ids: ``words[i]`` occurs ``counts[i]`` times (descending);
    ``tokens`` (N,) int32 is every in-vocabulary token in order, ``sentence`` (N,) int32
    the sentence each one belongs to (windows never cross a sentence boundary)."""

    words: list[str]
    counts: np.ndarray
    tokens: np.ndarray
    sentence: np.ndarray


def build_corpus(sentences: list[list[str]], min_count: int = 5) -> Corpus:
    """Vocabulary of the words seen at least ``min_count`` times; rarer words are dropped
    from the token stream (as in word2vec and gensim) before any window is taken.
    sentences: lists (or tuples) of str tokens, e.g. from ``tokenize``, not a bare string."""
    sentences, min_count = _check_sentences(sentences, min_count)
    freq: dict[str, int] = {}
    for sent in sentences:
        for w in sent:
            freq[w] = freq.get(w, 0) + 1
    kept = sorted((w for w, c in freq.items() if c >= min_count), key=lambda w: (-freq[w], w))
    _check_vocabulary(freq, kept, min_count)
    index = {w: i for i, w in enumerate(kept)}
    ids = [[index[w] for w in sent if w in index] for sent in sentences]
    lengths = np.array([len(s) for s in ids], dtype=np.intp)  # np.repeat takes np.intp counts
    tokens = np.fromiter((i for s in ids for i in s), dtype=np.int32, count=int(lengths.sum()))
    sentence = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    counts = np.array([freq[w] for w in kept], dtype=np.int64)
    return Corpus(kept, counts, tokens, sentence)
# --8<-- [end:vocab]


# --8<-- [start:subsample]
def keep_probabilities(counts: np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """(V,) probability of keeping each occurrence of a word (Mikolov et al. 2013b).

    The paper discards w with probability 1 - sqrt(t / f(w)); the C code and gensim use
    keep = (sqrt(f / t) + 1) * t / f with t = sample * total count — we use the latter,
    so the comparison with gensim is like for like.  sample=0 keeps every word.
    counts: (V,) positive numbers; sample: 0 <= sample <= 1.
    """
    counts, sample = _check_keep_args(counts, sample)
    if sample == 0:
        return np.ones(len(counts))
    r = sample * counts.sum() / counts                              # t / f, never overflows
    return np.minimum(1.0, np.sqrt(r) + r)              # = (sqrt(f / t) + 1) * t / f
# --8<-- [end:subsample]


# --8<-- [start:noise]
def noise_table(counts: np.ndarray, power: float = 0.75, size: int = 1_000_000) -> np.ndarray:
    """(size,) int32 word ids, word w filling a share P(w) = c_w^0.75 / sum_v c_v^0.75 of
    the table; a uniform index into it draws a negative sample (as the C code does).
    counts: (V,) positive numbers; power: any finite number (0 = uniform)."""
    counts, power, size = _check_noise_args(counts, power, size)
    log_p = power * np.log(counts)
    p = np.exp(log_p - log_p.max())                       # c^power / max c^power: no overflow
    cdf = np.cumsum(p / p.sum())                                    # (V,)
    # entry k holds the word whose CDF interval contains (k + 0.5) / size
    table = np.searchsorted(cdf, (np.arange(size) + 0.5) / size)
    return np.minimum(table, len(counts) - 1).astype(np.int32)
# --8<-- [end:noise]


# --8<-- [start:windows]
def skipgram_pairs(tokens: np.ndarray, sentence: np.ndarray, window: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All (centre, context) pairs: tokens (n,), sentence (n,) -> centres (P,), contexts (P,).

    Dynamic window: each centre word draws b uniformly from 1..window and pairs with the
    words at most b positions away in the same sentence (nearer words are used more often).
    rng: a NumPy Generator or an integer seed.
    """
    tokens, sentence, window, rng = _check_windows(tokens, sentence, window, rng)
    b = rng.integers(1, window + 1, size=len(tokens))              # (n,)
    centres, contexts = [], []
    for o in range(1, window + 1):
        same = sentence[:-o] == sentence[o:]                        # i and i+o in one sentence
        i = np.flatnonzero(same & (b[:-o] >= o))                    # centre i, context i+o
        centres.append(tokens[i])
        contexts.append(tokens[i + o])
        i = np.flatnonzero(same & (b[o:] >= o))                     # centre i+o, context i
        centres.append(tokens[i + o])
        contexts.append(tokens[i])
    return np.concatenate(centres), np.concatenate(contexts)


def cbow_windows(tokens: np.ndarray, sentence: np.ndarray, window: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """CBOW inputs: centres (M,) and contexts (M, 2*window) of word ids, -1 = no word.
    Same dynamic window as skip-gram; centres without any context word are dropped."""
    tokens, sentence, window, rng = _check_windows(tokens, sentence, window, rng)
    n = len(tokens)
    b = rng.integers(1, window + 1, size=n)                         # (n,)
    ctx = np.full((n, 2 * window), -1, dtype=np.int32)              # (n, 2w)
    for o in range(1, window + 1):
        same = sentence[:-o] == sentence[o:]
        i = np.flatnonzero(same & (b[o:] >= o))                     # centre i+o sees i
        ctx[i + o, o - 1] = tokens[i]
        i = np.flatnonzero(same & (b[:-o] >= o))                    # centre i sees i+o
        ctx[i, window + o - 1] = tokens[i + o]
    has = (ctx >= 0).any(axis=1)
    return tokens[has], ctx[has]
# --8<-- [end:windows]


# --8<-- [start:batches]
def training_batches(corpus: Corpus, *, sg: bool = True, window: int = 5, negative: int = 5,
                     sample: float = 1e-3, epochs: int = 5, batch_size: int = 4096,
                     alpha: float = 0.025, min_alpha: float = 1e-4, chunk_words: int = 10_000,
                     seed: int = 0):
    """Yield (inputs, targets, lr, words_done) mini-batches for all epochs.

    inputs: skip-gram (B,) centre ids; CBOW (B, 2*window) context ids (-1 = none).
    targets: (B, 1+negative): column 0 the word to predict, then the negative samples.
    lr: alpha decays linearly to min_alpha over epochs * N corpus words (N = len(tokens)).
    The corpus is processed in chunks of whole sentences (>= chunk_words words): each
    chunk is subsampled afresh every epoch, cut into windows, shuffled, and batched.
    Arguments as in ``Word2Vec``; checked when the iteration starts.
    """
    sg = _check_batch_args(corpus, sg, sample, alpha, min_alpha, seed, window=window,
                           negative=negative, epochs=epochs, batch_size=batch_size,
                           chunk_words=chunk_words)
    rng = np.random.default_rng(seed)
    keep = keep_probabilities(corpus.counts, sample)                # (V,)
    table = noise_table(corpus.counts)
    n = len(corpus.tokens)
    # chunk boundaries at sentence starts: (C+1,) token offsets
    starts = np.append(np.flatnonzero(np.diff(corpus.sentence, prepend=-1)), n)
    cuts = starts[np.searchsorted(starts, np.arange(0, n, chunk_words))]
    bounds = np.unique(np.append(cuts, n))
    total = epochs * n
    for epoch in range(epochs):
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            tok, sen = corpus.tokens[lo:hi], corpus.sentence[lo:hi]
            kept = rng.random(hi - lo) < keep[tok]                  # subsampling
            tok, sen = tok[kept], sen[kept]
            if sg:
                inputs, predict = skipgram_pairs(tok, sen, window, rng)
            else:
                predict, inputs = cbow_windows(tok, sen, window, rng)
            m = len(predict)
            order = rng.permutation(m)                  # mix offsets and positions in a batch
            inputs, predict = inputs[order], predict[order]
            for s in range(0, m, batch_size):
                done = float(epoch * n + lo + (hi - lo) * s / m)    # corpus words processed
                lr = max(min_alpha, alpha - (alpha - min_alpha) * done / total)
                B = min(batch_size, m - s)
                neg = table[rng.integers(0, len(table), size=(B, negative))]  # (B, K)
                targets = np.concatenate([predict[s:s + B, None], neg], axis=1)  # (B, 1+K)
                yield inputs[s:s + B], targets, lr, done
# --8<-- [end:batches]


# ---------------------------------------------------------------------------------------
# Step 2: model
# ---------------------------------------------------------------------------------------

# --8<-- [start:model]
def init_embeddings(vocab_size: int, dim: int, seed: int = 0,
                    dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """W_in (V, D): the word vectors we keep, uniform in [-1/D, 1/D) as in gensim 4
    (the C code uses half that range); W_out (V, D): output ("context") vectors, zeros.
    dtype: float32 or float64; seed: an integer >= 0."""
    dtype = _check_init(vocab_size, dim, seed, dtype)
    rng = np.random.default_rng(seed)
    W_in = ((2 * rng.random((vocab_size, dim)) - 1) / dim).astype(dtype)
    W_out = np.zeros((vocab_size, dim), dtype=dtype)
    return W_in, W_out
# --8<-- [end:model]


# ---------------------------------------------------------------------------------------
# Step 3: training
# ---------------------------------------------------------------------------------------

# --8<-- [start:loss]
def sigmoid(x: np.ndarray) -> np.ndarray:
    """Elementwise 1 / (1 + e^-x) of a real array (any shape; a list or number is fine)."""
    x = _check_any_array(x, "x")
    return 0.5 * (1.0 + np.tanh(0.5 * x))          # = 1 / (1 + e^-x), never overflows


def negative_sampling_output(h: np.ndarray, W_out: np.ndarray, targets: np.ndarray):
    """Output layer shared by skip-gram and CBOW.

    h (B, D) hidden vectors, targets (B, 1+K) word ids (column 0 = true word) ->
    loss (summed over the batch), g = dL/ds (B, 1+K), dh = dL/dh (B, D).
    A negative sample equal to the true word is skipped, as in word2vec.
    """
    h, W_out, targets = _check_output_args(h, W_out, targets)
    U = np.take(W_out, targets, axis=0)                  # (B, 1+K, D)
    s = np.einsum("bd,bkd->bk", h, U)                    # (B, 1+K) scores u_j . h
    y = np.full(s.shape, -1.0, dtype=s.dtype)            # +1 for the true word, -1 for noise
    y[:, 0] = 1.0
    valid = np.ones(s.shape, dtype=s.dtype)
    valid[:, 1:] = targets[:, 1:] != targets[:, :1]
    # L = -log sigma(u_o . h) - sum_k log sigma(-u_k . h) = sum_j log(1 + exp(-y_j s_j))
    loss = float(np.sum(np.logaddexp(0.0, -y * s) * valid))
    # dL/ds_j = -y_j sigma(-y_j s_j)    (= sigma(s_o) - 1 for the true word, sigma(s_k) for noise)
    g = -y * sigmoid(-y * s) * valid                     # (B, 1+K)
    dh = np.einsum("bk,bkd->bd", g, U)                   # (B, D)
    return loss, g, dh


def scatter_add(W: np.ndarray, rows: np.ndarray, X: np.ndarray, coef=None) -> None:
    """In place: W[rows[b, j]] += coef[b, j] * X[b] for all b, j; repeated rows add up.

    W (V, D), rows (B,) or (B, J) ints, X (B, D), coef like rows (default: ones).
    """
    rows, X, coef = _check_scatter_args(W, rows, X, coef)
    B = len(X)
    rows = rows.reshape(B, -1)                           # (B, J)
    J = rows.shape[1]
    coef = np.ones(rows.shape, W.dtype) if coef is None else coef.astype(W.dtype, copy=False)
    if sparse is not None:
        # number the distinct rows u_0 < u_1 < ... so the work is (u, D), not (V, D)
        present = np.zeros(len(W), dtype=bool)
        present[rows] = True
        u = np.flatnonzero(present)                      # (U,) distinct rows
        local = (np.cumsum(present) - 1)[rows]           # (B, J) row u_i -> i
        # sparse M (U, B), M[local[b, j], b] = coef[b, j]: the update is W[u] += M @ X.
        # In CSC layout column b just lists local[b, :], so M costs nothing to build.
        M = sparse.csc_matrix((coef.ravel(), local.ravel(), np.arange(0, B * J + 1, J)),
                              shape=(len(u), B))
        W[u] += M @ X
    else:
        np.add.at(W, rows.ravel(), (coef[:, :, None] * X[:, None, :]).reshape(B * J, -1))


# --8<-- [end:loss]


# --8<-- [start:steps]
def sgns_step(W_in, W_out, centres, targets, lr: float) -> float:
    """One SGD step of skip-gram with negative sampling on B pairs, in place.
    centres (B,), targets (B, 1+K) -> summed loss before the step; 0 <= lr <= 1."""
    centres, targets, lr = _check_step_args(W_in, W_out, centres, targets, lr)
    h = np.take(W_in, centres, axis=0)                   # (B, D)
    loss, g, dh = negative_sampling_output(h, W_out, targets)
    scatter_add(W_out, targets, h, coef=-lr * g)         # u_j -= lr * g_j * h
    scatter_add(W_in, centres, -lr * dh)                 # v_c -= lr * dL/dh
    return loss


def cbow_hidden(W_in, contexts):
    """contexts (B, 2w) ids, -1 = none -> h (B, D) mean of the context vectors, weights (B, 2w)."""
    W_in, contexts = _check_cbow_args(W_in, contexts)
    mask = contexts >= 0
    weights = mask / mask.sum(axis=1, keepdims=True)     # 1/count for real words, 0 for padding
    weights = weights.astype(W_in.dtype)
    # h = (1 / |C|) sum_{c in C} v_c
    h = np.einsum("bc,bcd->bd", weights, np.take(W_in, np.maximum(contexts, 0), axis=0))
    return h, weights


def cbow_step(W_in, W_out, contexts, targets, lr: float) -> float:
    """One SGD step of CBOW (mean of the context vectors predicts the centre word)."""
    contexts, targets, lr = _check_step_args(W_in, W_out, contexts, targets, lr, cbow=True)
    h, weights = cbow_hidden(W_in, contexts)
    loss, g, dh = negative_sampling_output(h, W_out, targets)
    scatter_add(W_out, targets, h, coef=-lr * g)
    # dL/dv_c = dL/dh / |C| for every context word c (the exact gradient of the mean)
    scatter_add(W_in, np.maximum(contexts, 0), dh, coef=-lr * weights)
    return loss


def sgns_grads(W_in, W_out, centres, targets):
    """Loss and dense gradients (dW_in, dW_out) of one skip-gram batch (for checks)."""
    W_in, W_out, centres, targets = _check_grads_args(W_in, W_out, centres, targets)
    h = W_in[centres]
    loss, g, dh = negative_sampling_output(h, W_out, targets)
    dW_in, dW_out = np.zeros_like(W_in), np.zeros_like(W_out)
    scatter_add(dW_out, targets, h, coef=g)
    scatter_add(dW_in, centres, dh)
    return loss, dW_in, dW_out


def cbow_grads(W_in, W_out, contexts, targets):
    """Loss and dense gradients (dW_in, dW_out) of one CBOW batch (for checks)."""
    W_in, W_out, contexts, targets = _check_grads_args(W_in, W_out, contexts, targets, cbow=True)
    h, weights = cbow_hidden(W_in, contexts)
    loss, g, dh = negative_sampling_output(h, W_out, targets)
    dW_in, dW_out = np.zeros_like(W_in), np.zeros_like(W_out)
    scatter_add(dW_out, targets, h, coef=g)
    scatter_add(dW_in, np.maximum(contexts, 0), dh, coef=weights)
    return loss, dW_in, dW_out
# --8<-- [end:steps]


# --8<-- [start:train]
class Word2Vec:
    """Train word vectors: ``Word2Vec(dim=100, sg=True).fit(sentences).wv``.

    sentences: list of token lists (e.g. from ``tokenize``).  Hyperparameters and their
    defaults follow gensim 4 (vector_size -> dim, epochs=5, alpha=0.025, min_alpha=1e-4).
    After ``fit``: ``wv`` (KeyedVectors), ``W_in``, ``W_out``, ``corpus`` and ``history``,
    a list of (corpus words processed, mean loss per predicted word since the previous entry).
    Integers >= 1: dim, window, negative, min_count, epochs, batch_size; 0 <= sample <= 1;
    0 < alpha <= 1, 0 <= min_alpha <= alpha; 0 <= seed < 2**32; sg a bool (or 0/1).
    """

    def __init__(self, dim: int = 100, window: int = 5, negative: int = 5, sg: bool = True,
                 min_count: int = 5, sample: float = 1e-3, epochs: int = 5,
                 alpha: float = 0.025, min_alpha: float = 1e-4, batch_size: int = 4096,
                 seed: int = 0):
        sg, seed = _check_hyperparameters(sg, sample, alpha, min_alpha, seed, dim=dim,
                                          window=window, negative=negative,
                                          min_count=min_count, epochs=epochs,
                                          batch_size=batch_size)
        self.dim, self.window, self.negative, self.sg = dim, window, negative, sg
        self.min_count, self.sample, self.epochs = min_count, sample, epochs
        self.alpha, self.min_alpha, self.batch_size, self.seed = alpha, min_alpha, batch_size, seed

    def fit(self, sentences: list[list[str]], log_every: int = 10_000) -> Word2Vec:
        """Train on ``sentences`` (token lists, not a bare string); a ``history`` entry
        every ``log_every`` (an integer >= 1) corpus words."""
        log_every = check_int(log_every, "log_every", 1)
        corpus = build_corpus(sentences, self.min_count)
        self.corpus = corpus
        self.W_in, self.W_out = init_embeddings(len(corpus.words), self.dim, self.seed)
        step = sgns_step if self.sg else cbow_step
        self.history: list[tuple[float, float]] = []
        loss_sum, count, next_log = 0.0, 0, log_every
        for inputs, targets, lr, done in training_batches(
                corpus, sg=self.sg, window=self.window, negative=self.negative,
                sample=self.sample, epochs=self.epochs, batch_size=self.batch_size,
                alpha=self.alpha, min_alpha=self.min_alpha, seed=self.seed + 1):
            loss_sum += step(self.W_in, self.W_out, inputs, targets, lr)
            count += len(targets)
            if done >= next_log:
                self.history.append((done, loss_sum / count))
                loss_sum, count, next_log = 0.0, 0, done + log_every
        if count:
            self.history.append((float(self.epochs * len(corpus.tokens)), loss_sum / count))
        self.wv = KeyedVectors(corpus.words, self.W_in)
        return self
# --8<-- [end:train]


# ---------------------------------------------------------------------------------------
# Step 4: evaluation
# ---------------------------------------------------------------------------------------

# --8<-- [start:eval]
class KeyedVectors:
    """Words and their vectors (V, D), with cosine similarity, nearest neighbours,
    analogies and word-pair evaluation; saved/loaded in the word2vec text format."""

    def __init__(self, words: list[str], vectors: np.ndarray):
        words, vectors = _check_vectors(words, vectors)
        self.words = list(words)
        self.vectors = vectors
        self.index = {w: i for i, w in enumerate(self.words)}
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.unit = vectors / np.maximum(norms, 1e-12)          # (V, D) rows of length 1

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def _id(self, word: str, name: str = "word") -> int:
        _check_word(word, name)
        if word not in self.index:
            raise KeyError(f"{name}: word {word!r} not in vocabulary")
        return self.index[word]

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self._id(word)]

    def similarity(self, w1: str, w2: str) -> float:
        # cos(a, b) = a . b / (|a| |b|)
        return float(self.unit[self._id(w1, "w1")] @ self.unit[self._id(w2, "w2")])

    def most_similar(self, positive, negative=(), topn: int = 10) -> list[tuple[str, float]]:
        """Words nearest (cosine) to sum(positive) - sum(negative) of unit vectors,
        excluding the query words.  ``most_similar("king")`` or
        ``most_similar(positive=["king", "woman"], negative=["man"])`` (3CosAdd).
        At least one word in all; topn an integer >= 1."""
        positive, negative, ids, topn = _check_query(self, positive, negative, topn)
        query = self.unit[ids[:len(positive)]].sum(0) - self.unit[ids[len(positive):]].sum(0)
        sims = self.unit @ (query / max(np.linalg.norm(query), 1e-12))   # (V,)
        sims[ids] = -np.inf
        top = np.argsort(-sims, kind="stable")[:topn]
        return [(self.words[i], float(sims[i])) for i in top if np.isfinite(sims[i])]

    def analogy(self, a: str, b: str, c: str) -> str:
        """a : b :: c : ?  by 3CosAdd, argmax_d cos(d, b - a + c)."""
        _check_analogy(self, a, b, c)
        return self.most_similar(positive=[b, c], negative=[a], topn=1)[0][0]

    def evaluate_word_pairs(self, pairs) -> tuple[float, int, int]:
        """pairs: (word1, word2, human score) triples -> (Spearman rho, pairs used, pairs
        skipped because a word is missing).  Words are lower-cased."""
        pairs = _check_pairs(pairs)
        used = [(w1.lower(), w2.lower(), s) for w1, w2, s in pairs
                if w1.lower() in self.index and w2.lower() in self.index]
        _check_enough_pairs(used)
        model = [self.similarity(w1, w2) for w1, w2, _ in used]
        return spearman(model, [s for *_, s in used]), len(used), len(pairs) - len(used)

    def evaluate_analogies(self, questions, restrict_vocab: int = 30_000) -> tuple[float, int]:
        """questions: (a, b, c, d) tuples ("a : b :: c : d") -> (accuracy, questions used).
        Like gensim: only the ``restrict_vocab`` most frequent words are searched, and a
        question is skipped unless all four words are among them."""
        questions, restrict_vocab = _check_questions_args(questions, restrict_vocab)
        n = min(restrict_vocab, len(self))
        idx = {w: i for w, i in self.index.items() if i < n}
        q = np.array([[idx[w.lower()] for w in abcd] for abcd in questions
                      if all(w.lower() in idx for w in abcd)], dtype=np.int64).reshape(-1, 4)
        _check_questions(q)
        unit = self.unit[:n]
        correct = 0
        for s in range(0, len(q), 1024):
            a, b, c, d = q[s:s + 1024].T
            query = unit[b] - unit[a] + unit[c]          # (m, D)
            sims = query @ unit.T                        # (m, n)
            rows = np.arange(len(a))
            sims[rows, a] = sims[rows, b] = sims[rows, c] = -np.inf
            correct += int(np.sum(sims.argmax(axis=1) == d))
        return correct / len(q), len(q)

    def save_word2vec_format(self, path) -> None:
        """Text format: "V D" header, then one "word x1 ... xD" line per word."""
        _check_savable(path, self.words)
        fmt = " ".join(["%.9g"] * self.vectors.shape[1])   # 9 digits round-trip float32
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{len(self.words)} {self.vectors.shape[1]}\n")
            for w, v in zip(self.words, self.vectors, strict=True):
                f.write(f"{w} {fmt % tuple(v.tolist())}\n")

    @classmethod
    def load_word2vec_format(cls, path) -> KeyedVectors:
        """Read the text format; a malformed file is a ValueError naming it."""
        with open(_check_path(path), encoding="utf-8") as f:
            V, D = _check_header(path, f.readline())
            words, rows = [], []
            for line in f:
                parts = line.rstrip("\n").split(" ")
                _check_fields(path, parts, D)
                words.append(parts[0])
                rows.append(parts[1:])
        _check_word_count(path, words, V)
        return cls(words, _parse_rows(path, rows).reshape(V, D))


def spearman(x, y) -> float:
    """Spearman rank correlation = Pearson correlation of the ranks (ties get mean rank).
    x, y: equally long 1-D real arrays (lists fine), neither constant."""
    x, y = _check_spearman(x, y)

    def ranks(a):
        _, inv, cnt = np.unique(np.asarray(a, np.float64), return_inverse=True,
                                return_counts=True)
        first = np.cumsum(cnt) - cnt                     # rank (0-based) of each distinct value
        return (first + (cnt - 1) / 2)[inv]
    rx, ry = ranks(x), ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    return float(rx @ ry / np.sqrt((rx @ rx) * (ry @ ry)))


def read_word_pairs(path) -> list[tuple[str, str, float]]:
    """wordsim353.tsv / simlex999.txt style: "word1<TAB>word2<TAB>score", '#' comments."""
    pairs = []
    for line in Path(_check_path(path)).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3:
            continue
        try:
            score = float(parts[2])
        except ValueError:                               # a header line
            continue
        pairs.append((parts[0], parts[1], _check_score(path, line, score)))
    return pairs


def read_analogies(path) -> list[tuple[str, str, str, str]]:
    """questions-words.txt: ": section" lines, then "a b c d" per question."""
    text = Path(_check_path(path)).read_text(encoding="utf-8")
    return [tuple(line.split()) for line in text.splitlines()
            if line and not line.startswith(":") and len(line.split()) == 4]
# --8<-- [end:eval]


# ---------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------
SEED_MAX = 2**32 - 1  # keras.utils.set_random_seed (word2vec_tf.py) takes no larger seed
LANGS = ("auto", "en", "zh")


def _check_text(text, lang):
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    check_choice(lang, "lang", LANGS)


def _check_sentences(sentences, min_count):
    """sentences as a list of token lists; a bare string would be read as characters."""
    if isinstance(sentences, str | bytes) or not isinstance(sentences, _Iterable):
        raise TypeError("sentences must be a list of token lists (e.g. from tokenize), "
                        f"got {type(sentences).__name__}")
    sentences = list(sentences)
    for i, sent in enumerate(sentences):
        if not isinstance(sent, list | tuple):
            raise TypeError(f"sentences[{i}] must be a list of str tokens, "
                            f"got {type(sent).__name__} {str(sent)[:30]!r}")
        for tok in sent:
            if not isinstance(tok, str):
                raise TypeError(f"sentences[{i}] must hold str tokens, "
                                f"got {type(tok).__name__} {tok!r}")
    return sentences, check_int(min_count, "min_count", 1)


def _check_vocabulary(freq, kept, min_count):
    if not freq:
        raise ValueError("corpus is empty: no sentence contains a token")
    if not kept:
        raise ValueError(f"min_count={min_count} leaves no word (most frequent word occurs "
                         f"{max(freq.values())} times)")


def _check_counts(counts):
    """counts (V,) > 0 as float64."""
    counts = check_array(counts, "counts", 1, "(V,) of word counts").astype(np.float64)
    if counts.min() <= 0:
        raise ValueError(f"counts must be > 0 (words that occur), got {counts.min()!r}")
    return counts


def _check_keep_args(counts, sample):
    return _check_counts(counts), check_number(sample, "sample", 0, 1)


def _check_noise_args(counts, power, size):
    return _check_counts(counts), check_number(power, "power"), check_int(size, "size", 1)


def _check_windows(tokens, sentence, window, rng):
    tokens = check_labels(tokens, "tokens", shape="(n,)")
    sentence = check_labels(sentence, "sentence", shape="(n,)")
    if sentence.shape != tokens.shape:
        raise ValueError(f"sentence must have the shape of tokens {tokens.shape}, "
                         f"got {sentence.shape}")
    return tokens, sentence, check_int(window, "window", 1), check_rng(rng)


def _check_flag(value, name):
    """A bool, or the integer 0 or 1 as gensim's ``sg=1``."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be True/False (or 1/0), got {value}")
    raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")


def _check_rates(alpha, min_alpha):
    """0 < alpha <= 1 and 0 <= min_alpha <= alpha: a larger step overshoots (word2vec
    uses 0.025 for skip-gram, 0.05 for CBOW)."""
    alpha = check_number(alpha, "alpha", 0, 1, above=True)
    return alpha, check_number(min_alpha, "min_alpha (at most alpha)", 0, alpha)


def _check_hyperparameters(sg, sample, alpha, min_alpha, seed, **integers):
    """The rules of Word2Vec (and of word2vec_tf.train_skipgram_tf)."""
    for name, value in integers.items():
        check_int(value, name, 1)
    check_number(sample, "sample", 0, 1)
    _check_rates(alpha, min_alpha)
    return _check_flag(sg, "sg"), check_int(seed, "seed", 0, SEED_MAX)


def _check_corpus(corpus):
    if not isinstance(corpus, Corpus):
        raise TypeError(f"corpus must be a Corpus (from build_corpus), "
                        f"got {type(corpus).__name__}")
    V = len(corpus.words)
    check_array(corpus.counts, "corpus.counts", 1, f"(V,) = ({V},)")
    if len(corpus.counts) != V:
        raise ValueError(f"corpus.counts must have shape (V,) = ({V},), "
                         f"got {np.shape(corpus.counts)}")
    tokens = check_labels(corpus.tokens, "corpus.tokens", V)
    if np.shape(corpus.sentence) != tokens.shape:
        raise ValueError(f"corpus.sentence must have the shape of corpus.tokens "
                         f"{tokens.shape}, got {np.shape(corpus.sentence)}")
    check_labels(corpus.sentence, "corpus.sentence")


def _check_batch_args(corpus, sg, sample, alpha, min_alpha, seed, **integers):
    _check_corpus(corpus)
    _check_keep_args(corpus.counts, sample)
    for name, value in integers.items():
        check_int(value, name, 1)
    _check_rates(alpha, min_alpha)
    check_int(seed, "seed", 0)
    return _check_flag(sg, "sg")


def _check_init(vocab_size, dim, seed, dtype):
    check_int(vocab_size, "vocab_size", 1)
    check_int(dim, "dim", 1)
    check_int(seed, "seed", 0)
    return check_float_dtype(dtype)



def _check_any_array(x, name):
    try:
        ndim = np.ndim(x)
    except ValueError:                      # ragged: let check_array say so
        ndim = 1
    return check_array(x, name, ndim, empty=True)


def _check_matrix(W, name, in_place, shape=None):
    """A weight matrix (V, D).  Updated in place: must already be a float32/float64
    ndarray (a list would be copied and the update lost).  Only its shape is checked
    here; the rows a batch reads are checked for NaN/inf by _check_rows (scatter_add
    only adds to W, so NaN already in W is left as it is)."""
    if in_place:
        if not isinstance(W, np.ndarray) or W.dtype not in (np.float32, np.float64):
            raise TypeError(f"{name} must be a float32 or float64 NumPy array (updated in "
                            f"place), got {_describe(W)}")
        if not W.flags.writeable:
            raise ValueError(f"{name} must be writeable (it is updated in place)")
    elif not isinstance(W, np.ndarray) or W.dtype not in (np.float32, np.float64):
        W = check_array(W, name, 2, "(V, D)")
    if W.ndim != 2 or W.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (V, D), got shape {W.shape}")
    if shape is not None and W.shape != shape:
        raise ValueError(f"{name} must have the shape of W_in {shape}, got {W.shape}")
    return W


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    return type(value).__name__


def _check_rows(W, ids, name):
    """The distinct rows ``ids`` of W are finite (the rows a batch reads)."""
    used = np.zeros(len(W), dtype=bool)
    used[ids[ids >= 0]] = True
    rows = np.flatnonzero(used)
    # most rows used: one pass over W is cheaper than copying them out
    finite = np.isfinite(W).all() if 2 * len(rows) > len(W) else np.isfinite(W[rows]).all()
    if not finite:
        raise ValueError(f"{name} must be finite, got NaN or inf in a row this batch uses")


def _check_ids(ids, name, V, ndim, shape, batch=None):
    """ids in range(V); ``batch`` = (B, the argument that set B)."""
    ids = check_labels(ids, name, V, ndim, shape)
    if batch is not None and len(ids) != batch[0]:
        raise ValueError(f"{name} must have {batch[0]} rows like {batch[1]}, got {len(ids)}")
    if ids.size == 0:
        raise ValueError(f"{name} must not be empty: expected {shape}, got {ids.shape}")
    return ids


def _check_contexts(contexts, V):
    """(B, 2w) ids in -1..V-1, -1 = no word; every row needs a word (a mean of none is 0/0)."""
    want = "a 2-D array of integer ids (B, 2*window), -1 = no word"
    try:
        a = np.asarray(contexts)
    except ValueError:
        raise TypeError(f"contexts must be {want}, got ragged {type(contexts).__name__}") from None
    if not np.issubdtype(a.dtype, np.integer):
        raise TypeError(f"contexts must be {want}, got {_describe(contexts)}")
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"contexts must be {want}, got shape {a.shape}")
    if a.min() < -1 or a.max() >= V:
        bad = a.min() if a.min() < -1 else a.max()
        raise ValueError(f"contexts must hold ids in -1..{V - 1}, got {bad}")
    if not (a >= 0).any(axis=1).all():
        raise ValueError("contexts: every row needs at least one word id >= 0, "
                         "got a row of -1 only")
    return a.astype(np.intp, copy=False)  # np.take's index type, also in 32-bit Pyodide


def _check_output_args(h, W_out, targets):
    h = check_array(h, "h", 2, "(B, D)")
    W_out = _check_matrix(W_out, "W_out", in_place=False)
    if W_out.shape[1] != h.shape[1]:
        raise ValueError(f"W_out must have D = {h.shape[1]} columns like h, "
                         f"got shape {W_out.shape}")
    targets = _check_ids(targets, "targets", len(W_out), 2, "(B, 1+K)", batch=(len(h), "h"))
    _check_rows(W_out, targets, "W_out")
    return h, W_out, targets


def _check_scatter_args(W, rows, X, coef):
    W = _check_matrix(W, "W", in_place=True)
    try:
        ndim = 2 if np.ndim(rows) == 2 else 1        # (B, J) or (B,)
    except ValueError:                               # ragged: check_labels says so
        ndim = 1
    X = check_array(X, "X", 2, f"(B, D) with D = {W.shape[1]}")
    rows = _check_ids(rows, "rows", len(W), ndim, "(B,) or (B, J)", batch=(len(X), "X"))
    if X.shape[1] != W.shape[1]:
        raise ValueError(f"X must have shape (B, D) with D = {W.shape[1]}, got {X.shape}")
    if coef is not None:
        coef = check_array(coef, "coef", rows.ndim, f"like rows {rows.shape}")
        if coef.shape != rows.shape:
            raise ValueError(f"coef must have the shape of rows {rows.shape}, "
                             f"got {coef.shape}")
    return rows, X, coef


def _check_step_args(W_in, W_out, inputs, targets, lr, cbow=False):
    W_in = _check_matrix(W_in, "W_in", in_place=True)
    _check_matrix(W_out, "W_out", in_place=True, shape=W_in.shape)
    V = len(W_in)
    if cbow:
        inputs = _check_contexts(inputs, V)
    else:
        inputs = _check_ids(inputs, "centres", V, 1, "(B,)")
    batch = (len(inputs), "contexts" if cbow else "centres")
    targets = _check_ids(targets, "targets", V, 2, "(B, 1+K)", batch=batch)
    if not cbow:                       # cbow_hidden and negative_sampling_output check the rest
        _check_rows(W_in, inputs, "W_in")
    return inputs, targets, check_number(lr, "lr", 0, 1)


def _check_cbow_args(W_in, contexts):
    W_in = _check_matrix(W_in, "W_in", in_place=False)
    contexts = _check_contexts(contexts, len(W_in))
    _check_rows(W_in, contexts, "W_in")
    return W_in, contexts


def _check_grads_args(W_in, W_out, inputs, targets, cbow=False):
    W_in = check_array(W_in, "W_in", 2, "(V, D)")
    W_out = check_array(W_out, "W_out", 2, "(V, D)")
    if W_out.shape != W_in.shape:
        raise ValueError(f"W_out must have the shape of W_in {W_in.shape}, got {W_out.shape}")
    V = len(W_in)
    inputs = _check_contexts(inputs, V) if cbow else _check_ids(inputs, "centres", V, 1, "(B,)")
    batch = (len(inputs), "contexts" if cbow else "centres")
    targets = _check_ids(targets, "targets", V, 2, "(B, 1+K)", batch=batch)
    return W_in, W_out, inputs, targets


def _check_vectors(words, vectors):
    if isinstance(words, str) or not isinstance(words, _Iterable):
        raise TypeError(f"words must be a list of str, got {type(words).__name__}")
    words = list(words)
    for w in words:
        _check_word(w, "words")
    vectors = check_array(vectors, "vectors", 2, f"(len(words), D) = ({len(words)}, D)")
    if vectors.shape[0] != len(words):
        raise ValueError(f"vectors must have shape (len(words), D) = ({len(words)}, D), "
                         f"got {vectors.shape}")
    if len(set(words)) != len(words):
        raise ValueError("words must be unique")
    with np.errstate(over="ignore"):     # a length that overflows would make cosines 0
        norms = np.linalg.norm(vectors, axis=1)
    if not np.isfinite(norms).all():
        raise ValueError("vectors must be finite with finite row lengths")
    return words, vectors


def _check_word(word, name):
    if not isinstance(word, str):
        raise TypeError(f"{name} must hold words (str), got {type(word).__name__} {word!r}")


def _as_words(value, name):
    if isinstance(value, str):
        return [value]
    if not isinstance(value, _Iterable):
        raise TypeError(f"{name} must be a word or a list of words, "
                        f"got {type(value).__name__}")
    value = list(value)
    for w in value:
        _check_word(w, name)
    return value


def _check_query(self, positive, negative, topn):
    positive, negative = _as_words(positive, "positive"), _as_words(negative, "negative")
    if not positive + negative:
        raise ValueError("positive and negative must hold at least one word, got none")
    ids = ([self._id(w, "positive") for w in positive]
           + [self._id(w, "negative") for w in negative])
    return positive, negative, ids, check_int(topn, "topn", 1)


def _check_analogy(self, a, b, c):
    for name, word in (("a", a), ("b", b), ("c", c)):
        self._id(word, name)
    if len(self) <= len({a, b, c}):
        raise ValueError(f"the analogy needs a word other than a, b, c: the vocabulary has "
                         f"only {len(self)} words")


def _check_tuples(items, name, fields):
    """A list of tuples with one value per field; a field named "score" is a number, the
    others are words."""
    what = "(" + ", ".join(fields) + ")"
    if isinstance(items, str) or not isinstance(items, _Iterable):
        raise TypeError(f"{name} must be a list of {what} tuples, got {type(items).__name__}")
    items = list(items)
    for i, item in enumerate(items):
        if not isinstance(item, list | tuple) or len(item) != len(fields):
            raise TypeError(f"{name}[{i}] must be a {what} tuple, got {item!r}")
        for field, value in zip(fields, item, strict=True):
            if field == "score":
                check_number(value, f"{name}[{i}] score")
            else:
                _check_word(value, f"{name}[{i}]")
    return items


def _check_pairs(pairs):
    return _check_tuples(pairs, "pairs", ("word1", "word2", "score"))


def _check_enough_pairs(used):
    if len(used) < 2:
        raise ValueError(f"pairs: only {len(used)} of the word pairs are in the vocabulary")


def _check_questions_args(questions, restrict_vocab):
    questions = _check_tuples(questions, "questions", ("a", "b", "c", "d"))
    return questions, check_int(restrict_vocab, "restrict_vocab", 1)


def _check_questions(q):
    if len(q) == 0:
        raise ValueError("questions: none has all four words in the vocabulary")


def _check_path(path):
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    return path


def _check_savable(path, words):
    _check_path(path)
    bad = [w for w in words if not w or any(ch.isspace() for ch in w)]
    if bad:
        raise ValueError(f"words with whitespace cannot be saved: {bad[:3]}")


def _check_header(path, line):
    parts = line.split()
    if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValueError(f"{path}: the first line must be 'V D' (two integers >= 1), "
                         f"got {line.strip()[:40]!r}")
    return int(parts[0]), int(parts[1])


def _check_fields(path, parts, D):
    if len(parts) != D + 1:
        raise ValueError(f"{path}: expected a word and {D} numbers, got {len(parts)} fields")


def _check_word_count(path, words, V):
    if len(words) != V:
        raise ValueError(f"{path}: header says {V} words, file has {len(words)}")


def _parse_rows(path, rows):
    try:
        with np.errstate(over="raise"):
            a = np.array(rows, dtype=np.float64)
    except (ValueError, FloatingPointError) as err:
        raise ValueError(f"{path}: a vector holds something that is not a number "
                         f"({err})") from None
    if not np.isfinite(a).all() or np.abs(a).max(initial=0) > np.finfo(np.float32).max:
        raise ValueError(f"{path}: vectors must be finite float32 numbers, "
                         f"got NaN, inf or an overflow")
    return a.astype(np.float32)


def _check_score(path, line, score):
    if not math.isfinite(score):
        raise ValueError(f"{path}: the score must be a finite number, got {line!r}")
    return score


def _check_spearman(x, y):
    x = check_array(x, "x", 1, "(n,)")
    y = check_array(y, "y", 1, "(n,)")
    if len(y) != len(x):
        raise ValueError(f"y must have the length of x ({len(x)}), got {len(y)}")
    for name, a in (("x", x), ("y", y)):
        if len(a) < 2 or np.ptp(a) == 0:
            raise ValueError(f"{name} must hold at least two different values (a rank "
                             f"correlation with a constant is undefined), got {a[:5]}")
    return x, y


def word2vec_parser(doc: str, cbow: bool = True):
    """The command line of this demo (and of word2vec_tf.py's, without --cbow)."""
    _check_parser_args(doc, cbow)
    parser = demo_parser(doc)
    parser.add_argument("corpus", nargs="?", type=text_file,
                        help="UTF-8 text, one sentence per line (default: gensim's "
                             "lee_background.cor)")
    parser.add_argument("--lang", choices=("auto", "en", "zh"), default="auto",
                        help="tokenizer: en (regex), zh (jieba), auto (zh if there is 汉字)")
    parser.add_argument("--dim", type=positive_int, default=50, help="vector length D")
    parser.add_argument("--window", type=positive_int, default=5,
                        help="largest distance between a word and its context words")
    parser.add_argument("--min-count", type=positive_int, default=5,
                        help="drop words seen fewer times")
    parser.add_argument("--epochs", type=positive_int, default=5, help="passes over the corpus")
    parser.add_argument("--negative", type=positive_int, default=5,
                        help="negative samples per predicted word")
    if cbow:
        parser.add_argument("--cbow", action="store_true",
                            help="CBOW instead of skip-gram: the context predicts the word")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="random seed")
    parser.add_argument("--word", action="append", metavar="WORD",
                        help="print the words nearest to WORD (repeatable; default: "
                             "police and government)")
    parser.add_argument("--topn", type=positive_int, default=5,
                        help="how many nearest words to print")
    parser.add_argument("--save", type=output_file, metavar="VECTORS.txt",
                        help="save the vectors in word2vec's text format (gensim reads it)")
    return parser


def demo_text(args) -> str:
    """The corpus file, else gensim's lee_background.cor, else a toy text."""
    _check_namespace(args, "corpus")
    if args.corpus is not None:
        text = Path(_check_path(args.corpus)).read_text(encoding="utf-8")
        print(f"corpus: {args.corpus}")
    elif (text := _lee_background()) is not None:
        print("corpus: gensim's lee_background.cor")
    else:
        print("gensim's test corpus is not installed; training on a toy text instead")
        text = "\n".join(["the cat sat on the mat", "the dog sat on the rug",
                          "a cat and a dog met on the mat"] * 200)
    return text


def _lee_background() -> str | None:
    try:
        from gensim.test.utils import datapath
    except ImportError:
        return None
    path = Path(datapath("lee_background.cor"))
    return path.read_text(encoding="utf-8") if path.exists() else None


def _check_parser_args(doc, cbow):
    if not isinstance(doc, str) or not doc.strip():
        raise TypeError(f"doc must be a non-empty str (a module docstring), got {doc!r:.40}")
    _check_flag(cbow, "cbow")


def _check_namespace(args, *names):
    missing = [n for n in names if not hasattr(args, n)]
    if missing:
        raise TypeError(f"args must be the parsed command line (word2vec_parser), "
                        f"got {type(args).__name__} without {missing}")


def _check_results(wv, history, args):
    if not isinstance(wv, KeyedVectors):
        raise TypeError(f"wv must be a KeyedVectors, got {type(wv).__name__}")
    if not isinstance(history, list | tuple) or not history or not all(
            isinstance(e, tuple | list) and len(e) == 2 for e in history):
        raise ValueError(f"history must be a non-empty list of (words, loss) pairs, "
                         f"got {history!r:.60}")
    _check_namespace(args, "word", "topn", "save")


def _check_argv(argv):
    if argv is not None and (not isinstance(argv, list | tuple)
                             or not all(isinstance(a, str) for a in argv)):
        raise TypeError(f"argv must be None or a list of str, got {argv!r:.60}")


DEMO_WORDS = ("police", "government", "cat", "dog")  # in lee_background.cor / the toy text


def show_results(wv: KeyedVectors, history, args) -> None:
    """The loss, the words nearest to --word (or two default words), --save."""
    _check_results(wv, history, args)
    print(f"{len(wv)} words, loss {history[0][1]:.3f} -> {history[-1][1]:.3f}")
    for word in args.word or [w for w in DEMO_WORDS if w in wv][:2]:
        if word in wv:
            print(word, [w for w, _ in wv.most_similar(word, topn=args.topn)])
        elif args.word:
            print(word, "is not in the vocabulary")
    if args.save:
        wv.save_word2vec_format(args.save)
        print(f"saved {len(wv)} vectors of length {wv.vectors.shape[1]} to {args.save}")


def main(argv=None) -> None:
    _check_argv(argv)
    parser = word2vec_parser(__doc__)
    args = parser.parse_args(argv)
    sentences = tokenize(demo_text(args), args.lang)
    try:
        model = Word2Vec(dim=args.dim, window=args.window, negative=args.negative,
                         sg=not args.cbow, min_count=args.min_count, epochs=args.epochs,
                         seed=args.seed).fit(sentences)
    except ValueError as err:  # an empty corpus, or --min-count leaves no word
        parser.error(str(err))
    show_results(model.wv, model.history, args)


if __name__ == "__main__":
    run(main)
