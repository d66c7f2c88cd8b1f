"""The two graph computations a run needs, in plain Python: shortest paths over the links, and the
minimum cut of a capacity network.

networkx would do both, but importing it costs a run 0.16 s (a sixth of a simulated year of the
benchmark tandem). These are the same algorithms, written to give the same answers to the last
bit (tests/test_graph.py checks them against networkx on every shipped scenario and on random
networks):

- `LinkGraph.shortest_path` is networkx's bidirectional Dijkstra (`nx.shortest_path` with a
  weight): the same expansion order, the same tie-breaking by insertion counter, neighbours in
  the order their links were added; over parallel links, the shortest counts.
- `LinkGraph.distance` is networkx's one-source Dijkstra to a target (`nx.shortest_path_length`).
- `FlowNetwork.source_side` is the partition `nx.minimum_cut` returns: the nodes that cannot reach
  the sink in the residual network of a maximum flow (which is the same set for every maximum
  flow). The flow is found with exact rational arithmetic, so no rounding decides which edges
  are saturated.
"""

from __future__ import annotations

from collections import deque
from fractions import Fraction
from heapq import heappop, heappush
from itertools import count


class NoPath(Exception):
    """No path joins the two nodes."""


class LinkGraph:
    """An undirected multigraph: nodes, and links between them with a length each."""

    def __init__(self):
        self.adj: dict = {}     # node -> {neighbour -> {link id -> length}}, in insertion order

    def add_node(self, n) -> None:
        self.adj.setdefault(n, {})

    def add_link(self, a, b, key, length: float) -> None:
        self.add_node(a)
        self.add_node(b)
        links = self.adj[a].get(b)
        if links is None:
            links = self.adj[a][b] = {}
            self.adj[b][a] = links
        links[key] = length

    def links(self, a, b) -> dict:
        """The links joining a and b, id -> length (empty if none)."""
        return self.adj.get(a, {}).get(b, {})

    @staticmethod
    def _weight(links: dict) -> float:
        return min(links.values())

    def shortest_path(self, source, target) -> list:
        """The nodes of a shortest path from source to target (bidirectional Dijkstra)."""
        if source == target:
            return [source]
        dists = [{}, {}]
        preds = [{source: None}, {target: None}]
        fringe = [[], []]
        seen = [{source: 0}, {target: 0}]
        c = count()
        heappush(fringe[0], (0, next(c), source))
        heappush(fringe[1], (0, next(c), target))
        finaldist, meetnode, direction = None, None, 1
        while fringe[0] and fringe[1]:
            direction = 1 - direction
            dist, _, v = heappop(fringe[direction])
            if v in dists[direction]:
                continue
            dists[direction][v] = dist
            if v in dists[1 - direction]:
                return self._path(preds, meetnode)
            for w, links in self.adj[v].items():
                length = dist + self._weight(links)
                if w in dists[direction]:
                    continue
                if w not in seen[direction] or length < seen[direction][w]:
                    seen[direction][w] = length
                    heappush(fringe[direction], (length, next(c), w))
                    preds[direction][w] = v
                    if w in seen[1 - direction]:
                        total = length + seen[1 - direction][w]
                        if finaldist is None or finaldist > total:
                            finaldist, meetnode = total, w
        raise NoPath(source, target)

    @staticmethod
    def _path(preds: list, meet) -> list:
        forward, node = [], meet
        while node is not None:
            forward.append(node)
            node = preds[0][node]
        backward, node = [], preds[1][meet]
        while node is not None:
            backward.append(node)
            node = preds[1][node]
        return list(reversed(forward)) + backward

    def distance(self, source, target) -> float:
        """The length of a shortest path (inf if none): one-source Dijkstra, stopped at the target."""
        dist: dict = {}
        seen = {source: 0}
        c = count()
        fringe = [(0, next(c), source)]
        while fringe:
            d, _, v = heappop(fringe)
            if v in dist:
                continue
            dist[v] = d
            if v == target:
                return d
            for u, links in self.adj[v].items():
                length = dist[v] + self._weight(links)
                if u not in dist and (u not in seen or length < seen[u]):
                    seen[u] = length
                    heappush(fringe, (length, next(c), u))
        return float("inf")


class FlowNetwork:
    """A directed network; an edge without a capacity has none (infinite). Each edge carries a list
    of the corridor elements it stands for."""

    def __init__(self):
        self.edges: dict = {}       # (u, v) -> {"elements": [...], "capacity": float (absent: infinite)}
        self.nodes: dict = {}       # node -> None, in insertion order

    def add_edge(self, u, v, capacity: float, element) -> None:
        """An edge; parallel elements between the same two nodes (two fleets on one crossing) add up
        their capacities and are named together."""
        self.nodes.setdefault(u)
        self.nodes.setdefault(v)
        d = self.edges.get((u, v))
        if d is not None:
            if element is None or element in d["elements"]:
                return
            d["elements"].append(element)
            if "capacity" in d:
                if capacity == float("inf"):
                    del d["capacity"]
                else:
                    d["capacity"] += capacity
            return
        self.edges[(u, v)] = {"elements": [element] if element else [], **(
            {} if capacity == float("inf") else {"capacity": capacity})}

    def _reaches(self, start, through) -> set:
        """The nodes reachable from `start` over the edges `through` (u -> [v, ...])."""
        seen, todo = {start}, deque([start])
        while todo:
            u = todo.popleft()
            for v in through.get(u, ()):
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return seen

    def bounded(self, source, sink) -> bool:
        """Whether every path from source to sink meets a finite capacity (else the max flow is unbounded)."""
        infinite: dict = {}
        for (u, v), d in self.edges.items():
            if "capacity" not in d:
                infinite.setdefault(u, []).append(v)
        return sink not in self._reaches(source, infinite)

    def source_side(self, source, sink) -> set:
        """The nodes that cannot reach the sink in the residual network of a maximum flow (as
        `nx.minimum_cut` partitions them). The network must be bounded."""
        finite = [Fraction(d["capacity"]) for d in self.edges.values() if "capacity" in d]
        big = 3 * sum(finite) + 1            # stands for "no limit": more than any finite cut
        residual: dict = {}
        for (u, v), d in self.edges.items():
            cap = Fraction(d["capacity"]) if "capacity" in d else big
            residual.setdefault(u, {})
            residual.setdefault(v, {})
            residual[u][v] = residual[u].get(v, 0) + cap
            residual[v].setdefault(u, Fraction(0))
        while True:   # Edmonds–Karp: shortest augmenting paths, exact arithmetic
            parent = {source: None}
            todo = deque([source])
            while todo and sink not in parent:
                u = todo.popleft()
                for v, r in residual[u].items():
                    if r > 0 and v not in parent:
                        parent[v] = u
                        todo.append(v)
            if sink not in parent:
                break
            path, v = [], sink
            while parent[v] is not None:
                path.append((parent[v], v))
                v = parent[v]
            push = min(residual[u][v] for u, v in path)
            for u, v in path:
                residual[u][v] -= push
                residual[v][u] += push
        into: dict = {}
        for u, out in residual.items():
            for v, r in out.items():
                if r > 0:
                    into.setdefault(v, []).append(u)
        reach_sink = self._reaches(sink, into)
        return {n for n in self.nodes if n not in reach_sink}
