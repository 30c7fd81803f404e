"""Argument checks shared by the snippets: one rule for each kind of argument.

Not an algorithm: the public functions call these before any work, so a bad argument
ends in one clear error instead of a wrong answer or a traceback from inside NumPy.
Snippets import them by name (``from _checks import check_array``): a whole program a
reader downloads then carries the checks it uses.
A wrong type raises ``TypeError``, a wrong value ``ValueError``, an unknown name
``KeyError``; every message names the argument, what it expected and what it got.

What is accepted: lists and tuples wherever an array is expected, Python and NumPy
integers wherever a float is expected (and, for arrays of numbers, bool arrays, read as
0 and 1).  What is not: bools as numbers, complex numbers, objects and strings in
arrays, NaN and inf.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _got(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _bound(minimum, maximum, above) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if above else '>='} {minimum}")
    if maximum is not None:
        parts.append(f"<= {maximum}")
    return " and ".join(parts)


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int: a Python or NumPy integer (not a bool) within the bounds."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_got(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer {_bound(minimum, maximum, False)}, "
                         f"got {value}")
    return value


def check_number(value, name: str, minimum: float | None = None, maximum: float | None = None,
           above: bool = False) -> float:
    """``value`` as a finite float: a real number (an int is fine; not a bool, complex or
    NaN); ``above=True`` makes ``minimum`` exclusive (a learning rate > 0)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_got(value)}")
    value = float(value)
    low = minimum is not None and (value <= minimum if above else value < minimum)
    if not math.isfinite(value) or low or (maximum is not None and value > maximum):
        bound = _bound(minimum, maximum, above)
        raise ValueError(f"{name} must be a finite number{' ' + bound if bound else ''}, "
                         f"got {value!r}")
    return value


def check_choice(value, name: str, options) -> str:
    """``value`` if it is one of ``options`` (names such as "tanh"), else ``KeyError``."""
    options = tuple(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}, got {_got(value)}")
    if value not in options:
        raise KeyError(f"{name} must be one of {options}, got {value!r}")
    return value


def _ndim_text(ndim) -> str:
    return " or ".join(f"{n}-D" for n in ndim)


def check_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """float32 or float64, given as a NumPy type, a dtype or its name ("float32")."""
    try:
        dt = None if dtype is None else np.dtype(dtype)  # np.dtype(None) would be float64
    except TypeError:
        dt = None
    if dt is None:
        raise TypeError(f"{name} must be float32 or float64 (a dtype or its name), "
                        f"got {_got(dtype)}")
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{name} must be float32 or float64, got {dt}")
    return dt


def check_array(value, name: str, ndim: int | tuple[int, ...], shape: str = "",
          empty: bool = False) -> np.ndarray:
    """``value`` as a float array (float32 and float64 kept, integers and bools become
    float64) with ``ndim`` dimensions, finite, and not empty unless ``empty``;
    ``shape`` describes the expected shape in messages, e.g. "(N, C, H, W)"."""
    ndims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    want = f"a {_ndim_text(ndims)} array of real numbers{' ' + shape if shape else ''}"
    try:
        a = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise TypeError(f"{name} must be {want}, got ragged {type(value).__name__}") from None
    if not (a.dtype == bool or np.issubdtype(a.dtype, np.integer)
            or np.issubdtype(a.dtype, np.floating)):
        raise TypeError(f"{name} must be {want}, got {_got(a)}")
    if a.ndim not in ndims:
        raise ValueError(f"{name} must be {want}, got shape {a.shape}")
    if a.size == 0 and not empty:
        raise ValueError(f"{name} must not be empty: expected {want}, got shape {a.shape}")
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must be finite, got NaN or inf (shape {a.shape})")
    return a


def check_labels(value, name: str, classes: int | None = None, ndim: int = 1,
           shape: str = "") -> np.ndarray:
    """``value`` as an array of class ids (or token ids) in ``range(classes)``, of NumPy's
    index type ``np.intp`` (int32 in 32-bit Pyodide, where np.take refuses int64); a
    negative id is an error, not the last class as in NumPy's indexing."""
    want = f"a {ndim}-D array of integer ids{' ' + shape if shape else ''}"
    try:
        a = np.asarray(value)
    except ValueError:
        raise TypeError(f"{name} must be {want}, got ragged {type(value).__name__}") from None
    if not np.issubdtype(a.dtype, np.integer) or a.dtype == bool:
        if a.size == 0 and a.dtype == np.float64:  # [] is an empty list of ids
            a = a.astype(np.intp)
        else:
            raise TypeError(f"{name} must be {want}, got {_got(a)}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {want}, got shape {a.shape}")
    a = a.astype(np.intp)
    if a.size and (a.min() < 0 or (classes is not None and a.max() >= classes)):
        bad = a.min() if a.min() < 0 else a.max()
        want = f"in 0..{classes - 1}" if classes is not None else ">= 0"
        raise ValueError(f"{name} must hold ids {want}, got {bad}")
    return a


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` as a NumPy ``Generator``: a Generator, or an integer seed; ``None`` gives an
    unseeded one."""
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"{name} as a seed must be an integer >= 0, got {rng}")
        return np.random.default_rng(rng)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, a seed or None, "
                        f"got {_got(rng)}")
    return rng
