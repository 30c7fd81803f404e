"""Corrections (勘误) and the corrected bibliography, generated from ``data/corrections.yml``.

One data file, three views that cannot drift apart:

* **inline** – for every correction, a ``勘误`` admonition (custom type ``erratum``, styled by
  ``docs/assets/stylesheets/errata.css``) is inserted right after the paragraph, list item,
  heading or code block that contains the quoted original text.  The author's text itself is
  never changed.  Each note is wrapped in ``<div id="erratum-<id>">`` so it can be linked to.
* **勘误表** – ``<!-- errata:table -->`` in ``docs/errata.md`` becomes one table of all
  corrections, each row linking to its note; ``<!-- errata:summary -->`` becomes the counts.
* **参考文献** – ``<!-- bibliography: all -->`` (references page) and
  ``<!-- bibliography: cited_on=resources.md -->`` (resources page) become the checked list.

The build fails (``PluginError`` naming the entry id and page) when the data file does not
validate (missing or unknown field, unknown verdict, malformed URL, duplicate id, …), when a
quote does not occur exactly once in its page (so every note is inserted), or when a listed
page is not in the build.
The functions below are pure (markdown in, markdown out) so tests can call them directly.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from sourcedata import Fields, Source, md_link_text, read_yaml, relative_link, valid_url

log = logging.getLogger("mkdocs.hooks.corrections")

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "corrections.yml"
ERRATA_PAGE = "errata.md"

# verdict -> (label shown to readers, admonition title prefix)
VERDICTS: dict[str, tuple[str, str]] = {
    "wrong": ("错误", "勘误 · 错误"),
    "misleading": ("有误导", "勘误 · 有误导"),
    "unverified": ("未经证实", "勘误 · 未经证实"),
    "correct": ("补充说明", "补充说明"),
}
CORRECTION_FIELDS = {
    "id",
    "page",
    "section",
    "quote",
    "verdict",
    "summary",
    "correction",
    "sources",
}
BIB_REQUIRED = {"id", "group", "authors", "title", "venue", "year"}
BIB_OPTIONAL = {"doi", "arxiv", "url", "note", "cited_on", "as_cited"}
BIB_GROUPS: dict[str, tuple[str, str]] = {  # group -> (heading, anchor)
    "article": ("原文引用的著作与论文（作者与年份已核对）", "bib-article"),
    "karpathy": ("Karpathy 本人的代表性论文与文章", "bib-karpathy"),
    "projects": ("Karpathy 的课程与开源项目", "bib-projects"),
    "foundations": ("原文应当引用的基础文献", "bib-foundations"),
    "corrections": ("勘误中引用的其他文献", "bib-corrections"),
    "software": ("原文推荐的软件框架", "bib-software"),
}
TOP_LEVEL = {"version", "shared_sources", "corrections", "bibliography"}
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
ARXIV_RE = re.compile(r"^\d{4}\.\d{4,5}$")
LONG_NOTE_CHARS = 240  # longer corrections become collapsible (??? / ???+)


# ---------------------------------------------------------------------------------------
# data model and validation
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Correction:
    id: str
    page: str
    section: str
    quote: str
    verdict: str
    summary: str
    correction: str
    sources: tuple[Source, ...]

    @property
    def anchor(self) -> str:
        return f"erratum-{self.id}"


@dataclass(frozen=True)
class BibEntry:
    id: str
    group: str
    authors: tuple[str, ...]
    title: str
    venue: str
    year: int
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    note: str | None = None
    cited_on: tuple[str, ...] = ()
    as_cited: str | None = None


@dataclass
class Data:
    corrections: list[Correction]
    bibliography: list[BibEntry]


FIELDS = Fields("data/corrections.yml")
_fail = FIELDS.fail


def _text(entry: dict, key: str, where: str, *, oneline: bool = False) -> str:
    """A non-empty string field, stripped; one-line fields may not hold double quotes
    (they end up in HTML attributes and link titles)."""
    value = FIELDS.text(entry, key, where, oneline=oneline)
    if oneline and '"' in value:
        raise _fail(where, f"field '{key}' must be one line without double quotes")
    return value


def validate_correction(raw: object, index: int) -> Correction:
    """One entry of ``corrections`` -> Correction, or PluginError naming the id."""
    cid, where = FIELDS.entry(raw, "corrections", index, "correction")
    FIELDS.check_keys(raw, CORRECTION_FIELDS, set(), where)
    verdict = raw["verdict"]
    if verdict not in VERDICTS:
        raise _fail(where, f"unknown verdict {verdict!r}; expected one of {sorted(VERDICTS)}")
    page = _text(raw, "page", where, oneline=True)
    if not page.endswith(".md") or page.startswith("/") or ".." in page.split("/"):
        raise _fail(where, f"field 'page' must be a docs-relative .md path, got {page!r}")
    quote = raw["quote"]
    if isinstance(quote, str) and (quote != quote.strip() or "\n" in quote):
        raise _fail(where, "field 'quote' must be one line without surrounding whitespace")
    quote = _text(raw, "quote", where)
    return Correction(
        id=cid,
        page=page,
        section=_text(raw, "section", where, oneline=True),
        quote=quote,
        verdict=verdict,
        summary=_text(raw, "summary", where, oneline=True),
        correction=_text(raw, "correction", where),
        sources=FIELDS.sources(raw, where),
    )


def validate_bib(raw: object, index: int) -> BibEntry:
    """One entry of ``bibliography`` -> BibEntry, or PluginError naming the id."""
    bid, where = FIELDS.entry(raw, "bibliography", index, "bibliography")
    FIELDS.check_keys(raw, BIB_REQUIRED, BIB_OPTIONAL, where)
    if raw["group"] not in BIB_GROUPS:
        raise _fail(where, f"unknown group {raw['group']!r}; expected one of {sorted(BIB_GROUPS)}")
    authors = raw["authors"]
    if (
        not isinstance(authors, list)
        or not authors
        or not all(isinstance(a, str) and a.strip() for a in authors)
    ):
        raise _fail(where, "field 'authors' must be a non-empty list of names")
    year = raw["year"]
    if not isinstance(year, int) or not 1900 <= year <= 2100:
        raise _fail(where, f"field 'year' must be a year, got {year!r}")
    doi, arxiv, url = raw.get("doi"), raw.get("arxiv"), raw.get("url")
    if not (doi or arxiv or url):
        raise _fail(where, "needs at least one of doi, arxiv, url")
    if doi is not None and not (isinstance(doi, str) and DOI_RE.match(doi)):
        raise _fail(where, f"bad DOI {doi!r}")
    if arxiv is not None and not (isinstance(arxiv, str) and ARXIV_RE.match(arxiv)):
        raise _fail(where, f"bad arXiv id {arxiv!r} (a quoted string such as '1301.3781')")
    if url is not None and not valid_url(url):
        raise _fail(where, f"bad URL {url!r}")
    cited_on = raw.get("cited_on") or []
    if not isinstance(cited_on, list) or not all(
        isinstance(p, str) and p.endswith(".md") for p in cited_on
    ):
        raise _fail(where, "field 'cited_on' must be a list of .md pages")
    note = raw.get("note")
    as_cited = raw.get("as_cited")
    for key, value in (("note", note), ("as_cited", as_cited)):
        if value is not None and (not isinstance(value, str) or "\n" in value.strip()):
            raise _fail(where, f"field '{key}' must be one line of text")
    return BibEntry(
        id=bid,
        group=raw["group"],
        authors=tuple(a.strip() for a in authors),
        title=_text(raw, "title", where),
        venue=_text(raw, "venue", where),
        year=year,
        doi=doi,
        arxiv=arxiv,
        url=url,
        note=note.strip() if note else None,
        cited_on=tuple(cited_on),
        as_cited=as_cited.strip() if as_cited else None,
    )


def validate(raw: object) -> Data:
    """The parsed YAML document -> Data."""
    raw = FIELDS.top_level(raw, TOP_LEVEL, "'corrections' and 'bibliography'")
    items = raw.get("corrections")
    if not isinstance(items, list) or not items:
        raise _fail("top level", "'corrections' must be a non-empty list")
    corrections = [validate_correction(item, i) for i, item in enumerate(items)]
    bib_items = raw.get("bibliography") or []
    if not isinstance(bib_items, list):
        raise _fail("top level", "'bibliography' must be a list")
    bibliography = [validate_bib(item, i) for i, item in enumerate(bib_items)]
    for kind, ids in (
        ("correction", [c.id for c in corrections]),
        ("bibliography", [b.id for b in bibliography]),
    ):
        seen: set[str] = set()
        for ident in ids:
            if ident in seen:
                raise _fail(f"{kind} '{ident}'", "duplicate id")
            seen.add(ident)
    return Data(corrections=corrections, bibliography=bibliography)


def load(path: Path = DATA_FILE) -> Data:
    return validate(read_yaml(path))


# ---------------------------------------------------------------------------------------
# inline notes
# ---------------------------------------------------------------------------------------
FENCE_RE = re.compile(r"^(\s*)(`{3,}|~{3,})")
LIST_RE = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s")


def find_unique(markdown: str, c: Correction) -> int:
    """Offset of the quote in ``markdown``; PluginError unless it occurs exactly once."""
    count = markdown.count(c.quote)
    if count != 1:
        where = "not found" if count == 0 else f"found {count} times"
        raise PluginError(
            f"correction '{c.id}': quote {where} in page {c.page} (it must occur exactly once "
            f"in the author's text): {c.quote!r}"
        )
    return markdown.index(c.quote)


def _fence_ends(lines: list[str]) -> dict[int, int]:
    """line index inside a fenced code block -> index of the block's closing fence line."""
    inside: dict[int, int] = {}
    i = 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m:
            i += 1
            continue
        marker = m.group(2)
        j = i + 1
        while j < len(lines):
            close = FENCE_RE.match(lines[j])
            if close and close.group(2)[0] == marker[0] and len(close.group(2)) >= len(marker):
                break
            j += 1
        j = min(j, len(lines) - 1)
        for k in range(i, j + 1):
            inside[k] = j
        i = j + 1
    return inside


def insertion_point(lines: list[str], first: int, last: int) -> tuple[int, str]:
    """Where to insert a note for a quote spanning lines first..last: (line index, indent).

    After the enclosing fenced code block, heading, list item (nested inside it) or
    paragraph; indentation follows the enclosing block (e.g. inside an admonition).
    """
    fences = _fence_ends(lines)
    if last in fences:
        end = fences[last]
        opening = min(k for k, v in fences.items() if v == end)
        return end + 1, re.match(r"\s*", lines[opening])[0]
    if HEADING_RE.match(lines[first]):
        return first + 1, ""
    # walk up to the start of the block: a list marker line or the line after a blank line
    start = first
    while start > 0 and lines[start - 1].strip() and not LIST_RE.match(lines[start]):
        start -= 1
    item = LIST_RE.match(lines[start])
    if item:
        item_indent = len(item.group(1))
        indent = " " * (item_indent + 4)
    else:
        item_indent = None
        indent = re.match(r"\s*", lines[start])[0]
    end = last + 1
    while end < len(lines):
        line = lines[end]
        if not line.strip() or HEADING_RE.match(line) or FENCE_RE.match(line):
            break
        marker = LIST_RE.match(line)
        if marker and (item_indent is None or len(marker.group(1)) <= item_indent):
            break
        end += 1
    return end, indent


def _is_cjk_punct(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·"


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or _is_cjk_punct(ch)


def unwrap(text: str) -> str:
    """Join the wrapped lines of each paragraph / list item (a line break between two
    Chinese characters would show as a stray space in some browsers)."""
    out: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if out and s and out[-1].strip() and not LIST_RE.match(line):
            prev = out[-1].rstrip()
            a, b = prev[-1], s[0]
            cjk_join = _is_cjk_punct(a) or _is_cjk_punct(b) or (_is_cjk(a) and _is_cjk(b))
            sep = "" if cjk_join else " "
            out[-1] = prev + sep + s
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def render_note(
    c: Correction, errata_page: str | None = ERRATA_PAGE, *, nested: bool = False
) -> list[str]:
    """The note for one correction as markdown lines (unindented).

    At the top level the anchor ``<div>`` needs md_in_html's ``markdown`` attribute so its
    content is parsed; inside a list item or admonition (``nested``) the block parser
    already parses it, and the attribute would only leak into the HTML.
    """
    label, title_prefix = VERDICTS[c.verdict]
    body = unwrap(c.correction).splitlines()
    long = len(c.correction) > LONG_NOTE_CHARS or any(LIST_RE.match(x) for x in body)
    if long:
        opener = "???+" if c.verdict == "wrong" else "???"
    else:
        opener = "!!!"
    lines = [
        f'<div class="erratum-anchor" id="{c.anchor}"{"" if nested else " markdown"}>',
        "",
        f'{opener} erratum verdict-{c.verdict} "{title_prefix}：{c.summary}"',
        "",
    ]
    lines += [f"    {x}" if x.strip() else "" for x in body]
    lines += ["", "    **出处**", "    { .erratum-sources-title }", ""]
    for s in c.sources:
        kind = "一手来源" if s.primary else "二手来源"
        lines.append(f"    - [{md_link_text(s.title)}]({s.url})（{kind}）")
    lines.append("")
    footer = f"    判定：**{label}** · 编号 `{c.id}`"
    if errata_page:
        link = relative_link(c.page, errata_page, f"row-{c.id}")
        footer += f" · [在勘误表中查看]({link})"
    lines += [footer, "    { .erratum-meta }", "", "</div>"]
    return lines


def insert_notes(
    markdown: str, corrections: list[Correction], errata_page: str | None = ERRATA_PAGE
) -> str:
    """Insert the notes of ``corrections`` (all for this page) into ``markdown``.

    Every quote must occur exactly once; notes after the same block keep the data order.
    The author's text is not modified: the result minus the inserted lines equals the input.
    """
    lines = markdown.split("\n")
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1

    def line_of(pos: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    plan: dict[int, tuple[str, list[Correction]]] = {}
    for c in corrections:
        pos = find_unique(markdown, c)
        first, last = line_of(pos), line_of(pos + len(c.quote) - 1)
        at, indent = insertion_point(lines, first, last)
        plan.setdefault(at, (indent, []))[1].append(c)
    for at in sorted(plan, reverse=True):
        indent, group = plan[at]
        block: list[str] = []
        for c in group:
            note = render_note(c, errata_page, nested=bool(indent))
            block += [""] + [indent + x if x else "" for x in note] + [""]
        lines[at:at] = block
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# errata table and summary
# ---------------------------------------------------------------------------------------
def _cell(text: str) -> str:  # one-line fields only
    return text.replace("|", "\\|")


def render_table(corrections: list[Correction], from_page: str = ERRATA_PAGE) -> str:
    rows = [
        "| 编号 | 位置 | 判定 | 原文（摘录） | 勘误 | 出处 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in corrections:
        link = relative_link(from_page, c.page, c.anchor)
        label = VERDICTS[c.verdict][0]
        sources = " ".join(
            f'[{i}]({s.url} "{_cell(s.title)}")' + ("" if s.primary else "<sup>二手</sup>")
            for i, s in enumerate(c.sources, 1)
        )
        rows.append(
            f'| <span id="row-{c.id}"></span>[{c.id}]({link}) '
            f"| [{_cell(c.section)}]({link}) "
            f'| <span class="verdict-badge verdict-{c.verdict}">{label}</span> '
            f"| “{_cell(c.quote)}” "
            f"| {_cell(c.summary)} "
            f"| {sources} |"
        )
    return "\n".join(['<div class="errata-table" markdown>', "", *rows, "", "</div>"])


def stats(data: Data) -> dict:
    by_verdict = {v: sum(c.verdict == v for c in data.corrections) for v in VERDICTS}
    all_sources = [s for c in data.corrections for s in c.sources]
    unique = {s.url: s for s in all_sources}
    return {
        "total": len(data.corrections),
        "by_verdict": by_verdict,
        "sources": len(all_sources),
        "sources_primary": sum(s.primary for s in all_sources),
        "unique_sources": len(unique),
        "unique_sources_primary": sum(s.primary for s in unique.values()),
        "pages": len({c.page for c in data.corrections}),
    }


def render_summary(data: Data) -> str:
    s = stats(data)
    v = s["by_verdict"]
    return (
        f"共 **{s['total']}** 条，分布在 {s['pages']} 个页面："
        f'<span class="verdict-badge verdict-wrong">错误</span> {v["wrong"]} 条，'
        f'<span class="verdict-badge verdict-misleading">有误导</span> {v["misleading"]} 条，'
        f'<span class="verdict-badge verdict-unverified">未经证实</span> {v["unverified"]} 条，'
        f'<span class="verdict-badge verdict-correct">补充说明</span> {v["correct"]} 条。'
        f"引用出处 {s['sources']} 处（去重后 {s['unique_sources']} 个），"
        f"其中一手来源 {s['sources_primary']} 处（去重后 {s['unique_sources_primary']} 个）。"
    )


# ---------------------------------------------------------------------------------------
# bibliography
# ---------------------------------------------------------------------------------------
BIB_MARKER_RE = re.compile(r"<!--\s*bibliography:\s*(\S+)\s*-->")
TABLE_MARKER = "<!-- errata:table -->"
SUMMARY_MARKER = "<!-- errata:summary -->"


def render_bib_entry(b: BibEntry) -> str:
    authors = ", ".join(b.authors)
    links = []
    if b.doi:
        links.append(f"[DOI {b.doi}](https://doi.org/{b.doi})")
    if b.arxiv:
        links.append(f"[arXiv:{b.arxiv}](https://arxiv.org/abs/{b.arxiv})")
    if b.url:
        links.append(f"[{urlsplit(b.url).hostname}]({b.url})")
    venue = b.venue if _is_cjk_punct(b.venue[-1]) else b.venue + "."
    text = f'- <span id="bib-{b.id}"></span>{authors} ({b.year}). *{b.title}*. {venue} '
    text += " · ".join(links)
    extras = []
    if b.as_cited:
        extras.append(f"原文：{b.as_cited}")
    if b.note:
        extras.append(b.note)
    if extras:
        text += "<br>" + "；".join(extras)
    return text


def render_bibliography(entries: list[BibEntry], selector: str) -> str:
    """``all`` -> grouped list with headings; ``cited_on=<page>`` -> flat list."""
    if selector == "all":
        parts = []
        for group, (heading, anchor) in BIB_GROUPS.items():
            chosen = [b for b in entries if b.group == group]
            if chosen:
                parts += [f"### {heading} {{#{anchor}}}", "", *map(render_bib_entry, chosen), ""]
        return _bib_block(parts)
    key, _, value = selector.partition("=")
    if key == "cited_on" and value:
        chosen = [b for b in entries if value in b.cited_on]
    else:
        raise PluginError(f"bibliography marker: unknown selector {selector!r}")
    if not chosen:
        raise PluginError(f"bibliography marker: selector {selector!r} matches no entry")
    return _bib_block(list(map(render_bib_entry, chosen)))


def _bib_block(lines: list[str]) -> str:
    return "\n".join(['<div class="bibliography" markdown>', "", *lines, "", "</div>"])


def replace_markers(markdown: str, page: str, data: Data) -> str:
    if TABLE_MARKER in markdown:
        markdown = markdown.replace(TABLE_MARKER, render_table(data.corrections, page))
    if SUMMARY_MARKER in markdown:
        markdown = markdown.replace(SUMMARY_MARKER, render_summary(data))
    return BIB_MARKER_RE.sub(lambda m: render_bibliography(data.bibliography, m.group(1)), markdown)


def process_page(
    markdown: str, page: str, data: Data, errata_page: str | None = ERRATA_PAGE
) -> str:
    """Everything the hook does to one page: insert its notes, then expand the markers.

    Quotes are matched before any generated text is added, so generated tables and
    bibliographies can never satisfy (or duplicate) a quote.
    """
    mine = [c for c in data.corrections if c.page == page]
    if mine:
        markdown = insert_notes(markdown, mine, errata_page)
    return replace_markers(markdown, page, data)


# ---------------------------------------------------------------------------------------
# MkDocs events
# ---------------------------------------------------------------------------------------
_state: dict[str, object] = {}


def on_config(config):
    _state.clear()
    _state["data"] = load(DATA_FILE)
    return config


def on_files(files, config):
    data: Data = _state["data"]  # type: ignore[assignment]
    uris = {f.src_uri for f in files.documentation_pages()}
    for c in data.corrections:
        if c.page not in uris:
            raise PluginError(f"correction '{c.id}': page {c.page} is not part of the build")
    _state["errata_page"] = ERRATA_PAGE if ERRATA_PAGE in uris else None
    return files


def on_page_markdown(markdown, page, config, files):
    data: Data = _state["data"]  # type: ignore[assignment]
    uri = page.file.src_uri
    if uri == ERRATA_PAGE and TABLE_MARKER not in markdown:
        raise PluginError(f"{ERRATA_PAGE} must contain the marker {TABLE_MARKER}")
    return process_page(markdown, uri, data, _state.get("errata_page"))  # type: ignore[arg-type]


def on_env(env, config, files):
    s = stats(_state["data"])  # type: ignore[arg-type]
    log.info(
        "勘误: %d notes inline (%s), %d/%d sources primary",
        s["total"],
        ", ".join(f"{k} {v}" for k, v in s["by_verdict"].items()),
        s["sources_primary"],
        s["sources"],
    )
    return env
