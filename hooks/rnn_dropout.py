"""The recurrent-dropout experiment on 3.2 RNN, from benchmarks/results/char_rnn_dropout.json.

``docs/algorithms/rnn.md`` holds the marker ``<!-- rnn-dropout-results -->``; this hook
replaces it with the settings, a table (each rate's lowest validation loss, its step,
its perplexity and bits per character,
the last step's validation and training-window loss, training seconds), what the numbers
say (overfitting without dropout, the gain, the cost in time: sentences chosen by the
numbers, not typed) and the curves (an SVG made with matplotlib at build time).
"""

from __future__ import annotations

import json
import math
import posixpath
from pathlib import Path

from bench_page import add_svg, marker_page, md_escape, new_figure, svg_bytes
from mkdocs.structure.files import Files

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "char_rnn_dropout.json"
PAGE, MARKER = "algorithms/rnn.md", "<!-- rnn-dropout-results -->"
CURVES = "assets/rnn/recurrent-dropout-curves.svg"

_result: dict = {}
_curves: tuple[int, int] | None = None


def _runs(result: dict) -> list[tuple[float, list[list[float]], float]]:
    """(rate, curve of [step, training-window loss, validation loss], seconds), by rate."""
    return sorted((float(rate), run["curve"], run["train_seconds"])
                  for rate, run in result["runs"].items())


def settings_line(result: dict) -> str:
    c = result["config"]
    return (f"设定：`lee_background.cor` 的前 {c['chars']:,} "
            f"个字符，最后 {c['val_fraction']:.0%} 作验证；"
            f"{c['cell'].upper()}，$H = {c['hidden']}$；"
            f"$B = {c['batch']}$、$T = {c['seq_length']}$；{c['optimizer']}，学习率 {c['lr']:g}，"
            f"`clipvalue={c['clipvalue']:g}`；训练 {c['steps']} 步，每 {c['eval_every']} 步在验证集"
            f"上评估一次；随机种子 {c['seed']}。")


def table(result: dict) -> list[str]:
    """One row per rate; the lowest validation loss also as perplexity e^L and bits/char."""
    rows = ["| `recurrent_dropout` | 最低验证损失（nats/字符） | 困惑度 | 比特/字符 "
            "| 最后一步的验证损失 | 最后一步的训练窗口损失 | 训练耗时 |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    for rate, curve, seconds in _runs(result):
        step, _, best = min(curve, key=lambda c: c[2])
        rows.append(f"| {rate:g} | {best:.3f}（第 {step} 步） | {math.exp(best):.2f} "
                    f"| {best / math.log(2):.3f} | {curve[-1][2]:.3f} | {curve[-1][1]:.3f} "
                    f"| {seconds:.0f} s |")
    return rows


def findings(result: dict) -> list[str]:
    """What the numbers show, each sentence picked by the numbers themselves."""
    (_, plain, t0), *others = _runs(result)
    last = plain[-1][0]
    best_plain = min(plain, key=lambda c: c[2])
    out = []
    if best_plain[0] < last:
        out.append(f"不用 dropout 时，验证损失在第 {best_plain[0]} 步最低（{best_plain[2]:.3f}），"
                   f"之后回升到 {plain[-1][2]:.3f}，训练窗口损失却降到 {plain[-1][1]:.3f}："
                   "这是过拟合。")
    else:
        out.append(f"不用 dropout 时，验证损失到第 {last} 步仍在下降（{plain[-1][2]:.3f}），"
                   "这次运行没有出现过拟合。")
    for rate, curve, _ in others:
        best = min(curve, key=lambda c: c[2])
        gain = best_plain[2] - best[2]
        word = f"低 {gain:.3f}" if gain > 0 else f"高 {-gain:.3f}"
        out.append(f"`recurrent_dropout = {rate:g}`：最低验证损失 {best[2]:.3f}"
                   f"（第 {best[0]} 步），比不用 dropout {word} nats/字符；"
                   f"最后一步的训练窗口损失 {curve[-1][1]:.3f}。")
    ratios = [seconds / t0 for _, _, seconds in others]
    out.append("打开 `recurrent_dropout` 后训练耗时是不用时的 "
               f"{min(ratios):.1f}–{max(ratios):.1f} 倍"
               "（Keras 不再使用融合的循环核，计时受机器当时的负载影响）。")
    return out


def curves_svg(result: dict) -> bytes:
    fig, ax = new_figure("rnn_dropout", (7, 3.6))
    for (rate, curve, _), color in zip(_runs(result), ("#9e9e9e", "#3f51b5", "#e65100"),
                                    strict=False):
        steps = [c[0] for c in curve]
        ax.plot(steps, [c[2] for c in curve], color=color, marker="o", markersize=3,
                label=f"recurrent_dropout = {rate:g}：验证")
        ax.plot(steps, [c[1] for c in curve], color=color, linestyle="--", linewidth=1,
                label=f"recurrent_dropout = {rate:g}：训练窗口")
    ax.set_xlabel("训练步数")
    ax.set_ylabel("损失（nats/字符）")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    return svg_bytes(fig)


def on_files(files: Files, config) -> Files:
    global _curves
    _result.clear()
    _curves = None
    if RESULTS.is_file():
        _result.update(json.loads(RESULTS.read_text(encoding="utf-8")))
        _curves = add_svg(files, config, CURVES, curves_svg(_result))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not marker_page(markdown, page, PAGE, MARKER):
        return markdown
    if not _result:
        return markdown.replace(MARKER, "尚无结果：运行 `python -m benchmarks.char_rnn_dropout` "
                                        "后重新构建。")
    m = _result["machine"]
    lines = [settings_line(_result), "", *table(_result), "",
             *(f"- {line}" for line in findings(_result)), ""]
    if _curves:
        width, height = _curves
        lines += ["![三种 recurrent_dropout 下的验证损失（实线）与训练窗口损失（虚线）]"
                  f"({posixpath.relpath(CURVES, posixpath.dirname(PAGE))})"
                  f"{{ loading=lazy decoding=async width={width} height={height} }}", ""]
    lines += [f"由构建时读取 `benchmarks/results/char_rnn_dropout.json` 生成：测量于 "
              f"{_result['measured_at'][:10]}，{m['cores']} 核（{md_escape(m['cpu'])}），"
              f"TensorFlow {m['tensorflow']}。"]
    if _result.get("quick"):
        lines += ["", "（这是 `QUICK=1` 的小规模结果，只说明脚本能运行。）"]
    return markdown.replace(MARKER, "\n".join(lines))
