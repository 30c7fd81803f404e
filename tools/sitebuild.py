"""Build the MkDocs site (strict, or in-process with one hook), load a hook as a module,
and read the pages of the nav; used by the tests, ``benchmarks/lighthouse.py`` and the
generators in ``tools/``.

``built_site`` reuses ``SITE_DIR`` (set by ``make test`` after its strict build) when it
holds a built site; otherwise it builds the site into a temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def material_templates() -> Path:
    """The installed Material theme's templates folder (its stylesheets and scripts)."""
    import material

    return Path(material.__file__).parent / "templates"


def load_file(path: Path, name: str):
    """Import the Python file ``path`` as module ``name``: the hooks and the benchmark
    scripts are files, not modules of a package."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses in a hook look their module up here
    spec.loader.exec_module(module)
    return module


def load_hook(name: str):
    """hooks/<name>.py as module ``<name>_hook``.  A hook that imports a sibling
    (``from sourcedata import …``) needs hooks/ on sys.path, as mkdocs has it while
    importing the hook; the test suite has it there through pytest's ``pythonpath``."""
    return load_file(ROOT / "hooks" / f"{name}.py", f"{name}_hook")


def run_build(site_dir: Path, config: Path | None = None, *, extra_env: dict | None = None):
    """``mkdocs build --strict``; returns the CompletedProcess (output captured)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DIGITS_OFFLINE": "1", **(extra_env or {})}
    cmd = [*MKDOCS, "build", "--strict", "--site-dir", str(site_dir)]
    if config is not None:
        cmd += ["--config-file", str(config)]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)


def quick_build(site_dir: Path, hook: str) -> Path:
    """The real docs and Markdown config built in-process with only ``hooks/<hook>.py``
    and no plugins (seconds: no notebooks, no search index, not strict)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = load_config(
        config_file=str(ROOT / "mkdocs.yml"),
        site_dir=str(site_dir),
        hooks=[str(ROOT / "hooks" / f"{hook}.py")],
        plugins=[],
        strict=False,
    )
    build(cfg)
    return site_dir


def built_site(tmp_root: Path) -> Path:
    reuse = os.environ.get("SITE_DIR")
    if reuse and (Path(reuse) / "index.html").is_file():
        return Path(reuse).resolve()
    site = tmp_root / "site"
    proc = run_build(site)
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{proc.stdout}\n{proc.stderr}")
    return site


def nav_pages() -> list[str]:
    """Every .md / .ipynb path listed in mkdocs.yml's nav."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(text[text.index("\nnav:") :], Loader=yaml.SafeLoader)["nav"]
    out: list[str] = []

    def walk(node):
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(nav)
    return out


def page_url(doc: str) -> str:
    """The URL path, relative to the site root, of the page built from ``doc``:
    ``index.md`` -> ``""``, ``math/index.md`` -> ``math/``,
    ``notebooks/cnn.ipynb`` -> ``notebooks/cnn/``."""
    stem = re.sub(r"\.(md|ipynb)$", "", doc)
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"
