"""The committed Lighthouse results (benchmarks/lighthouse.py): every page of the site is
measured, and every page meets the floor: performance >= 95, accessibility, best
practices and SEO = 100 (mobile preset).

Pages are read from mkdocs.yml's nav (a strict build fails on any page left out of
the nav, so the nav is the list of built pages).  Re-measure with
``python benchmarks/lighthouse.py`` after changing the site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

# Lighthouse needs Chromium and a full run; part of the browser suite (see Makefile)
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "lighthouse.json"
FLOOR = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def nav_docs() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(text[text.index("\nnav:"):])["nav"]
    out: list[str] = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(nav)
    return out


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
    missing = [p for p in map(page_path, nav_docs()) if p not in measured]
    assert not missing, f"pages without Lighthouse results (re-run the benchmark): {missing}"


def test_every_page_meets_the_floor(result):
    below = {
        page: {c: scores[c] for c, floor in FLOOR.items() if scores[c] < floor}
        for page, scores in result["pages"].items()
    }
    below = {page: cats for page, cats in below.items() if cats}
    assert not below, (
        f"pages below the floor {FLOOR}: {below}; audits that lost points: "
        + str({p: result["pages"][p].get("audits_below_100") for p in below})
    )
