"""word2vec in TensorFlow: same loss, gradients, updates and trained vectors as NumPy."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import word2vec as w2v  # noqa: E402
import word2vec_tf as w2v_tf  # noqa: E402
from badinput import bad_integers, bad_numbers, rejects  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_word2vec import (  # noqa: E402
    ANIMALS,
    BAD_SENTENCES,
    CENTRES,
    FLOAT_ARGS,
    INT_ARGS,
    TARGETS,
    VEHICLES,
    B,
    D,
    K,
    V,
    _random_problem,
    bad_ids,
    planted_corpus,
    weights,
)


def _model_with(W_in, W_out):
    model = w2v_tf.SkipGram(*W_in.shape, dtype=str(W_in.dtype))
    model.w_in.set_weights([W_in])
    model.w_out.set_weights([W_out])
    return model


def test_same_loss_as_numpy_for_same_weights_and_batch():
    W_in, W_out, centres, targets = _random_problem(5, V=20, D=8, B=16, K=5)
    model = _model_with(W_in, W_out)
    loss_tf = w2v_tf.sgns_loss(model((centres, targets)), tf.constant(targets))
    loss_np, _, _ = w2v.negative_sampling_output(W_in[centres], W_out, targets)
    assert float(loss_tf) == pytest.approx(loss_np, rel=1e-12)


def test_gradient_tape_matches_numpy_gradients():
    W_in, W_out, centres, targets = _random_problem(6, V=20, D=8, B=16, K=5)
    model = _model_with(W_in, W_out)
    with tf.GradientTape() as tape:
        loss = w2v_tf.sgns_loss(model((centres, targets)), tf.constant(targets))
    g_in, g_out = tape.gradient(loss, [model.w_in.embeddings, model.w_out.embeddings])
    assert isinstance(g_in, tf.IndexedSlices)     # sparse: only the rows used
    _, dW_in, dW_out = w2v.sgns_grads(W_in, W_out, centres, targets)
    np.testing.assert_allclose(tf.convert_to_tensor(g_in).numpy(), dW_in, atol=1e-12)
    np.testing.assert_allclose(tf.convert_to_tensor(g_out).numpy(), dW_out, atol=1e-12)


def test_one_train_step_equals_numpy_sgns_step():
    import keras

    W_in, W_out, centres, targets = _random_problem(7, V=20, D=8, B=16, K=5)
    W_in, W_out = W_in.astype(np.float32), W_out.astype(np.float32)
    model = _model_with(W_in, W_out)
    step = w2v_tf.make_train_step(model, keras.optimizers.SGD(learning_rate=0.1))
    loss_tf = step(centres.astype(np.int32), targets.astype(np.int32), np.float32(0.05))
    loss_np = w2v.sgns_step(W_in, W_out, centres, targets, lr=0.05)
    assert float(loss_tf) == pytest.approx(loss_np, rel=1e-5)
    np.testing.assert_allclose(model.w_in.get_weights()[0], W_in, atol=1e-6)
    np.testing.assert_allclose(model.w_out.get_weights()[0], W_out, atol=1e-6)


def test_full_training_matches_numpy_and_learns_the_planted_structure():
    sents = planted_corpus(600)
    kw = dict(dim=12, window=3, negative=5, min_count=1, sample=1e-2, epochs=3,
              batch_size=256, seed=2)
    _, wv_tf, hist_tf = w2v_tf.train_skipgram_tf(sents, log_every=2000, **kw)
    model_np = w2v.Word2Vec(**kw).fit(sents, log_every=2000)
    assert wv_tf.words == model_np.wv.words
    # same data, same initialisation, same updates: only float32 rounding differs
    np.testing.assert_allclose(wv_tf.vectors, model_np.wv.vectors, atol=2e-4)
    np.testing.assert_allclose([x for _, x in hist_tf], [x for _, x in model_np.history],
                               rtol=1e-4)
    for a in ANIMALS:
        assert max(wv_tf.similarity(a, b) for b in VEHICLES) < min(
            wv_tf.similarity(a, b) for b in ANIMALS if b != a)


# ------------------------------------------------------------------ bad input
# The twin rule: every argument is checked with word2vec.py's rule, so both versions
# reject the same values with the same error type.
TWIN_ARGS = {**{n: bad_integers(1) for n in INT_ARGS}, **FLOAT_ARGS,
             "seed": bad_integers(0, w2v.SEED_MAX)}
TINY = [["a", "b", "a", "c"]]


def _error(call):
    with pytest.raises((TypeError, ValueError, KeyError)) as info:
        call()
    return info.value


@pytest.mark.parametrize("name", TWIN_ARGS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_train_rejects_what_word2vec_rejects(name, data):
    value = data.draw(TWIN_ARGS[name])
    ours = rejects(lambda: w2v_tf.train_skipgram_tf(TINY, **{name: value}), name)
    numpy = _error(lambda: w2v.Word2Vec(**{name: value}).fit(TINY))
    assert type(ours) is type(numpy), (ours, numpy)


@settings(max_examples=15, deadline=None)
@given(sentences=BAD_SENTENCES, log_every=bad_integers(1))
def test_train_rejects_bad_sentences_and_log_every(sentences, log_every):
    rejects(lambda: w2v_tf.train_skipgram_tf(sentences), "sentences")
    rejects(lambda: w2v_tf.train_skipgram_tf(TINY, log_every=log_every), "log_every")


def test_a_negative_alpha_is_an_error_as_in_word2vec():
    """Bug: train_skipgram_tf(alpha=-0.025) trained although Word2Vec rejects it."""
    with pytest.raises(ValueError, match="alpha"):
        w2v_tf.train_skipgram_tf(TINY, alpha=-0.025, min_count=1)
    with pytest.raises(ValueError, match="empty"):
        w2v_tf.train_skipgram_tf([])
    with pytest.raises(ValueError, match="seed"):
        w2v_tf.train_skipgram_tf(TINY, seed=2**32, min_count=1)   # np.random.seed's limit


def test_same_seed_gives_bit_identical_vectors():
    """Op determinism: without it, threads summed the sparse updates in another order
    and two runs with one seed differed by ~3e-7."""
    sents = planted_corpus(150)
    kw = dict(dim=8, window=2, min_count=1, epochs=1, batch_size=64, seed=3)
    _, a, _ = w2v_tf.train_skipgram_tf(sents, **kw)
    _, b, _ = w2v_tf.train_skipgram_tf(sents, **kw)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert tf.config.experimental.is_op_determinism_enabled() if hasattr(
        tf.config.experimental, "is_op_determinism_enabled") else True


@settings(max_examples=15, deadline=None)
@given(vocab_size=bad_integers(1), dim=bad_integers(1), seed=bad_integers(0),
       dtype=st.sampled_from([np.int32, "float16", None, "x"]))
def test_skipgram_rejects_what_init_embeddings_rejects(vocab_size, dim, seed, dtype):
    rejects(lambda: w2v_tf.SkipGram(vocab_size, 3), "vocab_size")
    rejects(lambda: w2v_tf.SkipGram(5, dim), "dim")
    rejects(lambda: w2v_tf.SkipGram(5, 3, seed), "seed")
    rejects(lambda: w2v_tf.SkipGram(5, 3, 0, dtype), "dtype")


STEP_MODEL = None


def _train_step():
    import keras

    global STEP_MODEL
    if STEP_MODEL is None:
        model = w2v_tf.SkipGram(V, D, dtype="float64")
        STEP_MODEL = w2v_tf.make_train_step(model, keras.optimizers.SGD(learning_rate=0.1))
    return STEP_MODEL


@pytest.mark.parametrize("name", ["centres", "targets", "lr"])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_train_step_rejects_what_sgns_step_rejects(name, data):
    bad = {"centres": bad_ids((B,)), "targets": bad_ids((B, 1 + K)),
           "lr": bad_numbers(0, maximum=1)}[name]
    args = {"centres": CENTRES, "targets": TARGETS, "lr": 0.1, name: data.draw(bad)}
    step = _train_step()
    rejects(lambda: step(**args), name)
    W_in, W_out = weights()
    rejects(lambda: w2v.sgns_step(W_in, W_out, **args), name)


def test_make_train_step_and_sgns_loss_reject_bad_arguments():
    import keras

    model = w2v_tf.SkipGram(V, D)
    rejects(lambda: w2v_tf.make_train_step(None, keras.optimizers.SGD()), "model")
    rejects(lambda: w2v_tf.make_train_step(model, "sgd"), "optimizer")
    scores = tf.zeros((B, 1 + K))
    rejects(lambda: w2v_tf.sgns_loss(scores, tf.constant(TARGETS - 1)), "targets")
    rejects(lambda: w2v_tf.sgns_loss(scores, tf.constant(TARGETS[:, :2])), "targets")
    rejects(lambda: w2v_tf.sgns_loss(scores + np.nan, tf.constant(TARGETS)), "scores")
