"""lighthouse: Lighthouse (npm, pinned in package.json) over every page of the built site.

Mobile preset (Lighthouse's default: Moto G Power emulation, simulated slow 4G and 4x CPU
slowdown), Debian's chromium (CHROME_PATH=/usr/bin/chromium, headless), against the site
served on 127.0.0.1 the way GitHub Pages serves it (gzip, under the site_url path; see
tools/siteserver.py).  Pages are read from the built site (sitemap.xml), so new pages are
measured without editing this file.

Per page: the four category scores, bytes transferred (total-byte-weight), LCP, TBT, CLS,
the audits that lost points, and whether the page meets ``FLOOR_AT_LEAST`` and
``FLOOR_AT_MOST`` (the 性能 page shows the floor and each page's verdict).  Each page is
run LIGHTHOUSE_RUNS times (default 5) and the median run by performance score is kept
(for the floor too), as Lighthouse recommends for its variance
(the score of one run moves by several points with the machine's momentary speed;
``benchmark_index`` records that speed per page).
Peer, measured in the same run: a one-page site with mkdocs-material's default theme
(font: false, because its default Google Fonts request cannot be made offline).

Run: python -m benchmarks.lighthouse            (SITE_DIR=<built site> reuses a build)
QUICK=1: two pages, one run each (same code paths).
LIGHTHOUSE_PAGES="notebooks/cnn/ faq/": measure only those pages (and the peer) and keep
the other pages' figures from the committed results; each page records when it was
measured, so a changed or new page costs minutes, not a run of the whole site.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchkit import RESULTS, ROOT, quick, write_result
from browserkit import CHROMIUM, CHROMIUM_ARGS
from sitebuild import built_site, run_build
from siteserver import pages, serve

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", CHROMIUM)  # the browser the tests use
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
QUICK_PAGES = ("", "math/gradient-descent/")
PEER = "mkdocs-material default theme, one page"
# What every page must reach in its kept (median) run: the category scores at least
# FLOOR_AT_LEAST, the Core Web Vitals at most FLOOR_AT_MOST (their "good" thresholds).
FLOOR_AT_LEAST = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
FLOOR_AT_MOST = {"lcp_ms": 2500, "tbt_ms": 200, "cls": 0.1}


def lighthouse_version() -> str:
    pkg = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(pkg.read_text(encoding="utf-8"))["version"]


def run_lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run; the figures we keep from its report."""
    cmd = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}", "--disable-full-page-screenshot",
        "--max-wait-for-load=60000", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROME}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url}:\n{proc.stderr[-3000:]}")
    lhr = json.loads(out.read_text(encoding="utf-8"))
    if lhr.get("runtimeError"):
        raise RuntimeError(f"lighthouse runtime error on {url}: {lhr['runtimeError']}")
    audits = lhr["audits"]
    result = {c: round(lhr["categories"][c]["score"] * 100) for c in CATEGORIES}
    result.update(
        bytes=int(audits["total-byte-weight"]["numericValue"]),
        lcp_ms=round(audits["largest-contentful-paint"]["numericValue"]),
        fcp_ms=round(audits["first-contentful-paint"]["numericValue"]),
        tbt_ms=round(audits["total-blocking-time"]["numericValue"]),
        cls=round(audits["cumulative-layout-shift"]["numericValue"], 4),
        speed_index_ms=round(audits["speed-index"]["numericValue"]),
        benchmark_index=round(lhr.get("environment", {}).get("benchmarkIndex", 0)),
    )
    lost = set()
    for cat in CATEGORIES:
        for ref in lhr["categories"][cat]["auditRefs"]:
            score = audits[ref["id"]].get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 1:
                lost.add(ref["id"])
    result["audits_below_100"] = sorted(lost)
    return result


def floor_misses(figures: dict) -> list[str]:
    """What a page's figures miss of the floor, e.g. ``["performance 88 < 90"]``."""
    return ([f"{k} {figures[k]} < {bound}" for k, bound in FLOOR_AT_LEAST.items()
             if figures[k] < bound]
            + [f"{k} {figures[k]} > {bound}" for k, bound in FLOOR_AT_MOST.items()
               if figures[k] > bound])


def measure(url: str, runs: int, tmp: Path) -> dict:
    """Median run (by performance score, then LCP) of ``runs`` Lighthouse runs."""
    results = [run_lighthouse(url, tmp / f"run{i}.json") for i in range(runs)]
    results.sort(key=lambda r: (r["performance"], -r["lcp_ms"]))
    best = dict(results[(len(results) - 1) // 2])
    best["performance_runs"] = sorted(r["performance"] for r in results)
    best["floor_misses"] = floor_misses(best)
    best["meets_floor"] = not best["floor_misses"]
    return best


def peer_site(tmp: Path) -> Path:
    """A one-page site with mkdocs-material's defaults (plus font: false, zh)."""
    docs = tmp / "peer-docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(
        "# 深度学习\n\n深度学习是一种基于神经网络的机器学习方法。"
        "它通过多层网络从数据中提取特征。\n", encoding="utf-8")
    config = tmp / "peer-mkdocs.yml"
    config.write_text(
        f"site_name: 默认主题\ndocs_dir: {docs}\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n", encoding="utf-8")
    site = tmp / "peer-site"
    proc = run_build(site, config)
    if proc.returncode != 0:
        raise RuntimeError(f"peer site build failed:\n{proc.stdout}\n{proc.stderr}")
    return site


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run `npm ci`")
    runs = 1 if quick() else int(os.environ.get("LIGHTHOUSE_RUNS", "5"))
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmpdir:
        tmp = Path(tmpdir)
        site = built_site(tmp)
        paths = pages(site)
        per_page: dict[str, dict] = {}
        if quick():
            paths = [p for p in QUICK_PAGES if p in paths] or paths[:2]
        elif only := os.environ.get("LIGHTHOUSE_PAGES", "").split():
            unknown = sorted(set(only) - set(paths))
            if unknown:
                raise SystemExit(f"LIGHTHOUSE_PAGES: not pages of the site: {unknown}")
            previous = json.loads((RESULTS / "lighthouse.json").read_text(encoding="utf-8"))
            on_site = {"/" + p for p in paths}  # pages removed since are dropped
            per_page = {p: {"measured_at": previous["measured_at"], **r}
                        for p, r in previous["pages"].items() if p in on_site}
            paths = only
        t0 = time.perf_counter()
        with serve(site) as base:
            for path in paths:
                per_page["/" + path] = r = measure(base + path, runs, tmp)
                r["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                print(f"/{path}: " + ", ".join(f"{c} {r[c]}" for c in CATEGORIES)
                      + f", {r['bytes']} B, LCP {r['lcp_ms']} ms, TBT {r['tbt_ms']} ms"
                      + f", CLS {r['cls']}"
                      + (f"; below 100: {r['audits_below_100']}" if r["audits_below_100"]
                         else "")
                      + (f"; misses the floor: {r['floor_misses']}" if r["floor_misses"]
                         else ""), flush=True)
        with serve(peer_site(tmp)) as base:
            peer = measure(base, runs, tmp)
        seconds = time.perf_counter() - t0

    lowest = {c: min(r[c] for r in per_page.values()) for c in CATEGORIES}
    below = sorted(p for p, r in per_page.items() if not r["meets_floor"])
    write_result(
        "lighthouse",
        title="Lighthouse 页面评分",
        metric="lowest performance score over all pages (mobile)",
        unit="Lighthouse score",
        higher_is_better=True,
        ours=float(lowest["performance"]),
        peers={PEER: float(peer["performance"])},
        target={"at_least": FLOOR_AT_LEAST, "at_most": FLOOR_AT_MOST, "met": not below},
        quality={"ours": {f"lowest {c}": lowest[c] for c in CATEGORIES},
                 PEER: {c: peer[c] for c in CATEGORIES}},
        config={
            "lighthouse": lighthouse_version(),
            "preset": "mobile (default), simulated throttling",
            "browser": CHROME,
            "runs_per_page": runs,
            "kept_run": "median by performance score",
            "pages": len(per_page),
            "pages_measured_in_this_run": len(paths),
            "server": "127.0.0.1, gzip, site_url path (tools/siteserver.py)",
            "median_benchmark_index": statistics.median(
                r["benchmark_index"] for r in per_page.values()),
            "seconds": round(seconds),
        },
        extra={"pages": dict(sorted(per_page.items())), "below_floor": below,
               "peer_page": peer},
    )


if __name__ == "__main__":
    main()
