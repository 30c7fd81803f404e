"""The ``.ipynb`` a reader downloads runs anywhere: each one, taken from the built site,
is executed top to bottom with nbclient in an empty folder, with ``snippets/`` off the
kernel's import path, and draws as many figures, in the same cells, as the page shows."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
import standalone
from jupyter_client import KernelManager
from nbclient import NotebookClient
from sitebuild import ROOT
from test_programs import reader_env

NOTEBOOKS = sorted(p.stem for p in (ROOT / "docs" / "notebooks").glob("[!_]*.py"))


def figures(nb) -> list[int]:
    return [sum("image/png" in o.get("data", {}) or "image/jpeg" in o.get("data", {})
                for o in cell.get("outputs", []))
            for cell in nb.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_downloaded_notebook_runs_in_an_empty_folder(site, name):
    path = site / "notebooks" / name / f"{name}.ipynb"
    assert path.is_file(), f"notebooks/{name}/ offers no {name}.ipynb to download"
    downloaded = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.pop("outputs", None) if cell.cell_type == "code" else None
    private = Path(tempfile.mkdtemp(prefix="nb-download-"))
    folder = private / "empty"
    folder.mkdir()
    shutil.copy(path, folder)
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(private / "kernel"))
    client = NotebookClient(
        nb, km=km, timeout=600, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(folder)}},
        extra_arguments=[f"--IPKernelApp.exec_lines={standalone.without_snippets_on_path()}"])
    try:
        env = reader_env()
        env.pop("MPLBACKEND")  # the notebook draws inline, as in Jupyter
        client.execute(env=env)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    assert figures(nb) == figures(downloaded), (
        f"notebooks/{name}.ipynb drew figures in other cells than the page shows")
    assert sum(figures(nb)) > 0
    inlined = [c for c in nb.cells if standalone.INLINED_TAG in c.metadata.get("tags", [])]
    assert len(inlined) == 1 and "from __future__ import annotations" in inlined[0].source
