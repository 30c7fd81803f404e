"""Character-level RNN language model in NumPy, truncated BPTT.  (页面：3.2 递归神经网络)

A vanilla RNN reads one character per time step as a one-hot vector of length V (the
vocabulary size, *not* the sequence length), keeps a hidden state h of size H and
predicts the next character with a softmax over the V characters.  The same five
weight arrays are used at every time step:

    h_t = tanh(x_t Wxh + h_{t-1} Whh + bh)      x_t (V,) one-hot, h_t (H,)
    z_t = h_t Why + by                           logits (V,)
    p_t = softmax(z_t)                           loss_t = -log p_t[next char]

After Karpathy's min-char-rnn (2015), but trained on mini-batches of B parallel streams
through the text instead of one sequence at a time, and importable: nothing is read
and nothing is trained at import time.  char_rnn_tf.py reuses its data pipeline.

Arguments are checked before any work (see _checks.py): a wrong type raises TypeError,
a wrong value ValueError, an unknown key or character KeyError, each naming the argument.
Accepted: lists wherever an array is expected (ids must be integers, weights real
numbers; ints are read as float64, float32 stays float32), Python or NumPy ints for
floats.  Ids must lie in 0..V-1: -1 is an error, not the last character.  params is the
dict of init_params, exactly its five keys; what is updated in place (train, clip_grads,
the optimizers) must already be float32 or float64 NumPy arrays.  rng and seed: a
numpy.random.Generator, an integer seed >= 0, or None for an unseeded generator.

References: A. Karpathy, min-char-rnn (2015) and "The Unreasonable Effectiveness of
Recurrent Neural Networks" (2015); Karpathy, Johnson & Fei-Fei, "Visualizing and
Understanding Recurrent Networks" (2015).

Run: python char_rnn.py [your_text.txt] [--steps 300] [--hidden 64] [--batch 4]
         [--seq 25] [--seed 0]
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping

import numpy as np
from _checks import check_array, check_float_dtype, check_int, check_labels, check_number, check_rng
from _cli import demo_parser, non_negative_int, positive_int, run, text_file


# --8<-- [start:data]
class Vocab:
    """Characters <-> integer ids 0..V-1 (characters sorted, so a text always maps the same)."""

    def __init__(self, chars):
        self.chars = _check_chars(chars)  # distinct one-character strings
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """text -> ids (N,) int64; KeyError naming every character not in the vocabulary."""
        _check_known(text, self.index)
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids) -> str:
        """ids (N,) in 0..V-1 -> text; a negative id is an error, not a character from the end."""
        ids = check_labels(ids, "ids", len(self.chars), shape="(N,)")
        return "".join(self.chars[i] for i in ids)


def build_vocab(text: str) -> Vocab:
    _check_text(text)
    return Vocab(sorted(set(text)))


def split_text(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """The first (1 - val_fraction) of the text for training, the rest for validation."""
    _check_split(text, val_fraction)  # both parts non-empty
    cut = int(round(len(text) * (1.0 - val_fraction)))
    return text[:cut], text[cut:]


def make_streams(ids: np.ndarray, batch_size: int, seq_length: int) -> np.ndarray:
    """Cut ids (N,) into B parallel streams (B, L), L = N // B: row b is ids[b*L : (b+1)*L].

    Window k of every row continues where window k-1 stopped, so the hidden state of
    each row can be carried from one window to the next (truncated BPTT).
    """
    ids = _check_stream_args(ids, batch_size, seq_length)
    L = len(ids) // batch_size
    return ids[: batch_size * L].reshape(batch_size, L)


def windows(streams: np.ndarray, seq_length: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Walk once through streams (B, L): yield inputs, targets (B, T), targets = inputs shifted
    by one character.  T = seq_length except for a shorter last window."""
    streams = _check_windows(streams, seq_length)  # now, not at the first next()
    L = streams.shape[1]

    def walk():
        for i in range(0, L - 1, seq_length):
            T = min(seq_length, L - 1 - i)
            yield streams[:, i:i + T], streams[:, i + 1:i + T + 1]

    return walk()
# --8<-- [end:data]


# --8<-- [start:init]
PARAM_NAMES = ("Wxh", "Whh", "bh", "Why", "by")


def init_params(vocab_size: int, hidden_size: int, seed: int = 0,
                dtype=np.float64) -> dict[str, np.ndarray]:
    """Random weights with variance 1/fan_in (LeCun), zero biases, and a small output
    layer so that the first predictions are close to uniform (loss = ln V).

    Layer sizes: input V (one-hot of one character) -> hidden H -> output V.
    """
    _check_init_args(vocab_size, hidden_size, seed, dtype)
    rng = np.random.default_rng(seed)
    V, H = vocab_size, hidden_size
    params = {
        "Wxh": rng.standard_normal((V, H)) / np.sqrt(V),  # input -> hidden
        "Whh": rng.standard_normal((H, H)) / np.sqrt(H),  # hidden -> hidden (the recurrence)
        "bh": np.zeros(H),
        "Why": rng.standard_normal((H, V)) * 0.01,        # hidden -> output
        "by": np.zeros(V),
    }
    return {k: v.astype(dtype) for k, v in params.items()}
# --8<-- [end:init]


# --8<-- [start:forward]
def rnn_forward(params, inputs, hprev):
    """inputs (B, T) int ids, hprev (B, H) -> logits (B, T, V), hs (T+1, B, H), hs[0] = hprev."""
    params, inputs, hprev = _check_forward_args(params, inputs, hprev)
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    B, T = inputs.shape
    # x_t Wxh for a one-hot x_t is just row inputs[:, t] of Wxh; do all t at once
    xw = Wxh[inputs.T] + bh                                  # (T, B, H)
    hs = np.empty((T + 1, B, Whh.shape[0]), dtype=Whh.dtype)
    hs[0] = hprev
    for t in range(T):
        # h_t = tanh(x_t Wxh + h_{t-1} Whh + bh)
        hs[t + 1] = np.tanh(xw[t] + hs[t] @ Whh)             # (B, H)
    # z_t = h_t Why + by (the logits), every step at once
    logits = (hs[1:].reshape(T * B, -1) @ Why + by).reshape(T, B, -1)  # (T, B, V)
    return logits.transpose(1, 0, 2), hs                     # (B, T, V)


def softmax_cross_entropy(logits, targets):
    """logits (B, T, V), targets (B, T) -> mean loss in nats per character, dlogits (B, T, V)."""
    logits, targets = _check_softmax_args(logits, targets)
    z = logits - logits.max(axis=-1, keepdims=True)          # shift for stability
    # log p = z - log sum exp z
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(logp, targets[..., None], axis=-1)
    n = targets.size
    loss = -picked.sum() / n
    # dL/dy = (p - onehot(target)) / n
    dlogits = np.exp(logp)
    np.put_along_axis(dlogits, targets[..., None], np.exp(picked) - 1.0, axis=-1)
    return float(loss), dlogits / n
# --8<-- [end:forward]


# --8<-- [start:backward]
def rnn_backward(params, inputs, hs, dlogits, clip_dh=None):
    """Backpropagation through time over the T steps of one window.

    inputs (B, T), hs (T+1, B, H) from rnn_forward, dlogits (B, T, V)
    -> grads (same keys and shapes as params), dhprev (B, H).
    Truncated BPTT: dhprev is returned but not followed into earlier windows.
    clip_dh: if set, clip dL/d(raw_t) to [-clip_dh, clip_dh] at every step (Graves 2013),
    which keeps very long windows finite even when the exact gradient explodes.
    """
    params, inputs, hs, dlogits = _check_backward_args(params, inputs, hs, dlogits, clip_dh)
    Whh, Why = params["Whh"], params["Why"]
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    dy = np.ascontiguousarray(dlogits.transpose(1, 0, 2)).reshape(T * B, -1)  # (T*B, V)
    grads = {"Why": hs[1:].reshape(T * B, H).T @ dy,        # (H, V)
             "by": dy.sum(axis=0)}
    dh_out = (dy @ Why.T).reshape(T, B, H)                   # dL/dh_t via z_t
    dhraw = np.empty((T, B, H), dtype=hs.dtype)
    dhnext = np.zeros((B, H), dtype=hs.dtype)                # dL/dh_t via h_{t+1}
    for t in reversed(range(T)):
        # through tanh: dL/d(raw_t) = (1 - h_t^2) * dL/dh_t
        dhraw[t] = (1.0 - hs[t + 1] ** 2) * (dh_out[t] + dhnext)
        if clip_dh is not None:
            np.clip(dhraw[t], -clip_dh, clip_dh, out=dhraw[t])
        # raw_t depends on h_{t-1} through Whh
        dhnext = dhraw[t] @ Whh.T
    # the same weights were used at every step, so their gradients add up over t
    grads["Whh"] = hs[:-1].reshape(-1, H).T @ dhraw.reshape(-1, H)
    grads["bh"] = dhraw.sum(axis=(0, 1))
    # dWxh = sum_t x_t^T dhraw_t with the one-hot rows x_t stacked into X (T*B, V)
    X = np.eye(params["Wxh"].shape[0], dtype=hs.dtype)[inputs.T.ravel()]
    grads["Wxh"] = X.T @ dhraw.reshape(T * B, H)
    return grads, dhnext


def loss_and_grads(params, inputs, targets, hprev, clip_dh=None):
    """min-char-rnn's lossFun, batched: -> loss (nats/char), grads, h_last (B, H)."""
    _check_loss_args(params, inputs, targets, hprev, clip_dh)
    logits, hs = rnn_forward(params, inputs, hprev)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    grads, _ = rnn_backward(params, inputs, hs, dlogits, clip_dh)
    return loss, grads, hs[-1]
# --8<-- [end:backward]


# --8<-- [start:optim]
def clip_grads(grads, clip: float):
    """Clip every gradient entry to [-clip, clip] in place (against exploding gradients)."""
    _check_clip_args(grads, clip)
    for g in grads.values():
        np.clip(g, -clip, clip, out=g)
    return grads


class Adagrad:
    """min-char-rnn's update: mem += g^2;  p -= lr * g / sqrt(mem + eps)."""

    def __init__(self, params, lr: float = 0.1, eps: float = 1e-8):
        _check_optimizer_args(params, lr, eps)
        self.lr, self.eps = lr, eps
        self.mem = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        grads = _check_step(self.mem, params, grads)
        for k, p in params.items():
            self.mem[k] += grads[k] ** 2
            p -= self.lr * grads[k] / np.sqrt(self.mem[k] + self.eps)


class Adam:
    """m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr * m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, params, lr: float = 2e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        _check_optimizer_args(params, lr, eps, beta1, beta2)
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params, grads):
        grads = _check_step(self.m, params, grads)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for k, p in params.items():
            g = grads[k]
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            m_hat = self.m[k] / (1 - b1 ** self.t)   # bias correction
            v_hat = self.v[k] / (1 - b2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
# --8<-- [end:optim]


# --8<-- [start:train]
def train_steps(params, ids, *, batch_size: int = 32, seq_length: int = 25, optimizer=None,
                clip: float = 5.0) -> Iterator[float]:
    """Update params in place, one (B, T) window per next(); yields that window's loss.

    Each window starts from the hidden state the previous one ended with (truncated
    BPTT); after the last window the walk starts again from the beginning with h = 0.
    Runs until you stop asking: see train() below.
    """
    # outside the generator, so that bad arguments fail here and not at the first next()
    _check_train_args(params, ids, batch_size, seq_length, optimizer, clip)
    streams = make_streams(ids, batch_size, seq_length)
    optimizer = optimizer if optimizer is not None else Adam(params)
    H, dtype = params["Whh"].shape[0], params["Whh"].dtype

    def steps():
        while True:                                       # one pass through the text
            h = np.zeros((batch_size, H), dtype)
            for x, y in windows(streams, seq_length):
                loss, grads, h = loss_and_grads(params, x, y, h)
                clip_grads(grads, clip)
                optimizer.step(params, grads)
                yield loss

    return steps()


def train(params, ids, *, steps: int, batch_size: int = 32, seq_length: int = 25,
          optimizer=None, clip: float = 5.0,
          callback: Callable[[int, dict, float], None] | None = None,
          callback_every: int = 100) -> list[float]:
    """Train params in place for `steps` updates; returns the loss of every step.

    callback(step, params, loss) is called every callback_every steps.
    """
    _check_schedule(steps, callback, callback_every)
    updates = train_steps(params, ids, batch_size=batch_size, seq_length=seq_length,
                          optimizer=optimizer, clip=clip)
    return take_steps(updates, steps, callback, callback_every, params)


def take_steps(updates, steps: int, callback=None, callback_every: int = 100,
               trained=None) -> list[float]:
    """The losses of the next `steps` updates; callback(step, trained, loss) every
    callback_every steps.  Shared by train and char_rnn_tf.train_tf."""
    _check_take_args(updates, steps, callback, callback_every)
    losses: list[float] = []
    for step in range(1, steps + 1):
        losses.append(_next_update(updates, step, steps))
        if callback is not None and step % callback_every == 0:
            callback(step, trained, losses[-1])
    return losses


def eval_streams(ids, batch_size: int, seq_length: int) -> tuple[np.ndarray, int]:
    """(streams, T) for evaluating on ids (N,): B and T are reduced to fit a short text."""
    ids = _check_eval_ids(ids, batch_size, seq_length)
    seq_length = min(seq_length, len(ids) - 1)
    batch_size = max(1, min(batch_size, len(ids) // (seq_length + 1)))
    return make_streams(ids, batch_size, seq_length), seq_length


def evaluate(params, ids, batch_size: int = 8, seq_length: int = 200) -> float:
    """Mean loss in nats per character over ids (N,), hidden state carried along each stream.

    B streams only make it faster; for a short text B (and T) are reduced to fit.
    """
    params = _check_evaluate_args(params, ids, batch_size, seq_length)
    streams, seq_length = eval_streams(ids, batch_size, seq_length)
    h = np.zeros((streams.shape[0], params["Whh"].shape[0]), params["Whh"].dtype)
    total, count = 0.0, 0
    for x, y in windows(streams, seq_length):
        logits, hs = rnn_forward(params, x, h)
        loss, _ = softmax_cross_entropy(logits, y)
        total += loss * y.size
        count += y.size
        h = hs[-1]
    return total / count
# --8<-- [end:train]


# --8<-- [start:sample]
def choose_next(logits, temperature: float = 1.0, rng=None, greedy: bool = False) -> int:
    """Pick a character id from logits (V,): p = softmax(logits / temperature).

    rng: a Generator, a seed, or None for an unseeded generator (a new one per call).
    """
    logits, rng = _check_choice(logits, temperature, rng, greedy)
    if greedy:
        return int(np.argmax(logits))
    # shift first, so z <= 0: a tiny temperature gives -inf, and exp(-inf) = 0 is right
    with np.errstate(over="ignore"):
        z = (logits.astype(np.float64) - logits.max()) / temperature
    p = np.exp(z)
    return int(rng.choice(len(p), p=p / p.sum()))


def sample(params, vocab: Vocab, seed_text: str, n: int, temperature: float = 1.0,
           rng=None, greedy: bool = False) -> str:
    """Read seed_text, then generate n characters one at a time, feeding each back in.

    Low temperature: safer, more repetitive text; high: more diverse, more mistakes.
    rng: a seed, a np.random.Generator or None (unseeded).  Returns the n new characters.
    """
    params, rng = _check_sample_args(params, vocab, seed_text, n, temperature, rng, greedy)
    ids = vocab.encode(seed_text)
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    logits, hs = rnn_forward(params, ids[None, :], np.zeros((1, Whh.shape[0]), Whh.dtype))
    y, h = logits[0, -1], hs[-1, 0]                          # (V,), (H,)
    out = []
    for _ in range(n):
        i = choose_next(y, temperature, rng, greedy)
        out.append(i)
        h = np.tanh(Wxh[i] + h @ Whh + bh)                   # one more step, input = choice
        y = h @ Why + by
    return vocab.decode(out)


def hidden_states(params, vocab: Vocab, text: str) -> np.ndarray:
    """Hidden state after each character of text, from h = 0: (len(text), H)."""
    params = _check_hidden_args(params, vocab, text)
    ids = vocab.encode(text)
    H = params["Whh"].shape[0]
    _, hs = rnn_forward(params, ids[None, :], np.zeros((1, H), params["Whh"].dtype))
    return hs[1:, 0]
# --8<-- [end:sample]


# --8<-- [start:save]
def save(path, params, vocab: Vocab) -> None:
    """Parameters and vocabulary in one .npz file (no pickle)."""
    params = _check_save_args(path, params, vocab)
    np.savez(path, chars=np.array(vocab.chars, dtype=str), **params)


def load(path) -> tuple[dict[str, np.ndarray], Vocab]:
    with _open_saved(path) as f:  # np.load(path, allow_pickle=False), contents checked
        params = {k: f[k].copy() for k in PARAM_NAMES}
        vocab = Vocab(str(c) for c in f["chars"])
    return params, vocab
# --8<-- [end:save]


# -------------------------------------------------------------- argument checks
# One rule per kind of argument (_checks.py); char_rnn_tf.py imports these helpers so
# that its twins accept exactly what the NumPy functions accept.
_NDIMS = {"Wxh": 2, "Whh": 2, "bh": 1, "Why": 2, "by": 1}
_ANY_NDIM = (0, 1, 2, 3, 4)  # gradients and optimizer state: any parameter array
_FLOATS = (np.float32, np.float64)


def _kind(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype}"
    return type(value).__name__


def _check_text(text, name: str = "text", empty: bool = False) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a string, got {_kind(text)}")
    if not text and not empty:
        raise ValueError(f"{name} must be a non-empty string, got ''")
    return text


def _fraction(value, name: str, above: bool = False) -> float:
    """A number in [0, 1), or (0, 1) with above=True (check_number has no exclusive
    maximum): a dropout rate, a beta of Adam, a validation fraction."""
    value = check_number(value, name, 0, 1, above=above)
    if value == 1.0:
        raise ValueError(f"{name} must be a finite number {'>' if above else '>='} 0 and < 1, "
                         f"got {value!r}")
    return value


def _check_split(text, val_fraction) -> int:
    """split_text's rules; returns where the text is cut."""
    _check_text(text)
    val_fraction = _fraction(val_fraction, "val_fraction", above=True)
    cut = int(round(len(text) * (1.0 - val_fraction)))
    if cut in (0, len(text)):
        raise ValueError(f"text of {len(text)} characters is too short for "
                         f"val_fraction={val_fraction}: one of the two parts would be empty")
    return cut


def _check_chars(chars) -> list[str]:
    if isinstance(chars, Mapping) or not hasattr(chars, "__iter__"):
        raise TypeError(f"chars must be a sequence of one-character strings, got {_kind(chars)}")
    chars = list(chars)
    for c in chars:
        if not isinstance(c, str):
            raise TypeError(f"chars must hold one-character strings, got {_kind(c)} {c!r}")
        if len(c) != 1:
            raise ValueError(f"chars must hold one-character strings, got {c!r}")
    if not chars:
        raise ValueError("chars must not be empty")
    twice = sorted(c for c, k in Counter(chars).items() if k > 1)
    if twice:
        raise ValueError(f"chars must be distinct, got {twice} more than once")
    return chars


def _check_known(text, index, name: str = "text") -> None:
    _check_text(text, name, empty=True)
    missing = sorted(set(text) - index.keys())
    if missing:
        raise KeyError(f"{name} has characters not in the vocabulary: {missing}")


def _check_vocab(vocab, size: int, text=None, name: str = "text") -> None:
    """vocab is a Vocab of the model's V characters; text, if given, is in it."""
    if not isinstance(vocab, Vocab):
        raise TypeError(f"vocab must be a Vocab (see build_vocab), got {_kind(vocab)}")
    if len(vocab) != size:
        raise ValueError(f"vocab has {len(vocab)} characters but the model has V = {size}")
    if text is not None:
        _check_text(text, name)
        _check_known(text, vocab.index, name)


def _check_stream_args(ids, batch_size, seq_length, classes: int | None = None):
    """make_streams' rules (and train's, with classes = V)."""
    ids = check_labels(ids, "ids", classes, shape="(N,)")
    batch_size = check_int(batch_size, "batch_size", 1)
    seq_length = check_int(seq_length, "seq_length", 1)
    if ids.size == 0:
        raise ValueError("ids must not be empty (the text is empty): expected (N,) ids, "
                         "got shape (0,)")
    if len(ids) // batch_size < seq_length + 1:
        raise ValueError(
            f"batch_size={batch_size} is too large for a text of {len(ids)} characters with "
            f"seq_length={seq_length}: every stream needs seq_length + 1 = {seq_length + 1} "
            f"characters, so batch_size can be at most {len(ids) // (seq_length + 1)}")
    return ids


def _check_windows(streams, seq_length):
    ids = check_labels(streams, "streams", ndim=2, shape="(B, L)")
    check_int(seq_length, "seq_length", 1)
    if ids.shape[0] < 1 or ids.shape[1] < 2:
        raise ValueError("streams must have shape (B, L) with B >= 1 and L >= 2 (an input "
                         f"and its target), got {ids.shape}")
    return streams if isinstance(streams, np.ndarray) else ids  # int32 stays int32 (Keras)


def _check_sizes(vocab_size, hidden_size) -> None:
    check_int(vocab_size, "vocab_size", 1)
    check_int(hidden_size, "hidden_size", 1)



def _check_init_args(vocab_size, hidden_size, seed, dtype) -> None:
    _check_sizes(vocab_size, hidden_size)
    check_rng(seed, "seed")
    check_float_dtype(dtype)


def _float_array(value, name: str, ndim, shape: str = "", in_place: bool = False):
    """check_array's rule; a finite float ndarray returns at once (training checks the
    same arrays many times per step)."""
    if (type(value) is np.ndarray and value.dtype in _FLOATS and value.size
            and value.ndim in ((ndim,) if isinstance(ndim, int) else ndim)
            and np.isfinite(value).all() and (value.flags.writeable or not in_place)):
        return value
    a = check_array(value, name, ndim, shape)
    if in_place and a is not value:  # a converted copy would not be updated
        raise TypeError(f"{name} must be a float32 or float64 NumPy array (it is updated in "
                        f"place), got {_kind(value)}")
    if in_place and not a.flags.writeable:
        raise ValueError(f"{name} must be writeable (it is updated in place)")
    return a


def _check_params(params, in_place: bool = False) -> dict[str, np.ndarray]:
    """The five arrays of init_params with matching shapes, as float arrays."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of the arrays {PARAM_NAMES} (see init_params), "
                        f"got {_kind(params)}")
    missing = [k for k in PARAM_NAMES if k not in params]
    unknown = [k for k in params if k not in PARAM_NAMES]
    if missing or unknown:
        raise KeyError(f"params must have exactly the keys {PARAM_NAMES}: missing {missing}, "
                       f"unknown {unknown}")
    out = {k: _float_array(params[k], f"params[{k!r}]", _NDIMS[k], in_place=in_place)
           for k in PARAM_NAMES}
    V, H = out["Wxh"].shape
    shapes = {"Wxh": (V, H), "Whh": (H, H), "bh": (H,), "Why": (H, V), "by": (V,)}
    for k, shape in shapes.items():
        if out[k].shape != shape:
            raise ValueError(f"params[{k!r}] must have shape {shape} (V, H = {V}, {H} from "
                             f"params['Wxh']), got {out[k].shape}")
    return out


def _check_inputs(inputs, classes: int, name: str = "inputs") -> np.ndarray:
    """Ids (B, T) in 0..classes-1, B and T >= 1 (rnn_forward's inputs, run_model's ids)."""
    ids = check_labels(inputs, name, classes, ndim=2, shape="(B, T)")
    if 0 in ids.shape:
        raise ValueError(f"{name} must have shape (B, T) with B, T >= 1, got {ids.shape}")
    return ids


def _check_state(h, shape: tuple[int, int], name: str = "hprev") -> np.ndarray:
    h = _float_array(h, name, 2, f"(B, H) = {shape}")
    if h.shape != shape:
        raise ValueError(f"{name} must have shape (B, H) = {shape}, got {h.shape}")
    return h


def _check_forward_args(params, inputs, hprev):
    params = _check_params(params)
    V, H = params["Wxh"].shape
    inputs = _check_inputs(inputs, V)
    return params, inputs, _check_state(hprev, (inputs.shape[0], H))


def _check_softmax_args(logits, targets):
    logits = _float_array(logits, "logits", 3, "(B, T, V)")
    targets = check_labels(targets, "targets", logits.shape[2], ndim=2, shape="(B, T)")
    if targets.shape != logits.shape[:2]:
        raise ValueError(f"targets must have shape (B, T) = {logits.shape[:2]} to match logits "
                         f"{logits.shape}, got {targets.shape}")
    return logits, targets


def _check_clip_dh(clip_dh) -> None:
    if clip_dh is not None:  # a clip <= 0 would flip or zero every gradient
        check_number(clip_dh, "clip_dh", 0, above=True)


def _check_backward_args(params, inputs, hs, dlogits, clip_dh):
    params = _check_params(params)
    V, H = params["Wxh"].shape
    inputs = _check_inputs(inputs, V)
    B, T = inputs.shape
    hs = _float_array(hs, "hs", 3, "(T+1, B, H)")
    if hs.shape != (T + 1, B, H):
        raise ValueError(f"hs must have shape (T+1, B, H) = {(T + 1, B, H)}, got {hs.shape}")
    dlogits = _float_array(dlogits, "dlogits", 3, "(B, T, V)")
    if dlogits.shape != (B, T, V):
        raise ValueError(f"dlogits must have shape (B, T, V) = {(B, T, V)}, got {dlogits.shape}")
    _check_clip_dh(clip_dh)
    return params, inputs, hs, dlogits


def _check_loss_args(params, inputs, targets, hprev, clip_dh) -> None:
    params, inputs, _ = _check_forward_args(params, inputs, hprev)
    targets = check_labels(targets, "targets", params["Wxh"].shape[0], ndim=2, shape="(B, T)")
    if targets.shape != inputs.shape:
        raise ValueError(f"targets must have the shape of inputs, {inputs.shape}, "
                         f"got {targets.shape}")
    _check_clip_dh(clip_dh)


def _check_clip(clip) -> float:
    return check_number(clip, "clip", 0, above=True)


def _check_lr(lr) -> float:
    return check_number(lr, "lr", 0, above=True)


def _check_grads(grads, name: str = "grads") -> dict[str, np.ndarray]:
    """A non-empty dict of float arrays that are updated in place."""
    if not isinstance(grads, Mapping):
        raise TypeError(f"{name} must be a dict of NumPy arrays, got {_kind(grads)}")
    if not grads:
        raise ValueError(f"{name} must not be empty")
    return {k: _float_array(g, f"{name}[{k!r}]", _ANY_NDIM, in_place=True)
            for k, g in grads.items()}


def _check_clip_args(grads, clip) -> None:
    _check_grads(grads)
    _check_clip(clip)


def _check_optimizer_args(params, lr, eps, beta1=0.0, beta2=0.0) -> None:
    _check_grads(params, "params")
    _check_lr(lr)
    check_number(eps, "eps", 0, above=True)  # eps = 0: 0/0 where a gradient stays 0
    _fraction(beta1, "beta1")  # beta = 1: division by 1 - 1**t = 0
    _fraction(beta2, "beta2")


def _check_step(state, params, grads) -> dict[str, np.ndarray]:
    """The params the optimizer was made for, and a finite gradient of each shape."""
    params = _check_grads(params, "params")
    if params.keys() != state.keys():
        raise KeyError(f"params must have the keys the optimizer was made with, "
                       f"{sorted(state)}, got {sorted(params)}")
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of NumPy arrays, got {_kind(grads)}")
    if grads.keys() != params.keys():  # an extra gradient would be silently dropped
        raise KeyError(f"grads must have the keys of params, {sorted(params)}, "
                       f"got {sorted(grads)}")
    out = {}
    for k, p in params.items():
        if p.shape != state[k].shape:
            raise ValueError(f"params[{k!r}] must have shape {state[k].shape} as when the "
                             f"optimizer was made, got {p.shape}")
        out[k] = _float_array(grads[k], f"grads[{k!r}]", _ANY_NDIM)
        if out[k].shape != p.shape:
            raise ValueError(f"grads[{k!r}] must have the shape of params[{k!r}], {p.shape}, "
                             f"got {out[k].shape}")
    return out


def _check_optimizer(optimizer) -> None:
    if optimizer is not None and not callable(getattr(optimizer, "step", None)):
        raise TypeError("optimizer must be None or have a step(params, grads) method "
                        f"(Adam, Adagrad), got {_kind(optimizer)}")


def _check_train_args(params, ids, batch_size, seq_length, optimizer, clip) -> None:
    params = _check_params(params, in_place=True)
    _check_stream_args(ids, batch_size, seq_length, params["Wxh"].shape[0])
    _check_optimizer(optimizer)
    _check_clip(clip)


def _check_schedule(steps, callback, callback_every) -> None:
    check_int(steps, "steps", 0)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be None or callable, got {_kind(callback)}")
    check_int(callback_every, "callback_every", 1)


def _check_take_args(updates, steps, callback, callback_every) -> None:
    if not isinstance(updates, Iterator):
        raise TypeError(f"updates must be an iterator of losses (from train_steps), "
                        f"got {_kind(updates)}")
    _check_schedule(steps, callback, callback_every)


def _check_eval_ids(ids, batch_size, seq_length, classes: int | None = None) -> np.ndarray:
    ids = check_labels(ids, "ids", classes, shape="(N,)")
    if ids.size < 2:
        raise ValueError(f"ids must hold at least 2 ids (characters) to evaluate a loss on, "
                         f"got {ids.size}")
    check_int(batch_size, "batch_size", 1)
    check_int(seq_length, "seq_length", 1)
    return ids


def _check_evaluate_args(params, ids, batch_size, seq_length) -> dict[str, np.ndarray]:
    params = _check_params(params)
    _check_eval_ids(ids, batch_size, seq_length, params["Wxh"].shape[0])
    return params


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {_kind(value)} {value!r}")
    return bool(value)


def _check_temperature(temperature) -> float:
    try:
        return check_number(temperature, "temperature", 0, above=True)
    except ValueError as err:
        raise ValueError(f"{err} (use greedy=True for the most likely character)") from None


def _check_choice(logits, temperature, rng, greedy):
    logits = _float_array(logits, "logits", 1, "(V,)")
    _check_temperature(temperature)
    rng = check_rng(rng)
    _check_flag(greedy, "greedy")
    return logits, rng


def _check_sampling(seed_text, n, temperature, rng=None, greedy=False):
    """sample's rules for everything but the model and vocab; returns rng as a Generator."""
    _check_temperature(temperature)
    _check_text(seed_text, "seed_text")
    check_int(n, "n", 0)
    _check_flag(greedy, "greedy")
    return check_rng(rng)


def _check_sample_args(params, vocab, seed_text, n, temperature, rng, greedy):
    params = _check_params(params)
    rng = _check_sampling(seed_text, n, temperature, rng, greedy)
    _check_vocab(vocab, params["Wxh"].shape[0], seed_text, "seed_text")
    return params, rng


def _check_hidden_args(params, vocab, text) -> dict[str, np.ndarray]:
    params = _check_params(params)
    _check_vocab(vocab, params["Wxh"].shape[0], text)
    return params


def _check_path(path):
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file path (str or os.PathLike), got {_kind(path)}")
    if not os.fspath(path):
        raise ValueError("path must not be empty")
    return path


def _next_update(updates, step, steps):
    try:
        return next(updates)
    except StopIteration:
        raise ValueError(f"updates ended after {step - 1} of steps={steps} updates") from None


def _check_save_args(path, params, vocab) -> dict[str, np.ndarray]:
    _check_path(path)
    if os.path.isdir(path):  # np.savez would write <path>.npz beside it
        raise ValueError(f"path must be a file to write, got the directory {str(path)!r}")
    params = _check_params(params)
    _check_vocab(vocab, params["Wxh"].shape[0])
    return params


def _open_saved(path):
    """np.load(path) without pickle, once the file is known to hold what save() writes."""
    _check_path(path)
    try:
        f = np.load(path, allow_pickle=False)
    except ValueError as err:  # not a NumPy file, or one that needs pickle
        raise ValueError(f"path {path} is not a char_rnn file: {err}") from None
    if not isinstance(f, np.lib.npyio.NpzFile):
        raise ValueError(f"path {path} is not a char_rnn file: a single array, not an .npz")
    try:
        missing = [k for k in (*PARAM_NAMES, "chars") if k not in f.files]
        if missing:
            raise KeyError(f"path {path} is not a char_rnn file: missing {missing}")
        params = _check_params({k: f[k] for k in PARAM_NAMES})
        chars = f["chars"]
        if chars.dtype.kind != "U" or chars.shape != (params["Wxh"].shape[0],):
            raise ValueError(f"chars must be {params['Wxh'].shape[0]} strings, "
                             f"got dtype {chars.dtype}, shape {chars.shape}")
    except (TypeError, ValueError) as err:
        f.close()
        raise type(err)(f"path {path} is not a valid char_rnn file: {err}") from None
    except KeyError:
        f.close()
        raise
    return f


DEMO_TEXT = (
    "The same weights are used at every time step. The input layer is as wide as one "
    "character's one-hot vector, the output layer as wide as the vocabulary, and the "
    "hidden state carries what the network has read so far from one step to the next. "
) * 8


def check_demo_text(parser, text: str, batch: int, seq: int) -> None:
    """A parser error unless 90% of text fills `batch` streams of `seq` + 1 characters."""
    if not callable(getattr(parser, "error", None)):
        raise TypeError(f"parser must be an argparse.ArgumentParser, got {type(parser).__name__}")
    _check_text(text)
    batch, seq = check_int(batch, "batch", 1), check_int(seq, "seq", 1)
    try:
        train_text, val_text = split_text(text, 0.1)
    except ValueError:  # one part would be empty
        train_text, val_text = "", ""
    if len(train_text) < batch * (seq + 1) or len(val_text) < 2:
        parser.error(f"the text is too short: {len(text)} characters, of which 90% must hold "
                     f"--batch × (--seq + 1) = {batch * (seq + 1)}")


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("path", nargs="?", type=text_file,
                        help="UTF-8 text file to train on (default: a short built-in text)")
    parser.add_argument("--steps", type=positive_int, default=300, help="training steps")
    parser.add_argument("--hidden", type=positive_int, default=64, help="hidden units H")
    parser.add_argument("--batch", type=positive_int, default=4, help="parallel streams B")
    parser.add_argument("--seq", type=positive_int, default=25,
                        help="characters per window T (truncated BPTT)")
    parser.add_argument("--seed", type=non_negative_int, default=0,
                        help="seed of the initial weights")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8") if args.path else DEMO_TEXT
    check_demo_text(parser, text, args.batch, args.seq)

    vocab = build_vocab(text)
    train_text, val_text = split_text(text, 0.1)
    params = init_params(len(vocab), args.hidden, seed=args.seed, dtype=np.float32)
    print(f"{len(text)} characters, vocabulary V = {len(vocab)}, hidden H = {args.hidden}")
    print(f"initial loss {evaluate(params, vocab.encode(val_text), 1, args.seq):.3f} "
          f"nats/char (ln V = {np.log(len(vocab)):.3f})")

    def report(step, params, loss):
        print(f"step {step:5d}  train loss {loss:.3f}  | "
              f"{sample(params, vocab, text[0], 60, 0.8, rng=step)!r}")

    train(params, vocab.encode(train_text), steps=args.steps, batch_size=args.batch,
          seq_length=args.seq, callback=report, callback_every=max(1, args.steps // 3))
    print(f"validation loss {evaluate(params, vocab.encode(val_text), 1, args.seq):.3f} nats/char")


if __name__ == "__main__":
    run(main)
