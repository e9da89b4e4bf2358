"""Assemble the snapshot script from a module graph and a heal state."""

from v8snap.blueprint.assemble import Blueprint, assemble_script

__all__ = ["Blueprint", "assemble_script"]
