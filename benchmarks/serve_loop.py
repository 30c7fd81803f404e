"""serve_loop: how long a one-line edit of a page takes to reach the browser under
``make serve``, and where a full rebuild spends its time.

``mkdocs serve --dirty --livereload`` (what ``make serve`` runs) against a copy of docs/
(so the repository is never edited): after the first build, a line is appended to a
page and the served page is polled until it carries that line.  Peer, measured in the
same run the same way: ``mkdocs serve`` without ``--dirty``, which rebuilds every page.
The rebuild-time breakdown comes from one full ``mkdocs build`` under cProfile: the
time spent in each hook of hooks/ and each plugin's events.

Run: python -m benchmarks.serve_loop   (QUICK=1: one edit of one page)
"""

from __future__ import annotations

import cProfile
import os
import pstats
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchkit import ROOT, quick, write_result

PAGES = {"faq.md": "faq/", "math/gradient-descent.md": "math/gradient-descent/"}
EDITS = 5
TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode("utf-8", "replace")
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if text in fetch(url):
            return time.perf_counter() - t0
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not show {text!r} within {timeout:.0f} s")


def edit_loop(tmp: Path, dirty: bool, edits: int, pages: dict[str, str]) -> dict:
    """Seconds from saving a one-line edit to the served page showing it."""
    docs = tmp / ("docs-dirty" if dirty else "docs-full")
    shutil.copytree(ROOT / "docs", docs)
    config = ROOT / f".scratch-serve-loop-{os.getpid()}.yml"  # hooks resolve paths from here
    config.write_text(f"INHERIT: mkdocs.yml\ndocs_dir: {docs}\n", encoding="utf-8")
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--livereload",
           "--dev-addr", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DIGITS_OFFLINE": "1"}
    log = (tmp / f"serve-{dirty}.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds: dict[str, list[float]] = {}
    try:
        base = f"http://127.0.0.1:{port}/"
        first = wait_for(base, "</html>", TIMEOUT_S)
        for md, url in pages.items():
            page = docs / md
            original = page.read_text(encoding="utf-8")
            for i in range(edits):
                marker = f"写作循环测量 {dirty} {i} {time.time_ns()}"
                time.sleep(1.5)  # let the watcher settle after the previous rebuild
                page.write_text(f"{original}\n{marker}\n", encoding="utf-8")
                seconds.setdefault(url, []).append(wait_for(base + url, marker, TIMEOUT_S))
            page.write_text(original, encoding="utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        config.unlink(missing_ok=True)
    return {"first_build_s": round(first, 2), "edit_s": seconds}


def build_breakdown(tmp: Path) -> dict[str, float]:
    """Seconds a full build spends in each hook (hooks/<name>.py) and each plugin's events,
    with the notebooks already executed (as in a rebuild: their cache is warm)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.update(NO_MKDOCS_2_WARNING="1", DIGITS_OFFLINE="1")
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp / "warm")))
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp / "site"))
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.runcall(build, config)
    total = time.perf_counter() - t0
    stats = pstats.Stats(profile).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    out: dict[str, float] = {}
    for (file, _line, name), (_cc, _nc, _tt, ct, callers) in stats.items():
        if not name.startswith("on_"):
            continue
        path = Path(file)
        if path.parent.name == "hooks" and path.parent.parent == ROOT:
            key = f"hooks/{path.name}"
        elif "site-packages" in path.parts:
            key = path.parts[path.parts.index("site-packages") + 1]
            if key in ("mkdocs",):
                continue
        else:
            continue
        # count each event function once, not again where one event calls another
        if any(c[2].startswith("on_") and Path(c[0]).parent == path.parent for c in callers):
            continue
        out[key] = out.get(key, 0.0) + ct
    out = {k: round(v, 2) for k, v in sorted(out.items(), key=lambda kv: -kv[1]) if v >= 0.05}
    return {"total_s": round(total, 2), "by_hook_or_plugin_s": out}


def main() -> None:
    edits = 1 if quick() else EDITS
    pages = dict(list(PAGES.items())[:1]) if quick() else PAGES
    with tempfile.TemporaryDirectory(prefix="serve-loop-") as tmpdir:
        tmp = Path(tmpdir)
        breakdown = build_breakdown(tmp)
        dirty = edit_loop(tmp, True, edits, pages)
        full = edit_loop(tmp, False, edits, pages)
    every = lambda r: [s for runs in r["edit_s"].values() for s in runs]  # noqa: E731
    ours, peer = statistics.median(every(dirty)), statistics.median(every(full))
    write_result(
        "serve_loop",
        title="写作循环：改一行到页面更新",
        metric="seconds from saving a one-line page edit to the served page showing it",
        unit="s",
        higher_is_better=False,
        ours=round(ours, 2),
        peers={"mkdocs serve, full rebuild": round(peer, 2)},
        target={"at_most_s": 3.0, "met": max(every(dirty)) <= 3.0},
        quality={},
        config={"pages": list(pages), "edits_per_page": edits,
                "command": "mkdocs serve --dirty --livereload (make serve)"},
        extra={"dirty": dirty, "full": full, "build": breakdown},
    )


if __name__ == "__main__":
    main()
