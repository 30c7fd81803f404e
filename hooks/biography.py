"""Karpathy's sourced timeline and "what he built and taught", from ``data/biography.yml``:
``<!-- biography:timeline -->`` and ``<!-- biography:work -->`` (``docs/karpathy/``) become an
overview table and one section per item with its sources; a work item also links this
site's pages about its idea.  Projects without these pages build unchanged.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import sourcedata as sd
from mkdocs.utils.meta import get_data
from sourcedata import check

log = logging.getLogger("mkdocs.hooks.biography")

TIMELINE_PAGE = "karpathy/timeline.md"
WORK_PAGE = "karpathy/work.md"
PAGE_MARKERS = {TIMELINE_PAGE: "timeline", WORK_PAGE: "work"}
KINDS = ("课程", "博客文章", "代码仓库", "视频课程", "论文与代码")
ONCE_UNVERIFIED = (
    "本站事实核查时曾把这一条列为“未经证实”；后来找到了下面标为一手来源的材料，才把它收进来。"
)
SECONDARY_ONLY = "这一条我们只找到二手来源，没有找到一手材料，请把它当作多数资料的说法来看。"


def _date(value: object) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    try:
        return 1900 <= datetime.date.fromisoformat((value + "-01-01")[:10]).year <= 2100
    except ValueError:  # no such month or day
        return False


# kept as written: dates of this form sort as strings in time order
partial_date = sd.accept(_date, "a quoted YYYY, YYYY-MM or YYYY-MM-DD from 1900 to 2100")


def date_label(value: str) -> str:
    """'2015-12-11' -> '2015 年 12 月 11 日'; '2017-06' -> '2017 年 6 月'."""
    return " ".join(f"{int(n)} {unit}" for n, unit in zip(value.split("-"), "年月日", strict=False))


@dataclass(frozen=True, kw_only=True)
class Item(sd.Entry):
    """What timeline and work items share."""

    sources: tuple[sd.Source, ...] = check(sd.SOURCES)
    note: str | None = check(sd.prose, None)
    # what the site's first fact-check concluded about a claim it could not verify then
    once_unverified: str | None = check(sd.then(sd.prose, lambda v: " ".join(v.split())), None)

    @property
    def has_primary(self) -> bool:
        return any(s.primary for s in self.sources)

    def __post_init__(self):
        if self.once_unverified and not self.has_primary:
            raise ValueError("once_unverified needs at least one primary source (primary: true)")


@dataclass(frozen=True, kw_only=True)
class TimelineItem(Item):
    anchor_prefix = "tl-"

    date: str = check(partial_date)
    end: str | None = check(partial_date, None)
    title: str = check(sd.line)
    text: str = check(sd.prose)

    def __post_init__(self):
        super().__post_init__()
        if self.end is not None and self.end <= self.date:
            raise ValueError(f"end {self.end!r} is not after date {self.date!r}")


@dataclass(frozen=True)
class Related(sd.Record):
    page: str = check(sd.docs_page)
    why: str = check(sd.prose)


@dataclass(frozen=True, kw_only=True)
class WorkItem(Item):
    anchor_prefix = "work-"

    name: str = check(sd.line)
    year: int = check(sd.calendar_year)
    kind: str = check(sd.one_of(KINDS))
    what: str = check(sd.prose)
    learn: str = check(sd.prose)
    related: tuple[Related, ...] = check(sd.list_of(Related.parse, unique="page"))


@dataclass(frozen=True, kw_only=True)
class Data(sd.DataFile):
    path = "data/biography.yml"

    timeline: tuple[TimelineItem, ...] = check(sd.entries(TimelineItem, ordered_by="date"))
    work: tuple[WorkItem, ...] = check(sd.entries(WorkItem, ordered_by="year"))


def span_label(item: TimelineItem) -> str:
    return " – ".join(date_label(d) for d in (item.date, item.end) if d)


def page_title(docs_dir: Path, page: str) -> str:
    """The first level-1 heading of a docs page (front matter skipped), else its path."""
    text, _meta = get_data((docs_dir / page).read_text(encoding="utf-8"))
    for heading in text.splitlines():
        if m := re.match(r"^#\s+(.+?)\s*(?:\{[^}]*\})?\s*$", heading):
            return m.group(1)
    return page


def _item_end(item: Item) -> list[str]:
    """The note, the caveats and the sources that close every item."""
    out = sd.admonition("!!! note", "说明", sd.unwrap(item.note)) if item.note else []
    if item.once_unverified:
        out += sd.admonition("!!! info", "核查记录", [ONCE_UNVERIFIED])
    if not item.has_primary:
        out += sd.admonition("!!! warning", "只有二手来源", [SECONDARY_ONLY])
    return [*out, "**出处**", "", *sd.source_list(item.sources), ""]


def _total(items: tuple[Item, ...], unit: str) -> str:
    return f"以上共 {len(items)} {unit}，" + sd.sources_sentence(items)


def render_timeline(data: Data) -> str:
    rows = []
    for t in data.timeline:
        n, primary = len(t.sources), sum(s.primary for s in t.sources)
        count = f"{n} 条（一手 {primary} 条）" if primary else f"{n} 条（只有二手来源）"
        rows.append([span_label(t), f"[{sd.cell(t.title)}](#{t.anchor})", count])
    out = sd.table("biography-timeline", ["时间", "经历", "出处"], rows)
    out += ["", "## 逐条经历与出处", ""]  # an h2 before the h3 items keeps the heading order
    for t in data.timeline:
        out += [f"### {span_label(t)} · {t.title} {{ #{t.anchor} }}", ""]
        out += [*sd.unwrap(t.text), "", *_item_end(t)]
    return "\n".join([*out, _total(data.timeline, "条经历")])


def render_work(data: Data, from_page: str, titles: dict[str, str]) -> str:
    """``titles``: each related page's link text (its level-1 heading)."""

    def link(page: str) -> str:
        return f"[{sd.md_link_text(titles.get(page, page))}]({sd.relative_link(from_page, page)})"

    rows = []
    for w in data.work:
        pages = "、".join(link(r.page) for r in w.related)
        rows.append([f"[{sd.cell(w.name)}](#{w.anchor})", str(w.year), w.kind, pages])
    out = sd.table("biography-work", ["名称", "年份", "类型", "本站相关页面"], rows)
    out += ["", "## 逐项介绍", ""]
    for w in data.work:
        related = [f"- {link(r.page)}：{' '.join(sd.unwrap(r.why))}" for r in w.related]
        out += [f"### {w.name}（{w.year}） {{ #{w.anchor} }}", "", f"**类型**：{w.kind}", ""]
        out += ["**它是什么**", "", *sd.unwrap(w.what), ""]
        out += ["**学习者能得到什么**", "", *sd.unwrap(w.learn), ""]
        out += ["**本站相关页面**", "", *related, "", *_item_end(w)]
    return "\n".join([*out, _total(data.work, "项")])


def replace_markers(markdown: str, page: str, data: Data, titles: dict[str, str]) -> str:
    def render(name: str) -> str | None:
        if name == "timeline":
            return render_timeline(data)
        return render_work(data, page, titles) if name == "work" else None

    return sd.expand_markers(markdown, page, "biography", render, PAGE_MARKERS.get(page, ""))


# MkDocs events
_state: dict = {}


def on_config(config):
    _state["data"] = Data.load()
    return config


def on_files(files, config):
    """Related pages are linked from the work page only, so only then must they exist."""
    uris = {f.src_uri for f in files.documentation_pages()}
    related = [(w, r.page) for w in _state["data"].work for r in w.related if WORK_PAGE in uris]
    for w, page in related:
        if page not in uris:
            raise Data.fail(w, f"related page {page} is not part of the build")
    docs = Path(config["docs_dir"])
    _state["titles"] = {page: page_title(docs, page) for _, page in related}
    return files


def on_page_markdown(markdown, page, config, files):
    return replace_markers(markdown, page.file.src_uri, _state["data"], _state["titles"])


def on_post_build(config):
    data = _state["data"]
    items = f"{len(data.timeline)} timeline items, {len(data.work)} work items"
    log.info("生平: %s, %s", items, sd.sources_log([*data.timeline, *data.work]))
