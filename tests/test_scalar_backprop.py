"""Tests for snippets/scalar_backprop.py: the scalar Value's gradients are the derivatives."""

from __future__ import annotations

import math

import pytest
from badinput import bad_numbers, rejects
from gradcheck import rel_error
from hypothesis import given, settings
from hypothesis import strategies as st
from scalar_backprop import Value, fork_example, neuron_example, topological_order

REALS = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


def expression(a, b, c, tanh=Value.tanh, exp=Value.exp):
    """Every operation of Value, mixed with plain numbers; a is used three times."""
    return (tanh(a * b + c) * a - exp(b / (1 + c * c)) + 2 / (1 + a ** 2)
            - (3 - b) * 0.5)


def plain(a, b, c):
    """The same formula on floats."""
    return expression(a, b, c, math.tanh, math.exp)


def numeric(f, args, i, h=1e-6):
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


@settings(max_examples=60, deadline=None)
@given(REALS, REALS, REALS)
def test_gradients_are_centred_differences(a, b, c):
    values = [Value(a), Value(b), Value(c)]
    out = expression(*values)
    out.backward()
    assert out.data == pytest.approx(plain(a, b, c), rel=1e-12, abs=1e-12)
    for i, v in enumerate(values):
        num = numeric(plain, (a, b, c), i)
        # a gradient near 0 is checked absolutely: the centred difference itself is only
        # good to about ε·|f|/h ≈ 1e-9
        assert rel_error(v.grad, num) < 1e-6 or abs(v.grad - num) < 1e-7, i


def test_neuron_of_the_lecture():
    o, v = neuron_example()
    assert o.data == pytest.approx(math.sqrt(0.5))            # tanh(0.8814) = 1/√2
    assert v["n"].grad == pytest.approx(0.5)                  # 1 − o²
    assert {k: round(v[k].grad, 10) for k in ("x1", "w1", "x2", "w2", "b")} == {
        "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0, "b": 0.5}


def test_gradients_add_up_at_a_fork():
    f, a, b = fork_example()
    assert (f.data, a.grad, b.grad) == (-3.0, b.data + 1, a.data)
    x = Value(1.5)
    y = x * x * x                                            # three uses: 3x²
    y.backward()
    assert x.grad == pytest.approx(3 * 1.5**2)


def test_backward_twice_gives_the_same_gradients():
    a, b = Value(0.3), Value(-1.2)
    out = (a * b).tanh() + a
    out.backward()
    first = (a.grad, b.grad)
    out.backward()
    assert (a.grad, b.grad) == first


def test_a_deep_graph_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(20_000):
        y = y + x                                            # 20,001 uses of x
    y.backward()
    assert x.grad == 20_001
    assert len(topological_order(y)) == 20_001


def test_each_value_comes_after_its_parents():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    out = (a * b + a).tanh()
    order = topological_order(out)
    position = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is out
    assert all(position[id(p)] < position[id(v)] for v in order for p in v.parents)


# ------------------------------------------------------------------ bad input
@settings(max_examples=30, deadline=None)
@given(bad_numbers())
def test_bad_numbers_are_refused(value):
    rejects(lambda: Value(value), "data")
    rejects(lambda: Value(1.0) + value, "other")
    rejects(lambda: value * Value(1.0), "other")
    rejects(lambda: Value(2.0) ** value, "exponent")


def test_values_outside_the_real_numbers_are_refused():
    rejects(lambda: Value(-2.0) ** 0.5, "exponent")           # not real
    rejects(lambda: Value(0.0) ** -1, "exponent")             # 1/0
    rejects(lambda: 1 / Value(0.0), "exponent")
    rejects(lambda: Value(800.0).exp(), "data")               # overflows float64
    rejects(lambda: Value(1e200) ** 2, "data")
    rejects(lambda: Value(1e308) * 10, "data")
    rejects(lambda: Value(1.0, label=3), "label")
