"""Build the MkDocs site once per test session and share it (site tests, browser tests).

``SITE_DIR`` (set by ``make test`` after its strict build) is reused when it holds a
built site; otherwise the site is built into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def run_build(site_dir: Path, config: Path | None = None, *, extra_env: dict | None = None):
    """``mkdocs build --strict``; returns the CompletedProcess (output captured)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DIGITS_OFFLINE": "1", **(extra_env or {})}
    cmd = [*MKDOCS, "build", "--strict", "--site-dir", str(site_dir)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)


def built_site(tmp_root: Path) -> Path:
    reuse = os.environ.get("SITE_DIR")
    if reuse and (Path(reuse) / "index.html").is_file():
        return Path(reuse).resolve()
    site = tmp_root / "site"
    proc = run_build(site)
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{proc.stdout}\n{proc.stderr}")
    return site
