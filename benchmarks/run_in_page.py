"""运行 in the page: seconds from the click to the first line of output, and bytes fetched.

The built site is served on 127.0.0.1 the way GitHub Pages serves it (gzip,
``Cache-Control: max-age=600``) and opened in Debian's chromium.  For ``metrics.py`` (a
small program: NumPy and a few lines of output), each repeat measures

* **cold**: a new browser profile (empty cache); open the program page, click 运行;
* **warm cache**: the same profile, the page opened again, click 运行: the runtime comes
  from the browser's cache, but Python starts again in a new worker;
* **second run**: click 运行 again on that page: the worker and NumPy are loaded.

The time is taken in the page (``run.js``): from the click to the first output appended.
Bytes are the encoded (on the wire) sizes of the responses after the click, from the
network; a response served from the cache counts 0.  Peer: CPython on this machine,
``python metrics.py`` in an empty folder, from process start to the first line of
output (a reader's local install).  Goal: cold ≤ 8 s, warm cache ≤ 0.5 s.

Run: python -m benchmarks.run_in_page        (SITE_DIR=<built site> reuses a build)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchkit import quick, write_result
from browserkit import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from sitebuild import built_site
from siteserver import serve

PROGRAM = "metrics"
FINISHED = "el => ['done', 'error', 'stopped'].includes(el.dataset.state)"
GOAL_COLD_S, GOAL_WARM_S = 8.0, 0.5


def click_to_first_output(page) -> float:
    box = page.locator(".run-box")
    box.locator(".run-start").click()
    page.wait_for_function(FINISHED, arg=box.element_handle(), timeout=120_000)
    if box.get_attribute("data-state") != "done":
        raise RuntimeError(box.locator(".run-status").inner_text())
    return int(box.get_attribute("data-first-output-ms")) / 1000, json.loads(
        box.get_attribute("data-steps"))


class Bytes:
    """Encoded bytes of the responses a page receives (0 for one from the cache)."""

    def __init__(self, page):
        self.total = 0
        page.on("requestfinished", self._done)

    def _done(self, request):
        sizes = request.sizes()
        self.total += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)


def measure(playwright, url: str) -> dict:
    """One repeat, in a new browser profile on disk: an in-memory (incognito) profile
    does not cache a response as large as the 10 MB pyodide.asm.wasm, a reader's does."""
    profile = tempfile.mkdtemp(prefix="run-in-page-profile-")
    ctx = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=DESKTOP,
        locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(url, wait_until="networkidle")
        counted = Bytes(page)
        cold, cold_steps = click_to_first_output(page)
        cold_bytes = counted.total
        page.close()
        page = ctx.new_page()
        page.goto(url, wait_until="networkidle")
        counted = Bytes(page)
        warm, warm_steps = click_to_first_output(page)
        warm_bytes = counted.total
        second, _ = click_to_first_output(page)
        return {"cold_s": cold, "warm_cache_s": warm, "second_run_s": second,
                "cold_bytes": cold_bytes, "warm_cache_bytes": warm_bytes,
                "cold_steps_s": cold_steps, "warm_cache_steps_s": warm_steps}
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


def cpython_first_output(program: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(program, Path(tmp) / program.name)
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, program.name], cwd=tmp, text=True,
                                stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": ""})
        proc.stdout.readline()
        elapsed = time.perf_counter() - t0
        proc.communicate()
    return elapsed


def main() -> None:
    from playwright.sync_api import sync_playwright

    repeats = 1 if quick() else int(os.environ.get("RUN_IN_PAGE_REPEATS", "5"))
    with tempfile.TemporaryDirectory() as tmp:
        site = built_site(Path(tmp))
        runs = []
        with serve(site) as base, sync_playwright() as p:
            for _ in range(repeats):
                runs.append(measure(p, f"{base}programs/{PROGRAM}/"))
                print(runs[-1], flush=True)
        local = [cpython_first_output(site / "programs" / f"{PROGRAM}.py")
                 for _ in range(repeats)]
        runtime_bytes = {p.name: p.stat().st_size
                         for p in (site / "assets/pyodide").glob("pyodide*")}

    def median(key: str, step: str | None = None) -> float:
        return round(statistics.median(r[key][step] if step else r[key] for r in runs), 3)

    cold, warm, second = median("cold_s"), median("warm_cache_s"), median("second_run_s")
    peer = round(statistics.median(local), 3)
    write_result(
        "run_in_page",
        title="在页面里运行：点击「运行」到第一行输出",
        metric=f"seconds from clicking 运行 to the first output of {PROGRAM}.py, empty cache",
        unit="s",
        higher_is_better=False,
        ours=cold,
        peers={f"CPython 本机运行 python {PROGRAM}.py（进程启动到第一行输出）": peer},
        target={"at_most": {"cold_s": GOAL_COLD_S, "warm_cache_s": GOAL_WARM_S},
                "met": cold <= GOAL_COLD_S and warm <= GOAL_WARM_S},
        quality={"ours": {
            "冷启动（空缓存）：点击到第一行输出 s": cold,
            "热缓存（重新打开页面）：点击到第一行输出 s": warm,
            "同一页面第二次运行：点击到第一行输出 s": second,
            "热缓存：启动 Python 运行时 s": median("warm_cache_steps_s", "runtime"),
            "热缓存：加载 NumPy s": median("warm_cache_steps_s", "packages"),
            "冷启动：下载并启动 Python 运行时 s": median("cold_steps_s", "runtime"),
            "冷启动：下载并加载 NumPy s": median("cold_steps_s", "packages"),
            "冷启动传输 MB": round(median("cold_bytes") / 1e6, 2),
            "热缓存传输 MB": round(median("warm_cache_bytes") / 1e6, 2),
        }},
        config={"program": f"programs/{PROGRAM}.py", "repeats": repeats,
                "browser": "Debian chromium (headless), served by tools/siteserver.py",
                "runtime files (bytes)": runtime_bytes},
        extra={"runs": runs, "cpython_first_output_s": local},
    )


if __name__ == "__main__":
    main()
