"""Tests for snippets/char_rnn_tf.py: the Keras model is the NumPy model; dropout; sampling."""

from __future__ import annotations

import numpy as np
import pytest
from char_rnn import PARAM_NAMES, build_vocab, loss_and_grads, rnn_forward, sample
from gradcheck import rel_error
from test_char_rnn import random_params  # same random weights as the NumPy tests

tf = pytest.importorskip("tensorflow")
from char_rnn_tf import (  # noqa: E402
    build_model,
    evaluate_tf,
    get_numpy_params,
    run_model,
    sample_tf,
    set_numpy_params,
    train_tf,
    zero_states,
)

SHORT = "hello, char-rnn: the same weights at every step."


@pytest.fixture(scope="module")
def model64():
    """SimpleRNN, float64, V = 9, H = 6."""
    return build_model(9, 6, "simple", dtype="float64")


def test_numpy_and_keras_forward_passes_agree(model64):
    V, H, B, T = 9, 6, 3, 11
    rng = np.random.default_rng(0)
    params = random_params(V, H)
    set_numpy_params(model64, params)
    x = rng.integers(0, V, (B, T))
    h0 = rng.standard_normal((B, H)) * 0.5
    logits_np, hs = rnn_forward(params, x, h0)
    logits_tf, (h_tf,) = run_model(model64, x, [h0])
    np.testing.assert_allclose(logits_tf, logits_np, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h_tf, hs[-1], rtol=1e-10, atol=1e-12)


def test_gradient_tape_agrees_with_numpy_bptt(model64):
    V, H, B, T = 9, 6, 2, 8
    rng = np.random.default_rng(1)
    params = random_params(V, H, seed=2)
    set_numpy_params(model64, params)
    x, y = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    h0 = rng.standard_normal((B, H)) * 0.5
    loss_np, grads, _ = loss_and_grads(params, x, y, h0)
    rnn, out = model64.get_layer("rnn"), model64.get_layer("logits")
    variables = [*rnn.trainable_variables, *out.trainable_variables]  # Wxh Whh bh Why by
    with tf.GradientTape() as tape:
        logits, _ = model64([tf.constant(x, tf.int32), tf.constant(h0)])
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
    grads_tf = tape.gradient(loss, variables)
    assert float(loss) == pytest.approx(loss_np, rel=1e-12)
    for name, g in zip(PARAM_NAMES, grads_tf, strict=True):
        assert rel_error(g.numpy(), grads[name]) < 1e-6, name


def test_weights_round_trip(model64):
    params = random_params(9, 6, seed=3)
    set_numpy_params(model64, params)
    back = get_numpy_params(model64)
    for k in PARAM_NAMES:
        np.testing.assert_array_equal(back[k], params[k])


def test_sampling_matches_numpy_sampling(model64):
    vocab = build_vocab("abcdefghi")
    params = random_params(9, 6, seed=4, scale=1.0)
    set_numpy_params(model64, params)
    for kwargs in ({"temperature": 0.7, "rng": 5}, {"greedy": True}):
        assert sample_tf(model64, vocab, "abc", 25, **kwargs) == \
            sample(params, vocab, "abc", 25, **kwargs)


def test_sampling_errors(model64):
    vocab = build_vocab("abcdefghi")
    with pytest.raises(ValueError, match="temperature"):
        sample_tf(model64, vocab, "a", 5, temperature=0.0)
    with pytest.raises(KeyError, match="'z'"):
        sample_tf(model64, vocab, "abz", 5)


def test_recurrent_dropout_is_variational():
    """One mask per sequence, the same at every step (Gal & Ghahramani 2016).

    With Wxh = 0, bh = 0 and Whh = 3 I, h_t = tanh(3 (m * h_{t-1})): a unit dropped by
    mask m is 0 from step 1 on.  A fresh mask per step would drop more units every step.
    """
    V, H, B, T = 4, 64, 3, 12
    model = build_model(V, H, "simple", recurrent_dropout=0.5, seed=0, dtype="float64")
    params = {"Wxh": np.zeros((V, H)), "Whh": 3.0 * np.eye(H), "bh": np.zeros(H),
              "Why": np.zeros((H, V)), "by": np.zeros(V)}
    set_numpy_params(model, params)
    x = np.zeros((B, T), np.int32)
    h0 = np.ones((B, H))
    rnn = model.get_layer("rnn")
    onehot = tf.one_hot(x, V, dtype=tf.float64)
    hs, _ = rnn(onehot, initial_state=[tf.constant(h0)], training=True)
    dropped = hs.numpy() == 0.0                                # (B, T, H)
    assert np.all(dropped == dropped[:, :1, :])                # same units at every step
    assert 0.3 < dropped[:, 0].mean() < 0.7                    # about half of them
    assert not np.array_equal(dropped[0, 0], dropped[1, 0])    # a new mask per sequence
    hs_eval, _ = rnn(onehot, initial_state=[tf.constant(h0)], training=False)
    assert not np.any(hs_eval.numpy() == 0.0)                  # no dropout at inference


def test_training_overfits_and_is_deterministic():
    vocab = build_vocab(SHORT)
    ids = vocab.encode(SHORT)

    def run(steps):
        model = build_model(len(vocab), 32, "simple", seed=0)
        losses = train_tf(model, ids, steps=steps, batch_size=1, seq_length=len(SHORT) - 1,
                          lr=1e-2)
        return model, losses

    (m1, l1), (_, l2) = run(150), run(20)
    assert l1[:20] == l2  # same seed, same losses, step for step
    assert l1[0] == pytest.approx(np.log(len(vocab)), abs=0.3)
    assert l1[-1] < 0.1  # measured: about 0.01 nats/char after 150 steps
    assert sample_tf(m1, vocab, SHORT[0], len(SHORT) - 1, greedy=True) == SHORT[1:]


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_gru_and_lstm_options_train(cell):
    text = SHORT * 6
    vocab = build_vocab(text)
    model = build_model(len(vocab), 16, cell, recurrent_dropout=0.1, seed=0)
    assert len(zero_states(model, 2)) == (2 if cell == "lstm" else 1)
    ids = vocab.encode(text)
    before = evaluate_tf(model, ids, 2, 20)
    losses = train_tf(model, ids, steps=30, batch_size=2, seq_length=20, lr=1e-2)
    after = evaluate_tf(model, ids, 2, 20)
    # measured: 3.10 -> 2.29 (GRU) and 3.10 -> 2.63 (LSTM) nats/char after 30 steps
    assert np.isfinite(losses).all() and after < before - 0.25
    with pytest.raises(ValueError, match="simple"):
        get_numpy_params(model)


def test_bad_arguments():
    with pytest.raises(ValueError, match="cell"):
        build_model(5, 4, "transformer")
    with pytest.raises(ValueError, match="recurrent_dropout"):
        build_model(5, 4, "simple", recurrent_dropout=1.0)
    model = build_model(5, 4, "simple")
    with pytest.raises(ValueError, match="batch_size"):
        train_tf(model, np.arange(20) % 5, steps=1, batch_size=10, seq_length=5)
