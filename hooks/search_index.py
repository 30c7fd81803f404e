"""What the search index holds: the prose of each page, not its code, TeX or test lists.

Material's search plugin indexes each page's HTML section by section and leaves out any
element that carries ``data-search-exclude`` (its documented switch).  This hook, run on
our own pages' HTML before the plugin reads it, marks:

* code blocks (``<pre>``) and the hidden copy of each notebook code cell: the pages show
  code, a reader searches for concepts;
* formulas: their TeX source is not prose.  A formula in a heading is typeset here
  (KaTeX, as ``katex_prerender`` does for the rest later), so that the heading's search
  result shows the formula as the text a screen reader reads (KaTeX's MathML), not TeX;
  the ``typeset`` plugin carries the heading into the table of contents;
* 验证 boxes (admonitions of type ``success``, open or collapsed): lists of the tests
  behind a section; the 学习路线 box and the exercises' hints (type ``tip``), which name
  the concepts of other pages or discuss an answer; the exercises (their Markdown
  marks them: questions, not explanations); and
  test names in the prose (``<code>test_…</code>``);
* every ``<div>`` or ``<details>`` that our own Markdown or hooks mark
  ``data-search-exclude`` whole: lists that repeat what another page explains (the errata
  table repeats each note shown beside the passage it corrects) and the configuration
  dumps of the 性能 page.

Sections headed 错误的输入 are marked in their Markdown (``{ data-search-exclude }``).

The glossary (data/glossary.yml) names the concepts the pages explain; each Chinese name
becomes a word of jieba, which the search plugin uses to split Chinese text into words,
so that a concept is one word of the index (互相关, not 互相 + 关).

The pages that teach an algorithm (§3 and §4, ``algorithms/*.md`` and ``math/*.md``
but their overviews) rank above the pages that only mention it: the overviews, the
biography, the project, the 性能 and 勘误 pages (Material's ``search.boost``, set here
for all of them alike).  Without it, a section that names a concept in passing, as often
as the one explaining it, ties with it: 负采样 on §3's overview, 链式法则 on micrograd's
entry, 特征图 on the project page.

Material's parser ends an exclusion at the first closing tag with the same name, so a
container is excluded by marking every element inside it, not only the container, and
the container's own tag must not occur inside it (the exercises, whose lists and code
blocks nest ``<li>`` and ``<div>``, are a ``<section>``).  The
marks are only for the index: once it has read the page, ``on_post_page`` takes them out
again (before the hooks after this one read the page's HTML).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml
from katex_prerender import notebook_math, render  # hooks/katex_prerender.py
from mkdocs.exceptions import PluginError

GLOSSARY = Path(__file__).resolve().parent.parent / "data" / "glossary.yml"
HAN = re.compile(r"[\u4e00-\u9fff]")

TEACHING = re.compile(r"(algorithms|math)/(?!index\.md$)[\w-]+\.md")
TEACHING_BOOST = 10
EXCLUDE = ' data-search-exclude=""'  # the form HTML serializers keep
MARKS = re.compile(r' data-search-exclude(?:="[^"]*")?(?=[\s/>])')
TEST_NAME = re.compile(r"<code>test_\w+</code>")
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b(?![^>]*data-search-exclude)")  # unmarked
PRE = re.compile(r"<pre\b")
COPY_TEXT = re.compile(r'<div class="clipboard-copy-txt"')
MATH = re.compile(r'<(span|div) class="arithmatex">')
HEADING = re.compile(r"<(h[1-6])\b[^>]*>.*?</\1>", re.S)
HEADING_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
CONTAINER = re.compile(r'<div class="admonition (?:success|tip)">|<details class="(?:success|tip)"'
                       r'[^>]*>|<(?:div|details|section)\b[^>]*\sdata-search-exclude\b[^>]*>')


def exclude_all(fragment: str) -> str:
    """Every element of ``fragment`` marked (see the module's note on nesting)."""
    return START_TAG.sub(lambda m: m.group(0) + EXCLUDE, fragment)


def element_end(text: str, start: int) -> int:
    """Index just past the end tag that closes the element whose start tag is at ``start``."""
    name = re.match(r"<(\w+)", text[start:]).group(1)
    depth = 0
    for m in re.compile(rf"<(/?){name}\b").finditer(text, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return text.index(">", m.end()) + 1
    raise ValueError(f"unclosed <{name}> at {start}")


def typeset_heading_math(heading: str) -> str:
    """A heading's formulas typeset now; only their MathML stays searchable."""
    found = list(HEADING_MATH.finditer(heading))
    if not found:
        return heading
    results = render([(html.unescape(m.group(1)).strip(), False) for m in found])
    for m, (rendered, error) in zip(reversed(found), reversed(results), strict=True):
        if error:  # left for katex_prerender, which names the page and the formula
            continue
        mathml, sep, visual = rendered.partition('<span class="katex-html"')
        mathml = mathml.replace("<annotation", "<annotation" + EXCLUDE)
        heading = heading[:m.start()] + mathml + exclude_all(sep + visual) + heading[m.end():]
    return heading


def mark(content: str) -> str:
    content = notebook_math(content)  # $…$ in notebook prose -> arithmatex elements
    content = HEADING.sub(lambda m: typeset_heading_math(m.group(0)), content)
    content = MATH.sub(lambda m: m.group(0)[:-1] + EXCLUDE + ">", content)
    content = PRE.sub(lambda m: m.group(0) + EXCLUDE, content)
    content = COPY_TEXT.sub(lambda m: m.group(0) + EXCLUDE, content)
    content = TEST_NAME.sub(lambda m: "<code" + EXCLUDE + m.group(0)[5:], content)
    for m in reversed(list(CONTAINER.finditer(content))):
        end = element_end(content, m.start())
        content = content[:m.start()] + exclude_all(content[m.start():end]) + content[end:]
    return content


def glossary() -> dict[str, list[list[str]]]:
    """Page (under docs/) -> its concepts, each a list of names (the first is the site's
    Chinese term)."""
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    return {page: terms for page, terms in data.items() if page.endswith(".md")}


def avoided_terms() -> dict[str, str]:
    """A word the site's own text does not use -> the glossary's term it uses instead."""
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")).get("_avoid", {})


def on_config(config):
    import jieba  # the search plugin's word splitter (lang: zh)

    for terms in glossary().values():
        for names in terms:
            for name in names:
                if HAN.search(name):
                    jieba.add_word(name)  # frequency chosen by jieba so that it is kept whole
    return config


GLOSSARY_PAGE, GLOSSARY_MARKER = "glossary.md", "<!-- glossary:terms -->"


def page_title(src: str) -> str:
    """The first heading of docs/<src>."""
    text = (GLOSSARY.parent.parent / "docs" / src).read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def glossary_tables() -> list[str]:
    """The 术语表 page: every concept (term, English names, other Chinese names, its page),
    then the words the site's own text does not use."""
    # kept out of the index: a reader searching a term wants the page that explains it
    rows = ['<div class="glossary-terms" data-search-exclude="" markdown>', "",
            "| 术语 | 英文 | 别名 | 讲解它的页面 |", "|---|---|---|---|"]
    for page, terms in glossary().items():
        where = f"[{page_title(page)}]({page})"
        for first, *rest in terms:
            english = "、".join(n for n in rest if not HAN.search(n)) or "—"
            other = "、".join(n for n in rest if HAN.search(n)) or "—"
            rows.append(f"| **{first}** | {english} | {other} | {where} |")
    rows += ["", "本站自己的文字不用的说法（原文照录，不在此列）：", "",
             "| 不用 | 用 |", "|---|---|"]
    rows += [f"| {old} | {new} |" for old, new in avoided_terms().items()]
    return [*rows, "", "</div>"]


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri == GLOSSARY_PAGE:
        if GLOSSARY_MARKER not in markdown:
            raise PluginError(f"docs/{GLOSSARY_PAGE} lacks the marker {GLOSSARY_MARKER}")
        markdown = markdown.replace(GLOSSARY_MARKER, "\n".join(glossary_tables()))
    if TEACHING.fullmatch(page.file.src_uri):
        page.meta.setdefault("search", {})["boost"] = TEACHING_BOOST
    return markdown


def on_page_content(html_text: str, page, config, files) -> str:
    return mark(html_text)


def on_post_page(output: str, page, config) -> str:
    return MARKS.sub("", output)
