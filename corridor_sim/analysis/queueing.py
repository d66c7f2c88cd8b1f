"""Analytic results of queueing theory that the engine is checked against."""

from __future__ import annotations


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang's C formula).

    `offered_load` a = λ/μ in Erlangs; requires a < c.
    """
    c, a = servers, offered_load
    if not 0 <= a < c:
        raise ValueError("Erlang C needs 0 <= offered load < servers (a stable queue)")
    # Summed term by term so large c does not overflow.
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    top = term * a / c / (1 - a / c)
    return top / (total + top)


def mmc_mean_wait(arrival_rate: float, mean_service: float, servers: int) -> float:
    """Mean time in queue Wq of an M/M/c station (same time unit as the inputs)."""
    mu = 1.0 / mean_service
    a = arrival_rate / mu
    return erlang_c(servers, a) / (servers * mu - arrival_rate)


def mmc_mean_queue(arrival_rate: float, mean_service: float, servers: int) -> float:
    """Mean number waiting Lq = λ Wq (Little's law)."""
    return arrival_rate * mmc_mean_wait(arrival_rate, mean_service, servers)
