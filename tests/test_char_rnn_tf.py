"""Tests for snippets/char_rnn_tf.py: the Keras model is the NumPy model; dropout; sampling."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from badinput import bad_arrays, bad_integers, bad_labels, bad_names, bad_numbers, rejects
from char_rnn import (
    PARAM_NAMES,
    Adam,
    build_vocab,
    evaluate,
    init_params,
    loss_and_grads,
    rnn_forward,
    sample,
    train,
)
from gradcheck import rel_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_char_rnn import random_params, valid_ids  # the NumPy tests' weights and ids

tf = pytest.importorskip("tensorflow")
import char_rnn_tf as crt  # noqa: E402
from char_rnn_tf import (  # noqa: E402
    CELLS,
    build_model,
    evaluate_tf,
    get_numpy_params,
    recurrent_dropout_experiment,
    run_model,
    sample_tf,
    set_numpy_params,
    train_tf,
    train_tf_steps,
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
    with pytest.raises(KeyError, match="seed_text.*'z'"):
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
    rejects(lambda: get_numpy_params(model), "cell='simple'")


def test_recurrent_dropout_experiment_is_plain_training_per_rate():
    """The page's table comes from this function (benchmarks/char_rnn_dropout.py): each
    rate's curve is what train_tf and evaluate_tf give for that model, at every
    eval_every steps, and a seed repeats it."""
    text = SHORT * 12
    args = {"rates": (0.0, 0.5), "cell": "lstm", "hidden_size": 8, "steps": 6,
            "batch_size": 2, "seq_length": 10, "eval_every": 3, "seed": 1}
    results = recurrent_dropout_experiment(text, **args)
    assert set(results) == {0.0, 0.5}
    for r in results.values():
        assert [c[0] for c in r["curve"]] == [3, 6]
        assert r["best_val"] == min(c[2] for c in r["curve"])
        assert r["final_val"] == r["curve"][-1][2] and r["seconds"] > 0
    assert results[0.0]["curve"] != results[0.5]["curve"]  # the mask changes training

    train_text, val_text = crt.split_text(text, 0.1)
    vocab = build_vocab(text)
    model = build_model(len(vocab), 8, "lstm", recurrent_dropout=0.0, seed=1)
    seen = []
    train_tf(model, vocab.encode(train_text), steps=6, batch_size=2, seq_length=10,
             lr=3e-3, callback=lambda s, m, loss: seen.append(
                 (s, loss, evaluate_tf(m, vocab.encode(val_text), 4, 200))),
             callback_every=3)
    assert [tuple(c) for c in results[0.0]["curve"]] == seen
    again = recurrent_dropout_experiment(text, **args)
    assert [r["curve"] for r in again.values()] == [r["curve"] for r in results.values()]


# ------------------------------------------------------------------ bad input
# The same generated bad values as tests/test_char_rnn.py; every check runs before
# TensorFlow does any work, with the rule of the NumPy twin.
V, H = 7, 4
IDS = np.arange(60) % V
VOCAB = build_vocab("abcdefg")
EXAMPLES = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def model7():
    """SimpleRNN, float32, V = 7, H = 4: never trained by the calls below."""
    return build_model(V, H, "simple")


def _experiment(**kw):
    args = {"text": SHORT * 4, "rates": (0.0,), "hidden_size": 4, "steps": 2,
            "batch_size": 2, "seq_length": 5, "eval_every": 1, **kw}
    return lambda: recurrent_dropout_experiment(**args)


def _train_tf(model, **kw):
    args = {"steps": 1, "batch_size": 2, "seq_length": 5, **kw}
    ids = args.pop("ids", IDS)
    return lambda: train_tf(model, ids, **args)


def _sample_tf(model, **kw):
    args = {"vocab": VOCAB, "seed_text": "ab", "n": 3, "rng": 0, **kw}
    return lambda: sample_tf(model, **args)


INTEGER_ARGS = [  # (call with model and value, argument name, minimum)
    (lambda m, v: build_model(v, H), "vocab_size", 1),
    (lambda m, v: build_model(V, v), "hidden_size", 1),
    (lambda m, v: zero_states(m, v), "batch_size", 1),
    (lambda m, v: _train_tf(m, steps=v)(), "steps", 0),
    (lambda m, v: _train_tf(m, batch_size=v)(), "batch_size", 1),
    (lambda m, v: _train_tf(m, seq_length=v)(), "seq_length", 1),
    (lambda m, v: _train_tf(m, callback_every=v)(), "callback_every", 1),
    (lambda m, v: train_tf_steps(m, IDS, batch_size=v), "batch_size", 1),
    (lambda m, v: train_tf_steps(m, IDS, seq_length=v), "seq_length", 1),
    (lambda m, v: evaluate_tf(m, IDS, v, 5), "batch_size", 1),
    (lambda m, v: evaluate_tf(m, IDS, 2, v), "seq_length", 1),
    (lambda m, v: _sample_tf(m, n=v)(), "n", 0),
    (lambda m, v: _experiment(hidden_size=v)(), "hidden_size", 1),
    (lambda m, v: _experiment(steps=v)(), "steps", 1),
    (lambda m, v: _experiment(batch_size=v)(), "batch_size", 1),
    (lambda m, v: _experiment(seq_length=v)(), "seq_length", 1),
    (lambda m, v: _experiment(eval_every=v)(), "eval_every", 1),
]


@pytest.mark.parametrize("call, name, minimum", INTEGER_ARGS,
                         ids=[f"{i}-{c[1]}" for i, c in enumerate(INTEGER_ARGS)])
@EXAMPLES
@given(data=st.data())
def test_rejects_a_bad_integer(model7, call, name, minimum, data):
    value = data.draw(bad_integers(minimum=minimum))
    rejects(lambda: call(model7, value), name)


def bad_fractions(above=False):
    return st.one_of(bad_numbers(0, above=above, maximum=1), st.just(1.0), st.just(1))


NUMBER_ARGS = [  # (call with model and value, argument name, strategy)
    (lambda m, v: build_model(V, H, recurrent_dropout=v), "recurrent_dropout",
     bad_fractions()),
    (lambda m, v: _train_tf(m, lr=v)(), "lr", bad_numbers(0, above=True)),
    (lambda m, v: _train_tf(m, clip=v)(), "clip", bad_numbers(0, above=True)),
    (lambda m, v: train_tf_steps(m, IDS, batch_size=2, seq_length=5, lr=v), "lr",
     bad_numbers(0, above=True)),
    (lambda m, v: train_tf_steps(m, IDS, batch_size=2, seq_length=5, clip=v), "clip",
     bad_numbers(0, above=True)),
    (lambda m, v: _sample_tf(m, temperature=v)(), "temperature", bad_numbers(0, above=True)),
    (lambda m, v: _experiment(val_fraction=v)(), "val_fraction", bad_fractions(above=True)),
    (lambda m, v: _experiment(lr=v)(), "lr", bad_numbers(0, above=True)),
    (lambda m, v: _experiment(rates=(0.0, v))(), "rates[1]", bad_fractions()),
]


@pytest.mark.parametrize("call, name, strategy", NUMBER_ARGS,
                         ids=[f"{i}-{c[1]}" for i, c in enumerate(NUMBER_ARGS)])
@EXAMPLES
@given(data=st.data())
def test_rejects_a_bad_number(model7, call, name, strategy, data):
    value = data.draw(strategy)
    rejects(lambda: call(model7, value), name)


@pytest.mark.parametrize("call", [lambda v: build_model(V, H, v),
                                  lambda v: _experiment(cell=v)()], ids=["model", "experiment"])
@EXAMPLES
@given(cell=bad_names(CELLS))
def test_rejects_an_unknown_cell(call, cell):
    rejects(lambda: call(cell), "cell")


@pytest.mark.parametrize("call", [lambda v: build_model(V, H, seed=v),
                                  lambda v: _experiment(seed=v)()], ids=["model", "experiment"])
@EXAMPLES
@given(seed=st.one_of(bad_integers(minimum=0, maximum=2**32 - 1),
                      st.just(np.random.default_rng(0))))
def test_rejects_a_seed_keras_cannot_use(call, seed):
    """init_params' rule, narrowed to what Keras takes: no None, no Generator, < 2**32."""
    rejects(lambda: call(seed), "seed")


@EXAMPLES
@given(dtype=st.sampled_from(["float16", np.int64, "int32", None, object(), "no such type"]))
def test_build_model_rejects_a_dtype_other_than_float32_or_float64(dtype):
    rejects(lambda: build_model(V, H, dtype=dtype), "dtype")


LABEL_ARGS = [  # (call with model and value, argument name, shape, at least this many ids)
    (lambda m, v: run_model(m, v, zero_states(m, 2)), "ids", (2, 3), 1),
    (lambda m, v: _train_tf(m, ids=v)(), "ids", (60,), 12),
    (lambda m, v: train_tf_steps(m, v, batch_size=2, seq_length=5), "ids", (60,), 12),
    (lambda m, v: evaluate_tf(m, v), "ids", (60,), 2),
]


@pytest.mark.parametrize("call, name, shape, at_least", LABEL_ARGS,
                         ids=[f"{i}-{c[1]}" for i, c in enumerate(LABEL_ARGS)])
@EXAMPLES
@given(data=st.data())
def test_rejects_bad_ids(model7, call, name, shape, at_least, data):
    value = data.draw(bad_labels(shape, V).filter(
        lambda v: not valid_ids(v, len(shape), V, at_least)))
    rejects(lambda: call(model7, value), name)


@EXAMPLES
@given(data=st.data())
def test_run_model_rejects_a_bad_state(model7, data):
    state = data.draw(bad_arrays((2, H)))
    rejects(lambda: run_model(model7, np.zeros((2, 3), np.int64), [state]), "states[0]")


@pytest.mark.parametrize("states", [None, np.zeros((2, H)), [], [np.zeros((2, H))] * 2,
                                    [np.zeros((3, H))], [np.zeros((2, H + 1))]],
                         ids=["None", "array", "none", "two", "batch", "width"])
def test_run_model_rejects_states_that_do_not_fit(model7, states):
    rejects(lambda: run_model(model7, np.zeros((2, 3), np.int64), states), "states")


@pytest.mark.parametrize("call, name", [
    (lambda m, v: _sample_tf(m, seed_text=v)(), "seed_text"),
    (lambda m, v: _experiment(text=v)(), "text"),
], ids=["seed_text", "text"])
@EXAMPLES
@given(text=st.sampled_from([None, 1, b"abc", ["a"], ""]))
def test_rejects_a_text_that_is_not_a_non_empty_string(model7, call, name, text):
    rejects(lambda: call(model7, text), name)


@pytest.mark.parametrize("kwargs, name", [
    ({"rng": -1}, "rng"), ({"rng": 1.5}, "rng"), ({"rng": "0"}, "rng"),
    ({"greedy": 1}, "greedy"), ({"greedy": "yes"}, "greedy"),
    ({"vocab": "abcdefg"}, "vocab"), ({"vocab": build_vocab("abc")}, "vocab"),
    ({"seed_text": "abz"}, "seed_text"),
])
def test_sample_tf_rejects_what_sample_rejects(model7, kwargs, name):
    rejects(_sample_tf(model7, **kwargs), name)


MODEL_CALLS = {
    "zero_states": lambda m: zero_states(m, 1),
    "run_model": lambda m: run_model(m, [[0]], [np.zeros((1, H))]),
    "set_numpy_params": lambda m: set_numpy_params(m, random_params(V, H)),
    "get_numpy_params": get_numpy_params,
    "train_tf": lambda m: _train_tf(m)(),
    "train_tf_steps": lambda m: train_tf_steps(m, IDS, batch_size=2, seq_length=5),
    "evaluate_tf": lambda m: evaluate_tf(m, IDS),
    "sample_tf": lambda m: _sample_tf(m)(),
}


@pytest.mark.parametrize("fn", MODEL_CALLS)
@pytest.mark.parametrize("model", [None, "model", {"rnn": 1}, object()],
                         ids=["None", "str", "dict", "object"])
def test_rejects_what_is_not_a_model(fn, model):
    rejects(lambda: MODEL_CALLS[fn](model), "model")


def test_set_numpy_params_rejects_params_of_another_model(model7):
    rejects(lambda: set_numpy_params(model7, random_params(V + 1, H)), "params")
    rejects(lambda: set_numpy_params(model7, random_params(V, H + 1)), "params")
    rejects(lambda: set_numpy_params(model7, {**random_params(V, H), "by": np.ones(V + 1)}),
            "by")
    rejects(lambda: set_numpy_params(model7, None), "params")


@pytest.mark.parametrize("call, name", [
    (lambda m, v: _train_tf(m, callback=v)(), "callback"),
    (lambda m, v: _experiment(rates=v)(), "rates"),
], ids=["callback", "rates"])
@pytest.mark.parametrize("value", [1, "abc", object()])
def test_rejects_what_is_not_callable_or_a_list(model7, call, name, value):
    rejects(lambda: call(model7, value), name)


def test_experiment_arguments_that_must_fit_together():
    rejects(_experiment(rates=()), "rates")
    rejects(_experiment(rates=(0.25, 0.25)), "rates must be distinct")
    rejects(_experiment(steps=10, eval_every=20), "eval_every=20 must be <= steps=10")
    rejects(_experiment(batch_size=200), "batch_size=200 is too large")
    rejects(_experiment(text="abcdefghijklmnopqrst", seq_length=2, batch_size=1,
                        val_fraction=0.05), "val_fraction")


def test_batch_larger_than_the_text_allows_is_rejected(model7):
    rejects(lambda: train_tf(model7, IDS[:20], steps=1, batch_size=10, seq_length=5),
            "batch_size")


# ---------------------------------------------------- the same rule as the NumPy twin
def bad_ids(shape, at_least):
    return bad_labels(shape, V).filter(lambda v: not valid_ids(v, len(shape), V, at_least))


TWINS = [  # (NumPy call, TensorFlow call, argument), each given the same bad value
    (lambda p, v: rnn_forward(p, v, np.zeros((2, H))),
     lambda m, v: run_model(m, v, zero_states(m, 2)), lambda: bad_ids((2, 3), 1)),
    (lambda p, v: rnn_forward(p, np.zeros((2, 3), np.int64), v),
     lambda m, v: run_model(m, np.zeros((2, 3), np.int64), [v]), lambda: bad_arrays((2, H))),
    (lambda p, v: train(p, IDS, steps=1, batch_size=2, seq_length=5, clip=v),
     lambda m, v: _train_tf(m, clip=v)(), lambda: bad_numbers(0, above=True)),
    (lambda p, v: Adam(p, lr=v), lambda m, v: _train_tf(m, lr=v)(),
     lambda: bad_numbers(0, above=True)),
    (lambda p, v: train(p, v, steps=1, batch_size=2, seq_length=5),
     lambda m, v: _train_tf(m, ids=v)(), lambda: bad_ids((60,), 12)),
    (lambda p, v: train(p, IDS, steps=v), lambda m, v: _train_tf(m, steps=v)(),
     lambda: bad_integers(minimum=0)),
    (lambda p, v: evaluate(p, v), lambda m, v: evaluate_tf(m, v), lambda: bad_ids((60,), 2)),
    (lambda p, v: sample(p, VOCAB, "ab", 3, temperature=v, rng=0),
     lambda m, v: _sample_tf(m, temperature=v)(), lambda: bad_numbers(0, above=True)),
    (lambda p, v: sample(p, VOCAB, v, 3, rng=0), lambda m, v: _sample_tf(m, seed_text=v)(),
     lambda: st.sampled_from([None, 1, "", "abz", ["a"]])),
    (lambda p, v: init_params(v, H), lambda m, v: build_model(v, H),
     lambda: bad_integers(minimum=1)),
    (lambda p, v: init_params(V, H, dtype=v), lambda m, v: build_model(V, H, dtype=v),
     lambda: st.sampled_from(["float16", np.int64, None, "no such type"])),
]


@pytest.mark.parametrize("numpy_call, tf_call, strategy", TWINS,
                         ids=[str(i) for i in range(len(TWINS))])
@EXAMPLES
@given(data=st.data())
def test_tf_and_numpy_twins_reject_the_same_values_alike(model7, numpy_call, tf_call,
                                                          strategy, data):
    value = data.draw(strategy())
    params = {k: v.astype(np.float32) for k, v in random_params(V, H).items()}
    errors = []
    for call, arg in ((numpy_call, params), (tf_call, model7)):
        with pytest.raises((TypeError, ValueError, KeyError)) as info:
            call(arg, value)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1])
    # the same message, up to the argument's name (rnn_forward's inputs and hprev)
    numpy_text = str(errors[0]).replace("inputs", "ids").replace("hprev", "states[0]")
    assert numpy_text.split(",")[0] == str(errors[1]).split(",")[0]


# ------------------------------------------------------- the bugs an audit found
def test_train_tf_rejects_a_clip_that_is_not_positive(model7):
    for clip in (0, -1.0, 0.0):
        rejects(_train_tf(model7, clip=clip), "clip")


def test_run_model_rejects_ids_outside_the_vocabulary(model7):
    for bad in (7, -1, 100):
        rejects(lambda bad=bad: run_model(model7, [[0, bad]], zero_states(model7, 1)),
                "ids must hold ids in 0..6")


def test_checks_run_before_tensorflow_is_imported():
    """Bad arguments fail fast: no TensorFlow import (several seconds) before the error."""
    code = (
        "import sys\n"
        "import char_rnn_tf as t\n"
        "calls = [lambda: t.build_model(5, 4, 'transformer'),\n"
        "         lambda: t.build_model(5, 4, seed=-1),\n"
        "         lambda: t.train_tf(None, [0, 1], steps=1),\n"
        "         lambda: t.train_tf_steps(None, [0, 1]),\n"
        "         lambda: t.evaluate_tf(None, [0, 1]),\n"
        "         lambda: t.run_model(None, [[0]], []),\n"
        "         lambda: t.sample_tf(None, None, 'a', 1),\n"
        "         lambda: t.recurrent_dropout_experiment('', rates=(0.5,))]\n"
        "for call in calls:\n"
        "    try:\n"
        "        call()\n"
        "    except (TypeError, ValueError, KeyError):\n"
        "        pass\n"
        "    else:\n"
        "        raise AssertionError('no error')\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(crt.__file__).parent)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
