"""The pages' teaching figures, drawn by code at build: ``figures/<module>.py``.

Each function ``fig_<name>()`` of a module in ``figures/`` returns a matplotlib figure,
each ``mermaid_<name>()`` the text of a Mermaid diagram (a graph computed by code, drawn
by the site's Mermaid); the first paragraph of its docstring is the caption (and an
image's alt text).  A page asks
for one with the marker ``<!-- figure: <module>.<name> -->``; this hook draws it (SVG,
glyphs as paths, the same bytes in every build), adds it to the site as
``assets/figures/<module>-<name>.svg`` and puts a captioned, lazily loaded image with its
size in place of the marker (a diagram: its Mermaid block and caption).  An unknown
marker, or a figure no page shows, fails the build.  Drawn figures are cached in
``.cache/figures/`` under a hash of the figure modules, the snippets they import and the
matplotlib version.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import posixpath
import re
from importlib import metadata
from pathlib import Path

from bench_page import chart_size, setup_matplotlib, svg_bytes  # hooks/bench_page.py
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "figures"
CACHE = Path(os.environ.get("FIGURE_CACHE", ROOT / ".cache" / "figures"))
MARKER = re.compile(r"<!-- figure: ([a-z_]+)\.([a-z_0-9]+) -->")

_figures: dict[str, tuple[str, str, int, int]] = {}  # "module.name" -> (uri, caption, w, h)
_diagrams: dict[str, tuple[str, str]] = {}             # "module.name" -> (mermaid, caption)
_shown: set[str] = set()
_pages: dict[str, bool] = {}  # every page of the build -> rendered yet


def modules() -> list[Path]:
    return sorted(p for p in SOURCES.glob("*.py") if not p.name.startswith("_"))


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"figures_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drawers(module) -> dict[str, object]:
    """name -> function, for the figures (fig_*) and diagrams (mermaid_*) of ``module``."""
    return {name.split("_", 1)[1]: fn for name, fn in vars(module).items()
            if name.startswith(("fig_", "mermaid_")) and callable(fn)}


def caption(fn) -> str:
    doc = (fn.__doc__ or "").strip()
    if not doc:
        raise PluginError(f"figure {fn.__name__}: no docstring "
                          "(its first paragraph is the caption)")
    first = doc.split("\n\n", 1)[0]
    return "".join(line.strip() for line in first.splitlines())  # Chinese: no spaces


def cache_key() -> str:
    h = hashlib.sha256()
    for path in [*sorted(SOURCES.glob("*.py")), *sorted((ROOT / "snippets").glob("*.py")),
                 Path(__file__), ROOT / "hooks" / "bench_page.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(metadata.version("matplotlib").encode())
    return h.hexdigest()[:16]


def draw(module_name: str, name: str, fn) -> bytes:
    setup_matplotlib(f"figure-{module_name}-{name}")
    return svg_bytes(fn())


def on_files(files: Files, config) -> Files:
    _figures.clear()
    _diagrams.clear()
    _shown.clear()
    _pages.clear()
    _pages.update({f.src_uri: False for f in files.documentation_pages()
                   if f.src_uri.endswith(".md")})
    cache = CACHE / cache_key()
    for path in modules():
        module = load(path)
        for name, fn in drawers(module).items():
            key = f"{path.stem}.{name}"
            if fn.__name__.startswith("mermaid_"):
                _diagrams[key] = (fn().strip(), caption(fn))
                continue
            cached = cache / f"{path.stem}-{name}.svg"
            if cached.is_file():
                svg = cached.read_bytes()
            else:
                svg = draw(path.stem, name, fn)
                cache.mkdir(parents=True, exist_ok=True)
                cached.write_bytes(svg)
            uri = f"assets/figures/{path.stem}-{name}.svg"
            files.append(File.generated(config, uri, content=svg))
            _figures[key] = (uri, caption(fn), *chart_size(svg))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    def figure(m: re.Match) -> str:
        key = f"{m[1]}.{m[2]}"
        if key in _diagrams:
            _shown.add(key)
            text, title = _diagrams[key]
            return (f'<figure class="site-figure" markdown>\n\n```mermaid\n{text}\n```\n\n'
                    f"<figcaption>{title}</figcaption>\n\n</figure>")
        if key not in _figures:
            raise PluginError(f"docs/{page.file.src_uri}: no figure {key} in figures/")
        uri, text, width, height = _figures[key]
        _shown.add(key)
        url = posixpath.relpath(uri, posixpath.dirname(page.file.src_uri) or ".")
        return (f'<figure class="site-figure" markdown>\n\n![{text}]({url})'
                f"{{ loading=lazy decoding=async width={width} height={height} }}\n\n"
                f"<figcaption>{text}</figcaption>\n\n</figure>")

    _pages[page.file.src_uri] = True
    return MARKER.sub(figure, markdown)


def on_post_build(config):
    """A figure no page shows is an error, once every page was rendered (not in a
    ``make serve`` rebuild of a few pages)."""
    if all(_pages.values()) and (missing := sorted({*_figures, *_diagrams} - _shown)):
        raise PluginError(f"figures no page shows: {missing} (add <!-- figure: … --> markers)")
