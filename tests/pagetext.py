"""The Markdown a reader sees on a page, for the tests that read the site's own text: a
page's Markdown file, or a notebook's Markdown cells (its py:percent source, read by
jupytext; code cells and their outputs are not prose)."""

from __future__ import annotations

from pathlib import Path


def markdown_of(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    import jupytext

    nb = jupytext.read(path)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
