"""The gradient-check helper itself must be able to tell right from wrong."""

import numpy as np
import pytest
from gradcheck import numerical_gradient, numerical_gradient_array, rel_error


def test_matches_analytic_gradient_of_a_cubic():
    x = np.random.default_rng(0).normal(size=(3, 4))
    num = numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert rel_error(num, 3 * x**2) < 1e-8


def test_detects_a_wrong_gradient():
    x = np.random.default_rng(1).normal(size=5)
    num = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert rel_error(num, np.cos(x) * 1.01) > 1e-3


def test_array_output_version_and_restores_input():
    x = np.random.default_rng(2).normal(size=(2, 3))
    before = x.copy()
    dout = np.random.default_rng(3).normal(size=(2, 3))
    num = numerical_gradient_array(lambda: np.tanh(x), x, dout)
    assert rel_error(num, dout * (1 - np.tanh(x) ** 2)) < 1e-7
    np.testing.assert_array_equal(x, before)


def test_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, np.float32))
