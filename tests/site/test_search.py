"""Chinese search on the built site: the page that explains a concept comes first, the
index holds prose (no code, TeX or test lists), and the query fix in our worker is
still needed.  Material's own search worker runs in Node (search_worker.cjs)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup
from search_expectations import EXPECTED_FIRST
from sitebuild import ROOT, load_hook, page_url

INDEX_BYTES_AT_MOST = 626_000  # the index a reader downloads, before this index cleanup


def search(site: Path, queries, material_only: bool = False) -> dict[str, list[str]]:
    """Each query's result pages, best first (Material groups results by page)."""
    node = shutil.which("node")
    assert node, "node is needed to run the search worker"
    env = {**os.environ, "SEARCH_WORKER": "material" if material_only else "site"}
    proc = subprocess.run(
        [node, str(Path(__file__).with_name("search_worker.cjs")), str(site), *queries],
        capture_output=True, text=True, timeout=120, check=True, env=env)
    return {q: [group[0]["location"].split("#")[0] for group in groups]
            for q, groups in json.loads(proc.stdout).items()}


def index(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_the_explaining_page_comes_first(site):
    results = search(site, EXPECTED_FIRST)
    wrong = {q: results[q][:4] for q, want in EXPECTED_FIRST.items()
             if not results[q] or results[q][0] not in want}
    assert not wrong, wrong


def test_the_theme_alone_drops_the_last_word_of_a_chinese_query(site):
    """Why workers/search-zh.js exists: with 步 a word of the index (第 1 步), Material
    searches 步幅 as 步*.  When this fails, the theme keeps the last word itself: drop
    our worker's splitting."""
    words = {w for doc in index(site)["docs"] for w in re.split(r"[\s\u200b]+", doc["title"])}
    assert "步" in words
    alone = search(site, ["步幅", "步"], material_only=True)
    assert alone["步幅"] == alone["步"]
    ours = search(site, ["步幅"])
    assert ours["步幅"][0] == "math/convolution/" != alone["步幅"][0]


def test_a_word_being_typed_still_finds_pages(site):
    """Our worker leaves a run that starts with no word of the index to the theme, which
    searches it as a prefix: the first characters of a word find it."""
    results = search(site, ["卷", "反向传", "循环神经"])
    assert all(results.values()), results


def test_the_index_is_segmented_for_chinese(site):
    data = index(site)
    assert data["config"]["lang"] == ["zh"]
    assert any("\u200b" in doc["text"] for doc in data["docs"]), "jieba segmentation missing"


def test_the_index_holds_prose_not_code_tex_or_test_lists(site):
    tests = {m for f in ROOT.glob("tests/**/*.py")
             for m in re.findall(r"^def (test_\w+)", f.read_text(encoding="utf-8"), re.M)}
    docs = index(site)["docs"]
    for doc in docs:
        text, where = doc["title"] + doc["text"], doc["location"]
        assert "<pre>" not in text, f"{where}: a code block is indexed"
        assert not re.search(r"\\\(|\\\[|\$[^$]*\\[a-zA-Z]", text), f"{where}: TeX is indexed"
        named = tests & set(re.findall(r"\btest_\w+", text))
        assert not named, f"{where}: test names are indexed: {sorted(named)[:3]}"
        assert "import numpy" not in text, f"{where}: a notebook's code is indexed"
    locations = {doc["location"] for doc in docs}
    assert not any("错误的输入" in loc for loc in locations), "error-input sections indexed"
    # prose is still there, with inline code names
    assert any("MirroredStrategy" in doc["text"] for doc in docs)


def test_records_that_repeat_other_pages_stay_out_of_the_index(site):
    """The errata table repeats every note shown beside the passage it corrects, and the
    性能 page records every setting and metric: search leads to the note and to the page
    that explains the setting."""
    docs = {doc["location"]: doc["title"] + doc["text"] for doc in index(site)["docs"]}
    errata = load_hook("corrections").Data.load().corrections
    quoted = [c for c in errata if any(c.quote[:12] in text for loc, text in docs.items()
                                       if loc.startswith("errata/"))]
    assert not quoted, [c.id for c in quoted]
    benchmarks = " ".join(text for loc, text in docs.items() if loc.startswith("benchmarks/"))
    for record in ("测量时间", "batch_ours_and_keras", "mnist_test_accuracy_mean"):
        assert record not in benchmarks, record
    # the pages themselves are still found: their prose is indexed
    assert "勘误" in docs["errata/"] and "目标" in benchmarks


def test_a_word_the_index_splits_is_asked_for_part_by_part(site):
    """llm.c is two words of the index (llm, c): a section must have both, or c* alone
    would rank every page that names Convolution or CNN."""
    results = search(site, ["llm.c", "log-sum-exp"])
    assert results["llm.c"][0] == "karpathy/work/", results["llm.c"][:3]
    assert results["log-sum-exp"][0] == "math/backpropagation/", results["log-sum-exp"][:3]


def test_only_the_pages_that_teach_an_algorithm_are_boosted(site):
    boosted = {doc["location"].split("#")[0] for doc in index(site)["docs"] if doc.get("boost")}
    assert boosted == {"algorithms/word-embeddings/", "algorithms/rnn/", "algorithms/cnn/",
                       "math/gradient-descent/", "math/backpropagation/",
                       "math/convolution/"}


def test_a_heading_formula_is_readable_in_search_results(site):
    title = next(doc["title"] for doc in index(site)["docs"]
                 if doc["location"].startswith("algorithms/rnn/#数据"))
    assert title.replace("\u200b", "").replace(" ", "") == "数据：B条并行的字符流"


def test_a_heading_formula_is_typeset_in_the_table_of_contents(site):
    html = (site / "algorithms/rnn/index.html").read_text(encoding="utf-8")
    toc = html[html.index('data-md-component="toc"'):]
    toc = toc[:toc.index("</nav>", toc.index("数据"))]
    assert "\\(" not in toc and 'class="katex"' in toc


def test_the_index_is_no_larger_than_before(site):
    size = (site / "search" / "search_index.json").stat().st_size
    assert size <= INDEX_BYTES_AT_MOST, size


def glossary_queries() -> dict[str, str]:
    """Every name of every glossary concept -> the URL of the page that explains it."""
    return {name: page_url(page) for page, terms in load_hook("search_index").glossary().items()
            for names in terms for name in names}


def test_every_glossary_name_is_on_its_page(site):
    """The glossary is true: a reader finds each name on the page it points to."""
    missing = []
    for name, url in glossary_queries().items():
        doc = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"),
                            "html.parser")
        article = doc.select_one("article")
        for code in article.select("pre, .highlight, .jp-CodeCell, .jp-OutputArea"):
            code.decompose()  # prose only: the index leaves code out
        if name.lower() not in article.get_text().lower():
            missing.append((name, url))
    assert not missing, missing


def test_searching_any_glossary_name_finds_its_page_first(site):
    queries = glossary_queries()
    results = search(site, queries)
    wrong = {q: (url, results[q][:3]) for q, url in queries.items()
             if not results[q] or results[q][0] != url}
    assert not wrong, wrong


# lunr 2.3.9's TokenSet#toString, as Material bundles it: our worker replaces it (digit
# labels made two nodes' keys equal; see docs/assets/javascripts/workers/search-zh.js)
LUNR_TOKENSET_KEY = ('TokenSet.prototype.toString=function(){if(this._str)return this._str;'
                     'for(var e=this.final?"1":"0",r=Object.keys(this.edges).sort(),n=r.length,'
                     'i=0;i<n;i++){var s=r[i],o=this.edges[s];e=e+s+o.id}return e}')


def test_materials_lunr_still_has_the_token_set_key_our_worker_replaces(site):
    workers = list((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    assert len(workers) == 1
    assert LUNR_TOKENSET_KEY in workers[0].read_text(encoding="utf-8"), (
        "Material's lunr changed its TokenSet#toString: check whether lunr fixed the key "
        "collision and drop separateTokenSetKeys from search-zh.js if so")


def test_every_digit_finds_pages(site):
    """A prefix query meeting a merged token-set node threw inside lunr and found nothing;
    with this site's numbers, "3" did."""
    digits = [str(d) for d in range(10)]
    found = search(site, [*digits, "Keras 3 多后端"])
    assert all(found[q] for q in found), {q: r for q, r in found.items() if not r}
    assert found["Keras 3 多后端"][0] == "resources/"
