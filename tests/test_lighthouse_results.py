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
# measured.  What is left is mostly Material's start-up script and the first style and
# layout pass (hooks/offscreen.py defers the rest), plus a measurement effect: headless
# Chromium sometimes holds the first paint for a whole second or two, and Lighthouse then
# counts all earlier work into FCP and LCP (GoogleChrome/lighthouse#17148; see the
# performance page).  The floor itself is not lowered: every other page must meet it, and
# a page that reaches it must be taken off this list (the test below fails until it is).
# Pages near the floor move across it between measurements on a shared 2-core machine:
# this measurement ran with a median benchmarkIndex of 1359 (the one before, 1502), the
# peer page scored 100 (98 before).  /math/, /math/convolution/ and
# /math/gradient-descent/ rose from 93, 94 and 92 to 98, 95 and 96 once the paragraphs
# of their admonitions were deferred as well (hooks/offscreen.py); /notebooks/char_rnn/
# and /notebooks/word2vec/, unchanged, rose from 88 and 89 to 98 and 96.  The pages
# listed now include unchanged ones that scored 96-98 before (/karpathy/work/,
# /notebooks/gradient_descent/, /references/, /benchmarks/): the slower machine.  An
# interleaved A/B of /algorithms/rnn/ right after (7 runs each) gave a median of 91
# before the change and 92 after.
BELOW_PERFORMANCE_FLOOR = {  # page: median performance (range of the runs)
    "/algorithms/rnn/",  # 91 (runs 79-93)
    "/benchmarks/",  # 94 (runs 93-98)
    "/karpathy/work/",  # 89 (runs 87-94)
    "/math/backpropagation/",  # 93 (runs 84-98)
    "/notebooks/convolution/",  # 94 (runs 89-98)
    "/notebooks/gradient_descent/",  # 89 (runs 81-95)
    "/references/",  # 94 (runs 93-99)
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
