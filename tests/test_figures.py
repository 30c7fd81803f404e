"""The teaching figures drawn at build (figures/*.py, hooks/figures.py): what each one
draws is what the snippets compute, and the pages show every one of them."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from char_rnn import init_params, rnn_backward, rnn_forward, softmax_cross_entropy
from scipy.signal import correlate2d
from sitebuild import load_hook

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "figures"
hook = load_hook("figures")  # hooks/figures.py


def load(name: str):
    """figures/<name>.py, as hooks/figures.py loads it."""
    return hook.load(FIGURES / f"{name}.py")


def markers() -> set[str]:
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md"))
    return set(re.findall(r"<!-- figure: ([a-z_]+\.[a-z_0-9]+) -->", pages))


def test_every_figure_is_on_a_page_and_every_marker_has_a_figure():
    defined = {f"{path.stem}.{name}" for path in hook.modules()
               for name in hook.drawers(hook.load(path))}
    assert defined == markers()
    for path in hook.modules():
        for fn in hook.drawers(hook.load(path)).values():
            assert hook.caption(fn).endswith("。"), fn.__name__


def test_gradient_descent_non_convex_paths_end_in_two_minima():
    gd = load("gradient_descent")
    left, right = gd.descend_bumpy(-0.2)[-1], gd.descend_bumpy(0.3)[-1]
    for theta in (left, right):
        value, slope = gd.bumpy(theta)
        assert abs(slope) < 1e-3 and 12 * theta**2 - 4 > 0       # f' = 0, f'' > 0
    assert left < 0 < right and gd.bumpy(left)[0] < gd.bumpy(right)[0]  # left is global


def test_gradient_descent_condition_number_is_the_notebooks():
    gd = load("gradient_descent")
    X, y = gd.notebook_data()
    source = (ROOT / "docs/notebooks/gradient_descent.py").read_text(encoding="utf-8")
    assert "t = rng.uniform(0, 2, size=n)" in source
    assert "y = 1.5 + 0.8 * t + 0.3 * rng.normal(size=n)" in source
    lam = np.linalg.eigvalsh(X.T @ X)
    assert gd.condition_number(X) == pytest.approx(lam[-1] / lam[0]) and gd.condition_number(X) > 10


@pytest.mark.parametrize(("stride", "pad"), [(1, 0), (2, 1)])
def test_sliding_window_numbers_are_scipys_cross_correlation(stride, pad):
    conv = load("convolution")
    out, _ = conv.layer(conv.IMAGE, conv.KERNEL, stride, pad)
    full = correlate2d(np.pad(conv.IMAGE, pad), conv.KERNEL, "valid")
    np.testing.assert_allclose(out, full[::stride, ::stride])


def test_im2col_columns_are_the_windows():
    conv = load("convolution")
    image = conv.IMAGE[:4, :4]
    out, cols = conv.layer(image, conv.KERNEL)
    for k in range(4):
        r, c = divmod(k, 2)
        np.testing.assert_array_equal(cols[:, k], image[r:r + 3, c:c + 3].ravel())
    np.testing.assert_allclose(conv.KERNEL.ravel() @ cols, out.ravel())


def test_skipgram_example_is_a_sentence_of_the_corpus_in_the_vocabulary():
    we = load("word_embeddings")
    sentences, corpus = we.lee_corpus()
    words, centre = we.example(sentences, corpus)
    assert words == next(s for s in sentences if s[:len(words)] == words)[:len(words)]
    assert set(words) <= set(corpus.words) and 0 < centre < len(words) - 1


def test_neighbours_use_the_benchmarks_settings():
    we = load("word_embeddings")
    bench = (ROOT / "benchmarks/word2vec.py").read_text(encoding="utf-8")
    hp = eval(re.search(r"^HP = (dict\(.*\))$", bench, re.M)[1])  # noqa: S307 — our own file
    batch = int(re.search(r"^BATCH = (\d+)$", bench, re.M)[1])
    assert we.BENCHMARK == {**hp, "batch_size": batch, "seed": 0}


@pytest.mark.slow
def test_the_neighbours_the_page_names_are_in_the_figure():
    """3.1 says: king near throne and emperor, french near italian and spanish."""
    we = load("word_embeddings")
    wv = we.benchmark_vectors()
    assert {"throne", "emperor"} <= {w for w, _ in wv.most_similar("king", topn=5)}
    assert {"italian", "spanish"} <= {w for w, _ in wv.most_similar("french", topn=5)}


def test_rnn_hidden_gradients_are_bptt():
    """One step past h_1 the figure's recursion gives rnn_backward's gradient for h_0."""
    rnn = load("rnn")
    rng = np.random.default_rng(0)
    params = init_params(11, 8, seed=0)
    params["Why"] = rng.normal(size=params["Why"].shape)
    ids = rng.integers(0, 11, size=13)
    grads = rnn.hidden_gradients(params, ids)
    inputs = ids[None, :-1]
    logits, hs = rnn_forward(params, inputs, np.zeros((1, 8)))
    _, last = softmax_cross_entropy(logits[:, -1:], ids[None, -1:])
    dlogits = np.zeros_like(logits)
    dlogits[:, -1:] = last
    _, dh0 = rnn_backward(params, inputs, hs, dlogits)
    np.testing.assert_allclose(((1 - hs[1, 0] ** 2) * grads[-1]) @ params["Whh"].T, dh0[0])
    assert len(grads) == len(ids) - 1


def test_parameter_counts_are_the_networks():
    cnn = load("cnn")
    from cnn_numpy import init_params as cnn_params

    rows = cnn.layer_sizes(cnn_params(seed=0))
    assert [r[1] for r in rows] == [320, 18_496, 36_928]            # 3·3·C·F + F
    assert [(r[2], r[3]) for r in rows] == [(784, 21_632), (5_408, 7_744), (1_600, 576)]


def test_graph_diagrams_show_every_value_and_gradient():
    bp = load("backprop")
    from scalar_backprop import fork_example, neuron_example

    o, values = neuron_example()
    text = bp.mermaid_neuron()
    for name, v in values.items():
        assert f"**{name}**\n值 {v.data:.4g}\n梯度 {v.grad:.4g}" in text
    fork = bp.mermaid_fork()
    f, a, b = fork_example()
    a_id = re.search(r'(v\d+)\["`\*\*a\*\*', fork)[1]
    assert len(re.findall(rf"^    {a_id} --> ", fork, re.M)) == 2      # a feeds two operations
