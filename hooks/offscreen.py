"""Let the browser skip off-screen blocks (code, tables, formulas, long text) on first load.

On a phone, the first style and layout pass of a long page (thousands of elements in
highlighted code, KaTeX formulas, tables and Chinese prose), plus the re-styling that
Material's start-up script triggers, is most of the main-thread time Lighthouse counts
as "total blocking time".  This hook marks up the built pages so the browser does less
of that work up front; nothing a reader sees changes.

* ``content-visibility: auto`` (extra.css, ``[data-md-defer]``) on each code block's
  ``<pre>``, table, display formula, notebook code cell, and each top-level paragraph or
  list (in admonitions too) that has inline formulas or is longer than about three phone
  lines.  Each gets a build-time estimate of its height (``contain-intrinsic-block-size``)
  so the scrollbar and in-page links land where they will once it is drawn.  The sizes
  the estimates use are the ``--site-*`` variables of extra.css, which also sets them
  on the page: estimate and page read one source.  tests/browser compares the estimates
  with the drawn heights.  Blocks on the first screen are deferred too: their layout
  then comes in a short step of its own after the first layout instead of lengthening
  it, which measured better.  Material's ``content.lazy`` feature (mkdocs.yml) measures
  a code block when it first comes into view, so the skipped blocks stay skipped.
* Tables get Material's scroll wrapper at build time and the class ``prewrapped``, so
  Material's start-up script, which wraps every ``table:not([class])``, does not take
  them out of the page and put them back (re-styling all of it); extra.css styles
  ``table.prewrapped`` as Material styles its tables.
* Mermaid sources are wrapped in ``<div class="md-scope">`` (``display: contents``):
  Material replaces each with an SVG at start-up, and an insertion straight into the
  article would make Chromium re-style the whole article (Material's CSS has sibling
  selectors such as ``table:not([class]) + *``); inside the wrapper only the wrapper.

A page without Material's article element fails the build; the site tests check that
the code, formula, table and admonition markup is the markup this hook rewrites.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path
from types import SimpleNamespace

from mkdocs.exceptions import PluginError

STYLESHEET = Path(__file__).resolve().parent.parent / "docs/assets/stylesheets/extra.css"
SIZE = re.compile(r"--site-([a-z-]+):\s*([^;]+);")


def read_sizes(css: str) -> SimpleNamespace:
    """The ``--site-*`` sizes of ``css`` (extra.css) as the estimates need them; a missing
    or malformed one fails the build."""
    found = dict(SIZE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.S)))

    def raw(name: str) -> str:
        if name not in found:
            raise PluginError(f"extra.css does not declare --site-{name}, which "
                              "hooks/offscreen.py estimates heights from")
        return found[name].strip()

    def get(name: str, unit: str = "") -> float:
        m = re.fullmatch(r"([0-9.]+)" + unit, raw(name))
        if not m:
            raise PluginError(f"extra.css: --site-{name} must be a number"
                              f"{' in ' + unit if unit else ''}, got {raw(name)!r}")
        return float(m.group(1))

    text_font, code_line = get("text-font", "rem"), get("code-line-height")
    return SimpleNamespace(
        text_line=get("text-line-height"),
        # a list item's column is narrower than the article's by this many ems
        item_indent=get("list-indent", "em") + get("item-indent", "em"),
        item_gap=get("item-gap", "em"),
        # code: line height and padding in code-font ems, the font size as CSS
        code_line=code_line,
        code_pad=2 * get("code-pad-block", "em"),
        code_font=raw("code-font"),
        katex=get("katex-size", "em"),
        # admonitions: how much narrower (article ems) and their type size / the article's
        admonition_indent=2 * (get("admonition-pad-inline", "rem")
                               + get("admonition-border", "rem")) / text_font,
        admonition_font=get("admonition-font", "rem") / text_font,
        erratum_font=get("erratum-font", "rem") / text_font,
        # tables: in table-font ems; notebook code cells: in px
        table_line=get("table-line-height"),
        table_row_pad=2 * get("table-cell-pad-block", "em"),
        notebook_line=get("notebook-code-font", "px") * code_line,
        notebook_pad=2 * get("notebook-code-pad-block", "px"),
    )


S = read_sizes(STYLESHEET.read_text(encoding="utf-8"))

ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)

CODE = re.compile(
    r'(<div class="language-[\w+#.-]* highlight">(?:<span class="filename">.*?</span>)?)'
    r"<pre><span></span><code>(.*?)</code></pre>", re.S)
MERMAID = re.compile(r'<pre class="mermaid">.*?</pre>', re.S)
TABLE = re.compile(r"<table>(.*?)</table>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
TAG = re.compile(r"<[^>]+>")
MATHML = re.compile(r"<math\b.*?</math>", re.S)  # KaTeX's hidden copy of a formula
DISPLAY = re.compile(r'(<div class="arithmatex">)<span class="katex-display">(.*?)</div>', re.S)
STRUT = re.compile(r'<span class="strut" style="height:([0-9.]+)em;')

# A display line is at least one line box (1.27 KaTeX ems).  The estimate is the content
# height: extra.css's padding comes on top of it.
KATEX_MIN_LINE = 1.27
# tables: a row of a phone-wide table holds about 30 ems of text (see text_width; long
# identifiers do not wrap and widen their column), shared by its columns; 1 em for the
# table's own border and margins
ROW_CHARS, MIN_COLUMN_CHARS, TABLE_PAD = 30, 5, 1.0


def _defer(height: str) -> str:
    return f' data-md-defer style="contain-intrinsic-block-size: auto {height}"'


def code_height(code_html: str) -> str:
    """Height of a Pygments block with ``code_html`` inside its <code>, as CSS."""
    lines = code_html.count("\n") or 1
    return f"calc({S.code_line * lines + S.code_pad:g} * {S.code_font})"


def display_height(katex_html: str) -> str:
    """Height of a KaTeX display block, from the tallest strut KaTeX wrote."""
    struts = [float(h) for h in STRUT.findall(katex_html)] or [1.0]
    return f"{max(max(struts), KATEX_MIN_LINE) * S.katex:.2f}em"


def table_height(table_html: str) -> str:
    """A rough height for a table: each row as tall as its longest cell wraps."""
    total = TABLE_PAD
    for row in ROW.findall(table_html):
        cells = CELL.findall(row)
        per_line = max(MIN_COLUMN_CHARS, ROW_CHARS / max(len(cells), 1))
        lines = max([math.ceil(text_width(c) / per_line) for c in cells] + [1])
        total += lines * S.table_line + S.table_row_pad
    return f"{total:g}em"


# Paragraphs and lists: inline formulas (KaTeX's markup) and long runs of Chinese text
# are most of the remaining layout work.  Their height depends on the width, so they
# get two estimates: a phone (content 343–380 px, 22.5 em of 16 px) and a desktop
# (688 px, 43 em; from 45 em wide), read by extra.css through --md-defer-narrow /
# --md-defer-wide.  Notebook Markdown cells are 1.875 em narrower than the article.
TEXT_WIDTHS = {"narrow": 22.5, "wide": 43.0}
NOTEBOOK_INDENT = 1.875
# width of a character in ems: Chinese 1, ASCII 0.55, formula text 0.7 (1.21 em italic)
ASCII_EM, FORMULA_EM, LINE_FILL = 0.55, 0.7, 0.95
# blocks narrower than this (ems of text, about three phone lines) cost little to lay out
MIN_PROSE_WIDTH = 60
PROSE = ("p", "ul", "ol")
# a typeset formula (katex_prerender runs first): arithmatex's on Markdown pages, bare
# KaTeX in notebook Markdown cells
INLINE_MATH = 'class="katex"'
KATEX_HTML = re.compile(r'<span class="katex-html"[^>]*>(.*?)</span></span>(?=</span>)', re.S)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
# a comment, a script or style element (opaque), or a start / end tag
TOKEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>"
                   r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>",
                   re.S | re.I)
NOTEBOOK_CONTAINER = re.compile(r'<div class="(?:jp-|jupyter-wrapper)')
# Admonitions and open collapsible blocks: a narrower column and smaller type (the
# --site-admonition-* and --site-erratum-font sizes).  A closed <details> is not drawn,
# so it is left alone; hooks/corrections.py wraps each correction in an anchor <div>.
ADMONITION = re.compile(r'<div class="admonition(?: (?P<div>[^"]*))?"|<details(?: class="'
                        r'(?P<details>[^"]*)")? open\b')
ANCHOR = '<div class="erratum-anchor"'


def top_level(body: str):
    """(tag, start, end) of each element at the top level of ``body``."""
    depth, start, tag = 0, 0, ""
    for m in TOKEN.finditer(body):
        closing, name, selfclosing = m.group(2), (m.group(3) or "").lower(), m.group(4)
        if not name or name in VOID or selfclosing:
            continue
        if not closing:
            if depth == 0:
                start, tag = m.start(), name
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                yield tag, start, m.end()


def content_span(block: str) -> tuple[int, int]:
    """Where the content of an element starts and ends: between its start and end tags."""
    return TOKEN.match(block).end(), block.rindex("</")


def text_width(fragment: str) -> float:
    """Width of ``fragment`` set in one line, in ems of the body text."""
    visible = MATHML.sub("", fragment)
    formula_chars = sum(len(html.unescape(TAG.sub("", k))) for k in KATEX_HTML.findall(visible))
    prose = " ".join(html.unescape(TAG.sub("", KATEX_HTML.sub("", visible))).split())
    return formula_chars * FORMULA_EM + sum(ASCII_EM if ch.isascii() else 1.0 for ch in prose)


def text_height(block: str, width: float) -> float:
    """Height in ems of a <p>, <ul> or <ol> ``block`` in a column ``width`` ems wide."""
    if block.startswith(("<ul", "<ol")):
        start, end = content_span(block)
        content = block[start:end]
        items = [content[s:e] for tag, s, e in top_level(content) if tag == "li"]
        width -= S.item_indent
    else:
        items = [block]
    lines = [max(1, math.ceil(text_width(i) / (width * LINE_FILL))) for i in items or [""]]
    return sum(lines) * S.text_line + S.item_gap * (len(lines) - 1)


def _defer_text(block: str, indent: float, scale: float) -> str:
    tag = re.match(r"<(\w+)", block).group(1)
    heights = "; ".join(
        f"--md-defer-{name}: {text_height(block, (width - indent) / scale):g}em"
        for name, width in TEXT_WIDTHS.items())
    return f'<{tag} data-md-defer="text" style="{heights}"' + block[len(tag) + 1:]


def _defer_prose(body: str, indent: float = 0.0, notebook: bool = False,
                 scale: float = 1.0) -> str:
    """Defer the top-level paragraphs and lists of ``body`` that are worth it, and those
    of its admonitions; in a notebook, those of the Markdown cells (inside JupyterLab's
    containers).  ``indent``: how much narrower than the article the text column is, in
    article ems; ``scale``: the text's size relative to the article's."""
    out, last = [], 0
    for tag, start, end in top_level(body):
        block, new = body[start:end], None
        if (tag in PROSE and re.match(r"<\w+>", block)
                and (INLINE_MATH in block or text_width(block) >= MIN_PROSE_WIDTH)):
            new = _defer_text(block, indent, scale)
        elif notebook and tag == "div" and NOTEBOOK_CONTAINER.match(block):
            s, e = content_span(block)
            new = block[:s] + _defer_prose(block[s:e], NOTEBOOK_INDENT, True) + block[e:]
        elif block.startswith(ANCHOR):
            s, e = content_span(block)
            new = block[:s] + _defer_prose(block[s:e], indent, notebook, scale) + block[e:]
        elif m := ADMONITION.match(block):
            classes = (m.group("div") or m.group("details") or "").split()
            font = S.erratum_font if "erratum" in classes else S.admonition_font
            s, e = content_span(block)
            new = (block[:s] + _defer_prose(block[s:e], indent + S.admonition_indent,
                                            notebook, font) + block[e:])
        if new is not None and new != block:
            out += [body[last:start], new]
            last = end
    return "".join(out) + body[last:]


def _article(body: str) -> str:
    body = _defer_prose(body)
    body = CODE.sub(lambda m: f"{m.group(1)}<pre{_defer(code_height(m.group(2)))}>"
                              f"<span></span><code>{m.group(2)}</code></pre>", body)
    body = DISPLAY.sub(lambda m: f'{m.group(1)}<span class="katex-display" tabindex="0"'
                                 f'{_defer(display_height(m.group(2)))}>{m.group(2)}</div>',
                       body)
    body = TABLE.sub(lambda m: f"{SCROLLWRAP}<table{PREWRAPPED}{_defer(table_height(m.group(1)))}>"
                               f"{m.group(1)}</table>{SCROLLWRAP_END}", body)
    return MERMAID.sub(lambda m: f'<div class="md-scope">{m.group(0)}</div>', body)


NOTEBOOK_CODE = re.compile(r'(<div class="highlight-ipynb[\w -]*")(><pre>)(.*?)</pre>', re.S)


def _notebook(body: str) -> str:
    def defer(m: re.Match) -> str:
        lines = m.group(3).count("\n") or 1
        height = f"{S.notebook_line * lines + S.notebook_pad:g}px"
        return f'{m.group(1)} tabindex="0"{_defer(height)}{m.group(2)}{m.group(3)}</pre>'
    return _defer_prose(NOTEBOOK_CODE.sub(defer, body), notebook=True)


def defer_offscreen(output: str, notebook: bool = False) -> str:
    """The page ``output`` with its article's off-screen blocks marked up (``notebook``:
    a page mkdocs-jupyter made from a notebook)."""
    mark_up = _notebook if notebook else _article
    out, found = ARTICLE.subn(lambda m: m.group(1) + mark_up(m.group(2)) + m.group(3), output,
                              count=1)
    if not found:
        raise PluginError("hooks/offscreen.py: no <article class=\"md-content__inner "
                          "md-typeset\"> in the page: Material's page markup changed")
    return out


# Material's table component (bundle.js) replaces every ``table:not([class])`` of the
# article by this wrapper with the table inside
SCROLLWRAP = '<div class="md-typeset__scrollwrap" tabindex="0"><div class="md-typeset__table">'
SCROLLWRAP_END = "</div></div>"
PREWRAPPED = ' class="prewrapped"'


def on_config(config):
    global S
    S = read_sizes(STYLESHEET.read_text(encoding="utf-8"))  # extra.css may have changed
    return config


def on_post_page(output: str, page, config) -> str:
    return defer_offscreen(output, notebook=page.file.src_uri.endswith(".ipynb"))
