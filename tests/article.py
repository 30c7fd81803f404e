"""The author's article as the tests that read the site's own text need it: a page line
that occurs in the article, whitespace aside, is the author's and is kept as written."""

from __future__ import annotations

import re
from pathlib import Path

_ARTICLE = re.sub(r"\s+", "", (Path(__file__).resolve().parent.parent / "data" /
                               "article_zh.txt").read_text(encoding="utf-8"))


def is_article_line(line: str) -> bool:
    """Whether ``line`` (not blank) is a line of the author's article."""
    squeezed = re.sub(r"\s+", "", line)
    return bool(squeezed) and squeezed in _ARTICLE
