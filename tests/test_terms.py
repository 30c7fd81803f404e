"""One vocabulary: the site's own text uses the glossary's Chinese terms (data/glossary.yml,
aligned with d2l-zh), never the words listed under ``_avoid``.

The site's own text: the pages' Markdown without the author's article (a line of the
article is kept as written), inline code and code; the corrections and the biography; the
Chinese strings the hooks put on pages.  A word to avoid may still be *named*: after
原文 / 译作 / 也常说 / 也叫 / 又称, as the title of the article's section (3.2 递归神经网络),
or in brackets after the term used (轮（epoch）).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from article import is_article_line

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
AVOID: dict[str, str] = GLOSSARY["_avoid"]
NAMING = re.compile(r"(?:原文|译作|也常说|也叫|又称|叫作|写作|“|「|3\.2 ?)[^。；\n]{0,14}$")


def own_text(markdown: str) -> str:
    out, fence = [], False
    for line in markdown.splitlines():
        if re.match(r"^\s*(`{3,}|~{3,})", line):
            fence = not fence
            continue
        if fence or is_article_line(line):
            continue
        out.append(re.sub(r"`[^`\n]*`", "", line))
    return "\n".join(out)


CJK_STRING = re.compile(r'"[^"\n]*[\u4e00-\u9fff][^"\n]*"')
# a bare item of a list of words (after "[" or ", ", before "," or "]")
LIST_ITEM = re.compile(r'(?:(?<=\[)|(?<=, ))"[^"\n]*"(?=,|\])')


def notebook_text(path: Path) -> str:
    """A notebook's own text: its Markdown cells, and the Chinese strings and comments of
    its code (plot labels, printed lines).  A bare item of a list of words is data (the
    article's terms handed to jieba), not prose."""
    import jupytext

    parts = []
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "markdown":
            parts.append(own_text(cell.source))
            continue
        for line in cell.source.splitlines():
            parts += [m[0] for m in CJK_STRING.finditer(line)
                      if not LIST_ITEM.match(line, m.start())]
            comment = line.split("#", 1)[1] if "#" in line else ""
            if re.search(r"[\u4e00-\u9fff]", comment):  # English comments may say epoch
                parts.append(comment)
    return "\n".join(parts)


def texts() -> list[tuple[str, str]]:
    found = [(str(p.relative_to(ROOT)), own_text(p.read_text(encoding="utf-8")))
             for p in sorted((ROOT / "docs").rglob("*.md"))]
    for name in ("corrections.yml", "biography.yml"):
        data = yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))
        for group in ("corrections", "timeline", "work"):
            for item in data.get(group, []):
                found.append((f"data/{name} {item['id']}",
                              "\n".join(v for k, v in item.items()
                                        if isinstance(v, str) and k not in ("quote", "id"))))
    for notebook in sorted((ROOT / "docs" / "notebooks").glob("[!_]*.py")):
        found.append((str(notebook.relative_to(ROOT)), notebook_text(notebook)))
    for hook in sorted((ROOT / "hooks").glob("*.py")):
        strings = CJK_STRING.findall(hook.read_text(encoding="utf-8"))
        found.append((str(hook.relative_to(ROOT)), "\n".join(strings)))
    return found


def misuses(text: str) -> list[str]:
    bad = []
    for word, term in AVOID.items():
        pattern = rf"(?<![\w-]){word}(?![\w-])" if word.isascii() else re.escape(word)
        for m in re.finditer(pattern, text):
            before, after = text[max(0, m.start() - 16):m.start()], text[m.end():m.end() + 1]
            if NAMING.search(before) or before.endswith(f"{term}（") or (after and after in "”」"):
                continue
            bad.append(f"{word} (use {term}): …{text[max(0, m.start() - 12):m.end() + 12]}…")
    return bad


@pytest.mark.parametrize(("where", "text"), texts(), ids=[w for w, _ in texts()])
def test_the_site_uses_the_glossary_terms(where, text):
    assert not misuses(text), where


def test_each_avoided_word_has_a_glossary_term():
    terms = {names[0] for page, concepts in GLOSSARY.items() if page.endswith(".md")
             for names in concepts}
    assert set(AVOID.values()) - {"轮", "循环神经网络"} <= terms
    assert "循环神经网络" in terms


@pytest.mark.parametrize("text", ["训练 10 个周期", "每个 epoch 结束时", "skip-gram（跳字模型）",
                                  "先补零再卷积", "递归神经网络的隐藏状态"])
def test_a_word_to_avoid_is_found(text):
    assert misuses(text)


@pytest.mark.parametrize("text", [
    "训练 10 轮", "轮（epoch）", "原文把 RNN 译作“递归神经网络”", "填充（padding，也常说补零）",
    "[3.2 递归神经网络（RNN）](rnn.md)", "max_epochs 与 --epochs"])
def test_naming_a_word_is_not_using_it(text):
    assert not misuses(text)
