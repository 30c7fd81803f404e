"""metrics.py against sklearn.metrics (a test-only reference), on random and edge cases."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from badinput import bad_integers, bad_labels, bad_numbers, rejects
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics import (
    MAX_CLASSES,
    Report,
    accuracy,
    confusion_matrix,
    format_report,
    precision_recall_f1,
)
from sklearn import metrics as skm


def sk_reference(y_true, y_pred, k, zero_division=0.0):
    labels = list(range(k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns on 0/0; we compare the values
        p, r, f, s = skm.precision_recall_fscore_support(
            y_true, y_pred, labels=labels, zero_division=zero_division
        )
        macro = skm.precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average="macro", zero_division=zero_division
        )
    return p, r, f, s, macro[:3]


def assert_matches_sklearn(y_true, y_pred, k, zero_division=0.0):
    rep = precision_recall_f1(y_true, y_pred, num_classes=k, zero_division=zero_division)
    p, r, f, s, (mp, mr, mf) = sk_reference(y_true, y_pred, k, zero_division)
    np.testing.assert_allclose(rep.precision, p, rtol=1e-12, atol=0)
    np.testing.assert_allclose(rep.recall, r, rtol=1e-12, atol=0)
    np.testing.assert_allclose(rep.f1, f, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(rep.support, s)
    np.testing.assert_allclose(
        [rep.macro_precision, rep.macro_recall, rep.macro_f1], [mp, mr, mf], rtol=1e-12
    )
    assert rep.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns when only one label occurs
        ref_cm = skm.confusion_matrix(y_true, y_pred, labels=range(k))
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, k), ref_cm)


@pytest.mark.parametrize("seed", range(5))
def test_random_labels_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 12))
    n = int(rng.integers(1, 300))
    y_true = rng.integers(0, k, n)
    # a mostly-right classifier, so every cell of the matrix gets exercised
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, k, n))
    assert_matches_sklearn(y_true, y_pred, k)
    assert accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(1, 6),
    data=st.data(),
    zero_division=st.sampled_from([0.0, 1.0, float("nan")]),
)
def test_property_matches_sklearn(k, data, zero_division):
    n = data.draw(st.integers(1, 40))
    y_true = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    y_pred = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    rep = precision_recall_f1(y_true, y_pred, num_classes=k, zero_division=zero_division)
    p, r, f, s, (mp, mr, mf) = sk_reference(y_true, y_pred, k, zero_division)
    for ours, ref in ((rep.precision, p), (rep.recall, r), (rep.f1, f)):
        np.testing.assert_allclose(ours, ref, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(
        [rep.macro_precision, rep.macro_recall, rep.macro_f1], [mp, mr, mf],
        rtol=1e-12, equal_nan=True,
    )
    assert confusion_matrix(y_true, y_pred, k).sum() == n


def test_class_never_predicted():
    # class 2 is in y_true but never predicted: precision 0/0 -> zero_division, recall 0
    y_true = np.array([0, 1, 2, 2, 1, 0])
    y_pred = np.array([0, 1, 1, 0, 1, 0])
    rep = precision_recall_f1(y_true, y_pred)
    assert rep.precision[2] == 0.0 and rep.recall[2] == 0.0 and rep.f1[2] == 0.0
    assert_matches_sklearn(y_true, y_pred, 3)
    rep1 = precision_recall_f1(y_true, y_pred, zero_division=1.0)
    assert rep1.precision[2] == 1.0 and rep1.recall[2] == 0.0
    assert_matches_sklearn(y_true, y_pred, 3, zero_division=1.0)
    repn = precision_recall_f1(y_true, y_pred, zero_division=float("nan"))
    assert np.isnan(repn.precision[2])
    # the macro average skips the undefined class
    assert repn.macro_precision == pytest.approx(np.mean(repn.precision[:2]))


def test_class_absent_everywhere():
    # num_classes=4 but class 3 never occurs: all its ratios are 0/0
    y_true = np.array([0, 1, 2, 2])
    y_pred = np.array([0, 1, 2, 1])
    rep = precision_recall_f1(y_true, y_pred, num_classes=4)
    assert rep.support[3] == 0 and rep.f1[3] == 0.0
    assert_matches_sklearn(y_true, y_pred, 4)


def test_single_class():
    y = np.zeros(7, np.int64)
    rep = precision_recall_f1(y, y)
    assert rep.precision.tolist() == [1.0] and rep.recall.tolist() == [1.0]
    assert rep.f1.tolist() == [1.0] and rep.accuracy == 1.0
    assert confusion_matrix(y, y).tolist() == [[7]]
    assert_matches_sklearn(y, y, 1)


def test_perfect_and_all_wrong():
    y = np.arange(10) % 3
    assert accuracy(y, y) == 1.0
    assert precision_recall_f1(y, y).macro_f1 == 1.0
    wrong = (y + 1) % 3
    rep = precision_recall_f1(y, wrong)
    assert rep.accuracy == 0.0 and rep.macro_f1 == 0.0
    assert_matches_sklearn(y, wrong, 3)


def test_confusion_matrix_orientation():
    # one sample of true class 0 predicted as 2: row 0, column 2
    cm = confusion_matrix([0], [2], num_classes=3)
    assert cm[0, 2] == 1 and cm.sum() == 1


def test_format_report_mentions_every_class():
    rep = precision_recall_f1([0, 1, 1], [0, 1, 0])
    text = format_report(rep, class_names=["zero", "one"])
    assert "zero" in text and "one" in text and "macro" in text
    with pytest.raises(ValueError, match="class_names"):
        format_report(rep, class_names=["only one"])


# ----------------------------------------------------------------- bad input
def rejects_arg(call, name):
    """``rejects``, and the message names ``name`` as a word."""
    error = rejects(call, name)
    message = str(error.args[0])
    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message), message
    return error


GOOD = np.array([0, 1, 2, 2, 1, 0])


def _labels_valid_without_num_classes(y) -> bool:
    """bad_labels' too-large ids are fine when K is not given: K grows to fit them."""
    return isinstance(y, np.ndarray) and y.dtype == np.int64 and y.shape == (6,) \
        and y.min() >= 0


def label_calls(name, y):
    """Every public function with ``y`` as argument ``name`` and K = 3 where it is given."""
    args = {"y_true": GOOD, "y_pred": GOOD, name: y}
    calls = [lambda: confusion_matrix(**args, num_classes=3),
             lambda: precision_recall_f1(**args, num_classes=3)]
    if not _labels_valid_without_num_classes(y):
        calls += [lambda: accuracy(**args), lambda: confusion_matrix(**args),
                  lambda: precision_recall_f1(**args)]
    return calls


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["y_true", "y_pred"]), y=bad_labels((6,), 3))
def test_bad_labels_are_rejected(name, y):
    for call in label_calls(name, y):
        rejects_arg(call, name)


@settings(max_examples=40, deadline=None)
@given(num_classes=bad_integers(minimum=1, maximum=MAX_CLASSES).filter(lambda v: v is not None))
def test_a_bad_num_classes_is_rejected(num_classes):  # None is fine: K from the labels
    rejects_arg(lambda: confusion_matrix(GOOD, GOOD, num_classes), "num_classes")
    rejects_arg(lambda: precision_recall_f1(GOOD, GOOD, num_classes), "num_classes")


BAD_ZERO_DIVISION = st.one_of(
    bad_numbers(minimum=0, maximum=1).filter(lambda v: not (isinstance(v, float)
                                                             and math.isnan(v))),
    st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True),
    st.sampled_from(["warn", np.int64(2), np.float64(0.5)]),
)


@settings(max_examples=40, deadline=None)
@given(zero_division=BAD_ZERO_DIVISION)
def test_a_bad_zero_division_is_rejected(zero_division):
    rejects_arg(lambda: precision_recall_f1(GOOD, GOOD, zero_division=zero_division),
                "zero_division")


@pytest.mark.parametrize("zero_division", [0, 1, 0.0, 1.0, math.nan, np.float64(1.0)])
def test_zero_division_may_be_an_int_or_a_float(zero_division):
    rep = precision_recall_f1([0, 0], [0, 0], num_classes=2, zero_division=zero_division)
    assert rep.precision[1] == zero_division or math.isnan(zero_division)


@pytest.mark.parametrize(("y_true", "y_pred", "kwargs", "expected"), [
    ([], [], {}, "y_true is empty"),
    ([0, 1], [0], {}, "y_true and y_pred differ in length: 2 vs 1"),
    ([[0.1, 0.9]], [1], {}, "argmax(axis=1)"),          # the hint for score rows
    ([0, 1], [0, 5], {"num_classes": 3}, "y_pred must hold ids in 0..2, got 5"),
    ([0, -1], [0, 1], {}, "y_true must hold ids >= 0, got -1"),
    ([0, MAX_CLASSES], [0, 1], {}, f"y_true must hold labels < {MAX_CLASSES}"),
])
def test_bad_input_explicit_cases(y_true, y_pred, kwargs, expected):
    for fn in (confusion_matrix, precision_recall_f1):
        rejects(lambda fn=fn: fn(y_true, y_pred, **kwargs), expected)
    if not kwargs:
        rejects(lambda: accuracy(y_true, y_pred), expected)


@pytest.mark.parametrize(("y", "error"), [
    ([0.0, 1.0], TypeError),                 # floats, even whole ones: a wrong type
    ([True, False], TypeError),              # bools are not class ids
    (["a", "b"], TypeError),
    ([0, -1], ValueError),                   # NumPy would index the last class
    ([[0, 1]], ValueError),
])
def test_label_errors_have_the_right_type(y, error):
    with pytest.raises(error, match="y_pred"):
        accuracy([0, 1], y)


def test_labels_of_any_integer_type_lists_and_tuples_are_accepted():
    y = np.array([0, 1, 2, 2], np.uint8)
    assert accuracy(y, (0, 1, 2, 1)) == 0.75
    assert confusion_matrix(y.astype(np.int16), [0, 1, 2, 1]).tolist() == \
        [[1, 0, 0], [0, 1, 0], [0, 1, 1]]


# format_report and Report
REPORT = precision_recall_f1([0, 1, 1], [0, 1, 0])


@pytest.mark.parametrize("report", [None, {"f1": [1.0]}, (1.0, 1.0), "report"])
def test_format_report_rejects_what_is_not_a_report(report):
    with pytest.raises(TypeError, match="report must be a Report"):
        format_report(report)


@pytest.mark.parametrize(("class_names", "error"), [
    ("ab", TypeError),                      # a string is not a list of two names
    ({"a", "b"}, TypeError),
    (5, TypeError),
    ([1.5, "b"], TypeError),
    ([None, "b"], TypeError),
    ([True, False], TypeError),
    (["only one"], ValueError),
    (["a", "b", "c"], ValueError),
    (np.array([["a", "b"]]), TypeError),
])
def test_format_report_rejects_bad_class_names(class_names, error):
    with pytest.raises(error, match="class_names"):
        format_report(REPORT, class_names)


def test_format_report_takes_names_as_list_tuple_array_or_ints():
    for names in (["zero", "one"], ("zero", "one"), np.array(["zero", "one"]), [10, 11]):
        text = format_report(REPORT, names)
        assert str(names[0]) in text and str(names[1]) in text


@pytest.mark.parametrize(("field", "value", "error"), [
    ("precision", [0.5, 1.5], ValueError),        # a ratio above 1
    ("recall", [0.5], ValueError),                # K differs from precision
    ("f1", ["a", "b"], TypeError),
    ("f1", [[0.5, 0.5]], ValueError),
    ("precision", [], ValueError),
    ("support", [1, -1], ValueError),
    ("support", [1.5, 1.0], TypeError),
    ("support", [1, 2, 3], ValueError),
    ("accuracy", 2.0, ValueError),
    ("accuracy", "0.5", TypeError),
])
def test_report_rejects_bad_fields(field, value, error):
    fields = {"precision": [0.5, 1.0], "recall": [1.0, math.nan], "f1": [0.5, 0.0],
              "support": [1, 2], "accuracy": 0.5, field: value}
    with pytest.raises(error, match=field):
        Report(**fields)


def test_report_from_lists_holds_arrays():
    rep = Report([0.5, 1], [1, 0.5], [0.5, 0.5], [2, 2], 1)
    assert rep.macro_precision == 0.75 and rep.support.dtype == np.int64
    assert isinstance(rep.accuracy, float)


def test_demo_runs(capsys):
    import metrics

    metrics.main([])
    out = capsys.readouterr().out
    assert "[[2 1 0]" in out and "accuracy" in out and "0.7000" in out
