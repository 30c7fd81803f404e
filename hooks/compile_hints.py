"""Let V8 compile Material's script bundle in one go, off the main thread.

Material's bundle calls several hundred of its functions on every page load: it mounts
the header, the navigation, the search, the code blocks and the table of contents.  By
default V8 compiles a function only when it is first called, on the main thread, inside
the long tasks that Lighthouse counts as blocking time.  The magic comment
``//# allFunctionsCalledOnLoad`` on the script's first line (V8's explicit compile hints,
Chrome 136 and later; to other browsers it is only a comment) has the whole file
compiled while it streams in, on a background thread.

The bundle is replaced in the build by a generated copy with that first line; its
source map gets an empty first line to match, so devtools still map every position.
"""

from __future__ import annotations

import json
import re

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

HINT = "//# allFunctionsCalledOnLoad"
BUNDLE = re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js")


def hinted(script: str) -> str:
    """``script`` with the compile hint as its first line (added once)."""
    if script.startswith(HINT + "\n"):
        return script
    return f"{HINT}\n{script}"


def shifted_source_map(source_map: str) -> str:
    """A source map for the script one line lower: an empty generated first line."""
    data = json.loads(source_map)
    if not isinstance(data.get("mappings"), str):
        raise ValueError("source_map has no 'mappings' string")
    data["mappings"] = ";" + data["mappings"]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def replace(files: Files, config, file: File, content: str) -> None:
    files.remove(file)
    files.append(File.generated(config, file.src_uri, content=content))


def on_files(files: Files, config) -> Files:
    bundles = [f for f in files if BUNDLE.fullmatch(f.src_uri)]
    if len(bundles) != 1:
        raise PluginError(
            "compile_hints: expected one Material bundle matching "
            f"{BUNDLE.pattern}, found {[f.src_uri for f in bundles]}"
        )
    bundle = bundles[0]
    source_map = files.get_file_from_path(bundle.src_uri + ".map")
    replace(files, config, bundle, hinted(bundle.content_string))
    if source_map is not None:
        replace(files, config, source_map, shifted_source_map(source_map.content_string))
    return files
