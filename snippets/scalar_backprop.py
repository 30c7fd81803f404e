"""Backpropagation on single numbers: the computational graph (§4.2).  (页面：4.2 反向传播)

A ``Value`` holds a number.  Every operation on Values makes a new Value that remembers
its inputs and how to pass a gradient back to them: the local derivative times the
gradient that arrives from above (the chain rule).  ``out.backward()`` visits the graph
from the output back to the inputs and leaves in every ``v.grad`` the derivative
∂out/∂v.  Where a value is used twice, the gradients that come back to it add up.  This
is the idea of Karpathy's micrograd, written here from its description; backprop.py on
the same page does the same for whole matrices at once.

Arguments are checked before any work (_checks.py): a Value holds a finite real number
(an int is fine; not a bool, complex, NaN or inf); the other operand of + − × ÷ is a
Value or such a number; an exponent is a real number.

Run: python scalar_backprop.py [--x1 2] [--w1 -3] [--x2 0] [--w2 1] [--b 6.8813735870195432]
"""

from __future__ import annotations

import math

from _checks import check_number
from _cli import demo_parser, finite_float, run


# --8<-- [start:value]
class Value:
    """A number in a computational graph; after ``backward()``, ``grad`` = ∂output/∂self."""

    def __init__(self, data, label: str = "", _parents: tuple = (), _op: str = ""):
        self.data = _check_data(data, label)
        self.grad = 0.0
        self.label, self.op, self.parents = label, _op, _parents
        self._backward = lambda: None          # passes self.grad on to the parents

    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, _parents=(self, other), _op="+")

        def _backward():                       # ∂(a + b)/∂a = ∂(a + b)/∂b = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, _parents=(self, other), _op="×")

        def _backward():                       # ∂(a b)/∂a = b, ∂(a b)/∂b = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, exponent):
        k = _check_exponent(exponent, self.data)
        out = Value(_finite(lambda: self.data ** k, f"{self.data:g} ** {k:g}"),
                    _parents=(self,), _op=f"^{k:g}")

        def _backward():                       # ∂(a^k)/∂a = k a^(k−1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, _parents=(self,), _op="tanh")

        def _backward():                       # tanh'(a) = 1 − tanh(a)²
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = _finite(lambda: math.exp(self.data), f"exp({self.data:g})")
        out = Value(e, _parents=(self,), _op="exp")

        def _backward():                       # exp'(a) = exp(a)
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def backward(self):
        """Fill in every grad: ∂self/∂v for each v that self was computed from."""
        order = topological_order(self)        # inputs first, self last
        for v in order:
            v.grad = 0.0                       # a second call gives the same grads
        self.grad = 1.0                        # ∂self/∂self
        for v in reversed(order):              # from the output back to the inputs
            v._backward()

    # a − b, a / b and the reflected forms, through + × and ** above
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __truediv__(self, other):
        return self * _as_value(other) ** -1

    def __radd__(self, other):
        return _as_value(other) + self

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rmul__(self, other):
        return _as_value(other) * self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"


def topological_order(out: Value) -> list[Value]:
    """Every Value ``out`` depends on, each after all of its parents (no recursion, so a
    graph of any depth works)."""
    order, seen, stack = [], {id(out)}, [(out, iter(out.parents))]
    while stack:
        v, parents = stack[-1]
        for p in parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append((p, iter(p.parents)))
                break
        else:
            stack.pop()
            order.append(v)
    return order
# --8<-- [end:value]


# --8<-- [start:example]
def neuron_example(x1=2.0, w1=-3.0, x2=0.0, w2=1.0, b=6.8813735870195432):
    """Karpathy's neuron from the micrograd lecture: o = tanh(x1 w1 + x2 w2 + b)."""
    x1, w1, x2, w2, b = (Value(v, name) for v, name in
                         ((x1, "x1"), (w1, "w1"), (x2, "x2"), (w2, "w2"), (b, "b")))
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, {v.label: v for v in (x1, x2, w1, w2, b, n, o)}


def fork_example():
    """A value used twice: f = a·b + a.  ∂f/∂a = b + 1, the two paths added."""
    a, b = Value(3.0, "a"), Value(-2.0, "b")
    f = a * b + a
    f.label = "f"
    f.backward()
    return f, a, b
# --8<-- [end:example]


# -------------------------------------------------------------- argument checks
def _check_data(data, label):
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    return check_number(data, "data")


def _as_value(other) -> Value:
    """The other operand of + − × ÷: a Value, or a real number made into one."""
    if isinstance(other, Value):
        return other
    check_number(other, "other")
    return Value(other)


def _finite(compute, what: str) -> float:
    """``compute()``, or a ValueError saying which result left float64's range."""
    try:
        value = compute()
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise ValueError(f"data: {what} overflows float64")
    return value


def _check_exponent(exponent, base: float) -> float:
    k = check_number(exponent, "exponent")
    if base == 0 and k < 1:
        raise ValueError(f"exponent {k:g} of a Value equal to 0: the derivative k·0^(k−1) "
                         "is not finite")
    if base < 0 and not k.is_integer():
        raise ValueError(f"exponent {k:g} of a negative Value ({base:g}) is not a real number")
    return k


def main(argv=None) -> None:
    parser = demo_parser(__doc__)
    for name, default in zip(("x1", "w1", "x2", "w2", "b"), neuron_example.__defaults__,
                             strict=True):
        parser.add_argument(f"--{name}", type=finite_float, default=default,
                            help=f"{name} of the neuron o = tanh(x1·w1 + x2·w2 + b)")
    args = parser.parse_args(argv)
    o, v = neuron_example(args.x1, args.w1, args.x2, args.w2, args.b)
    print("forward:  n = x1·w1 + x2·w2 + b =", f"{v['n'].data:.4f};", f"o = tanh(n) = {o.data:.4f}")
    print("backward: ∂o/∂n = 1 − o² =", f"{v['n'].grad:.4f}")
    for name in ("x1", "w1", "x2", "w2", "b"):
        print(f"  ∂o/∂{name} = {v[name].grad: .4f}")
    f, a, b = fork_example()
    print(f"fork: f = a·b + a = {f.data:g};  ∂f/∂a = b + 1 = {a.grad:g},  ∂f/∂b = a = {b.grad:g}")


if __name__ == "__main__":
    run(main)
