// @ts-check
// Under --preserve-symlinks (NODE_OPTIONS, NODE_PRESERVE_SYMLINKS=1) node gives a module reached through a
// symlink (pnpm's node_modules/<name>) its symlinked path; the resolver map holds real paths. Node's own
// resolver answers for the symlink the build left in .v8snap (graph/layout.py symlink_probe): the link
// itself only under that flag.
/* exported __v8snap_keepsSymlinks */

/**
 * @param {V8snapLoaderShared} shared
 * @returns {boolean | null} true (flag on), false, or null (the probe is gone: stale)
 */
function __v8snap_keepsSymlinks(shared) {
  'use strict';
  const { Module, config } = shared;
  const probe = (config.staleCheck || {}).symlinkProbe;
  if (!probe) return false;
  const found = /** @type {any} */ (Module)._findPath(probe, [], false);
  delete /** @type {any} */ (Module)._pathCache[probe + '\u0000'];
  return found === false ? null : found === probe;
}
