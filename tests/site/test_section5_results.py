"""§5's results on the built page come from benchmarks/results/cnn.json
(hooks/section5_results.py): every run, the verdicts, the curves and the confusion matrix."""

from __future__ import annotations

import json
import statistics

from bs4 import BeautifulSoup
from sitebuild import ROOT

CNN = json.loads((ROOT / "benchmarks/results/cnn.json").read_text(encoding="utf-8"))


def page(site) -> BeautifulSoup:
    return BeautifulSoup((site / "project/index.html").read_text(encoding="utf-8"),
                         "html.parser")


def results_table(doc):
    return next(t for t in doc.select("article table") if "测试准确率" in t.get_text())


def test_every_run_of_the_results_file_is_a_row(site):
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in results_table(page(site)).find_all("tr")[1:]]
    for name in ("mnist", "fashion", "digits"):
        part = CNN["parts"][name]
        runs = part.get("runs") or [part["run"]]
        for r in runs:
            assert any(row[2] == str(r["seed"]) and row[3] == f"{100 * r['test_accuracy']:.2f}%"
                       for row in rows), (name, r["seed"])
        if len(runs) > 1:
            mean = statistics.mean(r["test_accuracy"] for r in runs)
            assert any(row[2] == "平均" and row[3] == f"{100 * mean:.2f}%" for row in rows)
    mnist_train, mnist_test = CNN["parts"]["mnist"]["train_test"]
    assert (mnist_train, mnist_test) == (60000, 10000)
    assert any(row[1] == "48,000 / 12,000 / 10,000" for row in rows)


def test_the_verdicts_are_the_results_files(site):
    text = page(site).get_text()
    met = CNN["target"]["met"]
    for key, label in (("mnist", "完整 MNIST"), ("fashion_mnist", "Fashion-MNIST")):
        shown = {True: "✅ 达到", False: "❌ 未达到", None: "—"}[met[key]]
        assert any(line.startswith(label) and line.endswith(shown)
                   for line in text.split("\n")), (key, shown)


def test_curves_and_confusion_matrix(site):
    doc = page(site)
    img = doc.select_one('img[src$="mnist-curves.svg"]')
    assert img is not None and img.get("width") and img.get("height")
    assert (site / "assets/section5/mnist-curves.svg").is_file()
    matrix = CNN["parts"]["mnist"]["runs"][0]["confusion_matrix"]
    assert sum(map(sum, matrix)) == 10000
    table = next(t for t in doc.select("article table") if "召回率" in t.get_text())
    diagonal = [tr.find_all("td")[i + 1].get_text(strip=True)
                for i, tr in enumerate(table.find_all("tr")[1:])]
    assert diagonal == [str(matrix[i][i]) for i in range(10)]


def test_the_improved_run_shows_each_change_and_every_seed(site):
    better = CNN["parts"]["improved"]
    text = page(site).get_text()
    assert f"验证准确率在第 {better['chosen_epochs']} 轮最高" in text
    val = better["selection"]["val_accuracy"]
    assert better["chosen_epochs"] == val.index(max(val)) + 1  # chosen on the hold-out
    for change, r in better["alone"].items():
        assert change in text and f"{100 * r['test_accuracy']:.2f}%" in text
    mean = statistics.mean(r["test_accuracy"] for r in better["runs"])
    assert f"{100 * mean:.2f}%" in text
    assert {r["seed"] for r in better["runs"]} == {0, 1, 2}
    assert all(r["epochs"] == better["chosen_epochs"] for r in better["runs"])
    shown = {True: "✅ 达到", False: "❌ 未达到", None: "—"}[CNN["target"]["met"]["mnist_improved"]]
    assert any(line.startswith("目标：三个种子的平均测试准确率 ≥ 99.30%") and line.endswith(shown)
               for line in text.split("\n"))


def test_the_numpy_keras_comparison_on_the_cnn_page(site):
    """3.3's comparison table: the full MNIST, both accuracies, both epoch times, and each
    sub-target's own verdict from the results file (never ✅ for an unmet one)."""
    cmp, config = CNN["parts"]["comparison"], CNN["config"]["comparison"]
    assert (config["train_images"], config["test_images"]) == (60000, 10000)
    assert cmp["train_test"] == [60000, 10000] and config["epochs"] == 10
    doc = BeautifulSoup((site / "algorithms/cnn/index.html").read_text(encoding="utf-8"),
                        "html.parser")
    table = next(t for t in doc.select("article table") if "每轮" in t.get_text())
    rows = {tr.find_all("td")[0].get_text(strip=True): [td.get_text(strip=True)
                                                         for td in tr.find_all("td")[1:]]
            for tr in table.find_all("tr")[1:]}
    (peer, keras_s), = CNN["peers"].items()
    numpy_row = rows["NumPy（cnn_numpy.py）"]
    keras_row = next(v for k, v in rows.items() if k.startswith("Keras"))
    assert numpy_row == [f"{100 * cmp['numpy_test_accuracy']:.2f}%", f"{CNN['ours']:.1f} s"]
    assert keras_row == [f"{100 * cmp['keras_test_accuracy']:.2f}%", f"{keras_s:.1f} s（fit）"]
    text = doc.get_text()
    met = CNN["target"]["met"]
    for key, start in (("numpy_time_ratio", "目标：每轮不超过 Keras 的"),
                       ("numpy_accuracy_gap", "目标：测试准确率与 Keras 相差不超过")):
        shown = {True: "✅ 达到", False: "❌ 未达到", None: "—"}[met[key]]
        assert any(line.startswith(start) and line.endswith(shown)
                   for line in text.split("\n")), (key, shown)
    assert CNN["machine"]["numpy_blas"] in text  # the library versions come from the file
