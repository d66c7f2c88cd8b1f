"""corridor_sim's own shortest paths and minimum cuts give networkx's answers, to the last bit.

A run does not import networkx (0.16 s of start-up): `scenario/graph.py` has the two algorithms it
needs. networkx stays a test dependency, as the reference they are checked against: on every
shipped scenario and on random networks with ties, parallel links and unbounded edges."""

import random
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.analysis.capacity import SINK, SOURCE, all_route_paths, static_capacity
from corridor_sim.scenario import load_scenario
from corridor_sim.scenario.graph import FlowNetwork, LinkGraph, NoPath

from conftest import ROOT

SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def _networkx_paths(sc):
    """What the routes were before: networkx on the same graph."""
    g = nx.MultiGraph()
    g.add_nodes_from(sc.nodes)
    for lid, link in sc.links.items():
        g.add_edge(link.from_, link.to, key=lid, distance_km=link.distance_km)
    return g


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shortest_path_between_shipped_nodes_is_networkx_s(path):
    sc, _ = load_scenario(path)
    ours = LinkGraph()
    for n in sc.nodes:
        ours.add_node(n)
    for lid, link in sc.links.items():
        ours.add_link(link.from_, link.to, lid, link.distance_km)
    theirs = _networkx_paths(sc)
    nodes = list(sc.nodes)
    for a in nodes:
        for b in nodes:
            try:
                expected = nx.shortest_path(theirs, a, b, weight="distance_km")
                length = nx.shortest_path_length(theirs, a, b, weight="distance_km")
            except nx.NetworkXNoPath:
                with pytest.raises(NoPath):
                    ours.shortest_path(a, b)
                assert ours.distance(a, b) == float("inf")
                continue
            assert ours.shortest_path(a, b) == expected, (a, b)
            assert ours.distance(a, b) == length, (a, b)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_static_capacity_of_every_shipped_scenario_has_networkx_s_min_cut(path):
    sc, _ = load_scenario(path)
    capacity = static_capacity(sc, paths=all_route_paths(sc))
    for direction, result in capacity["by_direction"].items():
        assert result["tonnes_per_year"] > 0, direction
    # The same networks through networkx's minimum_cut: the same source side.
    networks = _capacity_networks(sc)
    checked = 0
    for direction, ours in networks.items():
        if SOURCE not in ours.nodes:      # a spare one made by dict.setdefault, never used
            continue
        checked += 1
        theirs = nx.DiGraph()
        theirs.add_nodes_from(ours.nodes)
        for (u, v), d in ours.edges.items():
            theirs.add_edge(u, v, **({"capacity": d["capacity"]} if "capacity" in d else {}))
        if ours.bounded(SOURCE, SINK):
            _, (reach, _) = nx.minimum_cut(theirs, SOURCE, SINK)
            assert ours.source_side(SOURCE, SINK) == reach, direction
    assert checked == len(capacity["by_direction"])


def _capacity_networks(sc):
    """The per-direction networks static_capacity builds (rebuilt here through its own code path)."""
    import corridor_sim.analysis.capacity as capacity

    built = {}
    real = capacity.FlowNetwork

    class Recording(real):
        def __init__(self):
            super().__init__()
            built[len(built)] = self

    capacity.FlowNetwork = Recording
    try:
        capacity.static_capacity(sc, paths=capacity.all_route_paths(sc))
    finally:
        capacity.FlowNetwork = real
    return built


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_random_networks_agree_with_networkx(seed):
    """Random undirected multigraphs with integer lengths (ties!) and parallel links, and random flow
    networks with some unbounded edges: the same paths, lengths and minimum-cut source sides."""
    rng = random.Random(seed)
    n = rng.randint(2, 9)
    ours, theirs = LinkGraph(), nx.MultiGraph()
    for i in range(n):
        ours.add_node(i)
        theirs.add_node(i)
    for k in range(rng.randint(1, 3 * n)):
        a, b = rng.sample(range(n), 2)
        length = float(rng.choice([1, 1, 2, 3, 0.5, 0.1, 7]))
        ours.add_link(a, b, f"l{k}", length)
        theirs.add_edge(a, b, key=f"l{k}", distance_km=length)
    for a in range(n):
        for b in range(n):
            try:
                expected = nx.shortest_path(theirs, a, b, weight="distance_km")
            except nx.NetworkXNoPath:
                assert ours.distance(a, b) == float("inf")
                continue
            assert ours.shortest_path(a, b) == expected
            assert ours.distance(a, b) == nx.shortest_path_length(theirs, a, b, weight="distance_km")

    net, reference = FlowNetwork(), nx.DiGraph()
    nodes = ["s", "t", *range(rng.randint(1, 6))]
    for _ in range(rng.randint(2, 14)):
        u, v = rng.sample(nodes, 2)
        if u == "t" or v == "s":
            continue
        cap = float("inf") if rng.random() < 0.2 else rng.choice([0.1, 0.2, 0.3, 1.0, 2.5, 1e6 / 3])
        net.add_edge(u, v, cap, f"e{u}{v}")
    for (u, v), d in net.edges.items():
        # exact capacities: networkx's float arithmetic can leave an edge a rounding short of saturated
        reference.add_edge(u, v, **({"capacity": Fraction(d["capacity"])} if "capacity" in d else {}))
    if "s" not in net.nodes or "t" not in net.nodes:
        return
    unbounded = nx.has_path(nx.DiGraph([(u, v) for (u, v), d in net.edges.items() if "capacity" not in d]
                                       + [("s", "s"), ("t", "t")]), "s", "t")
    assert net.bounded("s", "t") == (not unbounded)
    if not unbounded:
        _, (reach, _) = nx.minimum_cut(reference, "s", "t")
        assert net.source_side("s", "t") == reach
