"""What the history generators share: a `git fast-import` stream on stdout and a seeded weighted choice.

Both generators must stay deterministic for given arguments, so the random source is passed in
(each generator keeps its own seed) rather than shared.
"""

import sys

out = sys.stdout.buffer


def weighted(rng, choices):
    """One value of [(value, weight), ...], chosen in proportion to the weights."""
    total = sum(w for _, w in choices)
    pick = rng.uniform(0, total)
    for value, weight in choices:
        pick -= weight
        if pick <= 0:
            return value
    return choices[-1][0]


def data(payload: bytes):
    """A fast-import `data` command holding `payload` exactly."""
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")
