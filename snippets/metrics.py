"""Accuracy, confusion matrix, precision, recall and F1 in NumPy.  (页面：3.3 卷积神经网络)

§3.3 step 4: evaluate a classifier on the test set by accuracy, recall and F1.
Labels are integers 0..K-1.  Where a ratio is 0/0 (a class that is never predicted
has no precision; a class absent from y_true has no recall) the value is
``zero_division`` (0.0 by default, as ``sklearn.metrics`` with ``zero_division=0``).

Run: python metrics.py [--true 0 0 1 2 ...] [--pred 0 1 1 2 ...] [--names A B C ...]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
    """A plain-text table like sklearn's classification_report."""
    k = len(report.f1)
    names = [str(c) for c in (class_names if class_names is not None else range(k))]
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for {k} classes")
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
def _check_labels(y_true, y_pred, num_classes: int | None) -> tuple[np.ndarray, np.ndarray, int]:
    """Validate two label vectors up front; return them as np.intp (the index type
    np.bincount counts: 64-bit here, 32-bit in WebAssembly) and the number of classes."""
    arrays = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        y = np.asarray(y)
        if y.ndim != 1:
            hint = " (for scores or one-hot rows take argmax(axis=1) first)" if y.ndim == 2 else ""
            raise ValueError(
                f"{name} must be a 1-D array of class labels, got shape {y.shape}{hint}"
            )
        if y.size == 0:
            raise ValueError(f"{name} is empty: metrics need at least one sample")
        if not (np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_):
            raise ValueError(f"{name} must hold integer class labels, got dtype {y.dtype}")
        arrays.append(y.astype(np.int64))
    y_true, y_pred = arrays
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} vs {len(y_pred)}")
    if num_classes is None:
        num_classes = int(max(y_true.max(), y_pred.max())) + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, int | np.integer):
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.min() < 0 or y.max() >= num_classes:
            raise ValueError(
                f"{name} has labels outside 0..{num_classes - 1}: min {y.min()}, max {y.max()}"
            )
    return y_true.astype(np.intp), y_pred.astype(np.intp), int(num_classes)


def _check_zero_division(zero_division):
    if not (zero_division in (0.0, 1.0) or np.isnan(zero_division)):
        raise ValueError(f"zero_division must be 0.0, 1.0 or nan, got {zero_division!r}")


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
