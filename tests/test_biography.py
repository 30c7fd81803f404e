"""生平时间线与“他做了什么、教了什么”：data/biography.yml、hooks/biography.py、docs/karpathy/.

No network: URLs are only checked for form.  The hook's pure functions are called on the
data; one quick MkDocs build of the real docs with only this hook (no notebooks, no other
plugins) checks the generated HTML, its anchors and its links.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data
from sitebuild import load_hook, quick_build

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DATA_FILE = ROOT / "data" / "biography.yml"
CORRECTIONS_FILE = ROOT / "data" / "corrections.yml"


hook = load_hook("biography")
DATA = hook.Data.load(DATA_FILE)
RAW = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
ITEMS = [*DATA.timeline, *DATA.work]
TITLES = {r.page: hook.page_title(DOCS, r.page) for w in DATA.work for r in w.related}
TIMELINE_MD = hook.render_timeline(DATA)
WORK_MD = hook.render_work(DATA, hook.WORK_PAGE, TITLES)


def claims(item) -> str:
    """What an item asserts (its caveat notes are excluded)."""
    if isinstance(item, hook.TimelineItem):
        return f"{item.title}\n{item.text}"
    return f"{item.name}\n{item.what}\n{item.learn}"


def raw_copy() -> dict:
    return copy.deepcopy(RAW)


def raw_item(raw: dict, kind: str, ident: str) -> dict:
    return next(x for x in raw[kind] if x["id"] == ident)


# ---------------------------------------------------------------------------------------
# the data file
# ---------------------------------------------------------------------------------------
def test_the_timeline_has_every_milestone_with_its_date():
    t = {x.id: x for x in DATA.timeline}
    expected = {  # id -> (date prefix, words the text must contain)
        "born": ("1986", ["布拉迪斯拉发"]),
        "bsc": ("2009", ["多伦多大学"]),
        "msc": ("2011", ["UBC"]),
        "phd": ("2011", ["斯坦福", "李飞飞"]),
        "cs231n": ("2015", ["CS231n"]),
        "openai-founding": ("2015-12", ["OpenAI", "创始成员"]),
        "tesla": ("2017", ["特斯拉", "AI 总监"]),
        "tesla-leave": ("2022", ["特斯拉"]),
        "openai-return": ("2023", ["OpenAI"]),
        "openai-leave": ("2024", ["OpenAI"]),
        "eureka": ("2024-07", ["Eureka Labs"]),
    }
    for ident, (date, words) in expected.items():
        assert ident in t, f"timeline item {ident} missing"
        assert t[ident].date.startswith(date), ident
        for w in words:
            assert w in claims(t[ident]), (ident, w)
    work = {x.id: x for x in DATA.work}
    for ident, year in {
        "char-rnn": 2015,
        "cs231n": 2015,
        "rnn-blog": 2015,
        "micrograd": 2020,
        "nanogpt": 2022,
    }.items():
        assert ident in work and work[ident].year == year, ident
    assert "2015 年 5 月 21 日" in work["rnn-blog"].what
    assert "不是会议或期刊论文" in work["rnn-blog"].what


# What he built and taught: id -> (year, month or None when no primary source gives it,
# words the name must contain, the primary source (his own repository, post or video) it cites)
EXPECTED_WORK = {
    "convnetjs": (2014, 1, ["ConvNetJS"], "https://github.com/karpathy/convnetjs"),
    "imagenet-human": (
        2014,
        9,
        ["ImageNet", "What I learned from competing against a ConvNet on ImageNet"],
        "https://karpathy.github.io/2014/09/02/what-i-learned-from-competing-against-a-convnet-on-imagenet/",
    ),
    "arxiv-sanity": (
        2015,
        11,
        ["arxiv-sanity"],
        "https://github.com/karpathy/arxiv-sanity-preserver",
    ),
    "software-2": (
        2017,
        None,
        ["Software 2.0"],
        "https://karpathy.medium.com/software-2-0-a64152b37c35",
    ),
    "mingpt": (2020, 8, ["minGPT"], "https://github.com/karpathy/minGPT"),
    "tesla-ai-day": (
        2021,
        8,
        ["Tesla AI Day 2021", "Autopilot"],
        "https://www.youtube.com/watch?v=j0z4FweCy4M",
    ),
    "state-of-gpt": (
        2023,
        5,
        ["State of GPT", "Microsoft Build 2023"],
        "https://www.youtube.com/watch?v=bZQun8Y4L2A",
    ),
    "llama2-c": (2023, 7, ["llama2.c"], "https://github.com/karpathy/llama2.c"),
    "intro-to-llms": (
        2023,
        11,
        ["Intro to Large Language Models"],
        "https://www.youtube.com/watch?v=zjkBMFhNj_g",
    ),
    "minbpe": (
        2024,
        2,
        ["minbpe", "Let's build the GPT Tokenizer"],
        "https://www.youtube.com/watch?v=zduSFxRajkE",
    ),
    "gpt2-repro": (
        2024,
        6,
        ["Let's reproduce GPT-2 (124M)"],
        "https://www.youtube.com/watch?v=l8pRSuU81PU",
    ),
    "vibe-coding": (
        2025,
        2,
        ["vibe coding"],
        "https://x.com/karpathy/status/1886192184808149383",
    ),
    "deep-dive-llms": (
        2025,
        2,
        ["Deep Dive into LLMs like ChatGPT"],
        "https://www.youtube.com/watch?v=7xTGNNLPyMI",
    ),
    "software-changing": (
        2025,
        6,
        ["Software Is Changing (Again)", "YC AI Startup School"],
        "https://www.youtube.com/watch?v=LCEmiRjPEtQ",
    ),
    "nanochat": (2025, 10, ["nanochat"], "https://github.com/karpathy/nanochat"),
    "microgpt": (2026, 2, ["microgpt"], "https://karpathy.github.io/2026/02/12/microgpt/"),
    "autoresearch": (2026, 3, ["autoresearch"], "https://github.com/karpathy/autoresearch"),
}


@pytest.mark.parametrize("ident", sorted(EXPECTED_WORK))
def test_each_work_is_present_dated_and_primary_sourced(ident):
    year, month, words, url = EXPECTED_WORK[ident]
    work = {x.id: x for x in DATA.work}
    assert ident in work, f"work item {ident} missing"
    item = work[ident]
    assert item.year == year, ident
    for w in words:
        assert w in item.name, (ident, w)
    assert any(s.url == url and s.primary for s in item.sources), (ident, url)
    when = f"{year} 年 {month} 月" if month else f"{year} 年"
    assert when in item.what, (ident, when)  # the month, where known, is in the text
    assert item.related, ident


def test_work_items_with_a_known_month_are_in_date_order():
    dated = [(w.year, EXPECTED_WORK[w.id][1] or 0) for w in DATA.work if w.id in EXPECTED_WORK]
    assert dated == sorted(dated)
    # an item without a known month only has to follow the year order
    assert [w.year for w in DATA.work] == sorted(w.year for w in DATA.work)


def test_ids_unique_and_items_in_time_order():
    for items in (DATA.timeline, DATA.work):
        ids = [x.id for x in items]
        assert len(ids) == len(set(ids))
    dates = [tuple(map(int, t.date.split("-"))) for t in DATA.timeline]
    assert dates == sorted(dates)
    years = [w.year for w in DATA.work]
    assert years == sorted(years)


@pytest.mark.parametrize("item", ITEMS, ids=lambda x: f"{type(x).__name__}-{x.id}")
def test_every_item_has_a_well_formed_source(item):
    assert item.sources
    for s in item.sources:
        parts = urlsplit(s.url)
        assert parts.scheme in ("http", "https"), s.url
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", parts.hostname or ""), s.url
        assert not re.search(r"\s", s.url), s.url
        assert isinstance(s.primary, bool)
        assert s.title and "\n" not in s.title


def test_secondary_sources_are_marked_as_such():
    # news, encyclopaedias and podcast transcripts are never called primary
    secondary_hosts = (
        "wikipedia.org",
        "engadget.com",
        "teslarati.com",
        "gizmodo.com.au",
        "techcrunch.com",
        "re-work.co",
        "videodb.org",
        "eletric-vehicles.com",
    )
    for item in ITEMS:
        for s in item.sources:
            if (urlsplit(s.url).hostname or "").endswith(secondary_hosts):
                assert not s.primary, (item.id, s.url)


# ---------------------------------------------------------------------------------------
# what the fact-check marks unverified
# ---------------------------------------------------------------------------------------
# Claims the fact-check lists as unverified, with no primary source found: they must not
# be asserted anywhere (title/text/what/learn; notes may mention them as excluded).
UNVERIFIED_LEFT_OUT = {
    "Toronto start year ≈2005": r"2005",
    "OpenAI full-time from September 2016": r"2016\s*年\s*9\s*月|September 2016",
    "taught himself programming in high school": r"自学编程|高中",
    "paused Eureka Labs": r"暂停",
    "machine translation papers": r"机器翻译",
    "medical imaging work": r"医学",
    "exact birth day (secondary sources only)": r"10\s*月\s*23\s*日",
}

# Claims the fact-check lists as unverified that we include because we found a primary
# source: every item asserting them must carry `once_unverified` and a primary source.
UNVERIFIED_INCLUDED = {
    "joined Anthropic": lambda item: "Anthropic" in claims(item),
    "exact day Eureka Labs was announced": lambda item: (
        isinstance(item, hook.TimelineItem)
        and "Eureka Labs" in item.title
        and item.date.count("-") == 2  # a full date
    ),
}


@pytest.mark.parametrize("label", sorted(UNVERIFIED_LEFT_OUT))
def test_unverified_claims_without_a_primary_source_are_left_out(label):
    pattern = re.compile(UNVERIFIED_LEFT_OUT[label])
    offenders = [item.id for item in ITEMS if pattern.search(claims(item))]
    assert not offenders, f"{label}: asserted by {offenders}"


@pytest.mark.parametrize("label", sorted(UNVERIFIED_INCLUDED))
def test_unverified_claims_are_included_only_with_a_flagged_primary_source(label):
    matching = [item for item in ITEMS if UNVERIFIED_INCLUDED[label](item)]
    assert matching, f"{label}: no item (update the test if it was removed on purpose)"
    for item in matching:
        assert item.once_unverified, item.id
        assert item.has_primary, item.id


def test_every_flagged_item_has_a_primary_source():
    flagged = [item for item in ITEMS if item.once_unverified]
    assert flagged
    for item in flagged:
        assert item.has_primary, item.id


def test_items_without_a_primary_source_are_labelled_on_the_page():
    rendered = {"TimelineItem": TIMELINE_MD, "WorkItem": WORK_MD}
    for item in ITEMS:
        md = rendered[type(item).__name__]
        section = md[md.index(f"#{item.anchor} }}") :]
        section = section[: section.find("\n### ") if "\n### " in section else None]
        assert ('!!! warning "只有二手来源"' in section) == (not item.has_primary), item.id


# ---------------------------------------------------------------------------------------
# consistency with data/corrections.yml (another engineer's checked sources)
# ---------------------------------------------------------------------------------------
def _norm(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def _corrections_sources() -> dict[str, list[tuple[str, bool | None]]]:
    raw = yaml.safe_load(CORRECTIONS_FILE.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, bool | None]]] = {}
    for s in raw.get("shared_sources", []):
        out.setdefault(_norm(s["url"]), []).append((s["url"], s["primary"]))
    for c in raw.get("corrections", []):
        for s in c["sources"]:
            out.setdefault(_norm(s["url"]), []).append((s["url"], s["primary"]))
    for b in raw.get("bibliography", []):
        if b.get("url"):
            out.setdefault(_norm(b["url"]), []).append((b["url"], None))
    return out


def test_urls_shared_with_corrections_are_spelled_and_classified_the_same():
    theirs = _corrections_sources()
    shared = 0
    for item in ITEMS:
        for s in item.sources:
            for url, primary in theirs.get(_norm(s.url), []):
                shared += 1
                assert s.url == url, f"{item.id}: {s.url} vs corrections.yml {url}"
                if primary is not None:
                    assert s.primary == primary, f"{item.id}: primary flag differs for {url}"
    assert shared >= 10  # the biography reuses the checked sources


# ---------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------
def test_rendered_timeline_contains_every_item_in_order():
    positions = []
    for t in DATA.timeline:
        heading = f"### {hook.span_label(t)} · {t.title} {{ #{t.anchor} }}"
        assert heading in TIMELINE_MD, t.id
        assert f"](#{t.anchor})" in TIMELINE_MD, t.id  # overview table row
        for s in t.sources:
            assert f"]({s.url})" in TIMELINE_MD, (t.id, s.url)
        positions.append(TIMELINE_MD.index(heading))
    assert positions == sorted(positions)
    assert f"共 {len(DATA.timeline)} 条经历" in TIMELINE_MD


def test_rendered_work_contains_every_item_and_links_to_existing_pages():
    for w in DATA.work:
        assert f"### {w.name}（{w.year}） {{ #{w.anchor} }}" in WORK_MD, w.id
        for s in w.sources:
            assert f"]({s.url})" in WORK_MD, (w.id, s.url)
        for r in w.related:
            link = hook.sd.relative_link(hook.WORK_PAGE, r.page)
            assert f"]({link})" in WORK_MD, (w.id, r.page)
            assert (DOCS / hook.WORK_PAGE).parent.joinpath(link).resolve().is_file(), link
    assert f"共 {len(DATA.work)} 项" in WORK_MD


def test_work_items_link_the_pages_about_them():
    related = {w.id: {r.page for r in w.related} for w in DATA.work}
    assert "algorithms/rnn.md" in related["char-rnn"]
    assert "algorithms/rnn.md" in related["rnn-blog"]
    assert {"algorithms/cnn.md", "math/backpropagation.md"} <= related["cs231n"]
    assert "math/backpropagation.md" in related["micrograd"]


def test_paragraphs_are_not_wrapped_inside_chinese_text():
    # a newline inside a Chinese paragraph renders as a stray space in the browser, so the
    # generated markdown keeps every paragraph on one line: no two prose lines in a row
    structural = ("|", "#", "- ", "!!!", "<", "{", "**")
    for md in (TIMELINE_MD, WORK_MD):
        lines = [line.strip() for line in md.split("\n")]
        for a, b in zip(lines, lines[1:], strict=False):
            if a and b and not a.startswith(structural) and not b.startswith(structural):
                raise AssertionError(f"wrapped paragraph: {a!r} / {b!r}")


def test_wrapped_lines_are_joined():
    assert hook.sd.unwrap("深度\n学习") == ["深度学习"]
    assert hook.sd.unwrap("Deep\nLearning") == ["Deep Learning"]
    assert hook.sd.unwrap("BatchNorm\n和嵌入表") == ["BatchNorm 和嵌入表"]
    assert hook.sd.unwrap("用\nNumPy") == ["用 NumPy"]
    assert hook.sd.unwrap("（CVPR 2015）；\n代码") == ["（CVPR 2015）；代码"]
    assert hook.sd.unwrap("甲\n乙\n\n- 丙\n- 丁") == ["甲乙", "", "- 丙", "- 丁"]


@pytest.mark.parametrize(
    ("date", "label"),
    [("1986", "1986 年"), ("2017-06", "2017 年 6 月"), ("2015-12-11", "2015 年 12 月 11 日")],
)
def test_date_label(date, label):
    assert hook.date_label(date) == label


# ---------------------------------------------------------------------------------------
# the hook fails on a broken item, naming it
# ---------------------------------------------------------------------------------------
def _set(path: list, value):
    def mutate(raw):
        node = raw
        for key in path[:-1]:
            node = raw_item(node, key[0], key[1]) if isinstance(key, tuple) else node[key]
        node[path[-1]] = value

    return mutate


def _delete(kind: str, ident: str, key: str):
    def mutate(raw):
        del raw_item(raw, kind, ident)[key]

    return mutate


def _source_field(kind: str, ident: str, key: str, value):
    def mutate(raw):
        item = raw_item(raw, kind, ident)
        item["sources"] = copy.deepcopy(item["sources"])
        item["sources"][0][key] = value

    return mutate


def _swap_first_two(raw):
    raw["timeline"][0], raw["timeline"][1] = raw["timeline"][1], raw["timeline"][0]


def _duplicate(raw):
    raw["work"].append(copy.deepcopy(raw_item(raw, "work", "llm-c")))


def _drop_primary(ident: str):
    def mutate(raw):
        item = raw_item(raw, "timeline", ident)
        item["sources"] = [dict(s, primary=False) for s in item["sources"]]

    return mutate


BROKEN = {
    "no sources": (_delete("timeline", "bsc", "sources"), "bsc"),
    "empty sources": (_set([("timeline", "bsc"), "sources"], []), "bsc"),
    "no title": (_delete("timeline", "tesla", "title"), "tesla"),
    "no text": (_delete("timeline", "tesla", "text"), "tesla"),
    "unknown field": (_set([("timeline", "msc"), "born_in"], "x"), "msc"),
    "bad date": (_set([("timeline", "msc"), "date"], "2011-13"), "msc"),
    "date not a string": (_set([("timeline", "msc"), "date"], 2011), "msc"),
    "end before date": (_set([("timeline", "tesla"), "end"], "2016"), "tesla"),
    "out of order": (_swap_first_two, "born"),
    "source without url": (_source_field("timeline", "phd", "url", None), "phd"),
    "ftp url": (_source_field("work", "nanogpt", "url", "ftp://github.com/x"), "nanogpt"),
    "url without scheme": (_source_field("work", "nanogpt", "url", "github.com/x"), "nanogpt"),
    "url with space": (_source_field("work", "nanogpt", "url", "https://git hub.com/"), "nanogpt"),
    "url host without dot": (
        _source_field("work", "micrograd", "url", "http://localhost/"),
        "micrograd",
    ),
    "primary not a bool": (_source_field("work", "micrograd", "primary", "yes"), "micrograd"),
    "source title missing": (_source_field("work", "micrograd", "title", ""), "micrograd"),
    "work without related": (_set([("work", "char-rnn"), "related"], []), "char-rnn"),
    "related page not docs-relative": (
        _set([("work", "char-rnn"), "related"], [{"page": "../such.md", "why": "x"}]),
        "char-rnn",
    ),
    "unknown kind": (_set([("work", "char-rnn"), "kind"], "播客"), "char-rnn"),
    "year not an int": (_set([("work", "char-rnn"), "year"], "2015"), "char-rnn"),
    "duplicate id": (_duplicate, "llm-c"),
    "unverified without primary": (_drop_primary("anthropic"), "anthropic"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_item_fails_naming_it(case):
    mutate, ident = BROKEN[case]
    raw = raw_copy()
    mutate(raw)
    with pytest.raises(PluginError, match=re.escape(f"'{ident}'")):
        hook.Data.validate(raw)


def test_missing_and_broken_data_file_fail(tmp_path):
    with pytest.raises(PluginError, match="missing"):
        hook.Data.load(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("timeline: [\n", encoding="utf-8")
    with pytest.raises(PluginError, match="not valid YAML"):
        hook.Data.load(bad)
    with pytest.raises(PluginError, match="unknown field"):
        hook.Data.validate({**raw_copy(), "extra": 1})


def test_page_markers():
    md = "# t\n\n<!-- biography:timeline -->\n"
    assert "#tl-born" in hook.replace_markers(md, hook.TIMELINE_PAGE, DATA, TITLES)
    with pytest.raises(PluginError, match="biography:timeline"):
        hook.replace_markers("# t\n", hook.TIMELINE_PAGE, DATA, TITLES)
    with pytest.raises(PluginError, match="biography:work"):
        hook.replace_markers("<!-- biography:timeline -->", hook.WORK_PAGE, DATA, TITLES)
    with pytest.raises(PluginError, match="unknown marker"):
        hook.replace_markers("<!-- biography:nope -->", "x.md", DATA, TITLES)
    assert hook.replace_markers("# other page\n", "x.md", DATA, TITLES) == "# other page\n"


def test_projects_without_the_pages_build_unchanged(tmp_path):
    """Scratch projects (tests/site) keep this hook but have none of its pages."""
    config = {"docs_dir": str(tmp_path)}
    hook.on_config(config)
    files = SimpleNamespace(documentation_pages=lambda: [SimpleNamespace(src_uri="index.md")])
    hook.on_files(files, config)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"))
    assert hook.on_page_markdown("# 首页\n", page, config, files) == "# 首页\n"


def test_related_page_left_out_of_the_build_fails_naming_the_item():
    config = {"docs_dir": str(DOCS)}
    hook.on_config(config)
    uris = [p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")]
    uris.remove("algorithms/rnn.md")
    first = next(w for w in DATA.work if "algorithms/rnn.md" in {r.page for r in w.related})
    files = SimpleNamespace(documentation_pages=lambda: [SimpleNamespace(src_uri=u) for u in uris])
    with pytest.raises(PluginError, match=rf"'{first.id}'.*rnn\.md is not part of the build"):
        hook.on_files(files, config)


# ---------------------------------------------------------------------------------------
# the pages, background.md and mkdocs.yml
# ---------------------------------------------------------------------------------------
def page_markdown(page: str) -> str:
    body, _meta = get_data((DOCS / page).read_text(encoding="utf-8"))
    return body


def test_pages_have_a_chinese_intro_then_the_marker():
    for page, marker in hook.PAGE_MARKERS.items():
        md = page_markdown(page)
        assert md.lstrip().startswith("# ")
        intro = md[: md.index(f"<!-- biography:{marker} -->")]
        assert len(re.findall(r"[\u4e00-\u9fff]", intro)) > 150, page


def test_background_links_both_pages_after_the_authors_text():
    md = page_markdown("background.md")
    last_author_sentence = "尤其是在自然语言处理和计算机视觉方面。"
    tail = md[md.index(last_author_sentence) :]
    assert "(karpathy/timeline.md)" in tail and "(karpathy/work.md)" in tail
    head = md[: md.index(last_author_sentence)]
    assert "karpathy/" not in head


def test_mkdocs_yml_has_the_hook_and_the_nav_group():
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - hooks/corrections.py\n  - hooks/biography.py\n" in text
    assert (
        "  - 作者信息: author.md\n"
        "  - 关于 Karpathy:\n"
        "      - 生平时间线: karpathy/timeline.md\n"
        "      - 他做了什么、教了什么: karpathy/work.md\n"
    ) in text


# ---------------------------------------------------------------------------------------
# one quick build of the real docs with only this hook
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quick_site(tmp_path_factory):
    """The real docs and Markdown config, built with only this hook (seconds, no notebooks)."""
    return quick_build(tmp_path_factory.mktemp("biography-site"), "biography")


HREF_RE = re.compile(r'href="([^"]+)"')


def test_quick_build_has_every_item_and_its_links_resolve(quick_site):
    for page, items in ((hook.TIMELINE_PAGE, DATA.timeline), (hook.WORK_PAGE, DATA.work)):
        html_file = quick_site / page.removesuffix(".md") / "index.html"
        html = html_file.read_text(encoding="utf-8")
        html = html[html.index("<article") : html.index("</article>")]  # the page body
        for item in items:
            assert f'id="{item.anchor}"' in html, item.id
            assert f'href="#{item.anchor}"' in html, item.id
            for s in item.sources:
                assert s.url.replace("&", "&amp;") in html, (item.id, s.url)
        for href in HREF_RE.findall(html):
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("#", "mailto:")) or not parts.path:
                continue
            target = (html_file.parent / unquote(parts.path)).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), f"{page}: broken link {href}"
    work_html = (quick_site / "karpathy" / "work" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../algorithms/rnn/"' in work_html
