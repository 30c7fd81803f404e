"""Browser tests: the built site in Debian's chromium, driven by Playwright.

One session: the site is built once (or ``SITE_DIR`` is reused), served on 127.0.0.1
by ``siteserver.serve`` (mounted under the ``site_url`` path, gzip, real 404), and one
headless chromium is shared by all tests.  Every test here is marked ``browser``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREEN_READER_ARGS
from pagechecks import Watch
from sitebuild import built_site
from siteserver import pages, serve


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# ------------------------------------------------------------------ session fixtures
@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    return built_site(tmp_path_factory.mktemp("browser-site"))


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    with serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def site_pages(site_dir) -> list[str]:
    found = pages(site_dir)
    assert "" in found and len(found) > 5, f"too few pages found in {site_dir}: {found}"
    return found


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium fonts-noto-cjk` "
                    "(make system-deps)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screen_reader_chromium(chromium):
    """A second chromium in the accessibility mode a running screen reader turns on."""
    browser = chromium.browser_type.launch(executable_path=CHROMIUM,
                                           args=CHROMIUM_ARGS + SCREEN_READER_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def open_page(chromium, base_url):
    """``open_page(color_scheme="light", viewport=DESKTOP, browser=chromium) -> (page,
    watch)``: a fresh browser context (own localStorage) with a ``Watch`` attached;
    closed after the test."""
    contexts = []
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))

    def _open(color_scheme: str = "light", viewport: dict | None = None, browser=None,
              **kwargs):
        ctx = (browser or chromium).new_context(color_scheme=color_scheme,
                                                viewport=viewport or DESKTOP,
                                                locale="zh-CN", **kwargs)
        ctx.set_default_timeout(20_000)
        contexts.append(ctx)
        page = ctx.new_page()
        watch = Watch(origin)
        watch.attach(page)
        return page, watch

    yield _open
    for ctx in contexts:
        ctx.close()
