"""Accuracy, confusion matrix, precision, recall and F1 in NumPy.  (页面：3.3 卷积神经网络)

§3.3 step 4: evaluate a classifier on the test set by accuracy, recall and F1.
Labels are integers 0..K-1.  Where a ratio is 0/0 (a class that is never predicted
has no precision; a class absent from y_true has no recall) the value is
``zero_division`` (0.0 by default, as ``sklearn.metrics`` with ``zero_division=0``).

Arguments are checked before any work (see _checks.py): labels may be NumPy arrays,
lists or tuples of integers (any integer dtype; not floats, bools or strings), 1-D,
non-empty, in 0..K-1; ``num_classes`` is an integer >= 1; ``zero_division`` is 0, 1 or
nan (an int or a float).  A wrong type raises ``TypeError``, a wrong value
``ValueError``; the message names the argument.

Run: python metrics.py [--true 0 0 1 2 ...] [--pred 0 1 1 2 ...] [--names A B C ...]
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from _checks import check_int, check_labels, check_number
from _cli import demo_parser, non_negative_int, run


# --8<-- [start:metrics]
def accuracy(y_true, y_pred) -> float:
    """Fraction of correct predictions.  y_true, y_pred: (N,) integer labels."""
    y_true, y_pred, _ = _check_labels(y_true, y_pred, None)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """(K, K) counts: row = true class, column = predicted class."""
    y_true, y_pred, k = _check_labels(y_true, y_pred, num_classes)
    # every (true, pred) pair becomes one cell index true*K + pred, then count them
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


@dataclass(frozen=True)
class Report:
    precision: np.ndarray  # (K,) per class
    recall: np.ndarray  # (K,)
    f1: np.ndarray  # (K,)
    support: np.ndarray  # (K,) number of true samples of each class
    accuracy: float

    def __post_init__(self) -> None:
        _check_report(self)  # fields given by hand: (K,) each, ratios in [0, 1] or nan

    @property
    def macro_precision(self) -> float:
        return _mean(self.precision)

    @property
    def macro_recall(self) -> float:
        return _mean(self.recall)

    @property
    def macro_f1(self) -> float:
        return _mean(self.f1)


def _mean(v: np.ndarray) -> float:
    # macro average: every class counts the same; NaN (zero_division=nan) is left out
    return float(np.nanmean(v)) if not np.all(np.isnan(v)) else float("nan")


def _ratio(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    out = np.full(num.shape, zero_division, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


def precision_recall_f1(
    y_true, y_pred, num_classes: int | None = None, zero_division: float = 0.0
) -> Report:
    """Per-class precision, recall, F1 (and their macro averages) from the confusion matrix.

    zero_division: the value used for 0/0 — 0.0, 1.0 or nan (nan is skipped by the
    macro average), the same convention as sklearn.metrics.
    """
    _check_zero_division(zero_division)
    cm = confusion_matrix(y_true, y_pred, num_classes)  # (K, K)
    tp = np.diag(cm).astype(np.float64)  # predicted k and truly k
    fp = cm.sum(axis=0) - tp  # predicted k, truly something else
    fn = cm.sum(axis=1) - tp  # truly k, predicted something else
    # precision = TP / (TP + FP): of the samples predicted k, how many are k
    precision = _ratio(tp, tp + fp, zero_division)
    # recall = TP / (TP + FN): of the samples that are k, how many were found
    recall = _ratio(tp, tp + fn, zero_division)
    # F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN), the harmonic mean of P and R
    f1 = _ratio(2 * tp, 2 * tp + fp + fn, zero_division)
    return Report(precision, recall, f1, cm.sum(axis=1), float(tp.sum() / cm.sum()))
# --8<-- [end:metrics]


def format_report(report: Report, class_names=None) -> str:
    """A plain-text table like sklearn's classification_report.  class_names: None (the
    numbers 0..K-1) or K names (strings or integers) in a list, tuple or 1-D array."""
    names = _check_format_args(report, class_names)
    width = max(8, *(len(n) for n in names))
    lines = [f"{'':>{width}} precision    recall        f1   support"]
    for i, name in enumerate(names):
        lines.append(
            f"{name:>{width}} {report.precision[i]:9.4f} {report.recall[i]:9.4f} "
            f"{report.f1[i]:9.4f} {report.support[i]:9d}"
        )
    lines.append(
        f"{'macro':>{width}} {report.macro_precision:9.4f} {report.macro_recall:9.4f} "
        f"{report.macro_f1:9.4f} {int(report.support.sum()):9d}"
    )
    lines.append(f"{'accuracy':>{width}} {report.accuracy:29.4f}")
    return "\n".join(lines)


# -------------------------------------------------------------- argument checks
# the K x K matrix is indexed by true * K + pred in np.intp: K * K must fit
MAX_CLASSES = math.isqrt(np.iinfo(np.intp).max)


def _check_labels(y_true, y_pred, num_classes) -> tuple[np.ndarray, np.ndarray, int]:
    """Validate two label vectors up front; return them as np.intp (the index type
    np.bincount counts: 64-bit here, 32-bit in WebAssembly) and the number of classes."""
    if num_classes is not None:
        num_classes = check_int(num_classes, "num_classes", 1, MAX_CLASSES)
    arrays = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        y = check_labels(y, name, num_classes, shape="(N,) of class labels (for scores or "
                          "one-hot rows (N, K) take argmax(axis=1) first)")
        if y.size == 0:
            raise ValueError(f"{name} is empty: metrics need at least one sample")
        if y.max() >= MAX_CLASSES:
            raise ValueError(f"{name} must hold labels < {MAX_CLASSES}, got {y.max()}")
        arrays.append(y)
    y_true, y_pred = arrays
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} vs {len(y_pred)}")
    if num_classes is None:
        num_classes = int(max(y_true.max(), y_pred.max())) + 1
    return y_true.astype(np.intp), y_pred.astype(np.intp), num_classes


def _check_zero_division(zero_division) -> float:
    if isinstance(zero_division, bool | np.bool_) or not isinstance(zero_division, numbers.Real):
        raise TypeError(f"zero_division must be 0.0, 1.0 or nan, got "
                        f"{type(zero_division).__name__} {zero_division!r}")
    if not (zero_division in (0.0, 1.0) or math.isnan(zero_division)):
        raise ValueError(f"zero_division must be 0.0, 1.0 or nan, got {zero_division!r}")
    return float(zero_division)


def _check_report(report: Report) -> None:
    """The fields of a Report: ratios (K,) in [0, 1] or nan, support (K,) counts >= 0."""
    ratios = {}
    for name in ("precision", "recall", "f1"):
        try:
            a = np.asarray(getattr(report, name))
        except ValueError:  # ragged
            raise TypeError(f"{name} must be a 1-D array of ratios (K,), got a ragged list") \
                from None
        if a.dtype == bool or not (np.issubdtype(a.dtype, np.floating)
                                   or np.issubdtype(a.dtype, np.integer)):
            raise TypeError(f"{name} must be a 1-D array of ratios (K,), got dtype {a.dtype}")
        a = a.astype(np.float64)
        if a.ndim != 1 or a.size == 0 or not np.all(np.isnan(a) | ((a >= 0) & (a <= 1))):
            raise ValueError(f"{name} must be a non-empty 1-D array (K,) of ratios in [0, 1] "
                             f"or nan, got shape {a.shape}")
        ratios[name] = a
    k = len(ratios["precision"])
    support = check_labels(report.support, "support", shape="(K,) of counts >= 0")
    for name, a in (*ratios.items(), ("support", support)):
        if a.shape != (k,):
            raise ValueError(f"{name} must have shape (K,) = ({k},) like precision, "
                             f"got {a.shape}")
        object.__setattr__(report, name, a)  # frozen: store the checked arrays once
    object.__setattr__(report, "accuracy", check_number(report.accuracy, "accuracy", 0, 1))


def _check_format_args(report, class_names) -> list[str]:
    if not isinstance(report, Report):
        raise TypeError(f"report must be a Report from precision_recall_f1, "
                        f"got {type(report).__name__}")
    k = len(report.f1)
    if class_names is None:
        return [str(c) for c in range(k)]
    if not isinstance(class_names, list | tuple | np.ndarray):  # a str is not a list of names
        raise TypeError(f"class_names must be a list of {k} names, "
                        f"got {type(class_names).__name__} {class_names!r:.40}")
    names = list(class_names)
    bad = [c for c in names if not isinstance(c, str | numbers.Integral) or isinstance(c, bool)]
    if bad:
        raise TypeError(f"class_names must hold strings or integers, got {bad[0]!r:.40}")
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for {k} classes")
    return [str(c) for c in names]


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    parser.add_argument("--true", nargs="+", type=non_negative_int, metavar="LABEL",
                        default=[0, 0, 0, 1, 1, 2, 2, 2, 2, 2], help="true labels y_true")
    parser.add_argument("--pred", nargs="+", type=non_negative_int, metavar="LABEL",
                        default=[0, 0, 1, 1, 1, 2, 2, 2, 0, 1], help="predicted labels y_pred")
    parser.add_argument("--names", nargs="+", metavar="NAME",
                        help="class names for the table (default: 0, 1, 2, ...)")
    args = parser.parse_args(argv)
    if len(args.true) != len(args.pred):
        parser.error(f"argument --pred: expected {len(args.true)} labels, one for each of "
                     f"--true, got {len(args.pred)}")
    y_true, y_pred = np.array(args.true), np.array(args.pred)
    k = int(max(y_true.max(), y_pred.max())) + 1
    if args.names is not None and len(args.names) != k:
        parser.error(f"argument --names: expected {k} names (labels 0..{k - 1}), "
                     f"got {len(args.names)}")

    print("confusion matrix (rows = true, columns = predicted):")
    print(confusion_matrix(y_true, y_pred))
    print(format_report(precision_recall_f1(y_true, y_pred), args.names))


if __name__ == "__main__":
    run(main)
