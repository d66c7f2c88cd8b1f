"""Workload 1 written by hand in SimPy, as a competent SimPy user would.

One process per consignment walks the 8 stations (`simpy.Resource` each, FIFO);
random numbers come from one numpy Generator, drawn in blocks (one numpy call
per 4,096 draws rather than one per event, the usual idiom, and what
corridor-sim does too). It records each consignment's time in system when it
leaves in the measured window.

    python benchmarks/peers/simpy_tandem.py [--seed N] [--end-hours H] [--warmup-hours H]
"""

import time

import numpy as np
import simpy

from tandem_spec import ARRIVALS_PER_HOUR, STATIONS, parse_args, report


class Draws:
    """Exponential draws of one mean, made 4,096 at a time."""

    __slots__ = ("rng", "mean", "buf", "i")

    def __init__(self, rng: np.random.Generator, mean: float):
        self.rng, self.mean, self.buf, self.i = rng, mean, [], 0

    def __call__(self) -> float:
        if self.i >= len(self.buf):
            self.buf, self.i = self.rng.exponential(self.mean, 4096).tolist(), 0
        v = self.buf[self.i]
        self.i += 1
        return v


def simulate(seed: int, end: float, warmup: float) -> list[float]:
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    stations = [(simpy.Resource(env, capacity=c), Draws(rng, mean)) for c, mean in STATIONS]
    interarrival = Draws(rng, 1.0 / ARRIVALS_PER_HOUR)
    times: list[float] = []

    def consignment(env):
        born = env.now
        for resource, service in stations:
            with resource.request() as req:
                yield req
                yield env.timeout(service())
        if env.now >= warmup:
            times.append(env.now - born)

    def source(env):
        while True:
            yield env.timeout(interarrival())
            env.process(consignment(env))

    env.process(source(env))
    env.run(until=end)
    return times


if __name__ == "__main__":
    args = parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    times = simulate(args.seed, args.end_hours, args.warmup_hours)
    report("simpy", time.perf_counter() - t0, times, cpu_seconds=time.process_time() - c0, version=simpy.__version__)
