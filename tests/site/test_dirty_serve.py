"""hooks/dirty_serve.py: under `mkdocs serve --dirty`, a page is rendered again when a
snippet it embeds or the shared data changed after its output was written."""

from __future__ import annotations

import os
from types import SimpleNamespace

from sitebuild import load_hook

hook = load_hook("dirty_serve")


def page(tmp_path, name, markdown, built_at):
    out = tmp_path / name / "index.html"
    out.parent.mkdir()
    out.write_text("<html></html>", encoding="utf-8")
    os.utime(out, (built_at, built_at))
    return SimpleNamespace(abs_dest_path=str(out), content_string=markdown)


def test_only_pages_older_than_an_embedded_snippet_are_stale(tmp_path):
    snippet = hook.SNIPPETS / "convolution.py"
    newest = max(hook._newest(p for d in hook.SHARED_INPUTS
                              for p in (hook.ROOT / d).rglob("*")), snippet.stat().st_mtime)
    old = page(tmp_path, "old", '--8<-- "convolution.py:forward"', snippet.stat().st_mtime - 10)
    fresh = page(tmp_path, "fresh", '--8<-- "convolution.py:forward"', newest + 10)
    plain = page(tmp_path, "plain", "没有嵌入代码。", newest + 10)
    files = SimpleNamespace(documentation_pages=lambda: [old, fresh, plain])
    assert hook.stale_pages(files) == [old]


def test_a_full_build_removes_nothing(tmp_path):
    old = page(tmp_path, "old", '--8<-- "convolution.py:forward"', 0)
    files = SimpleNamespace(documentation_pages=lambda: [old])
    hook.on_startup(command="build", dirty=False)
    hook.on_files(files, config=None)
    assert os.path.exists(old.abs_dest_path)
    hook.on_startup(command="serve", dirty=True)
    hook.on_files(files, config=None)
    assert not os.path.exists(old.abs_dest_path)
    hook.on_startup(command="build", dirty=False)
