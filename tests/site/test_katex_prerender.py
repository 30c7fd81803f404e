"""Formulas are typeset at build time (hooks/katex_prerender.py) with KaTeX from npm."""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest
from sitebuild import ROOT, load_hook, run_build

kp = load_hook("katex_prerender")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "katex").is_dir(),
    reason="needs node and `npm ci`")

BAD_TEX = r"\frac{1}{2"  # unbalanced brace


def test_arithmatex_inline_and_display_become_katex():
    page = ('<p>a <span class="arithmatex">\\(x^2 &lt; y\\)</span> b</p>\n'
            '<div class="arithmatex">\\[\\frac{1}{2}\\]</div>')
    out = kp.typeset(page, "p.md")
    assert out.count('class="arithmatex"') == 2, "the wrappers (Material styles them) stay"
    assert out.count('class="katex"') == 2 and out.count('class="katex-display"') == 1
    assert "\\(" not in out and "\\[" not in out
    # the TeX source survives only as KaTeX's MathML annotation, unescaped correctly
    assert '<annotation encoding="application/x-tex">x^2 &lt; y</annotation>' in out
    assert out.startswith("<p>a ") and "</span> b</p>" in out


def test_same_html_as_katex_itself():
    html, error = kp.render([(r"\sum_{i=1}^n x_i", True)])[0]
    assert error is None
    assert html.startswith('<span class="katex-display"><span class="katex">')
    assert "<math" in html  # MathML for screen readers


def test_notebook_prose_is_split_like_auto_render():
    parts = kp.split_math(r"cost $J(\theta)$, sum $$\sum_{i} {a$b}$$ and 5 $ left")
    kinds = [(k, v) for k, v in parts]
    assert kinds == [("text", "cost "), ("math", (r"J(\theta)", False)), ("text", ", sum "),
                     ("math", (r"\sum_{i} {a$b}", True)), ("text", " and 5 $ left")]
    assert kp.split_math("no math here") == [("text", "no math here")]
    assert kp.split_math(r"\(a\) and \[b\]") == [
        ("math", ("a", False)), ("text", " and "), ("math", ("b", True))]


def test_notebook_code_and_scripts_are_left_alone():
    page = ('<script>var s = "$a$";</script><div class="jupyter-wrapper">'
            '<div class="jp-RenderedMarkdown"><p>see $\\alpha$ and <code>$HOME$</code></p>'
            '<pre>echo $x$</pre><style>/* $y$ */</style></div>'
            '<div class="clipboard-copy-txt" id="cell-1">ax.set(xlabel=r"$\\theta_0$")</div>'
            '</div>')
    out = kp.typeset(page, "notebooks/x.ipynb")
    assert out.count('class="katex"') == 1
    for kept in ('var s = "$a$";', "<code>$HOME$</code>", "<pre>echo $x$</pre>", "/* $y$ */",
                 'id="cell-1">ax.set(xlabel=r"$\\theta_0$")</div>'):
        assert kept in out


def test_notebook_copy_buttons_copy_the_code_cell_exactly(site):
    """mkdocs-jupyter's copy button copies a hidden <div class="clipboard-copy-txt">: in
    every built notebook it holds each code cell's source unchanged, also where the code
    has $…$ (Matplotlib labels), which is code and not a formula to typeset."""
    pages = sorted((site / "notebooks").glob("*/index.html"))
    assert pages
    code_with_dollars = 0
    for page in pages:
        built = page.read_text(encoding="utf-8")
        notebook = json.loads(next(page.parent.glob("*.ipynb")).read_text(encoding="utf-8"))
        # the cell of inlined code is in the download only (tools/standalone.py)
        sources = ["".join(cell["source"]) for cell in notebook["cells"]
                   if cell["cell_type"] == "code"
                   and "inlined-code" not in cell["metadata"].get("tags", [])]
        copied = re.findall(r'<div class="clipboard-copy-txt"[^>]* id="cell-\d+">(.*?)</div>',
                            built, re.S)
        assert [html.unescape(text) for text in copied] == sources, page.parent.name
        code_with_dollars += sum(re.search(r"\$[^$\n]+\$", s) is not None for s in sources)
    assert code_with_dollars, "no notebook code has $…$ any more: this test checks less"


def test_a_formula_with_an_error_fails_naming_page_and_formula():
    page = f'<p><span class="arithmatex">\\({BAD_TEX}\\)</span></p>'
    expected = (r"(?s)math/bad\.md: KaTeX cannot typeset 1 formula"
                r".*\n  \\frac\{1\}\{2  \(KaTeX parse error")
    with pytest.raises(kp.PluginError, match=expected):
        kp.typeset(page, "math/bad.md")
    with pytest.raises(kp.PluginError, match="notebooks/bad.ipynb"):
        kp.typeset(f'<div class="jupyter-wrapper"><p>${BAD_TEX}$</p></div>', "notebooks/bad.ipynb")


def test_strict_build_of_a_page_with_a_math_error_fails(tmp_path):
    """The real build (arithmatex + this hook) refuses a page with unbalanced braces,
    so the error is reported to the author and never shown to readers as red text."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 好\n\n$$E = mc^2$$\n", encoding="utf-8")
    (docs / "bad.md").write_text(f"# 坏\n\n行内 ${BAD_TEX}$。\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: t\ndocs_dir: {docs}\nhooks:\n  - {ROOT / 'hooks' / 'katex_prerender.py'}\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n",
        encoding="utf-8")
    proc = run_build(tmp_path / "site", config)
    assert proc.returncode != 0
    log = proc.stdout + proc.stderr
    assert "bad.md" in log and "KaTeX cannot typeset" in log, log[-2000:]
    (docs / "bad.md").unlink()
    proc = run_build(tmp_path / "site", config)
    assert proc.returncode == 0, proc.stderr[-2000:]
    built = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="arithmatex"><span class="katex-display">', built)
