"""``{{ version:NAME }}`` in a page becomes the installed version (major.minor) of the
Python package NAME: which TensorFlow or Keras a page speaks of is a fact of the build,
never typed (tests/test_page_numbers.py refuses typed versions)."""

from __future__ import annotations

import re
from importlib import metadata

from mkdocs.exceptions import PluginError

PLACEHOLDER = re.compile(r"\{\{\s*version:([A-Za-z0-9_.-]+)\s*\}\}")


def installed(name: str) -> str:
    try:
        return ".".join(metadata.version(name).split(".")[:2])
    except metadata.PackageNotFoundError:
        raise PluginError(f"{{{{ version:{name} }}}}: {name} is not installed") from None


def on_page_markdown(markdown: str, page, config, files) -> str:
    return PLACEHOLDER.sub(lambda m: installed(m[1]), markdown)
