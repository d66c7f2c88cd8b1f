"""`corridor-sim --help` and `--version` answer at once: they import click, not the libraries the
commands use (pandas, pyarrow and networkx alone take half a second). Each command's module is
imported only when that command runs or shows its help."""

import subprocess
import sys

import click
import pytest

from corridor_sim.cli import COMMANDS, cli

HEAVY = ("pandas", "numpy", "pyarrow", "networkx", "scipy", "pydantic", "matplotlib", "rich", "yaml", "simpy")


@pytest.mark.parametrize("argv", [["--version"], ["--help"], []])
def test_help_and_version_import_no_heavy_library(argv):
    code = ("import sys\n"
            "from corridor_sim.cli import main\n"
            "try:\n"
            f"    main({argv!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout


def test_a_command_imports_what_it_uses():
    """The other side of the laziness: asking for a command loads its module (and its libraries)."""
    code = ("import sys, click\n"
            "from corridor_sim.cli import cli\n"
            "cli.get_command(click.Context(cli), 'validate')\n"
            "print('pydantic' in sys.modules, 'corridor_sim.cli.sweep' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["True", "False"], proc.stderr


def test_the_listing_says_what_each_command_says_of_itself():
    """`corridor-sim --help` lists the commands from COMMANDS without importing them: each summary
    there is the first sentence of the command's own help, as click would have shortened it."""
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name, command in COMMANDS.items():
        loaded = cli.get_command(ctx, name)
        assert loaded is not None and loaded.name == name
        assert loaded.get_short_help_str(1000) == command.summary, name
    assert cli.get_command(ctx, "nonsense") is None


def test_the_help_lists_every_command():
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout.split("Commands:")[1].split()
    assert all(name in listed for name in COMMANDS)
