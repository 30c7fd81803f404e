"""Benchmark scripts and their results files: format, the 性能 page's rendering of them,
the Lighthouse benchmark's floor, and that the scripts still run."""

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
    describe_target,
    lighthouse_table,
    load_results,
    section,
    sub_targets,
    target_met,
)
from benchkit import ROOT, missing_fields, scripts
from sitebuild import load_file

SCRIPTS = [script.stem for script in scripts()]
lighthouse = load_file(ROOT / "benchmarks" / "lighthouse.py", "lighthouse_benchmark")


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


def _lighthouse_rows(result: dict) -> dict[str, dict[str, str]]:
    """The Lighthouse table as {page: {column heading: cell}}."""
    lines = lighthouse_table(result)
    header = next(line for line in lines if line.startswith("| 页面"))
    names = [cell.strip() for cell in header.strip("|").split("|")]
    return {cells[0]: dict(zip(names, cells, strict=True))
            for line in lines if line.startswith("| `")
            for cells in [[cell.strip() for cell in line.strip("|").split("|")]]}


def test_lighthouse_table_shows_the_median_run_and_the_range_of_all_runs():
    result = {"pages": {
        "/a/": {"performance": 93, "performance_runs": [83, 91, 93, 95, 95], "accessibility": 100},
        "/b/": {"performance": 99, "performance_runs": [99, 99, 99], "accessibility": 100},
    }}
    rows = _lighthouse_rows(result)
    assert {page: row["性能（各次范围）"] for page, row in rows.items()} == {
        "`/a/`": "93（83–95）", "`/b/`": "99"}


def test_lighthouse_table_shows_web_vitals_and_the_recorded_floor_verdict():
    result = {"pages": {
        "/a/": {"performance": 97, "lcp_ms": 1625, "tbt_ms": 135, "cls": 0.0008,
                "meets_floor": True, "floor_misses": []},
        "/b/": {"performance": 85, "lcp_ms": 2900, "tbt_ms": 90, "cls": 0.12,
                "meets_floor": False, "floor_misses": ["performance 85 < 90", "cls 0.12 > 0.1"]},
        "/c/": {"performance": 99},  # measured before verdicts were recorded
    }}
    rows = _lighthouse_rows(result)
    assert [rows["`/a/`"][c] for c in ("LCP (ms)", "TBT (ms)", "CLS")] == ["1625", "135", "0.0008"]
    assert rows["`/a/`"]["达到下限"] == "✅"
    assert rows["`/b/`"]["达到下限"] == "❌ performance 85 \\< 90、cls 0.12 \\> 0.1"
    assert rows["`/c/`"]["达到下限"] == "—"


def test_lighthouse_floor_is_checked_on_every_figure_of_a_page():
    good = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100,
            "lcp_ms": 2500, "tbt_ms": 200, "cls": 0.1}
    assert lighthouse.floor_misses(good) == []
    bad = {**good, "performance": 89, "seo": 92, "lcp_ms": 2501, "tbt_ms": 350, "cls": 0.25}
    assert lighthouse.floor_misses(bad) == [
        "performance 89 < 90", "seo 92 < 100", "lcp_ms 2501 > 2500", "tbt_ms 350 > 200",
        "cls 0.25 > 0.1"]


def test_lighthouse_target_on_the_page_states_the_floor():
    target = {"at_least": lighthouse.FLOOR_AT_LEAST, "at_most": lighthouse.FLOOR_AT_MOST,
              "met": True}
    text = describe_target({"target": target})
    assert "performance ≥ 90" in text and "seo ≥ 100" in text
    assert "lcp\\_ms ≤ 2500" in text and "cls ≤ 0.1" in text
    assert target_met({"ratio": {}, "target": target}) is True


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


def test_a_missed_sub_target_is_never_shown_as_met():
    """The ratio is within bounds, but one verdict the result records is false."""
    result = {"ratio": {"p": 1.4},
              "target": {"vs": "p", "ratio_at_most": 3.0, "met": {"a": True, "b": False}}}
    assert target_met(result) is False
    line = next(ln for ln in section({**BASE, **result}, None).split("\n")
                if ln.startswith("**目标："))
    assert "**结果：** ❌ 未达到" in line
    assert "`a` ✅ 达到" in line and "`b` ❌ 未达到" in line
    assert "met" not in line.split("**结果：**")[0]  # the verdicts are not repeated as data
    assert target_met({**result, "target": {**result["target"], "met": {"a": True}}}) is True
    assert target_met({**result, "target": {**result["target"], "met": {"a": None}}}) is None


BASE = {"name": "x", "title": "x", "metric": "m", "unit": "s", "higher_is_better": False,
        "ours": 1.0, "peers": {"p": 1.0}, "quality": {}, "config": {},
        "machine": {}, "measured_at": "", "quick": False}


def test_the_page_never_shows_a_committed_false_verdict_as_met():
    for data in load_results():
        line = next(ln for ln in section(data, None).split("\n") if ln.startswith("**目标："))
        subs = sub_targets(data)
        if False in subs.values():
            assert "✅ 达到" not in line.split("（")[0], (data["name"], line)
        for key, verdict in subs.items():
            if key:
                shown = {True: "✅ 达到", False: "❌ 未达到", None: "—"}[verdict]
                assert f"`{key}` {shown}" in line, (data["name"], key)


def test_target_verdict_follows_the_ratio():
    base = {"ratio": {"peer": 0.4}, "target": {"vs": "peer", "ratio_at_least": 0.5}}
    assert target_met(base) is False
    assert target_met({**base, "ratio": {"peer": 0.6}}) is True
    assert target_met({"ratio": {"p": 3.0}, "target": {"vs": "p", "ratio_at_most": 2}}) is False
    assert target_met({"ratio": {}, "target": {}}) is None


# The Lighthouse benchmarks run from `make bench` only (minutes per page in Chromium); the
# helpers of lighthouse.py are tested above, speed_layer.py's site variants in tests/site.
QUICK_RUN = [name for name in SCRIPTS if name not in ("lighthouse", "speed_layer")]


@pytest.mark.slow
def test_every_benchmark_runs_in_quick_mode(tmp_path):
    """``make bench QUICK=1`` in miniature: no benchmark can rot unnoticed."""
    env = {**os.environ, "QUICK": "1", "BENCH_RESULTS_DIR": str(tmp_path),
           "DIGITS_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), *QUICK_RUN],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    for name in QUICK_RUN:
        data = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert data["quick"] is True
        check_result(data)
