"""Render the 性能 page from benchmarks/results/*.json (figures never typed by hand).

``docs/benchmarks.md`` holds the marker ``<!-- benchmark-results -->``; this hook
replaces it with one section per results file, headed by the result's ``title``: a table
(ours, each peer, ratio, target, met or not), the quality figures, configuration, machine
and date, and a bar chart (SVG made with matplotlib at build time, added to the site as a
generated file).  The
charts sit below the first screen: they load lazily, with their size in the ``<img>`` so
the text around them does not move when they arrive.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
from pathlib import Path

from benchkit import RESULTS, missing_fields
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.benchmarks")

ROOT = Path(__file__).resolve().parent.parent
PAGE = "benchmarks.md"
MARKER = "<!-- benchmark-results -->"


def load_results() -> list[dict]:
    out = []
    for path in sorted(RESULTS.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise PluginError(f"{path.relative_to(ROOT)}: invalid JSON: {err}") from None
        if missing := missing_fields(data):
            raise PluginError(f"{path.relative_to(ROOT)}: missing fields {missing}")
        if data["name"] != path.stem:
            raise PluginError(f"{path.relative_to(ROOT)}: name {data['name']!r} != file name")
        out.append(data)
    return out


def fmt(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "是", False: "否", None: "—"}[value]
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.3g}" if abs(value) < 100 else f"{value:.1f}"
        return f"{value:.3g}"
    if isinstance(value, dict):
        return "；".join(f"{md_escape(str(k))} = {fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(fmt(v) for v in value) or "—"
    return md_escape(str(value))


MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str) -> str:
    """Plain text for a Markdown paragraph or table cell (file names such as
    lee_background.cor and the like stay as written)."""
    return MD_SPECIAL.sub(r"\\\1", text)


def sub_targets(result: dict) -> dict[str, bool | None]:
    """The result's own verdicts: ``target.met`` as a dict of sub-targets, or one verdict."""
    met = (result.get("target") or {}).get("met")
    if isinstance(met, dict):
        return {k: v if isinstance(v, bool) else None for k, v in met.items()}
    return {} if met is None else {"": met if isinstance(met, bool) else None}


def target_met(result: dict) -> bool | None:
    """False when the ratio bound or any verdict the result records is missed; True when
    all are met; None if nothing can be checked (or a verdict is unknown, none missed)."""
    target = result.get("target") or {}
    vs = target.get("vs")
    ratio = (result.get("ratio") or {}).get(vs) if vs else None
    verdicts = list(sub_targets(result).values())
    if ratio is not None:
        ok = True
        if "ratio_at_least" in target:
            ok &= ratio >= target["ratio_at_least"]
        if "ratio_at_most" in target:
            ok &= ratio <= target["ratio_at_most"]
        verdicts.append(bool(ok))
    if False in verdicts:
        return False
    if not verdicts or None in verdicts:
        return None
    return True


VERDICT = {True: "✅ 达到", False: "❌ 未达到", None: "—"}


def verdict_line(result: dict) -> str:
    """The target's verdict, and each sub-target's when the result records several."""
    line = f"**目标：** {describe_target(result)}　**结果：** {VERDICT[target_met(result)]}"
    subs = sub_targets(result)
    if len(subs) > 1 or (subs and "" not in subs):
        line += "（" + "；".join(f"`{k}` {VERDICT[v]}" for k, v in subs.items()) + "）"
    return line


def describe_target(result: dict) -> str:
    target = result.get("target") or {}
    if not target:
        return "—"
    parts = []
    if "vs" in target:
        parts.append(f"对照 {target['vs']}")
    if "ratio_at_least" in target:
        parts.append(f"比值 ≥ {target['ratio_at_least']}")
    if "ratio_at_most" in target:
        parts.append(f"比值 ≤ {target['ratio_at_most']}")
    for key, sign in (("at_least", "≥"), ("at_most", "≤")):
        parts += [f"{md_escape(k)} {sign} {fmt(v)}" for k, v in target.get(key, {}).items()]
    rest = {k: v for k, v in target.items()
            if k not in ("vs", "ratio_at_least", "ratio_at_most", "at_least", "at_most", "met")}
    if rest:
        parts.append(fmt(rest))
    return "，".join(parts)


def setup_matplotlib(salt: str):
    """pyplot, set up for a chart made at build: glyphs as paths (no font needed to
    view), the same ids in every build (``salt``), CJK labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"
    plt.rcParams["svg.hashsalt"] = salt
    try:
        from _cjk_font import use_cjk_font  # snippets/_cjk_font.py

        use_cjk_font()
    except Exception as err:  # a chart without CJK glyphs is still a chart
        log.warning("chart without CJK font: %s", err)
    return plt


def new_figure(salt: str, figsize: tuple[float, float]):
    """A figure and axes for a chart made at build (see setup_matplotlib)."""
    return setup_matplotlib(salt).subplots(figsize=figsize)


def svg_bytes(fig) -> bytes:
    """The figure as SVG, without the build time in the file; closes the figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue().encode("utf-8")


def chart_svg(result: dict) -> bytes:
    labels = ["本项目"] + list(result["peers"])
    values = [result["ours"]] + [result["peers"][k] for k in result["peers"]]
    labels, values = zip(*[(k, v) for k, v in zip(labels, values, strict=True) if v is not None],
                         strict=True)
    fig, ax = new_figure("bench_page", (7, 0.6 + 0.55 * len(values)))
    colors = ["#3f51b5"] + ["#9e9e9e"] * (len(values) - 1)
    ax.barh(range(len(values)), values, color=colors)
    ax.set_yticks(range(len(values)), [label[:48] for label in labels])
    ax.invert_yaxis()
    better = "越大越好" if result["higher_is_better"] else "越小越好"
    ax.set_xlabel(f"{result['metric']}（{result['unit']}，{better}）")
    for i, v in enumerate(values):
        ax.text(v, i, " " + fmt(float(v)), va="center", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return svg_bytes(fig)


def chart_size(svg: bytes) -> tuple[int, int]:
    """Width and height in CSS pixels of a matplotlib SVG (whose size is given in pt)."""
    m = re.search(rb'<svg\b[^>]*?\bwidth="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if not m:
        raise ValueError("svg: no width and height in pt on its <svg> element")
    return round(float(m[1]) * 96 / 72), round(float(m[2]) * 96 / 72)


def lighthouse_table(result: dict) -> list[str]:
    """One row per page: the four scores, LCP, TBT, CLS, bytes, and whether the page
    meets the floor that the benchmark records with the result (its ``target``)."""
    pages = result.get("pages") or {}
    if not pages:
        return []
    rows = ["| 页面 | 性能（各次范围） | 无障碍 | 最佳实践 | SEO | LCP (ms) | TBT (ms) | CLS "
            "| 传输字节 | 达到下限 | 未满分的审计项 |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for page, s in sorted(pages.items()):
        lost = "、".join(md_escape(a) for a in s.get("audits_below_100") or []) or "—"
        perf = fmt(s.get("performance"))
        runs = s.get("performance_runs") or []
        if len(runs) > 1 and min(runs) != max(runs):
            perf += f"（{fmt(min(runs))}–{fmt(max(runs))}）"
        meets = s.get("meets_floor")
        verdict = {True: "✅", False: "❌ " + fmt(s.get("floor_misses") or []), None: "—"}[meets]
        rows.append(
            f"| `{page}` | {perf} | {fmt(s.get('accessibility'))} | "
            f"{fmt(s.get('best-practices'))} | {fmt(s.get('seo'))} | "
            f"{fmt(s.get('lcp_ms'))} | {fmt(s.get('tbt_ms'))} | {fmt(s.get('cls'))} | "
            f"{fmt(s.get('bytes'))} | {verdict} | {lost} |"
        )
    intro = ("各页面得分（移动端预设，每页取性能分的中位数那次运行；"
             "括号里是各次运行的最低与最高分；「达到下限」对照上面的目标）：")
    # a table of numbers, kept out of the search index like the configuration records
    return ["", intro, "", '<div class="lighthouse-pages" data-search-exclude="" markdown>', "",
            *rows, "", "</div>"]


def section(result: dict, chart: tuple[str, int, int] | None) -> str:
    """The page section of one result; ``chart`` is the chart's (url, width, height)."""
    name = result["name"]
    lines = [f"## {result['title']} {{#bench-{name}}}", ""]
    if result.get("quick"):
        lines += ['!!! warning "快速模式"', "",
                  "    这些数字来自 `QUICK=1` 的小规模运行，只用于确认基准脚本可以运行。", ""]
    better = "越大越好" if result["higher_is_better"] else "越小越好"
    lines += [f"指标：{result['metric']}，单位 {result['unit']}（{better}）。", ""]
    lines += ["| 实现 | 数值 | 本项目 ÷ 对照 |", "| --- | ---: | ---: |",
              f"| **本项目** | **{fmt(result['ours'])}** | — |"]
    for peer, value in result["peers"].items():
        lines.append(f"| {peer} | {fmt(value)} | {fmt(result['ratio'].get(peer))} |")
    lines += ["", verdict_line(result), ""]
    if result.get("quality"):
        # a record of every metric, kept out of the search index like the configuration
        lines += ["质量指标：", "", '<div class="bench-quality" data-search-exclude="" markdown>',
                  "", "| 实现 | 指标 | 数值 |", "| --- | --- | ---: |"]
        for who, metrics in result["quality"].items():
            who_label = "本项目" if who == "ours" else who
            if isinstance(metrics, dict):
                for key, value in metrics.items():
                    lines.append(f"| {who_label} | `{key}` | {fmt(value)} |")
            else:
                lines.append(f"| {who_label} | — | {fmt(metrics)} |")
        lines += ["", "</div>", ""]
    lines += lighthouse_table(result)
    if chart:
        url, width, height = chart
        lines += ["", f"![{html.escape(result['title'])}的对比图]({url})"
                      f"{{ loading=lazy decoding=async width={width} height={height} }}", ""]
    m = result["machine"]
    lines += [
        # what pymdownx.details makes of ??? info, kept out of the search index: a reader
        # searching a setting wants the page that explains it, not this record
        '<details class="info" data-search-exclude="" markdown>',
        "<summary>配置与机器</summary>",
        "",
        f"- 测量时间（UTC）：{result['measured_at']}",
        f"- CPU：{m.get('cpu')}，{m.get('cores')} 核；NumPy BLAS：{m.get('numpy_blas')}；"
        f"TensorFlow {m.get('tensorflow')}",
        "- 配置：",
        *(f"    - {md_escape(str(k))}：{fmt(v)}" for k, v in result["config"].items()),
        "",
        "</details>",
        "",
    ]
    return "\n".join(lines)


_results: list[dict] = []
_charts: dict[str, tuple[str, int, int]] = {}  # result name -> (url, width, height)


def add_svg(files: Files, config, uri: str, svg: bytes) -> tuple[int, int]:
    """Add a generated chart to the site; its size in CSS pixels, for the <img>."""
    files.append(File.generated(config, uri, content=svg))
    return chart_size(svg)


def marker_page(markdown: str, page, src: str, marker: str) -> bool:
    """Whether ``page`` is ``docs/src``; then it must hold ``marker``."""
    if page.file.src_uri != src:
        return False
    if marker not in markdown:
        raise PluginError(f"docs/{src} lacks the marker {marker}")
    return True


def on_files(files: Files, config) -> Files:
    global _results
    _results = load_results()
    _charts.clear()
    for result in _results:
        if result["peers"]:
            uri = f"assets/benchmarks/{result['name']}.svg"
            _charts[result["name"]] = (uri, *add_svg(files, config, uri, chart_svg(result)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not marker_page(markdown, page, PAGE, MARKER):
        return markdown
    if not _results:
        body = "尚无基准测试结果：运行 `make bench` 后重新构建。"
    else:
        body = "\n\n".join(section(r, _charts.get(r["name"])) for r in _results)
    return markdown.replace(MARKER, body)
