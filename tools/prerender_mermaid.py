"""Pre-render the site's Mermaid diagrams: docs/assets/javascripts/mermaid-prerendered.mjs.

Mermaid is ~700 KB of JavaScript and rendering the concept map keeps a phone's main
thread busy for about a second.  The diagrams are static, so the SVG that Material's
own Mermaid integration produces in the browser (with Material's theme CSS, whose
colours are CSS variables, so one SVG serves the light and the dark scheme) is captured
here, in chromium, and shipped as a small module.  mermaid-global.mjs hands Material
that SVG when the diagram's source matches exactly; any other diagram is rendered live
by the self-hosted Mermaid.  tests/browser/test_browser_features.py fails when a
diagram of the built site has no pre-rendered SVG.

Run after changing a diagram:  python tools/prerender_mermaid.py
(SITE_DIR=<built site> reuses a build.)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from browserkit import CHROMIUM, CHROMIUM_ARGS, DESKTOP, goto
from sitebuild import ROOT, built_site
from siteserver import pages, serve

OUT = ROOT / "docs" / "assets" / "javascripts" / "mermaid-prerendered.mjs"
MODULE_URL = "**/assets/javascripts/mermaid-prerendered.mjs"


def diagram_sources(html: str) -> list[str]:
    """The text of every <pre class="mermaid"> (what Material passes to mermaid)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    return [pre.get_text() for pre in soup.select("pre.mermaid")]


def shadow_svgs(page) -> list[str]:
    """outerHTML of every SVG inside a shadow root, in document order (CDP can read
    Material's closed shadow roots)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    ids: list[int] = []

    def walk(node, shadow):
        if shadow and node.get("localName") == "svg":
            ids.append(node["nodeId"])
            return
        for sub in node.get("shadowRoots", []):
            walk(sub, True)
        for child in node.get("children", []):
            walk(child, shadow)

    walk(root, False)
    svgs = [cdp.send("DOM.getOuterHTML", {"nodeId": i})["outerHTML"] for i in ids]
    cdp.detach()
    return svgs


def render_live(site: Path) -> dict[str, str]:
    """{diagram source: SVG} rendered by the live Mermaid (pre-rendered module disabled)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, str] = {}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=DESKTOP)
        page.route(MODULE_URL, lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="export default {};"))
        for path in pages(site):
            sources = diagram_sources((site / path / "index.html").read_text(encoding="utf-8"))
            if not sources:
                continue
            problems = goto(page, base + path, idle=False)
            if problems:
                raise RuntimeError(f"/{path}: {problems}")
            svgs = shadow_svgs(page)
            if len(svgs) != len(sources):
                raise RuntimeError(f"/{path}: {len(sources)} diagrams, {len(svgs)} SVGs")
            out.update(zip(sources, svgs, strict=True))
        browser.close()
    return out


def write_module(diagrams: dict[str, str]) -> None:
    body = json.dumps(dict(sorted(diagrams.items())), ensure_ascii=False, indent=1)
    OUT.write_text(
        "// 由 tools/prerender_mermaid.py 生成，请勿手改：Material 在浏览器里用自托管\n"
        "// Mermaid 渲染出的 SVG（颜色是 CSS 变量，浅色、深色通用），键是图表源码。\n"
        f"export default {body};\n",
        encoding="utf-8",
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="mermaid-") as tmp:
        site = built_site(Path(tmp))
        diagrams = render_live(site)
    write_module(diagrams)
    print(f"{len(diagrams)} diagram(s) -> {OUT.relative_to(ROOT)} "
          f"({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
