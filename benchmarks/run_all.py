"""Run every benchmark script in this folder, one process each (``make bench``).

``python benchmarks/run_all.py [name ...]`` runs only the named ones.  Each runs as
``python -m benchmarks.<name>`` from the repository root: run as a file, a script would
come first on its own import path, and benchmarks/word2vec.py would import itself in
place of snippets/word2vec.py.
``QUICK=1`` (``make bench QUICK=1``) runs each with small sizes, same code paths.
Exit status is non-zero when any script fails; the others still run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchkit import ROOT, scripts


def main(argv: list[str]) -> int:
    wanted = set(argv)
    unknown = wanted - {script.stem for script in scripts()}
    if unknown:
        print("no such benchmark:", ", ".join(sorted(unknown)))
        return 2
    failed = []
    for script in scripts():
        if wanted and script.stem not in wanted:
            continue
        print(f"== {script.stem} (QUICK={os.environ.get('QUICK', '0')})", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", f"benchmarks.{script.stem}"], cwd=ROOT)
        print(f"== {script.stem}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(script.stem)
    if failed:
        print("failed:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
