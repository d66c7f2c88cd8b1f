import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def missing_requirements() -> list[str]:
    """The distributions pyproject.toml requires (run time and `dev`) that this Python lacks."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = [re.match(r"[A-Za-z0-9_.-]+", w).group(0) for w in wanted]
    missing = []
    for name in names:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def pytest_configure(config):
    # A Python without the project's packages would fail every test module's imports, each with its own
    # traceback; one line says what is wrong and what to run.
    missing = missing_requirements()
    if missing:
        raise pytest.UsageError(f"{sys.executable} lacks {', '.join(missing)}: install the project and its test "
                                f'tools first: {sys.executable} -m pip install -e ".[dev]" (README: Tests)')


@pytest.fixture(scope="session")
def mini_corridor():
    """One run of the small test corridor, shared by the tests that only read it."""
    from corridor_sim.api import run

    return run(DATA / "mini_corridor.yaml")


def exit_code_of(argv) -> int:
    """`corridor-sim ARGV` run in this process, its exit code."""
    from corridor_sim.cli import main

    try:
        main([str(a) for a in argv])
    except SystemExit as exc:
        return exc.code
    return 0


def invoke(capsys, argv: list) -> SimpleNamespace:
    """`corridor-sim ARGV` in this process: its exit code and what it printed (a test's capsys)."""
    capsys.readouterr()
    code = exit_code_of(argv)
    captured = capsys.readouterr()
    return SimpleNamespace(exit_code=code, stdout=captured.out, stderr=captured.err)


def run_cli(*argv, capsys=None) -> tuple[int, str]:
    """`corridor-sim ARGV` in this process: (exit code, what it printed if `capsys` is given)."""
    if capsys is None:
        return exit_code_of(argv), ""
    result = invoke(capsys, list(argv))
    return result.exit_code, result.stdout + result.stderr


def pytest_addoption(parser):
    group = parser.getgroup("fuzz", "the fuzz campaign (tests/test_fuzz.py, run with -m fuzz)")
    group.addoption("--fuzz-cases", type=int, default=1200, help="cases in the full campaign (default 1200)")
    group.addoption("--fuzz-seed", type=int, default=16, help="seed of the full campaign (default 16)")
