"""Features a reader uses, in chromium: math after navigation, a bad formula, the
Mermaid map (light and dark, inside Material's closed shadow root), Chinese search,
the copy button of embedded snippets, the phone navigation drawer (skipped while closed,
still read by screen readers), the compile hint on Material's bundle, tables wrapped at
build time, content tabs, the palette, the 404 page."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from browserkit import DESKTOP, MOBILE, goto, settle
from pagechecks import math_problems
from search_expectations import EXPECTED_FIRST
from sitebuild import ROOT, load_hook, material_templates
from siteserver import serve

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"


def pages_with(site_dir: Path, site_pages: list[str], needle: str) -> list[str]:
    return [p for p in site_pages
            if needle in (site_dir / p / "index.html").read_text(encoding="utf-8")]


def click_link_to(page, target_url: str) -> None:
    """Click the first visible link on the page that points at ``target_url``."""
    links = page.locator("a[href]")
    for i in range(links.count()):
        link = links.nth(i)
        href = link.get_attribute("href") or ""
        if urljoin(page.url, href).split("#")[0] == target_url and link.is_visible():
            with page.expect_navigation(wait_until="load"):
                link.click()
            return
    raise AssertionError(f"no visible link to {target_url} on {page.url}")


# ------------------------------------------------------------------ math
def test_math_is_typeset_after_navigating_by_link(open_page, base_url, site_dir, site_pages):
    """Reach every math page by clicking its navigation link from the previous page."""
    math_pages = pages_with(site_dir, site_pages, 'class="arithmatex"')
    assert {"math/gradient-descent/", "math/backpropagation/", "math/convolution/"} <= set(
        math_pages), f"expected the section-4 pages among the math pages: {math_pages}"
    page, watch = open_page("light")
    goto(page, base_url + "background/", idle=False)  # the home page hides the nav
    problems = {}
    for path in math_pages:
        watch.clear()
        click_link_to(page, base_url + path)
        found = settle(page, idle=False) + math_problems(page) + watch.problems()
        assert page.url.split("#")[0] == base_url + path
        if page.evaluate("document.querySelectorAll('.katex').length") == 0:
            found.append("no KaTeX output")
        if found:
            problems[path] = found
    assert not problems, problems


# A formula with an error fails the build (tests/site/test_katex_prerender.py).


# ------------------------------------------------------------------ Mermaid
def _shadow_svgs(page) -> list[dict]:
    """SVGs inside shadow roots, with their text and the colour each text is drawn in.

    Material renders Mermaid into a *closed* shadow root, which page scripts cannot
    open; the DevTools protocol can: DOM.getDocument(pierce=True) returns shadow trees,
    CSS.getComputedStyleForNode the colour the browser actually uses."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    found = []

    def texts(node, parent, out):
        if node.get("nodeType") == 3 and node.get("nodeValue", "").strip():
            out.append((node["nodeValue"].strip(), parent))
        for child in node.get("children", []):
            texts(child, node, out)

    def walk(node, shadow):
        if shadow and node.get("localName") == "svg":
            labels = []
            texts(node, node, labels)
            found.append({"mode": shadow, "labels": labels})
            return
        for sub in node.get("shadowRoots", []):
            walk(sub, sub.get("shadowRootType"))
        for child in node.get("children", []):
            walk(child, shadow)

    walk(root, None)
    for svg in found:
        colors = {}
        for text, parent in svg["labels"]:
            style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": parent["nodeId"]})
            props = {p["name"]: p["value"] for p in style["computedStyle"]}
            # HTML labels (in <foreignObject>) use `color`, SVG <text> uses `fill`
            svg_text = parent.get("localName") in ("text", "tspan")
            colors[text] = props["fill" if svg_text else "color"]
        svg["colors"] = colors
        svg["labels"] = [t for t, _ in svg["labels"]]
    cdp.detach()
    return found


def _luminance(css_color: str) -> float:
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css_color)[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


MAP_LABELS = ["神经网络", "深度学习", "自然语言处理", "计算机视觉", "机器翻译", "情感分析",
              "图像识别", "物体检测", "图像生成"]


PRERENDERED = ROOT / "docs" / "assets" / "javascripts" / "mermaid-prerendered.mjs"


@pytest.mark.parametrize(("path", "mode"), [("", "prerendered"), ("concepts/", "prerendered"),
                                            ("", "live")])
def test_mermaid_map_is_an_svg_with_its_labels_in_light_and_dark(open_page, base_url,
                                                                 path, mode):
    """The concept map, as shipped (pre-rendered SVG) and as the self-hosted Mermaid
    renders it live (used for any diagram without a pre-rendered SVG)."""
    seen = {}
    for scheme in ("light", "dark"):
        page, watch = open_page(scheme)
        if mode == "live":
            page.route("**/mermaid-prerendered.mjs", lambda route: route.fulfill(
                status=200, content_type="text/javascript", body="export default {};"))
        problems = goto(page, base_url + path)
        assert not problems + watch.problems(), problems + watch.problems()
        loaded = page.evaluate("""performance.getEntriesByType('resource')
                                  .some(r => r.name.includes('/vendor/mermaid/'))""")
        assert loaded == (mode == "live"), f"{mode}: self-hosted Mermaid loaded = {loaded}"
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected
        svgs = _shadow_svgs(page)
        assert len(svgs) == 1, f"{scheme}: expected one rendered diagram, got {len(svgs)}"
        svg = svgs[0]
        assert svg["mode"] == "closed"
        missing = [label for label in MAP_LABELS if label not in svg["labels"]]
        assert not missing, f"{scheme}: labels missing from the SVG: {missing}; {svg['labels']}"
        seen[scheme] = _luminance(svg["colors"]["神经网络"])
    # the diagram follows the palette: dark label text on light, light text on dark
    assert seen["light"] < 0.5 < seen["dark"], seen


def test_every_diagram_of_the_site_is_prerendered(site_dir, site_pages):
    """A diagram whose source changed still renders (live), but ships ~700 KB of
    Mermaid to readers: regenerate with `python tools/prerender_mermaid.py`."""
    from prerender_mermaid import diagram_sources

    text = PRERENDERED.read_text(encoding="utf-8")
    shipped = json.loads(text[text.index("export default ") + len("export default "):
                              text.rindex(";")])
    missing = [
        f"/{path}: {source.strip().splitlines()[0][:60]}"
        for path in site_pages
        for source in diagram_sources((site_dir / path / "index.html").read_text("utf-8"))
        if source not in shipped
    ]
    assert not missing, ("diagrams without a pre-rendered SVG (run python "
                         f"tools/prerender_mermaid.py): {missing}")


# ------------------------------------------------------------------ search
META = ".md-search-result__meta"


RESULT_LINKS = ".md-search-result__list > .md-search-result__item > a"
TEX_OR_CODE = re.compile(r"\\[()\[\]]|\\(?:frac|sum|mathbf|text)\b|\$\$|^\s*(?:def|import) \w",
                         re.M)


def _search(page, query: str) -> list[str]:
    """Type ``query`` into Material's search box; the result links, best first."""
    box = page.locator("input.md-search__input")
    box.click()
    if box.input_value():
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.wait_for_function(  # Material clears the results for an empty query
            "sel => document.querySelectorAll(sel).length === 0", arg=RESULT_LINKS)
    page.keyboard.type(query, delay=20)
    page.keyboard.press("End")  # a real keyup, which Material's search listens for
    page.wait_for_function(
        """([q, meta, links]) => {
             const m = document.querySelector(meta);
             const box = document.querySelector('input.md-search__input');
             if (box.value !== q || !m) return false;
             return m.textContent.includes('没有找到')
                    || document.querySelectorAll(links).length > 0;
           }""", arg=[query, META, RESULT_LINKS])
    return page.eval_on_selector_all(RESULT_LINKS, "as => as.map(a => a.href)")


def test_chinese_search_puts_the_explaining_page_first(open_page, base_url):
    page, watch = open_page("light")
    goto(page, base_url + "background/")
    wrong = {}
    for query, expected in EXPECTED_FIRST.items():
        hrefs = _search(page, query)
        pages = [urlsplit(h).path for h in hrefs]
        want = [urlsplit(base_url + e).path for e in expected]
        if not pages or pages[0] not in want:
            wrong[query] = f"want {' or '.join(want)}, got {pages[:4]}"
        # what the reader sees of the results: prose, not TeX or code
        shown = page.inner_text(".md-search-result__list")
        if TEX_OR_CODE.search(shown):
            wrong[query] = f"a preview shows {TEX_OR_CODE.search(shown).group(0)!r}"
    assert not wrong, wrong
    assert not watch.problems(), watch.problems()


def test_search_without_results_shows_material_no_results_state(open_page, base_url):
    page, watch = open_page("light")
    goto(page, base_url)
    hrefs = _search(page, "齉龘靐")
    assert hrefs == []
    assert page.locator(META).inner_text().strip() == "没有找到符合条件的结果"
    assert not watch.problems(), watch.problems()


# ------------------------------------------------------------------ copy button
FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})")
EMBED = re.compile(r'^([ \t]*)-{1,}8<-{1,}[ \t]+"([\w./-]+?)(?::([a-z][-_0-9a-z]*))?"[ \t]*$')
MARKER = re.compile(r"-{1,}8<-{1,}[ \t]+\[[ \t]*(start|end)[ \t]*:[ \t]*([-_\w]+)[ \t]*\]")


def snippet_lines(file: Path, section: str | None) -> list[str]:
    """What a page claims to show: the lines between ``--8<-- [start:name]`` and
    ``--8<-- [end:name]`` (dedented), or the whole file; section markers dropped."""
    lines = file.read_text(encoding="utf-8").splitlines()
    if section is None:
        return [line for line in lines if not MARKER.search(line)]
    out, inside = [], False
    for line in lines:
        m = MARKER.search(line)
        if m and m.group(2) == section:
            if m.group(1) == "end" and inside:
                break
            inside = True
        elif inside and not m:
            out.append(line)
    return textwrap.dedent("\n".join(out)).split("\n")


def embedding_blocks(md_text: str) -> list[tuple[str, list[str]]]:
    """Fenced code blocks of a Markdown page that embed snippets: (the text the block
    must contain, with each ``--8<--`` line replaced by the snippet, ["file:section"…])."""
    lines, blocks, i = md_text.splitlines(), [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        i += 1
        if not m:
            continue
        indent, fence = m.groups()
        body = []
        while i < len(lines) and not (lines[i].strip().startswith(fence)
                                      and not lines[i].strip().strip(fence[0])):
            body.append(lines[i][len(indent):])
            i += 1
        i += 1
        out, names = [], []
        for line in body:
            e = EMBED.match(line)
            if e and (SNIPPETS / e.group(2)).is_file():
                names.append(e.group(2) + (f":{e.group(3)}" if e.group(3) else ""))
                out += [e.group(1) + x for x in snippet_lines(SNIPPETS / e.group(2), e.group(3))]
            else:
                out.append(line)
        if names:
            blocks.append(("\n".join(out).strip("\n").rstrip(), names))
    return blocks


def embeds_by_page(site_pages: list[str]) -> dict[str, list[tuple[str, list[str]]]]:
    found = {}
    for md in sorted(DOCS.rglob("*.md")):
        rel = md.relative_to(DOCS).with_suffix("").as_posix()
        path = "" if rel == "index" else (rel[: -len("index")] if rel.endswith("/index")
                                          else rel + "/")
        blocks = embedding_blocks(md.read_text(encoding="utf-8"))
        if path in site_pages and blocks:
            found[path] = blocks
    return found


FIND_BLOCK = """([first, expected]) => {
  const codes = [...document.querySelectorAll('.md-typeset pre > code')];
  const hits = codes.map((c, i) => [c, i])
    .filter(([c]) => c.textContent.split('\\n').includes(first));
  const exact = hits.find(([c]) => c.textContent.trimEnd() === expected);
  return (exact || hits[0] || [null, -1])[1];
}"""


def test_copy_button_copies_exactly_the_snippet_section(open_page, base_url, site_pages):
    """Code blocks that embed snippets (one per snippet file): the copy button puts
    exactly the snippet file's section(s) on the clipboard (compared with snippets/
    read here)."""
    pages = embeds_by_page(site_pages)
    if not pages:
        pytest.skip("no page embeds a snippet yet")
    # keep it quick: the first block that embeds each snippet file
    seen: set[str] = set()
    for path, blocks in pages.items():
        keep = []
        for expected, names in blocks:
            files = {n.split(":")[0] for n in names}
            if not files <= seen:
                keep.append((expected, names))
                seen |= files
        pages[path] = keep
    pages = {path: blocks for path, blocks in pages.items() if blocks}
    page, watch = open_page("light", permissions=["clipboard-read", "clipboard-write"])
    checked, wrong = 0, {}
    for path, blocks in pages.items():
        goto(page, base_url + path, idle=False)
        codes = page.locator(".md-typeset pre > code")
        for expected, names in blocks:
            where = f"/{path} {' + '.join(names)}"
            first = next(line for line in expected.splitlines() if line.strip())
            idx = page.evaluate(FIND_BLOCK, [first, expected])
            if idx < 0:
                wrong[where] = f"no code block shows the line {first!r}"
                continue
            block = codes.nth(idx)
            # a block in a collapsed <details> or an inactive content tab: open it
            # first, as a reader would
            details = block.locator("xpath=ancestor::details[not(@open)]")
            for i in range(details.count()):
                details.nth(i).locator(":scope > summary").click()
            panel = block.locator("xpath=ancestor::div[contains(@class,'tabbed-block')][1]")
            if panel.count() and not block.is_visible():
                n = panel.evaluate("p => [...p.parentElement.children].indexOf(p)")
                tabset = panel.locator("xpath=ancestor::div[contains(@class,'tabbed-set')][1]")
                tabset.locator(":scope > .tabbed-labels > label").nth(n).click()
            page.evaluate("navigator.clipboard.writeText('')")
            block.hover()  # the button shows on hover
            block.locator("xpath=ancestor::pre[1]").locator(
                "button[data-clipboard-target]").first.click()
            page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
            copied = page.evaluate("navigator.clipboard.readText()")
            checked += 1
            if copied != expected:
                diff = next((i for i, (a, b) in enumerate(
                    zip(copied.splitlines(), expected.splitlines(), strict=False)) if a != b),
                    min(len(copied.splitlines()), len(expected.splitlines())))
                wrong[where] = (f"copied text differs from snippets/ at line {diff + 1}: "
                                f"{copied.splitlines()[diff:diff + 1]} vs "
                                f"{expected.splitlines()[diff:diff + 1]}")
    assert not wrong, f"{checked} blocks checked; wrong:\n" + "\n".join(
        f"{k}: {v}" for k, v in wrong.items())
    assert not watch.problems(), watch.problems()


# ------------------------------------------------------------------ deferred blocks
DEFERRED_HEIGHTS = """() => {
  const far = 2 * innerHeight;  // well below the viewport: skipped by the browser
  const kind = (el) => el.dataset.mdDefer === 'text' ? 'text'
    : el.tagName === 'PRE' || el.classList.contains('highlight-ipynb') ? 'code'
    : el.tagName === 'TABLE' ? 'table' : 'math';
  const blocks = [...document.querySelectorAll('[data-md-defer]')]
    .filter((el) => el.getBoundingClientRect().top > innerHeight + far && el.offsetParent);
  const estimated = blocks.map((el) => el.getBoundingClientRect().height);
  const style = document.createElement('style');
  style.textContent = '[data-md-defer] { content-visibility: visible !important; }';
  document.head.append(style);
  const out = blocks.map((el, i) => [kind(el), estimated[i], el.getBoundingClientRect().height,
                                     (el.textContent || '').trim().slice(0, 30)]);
  style.remove();
  return out;
}"""


# A display formula scrolls sideways in its box (on phones Material makes div.arithmatex
# that box; elsewhere extra.css makes .katex-display scroll).  Sub-pixel overhangs of
# KaTeX's glyphs (2 px) do not count.
OVERFLOWING_FORMULAS = """() => {
  document.querySelectorAll('[data-md-defer]')
    .forEach((e) => e.style.contentVisibility = 'visible');
  document.querySelectorAll('details').forEach((d) => d.open = true);
  return [...document.querySelectorAll('div.arithmatex, .katex-display')]
    .filter((e) => e.scrollWidth > e.clientWidth + 3)
    .map((e) => [e.scrollWidth, e.clientWidth,
                 (e.querySelector('annotation') || {textContent: ''}).textContent.slice(0, 60)]);
}"""


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["375px", "1280px"])
def test_every_display_formula_fits_its_column(open_page, base_url, site_dir, site_pages,
                                               viewport):
    """No display formula is cut at the column edge, on a phone or on a desktop, hints and
    collapsed boxes included: a long one is written on several lines."""
    pages = pages_with(site_dir, site_pages, 'class="katex-display"')
    assert pages
    page, watch = open_page("light", viewport=viewport)
    cut = []
    for path in pages:
        page.goto(base_url + path, wait_until="load")
        cut += [f"/{path}: {text!r} needs {wide} px, has {room}"
                for wide, room, text in page.evaluate(OVERFLOWING_FORMULAS)]
    assert not cut, "\n".join(cut)
    assert not watch.problems(), watch.problems()


def close_enough(kind: str, estimated: float, drawn: float) -> bool:
    """How far a build-time estimate may be from the drawn height: code blocks never
    wrap (exact up to rounding); a display formula is one line box; text and tables
    wrap with the width (tables with the column widths the browser picks), so their
    estimates are rough."""
    if kind == "code":
        return abs(estimated - drawn) <= 2
    if kind == "math":
        return abs(estimated - drawn) <= max(0.15 * drawn, 4)
    return 0.5 <= estimated / drawn <= 2


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["375px", "1280px"])
def test_deferred_blocks_keep_their_place(open_page, base_url, site_dir, site_pages, viewport):
    """Blocks the browser skips while off-screen (hooks/offscreen.py: code blocks and
    notebook code cells, tables, display formulas, long paragraphs and lists) stand in
    with their build-time height estimate: close to the real height, so the scrollbar
    and in-page links do not jump when they are drawn."""
    pages = pages_with(site_dir, site_pages, "data-md-defer")
    assert pages, "no page defers any block"
    page, watch = open_page("light", viewport=viewport)
    seen, wrong = dict.fromkeys(("code", "math", "table", "text"), 0), []
    for path in pages:
        page.goto(base_url + path, wait_until="load")
        for kind, estimated, drawn, text in page.evaluate(DEFERRED_HEIGHTS):
            seen[kind] += 1
            if not close_enough(kind, estimated, drawn):
                wrong.append(f"/{path} {kind} {text!r}: estimated {estimated:.0f} px, "
                             f"drawn {drawn:.0f} px")
    assert all(seen.values()), f"too few off-screen blocks of some kind: {seen}"
    assert not wrong, f"{seen} blocks checked; off by more than allowed:\n" + "\n".join(wrong)
    assert not watch.problems(), watch.problems()


def test_deferred_blocks_are_all_laid_out_for_printing(open_page, base_url, site_dir,
                                                       site_pages):
    """A printed page shows every block, not the blank placeholder of one the screen
    has not reached yet."""
    path = pages_with(site_dir, site_pages, 'data-md-defer="text"')[0]
    page, watch = open_page("light")
    page.goto(base_url + path, wait_until="load")
    skipped = """() => [...document.querySelectorAll('[data-md-defer]')]
        .filter((el) => getComputedStyle(el).contentVisibility !== 'visible').length"""
    assert page.evaluate(skipped) > 0  # on screen, blocks may be skipped
    page.emulate_media(media="print")
    assert page.evaluate(skipped) == 0
    assert not watch.problems(), watch.problems()


# ------------------------------------------------------------------ navigation drawer
DRAWER_LINK = ".md-sidebar--primary a.md-nav__link[href]"
DRAWER_LINKS = f"""() => [...document.querySelectorAll('{DRAWER_LINK}')]
  .map((a) => a.textContent.trim()).filter(Boolean)"""
# false while the link sits in content the browser skips (content-visibility: auto)
FIRST_DRAWN = f"""() => document.querySelector('{DRAWER_LINK}')
  .checkVisibility({{contentVisibilityAuto: true}})"""
FIRST_ON_TOP = f"""() => {{
  const a = document.querySelector('{DRAWER_LINK}');
  const r = a.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + Math.min(20, r.width / 2), r.top + r.height / 2);
  return r.right > 0 && r.left < innerWidth && a.contains(hit);
}}"""
DELAYED_MOVE = """() => document.querySelector('.md-sidebar--primary').getAnimations()
  .filter((a) => a.transitionProperty === 'translate')
  .map((a) => a.effect.getTiming().delay)"""


def _open_drawer(page) -> None:
    page.click("label.md-header__button[for='__drawer']")  # the header's menu button
    page.wait_for_timeout(400)  # Material's slide-in takes 0.25 s


def _accessible_links(page) -> set[str]:
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    # names taken from content not laid out yet keep the source's white space
    return {str(n.get("name", {}).get("value", "")).strip() for n in tree
            if n.get("role", {}).get("value") == "link" and not n.get("ignored")}


def test_closed_drawer_is_skipped_until_opened(open_page, base_url):
    """On a phone the navigation is a drawer.  Closed, it is moved far off-screen and the
    browser skips its content (content-visibility: auto) in style and layout.  Opened,
    it is drawn at once; closed again, it slides out with its content drawn and is only
    then moved away.  The Tab key reaches its links as before."""
    page, watch = open_page("light", viewport=MOBILE)
    assert not goto(page, base_url + "faq/", idle=False)
    assert len(page.evaluate(DRAWER_LINKS)) > 10
    assert not page.evaluate(FIRST_DRAWN), "the closed drawer is laid out"

    _open_drawer(page)
    assert page.evaluate(FIRST_DRAWN) and page.evaluate(FIRST_ON_TOP), "open drawer not drawn"

    page.mouse.click(MOBILE["width"] - 10, MOBILE["height"] // 2)  # the overlay closes it
    assert page.evaluate(DELAYED_MOVE) == [250], "the drawer must slide out before it moves"
    page.wait_for_timeout(600)
    assert not page.evaluate(FIRST_DRAWN), "the drawer is still laid out after closing"
    for _ in range(10):  # the Tab key still reaches its links, as before
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.md-sidebar--primary a')"):
            break
    else:
        pytest.fail("the Tab key does not reach the closed drawer's links")
    assert not watch.problems(), watch.problems()


def test_screen_readers_reach_the_closed_drawer(open_page, screen_reader_chromium, base_url):
    """The skipped drawer stays in the accessibility tree a screen reader reads: closed,
    it exposes every link it exposes when open."""
    page, watch = open_page("light", viewport=MOBILE, browser=screen_reader_chromium)
    assert not goto(page, base_url + "faq/", idle=False)
    drawer = set(page.evaluate(DRAWER_LINKS))
    closed = _accessible_links(page)
    _open_drawer(page)
    opened = _accessible_links(page) & drawer
    assert len(opened) > 10, opened
    missing = sorted(opened - closed)
    assert not missing, f"links of the closed drawer missing from the accessibility tree: {missing}"
    assert not watch.problems(), watch.problems()


# ------------------------------------------------------------------ compile hint
compile_hints = load_hook("compile_hints")
LAZY_COMPILE = "V8.CompileCode"  # one per function compiled when first called


def _lazy_compiles(chromium, url: str) -> int:
    """Functions V8 compiled one by one on the main thread while Material's bundle ran
    (counted in a trace of one page load: deterministic for the same files)."""
    ctx = chromium.new_context(viewport=MOBILE)
    try:
        page = ctx.new_page()
        chromium.start_tracing(page=page, categories=[
            "devtools.timeline", "disabled-by-default-v8.compile"])
        page.goto(url, wait_until="load")
        events = json.loads(chromium.stop_tracing())["traceEvents"]
    finally:
        ctx.close()
    main = {(e["pid"], e["tid"]) for e in events if e.get("name") == "EvaluateScript"
            and "/bundle." in (e.get("args", {}).get("data", {}).get("url") or "")}
    assert len(main) == 1, f"Material's bundle ran on {len(main)} threads at {url}"
    return sum(1 for e in events
               if (e.get("pid"), e.get("tid")) in main and e.get("name") == LAZY_COMPILE)


def test_material_bundle_is_compiled_off_the_main_thread(chromium, base_url, site_dir,
                                                         tmp_path):
    """The compile hint on the first line of Material's bundle is honoured by chromium:
    compared with the same site serving Material's own bundle (without that line), far
    fewer functions are compiled on the main thread while the page loads."""
    bundle = next(site_dir.glob("assets/javascripts/bundle.*.min.js"))
    text = bundle.read_text(encoding="utf-8")
    assert text == compile_hints.hinted(text), "the built bundle has no compile hint"
    plain = tmp_path / "site"
    shutil.copytree(site_dir, plain)  # about 15 MB
    shutil.copyfile(material_templates() / bundle.relative_to(site_dir),
                    plain / bundle.relative_to(site_dir))
    with serve(plain) as plain_url:
        without = _lazy_compiles(chromium, plain_url)
    hinted = _lazy_compiles(chromium, base_url)
    assert without > 100, (f"{without} {LAZY_COMPILE} events without the hint: did "
                           "chromium rename its trace event?")
    assert hinted < without / 4, (hinted, without)


# ------------------------------------------------------------------ tables
# Removals of <table> elements from the document, counted from the first byte on
MOVED_TABLES = """
window.__movedTables = 0;
new MutationObserver((records) => {
  for (const r of records) {
    for (const node of r.removedNodes) if (node.nodeName === 'TABLE') window.__movedTables++;
  }
}).observe(document, { childList: true, subtree: true });
"""

# Each table of the article against a copy Material would style itself, put in its
# place: the same table without a class, in the wrapper Material builds.  Returns the
# wrapping problems and the computed properties that differ between the two.
TABLE_STYLES = """() => {
  const problems = [], differ = [];
  const tables = [...document.querySelectorAll('article.md-typeset table')];
  const freeze = document.createElement('style');  // lay out skipped blocks as well
  freeze.textContent = '[data-md-defer] { content-visibility: visible !important; }';
  document.head.append(freeze);
  tables.forEach((table, n) => {
    const inner = table.parentElement, outer = inner && inner.parentElement;
    if (table.className !== 'prewrapped' || !inner.matches('.md-typeset__table')
        || !outer.matches('.md-typeset__scrollwrap')
        || outer.parentElement.closest('.md-typeset__table')) {
      const where = outer ? outer.outerHTML.slice(0, 120) : table.outerHTML.slice(0, 120);
      problems.push(`table ${n}: not in one build-time wrapper: ${where}`);
      return;
    }
    // the wrappers, the table, its sections and everything in its first three rows
    const parts = (root) => [root, root.firstElementChild, ...root.querySelectorAll(
      'table, thead, tbody, tr:nth-child(-n+3), tr:nth-child(-n+3) *')];
    const styles = (root) => parts(root).map((el) => {
      const st = getComputedStyle(el), out = [el.localName];
      for (const prop of st) out.push([prop, st.getPropertyValue(prop)]);
      return out;
    });
    const ours = styles(outer);
    const copy = outer.cloneNode(true);  // in the same place, instead of the table
    copy.querySelector('table').removeAttribute('class');
    outer.replaceWith(copy);
    const material = styles(copy);
    copy.replaceWith(outer);
    ours.forEach(([name, ...props], i) => props.forEach(([prop, value], j) => {
      const theirs = material[i][j + 1];
      if (theirs[0] !== prop || theirs[1] !== value) {
        differ.push(`table ${n} <${name}> ${prop}: ${value} vs Material's ${theirs[1]}`);
      }
    }));
  });
  freeze.remove();
  return { tables: tables.length, problems, differ: differ.slice(0, 20) };
}"""


def test_tables_wrapped_at_build_time_look_as_material_draws_them(open_page, base_url, site_dir,
                                                                 site_pages):
    """Material wraps every ``table:not([class])`` in its scroll container at start-up,
    taking the table out of the page and putting it back; hooks/offscreen.py builds
    the wrapper into the page instead and gives the table a class, so nothing moves.
    The table must then look exactly like the one Material would have made: every
    computed property of the wrapper, the table and its first rows equals that of a
    class-less copy in Material's own wrapper, put in its place (on a phone; printed
    too, for the two pages with the most tables and rows)."""
    paths = pages_with(site_dir, site_pages, '<table class="prewrapped"')
    assert {"errata/", "benchmarks/"} <= set(paths) and len(paths) >= 5, paths
    checked = 0
    page, watch = open_page("light", viewport=MOBILE)
    page.add_init_script(MOVED_TABLES)
    for media, where in (("screen", paths), ("print", ["errata/", "benchmarks/"])):
        page.emulate_media(media=media)
        for path in where:
            page.goto(base_url + path, wait_until="load")
            result = page.evaluate(TABLE_STYLES)
            assert result["tables"] > 0 and not result["problems"], (path, result["problems"])
            assert not result["differ"], (path, media, result["differ"])
            assert page.evaluate("window.__movedTables") == 0, f"/{path}: a table was moved"
            checked += result["tables"]
    assert checked >= 20
    assert not watch.problems(), watch.problems()


# ------------------------------------------------------------------ tabs and palette
def test_content_tabs_switch(open_page, base_url, site_dir, site_pages):
    tabbed = pages_with(site_dir, site_pages, 'class="tabbed-set')
    if not tabbed:
        pytest.skip("no page has content tabs yet")
    page, watch = open_page("light")
    goto(page, base_url + tabbed[0], idle=False)
    tabset = page.locator(".tabbed-set").first
    labels = tabset.locator(":scope > .tabbed-labels > label")
    blocks = tabset.locator(":scope > .tabbed-content > .tabbed-block")
    assert labels.count() >= 2
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    labels.nth(1).click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()
    labels.nth(0).click()
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    assert not watch.problems(), watch.problems()


def _scheme(page) -> str:
    return page.evaluate("document.body.dataset.mdColorScheme")


def test_dark_mode_choice_persists_across_pages(open_page, base_url):
    page, watch = open_page("light")  # the system prefers light
    goto(page, base_url, idle=False)
    assert _scheme(page) == "default"
    for _ in range(3):  # auto -> light -> dark
        if _scheme(page) == "slate":
            break
        page.locator("form[data-md-palette] label.md-header__button:visible").click()
    assert _scheme(page) == "slate"
    click_link_to(page, base_url + "background/")
    settle(page, idle=False)
    assert _scheme(page) == "slate", "dark mode lost after following a link"
    goto(page, base_url + "math/gradient-descent/", idle=False)
    assert _scheme(page) == "slate", "dark mode lost after opening another page"
    assert not watch.problems(), watch.problems()


def test_missing_page_gets_the_site_404_page(open_page, base_url):
    missing = base_url + "no-such-page/"
    page, watch = open_page("light")
    watch.allow_404.add(missing)
    resp = page.goto(missing, wait_until="load")
    settle(page)
    assert resp.status == 404
    assert "404" in page.locator("h1").first.inner_text()
    assert not watch.problems(), watch.problems()


# ------------------------------------------------------------------ notebook stylesheet
def test_notebook_pages_carry_the_trimmed_stylesheet(site_dir, site_pages):
    """hooks/notebooks.py replaces mkdocs-jupyter's 575 KB JupyterLab stylesheet with
    hooks/notebook.css; that file must hold every rule the current notebook pages use
    (regenerate: python tools/purge_notebook_css.py)."""
    from purge_notebook_css import MARKER, purge, shipped

    notebooks = [p for p in site_pages if p.startswith("notebooks/")]
    if not notebooks:
        pytest.skip("no notebook pages")
    for path in notebooks:
        html = (site_dir / path / "index.html").read_text(encoding="utf-8")
        assert MARKER not in html, f"/{path} still inlines the full JupyterLab stylesheet"
    assert purge(site_dir) == shipped(), (
        "hooks/notebook.css is out of date: run python tools/purge_notebook_css.py")
