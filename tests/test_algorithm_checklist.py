"""The checklist for adding an algorithm (README, 「添加算法」): every snippet is embedded
in a page and imported by a test, every benchmark script has a committed result with a
title.  (A page left out of the nav, a missing snippet section or a notebook that fails
fail the strict build.)"""

from __future__ import annotations

import ast
import json
import re

from benchkit import RESULTS, scripts
from sitebuild import ROOT

DOCS = ROOT / "docs"
TESTS = ROOT / "tests"


def algorithm_snippets() -> list[str]:
    """Module names of snippets/*.py; files starting with _ are helpers of the others."""
    return sorted(p.stem for p in (ROOT / "snippets").glob("*.py") if not p.name.startswith("_"))


def imported_modules(source: str) -> set[str]:
    """Top-level names of the modules that ``source`` imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_imported_modules_sees_imports_inside_functions():
    source = "import a.b as c\nfrom d import e\ndef f():\n    import g\n    from . import h\n"
    assert imported_modules(source) == {"a", "d", "g"}


def test_every_snippet_is_embedded_in_some_page():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))
    missing = [name for name in algorithm_snippets()
               if not re.search(rf'--8<-- "{re.escape(name)}\.py[:"]', pages)]
    assert not missing, f"snippets not embedded in any page: {missing}"


def test_every_snippet_is_imported_by_a_test():
    imported = set()
    for test in TESTS.rglob("test_*.py"):
        imported |= imported_modules(test.read_text(encoding="utf-8"))
    missing = [name for name in algorithm_snippets() if name not in imported]
    assert not missing, f"snippets that no test imports: {missing}"


def test_every_benchmark_has_a_committed_result_with_a_title():
    assert scripts(), "no benchmark scripts"
    for script in scripts():
        path = RESULTS / f"{script.stem}.json"
        assert path.is_file(), f"benchmarks/{script.name} has no results/{path.name}"
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data.get("name") == script.stem, f"{path.name}: name {data.get('name')!r}"
        assert isinstance(data.get("title"), str) and data["title"].strip(), (
            f"{path.name} has no title (write_result(..., title=...))")
