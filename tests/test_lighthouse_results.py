"""The committed Lighthouse results (benchmarks/lighthouse.py): every page of the site is
measured, and every page meets the floor: performance >= 95, accessibility, best
practices and SEO = 100 (mobile preset).  Pages still below the performance floor in
the latest measurement are named in BELOW_PERFORMANCE_FLOOR; a page that meets the floor
must leave that list.

Pages are read from mkdocs.yml's nav (a strict build fails on any page left out of
the nav, so the nav is the list of built pages).  Re-measure with
``python benchmarks/lighthouse.py`` after changing the site.
"""

from __future__ import annotations

import json
import re

import pytest
from sitebuild import ROOT, nav_pages

# Lighthouse needs Chromium and a full run; part of the browser suite (see Makefile)
pytestmark = pytest.mark.browser

RESULT = ROOT / "benchmarks" / "results" / "lighthouse.json"
FLOOR = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def page_path(doc: str) -> str:
    """``math/gradient-descent.md`` -> ``/math/gradient-descent/`` (the built page)."""
    stem = re.sub(r"\.(md|ipynb)$", "", doc)
    if stem == "index":
        return "/"
    if stem.endswith("/index"):
        return "/" + stem[: -len("index")]
    return f"/{stem}/"


@pytest.fixture(scope="module")
def result() -> dict:
    assert RESULT.is_file(), "no benchmarks/results/lighthouse.json: run benchmarks/lighthouse.py"
    return json.loads(RESULT.read_text(encoding="utf-8"))


def test_page_path_mapping():
    assert page_path("index.md") == "/"
    assert page_path("math/index.md") == "/math/"
    assert page_path("math/gradient-descent.md") == "/math/gradient-descent/"
    assert page_path("notebooks/cnn.ipynb") == "/notebooks/cnn/"


def test_results_are_from_a_full_run(result):
    assert result["name"] == "lighthouse"
    assert result["quick"] is False, "the committed results come from a QUICK=1 run"
    for scores in result["pages"].values():
        for key in (*FLOOR, "bytes", "lcp_ms"):
            assert isinstance(scores[key], (int, float)), key


def test_every_page_of_the_site_is_measured(result):
    measured = set(result["pages"])
    missing = [p for p in map(page_path, nav_pages()) if p not in measured]
    assert not missing, f"pages without Lighthouse results (re-run the benchmark): {missing}"


# Pages whose Lighthouse performance is still below the floor (issue 8 stays open
# until this set is empty), with the median and the range of their 5 runs when last
# measured.  The floor itself is not lowered: every other page must meet it, and a page
# that reaches it must be taken off this list (the test below fails until it is).
# Since Material's bundle carries V8's compile hint (hooks/compile_hints.py), its
# functions are no longer compiled one by one on the main thread during load (an
# interleaved A/B of /karpathy/work/, 7 runs each: TBT median 249 -> 71 ms, performance
# 93 -> 98).  In this measurement (median benchmarkIndex 1389, peer page 99) the median
# TBT over all pages fell from 163 to 91 ms, the median score rose from 96 to 98, and 27
# of the 28 pages meet the floor (21 before).
# /notebooks/word2vec/ did not: three of its five runs fell in the low mode described on
# the performance page, where headless Chromium holds the first paint until about 2.2 s
# (GoogleChrome/lighthouse#17148) and Lighthouse counts all earlier work into FCP and
# LCP.  An interleaved 5-run A/B straight after gave it 98 (runs 91-99) and
# /notebooks/cnn/, which met the floor, 98 (runs 87-99): the same mode, on either page.
BELOW_PERFORMANCE_FLOOR = {  # page: median performance (range of the runs)
    "/notebooks/word2vec/",  # 87 (runs 85-98)
}


def _below(result: dict, categories) -> dict:
    below = {
        page: {c: scores[c] for c in categories if scores[c] < FLOOR[c]}
        for page, scores in result["pages"].items()
    }
    return {page: cats for page, cats in below.items() if cats}


def test_every_page_scores_100_in_accessibility_best_practices_and_seo(result):
    below = _below(result, ("accessibility", "best-practices", "seo"))
    assert not below, (
        f"pages below 100: {below}; audits that lost points: "
        + str({p: result["pages"][p].get("audits_below_100") for p in below})
    )


def test_every_page_meets_the_performance_floor_except_the_listed_ones(result):
    below = set(_below(result, ("performance",)))
    new = sorted(below - BELOW_PERFORMANCE_FLOOR)
    assert not new, (
        f"performance below {FLOOR['performance']} on {new}: "
        + str({p: (result["pages"][p]["performance"], result["pages"][p]["audits_below_100"])
               for p in new}))
    fixed = sorted(BELOW_PERFORMANCE_FLOOR - below)
    assert not fixed, f"these pages now meet the floor: take them off the list: {fixed}"
