"""The assembly of self-contained programs and notebooks (tools/standalone.py), on small
generated snippet folders: what is inlined, what is left out, and the errors."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
import standalone


@pytest.fixture
def snippets(tmp_path, monkeypatch):
    monkeypatch.setattr(standalone, "SNIPPETS", tmp_path)

    def write(name: str, text: str) -> None:
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")

    return write


BASE = '''"""Base helpers."""

from __future__ import annotations

import json
import math


def _check(x):
    if x < 0:
        raise ValueError("x must be >= 0")


# the square root, checked
def root(x):
    _check(x)
    return math.sqrt(x)


def unused():
    return json.dumps({})


def main():
    print(root(4))


if __name__ == "__main__":
    main()
'''


def test_inlines_only_what_the_program_uses_verbatim(snippets, tmp_path):
    snippets("base", BASE)
    snippets("prog", '''"""A program.

Run: python snippets/prog.py
"""

from __future__ import annotations

import math

from base import root

# --8<-- [start:demo]
def main():
    print(root(9) + math.pi)
# --8<-- [end:demo]


if __name__ == "__main__":
    main()
''')
    text = standalone.assemble("prog")
    assert "# the square root, checked\ndef root(x):\n    _check(x)" in text  # verbatim
    assert "def _check(x):" in text  # needed by root
    assert "def unused" not in text and "import json" not in text  # tree-shaken
    assert text.count("import math") == 1  # the same import is not repeated
    assert "from base import" not in text and "--8<--" not in text
    assert "Run: python snippets/prog.py" in text and "definitions it uses from base.py" in text
    assert text.index("def root") < text.index("def main")
    out = tmp_path / "out"
    out.mkdir()
    (out / "prog.py").write_text(text)
    proc = subprocess.run([sys.executable, "prog.py"], cwd=out, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == str(3.0 + 3.141592653589793)


def test_imports_inside_functions_and_through_other_snippets(snippets):
    snippets("base", BASE)
    snippets("middle", "from base import root\n\n\ndef twice(x):\n    return 2 * root(x)\n")
    snippets("prog", "def main():\n    from middle import twice\n\n    return twice(4)\n")
    text = standalone.assemble("prog")
    assert "from middle" not in text and "from base" not in text
    assert text.index("def root") < text.index("def twice") < text.index("def main")
    namespace: dict = {}
    exec(compile(text, "prog.py", "exec"), namespace)
    assert namespace["main"]() == 4.0


def test_a_clash_of_names_is_an_error_naming_file_and_name(snippets):
    snippets("base", BASE)
    snippets("prog", "from base import root\n\n\ndef _check(x):\n    return x\n\n\nroot(1)\n")
    with pytest.raises(standalone.ProgramError, match=r"'_check' from snippets/base\.py"):
        standalone.assemble("prog")


def test_module_imports_of_snippets_are_refused(snippets):
    snippets("base", BASE)
    snippets("prog", "import base\n\nbase.root(1)\n")
    with pytest.raises(standalone.ProgramError, match=r"import base.*from base import"):
        standalone.assemble("prog")


def test_a_missing_name_is_an_error(snippets):
    snippets("base", BASE)
    snippets("prog", "from base import nothing_here\n")
    with pytest.raises(standalone.ProgramError, match=r"defines no top-level 'nothing_here'"):
        standalone.assemble("prog")


def test_a_notebook_gets_one_inlined_cell_before_its_first_use(snippets):
    snippets("base", BASE)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
                nbformat.v4.new_code_cell("import math\nfrom base import root as r\n\nprint(r(4))"),
                nbformat.v4.new_code_cell("print(math.pi)")]
    out = standalone.inline_notebook(nb, "nb.py", note=lambda files: f"inlined: {files}")
    kinds = [(c.cell_type, c.metadata.get("tags", [])) for c in out.cells]
    assert kinds == [("markdown", []), ("markdown", []),
                     ("code", [standalone.INLINED_TAG]), ("code", []), ("code", [])]
    assert out.cells[1].source == "inlined: ['base.py']"
    inlined = out.cells[2].source
    assert inlined.startswith("from __future__ import annotations")
    assert "def root" in inlined and "import math" in inlined and "r = root" in inlined
    assert "from base" not in out.cells[3].source
    namespace: dict = {}
    for cell in out.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, "cell", "exec"), namespace)
    assert nb.cells[1].source.startswith("import math\nfrom base")  # the input is untouched


def test_text_data_is_inlined_as_a_literal(snippets, tmp_path, monkeypatch):
    (tmp_path / "corpus.txt").write_text('第一行\n"quoted" \\ end\n', encoding="utf-8")
    monkeypatch.setattr(standalone, "ROOT", tmp_path)
    monkeypatch.setattr(standalone, "TEXT_DATA", {("_data", "corpus"): "corpus.txt"})
    snippets("_data", "from pathlib import Path\n\n\n"
                      "def corpus():\n    return Path('x').read_text()\n")
    snippets("prog", "from _data import corpus\n\nTEXT = corpus()\n")
    namespace: dict = {}
    exec(compile(standalone.assemble("prog"), "prog.py", "exec"), namespace)
    assert namespace["TEXT"] == '第一行\n"quoted" \\ end\n'


def test_every_snippet_assembles_and_parses():
    for name in sorted(standalone.siblings()):
        compile(standalone.assemble(name), f"{name}.py", "exec")
