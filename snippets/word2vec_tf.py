"""word2vec skip-gram in TensorFlow/Keras.  (页面：3.1 词嵌入)

The same model as ``sgns_step`` in word2vec.py, and the same data: this file uses
the NumPy data pipeline (``tokenize``, ``build_corpus``, ``training_batches``) and the
initialisation from word2vec.py, so subsampling, dynamic windows, negative samples and
the learning-rate schedule are identical.  Only the forward pass, the gradients
(``tf.GradientTape``) and the update (Keras SGD applied to sparse ``IndexedSlices``
gradients, i.e. only the rows a batch touches) are TensorFlow's.

Arguments are checked with word2vec.py's rules (its private ``_check_*`` helpers), so
this file accepts exactly what the NumPy version accepts.  A seed gives bit-identical
runs: training turns on TensorFlow's op determinism for the process.

Run: python word2vec_tf.py [corpus.txt] [--dim 50] [--window 5] [--min-count 5]
         [--epochs 5] [--negative 5] [--word WORD ...] [--topn 5] [--save vectors.txt]
     (without corpus.txt: gensim's test corpus lee_background.cor)
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
from _checks import check_array, check_labels, check_number  # noqa: E402
from _cli import missing_package, run  # noqa: E402
from word2vec import (  # noqa: E402  (snippets/word2vec.py, the NumPy version)
    KeyedVectors,
    _check_argv,
    _check_hyperparameters,
    _check_ids,
    _check_init,
    build_corpus,
    demo_text,
    init_embeddings,
    show_results,
    tokenize,
    training_batches,
    word2vec_parser,
)

try:
    import keras
    import tensorflow as tf
except ModuleNotFoundError as err:
    raise SystemExit(missing_package(err)) from None


# --8<-- [start:model]
class SkipGram(keras.Model):
    """Input vectors v (V, D) and output vectors u (V, D) as two Embedding layers;
    initialised exactly like the NumPy version (``init_embeddings``)."""

    def __init__(self, vocab_size: int, dim: int, seed: int = 0, dtype="float32", **kwargs):
        vocab_size, dim, seed, dtype = _check_skipgram(vocab_size, dim, seed, dtype)
        super().__init__(**kwargs)
        self.w_in = keras.layers.Embedding(vocab_size, dim, dtype=dtype, name="w_in")
        self.w_out = keras.layers.Embedding(vocab_size, dim, dtype=dtype, name="w_out")
        self.w_in.build((None,))
        self.w_out.build((None,))
        W_in, W_out = init_embeddings(vocab_size, dim, seed, dtype=np.dtype(dtype))
        self.w_in.set_weights([W_in])
        self.w_out.set_weights([W_out])

    def call(self, inputs):
        centres, targets = inputs                # (B,), (B, 1+K)
        h = self.w_in(centres)                   # (B, D)
        U = self.w_out(targets)                  # (B, 1+K, D)
        return tf.einsum("bd,bkd->bk", h, U)     # (B, 1+K) scores u_j . h


def sgns_loss(scores, targets):
    """Summed SGNS loss of a batch: sum_j log(1 + exp(-y_j s_j)), y = +1 for column 0
    (the true context word) and -1 for the negatives; a negative equal to the true
    word is skipped — the same formula as ``negative_sampling_output`` in NumPy."""
    _check_loss_args(scores, targets)
    B, K1 = tf.shape(targets)[0], tf.shape(targets)[1]
    y = tf.concat([tf.ones((B, 1), scores.dtype), -tf.ones((B, K1 - 1), scores.dtype)], axis=1)
    valid = tf.concat([tf.ones((B, 1), scores.dtype),
                       tf.cast(targets[:, 1:] != targets[:, :1], scores.dtype)], axis=1)
    return tf.reduce_sum(tf.math.softplus(-y * scores) * valid)
# --8<-- [end:model]


# --8<-- [start:train]
def make_train_step(model: SkipGram, optimizer: keras.optimizers.Optimizer):
    """A compiled SGD step: (centres (B,), targets (B, 1+K), lr) -> summed loss;
    each call checks its arguments with ``sgns_step``'s rules."""
    spec = [tf.TensorSpec([None], tf.int32), tf.TensorSpec([None, None], tf.int32),
            tf.TensorSpec([], tf.float32)]

    @tf.function(input_signature=spec)
    def step(centres, targets, lr):
        with tf.GradientTape() as tape:
            loss = sgns_loss(model((centres, targets)), targets)
        # gradients of the two embeddings are IndexedSlices: only the rows used
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.learning_rate.assign(lr)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    return _checked_step(step, model, optimizer)


def train_skipgram_tf(sentences: list[list[str]], dim: int = 100, window: int = 5,
                      negative: int = 5, min_count: int = 5, sample: float = 1e-3,
                      epochs: int = 5, alpha: float = 0.025, min_alpha: float = 1e-4,
                      batch_size: int = 4096, seed: int = 0, log_every: int = 10_000):
    """Train SGNS with TensorFlow on the batches of word2vec.training_batches.

    Same arguments and defaults as word2vec.Word2Vec(sg=True); returns
    (model, KeyedVectors, history) with history as in Word2Vec.history.
    """
    _, seed = _check_hyperparameters(True, sample, alpha, min_alpha, seed, dim=dim, window=window,
                           negative=negative, min_count=min_count, epochs=epochs,
                           batch_size=batch_size, log_every=log_every)
    corpus = build_corpus(sentences, min_count)
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()   # else threads reorder float sums
    model = SkipGram(len(corpus.words), dim, seed)
    step = make_train_step(model, keras.optimizers.SGD(learning_rate=alpha))
    history, loss_sum, count, next_log = [], 0.0, 0, log_every
    for centres, targets, lr, done in training_batches(
            corpus, sg=True, window=window, negative=negative, sample=sample, epochs=epochs,
            batch_size=batch_size, alpha=alpha, min_alpha=min_alpha, seed=seed + 1):
        loss_sum += float(step(centres.astype(np.int32), targets.astype(np.int32),
                               np.float32(lr)))
        count += len(targets)
        if done >= next_log:
            history.append((done, loss_sum / count))
            loss_sum, count, next_log = 0.0, 0, done + log_every
    if count:
        history.append((float(epochs * len(corpus.tokens)), loss_sum / count))
    wv = KeyedVectors(corpus.words, model.w_in.get_weights()[0])
    return model, wv, history
# --8<-- [end:train]


# -------------------------------------------------------------- argument checks
def _check_skipgram(vocab_size, dim, seed, dtype):
    """init_embeddings' rules; the sizes and seed as Python ints (Keras rejects NumPy's)."""
    dtype = _check_init(vocab_size, dim, seed, dtype)
    return int(vocab_size), int(dim), int(seed), dtype.name


def _check_loss_args(scores, targets):
    """scores (B, 1+K) finite, targets (B, 1+K) ids >= 0; inside a compiled step the
    tensors have no values yet (the step checked its inputs before)."""
    if not tf.executing_eagerly():
        return
    scores = check_array(np.asarray(scores), "scores", 2, "(B, 1+K)")
    targets = check_labels(np.asarray(targets), "targets", ndim=2, shape="(B, 1+K)")
    if targets.shape != scores.shape:
        raise ValueError(f"targets must have the shape of scores {scores.shape}, "
                         f"got {targets.shape}")


def _checked_step(step, model, optimizer):
    """``step`` behind the checks of ``sgns_step`` (ids in range(V), 0 <= lr <= 1)."""
    if not isinstance(model, SkipGram):
        raise TypeError(f"model must be a SkipGram, got {type(model).__name__}")
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be a keras optimizer, got {type(optimizer).__name__}")
    V = model.w_in.input_dim

    def checked(centres, targets, lr):
        centres = _check_ids(centres, "centres", V, 1, "(B,)")
        targets = _check_ids(targets, "targets", V, 2, "(B, 1+K)", batch=(len(centres), "centres"))
        lr = check_number(lr, "lr", 0, 1)
        return step(centres.astype(np.int32), targets.astype(np.int32), np.float32(lr))

    return checked


def main(argv=None) -> None:
    _check_argv(argv)
    parser = word2vec_parser(__doc__, cbow=False)
    args = parser.parse_args(argv)
    sentences = tokenize(demo_text(args), args.lang)
    try:
        _, wv, history = train_skipgram_tf(
            sentences, dim=args.dim, window=args.window, negative=args.negative,
            min_count=args.min_count, epochs=args.epochs, seed=args.seed)
    except ValueError as err:  # an empty corpus, or --min-count leaves no word
        parser.error(str(err))
    show_results(wv, history, args)


if __name__ == "__main__":
    run(main)
