"""ES modules in the snapshot (issue 11): ES modules become registry definitions with node's semantics
(:mod:`v8snap.esm.convert`), for apps and the embedding API alike; the JS side is
``js/prelude/esm-registry.js`` (build and run time) and ``js/loader/esm-hooks.js`` (serving them through
node's module hooks at run time).
"""

from v8snap.esm.convert import Converted, EsmConversion, convert_graph_modules, dynamic_imports, prepare_graph

__all__ = ["Converted", "EsmConversion", "convert_graph_modules", "dynamic_imports", "prepare_graph"]
