"""3.2 RNN's recurrent-dropout experiment comes from benchmarks/results/char_rnn_dropout.json
(hooks/rnn_dropout.py): every rate a row, sentences chosen by the numbers, the curves."""

from __future__ import annotations

import copy
import json
import math

import rnn_dropout
from bs4 import BeautifulSoup
from sitebuild import ROOT

RESULT = json.loads((ROOT / "benchmarks/results/char_rnn_dropout.json").read_text(encoding="utf-8"))


def test_every_rate_is_a_row_with_the_numbers_of_the_file(site):
    doc = BeautifulSoup((site / "algorithms/rnn/index.html").read_text(encoding="utf-8"),
                        "html.parser")
    table = next(t for t in doc.select("article table") if "最低验证损失" in t.get_text())
    rows = {tr.find("td").get_text(strip=True): [td.get_text(strip=True) for td in tr("td")]
            for tr in table("tr")[1:]}
    assert set(rows) == {f"{float(rate):g}" for rate in RESULT["runs"]}
    for rate, run in RESULT["runs"].items():
        step, _, best = min(run["curve"], key=lambda c: c[2])
        row = rows[f"{float(rate):g}"]
        assert row[1] == f"{best:.3f}（第 {step} 步）"
        assert row[2] == f"{math.exp(best):.2f}" and row[3] == f"{best / math.log(2):.3f}"
        assert row[4] == f"{run['curve'][-1][2]:.3f}"
    assert doc.select_one('img[src$="recurrent-dropout-curves.svg"][width][height]')
    assert (site / "assets/rnn/recurrent-dropout-curves.svg").is_file()
    assert RESULT["measured_at"][:10] in doc.get_text()


def _result(plain, dropout):
    """A results file with two rates; curves given as validation losses every 50 steps."""
    result = copy.deepcopy(RESULT)
    result["runs"] = {rate: {"curve": [[50 * (i + 1), 1.0, v] for i, v in enumerate(vals)],
                             "train_seconds": secs}
                      for rate, vals, secs in (("0.0", plain, 10.0), ("0.5", dropout, 25.0))}
    return result


def test_findings_follow_the_numbers():
    overfit = rnn_dropout.findings(_result([2.5, 2.2, 2.3], [2.6, 2.3, 2.1]))
    assert "第 100 步最低（2.200）" in overfit[0] and "过拟合" in overfit[0]
    assert "最低验证损失 2.100（第 150 步），比不用 dropout 低 0.100" in overfit[1]
    assert "2.5–2.5 倍" in overfit[2]
    no_gain = rnn_dropout.findings(_result([2.5, 2.2, 2.0], [2.6, 2.4, 2.1]))
    assert "仍在下降" in no_gain[0] and "没有出现过拟合" in no_gain[0]
    assert "高 0.100" in no_gain[1]
