"""Tests for snippets/convolution.py (and convolution_tf.py): page docs/math/convolution.md."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from badinput import bad_arrays, bad_integers, bad_names, rejects
from convolution import (
    MODES,
    article_example,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_naive,
    convolve2d,
    convolve2d_article,
    correlate2d,
)
from convolution_tf import conv2d_tf, conv2d_tf_grads
from gradcheck import numerical_gradient_array, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"

SHAPES = [((5, 6), (3, 3)), ((7, 4), (2, 3)), ((4, 4), (4, 1)), ((6, 8), (1, 1)), ((3, 3), (3, 3))]


def _rand(rng, *shape):
    return rng.normal(size=shape)


# ---------------------------------------------------------------- single image
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shapes", SHAPES)
def test_article_formula_is_scipy_convolve2d(mode, shapes):
    rng = np.random.default_rng(0)
    image, kernel = _rand(rng, *shapes[0]), _rand(rng, *shapes[1])
    expected = signal.convolve2d(image, kernel, mode=mode)
    np.testing.assert_allclose(convolve2d_article(image, kernel, mode), expected, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 9), w=st.integers(1, 9), m=st.integers(1, 5), n=st.integers(1, 5),
       mode=st.sampled_from(MODES), seed=st.integers(0, 2**32 - 1))
def test_convolve_and_correlate_equal_scipy(h, w, m, n, mode, seed):
    if mode == "valid" and (m > h or n > w):
        return  # a ValueError for us (tested below); SciPy swaps the arguments instead
    rng = np.random.default_rng(seed)
    image, kernel = _rand(rng, h, w), _rand(rng, m, n)
    np.testing.assert_allclose(convolve2d(image, kernel, mode),
                               signal.convolve2d(image, kernel, mode=mode), atol=1e-12)
    np.testing.assert_allclose(correlate2d(image, kernel, mode),
                               signal.correlate2d(image, kernel, mode=mode), atol=1e-12)


def test_convolution_flips_the_kernel():
    rng = np.random.default_rng(1)
    image, kernel = _rand(rng, 6, 6), _rand(rng, 3, 3)
    conv = convolve2d(image, kernel, "valid")
    np.testing.assert_allclose(conv, correlate2d(image, kernel[::-1, ::-1], "valid"), atol=1e-12)
    assert not np.allclose(conv, correlate2d(image, kernel, "valid"))


def test_article_example_numbers():
    """The numbers printed on the page (valid 1×1, same 3×3, full 5×5)."""
    image, kernel, results = article_example()
    assert results["valid"].shape == (1, 1)
    assert results["same"].shape == (3, 3)
    assert results["full"].shape == (5, 5)
    np.testing.assert_array_equal(results["valid"], [[8]])
    np.testing.assert_array_equal(results["valid (cross-correlation)"], [[-8]])
    np.testing.assert_array_equal(results["same"], [[9, 6, -9], [20, 8, -20], [21, 6, -21]])
    np.testing.assert_array_equal(results["full"], [[1, 2, 2, -2, -3],
                                                    [6, 9, 6, -9, -12],
                                                    [16, 20, 8, -20, -24],
                                                    [18, 21, 6, -21, -24],
                                                    [7, 8, 2, -8, -9]])
    for mode in MODES:
        np.testing.assert_array_equal(results[mode], signal.convolve2d(image, kernel, mode))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stride", [2, 3])
def test_stride_keeps_every_sth_output(mode, stride):
    rng = np.random.default_rng(2)
    image, kernel = _rand(rng, 9, 8), _rand(rng, 3, 2)
    np.testing.assert_allclose(convolve2d(image, kernel, mode, stride=stride),
                               convolve2d(image, kernel, mode)[::stride, ::stride])
    np.testing.assert_allclose(correlate2d(image, kernel, mode, stride=stride),
                               correlate2d(image, kernel, mode)[::stride, ::stride])


@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 8), m=st.sampled_from([1, 3, 5]), mode=st.sampled_from(MODES),
       seed=st.integers(0, 2**32 - 1))
def test_single_image_identity_kernel(h, m, mode, seed):
    image = np.random.default_rng(seed).normal(size=(h, h + 1))
    if m > h:
        return
    delta = np.zeros((m, m))
    delta[m // 2, m // 2] = 1.0
    out = convolve2d(image, delta, "same")
    np.testing.assert_array_equal(out, image)


# --------------------------------------------------------------- batched conv2d
CONV_CASES = [  # (x shape, w shape, stride, pad)
    ((2, 3, 7, 6), (4, 3, 3, 2), 1, 0),
    ((2, 3, 7, 6), (4, 3, 3, 3), 2, 1),   # stride leaves a row/column unused
    ((1, 2, 5, 5), (3, 2, 1, 1), 1, 0),
    ((3, 1, 6, 6), (2, 1, 4, 4), 3, 2),
    ((2, 2, 4, 4), (2, 2, 4, 4), 1, 0),   # kernel as large as the input: 1×1 output
]


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv2d_forward_equals_naive_loops(xs, ws, stride, pad):
    rng = np.random.default_rng(3)
    x, w, b = _rand(rng, *xs), _rand(rng, *ws), _rand(rng, ws[0])
    out, _ = conv2d_forward(x, w, b, stride, pad)
    np.testing.assert_allclose(out, conv2d_naive(x, w, b, stride, pad), atol=1e-12)


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv2d_one_channel_is_scipy_correlate(xs, ws, stride, pad):
    """Each output map is Σ_c correlate2d(x[n, c], w[f, c]) + b[f] on the padded image."""
    rng = np.random.default_rng(4)
    x, w, b = _rand(rng, *xs), _rand(rng, *ws), _rand(rng, ws[0])
    out, _ = conv2d_forward(x, w, b, stride, pad)
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    for n in range(xs[0]):
        for f in range(ws[0]):
            ref = sum(signal.correlate2d(x_pad[n, c], w[f, c], "valid") for c in range(xs[1]))
            np.testing.assert_allclose(out[n, f], ref[::stride, ::stride] + b[f], atol=1e-12)


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv2d_gradients_numerical(xs, ws, stride, pad):
    """Centred differences in float64, every parameter: rel. error < 1e-6 (measured ~1e-8)."""
    rng = np.random.default_rng(5)
    x, w, b = _rand(rng, *xs), _rand(rng, *ws), _rand(rng, ws[0])
    out, cache = conv2d_forward(x, w, b, stride, pad)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv2d_backward(dout, cache)

    def f():
        return conv2d_forward(x, w, b, stride, pad)[0]

    # conv is affine in each of x, w, b: centred differences have no truncation error,
    # so a larger step h = 1e-3 only reduces round-off (h = 1e-6 gives ~1e-6 on tiny entries)
    assert rel_error(dx, numerical_gradient_array(f, x, dout, h=1e-3)) < 1e-6
    assert rel_error(dw, numerical_gradient_array(f, w, dout, h=1e-3)) < 1e-6
    assert rel_error(db, numerical_gradient_array(f, b, dout, h=1e-3)) < 1e-6


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv2d_backward_equals_naive_loops(xs, ws, stride, pad):
    rng = np.random.default_rng(6)
    x, w, b = _rand(rng, *xs), _rand(rng, *ws), _rand(rng, ws[0])
    out, cache = conv2d_forward(x, w, b, stride, pad)
    dout = rng.normal(size=out.shape)
    naive = conv2d_backward_naive(dout, x, w, stride, pad)
    for got, ref in zip(conv2d_backward(dout, cache), naive, strict=True):
        np.testing.assert_allclose(got, ref, atol=1e-12)


@pytest.fixture(scope="module")
def tf_conv():
    pytest.importorskip("tensorflow")
    import convolution_tf

    return convolution_tf


@pytest.mark.parametrize("xs, ws, stride, pad",
                         CONV_CASES + [((4, 32, 12, 12), (8, 32, 3, 3), 1, 1)])
def test_conv2d_equals_tf_nn_conv2d(tf_conv, xs, ws, stride, pad):
    """float32, layouts converted (NCHW/OIHW <-> NHWC/HWIO): agreement to 1e-5."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=xs).astype(np.float32)
    w = (rng.normal(size=ws) / np.sqrt(np.prod(ws[1:]))).astype(np.float32)
    b = rng.normal(size=ws[0]).astype(np.float32)
    out, _ = conv2d_forward(x, w, b, stride, pad)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, tf_conv.conv2d_tf(x, w, b, stride, pad), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("xs, ws, stride, pad", CONV_CASES)
def test_conv2d_backward_equals_gradient_tape(tf_conv, xs, ws, stride, pad):
    rng = np.random.default_rng(8)
    x, w, b = _rand(rng, *xs), _rand(rng, *ws), _rand(rng, ws[0])
    out, cache = conv2d_forward(x, w, b, stride, pad)
    dout = rng.normal(size=out.shape)
    for got, ref in zip(conv2d_backward(dout, cache),
                        tf_conv.conv2d_tf_grads(x, w, b, dout, stride, pad), strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-10)


# ------------------------------------------------------------- property tests
conv_args = st.fixed_dictionaries({
    "n": st.integers(1, 3), "c": st.integers(1, 3), "f": st.integers(1, 3),
    "h": st.integers(1, 9), "w": st.integers(1, 9), "kh": st.integers(1, 4),
    "kw": st.integers(1, 4), "stride": st.integers(1, 3), "pad": st.integers(0, 2),
    "seed": st.integers(0, 2**32 - 1),
})


def _conv_inputs(a):
    rng = np.random.default_rng(a["seed"])
    return (rng.normal(size=(a["n"], a["c"], a["h"], a["w"])),
            rng.normal(size=(a["f"], a["c"], a["kh"], a["kw"])), rng.normal(size=a["f"]))


@settings(max_examples=80, deadline=None)
@given(a=conv_args)
def test_output_shape_formula(a):
    x, w, b = _conv_inputs(a)
    if a["kh"] > a["h"] + 2 * a["pad"] or a["kw"] > a["w"] + 2 * a["pad"]:
        with pytest.raises(ValueError, match="kernel"):
            conv2d_forward(x, w, b, a["stride"], a["pad"])
        return
    out, cache = conv2d_forward(x, w, b, a["stride"], a["pad"])
    h_out = (a["h"] + 2 * a["pad"] - a["kh"]) // a["stride"] + 1   # ⌊(H + 2p − k)/s⌋ + 1
    w_out = (a["w"] + 2 * a["pad"] - a["kw"]) // a["stride"] + 1
    assert out.shape == (a["n"], a["f"], h_out, w_out)
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert (dx.shape, dw.shape, db.shape) == (x.shape, w.shape, b.shape)


@settings(max_examples=50, deadline=None)
@given(a=conv_args, alpha=st.floats(-3, 3), beta=st.floats(-3, 3))
def test_linearity(a, alpha, beta):
    """conv(αx1 + βx2; w) = α conv(x1; w) + β conv(x2; w), and likewise in w (bias 0)."""
    if a["kh"] > a["h"] + 2 * a["pad"] or a["kw"] > a["w"] + 2 * a["pad"]:
        return
    x1, w1, _ = _conv_inputs(a)
    x2, w2, _ = _conv_inputs({**a, "seed": a["seed"] ^ 1})
    zero = np.zeros(a["f"])
    s, p = a["stride"], a["pad"]

    def conv(x, w):
        return conv2d_forward(x, w, zero, s, p)[0]

    np.testing.assert_allclose(conv(alpha * x1 + beta * x2, w1),
                               alpha * conv(x1, w1) + beta * conv(x2, w1), atol=1e-9)
    np.testing.assert_allclose(conv(x1, alpha * w1 + beta * w2),
                               alpha * conv(x1, w1) + beta * conv(x1, w2), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 4), h=st.integers(1, 8), k=st.sampled_from([1, 3, 5]),
       seed=st.integers(0, 2**32 - 1))
def test_identity_kernel(n, c, h, k, seed):
    """w[f, c] = δ(f = c) · (1 at the kernel centre), pad = k // 2  ->  out = x."""
    x = np.random.default_rng(seed).normal(size=(n, c, h, h + 2))
    w = np.zeros((c, c, k, k))
    w[np.arange(c), np.arange(c), k // 2, k // 2] = 1.0
    out, _ = conv2d_forward(x, w, np.zeros(c), stride=1, pad=k // 2)
    np.testing.assert_array_equal(out, x)


def test_float32_in_float32_out_and_deterministic():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 3, 6, 6)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    b = np.zeros(4, np.float32)
    out1, cache = conv2d_forward(x, w, b, 1, 1)
    out2, _ = conv2d_forward(x, w, b, 1, 1)
    assert out1.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(out1, cache))
    np.testing.assert_array_equal(out1, out2)


# ------------------------------------------------------------------ bad input
GOOD_X, GOOD_W, GOOD_B = np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3)), np.zeros(4)


CONV_ARGS = {"x": (2, 3, 5, 5), "w": (4, 3, 3, 3), "b": (4,)}
# the TensorFlow twin checks with conv2d_forward's rules, before TensorFlow is imported
CONV_FUNCTIONS = [conv2d_forward, conv2d_naive, conv2d_tf,
                  lambda x, w, b, stride, pad: conv2d_tf_grads(x, w, b, np.ones((2, 4, 3, 3)),
                                                               stride, pad)]


def conv_call(fn, **bad):
    args = {"x": GOOD_X, "w": GOOD_W, "b": GOOD_B, "stride": 1, "pad": 0, **bad}
    return lambda: fn(**args)


@pytest.mark.parametrize("name", CONV_ARGS)
@pytest.mark.parametrize("fn", CONV_FUNCTIONS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_conv2d_rejects_a_bad_array(fn, name, data):
    value = data.draw(bad_arrays(CONV_ARGS[name]))
    rejects(conv_call(fn, **{name: value}), name)


@pytest.mark.parametrize("fn", CONV_FUNCTIONS)
@settings(max_examples=40, deadline=None)
@given(stride=bad_integers(minimum=1), pad=bad_integers(minimum=0))
def test_conv2d_rejects_a_bad_stride_or_pad(fn, stride, pad):
    rejects(conv_call(fn, stride=stride), "stride")
    rejects(conv_call(fn, pad=pad), "pad")


@pytest.mark.parametrize("fn", CONV_FUNCTIONS)
@pytest.mark.parametrize("kwargs, name", [
    ({"w": np.ones((4, 2, 3, 3))}, "w has 2 input channels but x has 3"),
    ({"b": np.zeros(3)}, "b must have shape (F,) = (4,)"),
    ({"x": np.ones((2, 3, 2, 2))}, "kernel (3, 3) is larger than the padded input"),
])
def test_conv2d_rejects_arrays_that_do_not_fit_together(fn, kwargs, name):
    rejects(conv_call(fn, **kwargs), name)


def test_conv2d_backward_rejects_a_bad_dout_or_cache():
    out, cache = conv2d_forward(GOOD_X, GOOD_W, GOOD_B)
    rejects(lambda: conv2d_backward(np.ones((2, 4, 3, 2)), cache),
            "dout must have shape (N, F, H', W') = (2, 4, 3, 3)")
    rejects(lambda: conv2d_backward(np.full(out.shape, np.nan), cache), "dout")
    rejects(lambda: conv2d_backward(out, out), "cache")


SINGLE_IMAGE = [convolve2d, correlate2d, convolve2d_article]


@pytest.mark.parametrize("fn", SINGLE_IMAGE)
@settings(max_examples=25, deadline=None)
@given(data=st.data(), which=st.sampled_from(["image", "kernel"]))
def test_single_image_rejects_a_bad_array(fn, data, which):
    args = {"image": np.ones((5, 5)), "kernel": np.ones((3, 3)), "mode": "same"}
    args[which] = data.draw(bad_arrays((3, 3)))
    rejects(lambda: fn(**args), which)


@pytest.mark.parametrize("fn", SINGLE_IMAGE)
@settings(max_examples=25, deadline=None)
@given(mode=bad_names(MODES))
def test_single_image_rejects_an_unknown_mode(fn, mode):
    rejects(lambda: fn(np.ones((5, 5)), np.ones((3, 3)), mode), "mode")


@pytest.mark.parametrize("fn", [convolve2d, correlate2d])
@settings(max_examples=25, deadline=None)
@given(stride=bad_integers(minimum=1))
def test_single_image_rejects_a_bad_stride(fn, stride):
    rejects(lambda: fn(np.ones((5, 5)), np.ones((3, 3)), "valid", stride), "stride")


@pytest.mark.parametrize("fn", SINGLE_IMAGE)
def test_a_kernel_larger_than_the_image_in_valid_mode_is_an_error(fn):
    """Where SciPy swaps the arguments (the module docstring says so), we raise."""
    rejects(lambda: fn(np.ones((2, 2)), np.ones((3, 3)), "valid"),
            "kernel (3, 3) is larger than image (2, 2)")


def test_complex_input_is_an_error_not_its_real_part():
    rejects(lambda: correlate2d(np.eye(2) * 1j, np.ones((1, 1))), "image")


# -------------------------------------------------------------- runs on its own
def test_snippet_runs_alone(tmp_path):
    for name in ("convolution.py", "_cli.py", "_checks.py"):  # the command line, checks
        shutil.copy(SNIPPETS / name, tmp_path)
    res = subprocess.run([sys.executable, "convolution.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "valid: shape (1, 1)" in res.stdout and "full: shape (5, 5)" in res.stdout


@pytest.mark.slow
def test_tf_snippet_runs_alone(tmp_path):
    pytest.importorskip("tensorflow")
    for name in ("convolution_tf.py", "convolution.py", "_cli.py", "_checks.py"):
        shutil.copy(SNIPPETS / name, tmp_path)
    res = subprocess.run([sys.executable, "convolution_tf.py"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "(2, 4, 4, 4)" in res.stdout


@settings(max_examples=20, deadline=None)
@given(argv=st.sampled_from([5, "--size 3", [1, 2], (None,)]), doc=st.sampled_from([None, 1, ""]))
def test_layer_demo_inputs_checks_its_arguments(argv, doc):
    from convolution import layer_demo_inputs

    rejects(lambda: layer_demo_inputs(argv, "Demo."), "argv")
    rejects(lambda: layer_demo_inputs([], doc), "doc")
