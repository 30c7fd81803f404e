"""hooks/offscreen.py: off-screen code, tables and display formulas are marked up so
the browser may skip them on first load, with their heights estimated at build time.

The estimates are compared with the heights chromium really draws in
tests/browser/test_browser_features.py (test_deferred_blocks_keep_their_place)."""

from __future__ import annotations

import math
import re

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.utils.yaml import yaml_load
from sitebuild import ROOT, load_hook

hook = load_hook("offscreen")


def article(body: str) -> str:
    return ('<html><body><header><table><tr><td>nav</td></tr></table></header>'
            f'<article class="md-content__inner md-typeset">{body}</article></body></html>')


CODE = ('<div class="language-python highlight"><span class="filename">snippets/x.py</span>'
        '<pre><span></span><code><span class="k">def</span> f():\n    return 1\n\n</code>'
        '</pre></div>')
TABLE = ("<table>\n<thead>\n<tr>\n<th>名称</th>\n<th>说明</th>\n</tr>\n</thead>\n<tbody>\n"
         "<tr>\n<td>a</td>\n<td>" + "长" * 30 + "</td>\n</tr>\n</tbody>\n</table>")
DISPLAY = ('<div class="arithmatex"><span class="katex-display"><span class="katex">'
           '<span class="katex-html" aria-hidden="true"><span class="base">'
           '<span class="strut" style="height:2.4em;vertical-align:-0.95em;"></span>'
           '</span><span class="base"><span class="strut" style="height:0.6944em;"></span>'
           '</span></span></span></span></div>')
MERMAID = '<pre class="mermaid"><code>flowchart LR\n  a --&gt; b\n</code></pre>'


def test_code_block_gets_its_exact_height_from_its_line_count():
    out = hook.defer_offscreen(article(CODE))
    # 3 lines: 1.4 × 3 + 2 × 0.772 = 5.744 code-font ems (extra.css)
    assert ('<pre data-md-defer style="contain-intrinsic-block-size: auto '
            'calc(5.74412 * max(0.85em, 12px))"><span></span><code>') in out
    assert out.count("data-md-defer") == 1
    assert '<span class="filename">snippets/x.py</span><pre data-md-defer' in out


def test_a_one_line_block_is_one_line_tall():
    assert hook.code_height("x = 1") == "calc(2.94412 * max(0.85em, 12px))"


def test_display_formula_height_comes_from_katex_tallest_strut():
    out = hook.defer_offscreen(article(DISPLAY))
    # 2.4 × 1.21 = 2.90 em (extra.css's padding comes on top)
    assert ('<span class="katex-display" tabindex="0" data-md-defer style="contain-intrinsic-'
            'block-size: auto 2.90em">') in out
    # a short formula is still one line box tall (1.27 × 1.21)
    assert hook.display_height('<span class="strut" style="height:0.4em;">') == "1.54em"


def test_tables_get_material_wrapper_at_build_time_and_a_row_based_estimate():
    out = hook.defer_offscreen(article(TABLE))
    assert re.search(r'<div class="md-typeset__scrollwrap" tabindex="0">'
                     r'<div class="md-typeset__table"><table class="prewrapped" data-md-defer '
                     r'style="contain-intrinsic-'
                     r'block-size: auto ([0-9.]+)em">.*?</table></div></div>', out, re.S)
    # two columns share a row's 30 characters: the header row is 1 line, the body
    # row's 30-character cell wraps to 2 lines (1.6 em a line, 2 × 0.9375 em of cell
    # padding a row, extra.css); + the table's own padding
    assert hook.table_height(TABLE) == f"{1 + (1 * 1.6 + 1.875) + (2 * 1.6 + 1.875):g}em"


def test_a_formula_in_a_cell_counts_once_not_twice():
    cell = ('<table><tr><td><span class="katex"><span class="katex-mathml"><math><mi>x</mi>'
            '<mo>+</mo><mi>y</mi></math></span><span class="katex-html">x+y</span></span>'
            "</td></tr></table>")
    assert hook.table_height(cell) == hook.table_height("<table><tr><td>x+y</td></tr></table>")


def test_mermaid_source_is_scoped_but_not_deferred():
    out = hook.defer_offscreen(article(MERMAID))
    assert f'<div class="md-scope">{MERMAID}</div>' in out
    assert "data-md-defer" not in out


def test_only_the_article_is_touched():
    out = hook.defer_offscreen(article(""))
    assert "<header><table><tr>" in out and "md-scope" not in out


NOTEBOOK_CELL = ('<div class="highlight-ipynb hl-python"><pre><span></span>'
                 '<span class="kn">import</span> os\nprint(os.sep)\n</pre></div>')


def test_notebook_pages_defer_only_their_code_cells():
    page = article('<div class="jupyter-wrapper">' + NOTEBOOK_CELL + TABLE + DISPLAY + "</div>")
    out = hook.defer_offscreen(page, notebook=True)
    # 2 lines of 18.2 px (13 px × 1.4) + 2 × 5 px padding (extra.css)
    assert ('<div class="highlight-ipynb hl-python" tabindex="0" data-md-defer style="contain-'
            'intrinsic-block-size: auto 46.4px"><pre>') in out
    assert out.count("data-md-defer") == 1 and "md-scope" not in out


def test_material_mounts_code_blocks_lazily():
    """Without content.lazy Material measures every code block at start-up, which lays
    out each skipped block on its own: slower than not skipping at all."""
    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "content.lazy" in config["theme"]["features"]
    assert "hooks/offscreen.py" in config["hooks"]
    # after the formulas are typeset: the display heights are read from KaTeX's output
    assert config["hooks"].index("hooks/offscreen.py") > config["hooks"].index(
        "hooks/katex_prerender.py")


# ------------------------------------------------------------------ the built site
def test_every_code_block_table_and_formula_block_of_an_article_is_deferred(site):
    checked = 0
    for page in site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        body = hook.ARTICLE.search(text)
        if not body:
            continue
        body = body.group(2)
        if 'class="jupyter-wrapper"' in text:  # a page made from a notebook
            assert not re.search(r'<div class="highlight-ipynb[\w -]*"><pre>', body), page
            checked += body.count("data-md-defer")
            continue
        assert "<pre><span></span><code>" not in body, page
        assert '<span class="katex-display">' not in body, page
        assert "<table>" not in body, page
        tables = body.count('<table class="prewrapped"')
        assert tables == body.count("<table"), page
        assert tables == body.count(hook.SCROLLWRAP + '<table class="prewrapped"'), page
        assert body.count('<pre class="mermaid">') == body.count(
            '<div class="md-scope"><pre class="mermaid">'), page
        checked += body.count("data-md-defer")
    assert checked > 100


def test_built_corrections_and_admonitions_have_deferred_paragraphs(site):
    """The markup the hook descends into is the markup the site is built with: the
    anchor of hooks/corrections.py and Material's admonitions."""
    text = "".join(p.read_text(encoding="utf-8") for p in site.rglob("index.html"))
    title = r'\s*<p class="admonition-title">(?:(?!</p>).)*</p>\s*'
    assert re.search(r'<div class="erratum-anchor" id="[^"]+">\s*<div class="admonition '
                     r'erratum [^"]*">' + title + r'<(?:p|ul) data-md-defer="text"', text, re.S)
    assert re.search(r'<div class="admonition (?!erratum)[^"]*">' + title +
                     r'<(?:p|ul) data-md-defer="text"', text, re.S)


LONG = "这是一段很长的中文说明文字。" * 6  # 84 characters: about four phone lines


def test_long_paragraphs_and_lists_get_a_phone_and_a_desktop_estimate():
    out = hook.defer_offscreen(article(f"<p>{LONG}</p><p>短句。</p>"
                                       f"<ul>\n<li>{LONG}</li>\n<li>{LONG}</li>\n</ul>"))
    narrow, wide = hook.TEXT_WIDTHS["narrow"], hook.TEXT_WIDTHS["wide"]
    lines = [math.ceil(84 / (w * hook.LINE_FILL)) for w in (narrow, wide)]
    assert (f'<p data-md-defer="text" style="--md-defer-narrow: {lines[0] * 1.6:g}em; '
            f'--md-defer-wide: {lines[1] * 1.6:g}em">') in out
    assert "<p>短句。</p>" in out  # short: not worth deferring
    # list items are 0.625 + 1.25 em narrower and 0.5 em apart (extra.css)
    item = [math.ceil(84 / ((w - 1.875) * hook.LINE_FILL)) for w in (narrow, wide)]
    assert (f'<ul data-md-defer="text" style="--md-defer-narrow: {2 * item[0] * 1.6 + 0.5:g}em; '
            f'--md-defer-wide: {2 * item[1] * 1.6 + 0.5:g}em">') in out


def admonition_lines(font: float) -> list[int]:
    """Lines of LONG in an admonition with text at ``font`` of the article's size."""
    return [math.ceil(84 / ((w - hook.S.admonition_indent) / font * hook.LINE_FILL))
            for w in (hook.TEXT_WIDTHS["narrow"], hook.TEXT_WIDTHS["wide"])]


def test_paragraphs_in_admonitions_get_the_admonition_column_and_type_size():
    out = hook.defer_offscreen(article(
        f'<div class="admonition success">\n<p class="admonition-title">验证</p>\n'
        f"<p>{LONG}</p>\n</div>"))
    lines = admonition_lines(0.8)  # extra.css: admonition text at 0.64 rem, the body 0.8 rem
    assert ('<p class="admonition-title">验证</p>\n<p data-md-defer="text" style="'
            f'--md-defer-narrow: {lines[0] * 1.6:g}em; --md-defer-wide: {lines[1] * 1.6:g}em">'
            ) in out
    assert out.count("data-md-defer") == 1  # the title stays as it is


def test_corrections_in_their_anchor_use_the_errata_type_size():
    out = hook.defer_offscreen(article(
        '<div class="erratum-anchor" id="erratum-x">\n<div class="admonition erratum '
        f'verdict-wrong">\n<p class="admonition-title">勘误</p>\n<p>{LONG}</p>\n</div>\n</div>'))
    lines = admonition_lines(0.85)  # extra.css: 0.68 rem for corrections against the body's 0.8 rem
    assert f'<p data-md-defer="text" style="--md-defer-narrow: {lines[0] * 1.6:g}em; ' in out


def test_sizes_come_from_extra_css_which_sets_them_on_the_page():
    """Every --site-* size the estimates read is declared once in extra.css and used
    there by a rule (var(--site-…)), so the page is drawn with the size estimated from."""
    css = hook.STYLESHEET.read_text(encoding="utf-8")
    errata = (hook.STYLESHEET.parent / "errata.css").read_text(encoding="utf-8")
    declared = re.findall(r"(--site-[a-z-]+):", css)
    assert len(declared) == len(set(declared)) >= 12, declared
    assert not re.findall(r"(--site-[a-z-]+):", errata)
    for name in declared:
        assert f"var({name})" in css + errata, f"extra.css declares {name}, no rule uses it"
    sizes = hook.read_sizes(css)
    assert sizes.admonition_indent == pytest.approx(2 * (0.6 + 0.075) / 0.8)
    assert sizes.erratum_font == pytest.approx(0.68 / 0.8)


def test_a_missing_or_malformed_size_fails_the_build():
    css = hook.STYLESHEET.read_text(encoding="utf-8")
    with pytest.raises(PluginError, match="--site-code-line-height"):
        hook.read_sizes(css.replace("--site-code-line-height:", "--x:"))
    with pytest.raises(PluginError, match="--site-admonition-font must be a number in rem"):
        hook.read_sizes(css.replace("--site-admonition-font: 0.64rem",
                                    "--site-admonition-font: 12px"))


def test_open_details_are_deferred_into_and_closed_ones_left_alone():
    body = f"<summary>说明</summary>\n<p>{LONG}</p>\n"
    closed = f'<details class="note">\n{body}</details>'
    assert hook.defer_offscreen(article(closed)) == article(closed)
    opened = hook.defer_offscreen(article(f'<details class="note" open="open">\n{body}</details>'))
    lines = admonition_lines(0.8)
    assert f'<p data-md-defer="text" style="--md-defer-narrow: {lines[0] * 1.6:g}em; ' in opened


# KaTeX's markup of an inline x (katex_prerender)
KATEX_X = ('<span class="katex"><span class="katex-html" aria-hidden="true">'
           '<span class="base"><span class="mord">x</span></span></span></span>')


def test_a_short_paragraph_with_a_formula_is_deferred():
    formula = f'<span class="arithmatex">{KATEX_X}</span>'
    out = hook.defer_offscreen(article(f"<p>设 {formula}。</p>"))
    assert '<p data-md-defer="text" style="--md-defer-narrow: 1.6em; ' in out


def test_nested_lists_count_their_top_level_items():
    nested = f"<ul>\n<li>{LONG}<ul>\n<li>子项</li>\n</ul>\n</li>\n<li>二</li>\n</ul>"
    blocks = list(hook.top_level(nested))
    assert [tag for tag, _, _ in blocks] == ["ul"]
    start, end = hook.content_span(nested)
    items = [t for t, _, _ in hook.top_level(nested[start:end])]
    assert items == ["li", "li"]


def test_top_level_skips_scripts_comments_and_quoted_brackets():
    body = ('<script>var s = "<div>";</script><!-- <p> --><p title="a > b">x</p>'
            "<br><img src=x.png><div><p>y</p></div>")
    assert [(tag, body[s:e]) for tag, s, e in hook.top_level(body)] == [
        ("p", '<p title="a > b">x</p>'), ("div", "<div><p>y</p></div>")]


def notebook_markdown(inner: str) -> str:
    """A notebook page with one Markdown cell holding ``inner``, marked up by the hook."""
    cell = ('<div class="jp-Cell jp-MarkdownCell"><div class="jp-RenderedHTMLCommon '
            'jp-RenderedMarkdown jp-MarkdownOutput" data-mime-type="text/markdown">'
            f"{inner}</div></div>")
    return hook.defer_offscreen(article(f'<div class="jupyter-wrapper">{cell}</div>'),
                                notebook=True)


def test_notebook_markdown_cells_defer_their_long_paragraphs():
    out = notebook_markdown(f"<p>{LONG}</p>")
    # Markdown cells are 1.875 em narrower than the article
    lines = math.ceil(84 / ((hook.TEXT_WIDTHS["narrow"] - 1.875) * hook.LINE_FILL))
    assert f'<p data-md-defer="text" style="--md-defer-narrow: {lines * 1.6:g}em; ' in out


def test_notebook_markdown_cells_defer_short_paragraphs_with_a_formula():
    """Notebook formulas are bare KaTeX (no arithmatex wrapper): still deferred."""
    out = notebook_markdown(f'<h2 id="">标题</h2><p>误差 {KATEX_X} 收缩。</p><p>没有公式。</p>')
    assert '</h2><p data-md-defer="text" style="--md-defer-narrow: 1.6em; ' in out
    assert "<p>没有公式。</p>" in out
