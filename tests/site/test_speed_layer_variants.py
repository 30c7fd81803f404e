"""benchmarks/speed_layer.py takes each part of the speed layer out of a copy of the built
site; each variant must differ from the site in exactly that part, or the A/B measures
nothing.  (The A/B itself runs from ``make bench``: Lighthouse takes minutes a page.)"""

from __future__ import annotations

import shutil

import pytest

from benchmarks import speed_layer


def _texts(site, pattern="*.html") -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob(pattern)}


@pytest.fixture(scope="module")
def variants(site, tmp_path_factory):
    out = {}
    for part, (take_out, page) in speed_layer.PARTS.items():
        copy = tmp_path_factory.mktemp("variant") / "site"
        shutil.copytree(site, copy)
        take_out(copy)
        out[part] = (copy, page)
    return out


def test_every_part_is_measured_on_a_page_of_the_site(site, variants):
    for part, (_, page) in variants.items():
        assert (site / page / "index.html").is_file(), (part, page)


def test_without_deferral_no_block_is_deferred(variants):
    copy, _ = variants["deferral"]
    pages = _texts(copy)
    assert not any("data-md-defer" in t for t in pages.values())
    assert any("md-typeset__scrollwrap" in t for t in pages.values())  # tables still wrapped


def test_without_table_wrapping_tables_are_plain_and_keep_their_deferral(site, variants):
    copy, page = variants["table wrapping"]
    before = (site / page / "index.html").read_text(encoding="utf-8")
    after = (copy / page / "index.html").read_text(encoding="utf-8")
    assert 'class="prewrapped"' in before and 'class="prewrapped"' not in after
    assert after.count("<table data-md-defer") == before.count('<table class="prewrapped"')
    assert "md-typeset__scrollwrap" not in after


def test_without_the_palette_script_the_page_runs_materials_component(variants):
    copy, page = variants["palette script"]
    text = (copy / page / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="palette"' in text and "data-md-palette" not in text
    assert "form[data-md-palette]" not in text and '__md_get("__palette")' in text


def test_without_the_compile_hint_the_bundle_is_materials_own(site, variants):
    copy, _ = variants["compile hint"]
    (ours,) = (site / "assets" / "javascripts").glob("bundle.*.min.js")
    theirs = copy / ours.relative_to(site)
    assert ours.read_text(encoding="utf-8") == speed_layer.HINT + theirs.read_text(
        encoding="utf-8")


def test_a_part_earns_its_place_only_beyond_the_noise():
    def fig(tbt, perf):
        return {"tbt_ms": tbt, "performance": perf}
    assert speed_layer.earns_its_place(fig(79, 99), fig(128, 98))
    assert not speed_layer.earns_its_place(fig(22, 100), fig(30, 100))  # 8 ms: noise
    assert speed_layer.earns_its_place(fig(100, 97), fig(100, 96))


def test_a_variant_that_changes_nothing_fails(tmp_path):
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(RuntimeError, match="no page changed"):
        speed_layer.without_deferral(tmp_path)
