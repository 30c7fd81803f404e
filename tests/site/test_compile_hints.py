"""hooks/compile_hints.py: Material's bundle is built with V8's compile hint as its first
line, and its source map moved down one line to match.

That chromium honours the hint is checked in tests/browser/test_browser_features.py
(test_material_bundle_is_compiled_off_the_main_thread)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from sitebuild import load_hook, material_templates

hook = load_hook("compile_hints")
MATERIAL_JS = material_templates() / "assets" / "javascripts"


def test_the_hint_is_added_once_as_the_first_line():
    assert hook.hinted('"use strict";f()') == '//# allFunctionsCalledOnLoad\n"use strict";f()'
    assert hook.hinted(hook.hinted("f()")) == hook.hinted("f()")


def test_the_source_map_gets_an_empty_first_line_and_nothing_else_changes():
    source_map = {"version": 3, "sources": ["src/a.ts"], "names": ["a"],
                  "mappings": "AAAAA,CAAC;AACD", "sourcesContent": ["const a = 1 // 注释"]}
    shifted = json.loads(hook.shifted_source_map(json.dumps(source_map)))
    assert shifted == {**source_map, "mappings": ";AAAAA,CAAC;AACD"}


def test_a_source_map_without_mappings_is_rejected_by_name():
    with pytest.raises(ValueError, match="source_map"):
        hook.shifted_source_map('{"version": 3, "sources": []}')


def test_a_theme_without_the_bundle_fails_the_build():
    with pytest.raises(PluginError, match="bundle"):
        hook.on_files(Files([]), config=None)


def test_the_built_bundle_is_material_bundle_with_the_hint(site):
    [installed] = MATERIAL_JS.glob("bundle.*.min.js")
    built = site / "assets" / "javascripts" / installed.name
    assert built.read_text(encoding="utf-8") == hook.hinted(
        installed.read_text(encoding="utf-8"))
    original = json.loads(Path(f"{installed}.map").read_text(encoding="utf-8"))
    shifted = json.loads(Path(f"{built}.map").read_text(encoding="utf-8"))
    assert shifted == {**original, "mappings": ";" + original["mappings"]}
    assert f"assets/javascripts/{installed.name}" in (site / "index.html").read_text(
        encoding="utf-8")
