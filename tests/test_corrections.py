"""勘误与参考文献：data/corrections.yml、hooks/corrections.py、docs/errata.md。

No network: URLs are only checked for form.  The hook's functions are called directly on
the page markdown; one quick MkDocs build (only this hook, no notebooks) checks the real
HTML, and a full strict build of the whole site (slow) checks it again.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import markdown as md_lib
import pytest
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data
from sitebuild import load_hook, quick_build

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DATA_FILE = ROOT / "data" / "corrections.yml"
ARTICLE = ROOT / "data" / "article_zh.txt"


hook = load_hook("corrections")
DATA = hook.Data.load(DATA_FILE)
RAW = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
BY_ID = {c.id: c for c in DATA.corrections}
PAGES = sorted({c.page for c in DATA.corrections})

# Claims of the site's first fact-check (correction ids fcNN) judged wrong, misleading or
# unverified.
FACTCHECK_FLAGGED = [1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 14, 15, 16, 17, 21, 22, 23, 24, 26, 27,
                     28, 29, 32, 33, 34, 35, 36, 37, 39, 40, 42, 46, 47]  # fmt: skip


def page_markdown(page: str) -> str:
    """The page source as MkDocs hands it to on_page_markdown (front matter removed)."""
    body, _meta = get_data((DOCS / page).read_text(encoding="utf-8"))
    return body


def raw_entry(cid: str) -> dict:
    for entry in RAW["corrections"]:
        if entry["id"] == cid:
            return copy.deepcopy(entry)
    raise KeyError(cid)


# ---------------------------------------------------------------------------------------
# the data file
# ---------------------------------------------------------------------------------------
def test_ids_unique_and_every_verdict_used():
    ids = [c.id for c in DATA.corrections]
    assert len(ids) == len(set(ids))
    verdicts = {c.verdict for c in DATA.corrections}
    assert {"wrong", "misleading", "unverified"} <= verdicts
    assert verdicts <= set(hook.VERDICTS)


def test_every_flagged_factcheck_claim_has_a_correction():
    covered = {int(m.group(1)) for c in DATA.corrections if (m := re.match(r"fc(\d+)", c.id))}
    missing = [n for n in FACTCHECK_FLAGGED if n not in covered]
    assert not missing, f"factcheck rows without a correction: {missing}"
    for c in DATA.corrections:
        if int(re.match(r"fc(\d+)", c.id).group(1)) in FACTCHECK_FLAGGED:
            assert c.verdict != "correct", c.id


def test_every_correction_has_a_source_and_well_formed_urls():
    for c in DATA.corrections:
        assert c.sources, c.id
        for s in c.sources:
            parts = urlsplit(s.url)
            assert parts.scheme in ("http", "https"), (c.id, s.url)
            assert parts.hostname and "." in parts.hostname, (c.id, s.url)
            assert not re.search(r"\s", s.url), (c.id, s.url)
            assert s.title and isinstance(s.primary, bool), c.id


def test_wrong_claims_have_a_primary_source_where_one_exists():
    # only the birth year rests on secondary sources alone
    without_primary = [
        c.id
        for c in DATA.corrections
        if c.verdict == "wrong" and not any(s.primary for s in c.sources)
    ]
    assert without_primary == ["fc02"]


def test_rnn_terminology_correction():
    c = BY_ID["fc15"]
    assert c.page == "algorithms/rnn.md" and "递归神经网络" in c.quote
    assert "循环神经网络" in c.correction and "循环神经网络" in c.summary
    assert "循环神经网络" in hook.process_page(page_markdown(c.page), c.page, DATA)


# ---------------------------------------------------------------------------------------
# quotes are the author's text, exactly once on their page
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cid", [c.id for c in DATA.corrections])
def test_quote_occurs_exactly_once_in_page_source(cid):
    c = BY_ID[cid]
    assert page_markdown(c.page).count(c.quote) == 1


@pytest.mark.skipif(not ARTICLE.is_file(), reason="data/article_zh.txt (the article) not present")
def test_quotes_come_from_the_article_itself():
    article = ARTICLE.read_text(encoding="utf-8")
    foreign = [c.id for c in DATA.corrections if c.quote not in article]
    assert not foreign, f"quotes not in the author's article: {foreign}"


# ---------------------------------------------------------------------------------------
# the hook on the real pages
# ---------------------------------------------------------------------------------------
NOTE_LINE = re.compile(
    r"^\s*(<div class=\"erratum-anchor\"|</div>|!!! erratum|\?\?\?\+? erratum|\s{4}|$)"
)


def _strip_notes(text: str) -> str:
    """Remove the inserted note blocks (from the anchor <div> to its </div>)."""
    out, skipping, indent = [], False, ""
    for line in text.split("\n"):
        if not skipping and line.lstrip().startswith('<div class="erratum-anchor"'):
            skipping, indent = True, line[: len(line) - len(line.lstrip())]
            continue
        if skipping:
            if line == indent + "</div>":
                skipping = False
            continue
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("page", PAGES)
def test_hook_inserts_every_note_and_keeps_the_author_text(page):
    source = page_markdown(page)
    mine = [c for c in DATA.corrections if c.page == page]
    processed = hook.process_page(source, page, DATA)
    assert all(processed.count(f'id="{c.anchor}"') == 1 for c in mine)
    out = hook.insert_notes(source, mine)
    for c in mine:
        assert out.count(f'id="{c.anchor}"') == 1, c.id
        assert out.count(c.quote) == 1, c.id
        # the note follows the block that holds the quote: no blank line (paragraph break)
        # between the quote and the first note, and only notes between that and this one
        end = out.index(c.quote) + len(c.quote)
        first_note = out.index('<div class="erratum-anchor"', end)
        gap = out[end:first_note].rstrip(" ")
        assert "\n\n" not in gap.rstrip("\n"), (c.id, gap)
        own = out.index(f'id="{c.anchor}"')
        between = out[first_note:own].split("\n")
        assert all(NOTE_LINE.match(x) for x in between), c.id
    # removing the notes gives the author's page back, line for line (blank lines aside)
    squeeze = lambda s: [x for x in s.split("\n") if x.strip()]  # noqa: E731
    assert squeeze(_strip_notes(out)) == squeeze(source)


def test_notes_carry_verdict_correction_and_source_links():
    c = BY_ID["fc12"]
    lines = hook.render_note(c)
    text = "\n".join(lines)
    assert lines[0] == f'<div class="erratum-anchor" id="erratum-{c.id}" markdown>'
    assert "verdict-wrong" in text and "勘误 · 错误" in text and c.summary in text
    for s in c.sources:
        assert f"]({s.url})" in text
    assert "](../errata.md#row-fc12)" in text  # page is algorithms/word-embeddings.md
    long_note = "\n".join(hook.render_note(BY_ID["fc07"]))
    assert "??? erratum verdict-misleading" in long_note  # long -> collapsible


def test_errata_table_lists_every_correction_with_a_link_to_its_note():
    table = hook.render_table(DATA.corrections, "errata.md")
    rows = [r for r in table.split("\n") if r.startswith('| <span id="row-')]
    assert len(rows) == len(DATA.corrections)
    for c, row in zip(DATA.corrections, rows, strict=True):
        assert f"({c.page}#erratum-{c.id})" in row
        assert f"verdict-{c.verdict}" in row
        assert row.count("](http") == len(c.sources)
    summary = hook.render_summary(DATA)
    s = hook.stats(DATA)
    assert f"**{len(DATA.corrections)}**" in summary
    assert s["sources_primary"] <= s["sources"] and s["unique_sources"] <= s["sources"]
    assert sum(s["by_verdict"].values()) == len(DATA.corrections)


def test_errata_page_and_bibliography_markers_expand():
    errata = hook.process_page(page_markdown("errata.md"), "errata.md", DATA)
    assert "<!--" not in errata and errata.count('<span id="row-') == len(DATA.corrections)
    refs = hook.process_page(page_markdown("references.md"), "references.md", DATA)
    assert "<!-- bibliography" not in refs
    for b in DATA.bibliography:
        assert f'id="bib-{b.id}"' in refs
    res = hook.process_page(page_markdown("resources.md"), "resources.md", DATA)
    cited = [b for b in DATA.bibliography if "resources.md" in b.cited_on]
    assert len(cited) >= 4 and all(f'id="bib-{b.id}"' in res for b in cited)


# ---------------------------------------------------------------------------------------
# placement rules on synthetic markdown, rendered with Python-Markdown
# ---------------------------------------------------------------------------------------
def _note(cid: str, quote: str, page: str = "x.md", verdict: str = "wrong") -> object:
    return hook.Correction(
        id=cid, page=page, section="s", quote=quote, verdict=verdict, summary="简短结论",
        correction="更正的内容。", sources=(hook.sd.Source("t", "https://example.org/a", True),),
    )  # fmt: skip


def _html(text: str) -> str:
    exts = ["admonition", "pymdownx.details", "md_in_html", "attr_list", "pymdownx.superfences"]
    return md_lib.markdown(text, extensions=exts)


def test_note_after_paragraph_heading_and_code_block():
    text = (
        "# 标题甲\n\n第一段，含引文甲。\n第一段第二行。\n\n"
        "```python\nx = 1  # 引文乙\n\ny = 2\n```\n\n尾段。\n"
    )
    notes = [_note("a", "引文甲"), _note("b", "引文乙"), _note("c", "标题甲")]
    out = hook.insert_notes(text, notes, errata_page=None)
    lines = out.split("\n")
    assert lines.index('<div class="erratum-anchor" id="erratum-c" markdown>') < lines.index(
        "第一段，含引文甲。"
    )
    assert out.index("第一段第二行。") < out.index('id="erratum-a"') < out.index("```python")
    assert out.index("y = 2\n```") < out.index('id="erratum-b"') < out.index("尾段。")
    html = _html(out)
    assert html.count('class="erratum-anchor"') == 3
    assert "<code>" in html or "<pre>" in html


def test_note_inside_tight_list_item_stays_in_the_list():
    text = "前文。\n\n- 甲项\n- 乙项，含引文\n- 丙项\n\n后文。\n"
    out = hook.insert_notes(text, [_note("l", "引文")], errata_page=None)
    assert '\n    <div class="erratum-anchor" id="erratum-l">' in out
    root = ElementTree.fromstring(f"<root>{_html(out)}</root>")
    (ul,) = root.findall("ul")  # still one list with three items
    items = ul.findall("li")
    assert len(items) == 3
    (anchor,) = items[1].findall("div")
    assert anchor.get("id") == "erratum-l"
    assert anchor.find("div").get("class") == "admonition erratum verdict-wrong"


def test_note_inside_admonition_keeps_its_indentation():
    text = '!!! abstract "摘要"\n\n    摘要正文，含引文。\n\n正文。\n'
    out = hook.insert_notes(text, [_note("n", "引文", verdict="misleading")], None)
    html = _html(out)
    abstract = html[html.index('class="admonition abstract"') : html.index("<p>正文。</p>")]
    assert 'id="erratum-n"' in abstract and "verdict-misleading" in abstract


def test_several_notes_after_one_block_keep_data_order():
    text = "一段话，含甲，也含乙。\n\n下一段。\n"
    out = hook.insert_notes(text, [_note("p2", "乙"), _note("p1", "甲")], None)
    assert out.index('id="erratum-p2"') < out.index('id="erratum-p1"') < out.index("下一段")


# ---------------------------------------------------------------------------------------
# broken entries fail loudly, naming the id
# ---------------------------------------------------------------------------------------
def test_quote_not_in_page_fails_naming_id_and_page():
    c = _note("ghost", "原文里没有的话", page="background.md")
    with pytest.raises(PluginError, match=r"ghost.*not found.*background\.md"):
        hook.insert_notes(page_markdown("background.md"), [c])


def test_quote_found_twice_fails():
    c = _note("twice", "重复")
    with pytest.raises(PluginError, match=r"twice.*found 2 times"):
        hook.insert_notes("重复。\n\n又重复。\n", [c])


def _doc_with(entry: dict) -> dict:
    return {"version": 1, "corrections": [entry], "bibliography": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(verdict="false"), r"fc12.*'verdict'.*'false'"),
        (lambda e: e.pop("sources"), r"fc12.*missing field.*sources"),
        (lambda e: e.pop("quote"), r"fc12.*missing field.*quote"),
        (lambda e: e.update(sources=[]), r"fc12.*sources"),
        (lambda e: e.update(typo="x"), r"fc12.*unknown field.*typo"),
        (lambda e: e["sources"][0].update(url="arxiv.org/abs/1301.3781"), r"fc12.*'url'"),
        (lambda e: e["sources"][0].update(url="ftp://example.org/x"), r"fc12.*'url'"),
        (lambda e: e["sources"][0].update(url="https://exa mple.org/"), r"fc12.*'url'"),
        (lambda e: e["sources"][0].update(url="https://"), r"fc12.*'url'"),
        (lambda e: e["sources"][0].pop("primary"), r"fc12.*missing field.*primary"),
        (lambda e: e.update(page="../secret.md"), r"fc12.*page"),
        (lambda e: e.update(summary='带 "引号" 的结论'), r"fc12.*summary"),
    ],
)
def test_broken_entry_fails_naming_the_id(change, message):
    entry = raw_entry("fc12")
    change(entry)
    with pytest.raises(PluginError, match=message):
        hook.Data.validate(_doc_with(entry))


def test_page_outside_the_build_and_duplicate_id_fail():
    entry = raw_entry("fc12")
    entry["page"] = "no-such-page.md"
    hook._state["data"] = hook.Data.validate(_doc_with(entry))
    files = SimpleNamespace(documentation_pages=lambda: [SimpleNamespace(src_uri="fc.md")])
    with pytest.raises(PluginError, match=r"fc12.*no-such-page\.md.*not part of the build"):
        hook.on_files(files, {})
    twin = raw_entry("fc12")
    doc = {"corrections": [twin, copy.deepcopy(twin)]}
    with pytest.raises(PluginError, match=r"fc12.*duplicate id"):
        hook.Data.validate(doc)


def test_broken_yaml_file_fails(tmp_path):
    bad = tmp_path / "corrections.yml"
    entry = raw_entry("fc01")
    entry["verdict"] = "maybe"
    bad.write_text(yaml.safe_dump(_doc_with(entry), allow_unicode=True), encoding="utf-8")
    with pytest.raises(PluginError, match=r"fc01.*'verdict'.*'maybe'"):
        hook.Data.load(bad)


# ---------------------------------------------------------------------------------------
# bibliography
# ---------------------------------------------------------------------------------------
def test_every_reference_has_authors_title_year_and_a_link():
    for b in DATA.bibliography:
        assert b.authors and all(a.strip() for a in b.authors), b.id
        assert b.title and b.venue and 1900 <= b.year <= 2100, b.id
        assert b.doi or b.arxiv or b.url, b.id
        for url in [b.url] if b.url else []:
            assert urlsplit(url).scheme in ("http", "https"), b.id
        entry = hook.render_bib_entry(b)
        assert "](https://" in entry and str(b.year) in entry, b.id


def test_bibliography_holds_the_required_works():
    ids = {b.id for b in DATA.bibliography}
    required = {"mikolov2013a", "mikolov2013b", "rumelhart1986", "lecun1998", "krizhevsky2012",
                "hochreiter1997", "gal2016", "noroozi2016", "karpathy2015rnnblog"}  # fmt: skip
    assert required <= ids
    by_id = {b.id: b for b in DATA.bibliography}
    assert by_id["gal2016"].authors == ("Yarin Gal", "Zoubin Ghahramani")
    assert by_id["noroozi2016"].authors == ("Mehdi Noroozi", "Paolo Favaro")
    assert by_id["karpathy2015rnnblog"].year == 2015
    karpathy_papers = [
        b for b in DATA.bibliography if b.group == "karpathy" and "Andrej Karpathy" in b.authors
    ]
    assert len(karpathy_papers) >= 8


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda b: [b.pop(k, None) for k in ("doi", "arxiv", "url")],
            r"mikolov2013a.*doi, arxiv, url",
        ),
        (lambda b: b.update(arxiv=1301.3781), r"mikolov2013a.*arXiv"),
        (lambda b: b.update(authors=[]), r"mikolov2013a.*authors"),
        (lambda b: b.pop("year"), r"mikolov2013a.*missing field.*year"),
        (lambda b: b.update(group="misc"), r"mikolov2013a.*group"),
    ],
)
def test_broken_reference_fails_naming_the_id(change, message):
    entry = copy.deepcopy(next(b for b in RAW["bibliography"] if b["id"] == "mikolov2013a"))
    change(entry)
    doc = {"corrections": [raw_entry("fc12")], "bibliography": [entry]}
    with pytest.raises(PluginError, match=message):
        hook.Data.validate(doc)


# ---------------------------------------------------------------------------------------
# built HTML
# ---------------------------------------------------------------------------------------
def _html_path(site: Path, page: str) -> Path:
    stem = page[: -len(".md")]
    if stem == "index":
        return site / "index.html"
    if stem.endswith("/index"):
        return site / stem[: -len("index")] / "index.html"
    return site / stem / "index.html"


def check_built_site(site: Path) -> None:
    for c in DATA.corrections:
        html = _html_path(site, c.page).read_text(encoding="utf-8")
        assert html.count(f'id="{c.anchor}"') == 1, (c.id, c.page)
        note = html[html.index(f'id="{c.anchor}"') :]
        assert f"verdict-{c.verdict}" in note[:300], c.id
        assert c.sources[0].url.replace("&", "&amp;") in note, c.id
    assert "循环神经网络" in _html_path(site, "algorithms/rnn.md").read_text(encoding="utf-8")
    errata_html = _html_path(site, "errata.md")
    errata = errata_html.read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"#]*#erratum-[a-z0-9-]+)"', errata)
    linked = set()
    for href in hrefs:
        path, anchor = href.split("#")
        target = (errata_html.parent / unquote(path)).resolve()
        target = target / "index.html" if target.is_dir() else target
        assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), href
        linked.add(anchor)
    assert linked == {c.anchor for c in DATA.corrections}
    refs = _html_path(site, "references.md").read_text(encoding="utf-8")
    assert all(f'id="bib-{b.id}"' in refs for b in DATA.bibliography)


@pytest.fixture(scope="module")
def quick_site(tmp_path_factory):
    """The real docs and Markdown config, built with only this hook (seconds, no notebooks)."""
    return quick_build(tmp_path_factory.mktemp("corrections-site"), "corrections")


def test_quick_build_has_every_note_and_the_table_links_resolve(quick_site):
    check_built_site(quick_site)


@pytest.mark.slow
def test_full_strict_site_build(tmp_path_factory):
    from sitebuild import built_site

    check_built_site(built_site(tmp_path_factory.mktemp("full-site")))
