// @ts-check
// Require hooks installed at run time, by the app or a preload (@babel/register, ts-node, pirates,
// esbuild-register): a `Module._extensions` handler, `Module.prototype._compile` or `Module.wrap` that is
// not node's own, or a call of `module.registerHooks`. A plain run compiles every later module through
// them, so while one is in place the snapshot serves nothing and node loads the file. With source maps
// enabled, node maps the frames of a module with a sourceMappingURL comment only when it compiled the file
// itself: such modules load from disk then. (docs/limits.md, "Require hooks" and "Source maps".)
/* exported __v8snap_userHooks */

/**
 * @param {V8snapLoaderShared} shared
 * @returns {{hooked: (key: string) => boolean, watch: () => void}}
 */
function __v8snap_userHooks(shared) {
  'use strict';
  const { state, Module, path, config } = shared;
  const nodeLoader = state.nodeLoader; // recorded by __v8snap_boot before anything could replace them
  const sourceMapped = new Set(config.sourceMapped || []);
  let syncHooks = false;

  /**
   * The extension node's loader would pick for `filename`: the longest registered one, else '.js'.
   * @param {string} filename
   */
  function extensionOf(filename) {
    const name = path.basename(filename);
    for (let i = name.indexOf('.', 1); i !== -1; i = name.indexOf('.', i + 1)) {
      if (Module._extensions[name.slice(i)]) return name.slice(i);
    }
    return '.js';
  }

  const extKeys = Object.keys(nodeLoader.ext);
  // node's own extension handlers all in place and none added: no per-file extension lookup (the
  // common case, on the path of every module the snapshot serves).
  function extensionsAsBuilt() {
    const ext = Module._extensions;
    for (let i = 0; i < extKeys.length; i++) {
      if (ext[extKeys[i]] !== nodeLoader.ext[extKeys[i]]) return false;
    }
    return Object.keys(ext).length === extKeys.length;
  }

  /** @param {string} key a registry key: true when node must load it instead of the snapshot */
  function hooked(key) {
    if (sourceMapped.has(key) && process.sourceMapsEnabled) return true;
    if (syncHooks || Module.prototype._compile !== nodeLoader.compile || Module.wrap !== nodeLoader.wrap) {
      return true;
    }
    if (extensionsAsBuilt()) return false;
    const ext = extensionOf(state.filenameOf(key));
    return Module._extensions[ext] !== nodeLoader.ext[ext];
  }

  /** Notice `module.registerHooks` calls (node >= 22.15 / 23.5). */
  function watch() {
    const registerHooks = Module.registerHooks;
    if (typeof registerHooks !== 'function') return;
    /** @type {any} */ (Module).registerHooks = function registerHooks_(/** @type {any[]} */ ...args) {
      syncHooks = true;
      return registerHooks.apply(this, /** @type {any} */ (args));
    };
    Object.defineProperty(Module.registerHooks, 'name', { value: 'registerHooks' });
    // (The embedding sandbox's network check registers through node's own function, taken before this
    // wrapper exists: js/embed/runtime/embed.js; it does not change what loads.)
  }

  return { hooked, watch };
}
