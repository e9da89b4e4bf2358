// @ts-check
// The sandbox of an embedded runtime (docs/security.md says why a full node realm is filtered rather than
// handing evaluated code a `vm` context). Installed by start() before any evaluated code runs. Node's
// permission model (--permission) closes the file system, child processes, workers, addons, WASI, the
// inspector and process.binding; it has no network switch, so without allow_net every path from
// JavaScript to a socket is closed here:
//  * every loader: require of modules (embedModules), Module._load (hence Module.prototype.require,
//    createRequire, new Module()._compile), process.getBuiltinModule, import() (a module.registerHooks
//    resolve hook; registerHooks/register are then denied so no user hook can run before it), and
//    __v8snap_require (npm packages of the snapshot);
//  * the classes, for references already held by loaded code (an npm package holding `http`, a tty stream
//    whose prototype is net.Socket, the Pipe handle of a net.Socket opened on an fd): net.Socket#connect,
//    net.Server#listen, dgram.Socket#bind/connect/send, dns lookups, Pipe#bind/listen/connect;
//  * the network globals (fetch, WebSocket, EventSource, ...), process._getActiveHandles/Requests;
//  * a Worker (allow_worker) is a fresh realm: the sandbox's source is prepended to its code.
// Signals to any process but this one (process.kill, process._debugProcess) need allow_child_process.
// The sandbox functions (this file, sandbox-net.js) close over nothing outside themselves: their source is
// reused for workers (sandboxWorkers).
/* global sandboxNetClasses, sandboxLoaders, sandboxWorkers */
/* exported installSandbox */

/**
 * What the sandbox functions share.
 * @typedef {object} V8snapSandbox
 * @property {(id: string) => any} getBuiltin process.getBuiltinModule, as it was before the sandbox
 * @property {string[]} netBuiltins
 * @property {string[]} netGlobals
 * @property {(message: string) => Error} denied an ERR_ACCESS_DENIED error
 * @property {(what: string) => Error} deniedNet
 * @property {(id: string) => void} checkNet throws for a network built-in
 * @property {(obj: any, name: string, fn: Function) => void} replace non-writable, non-configurable
 * @property {(proto: any, name: string, what: string) => void} denyMethod
 * @property {Function | undefined} registerHooks node's own module.registerHooks (not the snapshot loader's
 *   wrapper, which would count the sandbox's hook as an app's and stop serving the snapshot's modules)
 */

/**
 * @param {boolean} allowNet
 * @param {string[]} netBuiltins built-ins that open network connections
 * @param {string[]} netGlobals globals that do
 * @param {Function} [registerHooks] node's own module.registerHooks (V8snapSandbox.registerHooks)
 */
function installSandbox(allowNet, netBuiltins, netGlobals, registerHooks) {
  const getBuiltin = process.getBuiltinModule.bind(process);
  const NET = new Set(netBuiltins);
  /** @param {any} id */
  const bare = (id) => { const s = String(id); return s.startsWith('node:') ? s.slice(5) : s; };
  /** @param {string} message */
  const denied = (message) => {
    const e = /** @type {NodeJS.ErrnoException} */ (new Error('v8snap sandbox: ' + message));
    e.code = 'ERR_ACCESS_DENIED';
    return e;
  };
  /** @param {string} what */
  const deniedNet = (what) => denied(`${what} needs allow_net=True`);
  /** @param {any} id */
  const isNet = (id) => !allowNet && NET.has(bare(id));
  /** @param {any} id */
  const checkNet = (id) => { if (isNet(id)) throw deniedNet(`built-in "${bare(id)}"`); };
  /** @param {any} obj @param {string} name @param {Function} fn */
  const replace = (obj, name, fn) => {
    if (obj === null || obj === undefined) return;
    try {
      Object.defineProperty(obj, name, { value: fn, writable: false, configurable: false, enumerable: false });
    } catch { obj[name] = fn; }
  };
  /** @param {any} proto @param {string} name @param {string} what */
  const denyMethod = (proto, name, what) => {
    if (proto && typeof proto[name] === 'function') replace(proto, name, function () { throw deniedNet(what); });
  };
  /** @type {V8snapSandbox} */
  const sb = { getBuiltin, netBuiltins, netGlobals, denied, deniedNet, checkNet, replace, denyMethod, registerHooks };

  // Signals: only this process, unless child processes are granted (a child could signal anyone anyway).
  const mayChild = () => !!(process.permission && process.permission.has('child'));
  const rawKill = process._kill;
  replace(process, '_kill', function _kill(/** @type {number} */ pid, /** @type {any} */ sig) {
    if (pid !== process.pid && !mayChild()) {
      throw denied(`process.kill(${pid}) of another process needs allow_child_process=True`);
    }
    return rawKill.call(process, pid, sig);
  });
  if (typeof process._debugProcess === 'function') {
    const rawDebug = process._debugProcess;
    replace(process, '_debugProcess', function _debugProcess(/** @type {number} */ pid) {
      if (!mayChild()) throw denied('process._debugProcess (SIGUSR1 to a process) needs allow_child_process=True');
      return rawDebug.call(process, pid);
    });
  }
  // Node's permission model denies these already; say so in our words (they are not about the network).
  for (const name of ['binding', '_linkedBinding']) {
    replace(process, name, function (/** @type {any} */ id) {
      throw denied(`process.${name}(${JSON.stringify(String(id))}) is not available: node's internal ` +
        'bindings bypass the permission model');
    });
  }

  if (!allowNet) {
    for (const name of netGlobals) {
      try { delete /** @type {any} */ (globalThis)[name]; } catch { /* non-configurable: leave it */ }
    }
    // Classes first, while the real modules are at hand.
    sandboxNetClasses(sb);
    sandboxLoaders(sb);
    sandboxWorkers(sb);
  }
}
