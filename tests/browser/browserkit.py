"""Helpers shared by the browser tests and benchmarks/lighthouse.py's page checks."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from siteserver import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
# What Chromium turns on when a screen reader is running: among other things, content
# the browser skips (content-visibility: auto) is then in the accessibility tree.
SCREEN_READER_ARGS = ["--force-renderer-accessibility=complete,screen-reader"]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}


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


REVEAL = """async () => {
  const step = Math.max(200, innerHeight - 100);
  for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
    scrollTo(0, y);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  }
}"""
# Not yet rendered: Mermaid sources (formulas are typeset at build time; math_problems
# checks them).
UNRENDERED_JS = """[...document.querySelectorAll('pre.mermaid')]"""
RENDERED = f"() => {UNRENDERED_JS}.length === 0"
UNRENDERED = (f"() => {UNRENDERED_JS}.slice(0, 5)"
              ".map(e => e.className + ': ' + e.textContent.slice(0, 60))")


def settle(page, idle: bool = True) -> list[str]:
    """Wait until the page is ready: loaded, Mermaid diagrams rendered, fonts loaded
    and, with ``idle``, the search index loaded; returns what did not happen."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    problems = []
    page.wait_for_load_state("load")
    # Diagrams are rendered when they come near the viewport: scroll
    # through the page as a reader would, then wait until every one is done.
    page.evaluate(REVEAL)
    try:
        page.wait_for_function(RENDERED, timeout=15_000)
    except PlaywrightTimeout:
        problems.append("Mermaid diagrams still not rendered 15 s after "
                        "scrolling through the page: " + str(page.evaluate(UNRENDERED)))
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.fonts.ready.then(() => true)")
    if idle:
        # Material's search worker has fetched and indexed search_index.json: the
        # placeholder changes from 正在初始化搜索引擎 (it stays there forever when the
        # worker fails, as when a blocked CDN script breaks the page).
        try:
            page.wait_for_function(
                """() => { const m = document.querySelector('.md-search-result__meta');
                           return !m || !m.textContent.includes('正在初始化'); }""",
                timeout=20_000)
        except PlaywrightTimeout:
            problems.append("search still 正在初始化搜索引擎 after 20 s")
    return problems


def goto(page, url: str, idle: bool = True) -> list[str]:
    """Open ``url`` and wait for it to settle; returns problems (non-200, unrendered)."""
    resp = page.goto(url, wait_until="load")
    problems = [] if resp is not None and resp.status == 200 else [
        f"HTTP {resp.status if resp else 'no response'} for {url}"]
    return problems + settle(page, idle)


def shot(page, path: str, mode: str, full_page: bool = True) -> Path:
    """Screenshot to test-artifacts/screenshots/<page>.<mode>.jpg (JPEG: a tall page
    is encoded twice as fast as PNG)."""
    stem = re.sub(r"[^\w.-]+", "_", path.strip("/")) or "index"
    out = ARTIFACTS / f"{stem}.{mode}.jpg"
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=out, full_page=full_page, type="jpeg", quality=70)
    return out


def built_html(site_dir: Path, path: str) -> str:
    return (site_dir / path / "index.html").read_text(encoding="utf-8")


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
