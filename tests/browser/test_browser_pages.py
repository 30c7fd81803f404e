"""Every page of the built site, in chromium: light, dark and at 375 px wide.

Pages come from the built site (sitemap.xml + index.html files), so pages added later
are checked without editing this file.  Each page is loaded once (light scheme, 1280 px),
checked, then switched to the dark scheme the way a reader's system does it (the
palette follows the system by default), then narrowed to 375 px.  All problems of all
pages are reported together.  Screenshots: test-artifacts/screenshots/<page>.<mode>.jpg.
"""

from __future__ import annotations

import pytest
from browserkit import DESKTOP, MOBILE, goto
from pagechecks import ARTIFACTS, math_problems, overflow_problems, shot

pytestmark = pytest.mark.browser


def scheme(page) -> str:
    return page.evaluate("document.body.dataset.mdColorScheme")


def test_every_page_light_dark_and_narrow(open_page, base_url, site_pages):
    """On every page: no console error, no uncaught exception, no failed request, no
    request to another host, every formula typeset (light and dark); nothing sticks out
    sideways at 375 px except inside code blocks, tables and KaTeX display blocks."""
    page, watch = open_page("light")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    for path in site_pages:
        watch.clear()
        found = goto(page, base_url + path)
        found += math_problems(page)
        if scheme(page) != "default":
            found.append(f"light system preference gave scheme {scheme(page)!r}")
        shot(page, path, "light")

        page.emulate_media(color_scheme="dark")
        try:
            page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'",
                                   timeout=5_000)
        except Exception:  # noqa: BLE001 - reported below
            found.append(f"dark system preference gave scheme {scheme(page)!r}")
        found += math_problems(page)
        shot(page, path, "dark")

        page.set_viewport_size(MOBILE)
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        found += overflow_problems(page)
        shot(page, path, "mobile", full_page=False)

        page.set_viewport_size(DESKTOP)
        page.emulate_media(color_scheme="light")
        found = watch.problems() + found
        if found:
            problems[path] = found
    assert not problems, "problems on pages:\n" + "\n".join(
        f"/{path}:\n  " + "\n  ".join(items) for path, items in problems.items())
