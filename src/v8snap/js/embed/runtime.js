'use strict';
// The JavaScript half of v8snap's embedding API (v8snap.embed).
//
// This file is evaluated in two ways and must work in both:
//  * inlined at the top of a snapshot script built by SnapshotBuilder (wrapped by Python in
//    `(function (module) { ... })({exports: {}})`), where `require` can load built-ins only and the
//    protocol server starts from v8.startupSnapshot.setDeserializeMainFunction;
//  * required by server.js when a Runtime starts without a snapshot.
// It exports one function, createEmbed(nodeRequire) -> api, and has no side effect until called.
//
// Protocol (see v8snap/embed/protocol.py): every frame is a 4-byte big-endian length + UTF-8 JSON.
//   fdIn   Python -> JS requests            {id, op, ...}
//   fdOut  JS -> Python replies and events   {id, ok, value | error} / {op: "console" | "callback" | "hello"}
//   fdCb   Python -> JS callback replies    {ok, value | error}; read with a *blocking* readSync, which is
//          what makes a Python callback a plain synchronous call from JavaScript.
// Values cross as JSON; bytes, BigInt and undefined are tagged objects {"$v8snap": kind, ...}.

const TAG = '$v8snap';

// Built-ins that open network connections: hidden from user code unless allowNet. Node 24's permission
// model has no network switch, so this is a JS-level filter (documented as such in docs/embedding.md).
const NET_BUILTINS = new Set([
  'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'dns/promises', '_http_agent', '_http_client',
  '_http_common', '_http_incoming', '_http_outgoing', '_http_server', '_tls_common', '_tls_wrap', 'inspector',
  'inspector/promises',
]);
const NET_GLOBALS = ['fetch', 'WebSocket', 'EventSource', 'Request', 'Response', 'Headers', 'FormData'];

// ---- sandbox ---------------------------------------------------------------------------------------
//
// Installed by start() before any evaluated code runs; a full node realm is filtered rather than handing
// evaluated code a `vm` context (docs/security.md says why). Node's permission model (--permission) closes
// the file system, child processes, workers, addons, WASI, the inspector and process.binding; it has no
// network switch, so without allow_net every path from JavaScript to a socket is closed here:
//  * every loader: require of modules (makeRequire), Module._load (hence Module.prototype.require,
//    createRequire, new Module()._compile), process.getBuiltinModule, import() (a module.registerHooks
//    resolve hook; registerHooks/register are then denied so no user hook can run before it), and
//    __v8snap_require (npm packages of the snapshot);
//  * the classes, for references already held by loaded code (an npm package holding `http`, a tty stream
//    whose prototype is net.Socket, the Pipe handle of a net.Socket opened on an fd): net.Socket#connect,
//    net.Server#listen, dgram.Socket#bind/connect/send, dns lookups, Pipe#bind/listen/connect;
//  * the network globals (fetch, WebSocket, EventSource, ...), process._getActiveHandles/Requests;
//  * a Worker (allow_worker) is a fresh realm: this function's source is prepended to its code.
// Signals to any process but this one (process.kill, process._debugProcess) need allow_child_process.
// Self-contained (no closure over the module) because its source is reused for workers.
function installSandbox(allowNet, netBuiltins, netGlobals) {
  const getBuiltin = process.getBuiltinModule.bind(process);
  const NET = new Set(netBuiltins);
  const bare = (id) => { const s = String(id); return s.startsWith('node:') ? s.slice(5) : s; };
  const denied = (message) => {
    const e = new Error('v8snap sandbox: ' + message);
    e.code = 'ERR_ACCESS_DENIED';
    return e;
  };
  const deniedNet = (what) => denied(`${what} needs allow_net=True`);
  const isNet = (id) => !allowNet && NET.has(bare(id));
  const checkNet = (id) => { if (isNet(id)) throw deniedNet(`built-in "${bare(id)}"`); };
  const replace = (obj, name, fn) => {
    if (obj === null || obj === undefined) return;
    try {
      Object.defineProperty(obj, name, { value: fn, writable: false, configurable: false, enumerable: false });
    } catch { obj[name] = fn; }
  };
  const denyMethod = (proto, name, what) => {
    if (proto && typeof proto[name] === 'function') replace(proto, name, function () { throw deniedNet(what); });
  };

  // Signals: only this process, unless child processes are granted (a child could signal anyone anyway).
  const mayChild = () => !!(process.permission && process.permission.has('child'));
  const rawKill = process._kill;
  replace(process, '_kill', function _kill(pid, sig) {
    if (pid !== process.pid && !mayChild()) {
      throw denied(`process.kill(${pid}) of another process needs allow_child_process=True`);
    }
    return rawKill.call(process, pid, sig);
  });
  if (typeof process._debugProcess === 'function') {
    const rawDebug = process._debugProcess;
    replace(process, '_debugProcess', function _debugProcess(pid) {
      if (!mayChild()) throw denied('process._debugProcess (SIGUSR1 to a process) needs allow_child_process=True');
      return rawDebug.call(process, pid);
    });
  }
  // Node's permission model denies these already; say so in our words (they are not about the network).
  for (const name of ['binding', '_linkedBinding']) {
    replace(process, name, function (id) {
      throw denied(`process.${name}(${JSON.stringify(String(id))}) is not available: node's internal ` +
        'bindings bypass the permission model');
    });
  }

  if (!allowNet) {
    for (const name of netGlobals) {
      try { delete globalThis[name]; } catch { /* non-configurable: leave it */ }
    }
    // Classes first, while the real modules are at hand.
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
    replace(process, '_getActiveHandles', function _getActiveHandles() { return []; });
    replace(process, '_getActiveRequests', function _getActiveRequests() { return []; });

    // Loaders.
    replace(process, 'getBuiltinModule', function getBuiltinModule(id) {
      checkNet(id);
      return getBuiltin(id);
    });
    const Module = getBuiltin('module');
    const origLoad = Module._load;
    Module._load = function _load(request) {
      if (typeof request === 'string') checkNet(request);
      return origLoad.apply(this, arguments);
    };
    if (typeof Module.registerHooks === 'function') {
      Module.registerHooks({
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
    // A Worker (allow_worker) is a fresh node realm with its own loaders: it starts with this sandbox.
    const wt = getBuiltin('worker_threads');
    const OrigWorker = wt.Worker;
    const prelude = `(${installSandbox.toString()})(false, ${JSON.stringify(netBuiltins)}, ` +
      `${JSON.stringify(netGlobals)});\n`;
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
      const guarded = function __v8snap_require(request) {
        checkNet(request);
        return v8snapRequire(request);
      };
      Object.assign(guarded, v8snapRequire);
      globalThis.__v8snap_require = guarded;
    }
  }
}

function createEmbed(nodeRequire) {
  const fs = nodeRequire('fs');
  const util = nodeRequire('util');
  const v8 = nodeRequire('v8');
  const net = nodeRequire('net');
  const pathPosix = nodeRequire('path').posix;
  const { Buffer } = nodeRequire('buffer');

  const modules = new Map(); // name -> module object {exports, name}
  let entrypoint = null; // function registered with v8snap.registerEntrypoint or a default export
  let bakedFingerprint = null;
  let building = false;
  let allowNet = true;
  let out = -1;
  let cbIn = -1;
  let currentStep = null; // build step being run: {kind, name}

  // ---- values ---------------------------------------------------------------------------------------

  function replacer(key, value) {
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      return { [TAG]: 'bytes', b64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    }
    if (raw instanceof ArrayBuffer) {
      return { [TAG]: 'bytes', b64: Buffer.from(raw).toString('base64') };
    }
    if (typeof value === 'bigint') return { [TAG]: 'bigint', v: value.toString() };
    if (value === undefined && key === '') return null;
    return value;
  }

  function reviver(key, value) {
    if (value !== null && typeof value === 'object' && typeof value[TAG] === 'string') {
      if (value[TAG] === 'bytes') {
        const b = Buffer.from(value.b64, 'base64');
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      }
      if (value[TAG] === 'bigint') return BigInt(value.v);
      if (value[TAG] === 'undefined') return undefined;
    }
    return value;
  }

  function errorInfo(err) {
    if (err !== null && typeof err === 'object') {
      return {
        name: String(err.name || (err.constructor && err.constructor.name) || 'Error'),
        message: String(err.message === undefined ? '' : err.message),
        stack: String(err.stack || ''),
        code: err.code === undefined ? null : String(err.code),
      };
    }
    return { name: 'Error', message: 'thrown value: ' + util.inspect(err), stack: '', code: null };
  }

  // ---- frames ---------------------------------------------------------------------------------------

  function writeAll(fd, buf) {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
  }

  function send(msg) {
    let body;
    try {
      body = Buffer.from(JSON.stringify(msg, replacer), 'utf8');
    } catch (err) {
      body = Buffer.from(JSON.stringify({ id: msg.id, ok: false, error: errorInfo(err) }), 'utf8');
    }
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(body.length, 0);
    writeAll(out, Buffer.concat([head, body]));
  }

  function readExact(fd, n) {
    const buf = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      let got;
      try {
        got = fs.readSync(fd, buf, off, n - off, null);
      } catch (err) {
        if (err.code === 'EAGAIN') continue;
        throw err;
      }
      if (got === 0) throw new Error('v8snap: Python side closed the callback channel');
      off += got;
    }
    return buf;
  }

  // ---- calling back into Python (blocking) ------------------------------------------------------------

  function callPython(name, args) {
    if (out < 0) throw new Error('v8snap: Python functions cannot be called while building a snapshot');
    send({ op: 'callback', name: String(name), args });
    const len = readExact(cbIn, 4).readUInt32BE(0);
    const reply = JSON.parse(readExact(cbIn, len).toString('utf8'), reviver);
    if (reply.ok) return reply.value;
    const e = new Error(reply.error.message);
    e.name = reply.error.name || 'PythonError';
    throw e;
  }

  const functions = new Proxy({}, {
    get(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      return (...args) => callPython(prop, args);
    },
  });

  const helper = Object.freeze({
    functions,
    call: (name, ...args) => callPython(name, args),
    registerEntrypoint(fn) {
      if (typeof fn !== 'function') throw new TypeError('registerEntrypoint expects a function');
      entrypoint = fn;
    },
  });
  Object.defineProperty(globalThis, 'v8snap', { value: helper, writable: false, configurable: false });

  // ---- modules --------------------------------------------------------------------------------------

  // process.getBuiltinModule works while building a snapshot (require('module') does not fully) and
  // returns undefined for anything that is not a built-in, so it is both the test and the loader.
  const getBuiltin = process.getBuiltinModule.bind(process);
  const bareName = (request) => (request.startsWith('node:') ? request.slice(5) : request);

  function deniedNet(name) {
    const e = new Error(`v8snap sandbox: built-in "${name}" needs allow_net=True`);
    e.code = 'ERR_ACCESS_DENIED';
    return e;
  }

  function makeRequire(fromName) {
    return function require(request) {
      if (request.startsWith('./') || request.startsWith('../') || request.startsWith('/')) {
        const base = pathPosix.dirname(fromName);
        const joined = pathPosix.normalize(pathPosix.join(base, request));
        for (const cand of [joined, joined + '.js', joined + '.cjs', joined + '.mjs', joined + '/index.js']) {
          const hit = modules.get(cand) || modules.get(cand.replace(/^\.\//, ''));
          if (hit) return hit.exports;
        }
      } else if (modules.has(request)) {
        return modules.get(request).exports;
      } else {
        const bare = bareName(request);
        if (!allowNet && NET_BUILTINS.has(bare)) throw deniedNet(bare);
        const builtin = getBuiltin(request);
        if (builtin !== undefined) {
          if (building) fs.writeSync(2, `V8SNAP_REQUIRE ${JSON.stringify({ module: fromName, builtin: bare })}\n`);
          return builtin;
        }
      }
      if (typeof globalThis.__v8snap_require === 'function') return globalThis.__v8snap_require(request);
      const e = new Error(`Cannot find module '${request}' (required from embedded module ${fromName})`);
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    };
  }

  // Evaluate `source` (CommonJS) as module `name`; its exports are registered under `name`.
  function defineModule(name, source) {
    const wrapper = '(function (exports, require, module, __filename, __dirname) {' + source +
      '\n})\n//# sourceURL=' + name;
    const fn = (0, eval)(wrapper);
    const mod = { exports: {}, id: name, filename: name, loaded: false };
    modules.set(name, mod);
    try {
      fn.call(mod.exports, mod.exports, makeRequire(name), mod, name, pathPosix.dirname(name));
    } catch (err) {
      modules.delete(name);
      throw err;
    }
    mod.loaded = true;
    const dflt = mod.exports && mod.exports.__esModule ? mod.exports.default : undefined;
    if (typeof dflt === 'function' && entrypoint === null) entrypoint = dflt;
    return mod.exports;
  }

  // ---- build steps (snapshot builder only) -------------------------------------------------------------

  function classify(err) {
    if (err && err[TAG] === 'exit') return 'EXIT_CALLED';
    if (err instanceof ReferenceError && /\b(WebAssembly|SharedArrayBuffer)\b/.test(String(err.message))) {
      return 'GLOBAL_MISSING';
    }
    return 'UNKNOWN_ERROR';
  }

  function buildStep(kind, name, fn) {
    building = true;
    currentStep = { kind, name };
    const realExit = process.exit;
    process.exit = function exit(code) {
      const e = new Error(`process.exit(${code === undefined ? '' : code}) called while building the snapshot`);
      e[TAG] = 'exit';
      throw e;
    };
    try {
      return fn();
    } catch (err) {
      const info = errorInfo(err);
      const report = { ...info, kind, module: name, code: classify(err), errorCode: info.code };
      fs.writeSync(2, `\nV8SNAP_BUILD_ERROR ${JSON.stringify(report)}\n`);
      process.exitCode = 1;
      throw err;
    } finally {
      process.exit = realExit;
      currentStep = null;
    }
  }

  // ---- console capture ------------------------------------------------------------------------------

  function captureConsole() {
    const levels = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
    for (const level of levels) {
      console[level] = (...args) => {
        let text = util.format(...args);
        if (level === 'trace') text = 'Trace: ' + text + '\n' + new Error().stack.split('\n').slice(2).join('\n');
        send({ op: 'console', level, text });
      };
    }
    console.dir = (obj, opts) => send({ op: 'console', level: 'log', text: util.inspect(obj, opts) });
  }

  // ---- the protocol server --------------------------------------------------------------------------

  function lookup(moduleName, name) {
    if (moduleName === null || moduleName === undefined) return { holder: globalThis, value: globalThis[name] };
    const mod = modules.get(moduleName);
    if (!mod) {
      const e = new Error(`no module named ${JSON.stringify(moduleName)} in this runtime`);
      e.name = 'ReferenceError';
      throw e;
    }
    return { holder: mod.exports, value: mod.exports[name] };
  }

  function runOp(msg) {
    switch (msg.op) {
      case 'eval':
        return (0, eval)(msg.code);
      case 'get':
        return lookup(msg.module, msg.name).value;
      case 'call': {
        const { holder, value } = lookup(msg.module, msg.name);
        if (typeof value !== 'function') {
          throw new TypeError(`${msg.name} is not a function (${msg.module ? 'module ' + msg.module : 'global'})`);
        }
        return value.apply(holder, msg.args);
      }
      case 'entry':
        if (entrypoint === null) {
          throw new ReferenceError('no entrypoint: call v8snap.registerEntrypoint(fn) or export a default function');
        }
        return entrypoint.apply(undefined, msg.args);
      case 'load':
        defineModule(msg.name, msg.source);
        return null;
      case 'ping':
        return null;
      default:
        throw new Error('v8snap: unknown op ' + msg.op);
    }
  }

  async function handle(msg) {
    let value;
    try {
      value = runOp(msg);
      if (value !== null && typeof value === 'object' && typeof value.then === 'function' && msg.await !== false) {
        value = await value;
      }
    } catch (err) {
      send({ id: msg.id, ok: false, error: errorInfo(err) });
      return;
    }
    send({ id: msg.id, ok: true, value });
  }

  function liveFingerprint() {
    return {
      node: process.version, v8: process.versions.v8, cached_data_tag: v8.cachedDataVersionTag(),
      arch: process.arch, platform: process.platform,
    };
  }

  function start() {
    building = false;
    const spec = String(process.env.V8SNAP_EMBED_FDS || '').split(',').map(Number);
    delete process.env.V8SNAP_EMBED_FDS;
    allowNet = process.env.V8SNAP_EMBED_ALLOW_NET === '1';
    delete process.env.V8SNAP_EMBED_ALLOW_NET;
    // GLIBC_TUNABLES was extended for this process's malloc only (v8snap/node/hugepages.py; loader.js does
    // the same for apps): user code and child processes see the caller's value.
    const tunables = process.env.V8SNAP_TUNABLES;
    if (tunables !== undefined) {
      delete process.env.V8SNAP_TUNABLES;
      if (tunables === '-') delete process.env.GLIBC_TUNABLES; else process.env.GLIBC_TUNABLES = tunables.slice(1);
    }
    if (spec.length !== 3 || spec.some((n) => !Number.isInteger(n) || n < 3)) {
      fs.writeSync(2, 'v8snap: this process must be started by v8snap.embed.Runtime\n');
      process.exit(70);
    }
    const [fdIn, fdOut, fdCb] = spec;
    out = fdOut;
    cbIn = fdCb;
    captureConsole();
    installSandbox(allowNet, [...NET_BUILTINS], NET_GLOBALS);
    const input = new net.Socket({ fd: fdIn, readable: true, writable: false });
    let pending = Buffer.alloc(0);
    input.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4) {
        const len = pending.readUInt32BE(0);
        if (pending.length < 4 + len) break;
        const body = pending.subarray(4, 4 + len).toString('utf8');
        pending = pending.subarray(4 + len);
        handle(JSON.parse(body, reviver));
      }
    });
    // EOF: the Python side closed the pipe or died. Exit even if user timers would keep us alive.
    input.on('end', () => process.exit(0));
    input.on('error', () => process.exit(0));
    process.on('uncaughtException', (err) => send({ op: 'console', level: 'error', text: 'Uncaught ' + (err && err.stack || String(err)) }));
    process.on('unhandledRejection', (err) => send({ op: 'console', level: 'error', text: 'Unhandled rejection ' + (err && err.stack || String(err)) }));
    send({ op: 'hello', fingerprint: bakedFingerprint, live: liveFingerprint(), modules: [...modules.keys()] });
  }

  function finishSnapshot(fingerprint) {
    bakedFingerprint = fingerprint;
    building = false;
    v8.startupSnapshot.setDeserializeMainFunction(start);
  }

  return { defineModule, buildStep, finishSnapshot, start, modules };
}

module.exports = createEmbed;
