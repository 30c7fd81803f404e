"""The interactive sessions a page shows (```pycon blocks, e.g. in an exercise's hint)
print what the page says they print: each runs as a doctest against the snippets."""

from __future__ import annotations

import doctest
import re
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
BLOCK = re.compile(r"^([ \t]*)```pycon\n(.*?)^\1```", re.S | re.M)


def sessions() -> list[tuple[str, str]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        for i, m in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8"))):
            found.append((f"{page.relative_to(DOCS)}#{i + 1}", textwrap.dedent(m[2])))
    return found


def test_pages_have_sessions():
    assert len(sessions()) >= 2


@pytest.mark.parametrize(("where", "session"), sessions(), ids=[w for w, _ in sessions()])
def test_session_prints_what_the_page_shows(where, session):
    test = doctest.DocTestParser().get_doctest(session, {}, where, where, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 0, where
