// @ts-check
// The protocol server of an embedded runtime: started from the blob (or by server.js), it reads requests
// from fdIn, answers on fdOut, and sends what user code prints as console events.
/* global NET_BUILTINS, NET_GLOBALS, installSandbox */
/* exported embedProtocol */

/** @param {V8snapEmbed} e */
function embedProtocol(e) {
  const { fs, util, v8, net, Buffer, modules } = e;

  function captureConsole() {
    const levels = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
    for (const level of levels) {
      /** @type {any} */ (console)[level] = (/** @type {any[]} */ ...args) => {
        let text = util.format(...args);
        if (level === 'trace') text = 'Trace: ' + text + '\n' + new Error().stack.split('\n').slice(2).join('\n');
        e.send({ op: 'console', level, text });
      };
    }
    console.dir = (obj, opts) => e.send({ op: 'console', level: 'log', text: util.inspect(obj, opts) });
  }

  /** @param {string | null | undefined} moduleName @param {string} name */
  function lookup(moduleName, name) {
    if (moduleName === null || moduleName === undefined) {
      return { holder: globalThis, value: /** @type {any} */ (globalThis)[name] };
    }
    const exports = e.exportsOf(moduleName);
    if (exports === undefined && !modules.has(moduleName)) {
      const err = new Error(`no module named ${JSON.stringify(moduleName)} in this runtime`);
      err.name = 'ReferenceError';
      throw err;
    }
    return { holder: exports, value: exports[name] };
  }

  /** @param {any} msg */
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
        if (e.entrypoint === null) {
          throw new ReferenceError('no entrypoint: call v8snap.registerEntrypoint(fn) or export a default function');
        }
        return e.entrypoint.apply(undefined, msg.args);
      case 'declare':
        e.declared.set(msg.name, { source: msg.source, esm: !!msg.esm });
        return null;
      case 'load':
        if (msg.declared) e.runDeclared(msg.name); else e.defineModule(msg.name, msg.source);
        return null;
      case 'ping':
        return null;
      default:
        throw new Error('v8snap: unknown op ' + msg.op);
    }
  }

  /** @param {any} msg */
  async function handle(msg) {
    let value;
    try {
      value = runOp(msg);
      if (value !== null && typeof value === 'object' && typeof value.then === 'function' && msg.await !== false) {
        value = await value;
      }
    } catch (err) {
      e.send({ id: msg.id, ok: false, error: e.errorInfo(err) });
      return;
    }
    e.send({ id: msg.id, ok: true, value });
  }

  function liveFingerprint() {
    return {
      node: process.version, v8: process.versions.v8, cached_data_tag: v8.cachedDataVersionTag(),
      arch: process.arch, platform: process.platform,
    };
  }

  e.start = function start() {
    e.building = false;
    const spec = String(process.env.V8SNAP_EMBED_FDS || '').split(',').map(Number);
    delete process.env.V8SNAP_EMBED_FDS;
    e.allowNet = process.env.V8SNAP_EMBED_ALLOW_NET === '1';
    delete process.env.V8SNAP_EMBED_ALLOW_NET;
    // GLIBC_TUNABLES was extended for this process's malloc only (v8snap/node/hugepages.py; the loader does
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
    e.out = fdOut;
    e.cbIn = fdCb;
    captureConsole();
    installSandbox(e.allowNet, [...NET_BUILTINS], NET_GLOBALS, e.registerHooks);
    const input = new net.Socket({ fd: fdIn, readable: true, writable: false });
    /** @type {Buffer} */
    let pending = Buffer.alloc(0);
    input.on('data', (/** @type {Buffer} */ chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4) {
        const len = pending.readUInt32BE(0);
        if (pending.length < 4 + len) break;
        const body = pending.subarray(4, 4 + len).toString('utf8');
        pending = pending.subarray(4 + len);
        handle(JSON.parse(body, e.reviver));
      }
    });
    // EOF: the Python side closed the pipe or died. Exit even if user timers would keep us alive.
    input.on('end', () => process.exit(0));
    input.on('error', () => process.exit(0));
    process.on('uncaughtException', (err) => e.send({ op: 'console', level: 'error', text: 'Uncaught ' + (err && err.stack || String(err)) }));
    process.on('unhandledRejection', (err) => e.send({ op: 'console', level: 'error', text: 'Unhandled rejection ' + (err && /** @type {any} */ (err).stack || String(err)) }));
    e.send({ op: 'hello', fingerprint: e.bakedFingerprint, live: liveFingerprint(), modules: [...modules.keys(), ...e.declared.keys()] });
  };
}
