// @ts-check
// A build-time module record, the `module` a registry definition sees while it initializes (the loader makes
// it a real Module when it adopts the record): node's fields, with what is known only at run time guarded.
/* exported __v8snap_moduleRecord */

/**
 * @param {V8snapState} state
 * @returns {(filename: string) => any} filename -> a fresh record
 */
function __v8snap_moduleRecord(state) {
  'use strict';
  const path = state.path;
  // A record's build-time prototype (the loader makes it Module.prototype when it adopts the record):
  // which module first requires this one is only known at run time, so reading `module.parent` at load
  // time is a violation, as reading require.cache is.
  const recordProto = Object.create(Object.prototype, {
    parent: {
      configurable: true,
      get() {
        if (state.building()) state.violate('NOT_IN_SNAPSHOT', 'module.parent');
        return undefined;
      },
    },
  });
  // module.paths as node computes it: each ancestor's node_modules (none under a node_modules segment).
  /** @param {string} dir @returns {string[]} */
  const nodeModulePaths = (dir) => {
    const out = [];
    for (let d = dir; ; d = path.dirname(d)) {
      if (path.basename(d) !== 'node_modules') out.push(path.join(d, 'node_modules'));
      if (path.dirname(d) === d) return out;
    }
  };

  return (filename) => {
    const record = Object.create(recordProto);
    Object.assign(record, {
      id: filename, filename, path: path.dirname(filename), exports: {}, loaded: false,
      children: [], paths: nodeModulePaths(path.dirname(filename)),
    });
    return record;
  };
}
