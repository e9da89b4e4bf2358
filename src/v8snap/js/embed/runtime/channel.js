// @ts-check
// Frames on the protocol's file descriptors (4-byte big-endian length + UTF-8 JSON), and calling back into
// Python: a blocking read of fdCb, which makes a Python callback a plain synchronous call from JavaScript.
/* exported embedChannel */

/** @param {V8snapEmbed} e */
function embedChannel(e) {
  const { fs, Buffer } = e;

  /** @param {number} fd @param {Buffer} buf */
  function writeAll(fd, buf) {
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
  }

  e.send = function send(msg) {
    let body;
    try {
      body = Buffer.from(JSON.stringify(msg, e.replacer), 'utf8');
    } catch (err) {
      body = Buffer.from(JSON.stringify({ id: /** @type {any} */ (msg).id, ok: false, error: e.errorInfo(err) }), 'utf8');
    }
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(body.length, 0);
    writeAll(e.out, Buffer.concat([head, body]));
  };

  e.readExact = function readExact(fd, n) {
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
  };

  e.callPython = function callPython(name, args) {
    if (e.out < 0) throw new Error('v8snap: Python functions cannot be called while building a snapshot');
    e.send({ op: 'callback', name: String(name), args });
    const len = e.readExact(e.cbIn, 4).readUInt32BE(0);
    const reply = JSON.parse(e.readExact(e.cbIn, len).toString('utf8'), e.reviver);
    if (reply.ok) return reply.value;
    const err = new Error(reply.error.message);
    err.name = reply.error.name || 'PythonError';
    throw err;
  };

  // The `v8snap` global of evaluated code: v8snap.functions.name(...), v8snap.call(name, ...),
  // v8snap.registerEntrypoint(fn).
  const functions = new Proxy({}, {
    get(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      return (/** @type {any[]} */ ...args) => e.callPython(prop, args);
    },
  });
  const helper = Object.freeze({
    functions,
    call: (/** @type {string} */ name, /** @type {any[]} */ ...args) => e.callPython(name, args),
    /** @param {Function} fn */
    registerEntrypoint(fn) {
      if (typeof fn !== 'function') throw new TypeError('registerEntrypoint expects a function');
      e.entrypoint = fn;
    },
  });
  Object.defineProperty(globalThis, 'v8snap', { value: helper, writable: false, configurable: false });
}
