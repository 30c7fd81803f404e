"""word2vec in TensorFlow: same loss, gradients, updates and trained vectors as NumPy."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import word2vec as w2v  # noqa: E402
import word2vec_tf as w2v_tf  # noqa: E402
from test_word2vec import ANIMALS, VEHICLES, _random_problem, planted_corpus  # noqa: E402


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


def test_errors():
    with pytest.raises(ValueError, match="window"):
        w2v_tf.train_skipgram_tf([["a", "b"]], window=0, min_count=1)
    with pytest.raises(ValueError, match="dim"):
        w2v_tf.train_skipgram_tf([["a", "b"]], dim=0, min_count=1)
    with pytest.raises(ValueError, match="empty"):
        w2v_tf.train_skipgram_tf([])
