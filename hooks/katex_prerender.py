"""Typeset every formula at build time with the self-hosted KaTeX (Node, npm package).

Readers get finished HTML + KaTeX's CSS and fonts: no KaTeX JavaScript, no layout
shift while formulas are typeset, no raw TeX if a script is blocked or slow, and the
same output after any kind of navigation.

* Markdown pages: ``pymdownx.arithmatex`` (generic mode) writes
  ``<span class="arithmatex">\\(…\\)</span>`` and ``<div class="arithmatex">\\[…\\]</div>``;
  the inside of each element is replaced by KaTeX's HTML.
* Notebook pages (mkdocs-jupyter): the Markdown cells keep ``$…$`` / ``$$…$$`` in their
  text; they are split the way KaTeX's auto-render does it (braces balanced, code,
  ``<pre>``, scripts, styles and the copy buttons' source text left alone) and become
  arithmatex elements (``notebook_math``; hooks/search_index.py does this earlier, so
  that the search index can leave them out).

A formula KaTeX cannot typeset (unbalanced braces, unknown command…) fails the build
with the page and the formula named, so it never reaches readers as red text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
RENDERER = Path(__file__).resolve().with_name("katex_render.cjs")

# (hooks/search_index.py may have marked the element for the search index)
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex"(?: data-search-exclude="")?>(.*?)</\1>',
                        re.S)
# Markup that is not prose: left untouched when looking for $…$ in notebook cells.
# mkdocs-jupyter keeps each code cell's source a second time, as escaped text in a
# hidden <div class="clipboard-copy-txt"> that its copy button copies: code, not prose.
NOT_PROSE = re.compile(
    r"<(script|style|pre|code|textarea|svg)\b.*?</\1\s*>"
    r"|<(span|div) class=\"arithmatex\"[^>]*>.*?</\2>"
    r"|<div\b[^>]*\bclass=\"clipboard-copy-txt\"[^>]*>.*?</div\s*>"
    r"|<!--.*?-->|<[^>]*>", re.S | re.I)
# auto-render's delimiters, in its order: the longer ones first
DELIMITERS = (("$$", "$$", True), ("\\[", "\\]", True), ("\\(", "\\)", False), ("$", "$", False))
LEFT = re.compile("|".join(re.escape(left) for left, _, _ in DELIMITERS))
NOTEBOOK_MARK = 'class="jupyter-wrapper"'

_cache: dict[tuple[str, bool], str] = {}


def render(formulas: list[tuple[str, bool]]) -> list[tuple[str | None, str | None]]:
    """(html, error) for each (tex, display), with one Node process for the whole list."""
    todo = sorted({f for f in formulas if f not in _cache})
    errors: dict[tuple[str, bool], str] = {}
    if todo:
        node = shutil.which("node")
        if node is None:
            raise PluginError("node is not installed: it typesets the formulas with KaTeX "
                              "from node_modules (install Node.js, then `npm ci`)")
        if not (ROOT / "node_modules" / "katex").is_dir():
            raise PluginError("node_modules/katex is missing: run `npm ci` (or `make assets`)")
        payload = json.dumps([{"tex": tex, "display": display} for tex, display in todo])
        proc = subprocess.run([node, str(RENDERER)], input=payload, capture_output=True,
                              text=True, encoding="utf-8", timeout=300)
        if proc.returncode != 0:
            raise PluginError(f"KaTeX renderer failed:\n{proc.stderr[-2000:]}")
        for key, result in zip(todo, json.loads(proc.stdout), strict=True):
            if "html" in result:
                _cache[key] = result["html"]
            else:
                errors[key] = result["error"]
    return [(_cache.get(f), errors.get(f)) for f in formulas]


def _arithmatex_tex(inner: str, tag: str) -> tuple[str, bool]:
    raw = html.unescape(inner).strip()
    if raw.startswith("\\(") and raw.endswith("\\)"):
        return raw[2:-2], False
    if raw.startswith("\\[") and raw.endswith("\\]"):
        return raw[2:-2], True
    return raw, tag == "div"  # \begin{…}…\end{…} blocks


def find_end_of_math(delimiter: str, text: str, start: int) -> int:
    """Index of the closing delimiter at brace level 0 (KaTeX auto-render's rule), or -1."""
    level, i = 0, start
    while i < len(text):
        ch = text[i]
        if level <= 0 and text.startswith(delimiter, i):
            return i
        if ch == "\\":
            i += 1
        elif ch == "{":
            level += 1
        elif ch == "}":
            level -= 1
        i += 1
    return -1


def split_math(text: str) -> list[tuple[str, str | tuple[str, bool]]]:
    """Split (HTML-escaped) text into ("text", s) and ("math", (tex, display)) parts."""
    parts: list[tuple[str, str | tuple[str, bool]]] = []
    pos = 0
    while True:
        m = LEFT.search(text, pos)
        if m is None:
            break
        left = m.group(0)
        right, display = next((r, d) for lft, r, d in DELIMITERS if lft == left)
        end = find_end_of_math(right, text, m.end())
        if end == -1:
            # A closing delimiter inside unbalanced braces is still a formula (a broken
            # one: KaTeX reports it); with no closing delimiter at all it is plain text.
            end = text.find(right, m.end())
            if end == -1:
                break
        if m.start() > pos:
            parts.append(("text", text[pos:m.start()]))
        parts.append(("math", (html.unescape(text[m.end():end]).strip(), display)))
        pos = end + len(right)
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return parts


def _as_arithmatex(text: str) -> str:
    parts = split_math(text)
    if not any(kind == "math" for kind, _ in parts):
        return text
    out = []
    for kind, value in parts:
        if kind == "text":
            out.append(value)
        else:
            tex, display = value
            left, right = ("\\[", "\\]") if display else ("\\(", "\\)")
            out.append(f'<span class="arithmatex">{left}{html.escape(tex, quote=False)}'
                       f'{right}</span>')
    return "".join(out)


def notebook_math(output: str) -> str:
    """A notebook page's ``$…$`` (and the other delimiters) in its Markdown cells' prose
    rewritten as arithmatex elements, the form Markdown pages have (code, ``<pre>``,
    scripts, styles and the copy buttons' source text left alone)."""
    start = output.find(NOTEBOOK_MARK)
    if start == -1:
        return output
    pieces, pos = [output[:start]], start
    for tag in NOT_PROSE.finditer(output, start):
        pieces += [_as_arithmatex(output[pos:tag.start()]), tag.group(0)]
        pos = tag.end()
    pieces.append(_as_arithmatex(output[pos:]))
    return "".join(pieces)


def typeset(output: str, where: str) -> str:
    """The page's HTML with every formula typeset; PluginError naming ``where`` and the
    formulas KaTeX rejects."""
    output = notebook_math(output)
    found = [(m, _arithmatex_tex(m.group(2), m.group(1))) for m in ARITHMATEX.finditer(output)]
    if not found:
        return output
    results = iter(render([f for _, f in found]))
    bad: list[str] = []
    edits: list[tuple[int, int, str]] = []
    for m, (tex, _) in found:
        rendered, error = next(results)
        if error:
            bad.append(f"{tex}  ({error})")
            continue
        edits.append((m.start(2), m.end(2), rendered))
    if bad:
        raise PluginError(f"{where}: KaTeX cannot typeset {len(bad)} formula(s):\n  "
                          + "\n  ".join(bad))
    for begin, end, new in sorted(edits, reverse=True):
        output = output[:begin] + new + output[end:]
    return output


def on_post_page(output: str, page, config) -> str:
    return typeset(output, page.file.src_uri)
