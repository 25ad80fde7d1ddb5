"""How the Argo Rollouts controller sizes a canary without a traffic router: the pods of each version.

Without a traffic router a weight is only a share of the pods: the controller picks the canary
and stable counts that come closest to it (a port of `utils/replicaset/canary.go`, v1.10.2:
`CalculateReplicaCountsForBasicCanary`, `approximateWeightedCanaryStableReplicaCounts`, and
`resolveFenceposts` for maxSurge and maxUnavailable). `settle` runs that calculation until
nothing changes, every pod it asks for counted available: the counts a step holds at. A Go
test beside the judge runs the controller's own function over a grid and compares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_WEIGHT = 100
"""`maxTrafficWeight`, which only a traffic router may change."""


def scaled(value: int | str, total: int, round_up: bool) -> int:
    """An int, or a percentage of `total` (as the controller reads a string, "1" is 1 percent)."""
    if isinstance(value, int):
        return value
    percent = int(value.replace("%", ""))
    exact = float(percent) * float(total) / 100
    return int(math.ceil(exact) if round_up else math.floor(exact))


def fenceposts(replicas: int, max_surge: int | str, max_unavailable: int | str) -> tuple[int, int]:
    """maxSurge and maxUnavailable in pods (`MaxSurge`, `MaxUnavailable`): surge rounded up,
    unavailable down, 1 unavailable where both come to 0, unavailable at most the replicas."""
    surge, unavailable = scaled(max_surge, replicas, True), scaled(max_unavailable, replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, 0 if replicas == 0 else min(unavailable, replicas)


@dataclass(frozen=True)
class Pods:
    """A ReplicaSet as the controller reads it: the pods it asks for, and those available."""

    replicas: int
    available: int


def _tied(weight: int, total: int) -> bool:
    return math.modf(float(total) * (float(weight) / float(MAX_WEIGHT)))[0] == 0.5


def _delta(weight: int, canary: int, total: int) -> float:
    return abs(float(canary * MAX_WEIGHT) / float(total) - float(weight))


def approximate(replicas: int, weight: int, surge: int) -> tuple[int, int]:
    """The canary and stable counts closest to `weight`: at most one pod over the replicas (none with
    no surge), and for a weight of 1 to 99 at least one of each where there are pods enough."""
    if replicas == 0:
        return 0, 0
    ceiling = math.ceil(float(replicas * weight) / float(MAX_WEIGHT))
    floor = math.floor(float(replicas * weight) / float(MAX_WEIGHT))
    zero_allowed = weight in (MAX_WEIGHT, 0) or (replicas == 1 and surge == 0)
    options: list[tuple[int, int]] = []
    if ceiling < replicas or zero_allowed:
        options.append((ceiling, replicas))
    if not _tied(weight, replicas) and (floor != 0 or zero_allowed):
        options.append((floor, replicas))
    if surge > 0:
        options.append((ceiling, replicas + 1))
        if not _tied(weight, replicas + 1) and (floor != 0 or zero_allowed):
            options.append((floor, replicas + 1))
    if not options:
        return 0, replicas
    best = options[0]
    for option in options[1:]:
        if _delta(weight, *option) < _delta(weight, *best):
            best = option
    return best[0], best[1] - best[0]


def _limited(drain: Pods, adjust: Pods, drain_count: int, adjust_count: int, allowed: int, min_available: int) -> tuple[int, int]:
    """`adjustReplicaWithinLimits`: the two counts brought back within maxSurge, keeping maxUnavailable."""
    over = max(0, adjust_count + drain_count - allowed)
    adjust_count -= over
    available = min(drain.available, drain_count) + min(adjust.available, adjust_count)
    extra = max(0, adjust.available - adjust_count)
    adjust_count += min(extra, max(0, min_available - available))
    return drain_count - max(0, adjust_count + drain_count - allowed), adjust_count


def _for_scale_down(pods: Pods, ignore_availability: bool) -> int:
    if pods.replicas < pods.available or ignore_availability:
        return pods.replicas
    return pods.available


def basic_canary(replicas: int, weight: int, surge: int, unavailable: int, new: Pods, stable: Pods) -> tuple[int, int]:
    """`CalculateReplicaCountsForBasicCanary` with no older ReplicaSets: the canary's and the stable's next counts."""
    want_new, want_stable = approximate(replicas, weight, surge)
    new_count, stable_count = new.replicas, stable.replicas
    allowed = replicas + surge
    scale_up = allowed - (new.replicas + stable.replicas)
    if stable.replicas < want_stable and scale_up > 0:
        stable_count = min(stable.replicas + scale_up, want_stable)
        scale_up -= stable_count - stable.replicas
    if new.replicas < want_new and scale_up > 0:
        new_count = min(new.replicas + scale_up, want_new)
    min_available = replicas - unavailable
    increasing = want_new >= new.replicas
    to_scale_down = _for_scale_down(new, not increasing) + _for_scale_down(stable, increasing)
    if to_scale_down <= min_available:
        return new_count, stable_count
    scale_down = to_scale_down - min_available
    if not increasing:
        if new.replicas > want_new:
            new_count = max(want_new, new.replicas - scale_down)
        return _limited(new, stable, new_count, stable_count, allowed, min_available)
    if stable.replicas > want_stable:
        stable_count = max(want_stable, stable.replicas - scale_down)
    stable_count, new_count = _limited(stable, new, stable_count, new_count, allowed, min_available)
    return new_count, stable_count


SETTLE_LIMIT = 1000
"""Passes at most (the Go test bounds its own the same): each pass moves a pod, or none moves."""


def settle(replicas: int, weight: int, surge: int, unavailable: int, canary: int, stable: int) -> tuple[int, int]:
    """The counts the controller holds a step at, from `canary` and `stable` pods, all available."""
    for _ in range(SETTLE_LIMIT):
        moved = basic_canary(replicas, weight, surge, unavailable, Pods(canary, canary), Pods(stable, stable))
        if moved == (canary, stable):
            break
        canary, stable = moved
    return canary, stable
