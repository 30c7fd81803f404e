"""Character-level RNN language model in TensorFlow/Keras.  (页面：3.2 递归神经网络)

The same model as char_rnn.py (one-hot input of width V -> SimpleRNN of H units ->
Dense of width V), with GRU or LSTM as an option, trained with tf.GradientTape on the
same data pipeline: Vocab, make_streams and windows of char_rnn.py, and sampling uses
char_rnn.choose_next.  recurrent_dropout > 0 is the variational dropout of
Gal & Ghahramani (2016): one dropout mask per sequence, reused at every time step.

Every public function checks its arguments with the rules of its char_rnn.py twin
(the same helpers, before TensorFlow is imported): ids must lie in 0..V-1, clip and lr
must be > 0, an unknown cell is a KeyError.  seed must be an integer in 0..2**32-1
(Keras seeds need one; char_rnn.init_params also takes a Generator or None).

References: Y. Gal & Z. Ghahramani, "A Theoretically Grounded Application of Dropout in
Recurrent Neural Networks" (NeurIPS 2016).

Run: python char_rnn_tf.py [your_text.txt] [--cell simple|gru|lstm] [--steps 300]
         [--hidden 64] [--batch 4] [--seq 25] [--recurrent-dropout 0] [--seed 0]
     python char_rnn_tf.py --experiment [your_text.txt]     (many minutes on a CPU)
"""

from __future__ import annotations

import time
import weakref

import numpy as np
from _checks import check_choice, check_float_dtype, check_int, check_rng
from _cli import demo_parser, fraction, non_negative_int, positive_int, run, text_file
from char_rnn import (
    DEMO_TEXT,
    _check_clip,
    _check_eval_ids,
    _check_inputs,
    _check_lr,
    _check_params,
    _check_sampling,
    _check_schedule,
    _check_sizes,
    _check_split,
    _check_state,
    _check_stream_args,
    _check_vocab,
    _fraction,
    _kind,
    build_vocab,
    check_demo_text,
    choose_next,
    eval_streams,
    make_streams,
    split_text,
    take_steps,
    windows,
)

CELLS = ("simple", "gru", "lstm")


# --8<-- [start:model]
def build_model(vocab_size: int, hidden_size: int, cell: str = "simple",
                recurrent_dropout: float = 0.0, seed: int = 0, dtype: str = "float32"):
    """[ids (B, T), *states (B, H)] -> [logits (B, T, V), *new states]; LSTM has 2 states.

    Layer sizes: one-hot input V -> recurrent layer H -> Dense output V, for any T.
    """
    vocab_size, hidden_size, seed, dtype = _check_model_args(
        vocab_size, hidden_size, cell, recurrent_dropout, seed, dtype)  # ints Keras takes
    import keras

    keras.utils.set_random_seed(seed)
    V, H = vocab_size, hidden_size
    layer = {"simple": keras.layers.SimpleRNN, "gru": keras.layers.GRU,
             "lstm": keras.layers.LSTM}[cell]
    ids = keras.Input((None,), dtype="int32", name="ids")
    states_in = [keras.Input((H,), dtype=dtype, name=f"state{i}")
                 for i in range(2 if cell == "lstm" else 1)]
    x = keras.layers.Lambda(lambda t: keras.ops.one_hot(t, V, dtype=dtype),
                            name="one_hot")(ids)                          # (B, T, V)
    # recurrent_dropout: the same mask on h_{t-1} at every step t (Gal & Ghahramani)
    rnn = layer(H, return_sequences=True, return_state=True, name="rnn", dtype=dtype,
                recurrent_dropout=recurrent_dropout, seed=seed)
    hs, *states_out = rnn(x, initial_state=states_in)                     # (B, T, H)
    logits = keras.layers.Dense(V, name="logits", dtype=dtype)(hs)        # (B, T, V)
    return keras.Model([ids, *states_in], [logits, *states_out], name=f"char_{cell}")


def zero_states(model, batch_size: int):
    """Initial states (all zeros), one (B, H) array per state input of the model."""
    _check_zero_states(model, batch_size)
    return [np.zeros((batch_size, s.shape[-1]), s.dtype) for s in model.inputs[1:]]


_COMPILED = weakref.WeakKeyDictionary()  # model -> its forward pass as a tf.function


def run_model(model, ids, states):
    """ids (B, T) ints, states list of (B, H) -> logits (B, T, V), new states, as NumPy.

    Inference mode (no dropout), compiled once per model with tf.function.
    """
    ids, states = _check_run_args(model, ids, states)  # rnn_forward's rules
    import tensorflow as tf

    if model not in _COMPILED:
        specs = [tf.TensorSpec((None, None), tf.int32)]
        specs += [tf.TensorSpec((None, s.shape[-1]), s.dtype) for s in model.inputs[1:]]
        _COMPILED[model] = tf.function(lambda inputs: model(inputs, training=False),
                                       input_signature=[specs])
    inputs = [tf.convert_to_tensor(ids, tf.int32)]
    inputs += [tf.convert_to_tensor(s, model.inputs[1].dtype) for s in states]
    logits, *states = _COMPILED[model](inputs)
    return logits.numpy(), [s.numpy() for s in states]


def set_numpy_params(model, params):
    """Copy char_rnn.py parameters into a SimpleRNN model: same layout, no transposes."""
    params = _check_set_params(model, params)
    model.get_layer("rnn").set_weights([params["Wxh"], params["Whh"], params["bh"]])
    model.get_layer("logits").set_weights([params["Why"], params["by"]])


def get_numpy_params(model):
    _check_simple_rnn(model, "get_numpy_params")
    Wxh, Whh, bh = model.get_layer("rnn").get_weights()
    Why, by = model.get_layer("logits").get_weights()
    return {"Wxh": Wxh, "Whh": Whh, "bh": bh, "Why": Why, "by": by}
# --8<-- [end:model]


# --8<-- [start:train]
def train_tf_steps(model, ids, *, batch_size: int = 32, seq_length: int = 25,
                   lr: float = 2e-3, clip: float = 5.0):
    """Generator of losses, one update per next(), as char_rnn.train_steps: Adam with
    gradients clipped to [-clip, clip], the same (B, T) windows, the state carried from
    window to window (truncated BPTT)."""
    _check_train_tf_args(model, ids, batch_size, seq_length, lr, clip)  # train_steps' rules
    import keras
    import tensorflow as tf

    streams = make_streams(ids, batch_size, seq_length).astype(np.int32)
    optimizer = keras.optimizers.Adam(learning_rate=lr, clipvalue=clip)
    optimizer.build(model.trainable_variables)
    state_specs = tuple(tf.TensorSpec((batch_size, s.shape[-1]), s.dtype)
                        for s in model.inputs[1:])
    ids_spec = tf.TensorSpec((batch_size, None), tf.int32)

    @tf.function(input_signature=[ids_spec, ids_spec, state_specs])
    def train_step(x, y, states):
        with tf.GradientTape() as tape:
            logits, *new_states = model([x, *states], training=True)
            # mean over the B*T characters of -log p(next char)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss, tuple(new_states)

    def steps():
        while True:                                       # one pass through the text
            states = tuple(zero_states(model, batch_size))
            for x, y in windows(streams, seq_length):
                loss, states = train_step(x, y, states)
                yield float(loss)

    return steps()


def train_tf(model, ids, *, steps: int, batch_size: int = 32, seq_length: int = 25,
             lr: float = 2e-3, clip: float = 5.0, callback=None,
             callback_every: int = 100) -> list[float]:
    """Train for `steps` updates; callback(step, model, loss) every callback_every steps."""
    _check_schedule(steps, callback, callback_every)
    updates = train_tf_steps(model, ids, batch_size=batch_size, seq_length=seq_length,
                             lr=lr, clip=clip)
    return take_steps(updates, steps, callback, callback_every, model)


def evaluate_tf(model, ids, batch_size: int = 8, seq_length: int = 200) -> float:
    """Mean loss in nats per character over ids (N,), as char_rnn.evaluate."""
    _check_eval_ids(ids, batch_size, seq_length, _check_model(model)[0])
    import tensorflow as tf

    streams, seq_length = eval_streams(ids, batch_size, seq_length)
    streams = streams.astype(np.int32)
    states = zero_states(model, streams.shape[0])
    total, count = 0.0, 0
    for x, y in windows(streams, seq_length):
        logits, states = run_model(model, x, states)
        total += float(tf.reduce_sum(
            tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits)))
        count += y.size
    return total / count
# --8<-- [end:train]


# --8<-- [start:sample]
def sample_tf(model, vocab, seed_text: str, n: int, temperature: float = 1.0,
              rng=None, greedy: bool = False) -> str:
    """Read seed_text, then generate n characters, as char_rnn.sample."""
    rng = _check_sample_tf_args(model, vocab, seed_text, n, temperature, rng, greedy)
    ids = vocab.encode(seed_text)
    logits, states = run_model(model, ids[None, :], zero_states(model, 1))
    y = logits[0, -1]                                         # (V,)
    out = []
    for _ in range(n):
        i = choose_next(y, temperature, rng, greedy)
        out.append(i)
        logits, states = run_model(model, [[i]], states)      # one more step
        y = logits[0, -1]
    return vocab.decode(out)
# --8<-- [end:sample]


# --8<-- [start:experiment]
def recurrent_dropout_experiment(text: str, *, rates=(0.0, 0.25, 0.5), cell: str = "lstm",
                                 hidden_size: int = 256, steps: int = 600,
                                 batch_size: int = 32, seq_length: int = 50,
                                 val_fraction: float = 0.1, lr: float = 3e-3,
                                 eval_every: int = 50, seed: int = 0) -> dict:
    """Train the same model with each recurrent_dropout rate (a list or tuple of distinct
    rates in [0, 1)); validation loss (nats/char) every eval_every <= steps steps, on the
    last val_fraction of the text."""
    _check_experiment_args(text, rates, cell, hidden_size, steps, batch_size, seq_length,
                           val_fraction, lr, eval_every, seed)
    train_text, val_text = split_text(text, val_fraction)
    vocab = build_vocab(text)
    train_ids, val_ids = vocab.encode(train_text), vocab.encode(val_text)
    results = {}
    for rate in rates:
        model = build_model(len(vocab), hidden_size, cell, recurrent_dropout=rate, seed=seed)
        curve = []

        def record(step, m, loss, curve=curve):
            curve.append((step, loss, evaluate_tf(m, val_ids, 4, 200)))

        t0 = time.perf_counter()
        train_tf(model, train_ids, steps=steps, batch_size=batch_size, seq_length=seq_length,
                 lr=lr, callback=record, callback_every=eval_every)
        results[rate] = {"curve": curve, "best_val": min(c[2] for c in curve),
                         "final_val": curve[-1][2], "seconds": time.perf_counter() - t0}
    return results
# --8<-- [end:experiment]


# -------------------------------------------------------------- argument checks
# The rules of char_rnn.py's helpers; only the model is TensorFlow's own, and it is
# checked through Keras attributes, without importing TensorFlow.
def _check_seed(seed) -> int:
    """init_params' rule, narrowed: Keras needs an integer seed below 2**32."""
    check_rng(seed, "seed")
    return check_int(seed, "seed", 0, 2**32 - 1)


def _check_model_args(vocab_size, hidden_size, cell, recurrent_dropout, seed, dtype):
    """The sizes and seed as Python ints (Keras rejects NumPy integers), and the dtype name."""
    _check_sizes(vocab_size, hidden_size)
    check_choice(cell, "cell", CELLS)
    _fraction(recurrent_dropout, "recurrent_dropout")
    return int(vocab_size), int(hidden_size), _check_seed(seed), check_float_dtype(dtype).name


def _check_model(model) -> tuple[int, int]:
    """(V, H) of a model from build_model."""
    try:
        V, H = model.get_layer("logits").units, model.get_layer("rnn").units
        inputs = len(model.inputs)
    except (AttributeError, TypeError):
        raise TypeError(f"model must be a Keras model from build_model, got {_kind(model)}") \
            from None
    except ValueError:  # Keras: no such layer
        inputs = 0
    if inputs not in (2, 3):  # ids and one state, or two for an LSTM
        raise ValueError("model must be a model from build_model, with layers 'rnn' and "
                         "'logits' and inputs ids and states")
    return V, H


def _check_simple_rnn(model, caller: str) -> tuple[int, int]:
    V, H = _check_model(model)
    kind = model.get_layer("rnn").__class__.__name__
    if kind != "SimpleRNN":
        raise ValueError(f"model must be built with cell='simple' for {caller}, got {kind}")
    return V, H


def _check_zero_states(model, batch_size) -> None:
    _check_model(model)
    check_int(batch_size, "batch_size", 1)


def _check_run_args(model, ids, states):
    V, H = _check_model(model)
    ids = _check_inputs(ids, V, "ids")
    count = len(model.inputs) - 1
    if not isinstance(states, list | tuple):
        raise TypeError(f"states must be a list of {count} (B, H) arrays (see zero_states), "
                        f"got {_kind(states)}")
    if len(states) != count:
        raise ValueError(f"states must be a list of {count} (B, H) arrays for this model, "
                         f"got {len(states)}")
    return ids, [_check_state(s, (ids.shape[0], H), f"states[{i}]")
                 for i, s in enumerate(states)]


def _check_set_params(model, params):
    V, H = _check_simple_rnn(model, "set_numpy_params")
    params = _check_params(params)
    if params["Wxh"].shape != (V, H):
        raise ValueError(f"params must be for the model's V, H = {V}, {H}, got "
                         f"{params['Wxh'].shape} from params['Wxh']")
    return params


def _check_train_tf_args(model, ids, batch_size, seq_length, lr, clip) -> None:
    V, _ = _check_model(model)
    _check_stream_args(ids, batch_size, seq_length, V)
    _check_lr(lr)
    _check_clip(clip)


def _check_sample_tf_args(model, vocab, seed_text, n, temperature, rng, greedy):
    V, _ = _check_model(model)
    rng = _check_sampling(seed_text, n, temperature, rng, greedy)
    _check_vocab(vocab, V, seed_text, "seed_text")
    return rng


def _check_experiment_args(text, rates, cell, hidden_size, steps, batch_size, seq_length,
                           val_fraction, lr, eval_every, seed) -> None:
    cut = _check_split(text, val_fraction)
    if isinstance(rates, str) or not isinstance(rates, list | tuple) or not rates:
        raise TypeError(f"rates must be a non-empty list of dropout rates, got {_kind(rates)}")
    for i, rate in enumerate(rates):
        _fraction(rate, f"rates[{i}]")
    if len(set(rates)) != len(rates):  # results are keyed by rate
        raise ValueError(f"rates must be distinct, got {list(rates)}")
    check_choice(cell, "cell", CELLS)
    check_int(hidden_size, "hidden_size", 1)
    steps = check_int(steps, "steps", 1)
    eval_every = check_int(eval_every, "eval_every", 1)
    if eval_every > steps:
        raise ValueError(f"eval_every={eval_every} must be <= steps={steps}: no validation "
                         "loss would be recorded")
    _check_stream_args(np.zeros(cut, np.int64), batch_size, seq_length)
    if len(text) - cut < 2:
        raise ValueError(f"val_fraction={val_fraction} leaves {len(text) - cut} character(s) "
                         "for validation; a loss needs at least 2")
    _check_lr(lr)
    _check_seed(seed)


EXPERIMENT = {"cell": "lstm", "steps": 600, "hidden": 256, "batch": 32, "seq": 50}
EXPERIMENT_CHARS = 30_000


def lee_background() -> str:
    """gensim's test corpus lee_background.cor (news text, ~25,000 words)."""
    from gensim.test.utils import datapath

    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        return f.read()


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("path", nargs="?", type=text_file,
                        help="UTF-8 text file to train on (default: a short built-in text; "
                             "with --experiment gensim's lee_background.cor)")
    parser.add_argument("--cell", choices=CELLS, default="simple",
                        help="recurrent layer; lstm with --experiment")
    parser.add_argument("--steps", type=positive_int, default=300,
                        help="training steps; 600 with --experiment")
    parser.add_argument("--hidden", type=positive_int, default=64,
                        help="hidden units H; 256 with --experiment")
    parser.add_argument("--batch", type=positive_int, default=4,
                        help="parallel streams B; 32 with --experiment")
    parser.add_argument("--seq", type=positive_int, default=25,
                        help="characters per window T; 50 with --experiment")
    parser.add_argument("--recurrent-dropout", type=fraction, default=0.0,
                        help="dropout rate on h_{t-1}, in [0, 1)")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the weights and dropout masks")
    parser.add_argument("--experiment", action="store_true",
                        help="train with recurrent dropout 0, 0.25 and 0.5 on the first "
                             f"{EXPERIMENT_CHARS:,} characters and compare validation losses")
    args = parser.parse_args(argv)
    if args.experiment:  # the settings on the page, unless given on the command line
        parser.set_defaults(**EXPERIMENT)
        args = parser.parse_args(argv)
        if args.recurrent_dropout:
            parser.error("argument --recurrent-dropout: not allowed with --experiment, "
                         "which compares 0, 0.25 and 0.5")
        experiment(parser, args)
        return
    text = args.path.read_text(encoding="utf-8") if args.path else DEMO_TEXT
    check_demo_text(parser, text, args.batch, args.seq)

    vocab = build_vocab(text)
    train_text, val_text = split_text(text, 0.1)
    model = build_model(len(vocab), args.hidden, args.cell, args.recurrent_dropout, args.seed)
    print(f"{len(text)} characters, V = {len(vocab)}, {args.cell} H = {args.hidden}")

    def report(step, model, loss):
        print(f"step {step:5d}  train loss {loss:.3f}  | "
              f"{sample_tf(model, vocab, text[0], 60, 0.8, rng=step)!r}")

    train_tf(model, vocab.encode(train_text), steps=args.steps, batch_size=args.batch,
             seq_length=args.seq, callback=report, callback_every=max(1, args.steps // 3))
    val_loss = evaluate_tf(model, vocab.encode(val_text), 1, args.seq)
    print(f"validation loss {val_loss:.3f} nats/char")


def experiment(parser, args) -> None:
    """--experiment: recurrent_dropout_experiment, one line per rate."""
    text = args.path.read_text(encoding="utf-8") if args.path else lee_background()
    text = text[:EXPERIMENT_CHARS]
    check_demo_text(parser, text, args.batch, args.seq)
    print(f"{len(text)} characters; {args.cell} H = {args.hidden}, B = {args.batch}, "
          f"T = {args.seq}, {args.steps} steps per rate (slow on a CPU)")
    results = recurrent_dropout_experiment(
        text, cell=args.cell, hidden_size=args.hidden, steps=args.steps,
        batch_size=args.batch, seq_length=args.seq, eval_every=min(50, args.steps),
        seed=args.seed)
    print("rate  best_val  final_val  (validation loss, nats/char)")
    for rate, r in results.items():
        print(f"{rate:<4}  {r['best_val']:8.3f}  {r['final_val']:9.3f}")


if __name__ == "__main__":
    run(main)
