"""Workload 1 in ciw (a queueing-network library built for exactly this).

The network is 8 nodes in series, arrivals only at node 1, routing with
probability 1 to the next node and out after node 8. Time in system is node 8's
exit date less node 1's arrival date, for customers that leave in the measured
window. ciw's defaults otherwise (no tracker, no deadlock detection).

    python benchmarks/peers/ciw_tandem.py [--seed N] [--end-hours H] [--warmup-hours H]
"""

import time

import ciw

from tandem_spec import ARRIVALS_PER_HOUR, STATIONS, parse_args, report


def simulate(seed: int, end: float, warmup: float) -> list[float]:
    k = len(STATIONS)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_HOUR)] + [None] * (k - 1),
        service_distributions=[ciw.dists.Exponential(rate=1.0 / mean) for _, mean in STATIONS],
        number_of_servers=[c for c, _ in STATIONS],
        routing=[[1.0 if j == i + 1 else 0.0 for j in range(k)] for i in range(k)],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(end)
    entered: dict[int, float] = {}
    left: list[tuple[float, int]] = []
    for r in sim.get_all_records():
        if r.node == 1:
            entered[r.id_number] = r.arrival_date
        elif r.node == k and warmup <= r.exit_date < end:
            left.append((r.exit_date, r.id_number))
    left.sort()
    return [t - entered[i] for t, i in left]


if __name__ == "__main__":
    args = parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    times = simulate(args.seed, args.end_hours, args.warmup_hours)
    report("ciw", time.perf_counter() - t0, times, cpu_seconds=time.process_time() - c0, version=ciw.__version__)
