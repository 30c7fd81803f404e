"""speed_layer: is each part of the site's speed layer worth keeping?  Interleaved A/B.

Each part is taken out of a copy of the built site, the way it would look without it,
and the page it matters most for is measured with Lighthouse (mobile preset, as in
benchmarks/lighthouse.py) alternately with and without it, so both see the same
machine state:

* deferral (hooks/offscreen.py): blocks off-screen skip style and layout;
* compile hint (hooks/compile_hints.py): Material's bundle compiled off the main thread;
* table wrapping (hooks/offscreen.py): tables wrapped at build time, not at start-up;
* palette (overrides/partials/palette.html and javascripts/palette.html): our toggle
  script instead of Material's palette component.

"ours" is the total blocking time summed over the pages (each page's median run
with every part); the peer "without <part>" is the same sum with that part taken out of
its page, so ours ÷ peer below 1 is the share of blocking time the part saves.  A part
earns its place if its page's median TBT is at least 20 ms and 10 % lower with it, or its
median performance score at least a point higher.

Run: python -m benchmarks.speed_layer   (SPEED_LAYER_RUNS, default 5 a side; QUICK=1: 1)
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchkit import quick, write_result
from sitebuild import built_site, load_hook, material_templates
from siteserver import serve

from benchmarks.lighthouse import lighthouse_version, run_lighthouse

DEFERRED = re.compile(r' data-md-defer(?:="text")? style="[^"]*"')
PREWRAPPED = re.compile(r'<div class="md-typeset__scrollwrap"[^>]*><div class="md-typeset__'
                        r'table"><table class="prewrapped"(.*?</table>)</div></div>', re.S)
OUR_PALETTE_SCRIPT = re.compile(
    r'<script>\s*\(function \(\) \{\s*var form = document\.querySelector\("form\[data-md-'
    r'palette\]"\);.*?</script>', re.S)
HINT = load_hook("compile_hints").HINT + "\n"  # the line hooks/compile_hints.py adds


def _pages(site: Path, edit: Callable[[str], str]) -> None:
    changed = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = edit(text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    if not changed:
        raise RuntimeError(f"{edit.__name__}: no page changed; the markup it removes moved")


def without_deferral(site: Path) -> None:
    def undefer(text: str) -> str:
        return DEFERRED.sub("", text)
    _pages(site, undefer)


def without_compile_hint(site: Path) -> None:
    (bundle,) = (site / "assets" / "javascripts").glob("bundle.*.min.js")
    text = bundle.read_text(encoding="utf-8")
    if not text.startswith(HINT):
        raise RuntimeError("the bundle carries no compile hint")
    bundle.write_text(text[len(HINT):], encoding="utf-8")


def without_table_wrapping(site: Path) -> None:
    def unwrap(text: str) -> str:
        return PREWRAPPED.sub(r"<table\1", text)
    _pages(site, unwrap)


def without_palette_script(site: Path) -> None:
    original = (material_templates() / "partials" / "javascripts" / "palette.html").read_text(
        encoding="utf-8")
    material_script = original[original.index("<script>"):].strip()

    def material_palette(text: str) -> str:
        text = text.replace("data-md-palette>", 'data-md-component="palette">')
        return OUR_PALETTE_SCRIPT.sub(lambda m: material_script, text)
    _pages(site, material_palette)


# part -> (how to take it out, the page it matters most for)
PARTS = {
    "deferral": (without_deferral, "algorithms/rnn/"),
    "compile hint": (without_compile_hint, "karpathy/work/"),
    "table wrapping": (without_table_wrapping, "errata/"),
    "palette script": (without_palette_script, "math/gradient-descent/"),
}


def earns_its_place(with_part: dict, without_part: dict) -> bool:
    saved = without_part["tbt_ms"] - with_part["tbt_ms"]
    return ((saved >= 20 and saved >= 0.1 * without_part["tbt_ms"])
            or with_part["performance"] >= without_part["performance"] + 1)


def summary(runs: list[dict]) -> dict:
    return {
        "performance": statistics.median(r["performance"] for r in runs),
        "tbt_ms": statistics.median(r["tbt_ms"] for r in runs),
        "lcp_ms": statistics.median(r["lcp_ms"] for r in runs),
        "cls": statistics.median(r["cls"] for r in runs),
        "performance_runs": [r["performance"] for r in runs],
        "tbt_runs": [r["tbt_ms"] for r in runs],
    }


def main() -> None:
    runs = 1 if quick() else int(os.environ.get("SPEED_LAYER_RUNS", "5"))
    parts: dict[str, dict] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="speed-layer-") as tmpdir:
        tmp = Path(tmpdir)
        site = built_site(tmp)
        for part, (take_out, page) in PARTS.items():
            variant = tmp / "variant"
            shutil.rmtree(variant, ignore_errors=True)
            shutil.copytree(site, variant)
            take_out(variant)
            with_part, without_part = [], []
            with serve(site) as a, serve(variant) as b:
                for i in range(runs):  # interleaved: both sides see the same machine state
                    with_part.append(run_lighthouse(a + page, tmp / f"a{i}.json"))
                    without_part.append(run_lighthouse(b + page, tmp / f"b{i}.json"))
            parts[part] = {"page": "/" + page, "with": summary(with_part),
                           "without": summary(without_part)}
            w, wo = parts[part]["with"], parts[part]["without"]
            parts[part]["kept"] = earns_its_place(w, wo)
            print(f"{part} on /{page}: performance {w['performance']} vs {wo['performance']}, "
                  f"TBT {w['tbt_ms']} vs {wo['tbt_ms']} ms, LCP {w['lcp_ms']} vs "
                  f"{wo['lcp_ms']} ms", flush=True)
    ours = sum(p["with"]["tbt_ms"] for p in parts.values())
    write_result(
        "speed_layer",
        title="速度层各部分的 A/B（Lighthouse，交替测量）",
        metric="total blocking time summed over the pages of the A/B (median runs)",
        unit="ms",
        higher_is_better=False,
        ours=float(ours),
        peers={f"without {part}": float(ours - p["with"]["tbt_ms"] + p["without"]["tbt_ms"])
               for part, p in parts.items()},
        target={"every part saves >= 20 ms and 10 % of TBT or a point of score": True,
                "met": all(p["kept"] for p in parts.values())},
        quality={"ours": {part: p["with"]["performance"] for part, p in parts.items()},
                 **{f"without {part}": {"performance on " + p["page"]: p["without"]["performance"]}
                    for part, p in parts.items()}},
        config={"lighthouse": lighthouse_version(), "runs_per_side": runs,
                "order": "interleaved, with the part first",
                "seconds": round(time.perf_counter() - t0)},
        extra={"parts": parts},
    )


if __name__ == "__main__":
    main()
