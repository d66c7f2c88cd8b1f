from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def mini_corridor():
    """One run of the small test corridor, shared by the tests that only read it."""
    from corridor_sim.api import run

    return run(DATA / "mini_corridor.yaml")
