"""Shopify Admin GraphQL API simulator: the test double and demo backend of the ELT pipeline.

It implements Shopify's documented rules independently of ``shopify_elt`` (and never
imports it), so that a misreading of the API in one is caught by the other.
"""

from __future__ import annotations

__all__ = ["SimulatorServer"]


def __getattr__(name: str) -> object:
    # Imported lazily so `python -m shopify_simulator.schema.build_subset` stays light.
    if name == "SimulatorServer":
        from shopify_simulator.server import SimulatorServer

        return SimulatorServer
    raise AttributeError(name)
