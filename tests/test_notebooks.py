"""The notebooks in notebooks/ run from a fresh clone, top to bottom, without error.

Each is executed in a Python kernel of this environment (nbclient), from notebooks/
as a reader would open it, with its results written to a temporary directory
(CORRIDOR_SIM_RUNS). They are committed without outputs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the dev extra installs nbformat, nbclient and ipykernel")
nbclient = pytest.importorskip("nbclient", reason="the dev extra installs nbformat, nbclient and ipykernel")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_baseline_2024.ipynb", "02_path_to_10mt.ipynb", "03_disruptions.ipynb"]


def test_the_notebooks_are_all_listed_and_committed_without_outputs():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code), f"{name} has outputs"
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= len(code) // 2, f"{name}: where is the story?"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_and_shows_its_figures(name, tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_SIM_RUNS", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    from jupyter_client.manager import KernelManager

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # IPC sockets in the test's own directory: no TCP ports to race for with other kernels.
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    client = nbclient.NotebookClient(nb, km=km, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if a cell fails
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert images >= 3, f"{name} showed {images} figures"
    assert any(p.is_dir() for p in tmp_path.iterdir()), "the notebook wrote its runs elsewhere"
    assert sorted(p.name for p in NOTEBOOKS.iterdir() if not p.name.startswith(".")) == NAMES  # nothing else
