"""The built site: strict build, every part of the article, nav, no CDN, snippet sections
(search: test_search.py)."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import numpy as np
import pytest
import tinycss2
import yaml
from sitebuild import ROOT, load_hook, nav_pages, page_url, run_build

DOCS = ROOT / "docs"
ARTICLE = ROOT / "data" / "article_zh.txt"


# ---------------------------------------------------------------- helpers
def page_html(site: Path, doc: str) -> Path:
    return site / page_url(doc) / "index.html"


class _Text(HTMLParser):
    """Visible text and heading texts of a page's article body."""

    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self.text: list[str] = []
        self._in_h = 0
        self._skip = 0
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._in_h += 1
            self._buf = []
        if tag == "a" and ("class", "headerlink") in attrs:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "a" and self._skip and self._in_h:
            self._skip -= 1
        if re.fullmatch(r"h[1-6]", tag) and self._in_h:
            self._in_h -= 1
            self.headings.append("".join(self._buf).strip())

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._in_h:
            self._buf.append(data)


def parse(path: Path) -> _Text:
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def article_lines() -> list[str]:
    return [line.rstrip() for line in ARTICLE.read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- build
def test_strict_build_has_no_warnings(tmp_path):
    proc = run_build(tmp_path / "site")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert "WARNING" not in log, log
    assert (tmp_path / "site" / "404.html").is_file()


def test_page_url_of_a_nav_entry():
    assert page_url("index.md") == ""
    assert page_url("math/index.md") == "math/"
    assert page_url("math/gradient-descent.md") == "math/gradient-descent/"
    assert page_url("notebooks/cnn.ipynb") == "notebooks/cnn/"


def test_every_nav_page_is_built(site):
    pages = nav_pages()
    assert len(pages) >= 17
    for doc in pages:
        assert page_html(site, doc).is_file(), f"nav page {doc} was not built"


# ---------------------------------------------------------------- content
def test_every_article_heading_is_a_heading_on_the_site(site):
    headings = set()
    for html in site.rglob("*.html"):
        headings.update(parse(html).headings)
    in_code = False
    for line in article_lines():
        if line.startswith("```"):
            in_code = not in_code
        m = re.match(r"^(#{1,4}) (.+)$", line)
        if in_code or not m:
            continue
        title = m.group(2).strip().rstrip("：")
        if title.startswith(("关键词", "摘要")):
            continue  # shown on the home page as a keyword line and an abstract box
        assert title in headings, f"article heading {title!r} is not a heading on the site"


def test_every_article_line_is_on_some_page():
    """Prose, list items, formulas, the Mermaid block and the code, verbatim."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))
    missing = []
    for line in article_lines():
        text = line.strip()
        if not text or text.startswith("#") or text.startswith("```"):
            continue
        if text not in sources:
            missing.append(text)
    assert not missing, "article lines missing from docs/:\n" + "\n".join(missing)


def test_home_page_has_title_abstract_keywords_map_and_usage(site):
    page = parse(site / "index.html")
    text = "".join(page.text)
    assert "Andrej Karpathy：深度学习的领军人物" in page.headings
    assert "摘要" in text and "本文旨在为读者提供一个全面了解" in text
    assert "深度学习，AI，神经网络，领军人物，技术贡献，影响力" in text
    assert "如何使用本站" in page.headings
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="mermaid"' in html


def test_pip_install_is_shown_as_a_shell_command(site):
    html = (site / "project" / "index.html").read_text(encoding="utf-8")
    plain = re.sub(r"<[^>]+>", "", html)
    assert "pip install numpy matplotlib tensorflow" in plain
    block = re.search(r'<div class="language-(\w+) highlight">(?:(?!</div>).)*?>pip<', html, re.S)
    assert block and block.group(1) in ("bash", "shell", "console"), "pip line not in a shell block"


def test_every_formula_of_section_4_is_typeset_at_build_time(site):
    for page in ("math/gradient-descent", "math/backpropagation", "math/convolution"):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        md = (DOCS / f"{page}.md").read_text(encoding="utf-8")
        n_display = len(re.findall(r"^\$\$$", md, re.M)) // 2
        assert n_display >= 2
        # (hooks/offscreen.py adds attributes to the display span)
        # (hooks/search_index.py marks the wrappers data-search-exclude)
        assert len(re.findall(r'<div class="arithmatex"[^>]*><span class="katex-display"[ >]',
                              html)) >= n_display
        wrappers = re.findall(r'<(?:span|div) class="arithmatex"[^>]*>(.{0,30})', html)
        assert wrappers and all(w.startswith('<span class="katex') for w in wrappers), page
        assert "katex.min.js" not in html and "katex.min.css" in html


# ---------------------------------------------------------------- assets
ASSET_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src",
               "audio": "src", "video": "src", "embed": "src", "object": "data"}


class _Assets(HTMLParser):
    """URLs a page loads, its inline scripts and styles, and every attribute name."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self.styles: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attributes += [(tag, name) for name, _ in attrs]
        if tag == "style":
            self.styles.append("")
        if tag in ASSET_ATTRS and a.get(ASSET_ATTRS[tag]):
            self.urls.append(a[ASSET_ATTRS[tag]])
        if tag == "link" and a.get("href") and not {"canonical", "alternate", "prev", "next"} & set(
            (a.get("rel") or "").split()
        ):
            self.urls.append(a["href"])
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline.append(data)
            if self.lasttag == "style":
                self.styles[-1] += data


def _external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme in ("http", "https")


IMPORT_RE = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,]+from\s*)?|\bimport\(|importScripts\(|@import\s+(?:url\()?)\s*["']([^"']+)["']"""
)
CSS_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def test_no_page_references_an_external_asset(site):
    bad = []
    for html in site.rglob("*.html"):
        p = _Assets()
        p.feed(html.read_text(encoding="utf-8"))
        refs = p.urls + [u for block in p.inline for u in IMPORT_RE.findall(block)]
        refs += [u for block in p.inline for u in CSS_URL_RE.findall(block)]
        bad += [f"{html.relative_to(site)}: {u}" for u in refs if _external(u)]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        bad += [f"{css.relative_to(site)}: {u}" for u in CSS_URL_RE.findall(text) if _external(u)]
    for js in [*site.rglob("*.mjs"), *site.rglob("assets/javascripts/*.js")]:
        text = js.read_text(encoding="utf-8", errors="replace")
        bad += [f"{js.relative_to(site)}: {u}" for u in IMPORT_RE.findall(text) if _external(u)]
    assert not bad, "external asset references:\n" + "\n".join(sorted(set(bad)))


ATTRIBUTE_NAME = re.compile(r"[A-Za-z_:][-\w:.]*")


def test_every_attribute_name_is_valid_and_every_inline_stylesheet_parses(site):
    # mkdocs-jupyter wrote an attribute named "," on each copy button and a <style>
    # holding the repr of a Python list (hooks/notebooks.py removes both)
    bad = []
    for html in sorted(site.rglob("*.html")):
        p = _Assets()
        p.feed(html.read_text(encoding="utf-8"))
        where = html.relative_to(site)
        bad += [f"{where}: <{tag} {name}=…>" for tag, name in p.attributes
                if not ATTRIBUTE_NAME.fullmatch(name)]
        for css in p.styles:
            rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
            bad += [f"{where}: <style> line {r.source_line}: {r.message}"
                    for r in rules if r.type == "error"]
    assert not bad, "\n".join(bad[:20])


def test_math_and_mermaid_are_self_hosted(site):
    assert (site / "assets/vendor/katex/katex.min.css").is_file()
    assert not (site / "assets/vendor/katex/katex.min.js").exists(), \
        "formulas are typeset at build time: no KaTeX JavaScript is shipped"
    assert list((site / "assets/vendor/katex/fonts").glob("*.woff2"))
    assert (site / "assets/vendor/mermaid/mermaid.esm.min.mjs").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "mermaid-global.mjs" in index
    faq = (site / "faq" / "index.html").read_text(encoding="utf-8")
    assert "mermaid" not in faq.lower(), "a page without a diagram loads mermaid"


# ---------------------------------------------------------------- snippets
def test_every_embedded_section_exists():
    """check_paths covers files; this names the missing [start:x]/[end:x] sections."""
    for page in DOCS.rglob("*.md"):
        for name, section in re.findall(r'--8<-- "([\w./-]+\.py):(\w+)"', page.read_text("utf-8")):
            code = (ROOT / "snippets" / name).read_text(encoding="utf-8")
            for edge in ("start", "end"):
                marker = f"# --8<-- [{edge}:{section}]"
                assert marker in code, f"{page.name}: {name} lacks {marker}"


# ---------------------------------------------------------------- set-up
def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- two-commands -->\s*```(?:bash|sh)\n(.*?)```", text, re.S)
    assert block, "README has no <!-- two-commands --> block"
    lines = [ln.strip() for ln in block.group(1).splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def test_readme_gives_exactly_two_commands_that_the_makefile_runs():
    commands = readme_commands()
    assert commands == ["make serve", "make test"], commands
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for cmd in commands:
        target = cmd.split()[1]
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no {target} target"
    assert re.search(r"^ADDR\s*\?=\s*127\.0\.0\.1:8000$", makefile, re.M)
    assert re.search(r"^serve:.*\n\t.*mkdocs serve --dev-addr \$\(ADDR\)", makefile, re.M)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert "make test" in lines, ".ci/run does not call `make test`"


def _workflow(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def _commands(job: dict) -> list[str]:
    return [ln.strip() for s in job["steps"] for ln in s.get("run", "").splitlines()]


def test_github_workflows_test_like_the_readme_and_deploy_the_strict_build():
    test, deploy = _workflow("test.yml"), _workflow("deploy.yml")
    job = test["jobs"]["test"]
    assert {"push", "pull_request"} <= set(test["on"]) and "make test" in _commands(job)
    shots = _steps(job, "actions/upload-artifact")  # written by tests/browser/pagechecks.py
    assert shots and shots[0]["with"]["path"].rstrip("/") == "test-artifacts"
    assert shots[0].get("if") == "always()", "screenshots must be kept when a test fails"
    build = deploy["jobs"]["build"]
    assert "make build" in _commands(build)  # mkdocs build --strict into site/
    assert [s["with"]["path"] for s in _steps(build, "actions/upload-pages-artifact")] == ["site"]
    publish = deploy["jobs"]["deploy"]
    assert publish["needs"] == "build" and _steps(publish, "actions/deploy-pages")
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s["uses"] for wf in (test, deploy) for j in wf["jobs"].values()
            for s in j["steps"] if "uses" in s]
    unpinned = [u for u in uses if not re.search(r"@v\d+\.\d+\.\d+$", u)]
    assert not unpinned, f"actions without an exact version: {unpinned}"


# ---------------------------------------------------------------- bad input
def _scratch_project(tmp_path: Path, pages: dict[str, str], nav: list | None = None) -> Path:
    """A copy of the real configuration around a few scratch pages."""
    docs = tmp_path / "docs"
    (docs / "notebooks").mkdir(parents=True, exist_ok=True)
    shutil.copytree(DOCS / "assets", docs / "assets")
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config[: config.index("\nnav:")] + "\n"
    # the corrections hook insists on the article's pages, which a scratch project lacks
    config = config.replace("  - hooks/corrections.py\n", "")
    config += "docs_dir: " + str(docs) + "\n"
    if nav is not None:
        config += "nav:\n" + "".join(f"  - {item}\n" for item in nav)
    cfg = ROOT / f".scratch-{uuid.uuid4().hex[:12]}.yml"  # beside mkdocs.yml: same relative paths
    cfg.write_text(config, encoding="utf-8")
    return cfg


@pytest.fixture
def scratch(tmp_path):
    made = []

    def make(pages, nav=None):
        root = tmp_path / f"project{len(made)}"
        root.mkdir()
        cfg = _scratch_project(root, {"index.md": "# 首页\n", **pages}, nav)
        made.append(cfg)
        return cfg

    yield make
    for cfg in made:
        cfg.unlink(missing_ok=True)


def test_missing_snippet_file_fails_the_build_naming_it(scratch, tmp_path):
    cfg = scratch({"a.md": '# A\n\n```python\n--8<-- "no_such_file.py"\n```\n'})
    proc = run_build(tmp_path / "out", cfg)
    assert proc.returncode != 0
    assert "no_such_file.py" in proc.stdout + proc.stderr


def test_missing_snippet_section_fails_the_build_naming_it(scratch, tmp_path):
    cfg = scratch({"a.md": '# A\n\n```python\n--8<-- "digits.py:no_such_section"\n```\n'})
    proc = run_build(tmp_path / "out", cfg)
    assert proc.returncode != 0
    assert "no_such_section" in proc.stdout + proc.stderr


def test_broken_link_and_anchor_fail_the_strict_build(scratch, tmp_path):
    cfg = scratch({"a.md": "# A\n\n[x](missing.md)\n"})
    assert run_build(tmp_path / "o1", cfg).returncode != 0
    cfg = scratch({"b.md": "# B\n\n[x](index.md#no-such-anchor)\n"})
    proc = run_build(tmp_path / "o2", cfg)
    assert proc.returncode != 0 and "no-such-anchor" in proc.stdout + proc.stderr


def test_notebook_cell_that_raises_fails_the_build(scratch, tmp_path):
    cfg = scratch({"notebooks/broken.py": "# %%\nraise ValueError('boom from a cell')\n"})
    proc = run_build(tmp_path / "out", cfg, extra_env={"NOTEBOOK_CACHE": str(tmp_path / "nbcache")})
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "broken.py" in log and "boom from a cell" in log


def test_notebook_plots_survive_an_mplbackend_in_the_environment(tmp_path, monkeypatch):
    """The test suite sets MPLBACKEND=Agg; a notebook executed by a build started from it
    must still draw its plots (with Agg they vanished, and the cache kept them so)."""
    nbhook = load_hook("notebooks")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    source = tmp_path / "plot.py"
    source.write_text("# %%\nimport matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\n"
                      "plt.show()\n", encoding="utf-8")
    target = tmp_path / "out" / "plot.ipynb"
    nbhook.execute(source, target)
    outputs = json.loads(target.read_text(encoding="utf-8"))["cells"][0]["outputs"]
    assert any("image/png" in o.get("data", {}) for o in outputs), outputs


def test_notebook_kernel_runs_the_inlined_code_of_this_checkout(tmp_path, monkeypatch):
    """A notebook's ``from digits import …`` is replaced by the code of this checkout's
    snippets/ (the files the notebook cache key hashes), and the kernel runs in an empty
    folder without snippets/ on its path: not even a decoy ``digits`` is imported."""
    nbhook = load_hook("notebooks")
    decoy = tmp_path / "decoy"
    decoy.mkdir()
    (decoy / "digits.py").write_text("raise ImportError('decoy')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(decoy))
    source = tmp_path / "where.py"
    source.write_text("# %%\nimport os, sys\nfrom digits import DIGIT_NAMES\n\n"
                      "print(DIGIT_NAMES[3], 'digits' in sys.modules, os.listdir('.'),\n"
                      "      any(os.path.isfile(os.path.join(p, 'char_rnn.py'))\n"
                      "          for p in sys.path))\n",
                      encoding="utf-8")
    target = tmp_path / "out" / "where.ipynb"
    nbhook.execute(source, target)
    cells = json.loads(target.read_text(encoding="utf-8"))["cells"]
    assert "inlined-code" in cells[1]["metadata"]["tags"]
    assert "DIGIT_NAMES = tuple" in "".join(cells[1]["source"])
    outputs = [c for c in cells if c["cell_type"] == "code"][-1]["outputs"]
    assert "".join(outputs[0]["text"]).strip() == "3 False [] False", outputs


def test_notebook_that_imports_a_snippet_module_fails_naming_it(tmp_path):
    nbhook = load_hook("notebooks")
    source = tmp_path / "where.py"
    source.write_text("# %%\nimport digits\n", encoding="utf-8")
    with pytest.raises(nbhook.PluginError, match=r"import digits.*from digits import"):
        nbhook.execute(source, tmp_path / "out" / "where.ipynb")


def test_mermaid_sources_reach_the_page_as_text(site):
    """Material hands Mermaid the text of each <pre class="mermaid">; an HTML tag written
    in a label (<br/>, <b>) is parsed by the browser into an element and silently lost from
    that text.  Line breaks and bold are written as Mermaid Markdown strings instead."""
    from bs4 import BeautifulSoup

    found = 0
    for page in sorted(site.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for pre in soup.select("pre.mermaid"):
            found += 1
            tags = [t.name for t in pre.find_all(True) if t.name != "code"]
            assert not tags, f"{page.parent.relative_to(site)}: Mermaid source has <{tags[0]}>"
    assert found >= 5


def test_notebook_outputs_carry_no_log_noise(site):
    """No notebook output (on the page or in the download) is a stream to stderr: TensorFlow's
    C++ log lines are kept out by TF_CPP_MIN_LOG_LEVEL, set before TensorFlow is imported,
    and abseil's lines from before its logging starts are dropped by the build."""
    notebooks = sorted((site / "notebooks").glob("*/*.ipynb"))
    assert len(notebooks) == len(list((ROOT / "docs" / "notebooks").glob("[!_]*.py")))
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        noise = ["".join(o["text"])[:200] for c in cells for o in c.get("outputs", [])
                 if o.get("name") == "stderr"]
        assert not noise, f"{path.name}: {noise}"


def test_only_abseils_early_info_lines_are_dropped():
    nbhook = load_hook("notebooks")
    early = ("WARNING: All log messages before absl::InitializeLog() is called are written "
             "to STDERR\nI0000 00:00:1796449329.994674   26617 port.cc:153] oneDNN custom "
             "operations are on.\n")
    error = "E0000 00:00:1796449334.656818   26617 cuda_platform.cc:52] failed call to cuInit\n"
    warning = "W0000 00:00:1796449334.656818   26617 x.cc:1] a real warning\n"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("stream", name="stderr", text=early),
        nbformat.v4.new_output("stream", name="stdout", text=early),
        nbformat.v4.new_output("stream", name="stderr", text=early + error + warning)])])
    nbhook.drop_early_info_logs(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", early), ("stderr", error + warning)]


def test_line_breaks_inside_chinese_text_are_joined_except_in_code():
    join = load_hook("notebooks").join_cjk_lines
    assert join("差距随轮数变大，是过拟合的\n  信号：看**验证集**与\n**训练集**。") == (
        "差距随轮数变大，是过拟合的信号：看**验证集**与**训练集**。")
    kept = "用 ReLU\n或者 tanh\n\n- 第一项\n- 第二项\n\n```python\n# 中文注释\n# 第二行\n```\n"
    assert join(kept) == kept


def test_code_blocks_of_notebook_markdown_cells_are_material_code_blocks(site):
    """nbconvert writes them without <code>; with it, Material gives them a copy button
    and, when they scroll sideways, keyboard access."""
    pages = sorted((site / "notebooks").glob("*/index.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<div class="highlight"><pre><span></span>(?!<code>)', html), (
            f"{page.parent.name}: a code block without <code>")


def test_notebook_plots_are_image_files_with_their_size(site):
    """Plots are files next to the notebook page, with width/height (no layout shift),
    lazily loaded after the first, described by their section; no base64 image is
    left inline."""
    nbhook = load_hook("notebooks")
    pages = sorted((site / "notebooks").glob("*/index.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "data:image/png;base64" not in html, page
        imgs = re.findall(r"<img [^>]*>", html)
        assert imgs, f"{page}: no plot"
        for i, tag in enumerate(imgs):
            src = re.search(r'src="([^"]+)"', tag).group(1)
            data = (page.parent / src).read_bytes()
            width, height = nbhook.image_size(data)
            assert f'width="{width}" height="{height}"' in tag, tag
            assert ('loading="lazy"' in tag) == (i > 0), tag
            assert ('fetchpriority="high"' in tag) == (i == 0), tag
            assert re.search(r'alt="图：[^"]+（第 \d+ 张）"', tag), tag


def test_benchmark_charts_load_lazily_with_their_size(site):
    """The performance page's charts sit below its first screen: loaded lazily, decoded
    off the critical path, with width/height (the SVG's own size) so nothing moves."""
    bench = load_hook("bench_page")
    page = site / "benchmarks" / "index.html"
    imgs = re.findall(r"<img [^>]*>", page.read_text(encoding="utf-8"))
    charts = [tag for tag in imgs if "assets/benchmarks/" in tag]
    assert len(charts) == len(list((site / "assets" / "benchmarks").glob("*.svg"))) > 0
    for tag in charts:
        src = re.search(r'src="([^"]+)"', tag).group(1)
        width, height = bench.chart_size((page.parent / src).read_bytes())
        assert f'width="{width}"' in tag and f'height="{height}"' in tag, tag
        assert 'loading="lazy"' in tag and 'decoding="async"' in tag, tag


def test_photo_panels_become_lossy_webp_and_line_plots_lossless_webp():
    """The convolution notebook's photo panels (matplotlib's own sample photo) are stored
    as lossy WebP at most half the PNG's bytes; a line plot is not blurred by lossy coding
    but stored as lossless WebP, pixel for pixel the same as the PNG."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import cbook

    nbhook = load_hook("notebooks")

    def png(draw, dpi=100):
        fig, axes = plt.subplots(1, 3, figsize=(14, 4), dpi=dpi)
        for ax in axes:
            draw(ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        return buf.getvalue()

    photo = plt.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    panels = png(lambda ax: ax.imshow(photo))
    photo_webp = nbhook.as_photo_if_much_smaller(panels)
    assert photo_webp is not None and len(photo_webp) <= len(panels) // 2
    assert nbhook.image_size(photo_webp) == nbhook.image_size(panels) == (1400, 400)
    x = np.linspace(0, 20, 400)
    lines = png(lambda ax: [ax.plot(np.sin(x + k)) for k in range(8)], dpi=200)
    assert len(lines) > nbhook.PHOTO_MIN_BYTES  # large enough to be tried …
    assert nbhook.as_photo_if_much_smaller(lines) is None  # … and not coded lossily
    # … but stored as lossless WebP: the same pixels in fewer bytes
    from PIL import Image

    webp = nbhook.as_lossless_webp(lines)
    assert webp is not None and len(webp) <= nbhook.WEBP_MAX_SHARE * len(lines)
    assert nbhook.image_size(webp) == nbhook.image_size(lines)
    with Image.open(io.BytesIO(lines)) as a, Image.open(io.BytesIO(webp)) as b:
        assert a.format == "PNG" and b.format == "WEBP"
        assert np.array_equal(np.asarray(a.convert("RGBA")), np.asarray(b.convert("RGBA")))


def test_image_size_reads_png_and_jpeg_headers(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nbhook = load_hook("notebooks")
    fig = plt.figure(figsize=(3, 2), dpi=50)
    for fmt in ("png", "jpg"):
        path = tmp_path / f"f.{fmt}"
        fig.savefig(path, format=fmt)
        assert nbhook.image_size(path.read_bytes()) == (150, 100)
    plt.close(fig)
    assert nbhook.image_size(b"not an image at all, not at all") is None
