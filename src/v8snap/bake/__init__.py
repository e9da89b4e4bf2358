"""Builders: turn a snapshot script into a snapshot blob (``node --build-snapshot``)."""

from v8snap.bake.node_builder import BuildOutcome, run_node_builder

__all__ = ["BuildOutcome", "run_node_builder"]
