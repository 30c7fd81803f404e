"""search: milliseconds from the last keystroke to the results, typing into the site's own
search box in Debian's chromium, and how often the page that explains a concept is first.

The built site is served on 127.0.0.1 the way GitHub Pages serves it.  For every query of
``tools/search_expectations.py`` (the development set, which the tests also check, and the
held-out set, which they do not), each repeat types the query but its
last character, waits for those results, then types the last character; the time runs in
the page from that key's ``keyup`` (what Material's search listens for) to the change of
the result list that answers it.  The first result and the rank of the expected page are
read from the same list.

Peer: the same site with Material's own search worker (the page's config left as the theme
writes it, without workers/search-zh.js), measured in the same run.
Goals: results within 300 ms of the last keystroke (median and 90th percentile); the index
a reader downloads no larger than 626 KB; the expected page first for ≥ 95 % of the
queries of both sets together, mean reciprocal rank ≥ 0.97.

Run: python -m benchmarks.search        (SITE_DIR=<built site> reuses a build)
"""

from __future__ import annotations

import gzip
import re
import statistics
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from benchkit import quick, write_result
from browserkit import CHROMIUM, CHROMIUM_ARGS, DESKTOP, goto
from search_expectations import EXPECTED_FIRST, HELD_OUT
from sitebuild import built_site
from siteserver import serve

GOAL_MS, GOAL_INDEX_BYTES, GOAL_FIRST, GOAL_MRR = 300.0, 626_000, 0.95, 0.97
SETS = {"development": EXPECTED_FIRST, "held_out": HELD_OUT}
BOX = "input.md-search__input"
LINKS = ".md-search-result__list > .md-search-result__item > a"
OURS = re.compile(r"<script>\(\(\) => \{\s*const el = document\.getElementById\(\"__config\"\).*?"
                  r"</script>", re.S)
# installed before the last key: the time from its keyup to the next change of the list
WATCH = """() => {
  window.__searchMs = null;
  const list = document.querySelector('.md-search-result__list');
  const box = document.querySelector('input.md-search__input');
  let t0 = null;
  box.addEventListener('keyup', () => { t0 = performance.now(); }, { once: true });
  const seen = new MutationObserver(() => {
    if (t0 === null) return;
    window.__searchMs = performance.now() - t0;
    seen.disconnect();
  });
  seen.observe(list, { childList: true, subtree: true, characterData: true });
}"""


def material_only(route) -> None:
    """Serve a page as the theme writes it: without our worker in the search config."""
    response = route.fetch()
    body = OURS.sub("", response.text())
    route.fulfill(response=response, body=body)


def type_and_time(page, query: str) -> tuple[float | None, list[str]]:
    """Milliseconds to the results and their pages; None, [] when no results came (lunr
    throws on some prefix queries, which Material's worker alone does not survive)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    box = page.locator(BOX)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(query[:-1], delay=10)
    page.wait_for_timeout(300)  # the results for all but the last character
    page.evaluate(WATCH)
    if query[-1].isascii():
        page.keyboard.press(query[-1])
    else:
        page.keyboard.insert_text(query[-1])
        page.keyboard.press("End")  # insert_text sends no keyup: a real one, as an IME commit
    try:
        page.wait_for_function("() => window.__searchMs !== null", timeout=10_000)
    except PlaywrightTimeoutError:  # the list never changed: the worker answered nothing
        return None, []
    page.wait_for_timeout(100)  # the rest of the list
    ms = page.evaluate("() => window.__searchMs")
    hrefs = page.eval_on_selector_all(LINKS, "as => as.map(a => a.href)")
    return ms, [urlsplit(h).path for h in hrefs]


def measure(playwright, base: str, theme_only: bool, repeats: int) -> dict:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
        if theme_only:
            page.route(re.compile(r".*/$"), material_only)
        goto(page, base + "background/")
        root = urlsplit(base).path
        times, ranks, unanswered = [], {}, []
        for name, queries in SETS.items():
            for query, expected in queries.items():
                want = {root + e for e in expected}
                for _ in range(repeats):
                    ms, pages = type_and_time(page, query)
                    if ms is None:
                        unanswered.append(query)
                    else:
                        times.append(ms)
                ranks[name, query] = next(
                    (i + 1 for i, p in enumerate(dict.fromkeys(pages)) if p in want), None)
        times.sort()
        out = {"median_ms": statistics.median(times),
               "p90_ms": times[min(len(times) - 1, int(0.9 * len(times)))],
               "max_ms": times[-1], "timed": len(times),
               "unanswered": sorted(set(unanswered)),
               "misses": {f"{name}: {q}": r for (name, q), r in ranks.items() if r != 1}}
        for name in (*SETS, "all"):
            got = [r for (n, _), r in ranks.items() if name in (n, "all")]
            out[name] = {"first_hit": sum(r == 1 for r in got) / len(got),
                         "mrr": sum(1 / r for r in got if r) / len(got), "queries": len(got)}
        return out
    finally:
        browser.close()


def quality(m: dict) -> dict:
    out = {}
    for name, label in (("all", "两组合计"), ("development", "开发组"), ("held_out", "留出组")):
        out[f"{label}首条命中率"] = round(m[name]["first_hit"], 3)
        out[f"{label} MRR"] = round(m[name]["mrr"], 3)
    return {**out, "90 分位 ms": round(m["p90_ms"], 1), "最慢 ms": round(m["max_ms"], 1)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    repeats = 1 if quick() else 5
    with tempfile.TemporaryDirectory() as tmp:
        site = built_site(Path(tmp))
        index = (site / "search" / "search_index.json").read_bytes()
        with serve(site) as base, sync_playwright() as p:
            ours = measure(p, base, False, repeats)
            print("ours", ours, flush=True)
            theme = measure(p, base, True, repeats)
            print("material", theme, flush=True)
    index_bytes, index_gzip = len(index), len(gzip.compress(index, 9))
    met = {"latency": ours["median_ms"] <= GOAL_MS and ours["p90_ms"] <= GOAL_MS,
           "index_size": index_bytes <= GOAL_INDEX_BYTES,
           "first_hit": ours["all"]["first_hit"] >= GOAL_FIRST,
           "mrr": ours["all"]["mrr"] >= GOAL_MRR}
    peer = "Material 自带的搜索 worker（同一站点、同一索引）"
    write_result(
        "search",
        title="中文搜索：最后一次按键到结果，首条命中率",
        metric="ms from the last keystroke to the result list, development and held-out "
               "queries (median)",
        unit="ms",
        higher_is_better=False,
        ours=round(ours["median_ms"], 1),
        peers={peer: round(theme["median_ms"], 1)},
        target={"at_most": {"median_ms": GOAL_MS, "p90_ms": GOAL_MS,
                            "index_bytes": GOAL_INDEX_BYTES},
                "at_least": {"first_hit": GOAL_FIRST, "mrr": GOAL_MRR},
                "note": "results ≤ 300 ms after the last keystroke (median and p90); index "
                        "≤ 626 KB; the explaining page first for ≥ 95 % of the development "
                        "and held-out queries together, MRR ≥ 0.97",
                "met": met},
        quality={"ours": quality(ours), peer: quality(theme)},
        config={"queries": {name: len(queries) for name, queries in SETS.items()},
                "repeats": repeats, "misses (rank; None = not listed)": ours["misses"],
                "index_bytes": index_bytes, "index_gzip_bytes": index_gzip,
                "browser": "Debian chromium (headless), 1280×800"},
    )


if __name__ == "__main__":
    main()
