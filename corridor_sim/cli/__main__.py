"""`python -m corridor_sim.cli`: the `corridor-sim` command."""

from . import main

main()
