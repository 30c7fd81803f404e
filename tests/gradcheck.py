"""Centred-difference gradient checks (cs231n style), float64."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1e-8, |a| + |b|), elementwise."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f() / d x by centred differences; ``x`` is perturbed in place and restored.

    ``f`` takes no argument and reads ``x`` (a float64 array) itself.
    """
    if x.dtype != np.float64:
        raise ValueError(f"gradient checks need float64, got {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


def numerical_gradient_array(
    f: Callable[[], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Gradient of sum(f() * dout) w.r.t. ``x``, for layers with array outputs."""
    return numerical_gradient(lambda: float(np.sum(f() * dout)), x, h)
