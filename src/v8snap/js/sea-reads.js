// @ts-check
'use strict';
// v8snap sea: which files under the app's root does a plain run read? (`v8snap sea`, issue 14)
// `node --require sea-reads.js <entry> <args...>` with V8SNAP_SEA_READS_OUT=<file> and
// V8SNAP_SEA_ROOT=<app root>: each regular file under the root that the run opens for reading through `fs`
// is appended to the out file (one absolute path per line, as it happens: a server killed at the time
// limit has still reported what it read). Those files travel in the single executable as assets.

const fs = require('fs');
const path = require('path');
const { isMainThread } = require('worker_threads');

const OUT = process.env.V8SNAP_SEA_READS_OUT;
const ROOT = process.env.V8SNAP_SEA_ROOT;
delete process.env.V8SNAP_SEA_READS_OUT; // children the app spawns inherit the preload, not the recording
delete process.env.V8SNAP_SEA_ROOT;

if (OUT && ROOT && isMainThread) {
  const seen = new Set();
  const append = fs.appendFileSync;
  const statSync = fs.statSync;
  const note = (/** @type {unknown} */ p) => {
    if (typeof p !== 'string' && !(p instanceof URL) && !Buffer.isBuffer(p)) return;
    let abs;
    try {
      abs = path.resolve(p instanceof URL ? require('url').fileURLToPath(p) : p.toString());
    } catch {
      return;
    }
    if (seen.has(abs) || !abs.startsWith(ROOT + path.sep)) return;
    seen.add(abs);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (st && st.isFile()) append(OUT, abs + '\n');
  };
  const reading = (/** @type {unknown} */ flags) => flags === undefined || flags === null || /^r(?!\+)/.test(String(flags)) || flags === 0;
  for (const name of ['readFileSync', 'readFile', 'createReadStream']) {
    const real = /** @type {any} */ (fs)[name];
    /** @type {any} */ (fs)[name] = function (/** @type {unknown} */ p) {
      note(p);
      return real.apply(this, arguments);
    };
  }
  for (const name of ['openSync', 'open']) {
    const real = /** @type {any} */ (fs)[name];
    /** @type {any} */ (fs)[name] = function (/** @type {unknown} */ p, /** @type {unknown} */ flags) {
      if (typeof flags === 'function' || reading(flags)) note(p);
      return real.apply(this, arguments);
    };
  }
  const realPromise = fs.promises.readFile;
  fs.promises.readFile = function (/** @type {unknown} */ p) {
    note(p);
    return realPromise.apply(this, arguments);
  };
}
