"""The benchmark scripts and their results: machine facts, timing, writing
``benchmarks/results/<name>.json``, and the fields every results file has, which the
writer here and the 性能 page's hook (``hooks/bench_page.py``) both check.

``QUICK=1`` in the environment selects small sizes with the same code paths.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
RESULTS = BENCHMARKS / "results"  # the committed results, shown on the 性能 page
# BENCH_RESULTS_DIR redirects output (the test suite's QUICK runs must not overwrite
# the committed full results)
OUTPUT = Path(os.environ.get("BENCH_RESULTS_DIR") or RESULTS)

REQUIRED_FIELDS = (
    "name", "title", "metric", "unit", "higher_is_better", "ours", "peers", "ratio",
    "target", "quality", "config", "machine", "measured_at", "quick",
)


def missing_fields(result: dict) -> list[str]:
    return [key for key in REQUIRED_FIELDS if key not in result]


def scripts() -> list[Path]:
    """Every benchmark script: benchmarks/<name>.py, each writing results/<name>.json."""
    return sorted(p for p in BENCHMARKS.glob("*.py")
                  if not p.name.startswith("_") and p.name != "run_all.py")


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
    title: str,
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
    """Write benchmarks/results/<name>.json; ratio = ours / peer for every peer.
    ``title`` heads the result's section on the 性能 page."""
    result = {
        "name": name,
        "title": title,
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
    if missing := missing_fields(result):
        raise ValueError(f"{name}: result lacks {missing}")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("name", "unit", "ours", "peers", "ratio")},
                     ensure_ascii=False))
    return path
