// @ts-check
'use strict';
// v8snap trace preload, second part (required by trace.js before its require hook): records the app's own
// resolutions that do not load a module.
//   - require.resolve(request) outside a load: {via: 'resolve'} records. The resolver map answers them at
//     build time, so a module that resolves a data file or a package.json at load (uglify-js, path lookups
//     of `pkg/package.json`) can initialize in the snapshot; its target need not be a module of the graph.
//     Calls with `paths` are not recorded: their answer depends on more than the request. A call that
//     finds nothing (MODULE_NOT_FOUND) is recorded with resolved '', as trace.js records a failed require.
//   - ES module imports, through the synchronous resolve hook (Node >= 22.15 / 23.5): {via: 'import'}.

const { fileURLToPath } = require('url');

/**
 * @param {any} Module node's Module
 * @param {object[]} records the trace's records (appended to)
 * @param {(request: string) => string | null} builtinName "node:<name>" for a built-in request
 * @returns {{loading: {depth: number, pending: {request: string, parent: any} | null}}} trace.js raises
 *   `depth` around its own resolution of a load and sets `pending` as Module._load starts: the next
 *   resolution of that request from that parent is the load's (with resolve hooks registered node passes
 *   options then too), not a require.resolve
 */
function installResolveRecorders(Module, records, builtinName) {
  /** @type {{depth: number, pending: {request: string, parent: any} | null}} */
  const loading = { depth: 0, pending: null };
  const originalResolve = Module._resolveFilename;
  /** @param {any} request @param {any} parent @param {any} isMain @param {any} options */
  Module._resolveFilename = function v8snapTraceResolve(request, parent, isMain, options) {
    const pending = loading.pending;
    const ours = pending !== null && pending.request === request && pending.parent === parent;
    if (ours) loading.pending = null;
    const record = !ours && loading.depth === 0 && !(options && options.paths) && !isMain && parent
      && typeof parent.filename === 'string' && typeof request === 'string' && !builtinName(request);
    let resolved;
    try {
      resolved = originalResolve.apply(this, arguments);
    } catch (err) {
      // `try { require.resolve('optional') } catch {}`: the map records that node found nothing.
      if (record && err && err.code === 'MODULE_NOT_FOUND') {
        records.push({ parent: parent.filename, request, resolved: '', isMain: false, via: 'resolve', ok: false,
          error: 'MODULE_NOT_FOUND', format: '' });
      }
      throw err;
    }
    if (record && typeof resolved === 'string') {
      records.push({
        parent: parent.filename, request, resolved, isMain: false, via: 'resolve', ok: true, error: '', format: '',
      });
    }
    return resolved;
  };
  if (typeof Module.registerHooks === 'function') {
    // Requires also pass here (with the "require" condition): those are skipped.
    Module.registerHooks({
      /** @param {string} specifier @param {any} context @param {Function} nextResolve */
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        const conditions = context.conditions || [];
        if (conditions.includes('import')) {
          let resolved = result.url;
          if (resolved.startsWith('file:')) resolved = fileURLToPath(resolved);
          else if (!resolved.startsWith('node:')) resolved = builtinName(resolved) || resolved;
          let parent = null;
          if (context.parentURL && context.parentURL.startsWith('file:')) parent = fileURLToPath(context.parentURL);
          records.push({
            parent,
            request: specifier,
            resolved,
            isMain: context.parentURL === undefined,
            via: 'import',
            ok: true,
            error: '',
            format: result.format || '',
          });
        }
        return result;
      },
    });
  }
  return { loading };
}

module.exports = { installResolveRecorders };
