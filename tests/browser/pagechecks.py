"""What the browser tests check on a page: a ``Watch`` on everything that went wrong
while it loaded, screenshots, formulas left untypeset, content sticking out sideways."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sitebuild import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"


@dataclass
class Watch:
    """Everything that went wrong on one page: console errors, uncaught exceptions,
    failed or non-2xx requests, requests to any host other than the local server."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    allow_404: set[str] = field(default_factory=set)
    # Leaving a page aborts its unfinished requests (net::ERR_ABORTED); that is not
    # a failure.  Real failures show as HTTP errors or other net:: errors.
    ignore_aborted: bool = True

    def attach(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, msg):
        if msg.type == "error":
            loc = msg.location or {}
            if "404" in msg.text and loc.get("url") in self.allow_404:
                return
            self.console_errors.append(f"{msg.text} [{loc.get('url', '')}]")

    def _failed(self, req):
        if self.ignore_aborted and req.failure == "net::ERR_ABORTED":
            return
        self.failed.append(f"{req.url} ({req.failure})")

    def _request(self, req):
        url = req.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(url)

    def _response(self, resp):
        if resp.status >= 400 and resp.url not in self.allow_404:
            self.failed.append(f"{resp.url} (HTTP {resp.status})")

    def problems(self) -> list[str]:
        return ([f"console error: {m}" for m in self.console_errors]
                + [f"uncaught exception: {m}" for m in self.page_errors]
                + [f"failed request: {m}" for m in self.failed]
                + [f"third-party request: {m}" for m in self.foreign])

    def clear(self):
        for bucket in (self.console_errors, self.page_errors, self.failed, self.foreign):
            bucket.clear()


def shot(page, path: str, mode: str, full_page: bool = True) -> Path:
    """Screenshot to test-artifacts/screenshots/<page>.<mode>.jpg (JPEG: a tall page
    is encoded twice as fast as PNG)."""
    stem = re.sub(r"[^\w.-]+", "_", path.strip("/")) or "index"
    out = ARTIFACTS / f"{stem}.{mode}.jpg"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=out, full_page=full_page, type="jpeg", quality=70)
    return out


# Typesetting state of the page: raw TeX left in text, .arithmatex elements without
# KaTeX output, KaTeX error marks, and (notebooks) $...$ left in Markdown cells.
MATH_STATE = r"""() => {
  const SKIP = 'pre, code, script, style, textarea, .katex, .md-search, .md-nav, .md-footer';
  const texts = (root) => {
    const out = [];
    if (!root) return out;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement && !node.parentElement.closest(SKIP)) out.push(node.nodeValue);
    }
    return out;
  };
  const raw = texts(document.querySelector('.md-content'))
    .filter(t => t.includes('$$') || t.includes('\\(') || t.includes('\\['))
    .map(t => t.trim().slice(0, 100));
  const notebookDollars = [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown')]
    .flatMap(texts).filter(t => /\$[^$\s][^$]*\$/.test(t)).map(t => t.trim().slice(0, 100));
  const untypeset = [...document.querySelectorAll('.arithmatex')]
    .filter(el => !el.querySelector('.katex')).map(el => el.textContent.trim().slice(0, 100));
  return {
    raw, notebookDollars, untypeset,
    errors: document.querySelectorAll('.katex-error, .math-error').length,
    arithmatex: document.querySelectorAll('.arithmatex').length,
    katex: document.querySelectorAll('.katex').length,
  };
}"""


def math_problems(page) -> list[str]:
    state = page.evaluate(MATH_STATE)
    out = [f"raw TeX in visible text: {t!r}" for t in state["raw"]]
    out += [f"notebook math not typeset: {t!r}" for t in state["notebookDollars"]]
    out += [f"formula not typeset by KaTeX: {t!r}" for t in state["untypeset"]]
    if state["errors"]:
        out.append(f"{state['errors']} formula(s) marked as KaTeX errors")
    if state["arithmatex"] and not state["katex"]:
        out.append("math page without any KaTeX output")
    return out


# Content that sticks out past the right edge of the viewport without being inside
# a box that scrolls or clips on its own (code blocks, Material's table wrapper, KaTeX
# display blocks).  Material sets `overflow-x: hidden` on <html>, so such content is
# not scrollable but cut off; either way the reader cannot see it.  KaTeX's MathML copy
# (.katex-mathml) is visually hidden and ignored.
OVERFLOW = r"""() => {
  const vw = document.documentElement.clientWidth;
  const contained = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= vw + 1 || el.closest('.katex-mathml')) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed' || style.visibility === 'hidden' || contained(el)) continue;
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).join('.') : '';
    const name = el.tagName.toLowerCase() + (cls ? '.' + cls : '');
    culprits.push(`${name} (right edge ${Math.round(r.right)} px): `
                  + (el.textContent || '').trim().slice(0, 40));
  }
  return {vw, culprits: culprits.slice(0, 6)};
}"""


def overflow_problems(page) -> list[str]:
    state = page.evaluate(OVERFLOW)
    return [f"sticks out of the {state['vw']} px viewport: {c}" for c in state["culprits"]]
