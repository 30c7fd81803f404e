"""Execute the notebooks (jupytext percent scripts) before the build, with a cache.

``docs/notebooks/<name>.py`` is the reviewable source.  Before mkdocs-jupyter renders
anything, this hook executes each source with nbclient and adds the executed
``<name>.ipynb`` to the build.  The executed notebook is cached in
``.cache/notebooks/`` under a key made of the source, every file in ``snippets/``, the
benchmark results (some notebooks quote them) and the versions of the numerical
packages, so an unchanged notebook is not re-run.

A cell that raises fails the build, naming the notebook and the cell.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat
from jupyter_client import KernelManager
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

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
    h = hashlib.sha256()
    h.update(source.read_bytes())
    inputs = [*(ROOT / "snippets").rglob("*.py"), *(ROOT / "benchmarks" / "results").glob("*.json")]
    for path in sorted(inputs):
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    for name in PACKAGES:
        h.update(f"{name}={_version(name)};".encode())
    return h.hexdigest()


def execute(source: Path, target: Path) -> None:
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }
    # IPC transport: the kernel talks over local sockets, not unencrypted TCP
    # (in a private folder: concurrent builds must not share socket paths)
    sockets = Path(tempfile.mkdtemp(prefix="nbkernel-"))
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "kernel"))
    client = NotebookClient(
        nb,
        km=km,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
        allow_errors=False,
    )
    t0 = time.perf_counter()
    # the kernel's own log (e.g. its shutdown chatter) goes to a file, not the build log
    target.parent.mkdir(parents=True, exist_ok=True)
    kernel_log = target.with_suffix(".kernel.log")
    try:
        with open(kernel_log, "w") as stderr:
            client.execute(stderr=stderr, stdout=stderr)
    except CellExecutionError as err:
        raise PluginError(f"notebook {source.relative_to(ROOT)} failed:\n{err}") from None
    except Exception as err:
        log_text = kernel_log.read_text(errors="replace")[-2000:]
        raise PluginError(
            f"notebook {source.relative_to(ROOT)}: kernel failed ({err}); kernel log:\n{log_text}"
        ) from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    log.info("executed %s in %.1f s", source.relative_to(ROOT), time.perf_counter() - t0)
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


def on_post_page(output: str, page, config) -> str:
    """nbconvert's page template imports Mermaid from cdnjs: point it at our own copy."""
    if not page.file.src_uri.startswith(f"{SOURCE_DIR}/") or "cdnjs" not in output:
        return output
    depth = page.url.rstrip("/").count("/") + 1 if page.url else 0
    local = "../" * depth + "assets/vendor/mermaid/mermaid.esm.min.mjs"
    output = CDN_MERMAID.sub(local, output)
    return CDN_ELK.sub('const elkUrl = "";', output)


@event_priority(100)  # before Material's search plugin indexes the page
def on_page_context(context, page, config, nav):
    """Keep notebook pages out of the search index.

    mkdocs-jupyter's section entries carry the page URL without anchors, which makes
    Material's search worker throw while highlighting results (no results at all for
    some queries); the notebooks repeat the pages' explanations anyway.
    """
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
