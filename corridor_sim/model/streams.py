"""Named, independent random streams from one master seed.

Each stream is keyed by its name (e.g. "demand/china_mersin", "station/dostyk"),
not by the order streams are created, so adding an element to a scenario does not
shift the random numbers of every other element. Replication i of any scenario
draws from the same streams (common random numbers). The global `random` module
is never used.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _name_key(name: str) -> tuple[int, ...]:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class RandomStreams:
    def __init__(self, seed: int, replication: int = 0):
        self.seed = seed
        self.replication = replication

    def generator(self, name: str) -> np.random.Generator:
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replication, *_name_key(name)))
        return np.random.Generator(np.random.PCG64(seq))
