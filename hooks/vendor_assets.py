"""Serve KaTeX (CSS and fonts; formulas are typeset at build time by
hooks/katex_prerender.py) and Mermaid from the npm packages in node_modules/ (no CDN).

The files are added to the build as generated files under ``assets/vendor/``;
nothing is copied into ``docs/``.  Versions come from ``package-lock.json``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.vendor_assets")

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

# (package dir inside node_modules, glob patterns relative to it, URL prefix)
VENDOR = [
    (
        "katex/dist",
        ["katex.min.css", "fonts/*.woff2"],
        "assets/vendor/katex",
    ),
    (
        "mermaid/dist",
        ["mermaid.esm.min.mjs", "chunks/mermaid.esm.min/**/*.mjs"],
        "assets/vendor/mermaid",
    ),
]


def vendor_files() -> list[tuple[str, Path]]:
    """(site URL path, source file) for every self-hosted asset."""
    out: list[tuple[str, Path]] = []
    for package_dir, patterns, prefix in VENDOR:
        base = NODE_MODULES / package_dir
        if not base.is_dir():
            raise PluginError(
                f"node_modules/{package_dir} is missing: run `npm ci` (or `make assets`) "
                "to install the self-hosted KaTeX and Mermaid from package-lock.json"
            )
        for pattern in patterns:
            matches = sorted(p for p in base.glob(pattern) if p.is_file())
            if not matches:
                raise PluginError(f"node_modules/{package_dir}/{pattern} matched no file")
            for path in matches:
                out.append((f"{prefix}/{path.relative_to(base).as_posix()}", path))
    return out


def on_files(files: Files, config) -> Files:
    for uri, path in vendor_files():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
