"""The learning path: the home page's order, and each page's 学习路线 box agreeing with it
(its step number, the pages before and after it, and links to the pages it builds on)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from pagetext import markdown_of

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LINK = re.compile(r"\[([^\]]+)\]\(([^)#\s]+)(?:#[^)]*)?\)")


def path_order() -> list[str]:
    """The pages of the home page's numbered list under <!-- learning-path -->."""
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    block = home.split("<!-- learning-path -->", 1)[1].split("</section>", 1)[0]
    return [LINK.search(line)[2] for line in block.strip().splitlines() if LINK.search(line)]


def box(page: str) -> str:
    text = (DOCS / page).read_text(encoding="utf-8")
    m = re.search(r'^# .*\n\n!!! tip "学习路线（本站）"\n\n((?:    .*\n)+)', text, flags=re.M)
    assert m, f"docs/{page}: no 学习路线 box right under the title"
    return m[1]


def links(page: str, text: str) -> list[str]:
    """Link targets of ``text`` on ``page``, as docs-relative paths."""
    base = posixpath.dirname(page)
    return [posixpath.normpath(posixpath.join(base, target)) for _, target in LINK.findall(text)]


def test_the_path_puts_the_maths_before_the_algorithms():
    order = path_order()
    assert len(order) == len(set(order)) == 7
    assert all((DOCS / page).is_file() for page in order)
    assert order.index("math/backpropagation.md") < order.index("algorithms/rnn.md")
    assert order.index("math/convolution.md") < order.index("algorithms/cnn.md")
    assert order.index("math/gradient-descent.md") < order.index("math/backpropagation.md")


def test_each_box_names_its_step_and_neighbours():
    order = path_order()
    for i, page in enumerate(order):
        text = box(page)
        assert f"第 {i + 1} 步，共 {len(order)} 步" in text, page
        prev_next = links(page, text.split("需要先懂", 1)[0])
        assert "index.md" in prev_next, page
        assert (order[i - 1] in prev_next) == (i > 0), page
        if i + 1 < len(order):
            assert order[i + 1] in prev_next, page


def test_what_a_page_builds_on_comes_earlier_on_the_path():
    order = path_order()
    for i, page in enumerate(order):
        needs = links(page, box(page).split("需要先懂", 1)[1])
        assert set(needs) <= set(order[:i]), (page, needs)
    assert "math/backpropagation.md" in links("algorithms/rnn.md", box("algorithms/rnn.md"))
    assert "math/convolution.md" in links("algorithms/cnn.md", box("algorithms/cnn.md"))


def test_bptt_and_the_cnn_backward_pass_link_to_where_they_are_taught():
    rnn = (DOCS / "algorithms/rnn.md").read_text(encoding="utf-8")
    bptt = rnn.split("### 前向传播与随时间反向传播（BPTT）", 1)[1].split("\n#", 1)[0]
    assert "../math/backpropagation.md" in bptt
    cnn = (DOCS / "algorithms/cnn.md").read_text(encoding="utf-8")
    backward = cnn.split("### 第 2 步", 1)[1].split("\n### ", 1)[0]
    assert "../math/backpropagation.md" in backward and "../math/convolution.md" in backward


# ------------------------------------------------------------------ 小结 and 练习
NOTEBOOKS = sorted((DOCS / "notebooks").glob("[!_]*.py"))
ITEM = re.compile(r"^\d+\. \*\*([^*]+)\*\*", re.M)
PAGE_HINT = re.compile(r'^ {4}\?\?\? tip "提示"$', re.M)
NOTEBOOK_HINT = re.compile(r'^ {4}<details class="tip"><summary>提示</summary>$', re.M)
KINDS = ("改代码", "数学", "开放题")


def exercises(path: Path) -> list[tuple[str, str]]:
    """(label, text) of each numbered exercise under the ## 练习 heading, after a ## 小结."""
    text = markdown_of(path)
    where = path.relative_to(ROOT)
    summary, practice = text.find("\n## 小结\n"), text.find("\n## 练习\n")
    assert 0 <= summary < practice, f"{where}: no ## 小结 followed by ## 练习"
    section = text[practice + len("\n## 练习\n"):].split("\n## ", 1)[0]
    starts = list(ITEM.finditer(section))
    return [(m[1], section[m.start():nxt.start() if nxt else len(section)])
            for m, nxt in zip(starts, [*starts[1:], None], strict=True)]


@pytest.mark.parametrize("path", [DOCS / p for p in path_order()] + NOTEBOOKS,
                         ids=lambda p: str(p.relative_to(DOCS)))
def test_each_page_and_notebook_ends_with_a_summary_and_exercises_with_hints(path):
    """At least three exercises: one that changes the code (predict, then run), one on the
    maths, one open; each with a collapsed hint (Material's ??? on pages, <details> in
    notebooks, which Jupyter renders too)."""
    found = exercises(path)
    hint = PAGE_HINT if path.suffix == ".md" else NOTEBOOK_HINT
    assert len(found) >= 3, f"{path.name}: {len(found)} exercises"
    for label, text in found:
        assert len(hint.findall(text)) == 1, f"{path.name}: exercise {label!r} needs one hint"
    labels = [label for label, _ in found]
    for kind in KINDS:
        assert any(label.startswith(kind) for label in labels), (
            f"{path.name}: no {kind} exercise among {labels}")
