// @ts-check
// v8snap profile marks (`v8snap profile`, src/v8snap/profile/): with V8SNAP_PROFILE=<file> the loader
// sets a performance mark (`v8snap:<step>`) at each of its steps, times every module load (a span around
// Module._load, its own time = total minus the loads nested in it) and writes both to <file> as JSON at
// exit. Without the variable nothing is recorded: one environment read. Part of the snapshot script
// (a loader part; hooked from loader/main.js runMain).
// eslint-disable-next-line no-unused-vars
function __v8snap_profiler(state) {
  'use strict';
  const file = process.env.V8SNAP_PROFILE;
  if (!file) return null;
  delete process.env.V8SNAP_PROFILE;
  const nodeRequire = state.realRequire; // (not `require(...)`: see js/README.md, "snapshot script parts")
  const { performance } = nodeRequire('perf_hooks');
  const Module = nodeRequire('module');
  const steps = []; // [step, ms since the process started]
  const spans = []; // [label, kind, start ms, total ms, own ms]
  const stack = []; // open spans: [label, kind, start, time of nested loads]
  const deferred = new Set(state.config.deferred || []);

  function kindOf(label, isMain) {
    if (label.startsWith('node:')) return 'built-in';
    const key = state.keyOfFilename(label);
    let where = 'disk: read + compile + run';
    if (key !== null && state.definitions[key] !== undefined) {
      where = deferred.has(key) || state.records[key] === undefined ? 'blob: deferred, compile + run' : 'blob: healthy';
    }
    return isMain ? `main module (${where})` : where;
  }

  const prof = {
    mark(step) {
      performance.mark('v8snap:' + step);
      steps.push([step, performance.now()]);
    },
    // Wrap Module._load (after the require hook is installed): one span per load that is not cached yet.
    wrapLoad() {
      const inner = Module._load;
      const builtinsSeen = new Set();
      Module._load = function v8snapProfileLoad(request, parent, isMain) {
        let label;
        try {
          if (Module.isBuiltin(request)) label = request.startsWith('node:') ? request : 'node:' + request;
          else label = Module._resolveFilename(request, parent, isMain);
        } catch {
          return inner.apply(this, arguments);
        }
        if (Module._cache[label] !== undefined || builtinsSeen.has(label)) return inner.apply(this, arguments);
        if (label.startsWith('node:')) builtinsSeen.add(label);
        stack.push([label, kindOf(label, isMain), performance.now(), 0]);
        try {
          return inner.apply(this, arguments);
        } finally {
          const [l, kind, t0, nested] = stack.pop();
          const total = performance.now() - t0;
          if (stack.length) stack[stack.length - 1][3] += total;
          spans.push([l, kind, t0, total, total - nested]);
        }
      };
    },
  };
  process.on('exit', () => {
    prof.mark('exit');
    nodeRequire('fs').writeFileSync(file, JSON.stringify({ steps, spans, files: Object.keys((state.config.staleCheck || {}).files || {}).length }));
  });
  return prof;
}
