"""Locate node, read its fingerprint, run the JS helpers shipped in ``v8snap/js``."""

from v8snap.node.fingerprint import Fingerprint, node_fingerprint
from v8snap.node.helpers import js_part, js_path, run_helper
from v8snap.node.locate import find_node, npm_command

__all__ = ["Fingerprint", "find_node", "js_part", "js_path", "node_fingerprint", "npm_command", "run_helper"]
