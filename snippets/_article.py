"""The article this site accompanies (``data/article_zh.txt``): the Chinese text the
notebooks train on.  A notebook downloaded from the site carries the text itself: the
build replaces ``article_text`` with a function returning the file's contents.
"""

from __future__ import annotations

from pathlib import Path

ARTICLE = Path(__file__).resolve().parent.parent / "data" / "article_zh.txt"


def article_text() -> str:
    """The article, exactly as published (UTF-8)."""
    return ARTICLE.read_text(encoding="utf-8")
