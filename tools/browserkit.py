"""Debian's chromium as the tests, the benchmarks and the tools drive it: its path and
flags, the viewports, and how to open a page of the built site and wait until it is ready.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
# What Chromium turns on when a screen reader is running: among other things, content
# the browser skips (content-visibility: auto) is then in the accessibility tree.
SCREEN_READER_ARGS = ["--force-renderer-accessibility=complete,screen-reader"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}


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


