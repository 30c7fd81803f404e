"""Build the MkDocs site once per test session and share it (site tests, browser tests),
with the facts about the site those tests share (the nav, the search expectations).

``SITE_DIR`` (set by ``make test`` after its strict build) is reused when it holds a
built site; otherwise the site is built into a temporary folder.
"""

from __future__ import annotations

import importlib.util
import os
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


def load_hook(name: str):
    """Import hooks/<name>.py (the hooks folder is not a package) as ``<name>_hook``.  As
    MkDocs does, the hooks folder is on sys.path meanwhile: hooks import sourcedata.py."""
    spec = importlib.util.spec_from_file_location(f"{name}_hook", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses in a hook look their module up here
    sys.path.insert(0, str(ROOT / "hooks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "hooks"))
    return module


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


# The page that explains each concept must be the first search result.
EXPECTED_FIRST = {
    "梯度下降": "math/gradient-descent/",
    "卷积": "math/convolution/",
    "词嵌入": "algorithms/word-embeddings/",
    "反向传播": "math/backpropagation/",
    "循环神经网络": "algorithms/rnn/",
}
