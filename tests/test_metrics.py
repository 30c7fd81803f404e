"""metrics.py against sklearn.metrics (a test-only reference), on random and edge cases."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics import accuracy, confusion_matrix, format_report, precision_recall_f1
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


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "match"),
    [
        ([], [], {}, "y_true"),
        ([0, 1], [0], {}, "length"),
        ([0.0, 1.0], [0, 1], {}, "y_true"),
        ([0, 1], ["a", "b"], {}, "y_pred"),
        ([[0.1, 0.9]], [1], {}, "y_true"),
        ([0, 1], [0, 5], {"num_classes": 3}, "y_pred"),
        ([0, -1], [0, 1], {}, "y_true"),
        ([0, 1], [0, 1], {"num_classes": 0}, "num_classes"),
        ([0, 1], [0, 1], {"num_classes": 2.0}, "num_classes"),
        ([0, 1], [0, 1], {"zero_division": 0.5}, "zero_division"),
    ],
)
def test_bad_input(y_true, y_pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        precision_recall_f1(y_true, y_pred, **kwargs)


def test_bad_input_accuracy_and_confusion():
    with pytest.raises(ValueError, match="y_pred"):
        accuracy([0, 1], [[0, 1]])
    with pytest.raises(ValueError, match="length"):
        confusion_matrix([0, 1, 1], [0, 1])


def test_demo_runs(capsys):
    import metrics

    metrics.main([])
    out = capsys.readouterr().out
    assert "[[2 1 0]" in out and "accuracy" in out and "0.7000" in out
