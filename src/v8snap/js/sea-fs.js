// @ts-check
// v8snap single executable: read-only file system of the app's SEA assets (`v8snap sea`, issue 14).
//
// In a single executable the app's files under its root are not on disk: they travel as SEA assets, one per
// app-relative path (`./node_modules/x/data.json`). These `fs` functions answer paths under the root that
// are assets from `node:sea` getAsset, read-only, as pkg's snapshot file system does; anything else goes to
// the real `fs`. Writes are not intercepted (they reach the disk, where the root may not exist).
// Runs in the deserialized process only (never in the builder).

/* exported __v8snap_seaFs */

/**
 * @param {string} root the app's root directory (absolute)
 * @param {string[]} keys the asset keys (app-relative paths: './node_modules/x/data.json')
 * @param {(key: string) => ArrayBuffer} getAsset `node:sea` getAsset
 */
function __v8snap_seaFs(root, keys, getAsset) {
  'use strict';
  const fs = require('fs');
  const path = require('path');
  const assets = new Set(keys);
  const dirs = new Set();
  for (const k of keys) {
    // 'node_modules/m' for './node_modules/m/index.js' (app-relative, no './')
    for (let d = path.posix.dirname(k.slice(2)); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  }

  /** The asset key of a path ('./a/b.json'), or null when it is not under the root. @param {unknown} p */
  function keyOf(p) {
    if (p instanceof URL) p = p.protocol === 'file:' ? require('url').fileURLToPath(p) : '';
    if (Buffer.isBuffer(p)) p = p.toString();
    if (typeof p !== 'string') return null;
    const abs = path.resolve(p);
    if (abs === root) return '.';
    if (!abs.startsWith(root + '/')) return null;
    return './' + abs.slice(root.length + 1);
  }
  const isFile = (/** @type {string | null} */ k) => k !== null && assets.has(k);
  const isDir = (/** @type {string | null} */ k) => k !== null && (k === '.' || dirs.has(k.slice(2)));

  /** @param {string} k @param {any} [options] */
  function read(k, options) {
    const buf = Buffer.from(getAsset(k));
    const enc = typeof options === 'string' ? options : options && options.encoding;
    return enc ? buf.toString(enc) : buf;
  }
  /** @param {string} syscall @param {unknown} p */
  function enoent(syscall, p) {
    const err = new Error(`ENOENT: no such file or directory, ${syscall} '${p}'`);
    Object.assign(err, { errno: -2, code: 'ENOENT', syscall, path: String(p) });
    return err;
  }
  /** @param {string} k */
  function stats(k) {
    const file = isFile(k);
    const size = file ? getAsset(k).byteLength : 0;
    const t = new Date(0);
    return {
      dev: 0, ino: 0, mode: file ? 0o100444 : 0o40555, nlink: 1, uid: 0, gid: 0, rdev: 0, size, blksize: 4096,
      blocks: Math.ceil(size / 512), atimeMs: 0, mtimeMs: 0, ctimeMs: 0, birthtimeMs: 0,
      atime: t, mtime: t, ctime: t, birthtime: t,
      isFile: () => file, isDirectory: () => !file, isSymbolicLink: () => false, isFIFO: () => false,
      isSocket: () => false, isBlockDevice: () => false, isCharacterDevice: () => false,
    };
  }
  /** @param {string} k */
  function listing(k) {
    const prefix = k === '.' ? '' : k.slice(2) + '/';
    const names = new Set();
    for (const a of assets) {
      const rel = a.slice(2);
      if (rel.startsWith(prefix)) names.add(rel.slice(prefix.length).split('/')[0]);
    }
    for (const d of dirs) if (d.startsWith(prefix)) names.add(d.slice(prefix.length).split('/')[0]);
    names.delete('');
    return [...names].sort();
  }

  /** @type {Record<string, Function>} */
  const real = {};
  /** @param {string} name @param {(...args: any[]) => any} fn */
  function wrap(name, fn) {
    real[name] = /** @type {any} */ (fs)[name];
    /** @type {any} */ (fs)[name] = fn;
  }
  wrap('readFileSync', function readFileSync(p, options) {
    const k = keyOf(p);
    return isFile(k) ? read(k, options) : real.readFileSync.apply(fs, arguments);
  });
  wrap('existsSync', function existsSync(p) {
    const k = keyOf(p);
    return isFile(k) || isDir(k) || real.existsSync.apply(fs, arguments);
  });
  for (const name of ['statSync', 'lstatSync']) {
    wrap(name, function statSync(p, _options) {
      const k = keyOf(p);
      if (isFile(k) || isDir(k)) return stats(k);
      return real[name].apply(fs, arguments);
    });
  }
  wrap('accessSync', function accessSync(p, mode) {
    const k = keyOf(p);
    if (isFile(k) || isDir(k)) {
      if (mode & fs.constants.W_OK) throw Object.assign(enoent('access', p), { code: 'EROFS', errno: -30 });
      return undefined;
    }
    return real.accessSync.apply(fs, arguments);
  });
  wrap('readdirSync', function readdirSync(p, options) {
    const k = keyOf(p);
    if (!isDir(k)) return real.readdirSync.apply(fs, arguments);
    if (options && typeof options === 'object' && options.withFileTypes) {
      return listing(k).map((n) => {
        const child = k === '.' ? './' + n : k + '/' + n;
        return Object.assign(stats(child), { name: n, parentPath: path.resolve(root, k) });
      });
    }
    return listing(k);
  });
  wrap('realpathSync', function realpathSync(p) {
    const k = keyOf(p);
    return isFile(k) || isDir(k) ? path.resolve(p.toString()) : real.realpathSync.apply(fs, arguments);
  });
  fs.realpathSync.native = fs.realpathSync;
  wrap('readFile', function readFile(p, options, cb) {
    const k = keyOf(p);
    if (!isFile(k)) return real.readFile.apply(fs, arguments);
    const done = typeof options === 'function' ? options : cb;
    const data = read(k, typeof options === 'function' ? undefined : options);
    process.nextTick(done, null, data);
  });
  const realPromisesRead = fs.promises.readFile;
  fs.promises.readFile = async function readFile(/** @type {unknown} */ p, /** @type {any} */ options) {
    const k = keyOf(p);
    return isFile(k) ? read(k, options) : realPromisesRead.apply(fs.promises, arguments);
  };
  return { keyOf, isFile, read, enoent };
}
