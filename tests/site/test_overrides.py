"""What the site takes from Material's internals is pinned here, so that a Material
upgrade that changes one of them fails a test instead of quietly staling the site.

* ``overrides/``: templates either extend Material's and override ``{% block %}``s, or
  say which Material file they copy or replace and that file's sha256; the installed
  file must still have that hash (then re-apply the change to the new original).
* The markup the hooks rewrite: Material's article element (hooks/offscreen.py), the
  table wrapper its bundle builds (hooks/offscreen.py builds the same one), the bundle
  file the compile hint goes into (hooks/compile_hints.py; tests/site/test_compile_hints.py).
"""

from __future__ import annotations

import hashlib
import re

import pytest
from sitebuild import ROOT, load_hook, material_templates

OVERRIDES = ROOT / "overrides"
COPIED = re.compile(
    r"(?:Copy of|Replaces) Material's (\S+\.html) \([\d.]+, sha256 ([0-9a-f]{64})\)")
BLOCKS_ONLY = re.compile(r'^{% extends "(?:base|main)\.html" %}')


def templates() -> list[str]:
    return sorted(p.relative_to(OVERRIDES).as_posix() for p in OVERRIDES.rglob("*.html"))


@pytest.mark.parametrize("name", templates())
def test_each_override_extends_material_or_pins_the_file_it_copies(name):
    text = (OVERRIDES / name).read_text(encoding="utf-8")
    if BLOCKS_ONLY.match(text):
        return
    copied = COPIED.search(text)
    assert copied, (f"overrides/{name} neither extends a Material template nor says which "
                    "Material file it copies and that file's sha256")
    original = material_templates() / copied.group(1)
    assert original.is_file(), f"Material no longer has {copied.group(1)} (overrides/{name})"
    digest = hashlib.sha256(original.read_bytes()).hexdigest()
    assert digest == copied.group(2), (
        f"Material's {copied.group(1)} changed since overrides/{name} was copied from it: "
        f"re-apply the change to the new original and record sha256 {digest}")


def test_material_pages_have_the_article_the_offscreen_hook_rewrites():
    hook = load_hook("offscreen")
    base = (material_templates() / "base.html").read_text(encoding="utf-8")
    article = hook.ARTICLE.pattern.split("(.*?)")[0].strip("()")
    assert article in base, "Material's base.html no longer opens the page's <article> so"
    with pytest.raises(Exception, match="Material's page markup changed"):
        hook.defer_offscreen("<html><body><article>x</article></body></html>")


def test_material_bundle_still_wraps_class_less_tables_in_the_wrapper_we_prebuild():
    hook = load_hook("offscreen")
    bundles = list((material_templates() / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert len(bundles) == 1, bundles
    js = bundles[0].read_text(encoding="utf-8")
    assert "table:not([class])" in js, "Material's bundle no longer picks tables this way"
    for cls in re.findall(r'class="([^"]+)"', hook.SCROLLWRAP):
        assert f'"{cls}"' in js, f"Material's bundle no longer builds .{cls} around tables"
