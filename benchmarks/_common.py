"""Shared helpers for benchmark scripts: machine facts, timing, writing results JSON.

Every script writes ``benchmarks/results/<name>.json`` (format: see README, "基准测试").
``QUICK=1`` in the environment selects small sizes with the same code paths.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_RESULTS_DIR redirects output (the test suite's QUICK runs must not overwrite
# the committed full results)
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR") or ROOT / "benchmarks" / "results")
sys.path.insert(0, str(ROOT / "snippets"))

REQUIRED_FIELDS = (
    "name", "metric", "unit", "higher_is_better", "ours", "peers", "ratio",
    "target", "quality", "config", "machine", "measured_at", "quick",
)


def quick() -> bool:
    return os.environ.get("QUICK", "") not in ("", "0")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _numpy_blas() -> str:
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                api, version = info.get("internal_api"), info.get("version")
                return f"{api} {version} ({info.get('architecture')})"
    except Exception:  # threadpoolctl missing or failing is not fatal here
        pass
    return "unknown"


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "numpy_blas": _numpy_blas(),
        "tensorflow": _version("tensorflow"),
        "platform": platform.platform(),
    }


def time_call(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def write_result(
    name: str,
    *,
    metric: str,
    unit: str,
    higher_is_better: bool,
    ours: float,
    peers: dict[str, float],
    target: dict | None,
    quality: dict | None = None,
    config: dict | None = None,
    extra: dict | None = None,
) -> Path:
    """Write benchmarks/results/<name>.json; ratio = ours / peer for every peer."""
    result = {
        "name": name,
        "metric": metric,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "ours": ours,
        "peers": peers,
        "ratio": {k: (ours / v if v else None) for k, v in peers.items()},
        "target": target or {},
        "quality": quality or {},
        "config": config or {},
        "machine": machine(),
        "measured_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": quick(),
    }
    if extra:
        result.update(extra)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("name", "unit", "ours", "peers", "ratio")},
                     ensure_ascii=False))
    return path
