"""axe-core (npm, pinned in package.json) on every page of the nav, in the light and the
dark scheme: no violation of impact serious or critical.

Lighthouse's accessibility score is made of axe-core's rules too, but a Lighthouse run of
the whole site takes most of an hour (``make bench``); axe alone, injected into each page
of the built site, takes seconds per page, so every page is checked on every test run.
"""

from __future__ import annotations

import pytest
from browserkit import goto
from sitebuild import ROOT, nav_pages, page_url

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ["serious", "critical"]
# axe measures colours only where the browser has laid the content out: the blocks that
# the site lets the browser skip while they are off screen (content-visibility: auto)
# are laid out for the check.  Material fades colours when the scheme changes, and a
# block laid out only now starts its fade late; measured mid-fade, text is too faint, so
# colours change at once during the check.
LAY_OUT_ALL = ("*, *::before, *::after { content-visibility: visible !important;"
               " transition: none !important; }")
# fades already running when the check starts
TRANSITIONS_DONE = """() => Promise.all(document.getAnimations()
  .filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => null)))"""
RUN_AXE = """async (impacts) => {
  const {violations} = await axe.run(document, {resultTypes: ['violations']});
  return violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def axe_violations(page) -> list[str]:
    """Serious and critical axe violations on ``page``: rule id, impact, what the rule
    asks for, and the elements that break it (CSS selectors)."""
    if not page.evaluate("typeof axe === 'object'"):
        page.add_script_tag(path=AXE)
        page.add_style_tag(content=LAY_OUT_ALL)
    page.evaluate(TRANSITIONS_DONE)
    out = []
    for v in page.evaluate(RUN_AXE, SEVERE):
        shown = ", ".join(v["targets"][:8])
        more = f" and {len(v['targets']) - 8} more" if len(v["targets"]) > 8 else ""
        out.append(f"{v['id']} ({v['impact']}: {v['help']}): {shown}{more}")
    return out


def dark(page) -> list[str]:
    """Switch to the dark scheme the way a reader's system does (the palette follows it)."""
    page.emulate_media(color_scheme="dark")
    try:
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'",
                               timeout=5_000)
    except Exception:  # noqa: BLE001 - reported
        return ["the dark system preference did not switch the page to the dark scheme"]
    return []


def test_axe_is_installed():
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (axe-core is in package.json)"


def test_no_serious_accessibility_violation_on_any_page(open_page, base_url):
    docs = nav_pages()
    assert len(docs) > 5
    page, _ = open_page("light")
    problems: dict[str, list[str]] = {}
    for doc in docs:
        path = page_url(doc)
        page.emulate_media(color_scheme="light")
        found = goto(page, base_url + path, idle=False)
        found += [f"light: {v}" for v in axe_violations(page)]
        found += dark(page) or [f"dark: {v}" for v in axe_violations(page)]
        if found:
            problems[path] = found
    assert not problems, "accessibility violations (axe-core):\n" + "\n".join(
        f"/{path}:\n  " + "\n  ".join(items) for path, items in problems.items())


def test_axe_reports_an_image_without_alt_text(open_page, base_url):
    """The check above can fail: an <img> without alt on a real page is reported."""
    page, _ = open_page("light")
    goto(page, base_url, idle=False)
    assert not [v for v in axe_violations(page) if v.startswith("image-alt ")]
    page.evaluate("""() => {
      const img = document.createElement('img');
      img.id = 'no-alt';
      img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
      document.querySelector('.md-content').append(img);
    }""")
    found = axe_violations(page)
    assert any(v.startswith("image-alt (critical") and "#no-alt" in v for v in found), found
