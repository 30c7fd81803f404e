"""Character-level RNN language model in NumPy, truncated BPTT.  (页面：3.2 递归神经网络)

A vanilla RNN reads one character per time step as a one-hot vector of length V (the
vocabulary size, *not* the sequence length), keeps a hidden state h of size H and
predicts the next character with a softmax over the V characters.  The same five
weight arrays are used at every time step:

    h_t = tanh(x_t Wxh + h_{t-1} Whh + bh)      x_t (V,) one-hot, h_t (H,)
    y_t = h_t Why + by                           logits (V,)
    p_t = softmax(y_t)                           loss_t = -log p_t[next char]

After Karpathy's min-char-rnn (2015), but trained on mini-batches of B parallel streams
through the text instead of one sequence at a time, and importable: nothing is read
and nothing is trained at import time.  char_rnn_tf.py reuses its data pipeline.

References: A. Karpathy, min-char-rnn (2015) and "The Unreasonable Effectiveness of
Recurrent Neural Networks" (2015); Karpathy, Johnson & Fei-Fei, "Visualizing and
Understanding Recurrent Networks" (2015).
Run: python char_rnn.py [your_text.txt] [--steps 300] [--hidden 64] [--batch 4]
         [--seq 25] [--seed 0]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from _cli import demo_parser, non_negative_int, positive_int, run, text_file


# --8<-- [start:data]
class Vocab:
    """Characters <-> integer ids 0..V-1 (characters sorted, so a text always maps the same)."""

    def __init__(self, chars):
        self.chars = list(chars)
        _check_chars(self.chars)
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """text -> ids (N,) int64; KeyError naming every character not in the vocabulary."""
        _check_chars_known(text, self.index)
        return np.array([self.index[c] for c in text], dtype=np.int64)

    def decode(self, ids) -> str:
        return "".join(self.chars[i] for i in ids)


def build_vocab(text: str) -> Vocab:
    _check_text(text)
    return Vocab(sorted(set(text)))


def split_text(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """The first (1 - val_fraction) of the text for training, the rest for validation."""
    _check_split(text, val_fraction)
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
    L = streams.shape[1]
    for i in range(0, L - 1, seq_length):
        T = min(seq_length, L - 1 - i)
        yield streams[:, i:i + T], streams[:, i + 1:i + T + 1]
# --8<-- [end:data]


# --8<-- [start:init]
PARAM_NAMES = ("Wxh", "Whh", "bh", "Why", "by")


def init_params(vocab_size: int, hidden_size: int, seed: int = 0,
                dtype=np.float64) -> dict[str, np.ndarray]:
    """Random weights with variance 1/fan_in (LeCun), zero biases, and a small output
    layer so that the first predictions are close to uniform (loss = ln V).

    Layer sizes: input V (one-hot of one character) -> hidden H -> output V.
    """
    _check_sizes(vocab_size, hidden_size)
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
    inputs = _check_forward_args(params, inputs, hprev)
    Wxh, Whh, bh, Why, by = (params[k] for k in PARAM_NAMES)
    B, T = inputs.shape
    # x_t Wxh for a one-hot x_t is just row inputs[:, t] of Wxh; do all t at once
    xw = Wxh[inputs.T] + bh                                  # (T, B, H)
    hs = np.empty((T + 1, B, Whh.shape[0]), dtype=Whh.dtype)
    hs[0] = hprev
    for t in range(T):
        # h_t = tanh(x_t Wxh + h_{t-1} Whh + bh)
        hs[t + 1] = np.tanh(xw[t] + hs[t] @ Whh)             # (B, H)
    # y_t = h_t Why + by, every step at once
    logits = (hs[1:].reshape(T * B, -1) @ Why + by).reshape(T, B, -1)  # (T, B, V)
    return logits.transpose(1, 0, 2), hs                     # (B, T, V)


def softmax_cross_entropy(logits, targets):
    """logits (B, T, V), targets (B, T) -> mean loss in nats per character, dlogits (B, T, V)."""
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
    Whh, Why = params["Whh"], params["Why"]
    T, B, H = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    dy = np.ascontiguousarray(dlogits.transpose(1, 0, 2)).reshape(T * B, -1)  # (T*B, V)
    grads = {"Why": hs[1:].reshape(T * B, H).T @ dy,        # (H, V)
             "by": dy.sum(axis=0)}
    dh_out = (dy @ Why.T).reshape(T, B, H)                   # dL/dh_t via y_t
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
    X = np.eye(params["Wxh"].shape[0], dtype=hs.dtype)[np.asarray(inputs).T.ravel()]
    grads["Wxh"] = X.T @ dhraw.reshape(T * B, H)
    return grads, dhnext


def loss_and_grads(params, inputs, targets, hprev, clip_dh=None):
    """min-char-rnn's lossFun, batched: -> loss (nats/char), grads, h_last (B, H)."""
    targets = _check_targets(params, targets, inputs)
    logits, hs = rnn_forward(params, inputs, hprev)
    loss, dlogits = softmax_cross_entropy(logits, targets)
    grads, _ = rnn_backward(params, inputs, hs, dlogits, clip_dh)
    return loss, grads, hs[-1]
# --8<-- [end:backward]


# --8<-- [start:optim]
def clip_grads(grads, clip: float):
    """Clip every gradient entry to [-clip, clip] in place (against exploding gradients)."""
    _check_clip(clip)
    for g in grads.values():
        np.clip(g, -clip, clip, out=g)
    return grads


class Adagrad:
    """min-char-rnn's update: mem += g^2;  p -= lr * g / sqrt(mem + eps)."""

    def __init__(self, params, lr: float = 0.1, eps: float = 1e-8):
        self.lr, self.eps = lr, eps
        self.mem = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params, grads):
        for k, p in params.items():
            self.mem[k] += grads[k] ** 2
            p -= self.lr * grads[k] / np.sqrt(self.mem[k] + self.eps)


class Adam:
    """m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= lr * m_hat / (sqrt(v_hat) + eps)."""

    def __init__(self, params, lr: float = 2e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params, grads):
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
    streams = make_streams(ids, batch_size, seq_length)
    _check_ids_in_vocab(streams, params)
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
    updates = train_steps(params, ids, batch_size=batch_size, seq_length=seq_length,
                          optimizer=optimizer, clip=clip)
    return take_steps(updates, steps, callback, callback_every, params)


def take_steps(updates, steps: int, callback=None, callback_every: int = 100,
               trained=None) -> list[float]:
    """The losses of the next `steps` updates; callback(step, trained, loss) every
    callback_every steps.  Shared by train and char_rnn_tf.train_tf."""
    _check_count(steps, "steps")
    losses: list[float] = []
    for step in range(1, steps + 1):
        losses.append(next(updates))
        if callback is not None and step % callback_every == 0:
            callback(step, trained, losses[-1])
    return losses


def eval_streams(ids, batch_size: int, seq_length: int) -> tuple[np.ndarray, int]:
    """(streams, T) for evaluating on ids (N,): B and T are reduced to fit a short text."""
    _check_eval_ids(ids)
    seq_length = min(seq_length, len(ids) - 1)
    batch_size = max(1, min(batch_size, len(ids) // (seq_length + 1)))
    return make_streams(ids, batch_size, seq_length), seq_length


def evaluate(params, ids, batch_size: int = 8, seq_length: int = 200) -> float:
    """Mean loss in nats per character over ids (N,), hidden state carried along each stream.

    B streams only make it faster; for a short text B (and T) are reduced to fit.
    """
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
    """Pick a character id from logits (V,): p = softmax(logits / temperature)."""
    if greedy:
        return int(np.argmax(logits))
    z = np.asarray(logits, np.float64) / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def sample(params, vocab: Vocab, seed_text: str, n: int, temperature: float = 1.0,
           rng=None, greedy: bool = False) -> str:
    """Read seed_text, then generate n characters one at a time, feeding each back in.

    Low temperature: safer, more repetitive text; high: more diverse, more mistakes.
    rng: a seed or np.random.Generator.  Returns the n new characters.
    """
    _check_sampling(seed_text, n, temperature)
    ids = vocab.encode(seed_text)  # KeyError naming characters outside the vocabulary
    rng = np.random.default_rng(rng)
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
    ids = vocab.encode(text)
    H = params["Whh"].shape[0]
    _, hs = rnn_forward(params, ids[None, :], np.zeros((1, H), params["Whh"].dtype))
    return hs[1:, 0]
# --8<-- [end:sample]


# --8<-- [start:save]
def save(path, params, vocab: Vocab) -> None:
    """Parameters and vocabulary in one .npz file (no pickle)."""
    np.savez(path, chars=np.array(vocab.chars, dtype=str), **params)


def load(path) -> tuple[dict[str, np.ndarray], Vocab]:
    with np.load(path, allow_pickle=False) as f:
        _check_saved_keys(path, f.files)
        params = {k: f[k].copy() for k in PARAM_NAMES}
        vocab = Vocab(str(c) for c in f["chars"])
    return params, vocab
# --8<-- [end:save]


# -------------------------------------------------------------- argument checks
def _check_text(text):
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty string")


def _check_split(text, val_fraction):
    _check_text(text)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction!r}")


def _check_chars(chars):
    if not chars or len(set(chars)) != len(chars):
        raise ValueError("chars must be a non-empty sequence of distinct characters")


def _check_chars_known(text, index):
    missing = sorted(set(text) - index.keys())
    if missing:
        raise KeyError(f"characters not in the vocabulary: {missing}")


def _check_stream_args(ids, batch_size, seq_length):
    ids = np.asarray(ids)
    if ids.ndim != 1 or ids.size == 0:
        raise ValueError(f"text is empty or not 1-D: ids.shape = {ids.shape}")
    if int(seq_length) != seq_length or seq_length < 1:
        raise ValueError(f"seq_length must be an integer >= 1, got {seq_length!r}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
    if len(ids) // batch_size < seq_length + 1:
        raise ValueError(
            f"batch_size={batch_size} is too large for a text of {len(ids)} characters with "
            f"seq_length={seq_length}: every stream needs seq_length + 1 = {seq_length + 1} "
            f"characters, so batch_size can be at most {len(ids) // (seq_length + 1)}")
    return ids


def _check_sizes(vocab_size, hidden_size):
    if vocab_size < 1 or hidden_size < 1:
        raise ValueError(f"vocab_size and hidden_size must be >= 1, "
                         f"got {vocab_size}, {hidden_size}")


def _check_ids(params, ids, name):
    ids = np.asarray(ids)
    if ids.ndim != 2 or ids.shape[1] < 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"{name} must be an integer array (B, T) with T >= 1, got "
                         f"shape {ids.shape}, dtype {ids.dtype}")
    V = params["Wxh"].shape[0]
    if ids.min() < 0 or ids.max() >= V:
        raise ValueError(f"{name} must hold ids in 0..{V - 1}")
    return ids


def _check_forward_args(params, inputs, hprev):
    inputs = _check_ids(params, inputs, "inputs")
    shape = (inputs.shape[0], params["Whh"].shape[0])
    if np.shape(hprev) != shape:
        raise ValueError(f"hprev must have shape {shape}, got {np.shape(hprev)}")
    return inputs


def _check_targets(params, targets, inputs):
    targets = _check_ids(params, targets, "targets")
    if targets.shape != np.shape(inputs):
        raise ValueError(f"targets {targets.shape} and inputs {np.shape(inputs)} differ in shape")
    return targets


def _check_clip(clip):
    if not clip > 0:
        raise ValueError(f"clip must be > 0, got {clip!r}")


def _check_ids_in_vocab(streams, params):
    if np.max(streams) >= params["Wxh"].shape[0]:
        raise ValueError("ids hold characters outside the model's vocabulary")


def _check_count(value, name):
    if int(value) != value or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")


def _check_eval_ids(ids):
    if np.ndim(ids) != 1 or len(ids) < 2:
        raise ValueError("text must have at least 2 characters to evaluate a loss on")


def _check_sampling(seed_text, n, temperature):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r} (use greedy=True "
                         "for the most likely character)")
    if not isinstance(seed_text, str) or not seed_text:
        raise ValueError("seed_text must be a non-empty string")
    _check_count(n, "n")


def _check_saved_keys(path, files):
    missing = [k for k in (*PARAM_NAMES, "chars") if k not in files]
    if missing:
        raise KeyError(f"{path} is not a char_rnn file: missing {missing}")


DEMO_TEXT = (
    "The same weights are used at every time step. The input layer is as wide as one "
    "character's one-hot vector, the output layer as wide as the vocabulary, and the "
    "hidden state carries what the network has read so far from one step to the next. "
) * 8


def check_demo_text(parser, text: str, batch: int, seq: int) -> None:
    """A parser error unless 90% of text fills `batch` streams of `seq` + 1 characters."""
    train_text, val_text = split_text(text, 0.1)
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
