// @ts-check
// The sandbox without allow_net (see sandbox.js): the network classes, the loaders, workers, and the
// snapshot's npm packages. Each function closes over nothing outside the sandbox functions.
/* global installSandbox */
/* exported sandboxNetClasses, sandboxLoaders, sandboxWorkers */

/** @param {V8snapSandbox} sb */
function sandboxNetClasses(sb) {
  const { getBuiltin, replace, denyMethod } = sb;
  const net = getBuiltin('net');
  const dgram = getBuiltin('dgram');
  for (const m of ['bind', 'connect', 'send']) denyMethod(dgram.Socket.prototype, m, 'dgram.Socket#' + m);
  const dns = getBuiltin('dns');
  for (const holder of [dns, dns.promises, dns.Resolver && dns.Resolver.prototype,
    dns.promises && dns.promises.Resolver && dns.promises.Resolver.prototype]) {
    if (!holder) continue;
    const names = new Set([...Object.keys(holder), ...Object.getOwnPropertyNames(holder)]);
    for (const m of names) {
      if (/^(lookup|resolve|reverse)/.test(m)) denyMethod(holder, m, 'dns.' + m);
    }
  }
  // The handle class of every pipe-backed net.Socket (`new net.Socket({fd: 3})` makes one, and the class
  // is reachable from it): a raw Pipe binds and connects unix sockets, which the permission model does
  // not check. Found from a throw-away server on an abstract socket (no file, closed at once).
  try {
    const probe = net.createServer();
    probe.on('error', () => {});
    probe.listen('\0v8snap-sandbox-' + process.pid + '-' + Math.random().toString(36).slice(2));
    const Pipe = probe._handle && probe._handle.constructor;
    probe.close();
    for (const m of ['bind', 'listen', 'connect', 'fchmod']) denyMethod(Pipe && Pipe.prototype, m, 'Pipe#' + m);
  } catch { /* no Pipe reachable here either */ }
  denyMethod(net.Socket.prototype, 'connect', 'net.Socket#connect');
  denyMethod(net.Server.prototype, 'listen', 'net.Server#listen');
  replace(process, '_getActiveHandles', /** @returns {unknown[]} */ function _getActiveHandles() { return []; });
  replace(process, '_getActiveRequests', /** @returns {unknown[]} */ function _getActiveRequests() { return []; });
}

/** @param {V8snapSandbox} sb */
function sandboxLoaders(sb) {
  const { getBuiltin, denied, checkNet, replace } = sb;
  replace(process, 'getBuiltinModule', function getBuiltinModule(/** @type {string} */ id) {
    checkNet(id);
    return getBuiltin(id);
  });
  const Module = getBuiltin('module');
  const origLoad = Module._load;
  /** @this {any} @param {any} request */
  Module._load = function _load(request) {
    if (typeof request === 'string') checkNet(request);
    return origLoad.apply(this, arguments);
  };
  if (typeof Module.registerHooks === 'function') {
    // Node's own registerHooks, taken before the snapshot's loader wrapped it (js/loader/user-hooks.js):
    // this hook only checks requests, so the snapshot keeps serving its modules.
    const register = sb.registerHooks || Module.registerHooks;
    register.call(Module, {
      /** @param {string} specifier @param {any} context @param {Function} nextResolve */
      resolve(specifier, context, nextResolve) {
        checkNet(specifier);
        const result = nextResolve(specifier, context);
        if (result && typeof result.url === 'string' && result.url.startsWith('node:')) checkNet(result.url);
        return result;
      },
    });
  }
  replace(Module, 'registerHooks', function registerHooks() {
    throw denied('module.registerHooks is not available to evaluated code');
  });
  replace(Module, 'register', function register() {
    throw denied('module.register is not available to evaluated code');
  });
}

/** @param {V8snapSandbox} sb */
function sandboxWorkers(sb) {
  const { getBuiltin, checkNet, replace, netBuiltins, netGlobals } = sb;
  // A Worker (allow_worker) is a fresh node realm with its own loaders: it starts with this sandbox.
  const wt = getBuiltin('worker_threads');
  const OrigWorker = wt.Worker;
  const sources = [installSandbox, sandboxNetClasses, sandboxLoaders, sandboxWorkers].map(String).join('\n');
  const prelude = `(function () {\n${sources}\ninstallSandbox(false, ${JSON.stringify(netBuiltins)}, ` +
    `${JSON.stringify(netGlobals)});\n})();\n`;
  /** @param {any} filename @param {any} options */
  const Worker = function Worker(filename, options) {
    if (new.target === undefined) throw new TypeError("Class constructor Worker cannot be invoked without 'new'");
    const opts = { ...(options || {}) };
    let code;
    if (opts.eval) {
      code = String(filename);
    } else {
      const spec = String(filename);
      const file = spec.startsWith('file:') ? getBuiltin('url').fileURLToPath(spec) : getBuiltin('path').resolve(spec);
      code = `require(${JSON.stringify(file)});`;
    }
    opts.eval = true;
    return Reflect.construct(OrigWorker, [prelude + code, opts], new.target);
  };
  Worker.prototype = OrigWorker.prototype;
  replace(OrigWorker.prototype, 'constructor', Worker);
  replace(wt, 'Worker', Worker);

  const v8snapRequire = globalThis.__v8snap_require;
  if (typeof v8snapRequire === 'function') {
    const guarded = function __v8snap_require(/** @type {string} */ request) {
      checkNet(request);
      return v8snapRequire(request);
    };
    Object.assign(guarded, v8snapRequire);
    globalThis.__v8snap_require = guarded;
  }
}
