"""Corrections (勘误) and the checked bibliography, from ``data/corrections.yml``: three
views of one file that cannot drift apart.  A note (admonition type ``erratum``) follows
the block holding each quoted passage, the author's text unchanged; the markers
``<!-- errata:table -->`` and ``<!-- errata:summary -->`` (``docs/errata.md``) list them
all; ``<!-- bibliography: all -->`` and ``<!-- bibliography: cited_on=<page> -->`` become
the bibliography.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import sourcedata as sd
from mkdocs.exceptions import PluginError
from sourcedata import check

log = logging.getLogger("mkdocs.hooks.corrections")

ERRATA_PAGE = "errata.md"
VERDICTS = {  # verdict -> (label shown to readers, note title prefix)
    "wrong": ("错误", "勘误 · 错误"),
    "misleading": ("有误导", "勘误 · 有误导"),
    "unverified": ("未经证实", "勘误 · 未经证实"),
    "correct": ("补充说明", "补充说明"),
}
BIB_GROUPS = {  # group -> heading (anchor bib-<group>)
    "article": "原文引用的著作与论文（作者与年份已核对）",
    "karpathy": "Karpathy 本人的代表性论文与文章",
    "projects": "Karpathy 的课程与开源项目",
    "foundations": "原文应当引用的基础文献",
    "corrections": "勘误中引用的其他文献",
    "software": "原文推荐的软件框架",
}
LONG_NOTE_CHARS = 240  # longer notes are collapsible

# the quote must match the page character for character, and exactly once
quote_text = sd.then(
    sd.accept(lambda v: not isinstance(v, str) or v == v.strip(), "without surrounding space"),
    sd.line,
)


@dataclass(frozen=True)
class Correction(sd.Entry):
    anchor_prefix = "erratum-"

    page: str = check(sd.docs_page)
    section: str = check(sd.attr_line)
    quote: str = check(quote_text)
    verdict: str = check(sd.one_of(VERDICTS))
    summary: str = check(sd.attr_line)
    correction: str = check(sd.prose)
    sources: tuple[sd.Source, ...] = check(sd.SOURCES)


@dataclass(frozen=True)
class BibEntry(sd.Entry):
    anchor_prefix = "bib-"

    group: str = check(sd.one_of(BIB_GROUPS))
    authors: tuple[str, ...] = check(sd.list_of(sd.prose))
    title: str = check(sd.prose)
    venue: str = check(sd.prose)
    year: int = check(sd.calendar_year)
    doi: str | None = check(sd.matching(r"10\.\d{4,9}/\S+", "a DOI"), None)
    arxiv: str | None = check(sd.matching(r"\d{4}\.\d{4,5}", "an arXiv id like '1301.3781'"), None)
    url: str | None = check(sd.http_url, None)
    note: str | None = check(sd.line, None)
    cited_on: tuple[str, ...] = check(sd.list_of(sd.docs_page), ())
    as_cited: str | None = check(sd.line, None)  # how the article spells it

    def __post_init__(self):
        if not (self.doi or self.arxiv or self.url):
            raise ValueError("needs at least one of doi, arxiv, url")


@dataclass(frozen=True, kw_only=True)
class Data(sd.DataFile):
    path = "data/corrections.yml"

    corrections: tuple[Correction, ...] = check(sd.entries(Correction))
    bibliography: tuple[BibEntry, ...] = check(sd.entries(BibEntry), ())


# inline notes
FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,})")
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s")


def _fences(lines: list[str]) -> list[tuple[int, int]]:
    """(opening, closing) line of each fenced code block; an unclosed one ends the page."""
    spans, opening, fence = [], None, ""
    for i, text in enumerate(lines):
        m = FENCE_RE.match(text)
        if m and opening is None:
            opening, fence = i, m.group(2)
        elif m and m.group(2)[0] == fence[0] and len(m.group(2)) >= len(fence):
            spans.append((opening, i))
            opening = None
    if opening is not None:
        spans.append((opening, len(lines) - 1))
    return spans


def insertion_point(lines: list[str], quoted: int) -> tuple[int, str]:
    """Where the note for a quote on line ``quoted`` goes, and its indentation: after the
    enclosing code block, heading, list item (inside it) or paragraph, indented like that
    block (so inside an admonition too)."""
    for opening, closing in _fences(lines):
        if opening <= quoted <= closing:
            return closing + 1, re.match(r"\s*", lines[opening])[0]
    if HEADING_RE.match(lines[quoted]):
        return quoted + 1, ""
    start = quoted  # back to the block's first line: a list marker or after a blank line
    while start > 0 and lines[start - 1].strip() and not sd.LIST_RE.match(lines[start]):
        start -= 1
    item = sd.LIST_RE.match(lines[start])
    item_indent = len(item.group(1)) if item else None
    pad = " " * (item_indent + 4) if item else re.match(r"\s*", lines[start])[0]
    end = quoted + 1
    while end < len(lines):
        text = lines[end]
        if not text.strip() or HEADING_RE.match(text) or FENCE_RE.match(text):
            break
        marker = sd.LIST_RE.match(text)
        if marker and (item_indent is None or len(marker.group(1)) <= item_indent):
            break
        end += 1
    return end, pad


def render_note(
    c: Correction, errata_page: str | None = ERRATA_PAGE, *, nested: bool = False
) -> list[str]:
    """The note as unindented lines.  Only at the top level does the anchor ``<div>`` need
    md_in_html's ``markdown`` attribute; inside a list item or admonition (``nested``) its
    content is parsed anyway, and the attribute would leak into the HTML."""
    label, title = VERDICTS[c.verdict]
    body = sd.unwrap(c.correction, markup_space=True)
    opener = "!!!"
    if len(c.correction) > LONG_NOTE_CHARS or any(sd.LIST_RE.match(x) for x in body):
        opener = "???+" if c.verdict == "wrong" else "???"  # collapsible, open if wrong
    footer = f"判定：**{label}** · 编号 `{c.id}`"
    if errata_page:
        footer += f" · [在勘误表中查看]({sd.relative_link(c.page, errata_page, f'row-{c.id}')})"
    sources = ["**出处**", "{ .erratum-sources-title }", "", *sd.source_list(c.sources)]
    return [
        f'<div class="erratum-anchor" id="{c.anchor}"{"" if nested else " markdown"}>',
        "",
        *sd.admonition(
            f"{opener} erratum verdict-{c.verdict}",
            f"{title}：{c.summary}",
            [*body, "", *sources, "", footer, "{ .erratum-meta }"],
        ),
        "</div>",
    ]


def insert_notes(
    markdown: str, corrections: list[Correction], errata_page: str | None = ERRATA_PAGE
) -> str:
    """The page with the notes of ``corrections``, each quote found exactly once (a note
    never attaches to the wrong passage); notes after one block keep the data order."""
    lines = markdown.split("\n")
    plan: dict[int, tuple[str, list[Correction]]] = {}
    for c in corrections:
        if (count := markdown.count(c.quote)) != 1:
            where = "not found" if count == 0 else f"found {count} times"
            raise PluginError(
                f"correction '{c.id}': quote {where} in page {c.page} (it must occur exactly "
                f"once in the author's text): {c.quote!r}"
            )
        quoted = markdown.count("\n", 0, markdown.index(c.quote))  # quotes are one line
        at, pad = insertion_point(lines, quoted)
        plan.setdefault(at, (pad, []))[1].append(c)
    for at in sorted(plan, reverse=True):
        pad, group = plan[at]
        notes = [render_note(c, errata_page, nested=bool(pad)) for c in group]
        lines[at:at] = [
            x for note in notes for x in ["", *(pad + y if y else "" for y in note), ""]
        ]
    return "\n".join(lines)


# errata table, summary, bibliography
def render_table(corrections: list[Correction], from_page: str = ERRATA_PAGE) -> str:
    rows = []
    for c in corrections:
        link = sd.relative_link(from_page, c.page, c.anchor)
        sources = " ".join(
            f'[{i}]({s.url} "{sd.cell(s.title)}")' + ("" if s.primary else "<sup>二手</sup>")
            for i, s in enumerate(c.sources, 1)
        )
        badge = f'<span class="verdict-badge verdict-{c.verdict}">{VERDICTS[c.verdict][0]}</span>'
        row = [f'<span id="row-{c.id}"></span>[{c.id}]({link})', f"[{sd.cell(c.section)}]({link})"]
        rows.append([*row, badge, f"“{sd.cell(c.quote)}”", sd.cell(c.summary), sources])
    header = ["编号", "位置", "判定", "原文（摘录）", "勘误", "出处"]
    # each row repeats a note that sits beside the passage it corrects: search finds it there
    return "\n".join(sd.table("errata-table", header, rows, searchable=False))


def stats(data: Data) -> dict:
    return {
        "total": len(data.corrections),
        "by_verdict": {v: sum(c.verdict == v for c in data.corrections) for v in VERDICTS},
        "pages": len({c.page for c in data.corrections}),
        **sd.source_stats(data.corrections),
    }


def render_summary(data: Data) -> str:
    s = stats(data)
    verdicts = "，".join(
        f'<span class="verdict-badge verdict-{v}">{VERDICTS[v][0]}</span> {n} 条'
        for v, n in s["by_verdict"].items()
    )
    return (
        f"共 **{s['total']}** 条，分布在 {s['pages']} 个页面：{verdicts}。"
        + sd.sources_sentence(data.corrections)
    )


def render_bib_entry(b: BibEntry) -> str:
    links = [f"[DOI {b.doi}](https://doi.org/{b.doi})"] if b.doi else []
    if b.arxiv:
        links.append(f"[arXiv:{b.arxiv}](https://arxiv.org/abs/{b.arxiv})")
    if b.url:
        links.append(f"[{urlsplit(b.url).hostname}]({b.url})")
    venue = b.venue if sd.cjk_punct(b.venue[-1]) else b.venue + "."
    text = f'- <span id="{b.anchor}"></span>{", ".join(b.authors)} ({b.year}). *{b.title}*. '
    extras = [x for x in (b.as_cited and f"原文：{b.as_cited}", b.note) if x]
    return text + f"{venue} " + " · ".join(links) + ("<br>" + "；".join(extras) if extras else "")


def render_bibliography(entries: list[BibEntry], selector: str) -> str | None:
    """``all``: grouped under headings; ``cited_on=<page>``: the works cited there."""
    if selector == "all":
        lines = []
        for group, heading in BIB_GROUPS.items():
            chosen = [render_bib_entry(b) for b in entries if b.group == group]
            if chosen:
                lines += [f"### {heading} {{#bib-{group}}}", "", *chosen, ""]
    elif selector.startswith("cited_on="):
        page = selector.removeprefix("cited_on=")
        lines = [render_bib_entry(b) for b in entries if page in b.cited_on]
        if not lines:
            raise PluginError(f"bibliography marker: selector {selector!r} matches no entry")
    else:
        return None
    return "\n".join(['<div class="bibliography" markdown>', "", *lines, "", "</div>"])


def process_page(
    markdown: str, page: str, data: Data, errata_page: str | None = ERRATA_PAGE
) -> str:
    """Notes first, then the markers: a quote is only ever matched in the author's text."""
    mine = [c for c in data.corrections if c.page == page]
    markdown = insert_notes(markdown, mine, errata_page)

    def errata(name: str) -> str | None:
        if name == "table":
            return render_table(data.corrections, page)
        return render_summary(data) if name == "summary" else None

    required = "table" if page == ERRATA_PAGE else ""
    markdown = sd.expand_markers(markdown, page, "errata", errata, required)
    return sd.expand_markers(
        markdown, page, "bibliography", lambda arg: render_bibliography(data.bibliography, arg)
    )


# MkDocs events
_state: dict = {}


def on_config(config):
    _state["data"] = Data.load()
    return config


def on_files(files, config):
    uris = {f.src_uri for f in files.documentation_pages()}
    for c in _state["data"].corrections:
        if c.page not in uris:
            raise Data.fail(c, f"page {c.page} is not part of the build")
    _state["errata_page"] = ERRATA_PAGE if ERRATA_PAGE in uris else None
    return files


def on_page_markdown(markdown, page, config, files):
    return process_page(markdown, page.file.src_uri, _state["data"], _state["errata_page"])


def on_post_build(config):
    data = _state["data"]
    s = stats(data)
    verdicts = ", ".join(f"{k} {v}" for k, v in s["by_verdict"].items())
    log.info(
        "勘误: %d notes inline (%s), %s", s["total"], verdicts, sd.sources_log(data.corrections)
    )
