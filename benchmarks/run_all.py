"""Run every benchmark script in this folder, one process each (``make bench``).

``QUICK=1`` (``make bench QUICK=1``) runs each with small sizes, same code paths.
Exit status is non-zero when any script fails; the others still run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py"
    )


def main(argv: list[str]) -> int:
    wanted = set(argv)
    failed = []
    for script in scripts():
        if wanted and script.stem not in wanted:
            continue
        print(f"== {script.stem} (QUICK={os.environ.get('QUICK', '0')})", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {script.stem}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(script.stem)
    if failed:
        print("failed:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
