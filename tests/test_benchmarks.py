"""Benchmark scripts and their results files: format, the 性能 page's rendering of them,
and that the scripts still run."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from bench_page import (
    chart_size,
    chart_svg,
    lighthouse_table,
    load_results,
    section,
    target_met,
)
from benchkit import ROOT, missing_fields, scripts

SCRIPTS = [script.stem for script in scripts()]


def check_result(data: dict) -> None:
    assert not missing_fields(data), f"{data.get('name')}: missing {missing_fields(data)}"
    assert isinstance(data["ours"], (int, float)) and math.isfinite(data["ours"])
    assert data["peers"], f"{data['name']}: no peer measured"
    for peer, value in data["peers"].items():
        assert isinstance(value, (int, float)) and value > 0, (data["name"], peer)
        assert data["ratio"][peer] == pytest.approx(data["ours"] / value), (data["name"], peer)
    for key in ("cpu", "cores", "numpy_blas", "tensorflow"):
        assert key in data["machine"], f"{data['name']}: machine.{key}"


def test_committed_results_are_well_formed():
    results = load_results()
    assert {r["name"] for r in results} >= set(SCRIPTS)
    for data in results:
        check_result(data)


def test_page_section_is_headed_by_the_title_and_shows_every_figure():
    for data in load_results():
        text = section(data, None)
        assert text.startswith(f"## {data['title']} {{#bench-{data['name']}}}")
        assert any(peer in text for peer in data["peers"])


def test_lighthouse_table_shows_the_median_run_and_the_range_of_all_runs():
    result = {"pages": {
        "/a/": {"performance": 93, "performance_runs": [83, 91, 93, 95, 95], "accessibility": 100},
        "/b/": {"performance": 99, "performance_runs": [99, 99, 99], "accessibility": 100},
    }}
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip()
            for line in lighthouse_table(result) if line.startswith("| `")}
    assert rows == {"`/a/`": "93（83–95）", "`/b/`": "99"}


def test_chart_is_the_same_in_every_build():
    """A rebuild of unchanged results gives the same chart, byte for byte: no build
    time in its metadata and no random ids, so the deployed site changes only where
    the results do."""
    result = next(r for r in load_results() if r["peers"])
    first = chart_svg(result)
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert b"<dc:date>" not in first
    assert chart_svg(result) == first


def test_chart_size_is_the_figure_size_in_css_pixels():
    """matplotlib writes the SVG's size in pt (1/72 in); the page gives it in CSS px
    (1/96 in): 7 in wide, 0.6 + 0.55 in per bar high."""
    result = next(r for r in load_results() if r["peers"])
    bars = 1 + sum(v is not None for v in result["peers"].values())
    assert chart_size(chart_svg(result)) == (672, round((0.6 + 0.55 * bars) * 96))
    with pytest.raises(ValueError, match="svg"):
        chart_size(b'<svg width="100%" height="300">')


def test_page_section_embeds_the_chart_lazily_with_its_size():
    data = next(r for r in load_results() if r["peers"])
    text = section(data, ("assets/benchmarks/x.svg", 672, 163))
    assert "(assets/benchmarks/x.svg){ loading=lazy decoding=async width=672 height=163 }" in text


def test_target_verdict_follows_the_ratio():
    base = {"ratio": {"peer": 0.4}, "target": {"vs": "peer", "ratio_at_least": 0.5}}
    assert target_met(base) is False
    assert target_met({**base, "ratio": {"peer": 0.6}}) is True
    assert target_met({"ratio": {"p": 3.0}, "target": {"vs": "p", "ratio_at_most": 2}}) is False
    assert target_met({"ratio": {}, "target": {}}) is None


@pytest.mark.slow
def test_every_benchmark_runs_in_quick_mode(tmp_path):
    """``make bench QUICK=1`` in miniature: no benchmark can rot unnoticed."""
    env = {**os.environ, "QUICK": "1", "BENCH_RESULTS_DIR": str(tmp_path),
           "DIGITS_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    for name in SCRIPTS:
        data = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert data["quick"] is True
        check_result(data)
