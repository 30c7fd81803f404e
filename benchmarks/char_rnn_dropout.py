"""Variational (recurrent) dropout on a character-level LSTM: validation loss with and
without it (§3.2; the first paper the article's §7.3 recommends, Gal & Ghahramani 2016).

Runs ``char_rnn_tf.recurrent_dropout_experiment`` with the settings of
``python char_rnn_tf.py --experiment``: the first 30,000 characters of gensim's
``lee_background.cor`` (the last 10% for validation), an LSTM with H = 256, B = 32,
T = 50, Adam 3e-3, 600 steps, validation loss every 50 steps, seed 0, for
``recurrent_dropout`` 0, 0.25 and 0.5.  The model has far more parameters than the text
has characters: without dropout it overfits.

Reported: the lowest validation loss (nats/char) with ``recurrent_dropout = 0.25``
against the same model without dropout and with 0.5, each rate's curve (step, training
window loss, validation loss) and its training seconds.  ``docs/algorithms/rnn.md``
shows the table and the curves (``hooks/rnn_dropout.py``).

Run: python -m benchmarks.char_rnn_dropout      (QUICK=1: a tiny model, a few seconds)
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from benchkit import quick, write_result
from char_rnn_tf import EXPERIMENT, EXPERIMENT_CHARS, lee_background, recurrent_dropout_experiment

RATES = (0.0, 0.25, 0.5)
OURS = 0.25


def label(rate: float) -> str:
    return "no dropout (recurrent_dropout = 0)" if rate == 0 else f"recurrent_dropout = {rate}"


def main() -> None:
    if quick():
        chars, settings, eval_every = 3_000, {"cell": "lstm", "steps": 10, "hidden": 16,
                                              "batch": 4, "seq": 20}, 5
    else:
        chars, settings, eval_every = EXPERIMENT_CHARS, EXPERIMENT, 50
    text = lee_background()[:chars]
    results = recurrent_dropout_experiment(
        text, rates=RATES, cell=settings["cell"], hidden_size=settings["hidden"],
        steps=settings["steps"], batch_size=settings["batch"], seq_length=settings["seq"],
        eval_every=eval_every, seed=0)
    best = {rate: results[rate]["best_val"] for rate in RATES}
    peers = {label(rate): best[rate] for rate in RATES if rate != OURS}
    no_dropout = label(0.0)
    write_result(
        "char_rnn_dropout",
        title="字符级 LSTM 的变分 dropout（§3.2）",
        metric="lowest validation loss",
        unit="nats/char",
        higher_is_better=False,
        ours=best[OURS],
        peers=peers,
        target={"vs": no_dropout, "ratio_at_most": 1.0,
                "note": "recurrent_dropout = 0.25 reaches a lower validation loss than the "
                        "same model without dropout"},
        quality={label(rate): {
            "best_val_loss": results[rate]["best_val"],
            "best_val_step": min(results[rate]["curve"], key=lambda c: c[2])[0],
            "final_val_loss": results[rate]["final_val"],
            "final_train_window_loss": results[rate]["curve"][-1][1],
            "train_seconds": results[rate]["seconds"]} for rate in RATES},
        config={"corpus": "gensim lee_background.cor", "chars": len(text),
                "val_fraction": 0.1, "cell": settings["cell"], "hidden": settings["hidden"],
                "batch": settings["batch"], "seq_length": settings["seq"],
                "steps": settings["steps"], "eval_every": eval_every, "optimizer": "Adam",
                "lr": 3e-3, "clipvalue": 5.0, "seed": 0, "rates": list(RATES)},
        extra={"runs": {str(rate): {
            "curve": [[int(s), float(t), float(v)] for s, t, v in results[rate]["curve"]],
            "train_seconds": results[rate]["seconds"]} for rate in RATES}},
    )


if __name__ == "__main__":
    main()
