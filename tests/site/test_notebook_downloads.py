"""The ``.ipynb`` a reader downloads runs anywhere: each one, taken from the built site,
is executed top to bottom again, the way the build executes notebooks (nbclient, in an
empty folder, ``snippets/`` off the kernel's import path: ``hooks/notebooks.py``), and
draws as many figures, in the same cells, as the page shows."""

from __future__ import annotations

import nbformat
import pytest
import standalone
from sitebuild import ROOT, load_hook

NOTEBOOKS = sorted(p.stem for p in (ROOT / "docs" / "notebooks").glob("[!_]*.py"))


def figures(nb) -> list[int]:
    return [sum("image/png" in o.get("data", {}) or "image/jpeg" in o.get("data", {})
                for o in cell.get("outputs", []))
            for cell in nb.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_downloaded_notebook_runs_in_an_empty_folder(site, name, tmp_path, monkeypatch):
    path = site / "notebooks" / name / f"{name}.ipynb"
    assert path.is_file(), f"notebooks/{name}/ offers no {name}.ipynb to download"
    downloaded = nbformat.read(path, as_version=4)
    # nothing left to inline: the download imports no snippet (the re-run would inline it)
    unchanged = standalone.inline_notebook(downloaded, f"notebooks/{name}.ipynb")
    assert [c.source for c in unchanged.cells] == [c.source for c in downloaded.cells]
    monkeypatch.delenv("PYTHONPATH", raising=False)  # a reader's environment
    rerun = tmp_path / f"{name}.ipynb"
    load_hook("notebooks").execute(path, rerun)  # reads the .ipynb, runs it from scratch
    nb = nbformat.read(rerun, as_version=4)
    assert figures(nb) == figures(downloaded), (
        f"notebooks/{name}.ipynb drew figures in other cells than the page shows")
    assert sum(figures(nb)) > 0
    inlined = [c for c in nb.cells if standalone.INLINED_TAG in c.metadata.get("tags", [])]
    assert len(inlined) == 1 and "from __future__ import annotations" in inlined[0].source
