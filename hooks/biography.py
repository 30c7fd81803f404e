"""Karpathy's sourced timeline and "what he built and taught", from ``data/biography.yml``.

Two markers are replaced at build time:

* ``<!-- biography:timeline -->`` (``docs/karpathy/timeline.md``) -> an overview table of
  dates and events, then one entry per event (anchor ``tl-<id>``) with its sources;
* ``<!-- biography:work -->`` (``docs/karpathy/work.md``) -> an overview table, then one
  entry per item (anchor ``work-<id>``): what it is, what a learner gets from it, links to
  the pages of this site that implement the related idea, and its sources.

The build fails with a ``PluginError`` naming the item when the data file does not
validate: a missing or unknown field, a malformed date or URL, items out of date order, a
duplicate id, a related page that is not in the build, or an item the site's first fact-check
listed as unverified (``once_unverified``) without at least one primary source.  It also
fails when one of the two pages lacks its marker or a page uses an unknown marker.

Projects without the two pages (e.g. scratch test projects) build unchanged.  The
functions below are pure (data in, markdown out) so tests can call them directly.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError
from sourcedata import Fields, Source, md_link_text, read_yaml, relative_link

log = logging.getLogger("mkdocs.hooks.biography")

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "biography.yml"
TIMELINE_PAGE = "karpathy/timeline.md"
WORK_PAGE = "karpathy/work.md"
MARKER_RE = re.compile(r"<!--\s*biography:\s*([\w-]*)\s*-->")
PAGE_MARKERS = {TIMELINE_PAGE: "timeline", WORK_PAGE: "work"}

TOP_LEVEL = {"version", "shared_sources", "timeline", "work"}
TIMELINE_REQUIRED = {"id", "date", "title", "text", "sources"}
TIMELINE_OPTIONAL = {"end", "note", "once_unverified"}
WORK_REQUIRED = {"id", "name", "year", "kind", "what", "learn", "related", "sources"}
WORK_OPTIONAL = {"note", "once_unverified"}
RELATED_FIELDS = {"page", "why"}
KINDS = ("课程", "博客文章", "代码仓库", "视频课程", "论文与代码")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


# ---------------------------------------------------------------------------------------
# data model and validation
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Related:
    page: str
    why: str


@dataclass(frozen=True)
class TimelineItem:
    id: str
    date: str
    title: str
    text: str
    sources: tuple[Source, ...]
    end: str | None = None
    note: str | None = None
    once_unverified: str | None = None

    @property
    def anchor(self) -> str:
        return f"tl-{self.id}"

    @property
    def has_primary(self) -> bool:
        return any(s.primary for s in self.sources)


@dataclass(frozen=True)
class WorkItem:
    id: str
    name: str
    year: int
    kind: str
    what: str
    learn: str
    related: tuple[Related, ...]
    sources: tuple[Source, ...]
    note: str | None = None
    once_unverified: str | None = None

    @property
    def anchor(self) -> str:
        return f"work-{self.id}"

    @property
    def has_primary(self) -> bool:
        return any(s.primary for s in self.sources)


@dataclass
class Data:
    timeline: list[TimelineItem]
    work: list[WorkItem]


FIELDS = Fields("data/biography.yml")
_fail, _text, _check_keys, _sources = FIELDS.fail, FIELDS.text, FIELDS.check_keys, FIELDS.sources


def parse_date(value: object) -> tuple[int, int, int]:
    """'YYYY' / 'YYYY-MM' / 'YYYY-MM-DD' -> (y, m, d) with 0 for missing parts; ValueError."""
    if not isinstance(value, str):
        raise ValueError(f"date must be a quoted string, got {value!r}")
    m = DATE_RE.match(value)
    if not m:
        raise ValueError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if not 1900 <= y <= 2100 or (m.group(2) and not 1 <= mo <= 12):
        raise ValueError(f"date out of range: {value!r}")
    if m.group(3):
        days = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30,
                31, 31, 30, 31, 30, 31][mo - 1]  # fmt: skip
        if not 1 <= d <= days:
            raise ValueError(f"date out of range: {value!r}")
    return y, mo, d


def date_label(value: str) -> str:
    """'2015-12-11' -> '2015 年 12 月 11 日'; '2017-06' -> '2017 年 6 月'; '1986' -> '1986 年'."""
    y, m, d = parse_date(value)
    label = f"{y} 年"
    if m:
        label += f" {m} 月"
    if d:
        label += f" {d} 日"
    return label


def span_label(item: TimelineItem) -> str:
    if item.end is None:
        return date_label(item.date)
    return f"{date_label(item.date)} – {date_label(item.end)}"


def _unverified(raw: dict, where: str, sources: tuple[Source, ...]) -> str | None:
    flag = raw.get("once_unverified")
    if flag is None:
        return None
    if not isinstance(flag, str) or not flag.strip():
        raise _fail(where, "field 'once_unverified' must say what the fact-check concluded")
    if not any(s.primary for s in sources):
        raise _fail(
            where,
            "the fact-check listed this as unverified; it needs at least one primary source "
            "(primary: true) or must be left out",
        )
    return " ".join(flag.split())


def validate_timeline_item(raw: object, index: int) -> TimelineItem:
    ident, where = FIELDS.entry(raw, "timeline", index, "timeline item")
    _check_keys(raw, TIMELINE_REQUIRED, TIMELINE_OPTIONAL, where)
    try:
        start = parse_date(raw["date"])
        if raw.get("end") is not None and parse_date(raw["end"]) <= start:
            raise ValueError(f"end {raw['end']!r} is not after date {raw['date']!r}")
    except ValueError as err:
        raise _fail(where, str(err)) from None
    sources = _sources(raw, where)
    note = raw.get("note")
    return TimelineItem(
        id=ident,
        date=raw["date"],
        end=raw.get("end"),
        title=_text(raw, "title", where, oneline=True),
        text=_text(raw, "text", where),
        note=_text(raw, "note", where) if note is not None else None,
        sources=sources,
        once_unverified=_unverified(raw, where, sources),
    )


def _related(raw: dict, where: str) -> tuple[Related, ...]:
    items = raw.get("related")
    if not isinstance(items, list) or not items:
        raise _fail(where, "field 'related' must be a non-empty list of {page, why}")
    out = []
    for r in items:
        if not isinstance(r, dict):
            raise _fail(where, "each related entry must be a mapping with page and why")
        _check_keys(r, RELATED_FIELDS, set(), f"{where}, related")
        page = _text(r, "page", where, oneline=True)
        if not page.endswith(".md") or page.startswith("/") or ".." in page.split("/"):
            raise _fail(where, f"related page must be a docs-relative .md path, got {page!r}")
        out.append(Related(page=page, why=_text(r, "why", where)))
    if len({r.page for r in out}) != len(out):
        raise _fail(where, "the same related page is listed twice")
    return tuple(out)


def validate_work_item(raw: object, index: int) -> WorkItem:
    ident, where = FIELDS.entry(raw, "work", index, "work item")
    _check_keys(raw, WORK_REQUIRED, WORK_OPTIONAL, where)
    year = raw["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
        raise _fail(where, f"field 'year' must be a year, got {year!r}")
    if raw["kind"] not in KINDS:
        raise _fail(where, f"unknown kind {raw['kind']!r}; expected one of {list(KINDS)}")
    sources = _sources(raw, where)
    note = raw.get("note")
    return WorkItem(
        id=ident,
        name=_text(raw, "name", where, oneline=True),
        year=year,
        kind=raw["kind"],
        what=_text(raw, "what", where),
        learn=_text(raw, "learn", where),
        related=_related(raw, where),
        note=_text(raw, "note", where) if note is not None else None,
        sources=sources,
        once_unverified=_unverified(raw, where, sources),
    )


def validate(raw: object) -> Data:
    """The parsed YAML document -> Data."""
    raw = FIELDS.top_level(raw, TOP_LEVEL, "'timeline' and 'work'")
    data = Data(timeline=[], work=[])
    for key in ("timeline", "work"):
        if not isinstance(raw.get(key), list) or not raw[key]:
            raise _fail("top level", f"'{key}' must be a non-empty list")
    data.timeline = [validate_timeline_item(x, i) for i, x in enumerate(raw["timeline"])]
    data.work = [validate_work_item(x, i) for i, x in enumerate(raw["work"])]
    for kind, items in (("timeline", data.timeline), ("work", data.work)):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise _fail(f"{kind} item '{item.id}'", "duplicate id")
            seen.add(item.id)
    for prev, item in zip(data.timeline, data.timeline[1:], strict=False):
        if parse_date(item.date) < parse_date(prev.date):
            raise _fail(
                f"timeline item '{item.id}'",
                f"out of date order: {item.date} comes after '{prev.id}' ({prev.date})",
            )
    for prev, item in zip(data.work, data.work[1:], strict=False):
        if item.year < prev.year:
            raise _fail(
                f"work item '{item.id}'",
                f"out of year order: {item.year} comes after '{prev.id}' ({prev.year})",
            )
    return data


def load(path: Path = DATA_FILE) -> Data:
    return validate(read_yaml(path))


# ---------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return _oneline(text).replace("|", "\\|")


def page_title(docs_dir: Path, page: str) -> str:
    """The first level-1 heading of a docs page (front matter skipped), else the file name."""
    text = (docs_dir / page).read_text(encoding="utf-8")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end != -1 else text
    for line in text.splitlines():
        m = re.match(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", line)
        if m:
            return m.group(1)
    return page


def _sources_block(sources: tuple[Source, ...]) -> list[str]:
    lines = ["**出处**", ""]
    for s in sources:
        kind = "一手来源" if s.primary else "二手来源"
        lines.append(f"- [{md_link_text(s.title)}]({s.url})（{kind}）")
    return lines


def _flags(item: TimelineItem | WorkItem) -> list[str]:
    out = []
    if item.once_unverified:
        out += [
            '!!! info "核查记录"',
            "",
            "    本站事实核查时曾把这一条列为“未经证实”；"
            "后来找到了下面标为一手来源的材料，才把它收进来。",
            "",
        ]
    if not item.has_primary:
        out += [
            '!!! warning "只有二手来源"',
            "",
            "    这一条我们只找到二手来源，没有找到一手材料，请把它当作多数资料的说法来看。",
            "",
        ]
    return out


CJK_PUNCT = set("，。、；：？！“”‘’（）《》【】…—·")


def join_lines(a: str, b: str) -> str:
    """Join two wrapped lines of one paragraph: nothing between two Chinese characters, one
    space where a Latin word or number meets Chinese text or another word (as in 简体中文
    typesetting: “用 NumPy 实现”), nothing next to Chinese punctuation."""
    if not a or not b:
        return a + b
    x, y = a[-1], b[0]
    if x in CJK_PUNCT or y in CJK_PUNCT:
        return a + b
    if (x.isascii() and x.isalnum()) or (y.isascii() and y.isalnum()):
        return a + " " + b
    return a + b


def _oneline(text: str) -> str:
    out = ""
    for line in text.split("\n"):
        out = join_lines(out, line.strip()) if line.strip() else out
    return out


def _block(text: str) -> list[str]:
    """Paragraphs of ``text``, each on one line (a newline inside Chinese text would
    render as a space), separated by empty lines; list items stay on their own lines."""
    out: list[str] = []
    for line in text.strip().splitlines():
        line = line.strip()
        if not line:
            out.append("")
        elif out and out[-1] and not re.match(r"^(?:[-*+]|\d+[.)])\s", line):
            out[-1] = join_lines(out[-1], line)
        else:
            out.append(line)
    return out


def render_timeline(data: Data) -> str:
    out = [
        '<div class="biography-timeline" markdown>',
        "",
        "| 时间 | 经历 | 出处 |",
        "| --- | --- | --- |",
    ]
    for t in data.timeline:
        n_primary = sum(s.primary for s in t.sources)
        src = (
            f"{len(t.sources)} 条（一手 {n_primary} 条）"
            if n_primary
            else (f"{len(t.sources)} 条（只有二手来源）")
        )
        out.append(f"| {span_label(t)} | [{_cell(t.title)}](#{t.anchor}) | {src} |")
    out += ["", "</div>", "", "## 逐条经历与出处", ""]  # h2 before the h3 items (heading order)
    for t in data.timeline:
        out += [f"### {span_label(t)} · {t.title} {{ #{t.anchor} }}", ""]
        out += _block(t.text) + [""]
        if t.note:
            out += ['!!! note "说明"', ""] + [f"    {x}" if x else "" for x in _block(t.note)]
            out.append("")
        out += _flags(t)
        out += _sources_block(t.sources) + [""]
    out.append(_summary(data.timeline, "条经历"))
    return "\n".join(out)


def render_work(data: Data, from_page: str, titles: dict[str, str]) -> str:
    """``titles`` maps each related page to its link text (its level-1 heading)."""
    out = [
        '<div class="biography-work" markdown>',
        "",
        "| 名称 | 年份 | 类型 | 本站相关页面 |",
        "| --- | --- | --- | --- |",
    ]

    def link(page: str) -> str:
        return f"[{md_link_text(titles.get(page, page))}]({relative_link(from_page, page)})"

    for w in data.work:
        pages = "、".join(link(r.page) for r in w.related)
        out.append(f"| [{_cell(w.name)}](#{w.anchor}) | {w.year} | {w.kind} | {pages} |")
    out += ["", "</div>", "", "## 逐项介绍", ""]  # h2 before the h3 items (heading order)
    for w in data.work:
        out += [f"### {w.name}（{w.year}） {{ #{w.anchor} }}", ""]
        out += [f"**类型**：{w.kind}", ""]
        out += ["**它是什么**", ""] + _block(w.what) + [""]
        out += ["**学习者能得到什么**", ""] + _block(w.learn) + [""]
        out += ["**本站相关页面**", ""]
        out += [f"- {link(r.page)}：{_oneline(r.why)}" for r in w.related] + [""]
        if w.note:
            out += ['!!! note "说明"', ""] + [f"    {x}" if x else "" for x in _block(w.note)]
            out.append("")
        out += _flags(w)
        out += _sources_block(w.sources) + [""]
    out.append(_summary(data.work, "项"))
    return "\n".join(out)


def _summary(items, unit: str) -> str:
    all_sources = [s for item in items for s in item.sources]
    unique = {s.url: s for s in all_sources}
    return (
        f"以上共 {len(items)} {unit}，引用出处 {len(all_sources)} 处（去重后 {len(unique)} 个），"
        f"其中一手来源 {sum(s.primary for s in all_sources)} 处"
        f"（去重后 {sum(s.primary for s in unique.values())} 个）。"
    )


def stats(data: Data) -> dict:
    items = [*data.timeline, *data.work]
    all_sources = [s for item in items for s in item.sources]
    unique = {s.url: s for s in all_sources}
    return {
        "timeline": len(data.timeline),
        "work": len(data.work),
        "sources": len(all_sources),
        "sources_primary": sum(s.primary for s in all_sources),
        "unique_sources": len(unique),
        "unique_sources_primary": sum(s.primary for s in unique.values()),
    }


def replace_markers(markdown: str, page: str, data: Data, titles: dict[str, str]) -> str:
    """Expand every biography marker in ``markdown``; unknown markers raise PluginError."""

    def expand(m: re.Match) -> str:
        name = m.group(1)
        if name == "timeline":
            return render_timeline(data)
        if name == "work":
            return render_work(data, page, titles)
        raise PluginError(f"{page}: unknown marker <!-- biography:{name} --> (timeline or work)")

    wanted = PAGE_MARKERS.get(page)
    if wanted and wanted not in MARKER_RE.findall(markdown):
        raise PluginError(f"{page} must contain the marker <!-- biography:{wanted} -->")
    return MARKER_RE.sub(expand, markdown)


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
    docs_dir = Path(config["docs_dir"])
    uris = {f.src_uri for f in files.documentation_pages()}
    titles: dict[str, str] = {}
    if WORK_PAGE in uris:  # only then are the related pages linked from the site
        for w in data.work:
            for r in w.related:
                if r.page not in uris:
                    raise PluginError(
                        f"data/biography.yml: work item '{w.id}': related page {r.page} "
                        "is not part of the build"
                    )
                titles[r.page] = page_title(docs_dir, r.page)
    _state["titles"] = titles
    return files


def on_page_markdown(markdown, page, config, files):
    data: Data = _state["data"]  # type: ignore[assignment]
    uri = page.file.src_uri
    if uri not in PAGE_MARKERS and not MARKER_RE.search(markdown):
        return markdown
    return replace_markers(markdown, uri, data, _state.get("titles", {}))  # type: ignore[arg-type]


def on_post_build(config):
    s = stats(_state["data"])  # type: ignore[arg-type]
    log.info(
        "生平: %d timeline items, %d work items, %d/%d sources primary (%d/%d unique)",
        s["timeline"],
        s["work"],
        s["sources_primary"],
        s["sources"],
        s["unique_sources_primary"],
        s["unique_sources"],
    )
