"""Cut mkdocs-jupyter's notebook stylesheet down to the rules our notebooks use.

mkdocs-jupyter inlines the whole JupyterLab stylesheet (575 KB, ~90 KB gzipped) into
every notebook page, ahead of the content: phones download and match all of it before
the first paint.  This script keeps only the rules whose selectors can match the
notebook HTML of the built site (every class, id and element in a selector occurs in
some notebook page), and the custom properties those rules use, and writes
overrides/partials/notebook.css.  overrides/main.html puts that file in place of the
full stylesheet on notebook pages (and leaves the page alone if mkdocs-jupyter's output
changes shape).  tests/browser/test_browser_features.py checks that it is current.

Run after adding a notebook or upgrading mkdocs-jupyter:
    python tools/purge_notebook_css.py        (SITE_DIR=<built site> reuses a build)
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import tinycss2
from sitebuild import ROOT, built_site, load_hook

select_rules = load_hook("cssrules").select_rules  # shared with hooks/offscreen.py

OUT = ROOT / "overrides" / "partials" / "notebook.css"
# the first bytes of mkdocs-jupyter's inlined index.css (overrides/main.html looks for it)
MARKER = '@charset "UTF-8";.jupyter-wrapper{'
VAR = re.compile(r"var\(\s*(--[\w-]+)")


def source_css() -> str:
    import mkdocs_jupyter

    path = Path(mkdocs_jupyter.__file__).parent / "templates/mkdocs_html/assets/index.css"
    return path.read_text(encoding="utf-8")


def without_jupyter_css(html: str) -> str:
    """A notebook page without the inlined index.css (as is or already purged)."""
    for start in (MARKER, "{% raw %}"):
        if start in html:
            head, rest = html.split(start, 1)
            return head + rest.split("</style>", 1)[-1]
    return html


def outside_references(site: Path) -> set[str]:
    """Custom properties that the rest of the notebook pages (the other inlined style
    blocks, Material's CSS is not involved) refer to with var(--…)."""
    refs: set[str] = set()
    for html in site.glob("notebooks/*/index.html"):
        refs |= set(VAR.findall(without_jupyter_css(html.read_text(encoding="utf-8"))))
    return refs


def notebook_vocabulary(site: Path) -> tuple[set[str], set[str], set[str]]:
    """Classes, ids and element names that occur in the notebook pages of ``site``."""
    classes, ids, tags = set(), set(), set()
    for html in site.glob("notebooks/*/index.html"):
        text = without_jupyter_css(html.read_text(encoding="utf-8"))
        for value in re.findall(r'\sclass="([^"]*)"', text):
            classes.update(value.split())
        ids.update(re.findall(r'\sid="([^"]+)"', text))
        tags.update(t.lower() for t in re.findall(r"<([A-Za-z][\w-]*)", text))
    # classes that Material or the browser add at run time
    classes |= {"md-typeset", "jupyter-wrapper"}
    tags |= {"html", "body"}
    return classes, ids, tags


SIMPLE = re.compile(r"(?<![\w-])([.#]?)(-?[A-Za-z_][\w-]*)")


def selector_matches(selector: str, classes: set[str], ids: set[str], tags: set[str]) -> bool:
    """Whether every class, id and element named in ``selector`` occurs in the pages
    (inside :not() anything goes; attribute selectors and pseudo-classes are kept)."""
    sel = re.sub(r":not\((?:[^()]|\([^()]*\))*\)", "", selector)
    sel = re.sub(r"\[[^\]]*\]", "", sel)
    sel = re.sub(r"::?[\w-]+(\((?:[^()]|\([^()]*\))*\))?", "", sel)
    for prefix, name in SIMPLE.findall(sel):
        if prefix == "." and name not in classes:
            return False
        if prefix == "#" and name not in ids:
            return False
        if prefix == "" and name.lower() not in tags and name != "*":
            return False
    return True


def _clean(rules, used: set[str]) -> tuple[list[str], bool]:
    """Rules without the custom-property declarations not in ``used``; and whether
    anything was removed."""
    out, changed = [], False
    for rule in rules:
        if rule.type == "qualified-rule":
            keep = []
            for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                     skip_whitespace=True):
                if d.type != "declaration":
                    continue
                if d.name.startswith("--") and d.name not in used:
                    changed = True
                    continue
                value = tinycss2.serialize(d.value).strip()
                keep.append(f"{d.name}:{value}{' !important' if d.important else ''}")
            if keep:
                out.append(tinycss2.serialize(rule.prelude).strip() + "{" + ";".join(keep) + "}")
            else:
                changed = True
        elif rule.type == "at-rule" and rule.content:
            inner, inner_changed = _clean(tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True), used)
            changed |= inner_changed
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{"
                           + "".join(inner) + "}")
    return out, changed


def drop_unused_properties(css: str, outside: set[str]) -> str:
    """Remove custom-property declarations nothing refers to, in ``css`` or in
    ``outside`` (repeat until stable)."""
    while True:
        used = set(VAR.findall(css)) | outside
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        out, changed = _clean(rules, used)
        css = "\n".join(out)
        if not changed:
            return css


def purge(site: Path) -> str:
    vocab = notebook_vocabulary(site)
    rules = tinycss2.parse_stylesheet(source_css(), skip_comments=True, skip_whitespace=True)
    return drop_unused_properties("\n".join(select_rules(
        rules, lambda s: s if selector_matches(s, *vocab) else None)), outside_references(site))


def write(css: str) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        "{#- Generated by tools/purge_notebook_css.py from mkdocs-jupyter's "
        "index.css: only the rules our notebook pages use. Do not edit by hand. -#}\n"
        "{% raw %}" + css + "{% endraw %}\n",
        encoding="utf-8",
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nbcss-") as tmp:
        site = built_site(Path(tmp))
        if not list(site.glob("notebooks/*/index.html")):
            raise SystemExit("the built site has no notebook pages")
        css = purge(site)
    write(css)
    print(f"{len(source_css())} -> {len(css)} bytes: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
