"""Small sampling helpers on an explicit `random.Random` (the generator never touches the global one)."""

import math
import random
from collections.abc import Mapping


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's sampler for small means; a normal approximation above 30."""
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def weighted[K](rng: random.Random, weights: Mapping[K, float]) -> K:
    """A key of `weights` drawn with probability proportional to its value."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
