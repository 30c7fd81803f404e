"""Whole programs for readers: a snippet made self-contained, and what each page offers.

A page embeds sections of ``snippets/<name>.py``, and a snippet may import a sibling
(``from char_rnn import build_vocab``).  ``assemble("char_rnn_tf")`` writes one program
that runs alone in an empty folder: the file itself, verbatim, with each sibling import
replaced by the sibling's top-level definitions the program uses (verbatim as well, in
the sibling's order, and only those: a definition is kept when the program, or a kept
definition, names it).  ``inline_notebook`` does the same for a notebook, so the
``.ipynb`` a reader downloads carries the code it needs.

The snippets stay the single source: the TensorFlow files import the NumPy data
pipeline they are tested against, and no second copy of a definition can drift.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(?:start|end):[\w-]+\]\s*$")
EMBED = re.compile(r'--8<--\s+"([\w-]+)\.py(?::[\w-]+)?"')
# Text a program reads from this repository: inlined as a string literal instead
# (module, function) -> file under the repository root
TEXT_DATA = {("_article", "article_text"): "data/article_zh.txt"}
BANNER = "# " + "-" * 86


class ProgramError(ValueError):
    """A snippet cannot be made self-contained; the message names file and name."""


def siblings() -> frozenset[str]:
    """The snippet modules (asked for every import statement: cached while the folder's
    list of files is unchanged)."""
    return _siblings(SNIPPETS, SNIPPETS.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _siblings(folder: Path, _mtime: int) -> frozenset[str]:
    return frozenset(p.stem for p in folder.glob("*.py"))


def read(module: str) -> str:
    return (SNIPPETS / f"{module}.py").read_text(encoding="utf-8")


# ------------------------------------------------------------------ statements
def _bound_names(node: ast.AST) -> set[str]:
    """Names a top-level statement binds in the module namespace (not inside bodies of
    functions, classes, lambdas or comprehensions)."""
    names: set[str] = set()

    def visit(n: ast.AST) -> None:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
            return
        if isinstance(n, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            for a in n.names:
                names.add(a.asname or a.name.split(".")[0])
            return
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        for child in ast.iter_child_nodes(n):
            visit(child)

    visit(node)
    return names


def _import_targets(node: ast.AST) -> dict[str, str] | None:
    """For an import (or a try: whose body only imports), bound name -> what it is bound
    to; None for any other statement."""
    if isinstance(node, ast.Import):
        return {a.asname or a.name.split(".")[0]: a.name if a.asname else a.name.split(".")[0]
                for a in node.names}
    if isinstance(node, ast.ImportFrom):
        return {a.asname or a.name: f"{node.module}:{a.name}" for a in node.names}
    if isinstance(node, ast.Try) and all(isinstance(s, (ast.Import, ast.ImportFrom))
                                         for s in node.body):
        targets: dict[str, str] = {}
        for s in node.body:
            targets.update(_import_targets(s))
        return targets
    return None


@dataclass
class Unit:
    """One top-level statement of a file, with the comment lines right above it."""

    module: str
    text: str
    node: ast.stmt
    binds: set[str]
    uses: set[str]
    requests: list[tuple[str, str, str]]  # sibling imports inside it: (module, name, as)
    first_line: int  # 0-based, in the file
    cut: set[int] = field(default_factory=set)  # its lines that hold sibling imports

    @property
    def is_sibling_import(self) -> bool:
        return isinstance(self.node, ast.ImportFrom) and self.node.module in siblings()


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
        and isinstance(node.value.value, str)


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__name__" in ast.unparse(node.test) \
        and "__main__" in ast.unparse(node.test)


def _sibling_requests(node: ast.AST, where: str) -> list[tuple[ast.ImportFrom, str, str]]:
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Import):
            for a in n.names:
                if a.name.split(".")[0] in siblings():
                    raise ProgramError(
                        f"{where}: `import {a.name}`: import names from a sibling snippet "
                        f"(`from {a.name} import …`) so the build can inline them")
        if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module in siblings():
            found += [(n, a.name, a.asname or a.name) for a in n.names]
    return found


def parse_units(source: str, module: str, where: str) -> tuple[list[Unit], ast.Module]:
    """The statements of ``source`` (docstring, ``from __future__`` and the
    ``if __name__ == "__main__":`` block left out); section markers are dropped, sibling
    imports inside a statement are cut out of its text and listed in ``requests``."""
    tree = ast.parse(source)
    lines = source.splitlines()
    units: list[Unit] = []
    prev_end = 0
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        end = node.end_lineno
        skip = (_is_docstring(node) and node is tree.body[0]) or _is_main_guard(node) or (
            isinstance(node, ast.ImportFrom) and node.module == "__future__")
        if not skip:
            while start > prev_end and lines[start - 1].lstrip().startswith("#") \
                    and not MARKER.match(lines[start - 1]):
                start -= 1  # the comments right above belong to the statement
            nested = _sibling_requests(node, where)
            cut = set()
            for imp, _, _ in nested:  # the names are inlined at the top level instead
                cut |= set(range(imp.lineno - 1, imp.end_lineno))
                if imp.end_lineno < end and not lines[imp.end_lineno].strip():
                    cut.add(imp.end_lineno)  # and the blank line after one in a body
            body = [ln for i, ln in enumerate(lines[start:end], start)
                    if i not in cut and not MARKER.match(ln)]
            uses = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            units.append(Unit(module, "\n".join(body), node, _bound_names(node), uses,
                              [(imp.module, name, asname) for imp, name, asname in nested],
                              start, cut))
        prev_end = end
    return units, tree


# ------------------------------------------------------------------ resolution
@dataclass
class Piece:
    module: str
    units: list[Unit] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # the names asked of this module


def _text_data(module: str, name: str) -> str:
    text = (ROOT / TEXT_DATA[(module, name)]).read_text(encoding="utf-8")
    return (f"def {name}() -> str:\n"
            f'    """{TEXT_DATA[(module, name)]} of the site\'s repository, inlined."""\n'
            f"    return {text!r}")


def resolve(requests: list[tuple[str, str, str]], where: str) -> list[Piece]:
    """The sibling definitions that satisfy ``requests`` (and what they need in turn),
    as one piece per sibling module, dependencies first."""
    needed: dict[str, set[str]] = {}
    parsed: dict[str, list[Unit]] = {}
    chosen: dict[str, list[Unit]] = {}
    deps: dict[str, set[str]] = {}
    pending = [(m, n, where) for m, n, _ in requests]
    while pending:
        module, name, asker = pending.pop()
        if name in needed.setdefault(module, set()):
            continue
        needed[module].add(name)
        if (module, name) in TEXT_DATA:
            continue
        if module not in parsed:
            parsed[module] = parse_units(read(module), module, f"snippets/{module}.py")[0]
            chosen[module] = []
            deps[module] = set()
        definers = [u for u in parsed[module] if name in u.binds and not u.is_sibling_import]
        reexport = [u for u in parsed[module] if name in u.binds and u.is_sibling_import]
        if not definers and not reexport:
            raise ProgramError(f"{asker}: snippets/{module}.py defines no top-level {name!r}")
        for u in reexport:
            for m, n, a in u.requests:
                if a == name:
                    pending.append((m, n, f"snippets/{module}.py"))
                    deps[module].add(m)
        work = definers + ([u for u in parsed[module] if not u.binds and not u.is_sibling_import]
                           if not chosen[module] else [])
        for u in work:
            if u in chosen[module]:
                continue
            chosen[module].append(u)
            for m, n, _ in u.requests:
                pending.append((m, n, f"snippets/{module}.py"))
                deps[module].add(m)
            pending += [(module, n, f"snippets/{module}.py") for n in u.uses
                        if any(n in v.binds for v in parsed[module])]
    for module, names in needed.items():
        data = [n for n in names if (module, n) in TEXT_DATA]
        if data:
            chosen.setdefault(module, [])
            deps.setdefault(module, set())
            for n in data:
                text = _text_data(module, n)
                chosen[module].append(Unit(module, text, ast.parse(text).body[0], {n}, set(), [],
                                           -1))
    order: list[str] = []

    def visit(m: str, stack: tuple[str, ...] = ()) -> None:
        if m in order:
            return
        if m in stack:
            raise ProgramError(f"{where}: snippets import each other in a cycle: {stack + (m,)}")
        for d in sorted(deps.get(m, ())):
            visit(d, stack + (m,))
        order.append(m)

    for m in sorted(chosen):
        visit(m)
    return [Piece(m, sorted(chosen[m], key=lambda u: u.first_line), needed.get(m, set()))
            for m in order if chosen[m]]


def _identity(unit: Unit, name: str) -> str:
    targets = _import_targets(unit.node)
    if targets is not None and name in targets:
        return "import " + targets[name]
    return ast.dump(unit.node)


def render_pieces(pieces: list[Piece], taken: dict[str, str], where: str,
                  reimport: bool = False) -> str:
    """The pieces as program text.  ``taken`` maps the names the program already binds
    to their identity; an import binding a name the same way again is left out (unless
    ``reimport``: a notebook imports below the inlined cell), and a different definition
    of a taken name is an error naming both files."""
    out = []
    emitted: set[str] = set()
    for piece in pieces:
        texts = []
        for u in piece.units:
            targets = _import_targets(u.node)
            if targets is not None:  # an import: only the names the program uses
                used = [n for n in sorted(u.binds) if n in piece.names or n not in targets]
            else:
                used = sorted(u.binds)
            fresh = [n for n in used if n not in (emitted if reimport and targets else taken)]
            for n in sorted(u.binds):
                if n in taken and taken[n] != _identity(u, n):
                    if targets is not None and n not in targets:
                        continue  # e.g. `err` of an except clause
                    raise ProgramError(
                        f"{where}: name {n!r} from snippets/{piece.module}.py clashes with "
                        f"another definition of {n!r} in the same program")
            if u.binds and not fresh:
                continue  # already there, identically
            emitted.update(fresh)
            if isinstance(u.node, (ast.Import, ast.ImportFrom)) and len(fresh) < len(u.binds):
                keep = [a for a in u.node.names if (a.asname or a.name.split(".")[0]) in fresh]
                cls = type(u.node)
                node = cls(names=keep, **({"module": u.node.module, "level": 0}
                                          if cls is ast.ImportFrom else {}))
                text = ast.unparse(node)
            else:
                text = u.text
            for n in u.binds:
                taken.setdefault(n, _identity(u, n))
            texts.append((u, text))
        if not texts:
            continue
        out += [BANNER, f"# From {piece.module}.py: the definitions this program uses", BANNER,
                ""]
        for i, (u, text) in enumerate(texts):
            compact = i and isinstance(u.node, (ast.Import, ast.ImportFrom)) \
                and isinstance(texts[i - 1][0].node, (ast.Import, ast.ImportFrom))
            if i:
                out += [] if compact else ["", ""]
            out.append(text)
        out += ["", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ programs
NOTE = ("This file runs on its own: besides its own code it holds, verbatim, the\n"
        "definitions it uses from {files} (assembled when the site is built).\n")


def assemble(name: str) -> str:
    """``snippets/<name>.py`` as a self-contained program (see the module docstring)."""
    where = f"snippets/{name}.py"
    source = read(name)
    units, tree = parse_units(source, name, where)
    lines = source.splitlines()
    requests = [r for u in units for r in u.requests]
    if not requests:
        body = [ln for ln in lines if not MARKER.match(ln)]
        return "\n".join(body) + "\n"
    pieces = resolve(requests, where)
    taken = {n: _identity(u, n) for u in units if not u.is_sibling_import for n in u.binds}
    text_pieces = render_pieces(pieces, taken, where)
    aliases = [f"{a} = {n}" for _, n, a in requests if a != n]
    # the program: everything before the first sibling import, the pieces, the rest
    first = next((u for u in units if u.is_sibling_import), None)
    doc = tree.body[0] if tree.body and _is_docstring(tree.body[0]) else None
    head_end = doc.end_lineno if doc else 0
    out = []
    if doc is not None:
        files = ", ".join(f"{p.module}.py" for p in pieces)
        out += _with_note(lines[:head_end], NOTE.format(files=files))
    cut = set().union(*(u.cut for u in units))
    insert_at = first.node.lineno - 1 if first else _after_imports(tree)
    body = []
    for i in range(head_end, len(lines)):
        if i == insert_at:
            own = [BANNER, f"# {name}.py itself", BANNER, ""]
            body += ["", text_pieces.rstrip("\n"), *aliases, "", "", *own]
        if i not in cut and not MARKER.match(lines[i]):
            body.append(lines[i])
    text = "\n".join(out + body)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    text = re.sub(r"(# \w+\.py itself\n# -+\n)\n+", r"\1\n", text)  # one blank line
    ast.parse(text)  # a program that does not even parse is a bug of this function
    return text + "\n"


def _after_imports(tree: ast.Module) -> int:
    last = 0
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or _is_docstring(node):
            last = node.end_lineno
        elif last:
            break
    return last


def _with_note(doc_lines: list[str], note: str) -> list[str]:
    last = doc_lines[-1]
    closing = last.rstrip()[-3:]
    if last.strip() == closing:  # the closing quotes on their own line
        return [*doc_lines[:-1], "", *note.rstrip("\n").split("\n"), last]
    return [*doc_lines[:-1], last.rstrip()[:-3], "", *note.rstrip("\n").split("\n"), closing]


# ------------------------------------------------------------------ notebooks
INLINED_TAG = "inlined-code"


def inline_notebook(nb, where: str, note=None):
    """A copy of the notebook ``nb`` (nbformat) whose sibling imports are replaced by one
    code cell, tagged ``inlined-code``, holding the definitions they name; ``note(files)``
    may give a Markdown cell to put above it (``files``: the snippet files inlined)."""
    import copy

    nb = copy.deepcopy(nb)
    requests: list[tuple[str, str, str]] = []
    first_cell = None
    binds: dict[str, str] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = cell.source
        try:
            units, _ = parse_units(source, "notebook", f"{where}, cell {index + 1}")
        except SyntaxError as err:
            raise ProgramError(f"{where}, cell {index + 1}: {err}") from None
        lines = source.splitlines()
        cut = set().union(*(u.cut for u in units))
        for u in units:
            requests += u.requests
            if not u.is_sibling_import:
                for n in u.binds:
                    binds.setdefault(n, _identity(u, n))
        if cut:
            first_cell = index if first_cell is None else first_cell
            cell.source = "\n".join(ln for i, ln in enumerate(lines) if i not in cut).strip("\n")
    if not requests:
        return nb
    pieces = resolve(requests, where)
    code = render_pieces(pieces, dict(binds), where, reimport=True).rstrip("\n")
    aliases = [f"{a} = {n}" for _, n, a in requests if a != n]
    # the snippets' annotations are not evaluated; the kernel keeps this flag for later cells
    code = "\n".join(["from __future__ import annotations", "", code, *aliases])
    import nbformat

    cell = nbformat.v4.new_code_cell(code, metadata={"tags": [INLINED_TAG]})
    nb.cells.insert(first_cell, cell)
    if note is not None:
        files = [f"{p.module}.py" for p in pieces]
        nb.cells.insert(first_cell, nbformat.v4.new_markdown_cell(note(files)))
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.source.strip()]
    return nb


# ------------------------------------------------------------------ pages
def programs_on_page(markdown: str) -> list[str]:
    """The snippet files a page embeds sections of, in page order."""
    seen: list[str] = []
    for m in EMBED.finditer(markdown):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def embedded_programs(docs_dir: Path) -> dict[str, list[str]]:
    """Page (path under docs/) -> programs it embeds, for every Markdown page."""
    pages = {}
    for path in sorted(docs_dir.rglob("*.md")):
        names = programs_on_page(path.read_text(encoding="utf-8"))
        if names:
            pages[path.relative_to(docs_dir).as_posix()] = names
    return pages


def without_snippets_on_path() -> str:
    """One line of Python that takes every folder holding this project's snippets off
    ``sys.path`` (the editable install puts ``snippets/`` there): run first, it proves
    that a program or notebook needs no file of the repository."""
    return ("import os, sys; sys.path[:] = [p for p in sys.path "
            "if not os.path.isfile(os.path.join(p or '.', '_article.py'))]")
