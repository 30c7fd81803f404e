"""Generated bad arguments, shared by the tests of every snippet.

Each strategy draws values that are wrong for one kind of argument (the kinds of
``snippets/_checks.py``): wrong types, dtypes, dimensions and values.  A test replaces
one argument of a good call with a drawn value and asserts, with ``rejects``, that the
call raises ``TypeError``, ``ValueError`` or ``KeyError`` naming that argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import strategies as st

NOT_NUMBERS = st.sampled_from(["1", b"1", None, [1.0], {"a": 1}, object(), 1j, 2 + 0j])
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def bad_integers(minimum: int | None = None, maximum: int | None = None):
    """Not an integer within [minimum, maximum]: floats, bools, strings, out of range."""
    options = [NOT_NUMBERS, st.booleans(), st.floats(allow_nan=True), NON_FINITE,
               st.sampled_from([np.float64(2.0), 3.0])]
    if minimum is not None:
        options.append(st.integers(max_value=minimum - 1, min_value=minimum - 10**6))
    if maximum is not None:
        options.append(st.integers(min_value=maximum + 1, max_value=maximum + 10**6))
    return st.one_of(options)


def bad_numbers(minimum: float | None = None, above: bool = False,
                maximum: float | None = None):
    """Not a finite real number in range: NaN, inf, complex, strings, bools, out of range."""
    options = [NOT_NUMBERS, NON_FINITE, st.booleans()]
    if minimum is not None:
        low = st.floats(max_value=minimum, exclude_max=not above, allow_nan=False,
                        allow_infinity=False, min_value=minimum - 1e6)
        options.append(low)
    if maximum is not None:
        options.append(st.floats(min_value=maximum, exclude_min=True, allow_nan=False,
                                 allow_infinity=False, max_value=maximum + 1e6))
    return st.one_of(options)


def bad_names(options):
    """Not one of ``options``: other strings (case changed, blank) and non-strings."""
    others = st.text(max_size=12).filter(lambda s: s not in options)
    swapped = st.sampled_from([o.upper() for o in options if o.upper() not in options]
                              or ["?"])
    return st.one_of(others, swapped, st.sampled_from([None, 1, 1.5, ("tanh",)]))


def bad_arrays(shape: tuple[int, ...]):
    """Arrays wrong for a float argument of ``shape``: complex, object and string dtypes,
    another number of dimensions, empty, NaN and inf, ragged lists, non-arrays."""
    good = np.ones(shape)
    wrong_ndim = [np.ones(shape[:-1] or (2, 2)), np.ones((*shape, 1))]
    empty = np.ones((0, *shape[1:]))
    options = [
        st.just(good.astype(np.complex128) * 1j),
        st.just(good.astype(object)),
        st.just(good.astype(str)),
        st.sampled_from(wrong_ndim),
        st.just(empty),
        st.sampled_from([math.nan, math.inf, -math.inf]).map(lambda v: _with(good, v)),
        st.just([[1.0, 2.0], [3.0]]),
        st.sampled_from([None, "abc", object()]),
    ]
    return st.one_of(options)


def _with(a: np.ndarray, value: float) -> np.ndarray:
    out = a.astype(np.float64)
    out.flat[out.size // 2] = value
    return out


def bad_labels(shape: tuple[int, ...], classes: int):
    """Wrong class ids for ``shape`` and ``classes``: negative, too large, floats, bools,
    another number of dimensions, non-arrays."""
    n = int(np.prod(shape))
    return st.one_of(
        st.integers(min_value=-10, max_value=-1).map(lambda v: _ids(shape, v)),
        st.integers(min_value=classes, max_value=classes + 100).map(lambda v: _ids(shape, v)),
        st.just(np.zeros(shape) + 0.5),
        st.just(np.zeros(shape, dtype=bool)),
        st.just(np.zeros((*shape, 2), dtype=np.int64)),
        st.just(np.zeros(n + 1, dtype=np.int64) if len(shape) == 1 else np.zeros(shape[:-1])),
        st.sampled_from([None, "0", object()]),
    )


def _ids(shape, value) -> np.ndarray:
    out = np.zeros(shape, dtype=np.int64)
    out.flat[0] = value
    return out


def rejects(call, name: str):
    """``call()`` raises TypeError, ValueError or KeyError whose message names ``name``."""
    with pytest.raises((TypeError, ValueError, KeyError)) as info:
        call()
    assert name in str(info.value), f"the error does not name {name!r}: {info.value!r}"
    return info.value
