"""Character-level RNN language model in TensorFlow/Keras.  (页面：3.2 递归神经网络)

The same model as char_rnn.py (one-hot input of width V -> SimpleRNN of H units ->
Dense of width V), with GRU or LSTM as an option, trained with tf.GradientTape on the
same data pipeline: Vocab, make_streams and windows of char_rnn.py, and sampling uses
char_rnn.choose_next.  recurrent_dropout > 0 is the variational dropout of
Gal & Ghahramani (2016): one dropout mask per sequence, reused at every time step.

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
from _cli import demo_parser, fraction, non_negative_int, positive_int, run, text_file
from char_rnn import (
    DEMO_TEXT,
    _check_sampling,
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
    import keras

    _check_model_args(cell, recurrent_dropout)
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
    return [np.zeros((batch_size, s.shape[-1]), s.dtype) for s in model.inputs[1:]]


_COMPILED = weakref.WeakKeyDictionary()  # model -> its forward pass as a tf.function


def run_model(model, ids, states):
    """ids (B, T) ints, states list of (B, H) -> logits (B, T, V), new states, as NumPy.

    Inference mode (no dropout), compiled once per model with tf.function.
    """
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
    _check_simple_rnn(model, "set_numpy_params")
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
    updates = train_tf_steps(model, ids, batch_size=batch_size, seq_length=seq_length,
                             lr=lr, clip=clip)
    return take_steps(updates, steps, callback, callback_every, model)


def evaluate_tf(model, ids, batch_size: int = 8, seq_length: int = 200) -> float:
    """Mean loss in nats per character over ids (N,), as char_rnn.evaluate."""
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
    _check_sampling(seed_text, n, temperature)
    ids = vocab.encode(seed_text)  # KeyError naming characters outside the vocabulary
    rng = np.random.default_rng(rng)
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
    """Train the same model with each recurrent_dropout rate; validation loss (nats/char)
    every eval_every steps, on the last val_fraction of the text."""
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
def _check_model_args(cell, recurrent_dropout):
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    if not 0.0 <= recurrent_dropout < 1.0:
        raise ValueError(f"recurrent_dropout must be in [0, 1), got {recurrent_dropout!r}")


def _check_simple_rnn(model, caller):
    if model.get_layer("rnn").__class__.__name__ != "SimpleRNN":
        raise ValueError(f"{caller} needs a model built with cell='simple'")


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
