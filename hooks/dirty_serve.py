"""Keep ``make serve`` (``mkdocs serve --dirty``) right when a page's other inputs change.

A dirty build renders only the pages whose Markdown is newer than their output.  Pages
also read the snippets they embed (``--8<-- "file.py:section"``), and data/ and the
benchmark results (corrections, biography, the 性能 page): when one of those is newer
than a page's output, this hook removes the output, and MkDocs renders the page again.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
SHARED_INPUTS = ("data", "benchmarks/results", "figures")  # read by several pages: all rebuilt
EMBED = re.compile(r'--8<--\s+"([^":]+)')

_dirty = False


def on_startup(command, dirty):
    global _dirty
    _dirty = dirty


def _newest(paths) -> float:  # modification time of the newest file, 0 if none
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def stale_pages(files) -> list:
    """The pages whose output is older than a file outside docs/ that they read."""
    shared = _newest(p for d in SHARED_INPUTS for p in (ROOT / d).rglob("*"))
    out = []
    for f in files.documentation_pages():
        built = Path(f.abs_dest_path)
        if not built.is_file():
            continue
        embedded = {SNIPPETS / name for name in EMBED.findall(f.content_string)}
        if max(shared, _newest(embedded)) > built.stat().st_mtime:
            out.append(f)
    return out


def on_files(files, config):
    if _dirty:
        for f in stale_pages(files):
            Path(f.abs_dest_path).unlink()
    return files
