"""The journeys' steps, one module per feature, in the order a full run takes them.

Each module lists its steps in STEPS; a step is a function `name(ctx)` that prepares what it needs
and can run alone on a fresh server.
"""
from . import foundation, registry, portal, imports, quality, water, daily, inspections, inspection_admin, cases

FEATURES = [foundation, registry, portal, imports, quality, water, daily, inspections, inspection_admin, cases]


def all_steps() -> list:
    return [step for feature in FEATURES for step in feature.STEPS]
