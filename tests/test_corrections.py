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


# ---------------------------------------------------------------------------------------
# fixed errors stay fixed (each test fails if the old wrong text comes back)
# ---------------------------------------------------------------------------------------
BIO_FILE = ROOT / "data" / "biography.yml"
BIB = {b.id: b for b in DATA.bibliography}
DATA_TEXT = DATA_FILE.read_text(encoding="utf-8")


def _urls(c) -> set[str]:
    return {s.url for s in c.sources}


def test_pytorch_first_public_release_is_january_2017():
    c = BY_ID["fc43"]
    assert "2016 年发布" not in c.correction and "2017 年 1 月" in c.correction
    assert "https://pytorch.org/blog/a-year-in/" in _urls(c)


def test_restrict_vocab_default_is_ours_not_gensims():
    text = page_markdown("algorithms/word-embeddings.md")
    assert "规则与 gensim 相同（只在最常见的 3 万个词中搜索" not in text
    assert "本站自己的默认值" in text and "restrict_vocab=300000" in text
    gensim = pytest.importorskip("gensim.models")
    import inspect

    for method in ("evaluate_word_analogies", "evaluate_word_pairs"):
        sig = inspect.signature(getattr(gensim.KeyedVectors, method))
        assert sig.parameters["restrict_vocab"].default == 300_000, method


def test_cnn_verdict_follows_the_results_file():
    """The 性能 page's verdict comes from benchmarks/results/cnn.json: a missed sub-target
    (Fashion-MNIST) means the CNN's line never says 达到."""
    import json

    bench = load_hook("bench_page")
    cnn = json.loads((ROOT / "benchmarks" / "results" / "cnn.json").read_text("utf-8"))
    line = bench.verdict_line(cnn)
    if False in cnn["target"]["met"].values():
        assert bench.target_met(cnn) is False
        assert "**结果：** ❌ 未达到" in line and "**结果：** ✅" not in line
    for page in DOCS.rglob("*.md"):
        assert "结果：✅ 达到" not in page.read_text(encoding="utf-8"), page


def test_cnn_machine_is_read_from_the_results_file():
    import json

    text = page_markdown("algorithms/cnn.md")
    assert "OpenBLAS 0." not in text and "NumPy 2." not in text  # no hand-typed versions
    assert "<!-- cnn-comparison -->" in text
    s5 = load_hook("section5_results")
    cnn = json.loads((ROOT / "benchmarks" / "results" / "cnn.json").read_text("utf-8"))
    machine = cnn["parts"]["comparison"].get("machine", cnn["machine"])
    rendered = "\n".join(s5.comparison_section(cnn))
    assert machine["numpy_blas"] in rendered and f"NumPy {machine['numpy']}" in rendered


def test_earliest_papers_are_the_ones_on_his_publication_list():
    assert "这是能查到的他最早的论文" not in DATA_TEXT
    assert "能查到的最早论文来自 UBC 硕士阶段" not in DATA_TEXT
    note = BY_ID["fc06a"].correction
    for title in ("Locomotion Skills for Simulated Quadrupeds", "Emergence of Object-Selective",
                  "Grounded Compositional Semantics"):  # fmt: skip
        assert title in note.replace("\n", " ")
    assert BIB["coros2011quadrupeds"].year == 2011
    assert BIB["coros2011quadrupeds"].authors[:2] == ("Stelian Coros", "Andrej Karpathy")
    assert BIB["coates2012emergence"].authors == ("Adam Coates", "Andrej Karpathy", "Andrew Y. Ng")
    assert (
        BIB["socher2014grounded"].year == 2014
        and "Andrej Karpathy" in BIB["socher2014grounded"].authors
    )


def _bio() -> dict:
    return yaml.safe_load(BIO_FILE.read_text(encoding="utf-8"))


def test_career_lists_match_the_timeline():
    """Every timeline milestone from OpenAI's founding on is in the career list (fc07), and
    the latest one also in the front page's note (fc07b)."""
    milestones = [t for t in _bio()["timeline"] if str(t["date"]) >= "2015-12"]
    for t in milestones:
        year, month = (int(x) for x in str(t["date"]).split("-")[:2])
        assert f"{year} 年 {month} 月" in BY_ID["fc07"].correction, t["id"]
    year, month = (int(x) for x in str(milestones[-1]["date"]).split("-")[:2])
    assert f"{year} 年 {month} 月" in BY_ID["fc07b"].correction
    assert "Eureka Labs。" not in BY_ID["fc07"].correction  # the list no longer ends there


def test_unverified_full_time_date_is_left_out_like_the_timeline():
    assert "2016 年 9 月起全职" not in DATA_TEXT


def test_career_sources_are_his_own_posts():
    c = BY_ID["fc07"]
    for host in ("engadget", "teslarati", "gizmodo", "eletric-vehicles"):
        assert not any(host in u for u in _urls(c)), host
    bio = {t["id"]: {s["url"] for s in t["sources"]} for t in _bio()["timeline"]}
    for tid in ("tesla-leave", "openai-return", "openai-leave", "eureka", "anthropic"):
        own = {u for u in bio[tid] if u.startswith("https://x.com/karpathy/")}
        assert own and own <= _urls(c), tid


def test_move_to_canada_cites_the_podcast_episode_not_a_transcript_site():
    assert "videodb.org" not in DATA_TEXT
    assert "https://www.therobotbrains.ai/who-is-andrej-karpathy" in _urls(BY_ID["fc03"])


def test_visualizing_rnns_venue_confirmed():
    b = BIB["karpathy2015visualizing"]
    assert "未核实" not in b.venue and "ICLR 2016 Workshop" in b.venue
    assert "共同第一作者" in b.note


def test_char_rnn_is_his_best_known_code_not_his_invention():
    text = page_markdown("algorithms/rnn.md")
    assert "Karpathy 最为人熟知的模型" not in text
    assert "不是 Karpathy 发明的" in text
    assert {"sutskever2011", "graves2013"} <= set(BIB)


def test_negative_gradient_note_sits_after_its_sentence():
    page = "math/gradient-descent.md"
    out = hook.insert_notes(page_markdown(page), [c for c in DATA.corrections if c.page == page])
    sentence = out.index("沿着梯度方向更新参数")
    note = out.index('id="erratum-fc20b"')
    assert sentence < note < out.index(BY_ID["fc20"].quote)  # before the formula block
    assert "负" in BY_ID["fc20b"].summary and "沿着梯度方向" in BY_ID["fc20b"].quote
    assert "达到最优解" in BY_ID["fc21b"].quote and BY_ID["fc21b"].page == page
    assert "最优解" not in BY_ID["fc21"].summary + BY_ID["fc21"].correction
    assert "负**梯度方向，这样损失" not in BY_ID["fc20"].correction


def test_gal_cites_the_proceedings_and_arxiv():
    assert "nips.cc/Conferences" not in DATA_TEXT
    b = BIB["gal2016"]
    assert b.arxiv == "1512.05287"
    assert b.url.startswith("https://proceedings.neurips.cc/paper/2016/hash/")
    assert b.url in _urls(BY_ID["fc44"]) and b.url in _urls(BY_ID["fc46"])


# ---------------------------------------------------------------------------------------
# every work a page names has a bibliography entry
# ---------------------------------------------------------------------------------------
SURNAME = r"[A-Z][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?(?:-[A-Z][a-zà-ÿ]+)?"  # Graves, LeCun, Fei-Fei
YEARS = r"((?:19|20)\d\d)((?:、(?:19|20)\d\d)*)"
VENUE = r"(?:[A-Z]+ )?"  # （NIPS 2012
CITATION = re.compile(
    rf"(?<![A-Za-z])(?:"
    rf"({SURNAME})(?:、{SURNAME})* 与 {SURNAME}[（，]{VENUE}{YEARS}"  # A、B 与 C（2011）
    rf"|({SURNAME}) 等人?[（，]{VENUE}{YEARS}"  # A 等（2013）
    rf"|({SURNAME})（{YEARS}[），]"  # A（2013）
    rf")"
)
ARXIV = re.compile(r"(?:arXiv:|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5})")
NAMED = {"WordSim-353": "finkelstein2002wordsim", "SimLex-999": "hill2015simlex",
         "Fashion-MNIST": "xiao2017fashion"}  # fmt: skip


def cited_works(text: str) -> list[tuple[str, object]]:
    """(what the page says, key): key is an arXiv id, or (surname, year)."""
    found = [(m.group(0), m.group(1)) for m in ARXIV.finditer(text)]
    for m in CITATION.finditer(text):
        g = m.groups()
        name, first, more = next((g[i], g[i + 1], g[i + 2]) for i in (0, 3, 6) if g[i])
        for year in [first, *re.findall(r"\d{4}", more)]:
            found.append((m.group(0), (name, int(year))))
    return found


def test_citation_rule_on_examples():
    keys = [k for _, k in cited_works(
        "Adam（Kingma 与 Ba，2015）；Graves（2013，arXiv:1308.0850）；LeCun 等（1989、1998）；"
        "Sutskever、Martens 与 Hinton（2011）；Krizhevsky、Sutskever 与 Hinton（NIPS 2012）；"
        "在 Google Research（2011、2013 年）实习；Python 3.11（2023）"
    )]  # fmt: skip
    assert sorted(keys, key=str) == sorted(
        ["1308.0850", ("Kingma", 2015), ("LeCun", 1989), ("LeCun", 1998), ("Sutskever", 2011),
         ("Krizhevsky", 2012), ("Graves", 2013)], key=str)  # fmt: skip


def test_every_work_named_on_a_page_has_a_bibliography_entry():
    """A work is *named* on a page when the page's Markdown (docs/**/*.md) or a 勘误 note
    shown on it contains

    * an arXiv id, ``arXiv:NNNN.NNNNN`` or an ``arxiv.org/abs|pdf/`` link: some entry must
      have that ``arxiv``;
    * an author–year citation in the site's Chinese style, with a Latin surname:
      ``A 与 B（2015）`` or ``A 与 B，2015``, ``A、B 与 C（2011）``, ``A 等（2013）`` or
      ``A 等，2016`` (a venue may precede the year: ``（NIPS 2012）``; more years may follow:
      ``（1989、1998）``), or a single surname ``A（2013）`` / ``A（2013，…``: some entry
      must have that year and ``A`` as the last word of its first author's name;
    * one of the named data sets in ``NAMED``: its entry must exist.

    Prose that only mentions a person or company next to a year (“Google Research（2011、2013
    年）”) is not a citation: the year must close the parenthesis or be followed by “，”."""
    texts = {str(p.relative_to(DOCS)): p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")}
    texts.update({f"{c.page} (note {c.id})": c.correction for c in DATA.corrections})
    arxiv = {b.arxiv for b in DATA.bibliography if b.arxiv}
    author_year = {(b.authors[0].split()[-1], b.year) for b in DATA.bibliography}
    missing = []
    for where, text in texts.items():
        for said, key in cited_works(text):
            if key not in (arxiv if isinstance(key, str) else author_year):
                missing.append((where, said, key))
        missing += [(where, name, bid) for name, bid in NAMED.items()
                    if name in text and bid not in BIB]  # fmt: skip
    assert not missing, f"works named on pages without a bibliography entry: {missing}"
